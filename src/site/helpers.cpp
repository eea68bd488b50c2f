#include "site/helpers.hpp"

#include <fmt/format.h>

#include <cmath>
#include <mutex>
#include <unordered_map>

#include "site/helper_internal.hpp"
#include "site/render_tracking.hpp"
#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/titlecase.hpp"
#include "text/url.hpp"
#include "text/utf8.hpp"
#include "text/wordcount.hpp"

namespace haven::site {

using base::Value;

namespace helper {

Options::Options(Args args, size_t index, const tmpl::KwArgs& kwargs) {
  if (index < args.size() && args[index].is_object()) m_values = args[index].as_object();
  for (const auto& [k, v] : kwargs) m_values.set(k, v);
}

bool Options::has(std::string_view key) const { return m_values.contains(key); }

Value Options::get(std::string_view key) const {
  const Value* v = m_values.find(key);
  return v ? *v : Value();
}

std::string Options::str(std::string_view key, std::string_view fallback) const {
  Value v = get(key);
  if (v.is_nullish() || (v.is_string() && v.as_string().empty()) || (v.is_bool() && !v.as_bool())) {
    return std::string(fallback);
  }
  return v.to_string();
}

double Options::num(std::string_view key, double fallback) const {
  Value v = get(key);
  double d = NAN;
  if (v.is_number()) d = v.as_number();
  else if (v.is_string()) {
    char* end = nullptr;
    const std::string s(v.as_string());
    d = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) d = NAN;
  }
  return std::isnan(d) || d == 0 ? fallback : d;
}

bool Options::flag(std::string_view key, bool fallback) const {
  const Value* v = m_values.find(key);
  return v ? v->truthy() : fallback;
}

std::string arg_string(Args args, size_t i) {
  return i < args.size() && !args[i].is_nullish() ? args[i].to_string() : std::string();
}

std::string_view arg_view(Args args, size_t i, std::string_view fallback, std::string& held) {
  if (i >= args.size() || args[i].is_nullish()) return fallback;
  if (args[i].is_string()) return args[i].as_string();
  return held = args[i].to_string();
}

double to_ms(const Value& v, const SiteModel& site) {
  if (v.is_date() || v.is_number()) return v.as_number();
  if (v.is_string()) {
    if (auto ms = text::parse_js_date(v.as_string(), site.process_zone)) return *ms;
  }
  if (v.is_nullish()) return site.now_ms;
  return NAN;
}

std::string display_zone(const SiteModel& site) {
  std::string tz = site.config.str("timezone");
  return tz.empty() ? site.process_zone : tz;
}

std::string site_language(const SiteModel& site) {
  std::vector<std::string> langs = site.config.list("language");
  return langs.empty() ? std::string("en") : langs.front();
}

std::string page_language(tmpl::CallContext& ctx, std::string_view site_default) {
  Value page = ctx.lookup("page");
  for (const char* key : {"lang", "language"}) {
    Value v = page.get(key);
    if (v.is_string() && !v.as_string().empty()) return std::string(v.as_string());
  }
  return std::string(site_default);
}

std::string page_language(tmpl::CallContext& ctx, const SiteModel& site) { return page_language(ctx, site_language(site)); }

std::string relative_url(std::string_view from, std::string_view to) {
  auto split = [](std::string_view s) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
      size_t slash = s.find('/', start);
      parts.push_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    return parts;
  };
  auto f = split(from);
  auto t = split(to);
  size_t i = 0;
  for (size_t n = std::min(f.size(), t.size()); i < n; ++i) {
    if (f[i] != t[i]) break;
  }
  std::string out;
  for (size_t j = f.size() - i - 1; j > 0; --j) out += "../";
  for (size_t k = i; k < t.size(); ++k) {
    out += t[k];
    if (k + 1 < t.size()) out += '/';
  }
  return text::encode_url(out);
}

std::string url_for(tmpl::CallContext& ctx, const SiteModel& site, std::string_view path, const Options& options) {
  if (path.starts_with('#') || path.starts_with("//") || path.starts_with("http:") || path.starts_with("https:")) {
    return std::string(path);
  }
  bool relative = options.has("relative") ? options.flag("relative", false) : site.urls.relative_link;
  if (relative) {
    while (path.starts_with('/')) path.remove_prefix(1);
    return relative_url(ctx.lookup("path").to_string(), path);
  }
  return text::url_for(path, site.urls);
}

