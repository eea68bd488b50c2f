#include "site/theme.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "base/fs.hpp"
#include "config/yaml.hpp"
#include "site/embedded.hpp"
#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/url.hpp"

namespace haven::site {

namespace fs = std::filesystem;
using base::Value;

namespace {

constexpr std::string_view k_default_theme = "haven";

struct ThemeFile {
  std::string rel;              // relative to the theme root ("layout/post.njk")
  std::string data;
  std::string display_path;     // for diagnostics
  fs::path disk_path;           // empty for embedded files
};

// The theme's files: the embedded defaults, each replaced or joined by the site's
// themes/<name>/ files of the same relative path.
std::vector<ThemeFile> collect_theme_files(const fs::path& site_dir, const std::string& name) {
  std::map<std::string, ThemeFile> files;
  for (const auto& f : k_embedded_files) {
    files[std::string(f.path)] = {std::string(f.path), std::string(f.data), "<haven>/theme/" + std::string(f.path), {}};
  }
  fs::path dir = site_dir / "themes" / name;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string rel = it->path().lexically_relative(dir).generic_string();
      ThemeFile f{rel, {}, "themes/" + name + "/" + rel, it->path()};
      files[rel] = std::move(f);
    }
  }
  std::vector<ThemeFile> out;
  for (auto& [rel, f] : files) out.push_back(std::move(f));
  return out;
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

std::string arg_string(std::span<const Value> args, size_t i) {
  return i < args.size() ? args[i].to_string() : std::string();
}

// Hexo's paginator helper markup (prev/next links and page numbers around the current one).
std::string paginator_html(const SiteModel& site, const Value& page) {
  int total = static_cast<int>(page.get("total").as_number());
  int current = static_cast<int>(page.get("current").as_number());
  if (total <= 1) return {};
  std::string base = page.get("base").to_string();
  std::string dir = site.config.str("pagination_dir", "page");
  auto link = [&](int n) { return text::url_for(n == 1 ? base : base + dir + "/" + std::to_string(n) + "/", site.urls); };
  std::string out = "<nav class=\"pagination\">";
  if (current > 1) out += fmt::format("<a class=\"extend prev\" rel=\"prev\" href=\"{}\">&laquo; Prev</a>", link(current - 1));
  for (int n = 1; n <= total; ++n) {
    bool near = n == 1 || n == total || std::abs(n - current) <= 2;
    if (!near) {
      if (n == 2 || n == total - 1) out += "<span class=\"space\">&hellip;</span>";
      continue;
    }
    if (n == current) out += fmt::format("<span class=\"page-number current\">{}</span>", n);
    else out += fmt::format("<a class=\"page-number\" href=\"{}\">{}</a>", link(n), n);
  }
  if (current < total) out += fmt::format("<a class=\"extend next\" rel=\"next\" href=\"{}\">Next &raquo;</a>", link(current + 1));
  out += "</nav>";
  return out;
}

void register_helpers(tmpl::Engine& engine, const SiteModel& site, const Theme& theme) {
  using tmpl::CallContext;
  using tmpl::KwArgs;
  using Args = std::span<const Value>;
  auto fn = [&](std::string name, tmpl::FunctionFn f) { engine.add_global(name, tmpl::make_function(name, std::move(f))); };
  const SiteModel* s = &site;
  const Value strings = theme.strings;  // copied: `theme` is moved after registration

  fn("url_for", [s](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::url_for(arg_string(a, 0), s->urls));
  });
  fn("full_url_for", [s](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::full_url_for(arg_string(a, 0), s->urls));
  });
  auto date_helper = [s](std::string default_format) {
    return [s, default_format](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
      double ms = to_ms(a.empty() ? Value() : a[0], *s);
      if (std::isnan(ms)) return Value("");
      std::string format = a.size() > 1 && a[1].is_string() ? a[1].as_string()
                           : default_format == "full" ? s->config.str("date_format", "YYYY-MM-DD") + " " + s->config.str("time_format", "HH:mm:ss")
                           : s->config.str(default_format, default_format == "date_format" ? "YYYY-MM-DD" : "HH:mm:ss");
      return Value(text::format_moment(ms, format, display_zone(*s), s->config.str("language", "en")));
    };
  };
  fn("date", date_helper("date_format"));
  fn("time", date_helper("time_format"));
  fn("full_date", date_helper("full"));
  fn("date_xml", [s](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    double ms = to_ms(a.empty() ? Value() : a[0], *s);
    return Value(std::isnan(ms) ? std::string() : base::format_iso_utc(ms));
  });
  fn("strip_html", [](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    return Value(text::strip_html(arg_string(a, 0)));
  });
  auto translate = [strings](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string key = arg_string(a, 0);
    Value v = strings.get(key);
    std::string out = v.is_string() ? v.as_string() : key;
    for (size_t i = 1; i < a.size(); ++i) {
      auto p = out.find("%s");
      if (p == std::string::npos) p = out.find("%d");
      if (p == std::string::npos) break;
      out.replace(p, 2, a[i].to_string());
    }
    return Value(out);
  };
  fn("__", translate);
  fn("_p", translate);
  auto page_flag = [](std::string field) {
    return [field](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
      return Value(ctx.lookup("page").get(field).truthy());
    };
  };
  fn("is_home", page_flag("__index"));
  fn("is_post", page_flag("__post"));
  fn("is_page", page_flag("__page"));
  fn("is_archive", page_flag("archive"));
  fn("is_tag", [](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
    return Value(!ctx.lookup("page").get("tag").is_nullish());
  });
  fn("is_category", [](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
    return Value(!ctx.lookup("page").get("category").is_nullish());
  });
  fn("paginator", [s](CallContext& ctx, Args, const KwArgs&) -> base::Result<Value> {
    return Value::safe(paginator_html(*s, ctx.lookup("page")));
  });
  fn("css", [s](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string out;
    for (const auto& v : a) {
      std::string p = v.to_string();
      if (!p.ends_with(".css")) p += ".css";
      out += fmt::format("<link rel=\"stylesheet\" href=\"{}\">", text::url_for(p, s->urls));
    }
    return Value::safe(out);
  });
  fn("js", [s](CallContext&, Args a, const KwArgs&) -> base::Result<Value> {
    std::string out;
    for (const auto& v : a) {
      std::string p = v.to_string();
      if (!p.ends_with(".js")) p += ".js";
      out += fmt::format("<script src=\"{}\"></script>", text::url_for(p, s->urls));
    }
    return Value::safe(out);
  });
}

} // namespace

