#include "site/post_body.hpp"

#include <fmt/format.h>

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <regex>

#include "base/bytes.hpp"
#include "base/fs.hpp"
#include "text/html.hpp"
#include "text/titlecase.hpp"

namespace haven::site {

namespace {

using content::Document;

struct Range {
  size_t begin, end;
};

// Byte ranges of fenced code blocks and inline code spans: tag syntax inside them is text
// (Hexo's most reported build failure is `{{` inside code).
std::vector<Range> code_ranges(std::string_view s) {
  std::vector<Range> ranges;
  size_t pos = 0;
  char fence_char = 0;
  size_t fence_len = 0, fence_start = 0;
  while (pos < s.size()) {
    size_t eol = s.find('\n', pos);
    size_t next = eol == std::string_view::npos ? s.size() : eol + 1;
    std::string_view line = s.substr(pos, next - pos);
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '>')) ++i;
    // list markers before a fence ("- ```")
    if (i + 1 < line.size() && (line[i] == '-' || line[i] == '*' || line[i] == '+') && line[i + 1] == ' ') {
      i += 2;
      while (i < line.size() && line[i] == ' ') ++i;
    }
    size_t run = 0;
    char c = i < line.size() ? line[i] : 0;
    if (c == '`' || c == '~') {
      while (i + run < line.size() && line[i + run] == c) ++run;
    }
    if (fence_char) {
      if (c == fence_char && run >= fence_len) {
        ranges.push_back({fence_start, next});
        fence_char = 0;
      }
    } else if (run >= 3 && !(c == '`' && line.substr(i + run).find('`') != std::string_view::npos)) {
      fence_char = c;
      fence_len = run;
      fence_start = pos;
    } else {
      // inline code spans on this line (a span may not cross a blank line; keep it on one line)
      size_t j = 0;
      while (j < line.size()) {
        if (line[j] != '`') { ++j; continue; }
        size_t n = 0;
        while (j + n < line.size() && line[j + n] == '`') ++n;
        size_t k = j + n;
        bool closed = false;
        while (k < line.size()) {
          if (line[k] == '`') {
            size_t m = 0;
            while (k + m < line.size() && line[k + m] == '`') ++m;
            if (m == n) {
              ranges.push_back({pos + j, pos + k + m});
              j = k + m;
              closed = true;
              break;
            }
            k += m;
          } else {
            ++k;
          }
        }
        if (!closed) j += n;
      }
    }
    pos = next;
  }
  if (fence_char) ranges.push_back({fence_start, s.size()});
  return ranges;
}

// Tags that take a body up to `{% endNAME %}`.
bool is_block_tag(std::string_view name) {
  static const char* k_block[] = {"raw", "blockquote", "quote", "codeblock", "code", "pullquote", "note", "tabs"};
  return std::any_of(std::begin(k_block), std::end(k_block), [&](const char* n) { return name == n; });
}

// The route folder a post's assets are published in (post path without .html/.htm, ending '/').
std::string asset_base(const Document& doc) {
  std::string p = doc.path;
  if (p.ends_with(".html")) p.resize(p.size() - 5);
  else if (p.ends_with(".htm")) p.resize(p.size() - 4);
  if (!p.empty() && p.back() != '/') p += '/';
  return p;
}

// The post's asset folder on disk: the source file without its extension.
std::filesystem::path asset_folder(const Document& doc) {
  std::filesystem::path f = doc.file;
  return f.replace_extension();
}

std::string join(const std::vector<std::string>& v, size_t from = 0, size_t to = std::string::npos,
                 std::string_view sep = " ") {
  std::string s;
  to = std::min(to, v.size());
  for (size_t i = from; i < to; ++i) {
    if (i > from) s += sep;
    s += v[i];
  }
  return s;
}

