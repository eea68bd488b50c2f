#include "site/post_body.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "text/html.hpp"

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
  static const char* k_block[] = {"raw", "blockquote", "quote", "codeblock", "code", "pullquote", "note", "tabs", "subtabs"};
  return std::any_of(std::begin(k_block), std::end(k_block), [&](const char* n) { return name == n; });
}

// The folder a post's assets are published in (post path without a trailing .html/.htm).
std::string asset_base(const Document& doc) {
  std::string p = doc.path;
  if (p.ends_with(".html")) p.resize(p.size() - 5);
  else if (p.ends_with(".htm")) p.resize(p.size() - 4);
  if (!p.empty() && p.back() != '/') p += '/';
  return p;
}

struct TagCall {
  std::string name;
  std::string args;
  std::string body;
  size_t offset;  // of "{%" in the body
  std::string original;
};

base::Result<std::string> render_tag(const TagCall& tag, const Document& doc, const BodyContext& ctx,
                                     std::vector<base::Diagnostic>& warnings) {
  auto args = split_tag_args(tag.args);
  auto path_error = [&](std::string message) {
    return std::unexpected(base::error_at("source/" + doc.source, doc.text, doc.body_offset + tag.offset,
                                          std::move(message), 2));
  };
  auto url = [&](std::string_view p) { return text::url_for(p, ctx.urls); };
  auto join_from = [&](size_t i) {
    std::string s;
    for (; i < args.size(); ++i) {
      if (!s.empty()) s += ' ';
      s += args[i];
    }
    return s;
  };

  if (tag.name == "raw") return tag.body;
  if (tag.name == "post_path" || tag.name == "post_link") {
    if (args.empty()) return path_error(fmt::format("{} needs a post slug or title", tag.name));
    const Document* target = ctx.find_post ? ctx.find_post(args[0]) : nullptr;
    if (!target) return path_error(fmt::format("{}: no post \"{}\"", tag.name, args[0]));
    std::string href = url(target->path);
    if (tag.name == "post_path") return href;
    std::string text = args.size() > 1 ? join_from(1) : target->title;
    return fmt::format("<a href=\"{}\" title=\"{}\">{}</a>", href, text::escape_html(target->title), text::escape_html(text));
  }
  if (tag.name == "asset_path" || tag.name == "asset_img" || tag.name == "asset_link") {
    if (args.empty()) return path_error(fmt::format("{} needs a file name", tag.name));
    std::string href = url(asset_base(doc) + args[0]);
    if (tag.name == "asset_path") return href;
    if (tag.name == "asset_link") {
      std::string title = args.size() > 1 ? join_from(1) : args[0];
      return fmt::format("<a href=\"{}\" title=\"{}\">{}</a>", href, text::escape_html(title), text::escape_html(title));
    }
    std::string title = join_from(1);
    return fmt::format("<img src=\"{}\" class=\"\" title=\"{}\">", href, text::escape_html(title));
  }
  if (tag.name == "url_for") return args.empty() ? std::string() : url(args[0]);
  if (tag.name == "link") {
    // {% link text... url [external] [title] %}: the first URL-looking argument ends the text.
    size_t u = 0;
    while (u < args.size() && !(args[u].starts_with("http://") || args[u].starts_with("https://") || args[u].starts_with("/"))) ++u;
    if (u == args.size()) return path_error("link needs a URL");
    std::string text;
    for (size_t i = 0; i < u; ++i) text += (i ? " " : "") + args[i];
    return fmt::format("<a href=\"{}\" title=\"\" target=\"\">{}</a>", args[u], text::escape_html(text));
  }
  if (tag.name == "iframe") {
    if (args.empty()) return path_error("iframe needs a URL");
    std::string w = args.size() > 1 ? args[1] : "100%", h = args.size() > 2 ? args[2] : "300";
    return fmt::format("<iframe src=\"{}\" width=\"{}\" height=\"{}\" frameborder=\"0\" loading=\"lazy\" allowfullscreen></iframe>",
                       args[0], w, h);
  }
  if (tag.name == "img" || tag.name == "image") {
    std::vector<std::string> classes;
    size_t i = 0;
    while (i < args.size() && !(args[i].find('/') != std::string::npos || args[i].find('.') != std::string::npos)) classes.push_back(args[i++]);
    if (i == args.size()) return path_error("img needs a source");
    std::string src = args[i].starts_with("http") ? args[i] : url(args[i]);
    std::string out = "<img src=\"" + src + "\"";
    if (!classes.empty()) {
      out += " class=\"";
      for (size_t k = 0; k < classes.size(); ++k) out += (k ? " " : "") + classes[k];
      out += "\"";
    }
    out += ">";
    return out;
  }
  auto render_md = [&](std::string_view md) { return markdown::render(md, ctx.markdown).html; };
  if (tag.name == "blockquote" || tag.name == "quote") {
    std::string body = render_md(tag.body);
    std::string footer;
    if (!args.empty()) {
      std::string all = join_from(0);
      std::string author = all, source, link;
      // "Author, Source" or "@who https://link [title]"
      size_t http = std::string::npos;
      for (size_t i = 0; i < args.size(); ++i) if (args[i].starts_with("http")) { http = i; break; }
      if (http != std::string::npos) {
        author.clear();
        for (size_t i = 0; i < http; ++i) author += (i ? " " : "") + args[i];
        link = args[http];
        std::string title = join_from(http + 1);
        if (title.empty()) {
          std::string shown = link.substr(link.find("//") + 2);
          title = shown;
        }
        source = fmt::format("<a href=\"{}\">{}</a>", link, text::escape_html(title));
      } else if (auto comma = all.find(','); comma != std::string::npos) {
        author = all.substr(0, comma);
        source = text::escape_html(all.substr(all.find_first_not_of(' ', comma + 1)));
      }
      footer = "<footer><strong>" + text::escape_html(author) + "</strong>";
      if (!source.empty()) footer += "<cite>" + source + "</cite>";
      footer += "</footer>";
    }
    return "<blockquote>" + body + footer + "</blockquote>";
  }
  if (tag.name == "pullquote") {
    std::string cls = "pullquote";
    for (auto& a : args) cls += " " + a;
    return "<blockquote class=\"" + text::escape_html(cls) + "\">" + render_md(tag.body) + "</blockquote>";
  }
  if (tag.name == "codeblock" || tag.name == "code") {
    markdown::CodeBlock block;
    std::vector<std::string> rest;
    for (auto& a : args) {
      if (a.starts_with("lang:")) block.lang = a.substr(5);
      else if (a.starts_with("line_number:")) block.line_number = a.substr(12) != "false";
      else if (a.starts_with("first_line:")) block.first_line = std::atoi(a.c_str() + 11);
      else rest.push_back(a);
    }
    if (!rest.empty()) {
      block.caption = rest[0];
      if (rest.size() > 1) {
        block.caption_url = rest[1];
        std::string t;
        for (size_t i = 2; i < rest.size(); ++i) t += (i > 2 ? " " : "") + rest[i];
        block.caption_link_text = t.empty() ? "link" : t;
      }
    }
    std::string code = tag.body;
    while (!code.empty() && code.front() == '\n') code.erase(0, 1);
    while (!code.empty() && code.back() == '\n') code.pop_back();
    return markdown::highlight_code(code, block, ctx.markdown.highlight);
  }
  if (tag.name == "note") {
    std::string cls = args.empty() ? "default" : join_from(0);
    return "<div class=\"note " + text::escape_html(cls) + "\">" + render_md(tag.body) + "</div>";
  }

  base::Diagnostic w = base::error_at("source/" + doc.source, doc.text, doc.body_offset + tag.offset,
                                      fmt::format("unknown tag plugin \"{}\"; left as text", tag.name), 2);
  w.severity = base::Severity::Warning;
  warnings.push_back(std::move(w));
  return tag.original;
}

