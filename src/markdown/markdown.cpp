// cmark-gfm parses; the AST is then rewritten so that the stock HTML renderer prints Hexo's
// markup: text, code spans, links, images, breaks and rules become raw HTML nodes built here,
// headings get ids and anchors, fenced code becomes highlight_code output.
#include "markdown/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <dlfcn.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <regex>
#include <unordered_map>

#include "base/bytes.hpp"
#include "markdown/arena.hpp"
#include "markdown/math.hpp"
#include "text/html.hpp"
#include "text/slug.hpp"
#include "text/url.hpp"

namespace haven::markdown {

namespace {

// Marks the end of a heading's HTML block so the newline the renderer adds after it can be
// dropped (Hexo prints "</h2><p>"). Only used when the input does not contain the byte.
constexpr char k_heading_end = '\x02';

constexpr const char* k_gfm_extensions[] = {"table", "strikethrough", "autolink", "tasklist"};

// cmark_parser_finish() parses the inlines with a process-wide table of special characters: it
// adds the attached extensions' characters (`~` for strikethrough, `:` and `w` for autolinks)
// through cmark_manage_extensions_special_characters() before, and removes them after, so a
// parser finishing on another thread would make a concurrent one miss strikethrough and
// autolinks. That function is exported and the library calls it through its PLT, so Haven
// defines its own (below, with C linkage), which wins the dynamic symbol lookup: it still adds
// through the library's, but removes only when no parser is in its inline pass any more, which
// leaves the table as the library would for one parser at a time. If the definition does not win
// (checked once), the inline pass falls back to running under a mutex.
struct SpecialCharacters {
  using Manage = void (*)(cmark_parser*, int);
  Manage library = nullptr;    // the library's own function
  cmark_parser* all = nullptr; // every extension attached: what to remove (lives with the process)
  bool interposed = false;
  std::mutex mutex;            // guards `finishing` and the table updates
  int finishing = 0;           // parsers between their add and remove
  std::mutex serial;           // the fallback: one inline pass at a time
};

SpecialCharacters& special_characters() {
  static SpecialCharacters state;
  return state;
}

void ensure_extensions_registered() {
  static std::once_flag once;  // registration mutates a global registry
  std::call_once(once, [] {
    cmark_gfm_core_extensions_ensure_registered();
    SpecialCharacters& state = special_characters();
    constexpr const char* k_name = "cmark_manage_extensions_special_characters";
    state.library = reinterpret_cast<SpecialCharacters::Manage>(dlsym(RTLD_NEXT, k_name));
    state.interposed = state.library != nullptr &&
                       dlsym(RTLD_DEFAULT, k_name) == reinterpret_cast<void*>(&::cmark_manage_extensions_special_characters);
    state.all = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (const char* name : k_gfm_extensions) {
      if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(state.all, ext);
    }
  });
}

cmark_node* finish_parser(cmark_parser* parser) {
  SpecialCharacters& state = special_characters();
  if (state.interposed) return cmark_parser_finish(parser);
  std::lock_guard lock(state.serial);
  return cmark_parser_finish(parser);
}

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};

// cmark's HTML of `node`, rendered into the document's arena and copied out.
std::string render_html(cmark_node* node, int options, cmark_llist* extensions) {
  const char* html = cmark_render_html_with_mem(node, options, extensions, detail::ArenaScope::mem());
  return html ? html : "";
}

cmark_node* make_raw(cmark_node_type type, const std::string& html) {
  cmark_node* node = cmark_node_new_with_mem(type, detail::ArenaScope::mem());
  cmark_node_set_literal(node, html.c_str());
  return node;
}

void replace_with(cmark_node* old_node, cmark_node* new_node) {
  cmark_node_replace(old_node, new_node);
  cmark_node_free(old_node);
}

// Every `from` in `s` replaced by `to`, in one pass that copies `s` only when `from` occurs.
void replace_all(std::string& s, std::string_view from, std::string_view to) {
  size_t pos = base::find_bytes(s, from);
  if (pos == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  size_t copied = 0;
  for (; pos != std::string::npos; pos = base::find_bytes(s, from, copied)) {
    out.append(s, copied, pos - copied);
    out += to;
    copied = pos + from.size();
  }
  out.append(s, copied);
  s = std::move(out);
}

// Removes the byte ranges `cuts` ({start, length}: in order, not overlapping) from `s` in place.
void erase_ranges(std::string& s, const std::vector<std::pair<size_t, size_t>>& cuts) {
  if (cuts.empty()) return;
  size_t out = cuts.front().first, in = out;
  for (size_t k = 0; k < cuts.size(); ++k) {
    in = cuts[k].first + cuts[k].second;
    size_t keep_end = k + 1 < cuts.size() ? cuts[k + 1].first : s.size();
    std::memmove(s.data() + out, s.data() + in, keep_end - in);
    out += keep_end - in;
  }
  s.resize(out);
}

// Drops every heading-end marker and the newline right after it.
void drop_heading_markers(std::string& html) {
  std::vector<std::pair<size_t, size_t>> cuts;
  for (size_t at = html.find(k_heading_end); at != std::string::npos; at = html.find(k_heading_end, at + 1)) {
    cuts.emplace_back(at, at + 1 < html.size() && html[at + 1] == '\n' ? 2 : 1);
  }
  erase_ranges(html, cuts);
}

// cmark prints "<tbody>\n<tr>" and "</tbody>\n</table>" where marked has no newline: those
// newlines are dropped.
void join_table_bodies(std::string& html) {
  constexpr std::string_view k_tbody = "tbody>\n";
  const std::string_view view = html;
  std::vector<std::pair<size_t, size_t>> cuts;
  for (size_t at = base::find_bytes(view, k_tbody); at != std::string::npos; at = base::find_bytes(view, k_tbody, at + k_tbody.size())) {
    const size_t newline = at + k_tbody.size() - 1;
    std::string_view after = view.substr(newline + 1);
    bool opening = at >= 1 && view[at - 1] == '<' && after.starts_with("<tr>");
    bool closing = at >= 2 && view.substr(at - 2, 2) == "</" && after.starts_with("</table>");
    if (opening || closing) cuts.emplace_back(newline, 1);
  }
  erase_ranges(html, cuts);
}

// Task list checkboxes as marked prints them ("<input checked=\"\" disabled=\"\" type=\"checkbox\">"),
// in one pass.
void rewrite_task_checkboxes(std::string& html) {
  constexpr std::string_view k_input = "<input type=\"checkbox\" ";
  constexpr std::string_view k_checked = "checked=\"\" disabled=\"\" />", k_unchecked = "disabled=\"\" />";
  size_t at = base::find_bytes(html, k_input);
  if (at == std::string::npos) return;
  std::string out;
  out.reserve(html.size());
  size_t copied = 0;
  for (; at != std::string::npos; at = base::find_bytes(html, k_input, at + k_input.size())) {
    std::string_view rest = std::string_view(html).substr(at + k_input.size());
    bool checked = rest.starts_with(k_checked);
    if (!checked && !rest.starts_with(k_unchecked)) continue;
    out.append(html, copied, at - copied);
    out += checked ? "<input checked=\"\" disabled=\"\" type=\"checkbox\">" : "<input disabled=\"\" type=\"checkbox\">";
    copied = at + k_input.size() + (checked ? k_checked : k_unchecked).size();
  }
  out.append(html, copied);
  html = std::move(out);
}

// Inline code and code spans: marked's escape plus Hexo's brace escaping.
std::string code_span_html(std::string_view literal) {
  std::string out = "<code>";
  std::string escaped = text::escape_html_min(literal);
  for (char c : escaped) {
    if (c == '{') out += "&#123;";
    else if (c == '}') out += "&#125;";
    else out += c;
  }
  out += "</code>";
  return out;
}

// Text of a subtree as an image's alt attribute sees it.
void plain_text(cmark_node* node, std::string& out) {
  for (cmark_node* child = cmark_node_first_child(node); child; child = cmark_node_next(child)) {
    cmark_node_type type = cmark_node_get_type(child);
    if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_HTML_INLINE) {
      const char* literal = cmark_node_get_literal(child);
      if (literal) out += literal;
    } else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
      out += ' ';
    } else {
      plain_text(child, out);
    }
  }
}