// `s` without leading and trailing whitespace, as a view of it (empty at its end when blank).
std::string_view trim_view(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return s.substr(s.size());
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::string trim(std::string_view s) { return std::string(trim_view(s)); }

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

// hexo-util htmlTag for the attributes tags print: URL attributes (src, href) are encode_url'd,
// others escape_html'd; absent values are left out.
struct Attr {
  std::string_view name;
  std::optional<std::string> value;
};
std::string html_tag(std::string_view tag, const std::vector<Attr>& attrs, std::optional<std::string_view> text = {}) {
  std::string out = "<" + std::string(tag);
  for (const Attr& a : attrs) {
    if (!a.value) continue;
    bool url = a.name == "src" || a.name == "href";
    out += fmt::format(" {}=\"{}\"", a.name, url ? text::encode_url(*a.value) : text::escape_html(*a.value));
  }
  out += '>';
  if (text) out += text::escape_html(*text) + "</" + std::string(tag) + ">";
  return out;
}

// Hexo's rUrl (img and link tags): a scheme ("http:", "mailto:"), "www." or "user@host"
// anywhere in the argument.
bool looks_like_url(std::string_view s) {
  static const std::regex k_url(R"(([A-Za-z]{3,9}:(\/\/)?)|((www.|[-;:&=+$,\w]+@)[A-Za-z0-9.-]+))");
  return std::regex_search(s.begin(), s.end(), k_url);
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct TagCall {
  std::string name;
  std::string args;
  std::string body;
  size_t offset = 0;       // of "{%" in doc.text
  size_t body_offset = 0;  // of the body in doc.text
  std::string original;
};

class BodyRenderer {
public:
  BodyRenderer(const Document& doc, const BodyContext& ctx, std::vector<base::Diagnostic>& warnings, RenderedBody& out)
      : m_doc(doc), m_ctx(ctx), m_warnings(warnings), m_out(out) {
    m_options = ctx.markdown;
    const base::Value& fm = doc.front;
    m_options.math = ctx.math_everywhere || fm.get("math").truthy() || fm.get("mathjax").truthy() ||
                     fm.get("katex").truthy();
    m_nunjucks = !fm.get("disableNunjucks").truthy();
  }

  // Markdown `text` (found at `offset` in doc.text) with tag plugins → HTML.
  base::Result<markdown::Rendered> render(std::string_view text, size_t offset);

private:
  base::Diagnostic diagnostic(size_t offset, std::string message) const {
    return base::error_at("source/" + m_doc.source, m_doc.text, offset, std::move(message), 2);
  }
  void warn(size_t offset, std::string message) {
    base::Diagnostic w = diagnostic(offset, std::move(message));
    w.severity = base::Severity::Warning;
    m_warnings.push_back(std::move(w));
  }
  std::string url(std::string_view p) const { return text::url_for(p, m_ctx.urls); }
  base::Result<std::string> render_markdown(const TagCall& tag) {
    auto r = render(tag.body, tag.body_offset);
    if (!r) return std::unexpected(r.error());
    return std::move(r->html);
  }

  base::Result<std::string> render_tag(const TagCall& tag);
  base::Result<std::string> post_link(const TagCall& tag, const std::vector<std::string>& args);
  std::string asset_tag(const TagCall& tag, std::vector<std::string> args);
  std::string img(std::vector<std::string> args);
  std::string link(const std::vector<std::string>& args);
  base::Result<std::string> blockquote(const TagCall& tag, const std::vector<std::string>& args);
  std::string codeblock(const TagCall& tag, const std::vector<std::string>& args);
  std::string include_code(const TagCall& tag, const std::vector<std::string>& args);
  base::Result<std::string> note(const TagCall& tag, std::vector<std::string> args);
  base::Result<std::string> tabs(const TagCall& tag, const std::vector<std::string>& args);

  const Document& m_doc;
  const BodyContext& m_ctx;
  std::vector<base::Diagnostic>& m_warnings;
  RenderedBody& m_out;
  markdown::Options m_options;
  bool m_nunjucks = true;
};

base::Result<std::string> BodyRenderer::render_tag(const TagCall& tag) {
  std::vector<std::string> args = split_tag_args(tag.args);
  const std::string& name = tag.name;
  if (name == "raw") return tag.body;
  if (name == "post_path" || name == "post_link") return post_link(tag, args);
  if (name == "asset_path" || name == "asset_img" || name == "asset_image" || name == "asset_link") {
    return asset_tag(tag, std::move(args));
  }
  if (name == "url_for" || name == "full_url_for") {
    // {% url_for text path [relative] %} → <a href="url_for(path)">text</a>
    if (args.size() < 2) {
      warn(tag.offset, fmt::format("{} needs a text and a path", name));
      return std::string();
    }
    std::string href = name == "url_for" ? url(args[1]) : text::full_url_for(args[1], m_ctx.urls);
    return "<a href=\"" + href + "\">" + text::escape_html(args[0]) + "</a>";
  }
  if (name == "link" || name == "a") return link(args);
  if (name == "iframe") {
    if (args.empty()) {
      warn(tag.offset, "iframe needs a URL");
      return std::string();
    }
    std::string w = args.size() > 1 && args[1] != "default" ? args[1] : "100%";
    std::string h = args.size() > 2 && args[2] != "default" ? args[2] : "300";
    return fmt::format("<iframe src=\"{}\" width=\"{}\" height=\"{}\" frameborder=\"0\" loading=\"lazy\" allowfullscreen></iframe>",
                       text::encode_url(args[0]), w, h);
  }
  if (name == "img" || name == "image") return img(std::move(args));
  if (name == "blockquote" || name == "quote") return blockquote(tag, args);
  if (name == "pullquote") {
    auto body = render_markdown(tag);
    if (!body) return body;
    return "<blockquote class=\"pullquote" + (args.empty() ? std::string() : " " + join(args)) + "\">" + *body +
           "</blockquote>";
  }
  if (name == "codeblock" || name == "code") return codeblock(tag, args);
  if (name == "include_code" || name == "include-code") return include_code(tag, args);
  if (name == "note") return note(tag, std::move(args));
  if (name == "tabs") return tabs(tag, args);

  warn(tag.offset, fmt::format("unknown tag plugin \"{}\"; left as text", name));
  return tag.original;
}

// post_link / post_path (Hexo): "slug[#hash]" looked up by slug, then title; a last argument
// "true"/"false" says whether the link text is escaped (default true).
base::Result<std::string> BodyRenderer::post_link(const TagCall& tag, const std::vector<std::string>& args_in) {
  std::vector<std::string> args = args_in;
  if (args.empty()) return std::unexpected(diagnostic(tag.offset, fmt::format("{} needs a post slug or title", tag.name)));
  std::string key = args[0], hash;
  if (size_t h = key.find('#'); h != std::string::npos) {
    hash = key.substr(h + 1);
    key.resize(h);
  }
  const Document* target = m_ctx.find_post ? m_ctx.find_post(key) : nullptr;
  if (!target) return std::unexpected(diagnostic(tag.offset, fmt::format("{}: no post \"{}\"", tag.name, key)));
  if (tag.name == "post_path") return url(target->path);
  std::string href = url(target->path + (hash.empty() ? "" : "#" + hash));
  args.erase(args.begin());
  bool escape = true;
  if (!args.empty() && (args.back() == "true" || args.back() == "false")) {
    escape = args.back() == "true";
    args.pop_back();
  }
  std::string title = target->title.empty() ? target->slug : target->title;
  std::string attr_title = text::escape_html(title);
  std::string shown = args.empty() ? title : join(args);
  if (escape) shown = text::escape_html(shown);
  return fmt::format("<a href=\"{}\" title=\"{}\">{}</a>", href, attr_title, shown);
}

// asset_path / asset_link / asset_img: a file of the post's asset folder. asset_img takes the
// first argument that names an existing asset (earlier ones are classes) and continues as img.
std::string BodyRenderer::asset_tag(const TagCall& tag, std::vector<std::string> args) {
  if (args.empty()) {
    warn(tag.offset, fmt::format("{} needs a file name", tag.name));
    return {};
  }
  std::filesystem::path folder = asset_folder(m_doc);
  auto exists = [&](const std::string& slug) {
    std::error_code ec;
    return std::filesystem::is_regular_file(folder / slug, ec);
  };
  size_t at = 0;
  if (tag.name == "asset_img" || tag.name == "asset_image") {
    while (at < args.size() && !exists(args[at])) ++at;
    if (at == args.size()) at = 0;
  }
  if (!exists(args[at])) {
    warn(tag.offset, fmt::format("{}: no asset \"{}\" in {}", tag.name, args[at], folder.generic_string()));
  }
  std::string path = asset_base(m_doc) + args[at];
  if (tag.name == "asset_path") return url(path);
  if (tag.name == "asset_link") {
    std::string slug = args[0];
    args.erase(args.begin());
    bool escape = true;
    if (!args.empty() && (args.back() == "true" || args.back() == "false")) {
      escape = args.back() == "true";
      args.pop_back();
    }
    std::string title = args.empty() ? slug : join(args);
    std::string attr = text::escape_html(title);
    return fmt::format("<a href=\"{}\" title=\"{}\">{}</a>", url(path), attr, escape ? attr : title);
  }
  args[at] = "/" + path;  // img runs url_for on it
  return img(std::move(args));
}

// img (Hexo): [class …] src [width [height]] ['"title" "alt"']; src is the first argument that
// looks like a URL or starts with '/'.
std::string BodyRenderer::img(std::vector<std::string> args) {
  std::vector<std::string> classes;
  std::optional<std::string> src, width, height, title, alt;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (looks_like_url(args[i]) || args[i].starts_with("/")) {
      src = url(args[i]);
      ++i;
      break;
    }
    classes.push_back(args[i]);
  }
  if (i < args.size() && is_digits(args[i])) {
    width = args[i++];
    if (i < args.size() && is_digits(args[i])) height = args[i++];
  }
  if (i < args.size()) {
    // rMeta: /["']?([^"']+)?["']?\s*["']?([^"']+)?["']?/ on the rest joined with spaces
    static const std::regex k_meta(R"re(["']?([^"']+)?["']?\s*["']?([^"']+)?["']?)re");
    std::string rest = join(args, i);
    std::smatch m;
    if (std::regex_search(rest, m, k_meta)) {
      if (m[1].matched) title = m[1].str();
      if (m[2].matched) alt = m[2].str();
    }
  }
  return html_tag("img", {{"src", src}, {"class", join(classes)}, {"width", width}, {"height", height},
                          {"title", title}, {"alt", alt}});
}

