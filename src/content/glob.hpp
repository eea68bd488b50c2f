// Glob matching for Hexo's `skip_render`, `include`, `exclude` and `ignore` settings
// (micromatch-style, the subset Hexo users write).
#pragma once

#include <string_view>

namespace haven::content {

// Whether slash-separated `path` matches `pattern`: `**` spans folders, `*` and `?` stay within one
// segment, `{a,b}` alternatives, `[abc]` classes. A pattern without a slash also matches the base name
// anywhere (micromatch's matchBase is off in Hexo, so this is *not* done: "*.md" matches only top level).
bool glob_match(std::string_view pattern, std::string_view path);

} // namespace haven::content