// Excerpt split (spec §10).
void split_excerpt(const Document& doc, RenderedBody& out) {
  base::Value fm_excerpt = doc.front.get("excerpt");
  if (fm_excerpt.is_string()) {
    out.excerpt = fm_excerpt.as_string();
    out.more = out.content;
    return;
  }
  static const std::regex k_more("<!-- ?more ?-->", std::regex::icase);
  std::smatch m;
  if (std::regex_search(out.content, m, k_more)) {
    auto trim = [](std::string s) {
      size_t a = s.find_first_not_of(" \t\r\n");
      if (a == std::string::npos) return std::string();
      size_t b = s.find_last_not_of(" \t\r\n");
      return s.substr(a, b - a + 1);
    };
    out.excerpt = trim(m.prefix().str());
    out.more = trim(m.suffix().str());
    out.content = m.prefix().str() + "<span id=\"more\"></span>" + m.suffix().str();
  } else {
    out.excerpt.clear();
    out.more = out.content;
  }
}

} // namespace

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

base::Result<RenderedBody> render_body(const Document& doc, const BodyContext& ctx,
                                       std::vector<base::Diagnostic>& warnings) {
  std::string_view body = doc.body();
  bool nunjucks = !doc.front.get("disableNunjucks").truthy();
  std::string source;
  std::vector<std::string> stash;
  if (nunjucks) {
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
      size_t a = inner.find_first_not_of(" \t-");
      size_t b = inner.find_last_not_of(" \t-");
      inner = a == std::string_view::npos ? std::string_view() : inner.substr(a, b - a + 1);
      size_t sp = inner.find_first_of(" \t");
      TagCall tag;
      tag.name = std::string(inner.substr(0, sp));
      tag.args = sp == std::string_view::npos ? std::string() : std::string(inner.substr(sp + 1));
      tag.offset = open;
      size_t end = close + 2;
      if (is_block_tag(tag.name)) {
        std::string end_tag = "end" + tag.name;
        // find the matching end tag, allowing nesting of the same tag
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
          std::string_view word = t.substr(0, t.find_first_of(" \t-%"));
          if (word == tag.name && tag.name != "raw") ++depth;
          else if (word == end_tag && --depth == 0) { body_end = o; end = c + 2; }
          search = c + 2;
        }
        if (body_end == std::string_view::npos) {
          return std::unexpected(base::error_at("source/" + doc.source, doc.text, doc.body_offset + open,
                                                fmt::format("tag \"{}\" is never closed with {{% {} %}}", tag.name, end_tag), 2));
        }
        tag.body = std::string(body.substr(close + 2, body_end - close - 2));
        while (!tag.body.empty() && tag.body.front() == '\n') tag.body.erase(0, 1);
      }
      tag.original = std::string(body.substr(open, end - open));
      auto html = render_tag(tag, doc, ctx, warnings);
      if (!html) return std::unexpected(html.error());
      source += fmt::format("<!--haven:{}-->", stash.size());
      stash.push_back(std::move(*html));
      pos = end;
      while (ci < code.size() && code[ci].end <= pos) ++ci;
    }
  } else {
    source = std::string(body);
  }

  markdown::Rendered md = markdown::render(source, ctx.markdown);
  RenderedBody out;
  out.headings = std::move(md.headings);
  if (stash.empty()) {
    out.content = std::move(md.html);
  } else {
    out.content.reserve(md.html.size());
    size_t pos = 0;
    static constexpr std::string_view k_open = "<!--haven:";
    while (true) {
      size_t p = md.html.find(k_open, pos);
      if (p == std::string::npos) {
        out.content.append(md.html, pos);
        break;
      }
      size_t q = md.html.find("-->", p);
      size_t index = std::strtoul(md.html.c_str() + p + k_open.size(), nullptr, 10);
      out.content.append(md.html, pos, p - pos);
      if (index < stash.size()) out.content += stash[index];
      pos = q + 3;
    }
  }
  split_excerpt(doc, out);
  return out;
}

} // namespace haven::site