// link (Hexo): text… url [external] [title…]; url is the first argument that looks like one.
std::string BodyRenderer::link(const std::vector<std::string>& args) {
  size_t u = 0;
  while (u < args.size() && !looks_like_url(args[u])) ++u;
  std::string href = u < args.size() ? args[u] : std::string();
  std::string shown = join(args, 0, u);
  bool external = false;
  std::string title;
  size_t i = u + 1;
  if (i < args.size() && (args[i] == "true" || args[i] == "false")) external = args[i++] == "true";
  if (i < args.size()) title = join(args, i);
  return html_tag("a", {{"href", href}, {"title", title}, {"target", std::string(external ? "_blank" : "")}}, shown);
}

// blockquote (Hexo): footer from "author, source", "author url [link text]".
base::Result<std::string> BodyRenderer::blockquote(const TagCall& tag, const std::vector<std::string>& args) {
  auto body = render_markdown(tag);
  if (!body) return body;
  std::string str = join(args);
  std::string author, source, title;
  static const std::regex k_full(R"((\S.*)\s+(https?:\/\/\S+)\s+(.+))", std::regex::icase);
  static const std::regex k_link(R"((\S.*)\s+(https?:\/\/\S+))", std::regex::icase);
  static const std::regex k_author_title(R"(([^,]+),\s*([^,]+))");
  std::smatch m;
  if (std::regex_search(str, m, k_full)) {
    author = m[1];
    source = m[2];
    title = m[3];
  } else if (std::regex_search(str, m, k_link)) {
    author = m[1];
    source = m[2];
  } else if (std::regex_search(str, m, k_author_title)) {
    author = m[1];
    title = m[2];
  } else {
    author = str;
  }
  if (m_ctx.titlecase) title = text::titlecase(title);
  std::string footer;
  if (!author.empty()) footer += "<strong>" + author + "</strong>";
  if (!source.empty()) {
    // the link text drops the scheme and a trailing "/" or "/index.html"
    static const std::regex k_trim(R"(^https?:\/\/|\/(index.html?)?$)");
    std::string shown = std::regex_replace(source, k_trim, "");
    footer += "<cite><a href=\"" + source + "\">" + (title.empty() ? shown : title) + "</a></cite>";
  } else if (!title.empty()) {
    footer += "<cite>" + title + "</cite>";
  }
  if (!footer.empty()) footer = "<footer>" + footer + "</footer>";
  return "<blockquote>" + *body + footer + "</blockquote>";
}