std::string content_of(const Value& v) {
  if (v.is_object()) return v.get("content").to_string();
  return v.is_nullish() ? std::string() : v.to_string();
}

namespace {

// hexo-util truncate on UTF-16 lengths (what `str.length` counts in JavaScript).
size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    char32_t c = text::decode_utf8(s, i);
    n += c > 0xFFFF ? 2 : 1;
  }
  return n;
}

std::string utf16_prefix(std::string_view s, size_t units) {
  size_t n = 0, i = 0;
  while (i < s.size()) {
    size_t before = i;
    char32_t c = text::decode_utf8(s, i);
    n += c > 0xFFFF ? 2 : 1;
    if (n > units) return std::string(s.substr(0, before));
  }
  return std::string(s);
}

std::string trim(std::string_view s) {
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

// hexo-util truncate(str, {length = 30, omission = '...', separator}).
std::string truncate_text(const std::string& str, const Options& o) {
  size_t length = static_cast<size_t>(std::max(0.0, o.num("length", 30)));
  std::string omission = o.str("omission", "...");
  std::string separator = o.str("separator");
  size_t omission_length = utf16_length(omission);
  if (utf16_length(str) < length) return str;
  if (!separator.empty()) {
    std::string result;
    size_t start = 0;
    while (true) {
      size_t at = str.find(separator, start);
      std::string_view word = std::string_view(str).substr(start, at == std::string::npos ? std::string::npos : at - start);
      if (utf16_length(result) + utf16_length(word) + omission_length < length) {
        result += word;
        result += separator;
      } else {
        return trim(result) + omission;
      }
      if (at == std::string::npos) break;
      start = at + separator.size();
    }
    return result;
  }
  return utf16_prefix(str, length > omission_length ? length - omission_length : 0) + omission;
}

// Whether the last (`end`) or first character of `s` is CJK or full-width punctuation.
bool wide_at(std::string_view s, bool end) {
  if (s.empty()) return false;
  size_t i = 0;
  if (end) {
    i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  }
  char32_t c = text::decode_utf8(s, i);
  return text::is_cjk(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF);
}

// Plain text of the leading paragraphs of `html` (headings, lists, code skipped), cut to about
// `length` UTF-16 units with an ellipsis: an excerpt for posts without <!-- more -->.
std::string auto_excerpt(std::string_view html, size_t length) {
  std::string text;
  size_t i = 0;
  while (utf16_length(text) < length) {
    size_t p = html.find("<p", i);
    if (p == std::string_view::npos) break;
    if (p + 2 < html.size() && html[p + 2] != '>' && html[p + 2] != ' ') {
      i = p + 2;
      continue;
    }
    size_t open_end = html.find('>', p);
    size_t close = open_end == std::string_view::npos ? open_end : html.find("</p>", open_end);
    if (close == std::string_view::npos) break;
    std::string para = text::unescape_html(text::strip_html(html.substr(open_end + 1, close - open_end - 1)));
    std::string collapsed;
    for (char c : para) {
      bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
      if (space && (collapsed.empty() || collapsed.back() == ' ')) continue;
      collapsed += space ? ' ' : c;
    }
    collapsed = trim(collapsed);
    if (!collapsed.empty()) {
      // paragraphs join with a space, except where CJK text (or its punctuation) meets
      if (!text.empty() && !wide_at(text, true) && !wide_at(collapsed, false)) text += ' ';
      text += collapsed;
    }
    i = close + 4;
  }
  if (text.empty()) text = trim(text::unescape_html(text::strip_html(html)));
  if (utf16_length(text) <= length) return text;
  return trim(utf16_prefix(text, length)) + "…";
}

// Hexo i18n lookup: dotted keys walk nested objects ("menu.home").
Value lookup_string(const Value& strings, const std::string& key) {
  Value direct = strings.get(key);
  if (!direct.is_undefined()) return direct;
  Value cur = strings;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    cur = cur.get(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos || cur.is_undefined()) return cur;
    start = dot + 1;
  }
}