bool is_absolute_or_fragment(std::string_view href) {
  return href.starts_with("#") || href.starts_with("//") || href.starts_with("http:") || href.starts_with("https:");
}

std::string attribute_url(std::string url) {
  replace_all(url, "\"", "%22");  // encode_url leaves opaque URLs (mailto:) as written
  return url;
}

// An autolink's text is its URL (minus "mailto:" or with "http://" added for www. links).
bool is_autolink(cmark_node* link) {
  cmark_node* child = cmark_node_first_child(link);
  if (!child || cmark_node_next(child) || cmark_node_get_type(child) != CMARK_NODE_TEXT) return false;
  std::string_view url = cmark_node_get_url(link) ? cmark_node_get_url(link) : "";
  std::string_view text = cmark_node_get_literal(child) ? cmark_node_get_literal(child) : "";
  if (text.empty()) return false;
  if (url == text) return true;
  if (url.starts_with("mailto:") && url.substr(7) == text) return true;
  if (url.starts_with("http://") && url.substr(7) == text) return true;
  return false;
}

class Renderer {
public:
  Renderer(const Options& options, bool heading_marker, const std::vector<detail::Formula>& formulas)
      : m_options(options), m_heading_marker(heading_marker), m_formulas(formulas) {}

  void rewrite(cmark_node* document, cmark_llist* extensions) {
    m_extensions = extensions;
    collect(document);
    for (cmark_node* image : m_images) rewrite_image(image);
    for (cmark_node* text : m_texts) rewrite_text(text);
    for (cmark_node* code : m_codes) replace_with(code, make_raw(CMARK_NODE_HTML_INLINE, code_span_html(literal(code))));
    for (cmark_node* br : m_breaks) replace_with(br, make_raw(CMARK_NODE_HTML_INLINE, "<br>"));
    for (cmark_node* link : m_links) rewrite_link(link);
    for (cmark_node* block : m_code_blocks) rewrite_code_block(block);
    for (cmark_node* rule : m_rules) replace_with(rule, make_raw(CMARK_NODE_HTML_BLOCK, "<hr>"));
    for (cmark_node* heading : m_headings) rewrite_heading(heading);
    if (m_options.description_lists) {
      for (cmark_node* paragraph : m_paragraphs) rewrite_description_list(paragraph);
    }
    // marked keeps the blank line that ends a raw HTML block.
    for (cmark_node* block : m_html_blocks) {
      if (cmark_node_next(block)) cmark_node_set_literal(block, (literal(block) + "\n").c_str());
    }
  }