// codeblock / code (Hexo): [caption [url [link text]]] with lang:, line_number:, first_line:,
// mark: options anywhere.
std::string BodyRenderer::codeblock(const TagCall& tag, const std::vector<std::string>& args) {
  markdown::CodeBlock block;
  std::vector<std::string> rest;
  for (const std::string& a : args) {
    size_t colon = a.find(':');
    std::string key = colon == std::string::npos ? std::string() : a.substr(0, colon);
    std::string value = colon == std::string::npos ? std::string() : a.substr(colon + 1);
    if (key == "lang") block.lang = value;
    else if (key == "line_number") block.line_number = value == "true";
    else if (key == "first_line" && is_digits(value)) block.first_line = std::stoi(value);
    else if (key == "mark") block.marked_lines = markdown::parse_fence_info("x mark:" + value).marked_lines;
    else if (key == "wrap" || key == "line_threshold") continue;
    else rest.push_back(a);
  }
  std::string arg = join(rest);
  static const std::regex k_url_title(R"((\S[\S\s]*)\s+(https?:\/\/\S+)\s+(.+))", std::regex::icase);
  static const std::regex k_url(R"((\S[\S\s]*)\s+(https?:\/\/\S+))", std::regex::icase);
  std::smatch m;
  if (std::regex_search(arg, m, k_url_title)) {
    block.caption = m[1];
    block.caption_url = m[2];
    block.caption_link_text = m[3];
  } else if (std::regex_search(arg, m, k_url)) {
    block.caption = m[1];
    block.caption_url = m[2];
    block.caption_link_text = "link";
  } else {
    block.caption = trim(arg);
  }
  std::string code = tag.body;
  while (!code.empty() && code.front() == '\n') code.erase(0, 1);
  while (!code.empty() && code.back() == '\n') code.pop_back();
  return markdown::highlight_code(code, block, m_options.highlight);
}