// sprintf-like substitution of %s %d %i %f in order, as Hexo's i18n does (vsprintf).
std::string substitute(std::string out, Args args, size_t first) {
  size_t pos = 0;
  size_t next = first;
  while (next < args.size()) {
    pos = out.find('%', pos);
    if (pos == std::string::npos || pos + 1 >= out.size()) break;
    char c = out[pos + 1];
    if (c == '%') {
      out.erase(pos, 1);
      ++pos;
      continue;
    }
    if (c != 's' && c != 'd' && c != 'i' && c != 'f') {
      ++pos;
      continue;
    }
    std::string repl = args[next++].to_string();
    if (c == 'd' || c == 'i') {
      double d = std::strtod(repl.c_str(), nullptr);
      repl = base::format_number(std::trunc(d));
    }
    out.replace(pos, 2, repl);
    pos += repl.size();
  }
  return out;
}

std::string attr_escape(std::string_view s) { return text::escape_html(s); }

// Hexo's css/js helpers: strings or {href/src, attrs…} objects, arrays flattened, one tag a line.
std::string asset_tags(tmpl::CallContext& ctx, const SiteModel& site, Args args, bool css) {
  std::vector<Value> items;
  for (const auto& a : args) {
    if (a.is_array()) {
      for (const auto& v : a.as_array()) items.push_back(v);
    } else if (!a.is_nullish()) {
      items.push_back(a);
    }
  }
  const std::string ext = css ? ".css" : ".js";
  const std::string url_key = css ? "href" : "src";
  auto with_ext = [&](std::string p) {
    if (p.find('?') == std::string::npos && !p.ends_with(ext)) p += ext;
    return url_for(ctx, site, p);
  };
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += '\n';
    const Value& item = items[i];
    std::string open = css ? "<link rel=\"stylesheet\"" : "<script";
    if (item.is_object()) {
      for (const auto& [k, v] : item.as_object()) {
        if (k == url_key) open += fmt::format(" {}=\"{}\"", k, with_ext(v.to_string()));
        else if (v.is_bool()) open += v.as_bool() ? " " + k : "";
        else open += fmt::format(" {}=\"{}\"", k, attr_escape(v.to_string()));
      }
    } else {
      open += fmt::format(" {}=\"{}\"", url_key, with_ext(item.to_string()));
    }
    out += css ? open + ">" : open + "></script>";
  }
  return out;
}

} // namespace
} // namespace helper