  std::vector<Heading> take_headings() { return std::move(m_heading_list); }
  bool has_mermaid() const { return m_has_mermaid; }
  // Whether the document has GFM tables, and task list items.
  bool has_tables() const { return m_has_tables; }
  bool has_task_items() const { return m_has_task_items; }

private:
  static std::string literal(cmark_node* node) {
    const char* s = cmark_node_get_literal(node);
    return s ? s : "";
  }
  static std::string_view literal_view(cmark_node* node) {
    const char* s = cmark_node_get_literal(node);
    return s ? std::string_view(s) : std::string_view();
  }

  void collect(cmark_node* document) {
    cmark_iter* it = cmark_iter_new(document);
    int image_depth = 0;
    cmark_event_type event;
    while ((event = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
      cmark_node* node = cmark_iter_get_node(it);
      cmark_node_type type = cmark_node_get_type(node);
      if (event == CMARK_EVENT_ENTER && cmark_node_get_syntax_extension(node)) {
        std::string_view kind = cmark_node_get_type_string(node);
        if (kind == "table") m_has_tables = true;
        else if (kind == "tasklist") m_has_task_items = true;
      }
      if (type == CMARK_NODE_IMAGE) {
        if (event == CMARK_EVENT_ENTER) {
          if (image_depth == 0) m_images.push_back(node);
          ++image_depth;
        } else {
          --image_depth;
        }
        continue;
      }
      if (event != CMARK_EVENT_ENTER || image_depth > 0) continue;
      switch (type) {
        case CMARK_NODE_TEXT: m_texts.push_back(node); break;
        case CMARK_NODE_CODE: m_codes.push_back(node); break;
        case CMARK_NODE_LINEBREAK: m_breaks.push_back(node); break;
        case CMARK_NODE_SOFTBREAK:
          if (m_options.breaks) m_breaks.push_back(node);
          break;
        case CMARK_NODE_LINK: m_links.push_back(node); break;
        case CMARK_NODE_CODE_BLOCK: {
          int length = 0, offset = 0;  // cmark writes through these pointers unchecked
          char fence_char = 0;
          if (cmark_node_get_fenced(node, &length, &offset, &fence_char)) m_code_blocks.push_back(node);
          break;
        }
        case CMARK_NODE_THEMATIC_BREAK: m_rules.push_back(node); break;
        case CMARK_NODE_HEADING: m_headings.push_back(node); break;
        case CMARK_NODE_HTML_BLOCK: m_html_blocks.push_back(node); break;
        case CMARK_NODE_PARAGRAPH: m_paragraphs.push_back(node); break;
        default: break;
      }
    }
    cmark_iter_free(it);
  }

  void rewrite_text(cmark_node* node) {
    const char* raw = cmark_node_get_literal(node);
    // text escape_html leaves alone, cmark's renderer (which escapes fewer characters) prints alike
    if (!text::escape_html_changes(raw ? raw : "")) return;  // most text: no new node
    cmark_node* parent = cmark_node_parent(node);
    bool autolink = parent && cmark_node_get_type(parent) == CMARK_NODE_LINK && is_autolink(parent);
    std::string value = raw ? raw : "";
    // marked escapes autolink text with its own escape; other text goes through escapeHTML.
    std::string html = autolink ? text::escape_html_min(value) : text::escape_html(value);
    replace_with(node, make_raw(CMARK_NODE_HTML_INLINE, html));
  }

  void rewrite_image(cmark_node* node) {
    std::string href = cmark_node_get_url(node) ? cmark_node_get_url(node) : "";
    std::string title = cmark_node_get_title(node) ? cmark_node_get_title(node) : "";
    std::string alt;
    plain_text(node, alt);
    if (!is_absolute_or_fragment(href) && !href.empty()) {
      text::UrlOptions url_options;
      url_options.root = m_options.root;
      href = text::url_for(href, url_options);
    } else {
      href = text::encode_url(href);
    }
    std::string html = "<img src=\"" + attribute_url(href) + "\"";
    if (!alt.empty()) html += " alt=\"" + text::escape_html(alt) + "\"";
    if (!title.empty()) html += " title=\"" + text::escape_html(title) + "\"";
    if (m_options.lazyload) html += " loading=\"lazy\"";
    html += '>';
    replace_with(node, make_raw(CMARK_NODE_HTML_INLINE, html));
  }

  void rewrite_link(cmark_node* link) {
    std::string href = cmark_node_get_url(link) ? cmark_node_get_url(link) : "";
    std::string title = cmark_node_get_title(link) ? cmark_node_get_title(link) : "";
    std::string open = "<a href=\"" + attribute_url(text::encode_url(href)) + "\"";
    if (!title.empty()) open += " title=\"" + text::escape_html(title) + "\"";
    open += '>';
    cmark_node_insert_before(link, make_raw(CMARK_NODE_HTML_INLINE, open));
    while (cmark_node* child = cmark_node_first_child(link)) cmark_node_insert_before(link, child);
    replace_with(link, make_raw(CMARK_NODE_HTML_INLINE, "</a>"));
  }

  void rewrite_code_block(cmark_node* node) {
    const char* info = cmark_node_get_fence_info(node);
    CodeBlock block = parse_fence_info(info ? info : "");
    std::string html;
    if (m_options.mermaid && (block.lang == "mermaid" || block.lang == "Mermaid")) {
      m_has_mermaid = true;
      html = mermaid_html(literal(node));
    } else {
      html = highlight_code(literal(node), block, m_options.highlight);
    }
    html += "\n\n";  // Hexo leaves a blank line after a fenced block
    replace_with(node, make_raw(CMARK_NODE_HTML_BLOCK, html));
  }

  void rewrite_heading(cmark_node* node) {
    int level = cmark_node_get_heading_level(node);
    std::string tag = "h" + std::to_string(level);
    std::string rendered = render_html(node, CMARK_OPT_UNSAFE, m_extensions);
    // Inner HTML: strip "<hN>" and "</hN>\n".
    std::string inner;
    size_t open_end = rendered.find('>');
    size_t close = rendered.rfind("</" + tag + ">");
    if (open_end != std::string::npos && close != std::string::npos && close > open_end) {
      inner = rendered.substr(open_end + 1, close - open_end - 1);
    }
    std::string stripped = text::strip_html(inner);
    if (!m_formulas.empty()) {  // ids and titles get the TeX source, the heading itself the markup
      stripped = detail::math_as_text(stripped, m_formulas, true);
    }
    Heading heading{level, {}, text::unescape_html(stripped)};
    std::string html;
    if (m_options.header_ids) {
      std::string plain = text::strip_html(text::unescape_html(inner));
      if (!m_formulas.empty()) plain = detail::math_as_text(plain, m_formulas);
      size_t b = plain.find_first_not_of(" \t\n\r");
      size_t e = plain.find_last_not_of(" \t\n\r");
      plain = b == std::string::npos ? std::string() : plain.substr(b, e - b + 1);
      std::string id = text::slugize(plain, m_options.modify_anchors);
      auto [it, fresh] = m_heading_counts.try_emplace(id, 1);
      if (!fresh) id += "-" + std::to_string(it->second++);
      heading.id = id;
      html = "<" + tag + " id=\"" + id + "\"><a href=\"#" + id + "\" class=\"headerlink\" title=\"" + stripped +
             "\"></a>" + inner + "</" + tag + ">";
    } else {
      html = "<" + tag + ">" + inner + "</" + tag + ">";
    }
    if (m_heading_marker) html += k_heading_end;
    m_heading_list.push_back(std::move(heading));
    replace_with(node, make_raw(CMARK_NODE_HTML_BLOCK, html));
  }

  // hexo-renderer-marked's description lists: a paragraph whose inline HTML matches
  // /(^|\s)(\S.+)(<br>:(\s+)|<br>:)(\S.+)/ has that match replaced by <dl><dt>$2</dt><dd>$5</dd></dl>
  // and loses its <p>. Paragraphs of tight list items print no <p> and are left alone.
  void rewrite_description_list(cmark_node* node) {
    cmark_node* parent = cmark_node_parent(node);
    cmark_node* grand = parent ? cmark_node_parent(parent) : nullptr;
    if (grand && cmark_node_get_type(grand) == CMARK_NODE_LIST && cmark_node_get_list_tight(grand)) return;
    if (!may_print_break_colon(node)) return;  // most paragraphs: not rendered just to look
    std::string rendered = render_html(node, CMARK_OPT_UNSAFE, m_extensions);
    if (rendered.find("<br>:") == std::string::npos) return;
    if (!rendered.starts_with("<p>") || !rendered.ends_with("</p>\n")) return;
    std::string inner = rendered.substr(3, rendered.size() - 8);
    static const std::regex k_dl(R"((^|\s)(\S.+)(<br>:(\s+)|<br>:)(\S.+))");
    std::smatch m;
    if (!std::regex_search(inner, m, k_dl)) return;
    std::string html = m.prefix().str() + "<dl><dt>" + m[2].str() + "</dt><dd>" + m[5].str() + "</dd></dl>" +
                       m.suffix().str();
    if (m_heading_marker) html += k_heading_end;  // marked prints no newline after </dl>
    replace_with(node, make_raw(CMARK_NODE_HTML_BLOCK, html));
  }

  // Whether the paragraph `node` (its breaks already raw "<br>") can print "<br>:": it has a
  // "<br>" and a text or raw piece that starts with ':' or holds "<br>:" (a superset: each
  // node's HTML starts with its literal's first character or with '<').
  static bool may_print_break_colon(cmark_node* node) {
    bool has_break = false, has_colon = false;
    cmark_iter* it = cmark_iter_new(node);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
      cmark_node* n = cmark_iter_get_node(it);
      if (ev != CMARK_EVENT_ENTER) continue;
      cmark_node_type type = cmark_node_get_type(n);
      if (type != CMARK_NODE_TEXT && type != CMARK_NODE_HTML_INLINE) continue;
      std::string_view lit = literal_view(n);
      if (type == CMARK_NODE_HTML_INLINE && lit.find("<br>") != std::string_view::npos) has_break = true;
      if (lit.starts_with(':') || lit.find("<br>:") != std::string_view::npos) has_colon = true;
    }
    cmark_iter_free(it);
    return has_break && has_colon;
  }