// include_code (Hexo): [title] [lang:X] [from:N] [to:N] path, reading source/<code_dir>/path.
std::string BodyRenderer::include_code(const TagCall& tag, const std::vector<std::string>& args) {
  std::string arg = join(args);
  std::string lang;
  long from = 0, to = -1;
  std::smatch m;
  static const std::regex k_lang(R"(\s*lang:(\w+))", std::regex::icase);
  static const std::regex k_from(R"(\s*from:(\d+))", std::regex::icase);
  static const std::regex k_to(R"(\s*to:(\d+))", std::regex::icase);
  if (std::regex_search(arg, m, k_lang)) {
    lang = m[1];
    arg = m.prefix().str() + m.suffix().str();
  }
  if (std::regex_search(arg, m, k_from)) {
    from = std::max(0L, std::stol(m[1]) - 1);
    arg = m.prefix().str() + m.suffix().str();
  }
  if (std::regex_search(arg, m, k_to)) {
    to = std::stol(m[1]);
    arg = m.prefix().str() + m.suffix().str();
  }
  static const std::regex k_caption_file(R"((.*)?(?:\s+|^)(\/*\S+))");
  if (!std::regex_search(arg, m, k_caption_file)) {
    warn(tag.offset, "include_code needs a file path");
    return {};
  }
  std::string path = m[2];
  std::string title = m[1].matched ? trim(m[1].str()) : std::string();
  if (title.empty()) title = std::filesystem::path(path).filename().string();
  std::filesystem::path relative = std::filesystem::path(path).relative_path();
  for (const auto& part : relative) {
    if (part == "..") {  // published HTML must not pull in files from outside the code folder
      warn(tag.offset, fmt::format("include_code: \"{}\" leaves {}", path, m_ctx.code_dir));
      return {};
    }
  }
  std::filesystem::path file = m_ctx.source_dir / m_ctx.code_dir / relative;
  m_out.dependencies.push_back(file);
  auto data = base::read_file(file);
  if (!data) {
    warn(tag.offset, fmt::format("include_code: cannot read {}", file.generic_string()));
    return {};
  }
  std::vector<std::string_view> lines;
  std::string_view all = *data;
  for (size_t start = 0;;) {
    size_t nl = all.find('\n', start);
    lines.push_back(all.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  size_t end = to < 0 ? lines.size() : std::min(lines.size(), static_cast<size_t>(to));
  std::string code;
  for (size_t i = static_cast<size_t>(from); i < end; ++i) {
    if (i > static_cast<size_t>(from)) code += '\n';
    code += lines[i];
  }
  markdown::CodeBlock block;
  block.lang = lang;
  block.caption = title;
  std::string root = m_ctx.urls.root.empty() ? "/" : m_ctx.urls.root;
  std::string href = root + "/" + m_ctx.code_dir + "/" + path;
  std::string collapsed;  // posix.join collapses repeated slashes
  for (char c : href) {
    if (c == '/' && !collapsed.empty() && collapsed.back() == '/') continue;
    collapsed += c;
  }
  block.caption_url = collapsed;
  block.caption_link_text = "view raw";
  return markdown::highlight_code(trim(code), block, m_options.highlight);
}

// note (NexT): {% note [class…] [summary] %}; up to two leading keywords are classes, the rest a
// summary that turns the note into <details>.
base::Result<std::string> BodyRenderer::note(const TagCall& tag, std::vector<std::string> args) {
  static const char* k_keywords[] = {"default", "primary", "info", "success", "warning", "danger", "no-icon"};
  std::vector<std::string> classes;
  for (int i = 0; i < 2 && !args.empty(); ++i) {
    if (std::find(std::begin(k_keywords), std::end(k_keywords), args.front()) == std::end(k_keywords)) break;
    classes.push_back(args.front());
    args.erase(args.begin());
  }
  auto body = render_markdown(tag);
  if (!body) return body;
  if (!args.empty()) {
    std::string summary = markdown::render(join(args), m_options).html;
    return "<details class=\"note " + join(classes) + "\"><summary>" + summary + "</summary>\n" + *body + "\n</details>";
  }
  return "<div class=\"note " + join(classes) + "\">" + *body + "</div>";
}

// tabs (NexT): {% tabs Name[, active] %} with <!-- tab [caption][@icon] --> … <!-- endtab -->.
base::Result<std::string> BodyRenderer::tabs(const TagCall& tag, const std::vector<std::string>& args) {
  std::string all = join(args);
  size_t comma = all.find(',');
  std::string name = trim(all.substr(0, comma));
  int active = 0;
  if (comma != std::string::npos) {
    std::string n = trim(all.substr(comma + 1));
    if (is_digits(n)) active = std::stoi(n);
  }
  if (name.empty()) warn(tag.offset, "tabs needs a unique name");
  auto id_of = [](std::string s) {
    s = lower_ascii(s);
    std::replace(s.begin(), s.end(), ' ', '-');
    return s;
  };
  static const std::regex k_tab(R"(<!--\s*tab (.*?)\s*-->\n([\s\S]*?)<!--\s*endtab\s*-->)");
  std::string nav, panes;
  int id = 0;
  const std::string& body = tag.body;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), k_tab); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    std::string params = m[1];
    size_t at = params.find('@');
    std::string caption = params.substr(0, at);
    std::string icon = at == std::string::npos ? std::string() : params.substr(at + 1);
    TagCall inner = tag;
    inner.body = m[2];
    inner.body_offset = tag.body_offset + static_cast<size_t>(m.position(2));
    auto html = render_markdown(inner);
    if (!html) return html;
    ++id;
    std::string href = id_of(name + " " + std::to_string(id));
    if (caption.empty() && icon.empty()) caption = name + " " + std::to_string(id);
    std::string icon_html;
    if (!icon.empty()) {
      std::string cls = trim(icon);
      icon_html = "<i class=\"" + (cls.starts_with("fa") ? cls : "fa fa-" + cls) + "\"" +
                  (caption.empty() ? " style=\"text-align: center;\"" : "") + "></i>";
    }
    bool is_active = (active > 0 && active == id) || (active == 0 && id == 1);
    std::string cls = is_active ? " active" : "";
    nav += "<li class=\"tab" + cls + "\"><a href=\"#" + href + "\">" + icon_html + trim(caption) + "</a></li>";
    panes += "<div class=\"tab-pane" + cls + "\" id=\"" + href + "\">" + trim(*html) + "</div>";
  }
  return "<div class=\"tabs\" id=\"" + id_of(name) + "\"><ul class=\"nav-tabs\">" + nav +
         "</ul><div class=\"tab-content\">" + panes + "</div></div>";
}

