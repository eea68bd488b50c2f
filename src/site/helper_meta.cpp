// Hexo's head helpers (open_graph, feed_tag, meta_generator) and the reading-time helpers of
// hexo-wordcount and hexo-symbols-count-time (spec §11.5).
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "site/helper_internal.hpp"
#include "text/html.hpp"
#include "text/url.hpp"
#include "text/wordcount.hpp"

namespace haven::site::helper {

using base::Value;
using tmpl::CallContext;
using tmpl::KwArgs;

namespace {

// open_graph's og:locale: "zh-CN" → "zh_CN", two-letter codes through Hexo's table.
std::string locale_to_territory(std::string_view lang) {
  static const std::map<std::string, std::string, std::less<>> k_map = {
      {"en", "en_US"}, {"de", "de_DE"}, {"es", "es_ES"}, {"fr", "fr_FR"}, {"hu", "hu_HU"},
      {"id", "id_ID"}, {"it", "it_IT"}, {"ja", "ja_JP"}, {"ko", "ko_KR"}, {"nl", "nl_NL"},
      {"ru", "ru_RU"}, {"th", "th_TH"}, {"tr", "tr_TR"}, {"vi", "vi_VN"}};
  if (lang.size() == 2) {
    auto it = k_map.find(lang);
    return it == k_map.end() ? std::string() : it->second;
  }
  if (lang.size() == 5 && (lang[2] == '-' || lang[2] == '_')) {
    std::string out;
    for (char c : lang.substr(0, 2)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += '_';
    for (char c : lang.substr(3)) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
  return {};
}

std::string meta_tag(std::string_view attr, std::string_view name, std::string_view content, bool escape = true) {
  std::string c = escape ? text::escape_html(content) : std::string(content);
  if (c.empty()) return fmt::format("<meta {}=\"{}\">\n", attr, name);
  return fmt::format("<meta {}=\"{}\" content=\"{}\">\n", attr, name, c);
}

std::string trim(std::string_view s) {
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(ws) - b + 1));
}

// The first `units` UTF-16 units of `s` (JavaScript substring(0, units)).
std::string js_prefix(std::string_view s, size_t units) {
  size_t n = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    size_t u = len == 4 ? 2 : 1;
    if (n + u > units) break;
    n += u;
    i += len;
  }
  return std::string(s.substr(0, std::min(i, s.size())));
}

// Resolves `path` against the absolute URL `base` (WHATWG URL resolution for the common cases).
std::string resolve_url(const std::string& base, const std::string& path) {
  if (path.find("://") != std::string::npos || path.starts_with("//")) return path;
  size_t scheme = base.find("://");
  size_t host_end = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
  std::string origin = host_end == std::string::npos ? base : base.substr(0, host_end);
  if (path.starts_with('/')) return origin + path;
  std::string dir = host_end == std::string::npos ? "/" : base.substr(host_end, base.rfind('/') - host_end + 1);
  return origin + dir + path;
}

std::string open_graph_html(CallContext& ctx, const SiteModel& site, const Options& o) {
  Value page = ctx.lookup("page");
  std::string content = page.get("content").to_string();
  Value images_v = o.has("image") ? o.get("image") : o.has("images") ? o.get("images") : page.get("photos");
  std::vector<std::string> images;
  if (images_v.is_array()) {
    for (const auto& v : images_v.as_array()) if (!v.is_nullish()) images.push_back(v.to_string());
  } else if (images_v.is_string() && !images_v.as_string().empty()) {
    images.emplace_back(images_v.as_string());
  }
  std::string description = o.str("description");
  for (const char* key : {"description", "excerpt", "content"}) {
    if (!description.empty()) break;
    Value v = page.get(key);
    if (v.truthy()) description = v.to_string();
  }
  if (description.empty()) description = site.config.str("description");
  Value keywords = page.get("tags").is_array() && !page.get("tags").as_array().empty() ? page.get("tags")
                   : page.get("keywords").truthy()                                    ? page.get("keywords")
                                                                                      : site.config.get("keywords");
  std::string title = o.str("title", page.get("title").truthy() ? page.get("title").to_string() : site.config.str("title"));
  std::string type = o.str("type", page.get("__post").truthy() ? "article" : "website");
  std::string url = o.str("url", ctx.lookup("url").to_string());
  std::string site_name = o.str("site_name", site.config.str("title"));
  std::string twitter_card = o.str("twitter_card", "summary");
  Value date = o.has("date") ? o.get("date") : page.get("date");
  Value updated = o.has("updated") ? o.get("updated") : page.get("updated");
  std::string language = o.str("language", page.get("lang").truthy() ? page.get("lang").to_string()
                                           : page.get("language").truthy() ? page.get("language").to_string()
                                                                            : page_language(ctx, site));
  std::string author = o.str("author", site.config.str("author"));

  if (!description.empty()) {
    description = text::escape_html(trim(js_prefix(text::strip_html(description), 200)));
    for (auto& c : description) if (c == '\n') c = ' ';
  }
  if (images.empty() && content.find("<img") != std::string::npos) {
    size_t i = 0;
    while ((i = content.find("<img ", i)) != std::string::npos) {
      size_t end = content.find('>', i);
      if (end == std::string::npos) break;
      std::string_view tag = std::string_view(content).substr(i, end - i);
      size_t src = tag.find("src=");
      if (src != std::string_view::npos && src + 5 < tag.size()) {
        char q = tag[src + 4];
        if (q == '"' || q == '\'') {
          size_t close = tag.find(q, src + 5);
          if (close != std::string_view::npos) images.emplace_back(tag.substr(src + 5, close - src - 5));
        }
      }
      i = end;
    }
  }

  std::string result;
  if (!description.empty()) result += meta_tag("name", "description", description, false);
  result += meta_tag("property", "og:type", type);
  result += meta_tag("property", "og:title", title);
  result += meta_tag("property", "og:url", url, false);
  result += meta_tag("property", "og:site_name", site_name);
  if (!description.empty()) result += meta_tag("property", "og:description", description, false);
  if (std::string locale = locale_to_territory(language); !locale.empty()) result += meta_tag("property", "og:locale", locale, false);
  for (auto& img : images) {
    if (img.find("://") == std::string::npos) img = resolve_url(url.empty() ? site.config.str("url") + "/" : url, img);
    result += meta_tag("property", "og:image", img, false);
  }
  if (date.is_date() && !std::isnan(date.as_date_ms())) result += meta_tag("property", "article:published_time", base::format_iso_utc(date.as_date_ms()));
  if (updated.is_date() && !std::isnan(updated.as_date_ms())) result += meta_tag("property", "article:modified_time", base::format_iso_utc(updated.as_date_ms()));
  if (!author.empty()) result += meta_tag("property", "article:author", author);
  std::vector<std::string> words;
  if (keywords.is_string()) {
    std::string k(keywords.as_string());
    size_t start = 0;
    while (true) {
      size_t comma = k.find(',', start);
      words.push_back(k.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (keywords.is_array()) {
    for (const auto& k : keywords.as_array()) words.push_back(k.is_object() ? k.get("name").to_string() : k.to_string());
  }
  for (const auto& w : words) if (!w.empty()) result += meta_tag("property", "article:tag", w);
  result += meta_tag("name", "twitter:card", twitter_card);
  if (!images.empty()) result += meta_tag("name", "twitter:image", images.front(), false);
  if (std::string id = o.str("twitter_id"); !id.empty()) result += meta_tag("name", "twitter:creator", id.starts_with('@') ? id : "@" + id);
  if (std::string id = o.str("twitter_site"); !id.empty()) result += meta_tag("name", "twitter:site", id.starts_with('@') ? id : "@" + id);
  if (std::string id = o.str("fb_admins"); !id.empty()) result += meta_tag("property", "fb:admins", id);
  if (std::string id = o.str("fb_app_id"); !id.empty()) result += meta_tag("property", "fb:app_id", id);
  return trim(result);
}

// feed_tag(path, {title, type}) or, without a path, one link per config `feed` type.
std::string feed_tag_html(CallContext& ctx, const SiteModel& site, Args a, const KwArgs& kw) {
  Options o(a, 1, kw);
  std::string title = text::escape_html(o.str("title", site.config.str("title")));
  auto link = [&](const std::string& path, std::string type) {
    if (type == "rss2") type = "rss";
    return fmt::format("<link rel=\"alternate\" href=\"{}\" title=\"{}\" type=\"application/{}+xml\">", url_for(ctx, site, path), title, type);
  };
  std::string path = arg_string(a, 0);
  if (!path.empty()) {
    std::string type = o.str("type", path.find("atom") != std::string::npos ? "atom" : "rss");
    return link(path, type);
  }
  std::vector<std::string> types = site.config.list("feed.type");
  std::vector<std::string> paths = site.config.list("feed.path");
  if (types.empty() && site.config.get("feed").is_object()) types = {"atom"};
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    std::string p = i < paths.size() ? paths[i] : types[i] + ".xml";
    out += link(p, types[i]);
  }
  return out;
}

std::string word_source(Args a) { return content_of(a.empty() ? Value() : a[0]); }

// JSON for a <script> element: '<', '>', '&' and U+2028/U+2029 escaped so no text can end it.
void append_json(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::Null: out += "null"; return;
    case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::Number: out += std::isfinite(v.as_number()) ? base::format_number(v.as_number()) : "null"; return;
    case Value::Kind::Date: out += '"' + base::format_iso_utc(v.as_date_ms()) + '"'; return;
    case Value::Kind::Array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.as_array()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item.is_undefined() ? Value::null() : item);
      }
      out += ']';
      return;
    }
    case Value::Kind::Object: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.as_object()) {
        if (item.is_undefined()) continue;
        if (!first) out += ',';
        first = false;
        append_json(out, Value(k));
        out += ':';
        append_json(out, item);
      }
      out += '}';
      return;
    }
    default: break;
  }
  const std::string s = v.to_string();
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                 (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
          out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else out += static_cast<char>(c);
    }
  }
  out += '"';
}

} // namespace

