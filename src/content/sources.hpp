// Walks a Hexo `source/` folder and classifies every file as Hexo does (spec §1).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace haven::content {

enum class SourceKind {
  Post,       // _posts/**.md
  Draft,      // _drafts/**.md (built only with drafts enabled)
  Page,       // rendered page (Markdown, HTML, YAML → JSON)
  Asset,      // copied byte for byte
  PostAsset,  // a file in a post's asset folder (_posts/<slug>/x.png)
  Data,       // _data/*.yml|json → site.data
};

struct SourceFile {
  std::string rel;               // path under source/, forward slashes ("_posts/hello-world.md")
  std::filesystem::path abs;
  SourceKind kind;
};

// Whether `ext` (".md") is one of Hexo's Markdown extensions.
bool is_markdown_ext(std::string_view ext);

// Every file of `source_dir` that Hexo would process, classified, sorted by `rel` bytewise so that
// everything order-dependent (abbrlink clashes, ties in sorting) is deterministic. Temp files
// (`x~`, `x%`), hidden and `_`-prefixed paths (unless `include` matches), `exclude`/`ignore`
// matches and, without `post_asset_folder`, non-post files in `_posts/` are left out.
std::vector<SourceFile> discover_sources(const std::filesystem::path& source_dir,
                                         const config::SiteConfig& config);

// Whether `rel` matches one of the `skip_render` globs (such files are copied, not rendered).
bool is_skip_render(std::string_view rel, const config::SiteConfig& config);

} // namespace haven::content