base::Result<markdown::Rendered> BodyRenderer::render(std::string_view body, size_t body_offset) {
  std::string source;
  std::vector<std::string> stash;
  // tag plugins and comments start with "{%" or "{#": most posts have neither, and skip the
  // scan for code spans and blocks (which only says where such syntax is not a tag)
  const bool has_tags = m_nunjucks && (base::find_bytes(body, "{%") != std::string_view::npos ||
                                       base::find_bytes(body, "{#") != std::string_view::npos);
  if (has_tags) {
    auto code = code_ranges(body);
    size_t ci = 0;
    size_t pos = 0;
    source.reserve(body.size());
    while (pos < body.size()) {
      size_t open = body.find('{', pos);
      while (open != std::string_view::npos && open + 1 < body.size() && body[open + 1] != '%' && body[open + 1] != '#') {
        open = body.find('{', open + 1);
      }
      if (open == std::string_view::npos || open + 1 >= body.size()) {
        source.append(body.substr(pos));
        break;
      }
      while (ci < code.size() && code[ci].end <= open) ++ci;
      if (ci < code.size() && code[ci].begin <= open) {
        source.append(body.substr(pos, code[ci].end - pos));
        pos = code[ci].end;
        continue;
      }
      source.append(body.substr(pos, open - pos));
      if (body[open + 1] == '#') {  // template comment: dropped
        size_t close = body.find("#}", open + 2);
        pos = close == std::string_view::npos ? body.size() : close + 2;
        continue;
      }
      size_t close = body.find("%}", open + 2);
      if (close == std::string_view::npos) {
        source.append(body.substr(open));
        break;
      }
      std::string_view inner = body.substr(open + 2, close - open - 2);
      size_t a = inner.find_first_not_of(" \t\n-");
      size_t b = inner.find_last_not_of(" \t\n-");
      inner = a == std::string_view::npos ? std::string_view() : inner.substr(a, b - a + 1);
      size_t sp = inner.find_first_of(" \t\n");
      TagCall tag;
      tag.name = std::string(inner.substr(0, sp));
      tag.args = sp == std::string_view::npos ? std::string() : std::string(inner.substr(sp + 1));
      tag.offset = body_offset + open;
      size_t end = close + 2;
      if (is_block_tag(tag.name)) {
        std::string end_tag = "end" + tag.name;
        // the matching end tag, allowing nesting of the same tag (raw does not nest)
        size_t search = end;
        int depth = 1;
        size_t body_end = std::string_view::npos;
        while (depth > 0) {
          size_t o = body.find("{%", search);
          if (o == std::string_view::npos) break;
          size_t c = body.find("%}", o + 2);
          if (c == std::string_view::npos) break;
          std::string_view t = body.substr(o + 2, c - o - 2);
          size_t ta = t.find_first_not_of(" \t-");
          t = ta == std::string_view::npos ? std::string_view() : t.substr(ta);
          std::string_view word = t.substr(0, t.find_first_of(" \t\n-%"));
          if (word == tag.name && tag.name != "raw") ++depth;
          else if (word == end_tag && --depth == 0) {
            body_end = o;
            end = c + 2;
          }
          search = c + 2;
        }
        if (body_end == std::string_view::npos) {
          return std::unexpected(diagnostic(tag.offset, fmt::format("tag \"{}\" is never closed with {{% {} %}}", tag.name, end_tag)));
        }
        size_t body_start = close + 2;
        if (tag.name != "raw") {  // raw gives its body back untouched, newlines included
          while (body_start < body_end && body[body_start] == '\n') ++body_start;
        }
        tag.body = std::string(body.substr(body_start, body_end - body_start));
        tag.body_offset = body_offset + body_start;
      }
      tag.original = std::string(body.substr(open, end - open));
      auto html = render_tag(tag);
      if (!html) return std::unexpected(html.error());
      source += fmt::format("<!--haven:{}-->", stash.size());
      stash.push_back(std::move(*html));
      pos = end;
      while (ci < code.size() && code[ci].end <= pos) ++ci;
    }
  }

  markdown::Rendered md = markdown::render(has_tags ? std::string_view(source) : body, m_options);
  m_out.needs_math = m_out.needs_math || md.has_math;
  m_out.needs_mermaid = m_out.needs_mermaid || md.has_mermaid;
  if (!stash.empty()) {
    std::string html;
    html.reserve(md.html.size());
    size_t pos = 0;
    static constexpr std::string_view k_open = "<!--haven:";
    while (true) {
      size_t p = md.html.find(k_open, pos);
      size_t q = p == std::string::npos ? p : md.html.find("-->", p);
      if (q == std::string::npos) {
        html.append(md.html, pos);
        break;
      }
      size_t index = std::strtoul(md.html.c_str() + p + k_open.size(), nullptr, 10);
      html.append(md.html, pos, p - pos);
      if (index < stash.size()) html += stash[index];
      pos = q + 3;
    }
    md.html = std::move(html);
  }
  return md;
}

