#include "site/helpers.hpp"

#include <fmt/format.h>

#include <cmath>

#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/url.hpp"

namespace haven::site {

using base::Value;

namespace {

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

} // namespace

void register_theme_helpers(tmpl::Engine& engine, const SiteModel& site, const base::Value& ui_strings) {
  using tmpl::CallContext;
  using tmpl::KwArgs;
  using Args = std::span<const Value>;
  auto fn = [&](std::string name, tmpl::FunctionFn f) { engine.add_global(name, tmpl::make_function(name, std::move(f))); };
  const SiteModel* s = &site;
  const Value strings = ui_strings;  // copied: the theme is moved after registration

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


} // namespace haven::site