void register_meta_helpers(tmpl::Engine& engine, const SiteModel& site) {
  auto fn = [&](std::string name, tmpl::FunctionFn f) { engine.add_global(name, tmpl::make_function(name, std::move(f))); };
  const SiteModel* s = &site;
  fn("open_graph", [s](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    return html(open_graph_html(ctx, *s, Options(a, 0, kw)));
  });
  fn("feed_tag", [s](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    return html(feed_tag_html(ctx, *s, a, kw));
  });
  // json_ld(obj): obj as a <script type="application/ld+json"> element (structured data).
  fn("json_ld", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string out = "<script type=\"application/ld+json\">";
    append_json(out, a.empty() ? Value::null() : a[0]);
    return html(out + "</script>");
  });
  // json(value): JSON text safe inside a <script> element (for data attributes or inline data).
  fn("json", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string out;
    append_json(out, a.empty() ? Value::null() : a[0]);
    return html(out);
  });
  fn("meta_generator", [](CallContext&, Args, const KwArgs&) -> base::Result<Value> {
    return html("<meta name=\"generator\" content=\"Haven " HAVEN_VERSION "\">");
  });

  // Haven's own count: CJK characters one each plus words of other scripts.
  fn("word_count", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    text::TextStats st = text::count_text(word_source(a));
    return Value(static_cast<double>(st.cjk_chars + st.words));
  });
  // Haven's reading time in minutes (at least 1): 300 CJK characters or 160 words a minute, or
  // the rates given as cn= / en= (or an options object).
  fn("reading_time", [](CallContext&, Args a, const KwArgs& kw) -> base::Result<Value> {
    Options o(a, 1, kw);
    text::TextStats st = text::count_text(word_source(a));
    double minutes = static_cast<double>(st.cjk_chars) / o.num("cn", 300) + static_cast<double>(st.words) / o.num("en", 160);
    return Value(std::max(1.0, std::round(minutes)));
  });
  // hexo-wordcount
  fn("wordcount", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::hexo_wordcount_display(text::hexo_wordcount(word_source(a))));
  });
  fn("min2read", [](CallContext&, Args a, const KwArgs& kw) -> base::Result<Value> {
    Options o(a, 1, kw);
    return Value(text::hexo_min2read(word_source(a), o.num("cn", 300), o.num("en", 160)));
  });
  fn("totalcount", [s](CallContext&, Args, const KwArgs&) -> base::Result<Value> {
    size_t total = 0;
    for (size_t i = 0; i < s->posts.size(); ++i) total += text::hexo_wordcount(s->post_body(i).content);
    return Value(text::hexo_wordcount_display(total));
  });
  // hexo-symbols-count-time
  fn("symbolsCount", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::symbols_count_display(text::symbols_count(word_source(a))));
  });
  fn("symbolsTime", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    double awl = a.size() > 1 && a[1].is_number() && a[1].as_number() > 0 ? a[1].as_number() : 4;
    double wpm = a.size() > 2 && a[2].is_number() && a[2].as_number() > 0 ? a[2].as_number() : 275;
    std::string suffix(a.size() > 3 && a[3].is_string() ? a[3].as_string() : "mins.");
    return Value(text::symbols_time(text::symbols_count(word_source(a)), awl, wpm, suffix));
  });
  fn("symbolsCountTotal", [s](CallContext&, Args, const KwArgs&) -> base::Result<Value> {
    size_t total = 0;
    for (size_t i = 0; i < s->posts.size(); ++i) total += text::symbols_count(s->post_body(i).content);
    return Value(text::symbols_count_display(total));
  });
}

} // namespace haven::site::helper
