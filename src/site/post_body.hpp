// A post's or page's body from Markdown to HTML, as Hexo's post renderer does it (spec §9.2):
// tag plugins are cut out (never inside code), Markdown is rendered, the plugins' HTML is put
// back, and the excerpt is split at `<!-- more -->` (spec §10).
//
// Config keys read by make_body_context (besides Hexo's `marked:`, `highlight:`, `prismjs:`,
// `syntax_highlighter`, `code_dir`, `post_asset_folder`, `root`):
//   math.enable / math.every_page (bool, default false)  math on every page; otherwise only on
//       pages whose front matter says `math: true`, `mathjax: true` or `katex: true`
//   mermaid.enable (bool, default true)  ```mermaid fences become diagrams
//   excerpt.auto (bool, default false)   without `<!-- more -->`, cut an excerpt of
//       excerpt.length (default 200) user-perceived characters of text. Off by default so that
//       `excerpt` stays '' like Hexo's and themes that test `post.excerpt` behave as on Hexo.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "config/config.hpp"
#include "content/document.hpp"
#include "markdown/markdown.hpp"
#include "text/url.hpp"

namespace haven::site {

struct ExcerptOptions {
  bool automatic = false;  // `excerpt.auto`
  size_t length = 200;     // `excerpt.length`, in grapheme clusters of text (tags and entities excluded)
};

struct BodyContext {
  markdown::Options markdown;
  text::UrlOptions urls;
  bool asset_folder = false;
  std::filesystem::path source_dir;          // the site's source folder, for include_code
  std::string code_dir = "downloads/code";   // config `code_dir`, under source_dir
  bool math_everywhere = false;              // config `math.enable` / `math.every_page`
  bool titlecase = false;                    // config `titlecase`: blockquote titles too
  ExcerptOptions excerpt;
  // Finds a post by slug, then by title, for post_link/post_path; nullptr when there is none.
  std::function<const content::Document*(std::string_view)> find_post;
};

// Everything render_body needs from the site config (see the key list above); `find_post` is
// left empty for the caller. `site_dir` is the folder holding `_config.yml`.
BodyContext make_body_context(const config::SiteConfig& cfg, const std::filesystem::path& site_dir,
                              const text::UrlOptions& urls);

// The excerpt or the `more` part of a rendered body: a range of the body's content, the whole
// content, or a text of its own (a front-matter or automatic excerpt, a part spaced on its own).
// Ranges keep a post's HTML once in memory instead of up to three times (content, excerpt and
// more are most of a big site's memory).
class BodyPart {
public:
  static BodyPart whole_content() { return BodyPart(k_whole, 0, {}); }
  // `offset`/`size`: bytes of the content, which must not change afterwards.
  static BodyPart range(size_t offset, size_t size) { return BodyPart(offset, size, {}); }
  static BodyPart own(std::string text) { return BodyPart(k_own, 0, std::move(text)); }
  // The part's text, given the content of the body it belongs to.
  std::string_view in(std::string_view content) const {
    if (m_offset == k_whole) return content;
    if (m_offset == k_own) return m_own;
    return content.substr(m_offset, m_size);
  }
  bool is_whole_content() const { return m_offset == k_whole; }

private:
  static constexpr size_t k_whole = static_cast<size_t>(-1), k_own = static_cast<size_t>(-2);
  BodyPart(size_t offset, size_t size, std::string own) : m_offset(offset), m_size(size), m_own(std::move(own)) {}
  size_t m_offset, m_size;
  std::string m_own;
};

struct RenderedBody {
  std::string content;   // full HTML, `<!-- more -->` replaced by <span id="more"></span>
  // HTML before the marker, or front-matter `excerpt`, or the automatic excerpt, or ""
  BodyPart excerpt_part = BodyPart::own({});
  // HTML after the marker, or the whole content without one
  BodyPart more_part = BodyPart::whole_content();
  std::vector<markdown::Heading> headings;
  bool needs_math = false;     // the page has formulas: load KaTeX (assets::head_tags)
  bool needs_mermaid = false;  // the page has mermaid diagrams: load mermaid
  // Files besides the document that the body was made from (include_code); a cached body is
  // stale when one of them changes.
  std::vector<std::filesystem::path> dependencies;

  // `page.excerpt` as themes see it.
  std::string_view excerpt() const { return excerpt_part.in(content); }
  // `page.more` as themes see it: the HTML after the marker, or the whole content without one.
  std::string_view more_html() const { return more_part.in(content); }
};

// Renders `doc`'s body. Unknown tags become warnings (file:line) and stay as text; a tag that
// cannot work (post_link to a missing post, a block tag never closed) is an error.
base::Result<RenderedBody> render_body(const content::Document& doc, const BodyContext& ctx,
                                       std::vector<base::Diagnostic>& warnings);

// Splits `args` of a tag like Hexo: on spaces, with "double" or 'single' quoted parts kept whole.
std::vector<std::string> split_tag_args(std::string_view args);

// The first `length` grapheme clusters of the text of `html`, with its markup: never cut inside
// a tag or an entity (an entity counts as one character), elements still open at the cut are
// closed, and whitespace-only text does not count. Returns `html` when it is short enough.
std::string truncate_html(std::string_view html, size_t length);

} // namespace haven::site