// Excerpt split (spec §10), plus the automatic excerpt when configured.
void split_excerpt(const Document& doc, const BodyContext& ctx, RenderedBody& out) {
  base::Value fm_excerpt = doc.front.get("excerpt");
  if (fm_excerpt.is_string()) {
    out.excerpt_part = BodyPart::own(std::string(fm_excerpt.as_string()));
    return;
  }
  // the first `<!-- ?more ?-->` (case-insensitive), found without a regex: this runs on every post
  auto find_more = [](std::string_view html) -> std::pair<size_t, size_t> {
    for (size_t at = html.find("<!--"); at != std::string_view::npos; at = html.find("<!--", at + 1)) {
      size_t p = at + 4;
      if (p < html.size() && html[p] == ' ') ++p;
      if (p + 4 > html.size()) break;
      bool word = true;
      for (size_t k = 0; k < 4; ++k) word = word && (html[p + k] | 0x20) == "more"[k];
      if (!word) continue;
      p += 4;
      if (p < html.size() && html[p] == ' ') ++p;
      if (html.substr(p, 3) == "-->") return {at, p + 3};
    }
    return {std::string_view::npos, 0};
  };
  if (auto [begin, end] = find_more(out.content); begin != std::string_view::npos) {
    static constexpr std::string_view k_anchor = "<span id=\"more\"></span>";
    std::string_view html = out.content;
    std::string_view excerpt = trim_view(html.substr(0, begin)), more = trim_view(html.substr(end));
    std::string content;
    content.reserve(html.size() - (end - begin) + k_anchor.size());
    content.append(html.substr(0, begin)).append(k_anchor).append(html.substr(end));
    // both parts are ranges of the new content: the excerpt where it was, the rest moved by
    // the marker's replacement
    out.excerpt_part = BodyPart::range(excerpt.data() - html.data(), excerpt.size());
    out.more_part = BodyPart::range(more.data() - html.data() - end + begin + k_anchor.size(), more.size());
    out.content = std::move(content);
  } else {
    std::string excerpt = ctx.excerpt.automatic ? truncate_html(out.content, ctx.excerpt.length) : std::string();
    if (excerpt == out.content) excerpt.clear();  // nothing cut: no "read more" needed
    out.excerpt_part = BodyPart::own(std::move(excerpt));
  }
}

bool is_void_element(std::string_view name) {
  static constexpr std::string_view k_void[] = {"area", "base", "br", "col", "embed", "hr", "img",
                                                 "input", "link", "meta", "source", "track", "wbr"};
  return std::find(std::begin(k_void), std::end(k_void), name) != std::end(k_void);
}

} // namespace

