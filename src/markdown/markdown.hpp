// Markdown to HTML as Hexo's default renderer (hexo-renderer-marked 7) produces it, on top of
// cmark-gfm: GFM extensions, hard breaks, heading ids with header anchors, smart punctuation,
// raw HTML passthrough and fenced code highlighted into Hexo's <figure class="highlight"> markup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace haven::markdown {

struct HighlightOptions {
  // false = `syntax_highlighter: false`: fences render as marked prints them,
  // <pre><code class="language-LANG">escaped\n</code></pre>.
  bool enable = true;
  // `syntax_highlighter: prismjs`: hexo-util's prism markup (preprocess mode),
  // <pre class="line-numbers language-LANG"><code class="language-LANG">tokens</code></pre>.
  bool prism = false;
  bool line_number = true;       // gutter column (prism: the line-numbers-rows span)
  bool wrap = true;              // the <figure><table> wrapper; ignored while line_number is on, as in hexo-util
  std::string tab_replace;       // replaces each \t when non-empty
  std::vector<std::string> exclude_languages;  // listed languages are not highlighted (escaped only)
};

struct Options {
  bool commonmark = false;       // strict CommonMark: no hard breaks, no heading ids, no smartypants, no GFM extensions, no highlighting (for spec conformance tests)
  bool breaks = true;            // single newline = <br>
  bool smartypants = true;
  bool header_ids = true;
  int modify_anchors = 0;        // 0 keep, 1 lower, 2 upper (slugize transform)
  bool lazyload = false;         // loading="lazy" on <img>
  bool footnotes = false;        // GFM footnotes (`marked.footnotes`); off like hexo-renderer-marked, which has none
  bool description_lists = true; // "Term\n: Definition" paragraphs → <dl> (`marked.descriptionLists`)
  // `$…$`, `$$…$$`, `\(…\)`, `\[…\]` are kept away from Markdown and emitted as
  // <span class="math inline">\(…\)</span> / <span class="math display">\[…\]</span> (a display
  // formula alone in its paragraph becomes <div class="math display">), for KaTeX in the browser.
  bool math = false;
  // ```mermaid fences become <pre class="mermaid">escaped source</pre> for mermaid in the browser.
  bool mermaid = true;
  std::string root = "/";        // prepended to root-relative image paths like Hexo's prependRoot ("images/x.png" → "/images/x.png")
  HighlightOptions highlight;
};

struct Heading {
  int level;
  std::string id;
  std::string text;  // plain text of the heading (tags stripped, entities decoded)
};

struct Rendered {
  std::string html;
  std::vector<Heading> headings;
  bool has_math = false;     // some math was found (only with Options::math)
  bool has_mermaid = false;  // some ```mermaid block was rendered as a diagram
};

// Renders one document. Never fails: Markdown has no syntax errors.
Rendered render(std::string_view markdown, const Options& options);

// True when cmark-gfm's inline passes run in parallel (Haven's handling of its special-character
// table is in effect, see markdown.cpp); false when they are serialised by the fallback mutex.
bool inline_passes_run_in_parallel();

struct CodeBlock {
  std::string lang;               // as written in the fence or tag ("js"); empty = plaintext
  std::string caption;            // raw HTML inside <figcaption><span>…</span>
  std::string caption_url;        // adds <a href="URL">caption_link_text or "link"</a>
  std::string caption_link_text;
  bool line_number = true;        // per-block switch, ANDed with HighlightOptions::line_number
  int first_line = 1;
  std::vector<int> marked_lines;  // line numbers (as shown in the gutter) to mark
};

// Hexo's highlighted code markup (spec §9.3 / §9.5 codeblock):
// <figure class="highlight LANG">[<figcaption>…]<table><tr><td class="gutter">…</td>
// <td class="code">…</td></tr></table></figure>, with highlight.js class names, one
// <span class="line">…</span><br> per line and '{' '}' as &#123; &#125;. An unknown or empty
// language gives class "plaintext" and escaped, unhighlighted text. One trailing newline of
// `code` is ignored.
std::string highlight_code(std::string_view code, const CodeBlock& block, const HighlightOptions& options);

// A mermaid diagram's markup: <pre class="mermaid">escaped source</pre>.
std::string mermaid_html(std::string_view source);

// Parses a fence info string the way Hexo's backtick_code_block filter does:
// "lang [caption [url [link text]]]" plus the options line_number:BOOL, first_line:N,
// mark:1,3-4 and lang:NAME anywhere in it.
CodeBlock parse_fence_info(std::string_view info);

} // namespace haven::markdown
