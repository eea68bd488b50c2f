// A post's or page's body from Markdown to HTML, as Hexo's post renderer does it (spec §9.2):
// tag plugins are cut out (never inside code), Markdown is rendered, the plugins' HTML is put
// back, and the excerpt is split at `<!-- more -->` (spec §10).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "content/document.hpp"
#include "markdown/markdown.hpp"
#include "text/url.hpp"

namespace haven::site {

struct BodyContext {
  markdown::Options markdown;
  text::UrlOptions urls;
  bool asset_folder = false;
  // Finds a post by slug, then by title, for post_link/post_path; nullptr when there is none.
  std::function<const content::Document*(std::string_view)> find_post;
};

struct RenderedBody {
  std::string content;   // full HTML, `<!-- more -->` replaced by <span id="more"></span>
  std::string excerpt;   // HTML before the marker, or front-matter `excerpt`, or ""
  std::string more;      // HTML after the marker (or the whole content)
  std::vector<markdown::Heading> headings;
};

// Renders `doc`'s body. Unknown tags become warnings (file:line) and stay as text; a tag that
// cannot work (post_link to a missing post) is an error.
base::Result<RenderedBody> render_body(const content::Document& doc, const BodyContext& ctx,
                                       std::vector<base::Diagnostic>& warnings);

// Splits `args` of a tag like Hexo: on spaces, with "double" or 'single' quoted parts kept whole.
std::vector<std::string> split_tag_args(std::string_view args);

} // namespace haven::site
