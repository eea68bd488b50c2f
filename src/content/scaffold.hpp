// Scaffolds and file names of `hexo new` (hexo/lib/hexo/post.js, filters/new_post_path.js): what
// `haven new` and `haven publish` write, and where.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace haven::content {

// Hexo's built-in "normal" scaffold, used when the site has neither scaffolds/<layout>.md nor
// scaffolds/normal.md.
std::string_view builtin_scaffold();

// The scaffold text for `layout`: <scaffold_dir>/<layout>.md, else <scaffold_dir>/normal.md, else
// builtin_scaffold() (Hexo's fallback order).
std::string read_scaffold(const std::filesystem::path& scaffold_dir, std::string_view layout);

// Fills `{{ name }}` placeholders in the scaffold's front matter (the body is kept verbatim, as
// Hexo renders only the front matter). `vars` holds plain string values; each is written as a
// YAML scalar (quoted when needed, see yaml_scalar), or escaped for the quotes the scaffold
// already puts around the placeholder (`title: "{{ title }}"`). Names not in `vars` become empty,
// as Nunjucks prints undefined. `raw_vars` are written verbatim (dates). A scaffold without front
// matter gets `---\ntitle: …\ndate: …\n---\n` in front, from `vars` "title" and `raw_vars` "date".
std::string render_scaffold(std::string_view scaffold,
                            const std::vector<std::pair<std::string, std::string>>& vars,
                            const std::vector<std::pair<std::string, std::string>>& raw_vars);

struct NewPostNameParts {
  std::string title;    // the slug (already slugized)
  int year = 1970, month = 1, day = 1;
  int64_t timestamp = 0;  // Unix seconds
};

// Expands a `new_post_name` pattern (default ":title.md"): :title :year :month :day :i_month
// :i_day :timestamp, then `permalink_defaults` keys, and like Hexo the literal "undefined" for
// any other token. The extension of the pattern (or ".md") is added when the result has none.
std::string expand_new_post_name(std::string_view pattern, const NewPostNameParts& parts,
                                 const config::SiteConfig& config);

} // namespace haven::content