  const Options& m_options;
  bool m_heading_marker;
  const std::vector<detail::Formula>& m_formulas;
  bool m_has_mermaid = false;
  bool m_has_tables = false, m_has_task_items = false;
  std::vector<cmark_node*> m_paragraphs;
  cmark_llist* m_extensions = nullptr;
  std::vector<cmark_node*> m_texts, m_codes, m_breaks, m_links, m_images, m_code_blocks, m_rules, m_headings,
      m_html_blocks;
  std::unordered_map<std::string, int> m_heading_counts;  // id → next suffix (hexo-renderer-marked)
  std::vector<Heading> m_heading_list;
};

} // namespace

Rendered render(std::string_view markdown, const Options& options) {
  ensure_extensions_registered();
  detail::ArenaScope arena;  // first: everything cmark allocates below lives until it goes
  int flags = CMARK_OPT_UNSAFE;
  if (!options.commonmark) {
    if (options.smartypants) flags |= CMARK_OPT_SMART;
    if (options.footnotes) flags |= CMARK_OPT_FOOTNOTES;
  }
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new_with_mem(flags, detail::ArenaScope::mem()));
  if (!options.commonmark) {
    for (const char* name : k_gfm_extensions) {
      if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
        cmark_parser_attach_syntax_extension(parser.get(), ext);
      }
    }
  }
  std::vector<detail::Formula> formulas;
  std::string protected_source;
  if (options.math && !options.commonmark) {
    protected_source = detail::extract_math(markdown, formulas);
    markdown = protected_source;
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  // the tree is all in the arena (the parser's nodes, and make_raw's): it goes with the arena,
  // without a walk to free each node
  cmark_node* document = finish_parser(parser.get());
  cmark_llist* extensions = cmark_parser_get_syntax_extensions(parser.get());

  Rendered result;
  if (options.commonmark) {
    result.html = render_html(document, flags, extensions);
    return result;
  }
  bool heading_marker = markdown.find(k_heading_end) == std::string_view::npos;
  Renderer renderer(options, heading_marker, formulas);
  renderer.rewrite(document, extensions);
  result.html = render_html(document, flags, extensions);
  result.headings = renderer.take_headings();
  result.has_mermaid = renderer.has_mermaid();

  // Markup the extensions print that marked prints differently.
  if (renderer.has_task_items()) rewrite_task_checkboxes(result.html);
  if (renderer.has_tables()) join_table_bodies(result.html);
  if (heading_marker) drop_heading_markers(result.html);
  if (!formulas.empty()) {
    result.html = detail::restore_math(result.html, formulas);
    result.has_math = true;
    for (Heading& h : result.headings) h.text = detail::math_as_text(h.text, formulas);
  }
  return result;
}

bool inline_passes_run_in_parallel() {
  ensure_extensions_registered();
  return special_characters().interposed;
}

} // namespace haven::markdown

// See SpecialCharacters: called by cmark_parser_finish() before (add = 1) and after (add = 0) its
// inline pass.
extern "C" void cmark_manage_extensions_special_characters(cmark_parser* parser, int add) {
  auto& state = haven::markdown::special_characters();
  if (state.library == nullptr) return;  // before registration nothing has extensions attached
  std::lock_guard lock(state.mutex);
  if (add) {
    state.library(parser, 1);
    ++state.finishing;
  } else if (state.finishing > 0 && --state.finishing == 0) {
    state.library(state.all, 0);
  }
}