void register_theme_helpers(tmpl::Engine& engine, const SiteModel& site, const base::Value& ui_strings) {
  using namespace helper;
  using tmpl::CallContext;
  using tmpl::KwArgs;
  auto fn = [&](std::string name, tmpl::FunctionFn f) { engine.add_global(name, tmpl::make_function(name, std::move(f))); };
  const SiteModel* s = &site;
  const Value strings = ui_strings;  // copied: the theme is moved after registration

  // --- URLs -----------------------------------------------------------------------------------
  fn("url_for", [s](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    std::string held;
    return Value(url_for(ctx, *s, arg_view(a, 0, "/", held), Options(a, 1, kw)));
  });
  fn("full_url_for", [s](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string held;
    return Value(text::full_url_for(arg_view(a, 0, "/", held), s->urls));
  });
  fn("relative_url", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(relative_url(arg_string(a, 0), arg_string(a, 1)));
  });
  // decode_url(url): the URL with percent-escapes decoded, for showing it as text.
  fn("decode_url", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::decode_uri(arg_string(a, 0)));
  });
  fn("is_current", [](CallContext& ctx, Args a, const KwArgs&) -> base::Result<Value> {
    auto absolute = [](std::string p) { return p.starts_with('/') ? p : "/" + p; };
    std::string current = absolute(ctx.lookup("path").to_string());
    if (current.ends_with('/')) current += "index.html";
    std::string path = a.empty() || a[0].is_nullish() ? "/" : a[0].to_string();
    if (a.size() > 1 && a[1].truthy()) {
      if (path.ends_with('/')) path += "index.html";
      return Value(current == absolute(path));
    }
    if (path.ends_with("/index.html")) path.resize(path.size() - 10);
    if (path == "/" || path.empty()) return Value(current == "/index.html");
    return Value(current.starts_with(absolute(path)));
  });

  // --- dates ----------------------------------------------------------------------------------
  // What the date helpers would otherwise look up in the config on every call: fixed for a build.
  struct DateSettings {
    std::string date_format, time_format, full_format, zone, language;
  };
  const std::string date_format = site.config.str("date_format", "YYYY-MM-DD");
  const std::string time_format = site.config.str("time_format", "HH:mm:ss");
  auto dates = std::make_shared<const DateSettings>(DateSettings{
      date_format, time_format, date_format + " " + time_format, display_zone(site), site_language(site)});
  auto date_helper = [s, dates](std::string_view which) {
    // points into *dates, which the helper keeps alive
    const std::string* default_format = which == "full"   ? &dates->full_format
                                        : which == "time" ? &dates->time_format
                                                          : &dates->date_format;
    return [s, dates, default_format](CallContext& ctx, Args a, const KwArgs&) -> base::Result<Value> {
      double ms = to_ms(a.empty() ? Value() : a[0], *s);
      if (std::isnan(ms)) return Value("");
      std::string_view format = a.size() > 1 && a[1].is_string() && !a[1].as_string().empty()
                                    ? std::string_view(a[1].as_string())
                                    : std::string_view(*default_format);
      return Value(text::format_moment(ms, format, dates->zone, page_language(ctx, dates->language)));
    };
  };
  fn("date", date_helper("date"));
  fn("time", date_helper("time"));
  fn("full_date", date_helper("full"));
  fn("date_xml", [s](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    double ms = to_ms(a.empty() ? Value() : a[0], *s);
    return Value(std::isnan(ms) ? std::string() : base::format_iso_utc(ms));
  });
  fn("time_tag", [s, dates](CallContext& ctx, Args a, const KwArgs&) -> base::Result<Value> {
    double ms = to_ms(a.empty() ? Value() : a[0], *s);
    if (std::isnan(ms)) return Value("");
    std::string_view format = a.size() > 1 && a[1].is_string() ? std::string_view(a[1].as_string())
                                                                : std::string_view(dates->date_format);
    return html(fmt::format("<time datetime=\"{}\">{}</time>", base::format_iso_utc(ms),
                            text::escape_html_min(text::format_moment(ms, format, dates->zone, page_language(ctx, dates->language)))));
  });

  // --- text -----------------------------------------------------------------------------------
  fn("strip_html", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::strip_html(arg_string(a, 0)));
  });
  fn("titlecase", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::titlecase(arg_string(a, 0)));
  });
  fn("escape_html", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::escape_html(arg_string(a, 0)));
  });
  fn("auto_excerpt", [](CallContext&, Args a, const KwArgs& kw) -> base::Result<Value> {
    Options o(a, 1, kw);
    double length = a.size() > 1 && a[1].is_number() ? a[1].as_number() : o.num("length", 160);
    return Value(auto_excerpt(content_of(a.empty() ? Value() : a[0]), static_cast<size_t>(std::max(1.0, length))));
  });
  // text_lang(html, fallback): "en" for text that is essentially Latin-script (so a mostly
  // Chinese blog marks its English posts), else `fallback`.
  fn("text_lang", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    text::TextStats st = text::count_text(content_of(a.empty() ? Value() : a[0]));
    if (st.words >= 3 && st.cjk_chars * 20 < st.words) return Value("en");
    return a.size() > 1 ? a[1] : Value();
  });
  fn("truncate", [](CallContext&, Args a, const KwArgs& kw) -> base::Result<Value> {
    return Value(truncate_text(text::strip_html(arg_string(a, 0)), Options(a, 1, kw)));
  });

  // --- i18n -----------------------------------------------------------------------------------
  fn("__", [strings](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string key = arg_string(a, 0);
    Value v = lookup_string(strings, key);
    if (v.is_object()) v = v.get("other");
    return Value(substitute(std::string(v.is_string() ? v.as_string() : std::string_view(key)), a, 1));
  });
  fn("_p", [strings](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string key = arg_string(a, 0);
    double count = a.size() > 1 ? std::strtod(a[1].to_string().c_str(), nullptr) : 0;
    Value v = lookup_string(strings, key);
    if (v.is_object()) {
      Value chosen = count == 0 && v.get("zero").is_string() ? v.get("zero")
                     : count == 1 && v.get("one").is_string() ? v.get("one")
                                                              : v.get("other");
      v = chosen;
    }
    return Value(substitute(std::string(v.is_string() ? v.as_string() : std::string_view(key)), a, 1));
  });

  // --- conditionals ---------------------------------------------------------------------------
  auto page_flag = [](std::string field) {
    return [field](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
      return Value(ctx.lookup("page").get(field).truthy());
    };
  };
  fn("is_home", page_flag("__index"));
  fn("is_home_first_page", [](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
    Value page = ctx.lookup("page");
    return Value(page.get("__index").truthy() && page.get("current").as_number() <= 1);
  });
  fn("is_post", page_flag("__post"));
  fn("is_page", page_flag("__page"));
  fn("is_archive", page_flag("archive"));
  fn("is_year", [](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
    Value page = ctx.lookup("page");
    return Value(page.get("archive").truthy() && page.get("year").truthy() && !page.get("month").truthy());
  });
  fn("is_month", [](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
    Value page = ctx.lookup("page");
    return Value(page.get("archive").truthy() && page.get("month").truthy());
  });
  auto taxonomy_flag = [](std::string field) {
    return [field](CallContext& ctx, Args a, const KwArgs&) -> base::Result<Value> {
      Value v = ctx.lookup("page").get(field);
      if (v.is_nullish() || (v.is_string() && v.as_string().empty())) return Value(false);
      if (!a.empty() && !a[0].is_nullish()) return Value(v.to_string() == a[0].to_string());
      return Value(true);
    };
  };
  fn("is_tag", taxonomy_flag("tag"));
  fn("is_category", taxonomy_flag("category"));

  // --- assets ---------------------------------------------------------------------------------
  fn("css", [s](CallContext& ctx, Args a, const KwArgs&) -> base::Result<Value> {
    return html(asset_tags(ctx, *s, a, true));
  });
  fn("js", [s](CallContext& ctx, Args a, const KwArgs&) -> base::Result<Value> {
    return html(asset_tags(ctx, *s, a, false));
  });

  // --- partials -------------------------------------------------------------------------------
  // Hexo's partial(name, locals, {cache, only}): renders a layout file with the page's variables
  // plus `locals`. With `cache` (true = keyed by the file, a string = that key) the first render
  // is reused for the rest of the build: a sidebar shared by every page is rendered once.
  struct PartialCache {
    std::mutex mutex;
    // key → (html, read site); the html is shared by every page that shows it, not copied
    std::unordered_map<std::string, std::pair<std::shared_ptr<const std::string>, bool>> entries;
  };
  auto cache = std::make_shared<PartialCache>();  // one per theme load, i.e. per build
  fn("partial", [cache](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    std::string name = arg_string(a, 0);
    const tmpl::Engine& engine = ctx.engine();
    if (!engine.has_template(name) && engine.has_template(name + ".njk")) name += ".njk";
    Options o(a, 2, kw);
    std::string key;
    if (Value c = o.get("cache"); c.truthy()) key = c.is_string() ? c.as_string() : "\x01" + name;
    if (!key.empty()) {
      std::lock_guard lock(cache->mutex);
      if (auto it = cache->entries.find(key); it != cache->entries.end()) {
        if (it->second.second) note_site_read();  // the cached html still shows site-wide lists
        return Value(it->second.first, true);
      }
    }
    base::Object context;
    if (!o.flag("only", false)) {
      for (const char* var : {"config", "theme", "site", "page", "path", "url"}) context.set(var, ctx.lookup(var));
    }
    if (a.size() > 1 && a[1].is_object()) {
      for (const auto& [k, v] : a[1].as_object()) context.set(k, v);
    }
    bool read_site = false;
    base::Result<std::string> out;
    {
      RenderTracking tracking;
      out = ctx.render(name, Value(std::move(context)));
      read_site = tracking.site_read();
    }
    if (read_site) note_site_read();
    if (!out) return std::unexpected(out.error());
    if (!key.empty()) {
      auto shared = std::make_shared<const std::string>(std::move(*out));
      std::lock_guard lock(cache->mutex);
      cache->entries.try_emplace(key, shared, read_site);
      return Value(std::move(shared), true);
    }
    return html(std::move(*out));
  });

  // hexo-renderer-nunjucks' toArray filter (Warehouse queries → arrays): arrays pass through,
  // objects give their values, strings their characters, anything else an empty array.
  engine.add_filter("toArray", [](CallContext&, const Value& input, std::span<const Value>, const KwArgs&) -> base::Result<Value> {
    if (input.is_array()) return input;
    base::Array out;
    if (input.is_object()) {
      for (const auto& [k, v] : input.as_object()) out.push_back(v);
    } else if (input.is_string()) {
      std::string_view str = input.as_string();
      for (size_t pos = 0; pos < str.size();) {
        size_t begin = pos;
        text::decode_utf8(str, pos);
        out.push_back(Value(str.substr(begin, pos - begin)));
      }
    }
    return Value(std::move(out));
  });

  register_list_helpers(engine, site);
  register_meta_helpers(engine, site);
}

} // namespace haven::site