std::string truncate_html(std::string_view html, size_t length) {
  std::vector<std::string> open;  // element names still open, outermost first
  size_t count = 0;
  size_t pos = 0;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> graphemes(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  auto finish = [&](size_t cut) {
    std::string out(html.substr(0, cut));
    for (auto it = open.rbegin(); it != open.rend(); ++it) out += "</" + *it + ">";
    return out;
  };
  while (pos < html.size()) {
    if (html[pos] == '<') {
      if (html.substr(pos, 4) == "<!--") {
        size_t end = html.find("-->", pos + 4);
        pos = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      size_t end = html.find('>', pos);
      if (end == std::string_view::npos) break;
      std::string_view tag = html.substr(pos + 1, end - pos - 1);
      bool closing = tag.starts_with("/");
      if (closing) tag.remove_prefix(1);
      size_t name_end = tag.find_first_of(" \t\n/>");
      std::string name = lower_ascii(std::string(tag.substr(0, name_end)));
      if (closing) {
        auto it = std::find(open.rbegin(), open.rend(), name);
        if (it != open.rend()) open.erase(std::next(it).base(), open.end());
      } else if (!name.empty() && !is_void_element(name) && !tag.ends_with("/")) {
        open.push_back(name);
      }
      pos = end + 1;
      continue;
    }
    size_t next_tag = html.find('<', pos);
    if (next_tag == std::string_view::npos) next_tag = html.size();
    std::string_view run = html.substr(pos, next_tag - pos);
    if (run.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      pos = next_tag;
      continue;
    }
    // Characters of this text run: an entity is one, otherwise grapheme clusters.
    size_t i = 0;
    while (i < run.size()) {
      if (count >= length) return finish(pos + i);
      if (run[i] == '&') {
        size_t semi = run.find(';', i);
        if (semi != std::string_view::npos && semi - i <= 32) {
          i = semi + 1;
          ++count;
          continue;
        }
      }
      size_t piece_end = run.find('&', i + 1);
      if (piece_end == std::string_view::npos) piece_end = run.size();
      std::string_view piece = run.substr(i, piece_end - i);
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(piece.data(), static_cast<int32_t>(piece.size())));
      if (U_FAILURE(status) || !graphemes) {  // no ICU data: count code points
        size_t k = 0;
        while (k < piece.size()) {
          if (count >= length) return finish(pos + i + k);
          ++k;
          while (k < piece.size() && (static_cast<unsigned char>(piece[k]) & 0xC0) == 0x80) ++k;
          ++count;
        }
      } else {
        graphemes->setText(u);
        int32_t prev = graphemes->first();
        size_t byte = 0;
        for (int32_t b = graphemes->next(); b != icu::BreakIterator::DONE; b = graphemes->next()) {
          if (count >= length) return finish(pos + i + byte);
          std::string utf8;
          u.tempSubStringBetween(prev, b).toUTF8String(utf8);
          byte += utf8.size();
          prev = b;
          ++count;
        }
      }
      i = piece_end;
    }
    pos = next_tag;
  }
  return std::string(html);
}

std::vector<std::string> split_tag_args(std::string_view args) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < args.size()) {
    while (i < args.size() && (args[i] == ' ' || args[i] == '\t' || args[i] == '\n')) ++i;
    if (i >= args.size()) break;
    std::string cur;
    while (i < args.size() && args[i] != ' ' && args[i] != '\t' && args[i] != '\n') {
      if (args[i] == '"' || args[i] == '\'') {
        char q = args[i++];
        while (i < args.size() && args[i] != q) cur += args[i++];
        if (i < args.size()) ++i;
      } else {
        cur += args[i++];
      }
    }
    out.push_back(std::move(cur));
  }
  return out;
}

BodyContext make_body_context(const config::SiteConfig& cfg, const std::filesystem::path& site_dir,
                              const text::UrlOptions& urls) {
  BodyContext ctx;
  markdown::Options& o = ctx.markdown;
  o.breaks = cfg.flag("marked.breaks", true);
  o.smartypants = cfg.flag("marked.smartypants", true);
  o.header_ids = cfg.flag("marked.headerIds", true);
  o.modify_anchors = static_cast<int>(cfg.num("marked.modifyAnchors", 0));
  o.lazyload = cfg.flag("marked.lazyload", false);
  o.footnotes = cfg.flag("marked.footnotes", false);
  o.description_lists = cfg.flag("marked.descriptionLists", true);
  o.mermaid = cfg.flag("mermaid.enable", true);
  o.root = cfg.str("root", "/");
  std::string highlighter = cfg.str("syntax_highlighter", "highlight.js");
  o.highlight.enable = highlighter == "highlight.js" || highlighter == "prismjs";
  o.highlight.prism = highlighter == "prismjs";
  std::string section = o.highlight.prism ? "prismjs" : "highlight";
  o.highlight.line_number = cfg.flag(section + ".line_number", true);
  o.highlight.wrap = cfg.flag("highlight.wrap", true);
  o.highlight.tab_replace = cfg.str(section + ".tab_replace");
  o.highlight.exclude_languages = cfg.list(section + ".exclude_languages");
  ctx.urls = urls;
  ctx.asset_folder = cfg.flag("post_asset_folder");
  ctx.source_dir = site_dir / cfg.str("source_dir", "source");
  ctx.code_dir = cfg.str("code_dir", "downloads/code");
  while (ctx.code_dir.starts_with("/")) ctx.code_dir.erase(0, 1);
  while (ctx.code_dir.ends_with("/")) ctx.code_dir.pop_back();
  ctx.math_everywhere = cfg.flag("math.enable") || cfg.flag("math.every_page");
  ctx.titlecase = cfg.flag("titlecase");
  ctx.excerpt.automatic = cfg.flag("excerpt.auto", false);
  double length = cfg.num("excerpt.length", 200);
  ctx.excerpt.length = length >= 1 ? static_cast<size_t>(length) : 200;
  return ctx;
}

base::Result<RenderedBody> render_body(const Document& doc, const BodyContext& ctx,
                                       std::vector<base::Diagnostic>& warnings) {
  RenderedBody out;
  BodyRenderer renderer(doc, ctx, warnings, out);
  auto md = renderer.render(doc.body(), doc.body_offset);
  if (!md) return std::unexpected(md.error());
  out.content = std::move(md->html);
  out.headings = std::move(md->headings);
  split_excerpt(doc, ctx, out);
  return out;
}

} // namespace haven::site