std::string Theme::resolve_layout(const std::vector<std::string>& candidates) const {
  for (const auto& c : candidates) {
    if (engine->has_template(c + ".njk")) return c + ".njk";
  }
  return {};
}

std::vector<std::string> embedded_theme_files() {
  std::vector<std::string> out;
  for (const auto& f : k_embedded_files) out.emplace_back(f.path);
  return out;
}

std::expected<Theme, std::vector<base::Diagnostic>> load_theme(const fs::path& site_dir, const SiteModel& site) {
  Theme theme;
  theme.name = site.config.str("theme", std::string(k_default_theme));
  // Hexo sites name a theme they no longer have (landscape): without its folder, use ours.
  std::error_code ec;
  if (!fs::is_directory(site_dir / "themes" / theme.name, ec)) theme.name = std::string(k_default_theme);

  std::vector<base::Diagnostic> errors;
  auto files = collect_theme_files(site_dir, theme.name);
  for (auto& f : files) {
    if (!f.disk_path.empty()) {
      auto data = base::read_file(f.disk_path);
      if (!data) {
        errors.push_back(data.error());
        continue;
      }
      f.data = std::move(*data);
    }
  }

  // Theme config: theme _config.yml, then the site's _config.<name>.yml, then theme_config:.
  Value theme_config = Value(base::Object{});
  for (const auto& f : files) {
    if (f.rel != "_config.yml") continue;
    auto parsed = config::parse_yaml({f.data, f.display_path, {}, 0});
    if (!parsed) errors.push_back(parsed.error());
    else if (parsed->is_object()) theme_config = *parsed;
  }
  fs::path site_theme_config = site_dir / ("_config." + theme.name + ".yml");
  if (fs::exists(site_theme_config, ec)) {
    auto data = base::read_file(site_theme_config);
    if (data) {
      auto parsed = config::parse_yaml({*data, "_config." + theme.name + ".yml", {}, 0});
      if (!parsed) errors.push_back(parsed.error());
      else theme_config = config::deep_merge(theme_config, *parsed);
    }
  }
  if (auto tc = site.config.get("theme_config"); tc.is_object()) theme_config = config::deep_merge(theme_config, tc);
  theme.config = theme_config;

  // UI strings: languages/<language>.yml, falling back to en (then default.yml, as Hexo themes ship).
  std::string language = site.config.str("language", "en");
  for (const std::string& candidate : {std::string("default"), std::string("en"), language}) {
    for (const auto& f : files) {
      if (f.rel != "languages/" + candidate + ".yml") continue;
      auto parsed = config::parse_yaml({f.data, f.display_path, {}, 0});
      if (!parsed) errors.push_back(parsed.error());
      else if (parsed->is_object()) theme.strings = theme.strings.is_object() ? config::deep_merge(theme.strings, *parsed) : *parsed;
    }
  }

  tmpl::EngineOptions options;
  theme.engine = std::make_unique<tmpl::Engine>(options);
  for (const auto& f : files) {
    if (f.rel.starts_with("layout/")) {
      theme.engine->add_template(f.rel.substr(7), f.data, f.display_path);
    } else if (f.rel.starts_with("source/")) {
      std::string out = f.rel.substr(7);
      if (out.empty() || out.front() == '_' || out.front() == '.') continue;
      ThemeAsset asset{out, {}, f.disk_path};
      if (f.disk_path.empty()) asset.bytes = f.data;
      theme.assets.push_back(std::move(asset));
    }
  }
  register_helpers(*theme.engine, site, theme);
  for (auto& d : theme.engine->finalize()) errors.push_back(std::move(d));
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return theme;
}

} // namespace haven::site
