#include "site/build.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include "base/fs.hpp"
#include "config/json.hpp"
#include "config/yaml.hpp"
#include "content/document.hpp"
#include "content/sources.hpp"
#include "content/taxonomy.hpp"
#include "site/feeds.hpp"
#include "site/output.hpp"
#include "site/pages.hpp"
#include "site/theme.hpp"
#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/url.hpp"

namespace haven::site {

namespace fs = std::filesystem;
using base::Diagnostic;
using base::Value;
using content::Document;

namespace {

using Clock = std::chrono::steady_clock;
using Errors = std::vector<Diagnostic>;

double since_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void sort_diagnostics(Errors& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.path, a.where.line, a.where.column) < std::tie(b.where.path, b.where.line, b.where.column);
  });
}

markdown::Options markdown_options(const config::SiteConfig& cfg) {
  markdown::Options o;
  o.breaks = cfg.flag("marked.breaks", true);
  o.smartypants = cfg.flag("marked.smartypants", true);
  o.header_ids = cfg.flag("marked.headerIds", true);
  o.modify_anchors = static_cast<int>(cfg.num("marked.modifyAnchors", 0));
  o.lazyload = cfg.flag("marked.lazyload", false);
  o.root = cfg.str("root", "/");
  std::string highlighter = cfg.str("syntax_highlighter", "highlight.js");
  o.highlight.enable = highlighter == "highlight.js" || highlighter == "prismjs";
  o.highlight.line_number = cfg.flag("highlight.line_number", true);
  o.highlight.wrap = cfg.flag("highlight.wrap", true);
  o.highlight.tab_replace = cfg.str("highlight.tab_replace");
  o.highlight.exclude_languages = cfg.list("highlight.exclude_languages");
  return o;
}

// JSON text of a Value (YAML pages become JSON files, as in Hexo).
void write_json(std::string& out, const Value& v) {
  switch (v.kind()) {
  case Value::Kind::Undefined:
  case Value::Kind::Null: out += "null"; break;
  case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
  case Value::Kind::Number: out += base::format_number(v.as_number()); break;
  case Value::Kind::Date: out += "\"" + base::format_iso_utc(v.as_date_ms()) + "\""; break;
  case Value::Kind::String: {
    out += '"';
    for (unsigned char c : v.as_string()) {
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c < 0x20) out += fmt::format("\\u{:04x}", c);
      else out += static_cast<char>(c);
    }
    out += '"';
    break;
  }
  case Value::Kind::Array: {
    out += '[';
    bool first = true;
    for (const auto& item : v.as_array()) {
      if (!first) out += ',';
      first = false;
      write_json(out, item);
    }
    out += ']';
    break;
  }
  case Value::Kind::Object:
  case Value::Kind::Native: {
    out += '{';
    bool first = true;
    for (const auto& [k, item] : v.as_object()) {
      if (!first) out += ',';
      first = false;
      write_json(out, Value(k));
      out += ':';
      write_json(out, item);
    }
    out += '}';
    break;
  }
  }
}

// Inserts `snippet` before the first `</head>`, or returns the html unchanged.
void inject_head(std::string& html, std::string_view snippet) {
  auto pos = html.find("</head>");
  if (pos != std::string::npos) html.insert(pos, snippet);
}

// Hexo's site-level external_link filter (spec §9.6): `<a href="http…">` to another host gets
// target="_blank" rel="noopener" unless it already has a target.
void mark_external_links(std::string& html, const config::SiteConfig& cfg) {
  if (!cfg.flag("external_link.enable", true) || cfg.str("external_link.field", "site") != "site") return;
  std::string site_url = cfg.str("url");
  auto host_of = [](std::string_view u) -> std::string {
    auto p = u.find("//");
    if (p == std::string_view::npos) return {};
    u.remove_prefix(p + 2);
    return std::string(u.substr(0, u.find_first_of("/?#")));
  };
  std::string own = host_of(site_url);
  std::vector<std::string> exclude = cfg.list("external_link.exclude");
  std::string out;
  out.reserve(html.size() + 256);
  size_t pos = 0;
  while (true) {
    size_t a = html.find("<a ", pos);
    if (a == std::string::npos) break;
    size_t end = html.find('>', a);
    if (end == std::string::npos) break;
    std::string_view tag(html.data() + a, end - a);
    size_t href = tag.find("href=\"");
    bool rewrite = false;
    if (href != std::string_view::npos && tag.find("target=") == std::string_view::npos) {
      std::string_view url = tag.substr(href + 6);
      url = url.substr(0, url.find('"'));
      if (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")) {
        std::string host = host_of(url);
        rewrite = !host.empty() && host != own &&
                  std::find(exclude.begin(), exclude.end(), host) == exclude.end();
      }
    }
    out.append(html, pos, a - pos);
    if (rewrite) {
      std::string t(tag);
      size_t rel = t.find("rel=\"");
      if (rel != std::string::npos) {
        size_t close = t.find('"', rel + 5);
        t.insert(close, " noopener");
        t.insert(t.find("href=\""), "target=\"_blank\" ");
      } else {
        t.insert(t.find("href=\""), "target=\"_blank\" rel=\"noopener\" ");
      }
      out += t;
    } else {
      out.append(tag);
    }
    pos = end;
  }
  out.append(html, pos);
  html = std::move(out);
}

} // namespace

std::expected<BuildReport, Errors> build_site(const BuildOptions& options) {
  auto start = Clock::now();
  auto phase_start = start;
  BuildReport report;
  auto phase = [&](std::string_view name) {
    report.stats.phases.push_back({std::string(name), since_ms(phase_start)});
    phase_start = Clock::now();
    if (options.on_phase) options.on_phase(name);
  };
  auto fail = [](Errors errors) -> std::expected<BuildReport, Errors> {
    sort_diagnostics(errors);
    return std::unexpected(std::move(errors));
  };

  // config
  auto cfg = config::load_site_config(options.site_dir, options.config_files);
  if (!cfg) return fail({cfg.error()});
  SiteModel site;
  site.config = std::move(*cfg);
  site.process_zone = options.process_zone.empty() ? text::local_zone() : options.process_zone;
  site.now_ms = std::isnan(options.now_ms)
                    ? static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count())
                    : options.now_ms;
  site.urls.url = site.config.str("url", "http://example.com");
  site.urls.root = site.config.str("root", "/");
  site.urls.trailing_index = site.config.flag("pretty_urls.trailing_index", true);
  site.urls.trailing_html = site.config.flag("pretty_urls.trailing_html", true);
  std::string site_tz = site.config.str("timezone");
  if (!site_tz.empty() && !text::is_valid_zone(site_tz)) {
    return fail({base::error(fmt::format("unknown timezone \"{}\" in config", site_tz), "_config.yml")});
  }
  fs::path source_dir = options.site_dir / site.config.str("source_dir", "source");
  report.output_dir = options.output_dir.empty() ? options.site_dir / site.config.str("public_dir", "public")
                                                 : options.output_dir;
  const bool drafts = options.drafts || site.config.flag("render_drafts");
  const bool future = options.future.value_or(site.config.flag("future", true));
  phase("config");

  // discover + load
  auto sources = content::discover_sources(source_dir, site.config);
  std::vector<const content::SourceFile*> doc_sources;
  for (const auto& s : sources) {
    if (s.kind == content::SourceKind::Post || s.kind == content::SourceKind::Page ||
        (s.kind == content::SourceKind::Draft && drafts)) {
      doc_sources.push_back(&s);
    }
  }
  phase("discover");

  content::LoadOptions load_options{site.process_zone, site_tz, site.now_ms};
  std::vector<std::optional<Document>> loaded(doc_sources.size());
  Errors errors;
  std::mutex errors_mutex;
  tbb::parallel_for(size_t(0), doc_sources.size(), [&](size_t i) {
    auto doc = content::load_document(*doc_sources[i], site.config, load_options);
    if (doc) {
      loaded[i] = std::move(*doc);
    } else {
      std::lock_guard lock(errors_mutex);
      errors.push_back(doc.error());
    }
  });
  if (!errors.empty()) return fail(std::move(errors));
  for (auto& d : loaded) site.docs.push_back(std::move(*d));

  // data files
  base::Object data;
  for (const auto& s : sources) {
    if (s.kind != content::SourceKind::Data) continue;
    auto text = base::read_file(s.abs);
    if (!text) { errors.push_back(text.error()); continue; }
    std::string display = "source/" + s.rel;
    auto parsed = s.abs.extension() == ".json" ? config::parse_json(*text, display)
                                               : config::parse_yaml({*text, display, {}, 0});
    if (!parsed) { errors.push_back(parsed.error()); continue; }
    std::string key = s.abs.stem().string();
    data.set(key, *parsed);
  }
  if (!errors.empty()) return fail(std::move(errors));
  site.data = Value(std::move(data));
  phase("load");

  // abbrlinks (all posts, unpublished ones included, as hexo-abbrlink), then routes
  {
    std::vector<Document*> posts;
    for (auto& d : site.docs) if (d.is_post()) posts.push_back(&d);
    content::assign_abbrlinks(posts, site.config);
  }
  for (auto& d : site.docs) {
    // drafts are only loaded when asked for, and then shown unless they say `published: false`
    if (d.draft && d.front.get("published").is_undefined()) d.published = true;
    if (d.is_post() && !future && d.date_ms > site.now_ms) d.published = false;
    auto path = content::compute_path(d, site.config, load_options);
    if (!path) errors.push_back(path.error());
    else d.path = std::move(*path);
  }
  if (!errors.empty()) return fail(std::move(errors));
  phase("routes");

  // bodies
  std::map<std::string, size_t> by_slug, by_title;
  for (size_t i = 0; i < site.docs.size(); ++i) {
    const auto& d = site.docs[i];
    if (!d.is_post()) continue;
    by_slug.emplace(d.slug, i);
    by_title.emplace(d.title, i);
  }
  BodyContext body_ctx;
  body_ctx.markdown = markdown_options(site.config);
  body_ctx.urls = site.urls;
  body_ctx.asset_folder = site.config.flag("post_asset_folder");
  body_ctx.find_post = [&](std::string_view key) -> const Document* {
    if (auto it = by_slug.find(std::string(key)); it != by_slug.end()) return &site.docs[it->second];
    if (auto it = by_title.find(std::string(key)); it != by_title.end()) return &site.docs[it->second];
    return nullptr;
  };
  site.bodies.resize(site.docs.size());
  std::vector<Errors> body_warnings(site.docs.size());
  tbb::parallel_for(size_t(0), site.docs.size(), [&](size_t i) {
    const Document& d = site.docs[i];
    if (!d.published) return;
    std::string ext = d.file.extension().string();
    if (ext == ".yml" || ext == ".yaml") return;
    if (ext == ".html" || ext == ".htm") {
      site.bodies[i].content = std::string(d.body());
      site.bodies[i].more = site.bodies[i].content;
      return;
    }
    auto body = render_body(d, body_ctx, body_warnings[i]);
    if (body) {
      site.bodies[i] = std::move(*body);
    } else {
      std::lock_guard lock(errors_mutex);
      errors.push_back(body.error());
    }
  });
  for (auto& w : body_warnings) for (auto& d : w) report.warnings.push_back(std::move(d));
  if (!errors.empty()) return fail(std::move(errors));
  phase("markdown");

  // lists: published posts newest first (ties keep source order), pages in source order
  for (uint32_t i = 0; i < site.docs.size(); ++i) {
    const auto& d = site.docs[i];
    if (!d.published) continue;
    (d.is_post() ? site.posts : site.pages).push_back(i);
  }
  std::stable_sort(site.posts.begin(), site.posts.end(),
                   [&](uint32_t a, uint32_t b) { return site.docs[a].date_ms > site.docs[b].date_ms; });
  {
    std::vector<const Document*> posts;
    for (uint32_t i : site.posts) posts.push_back(&site.docs[i]);
    site.taxonomies = content::build_taxonomies(posts, site.config);
  }
  report.stats.posts = site.posts.size();
  report.stats.pages = site.pages.size();
  phase("taxonomies");

  // theme
  auto theme = load_theme(options.site_dir, site);
  if (!theme) return fail(std::move(theme.error()));
  SiteValues values = build_site_values(site, theme->config);
  phase("theme");

  // render
  OutputSet out;
  auto add = [&](std::string path, OutputFile file) {
    auto r = out.add(std::move(path), std::move(file), &report.warnings);
    if (!r) errors.push_back(r.error());
  };
  auto jobs = document_jobs(site, values);
  size_t source_jobs = jobs.size();
  auto lists = list_jobs(site, values);
  jobs.insert(jobs.end(), std::make_move_iterator(lists.begin()), std::make_move_iterator(lists.end()));

  std::string head_extra;
  if (site.config.flag("meta_generator", true)) head_extra += "<meta name=\"generator\" content=\"Haven " HAVEN_VERSION "\">";
  const auto feeds = feed_links(site.config);
  const bool has_feed = !site.config.get("feed").is_nullish() && !site.posts.empty();

  std::vector<std::string> rendered(jobs.size());
  tbb::parallel_for(size_t(0), jobs.size(), [&](size_t i) {
    const RenderJob& job = jobs[i];
    std::string layout = theme->resolve_layout(job.layouts);
    if (layout.empty()) {
      std::lock_guard lock(errors_mutex);
      std::string names;
      for (auto& l : job.layouts) names += (names.empty() ? "" : ", ") + l;
      errors.push_back(base::error(fmt::format("no layout for {} (tried: {})", job.origin, names), job.origin));
      return;
    }
    Value ctx = page_context(site, values, job);
    auto html = theme->engine->render(layout, ctx);
    if (!html) {
      std::lock_guard lock(errors_mutex);
      errors.push_back(html.error());
      return;
    }
    if (theme->engine->has_template("layout.njk") && layout != "layout.njk") {
      base::Object wrapped = ctx.as_object();
      wrapped.set("body", Value::safe(std::move(*html)));
      html = theme->engine->render("layout.njk", Value(std::move(wrapped)));
      if (!html) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(html.error());
        return;
      }
    }
    std::string page = std::move(*html);
    std::string head = head_extra;
    if (has_feed && page.find("application/atom+xml") == std::string::npos) {
      for (const auto& [path, mime] : feeds) {
        head += fmt::format("<link rel=\"alternate\" href=\"{}\" title=\"{}\" type=\"{}\">",
                            text::url_for(path, site.urls), text::escape_html_min(site.config.str("title")), mime);
      }
    }
    inject_head(page, head);
    mark_external_links(page, site.config);
    rendered[i] = std::move(page);
  });
  if (!errors.empty()) return fail(std::move(errors));
  report.stats.pages_rendered = jobs.size();
  for (size_t i = 0; i < jobs.size(); ++i) {
    add(content::route_to_file(jobs[i].route), {std::move(rendered[i]), {}, jobs[i].origin, i >= source_jobs});
  }
  // documents written without a theme: `layout: false`, and YAML pages as JSON
  for (uint32_t i : site.posts) {
    const Document& d = site.docs[i];
    if (d.layout.empty()) add(content::route_to_file(d.path), {site.bodies[i].content, {}, "source/" + d.source, false});
  }
  for (uint32_t i : site.pages) {
    const Document& d = site.docs[i];
    std::string ext = d.file.extension().string();
    if (ext == ".yml" || ext == ".yaml") {
      auto parsed = config::parse_yaml({d.text, "source/" + d.source, {}, 0});
      if (!parsed) { errors.push_back(parsed.error()); continue; }
      std::string json;
      write_json(json, *parsed);
      add(d.path, {std::move(json), {}, "source/" + d.source, false});
    } else if (d.layout.empty()) {
      add(content::route_to_file(d.path), {site.bodies[i].content, {}, "source/" + d.source, false});
    }
  }
  phase("render");

  // feeds, sitemaps, search
  for (auto&& f : generate_feeds(site)) add(f.path, {std::move(f.bytes), {}, "feed", true});
  for (auto&& f : generate_sitemaps(site)) add(f.path, {std::move(f.bytes), {}, "sitemap", true});
  for (auto&& f : generate_searchdb(site)) add(f.path, {std::move(f.bytes), {}, "search", true});

  // assets: theme first so the site's own files win
  for (const auto& a : theme->assets) {
    OutputFile f{a.bytes, a.copy_from, "theme " + a.path, true};
    add(a.path, std::move(f));
  }
  std::map<std::string, const Document*> post_by_folder;
  for (uint32_t i : site.posts) {
    const Document& d = site.docs[i];
    std::string folder = d.source.substr(0, d.source.rfind('.')) + "/";
    post_by_folder[folder] = &d;
  }
  for (const auto& s : sources) {
    if (s.kind == content::SourceKind::Asset) {
      std::string ext = s.abs.extension().string();
      if (ext == ".styl" || ext == ".less" || ext == ".scss" || ext == ".sass") {
        // Hexo compiles these with Node plugins; a native binary has no Stylus compiler.
        Diagnostic w = base::error(fmt::format("{} stylesheets are not compiled by Haven; the file was skipped "
                                               "(commit the compiled .css instead)", ext.substr(1)),
                                   "source/" + s.rel);
        w.severity = base::Severity::Warning;
        report.warnings.push_back(std::move(w));
        continue;
      }
      add(s.rel, {{}, s.abs, "source/" + s.rel, false});
    } else if (s.kind == content::SourceKind::PostAsset) {
      // the asset belongs to the post whose folder contains it (longest match)
      const Document* owner = nullptr;
      std::string rest;
      for (auto& [folder, doc] : post_by_folder) {
        if (s.rel.starts_with(folder) && (!owner || folder.size() > rest.size())) {
          owner = doc;
          rest = folder;
        }
      }
      if (!owner) continue; // unpublished post or no such post: Hexo copies nothing
      std::string base = owner->path;
      if (base.ends_with(".html")) base.resize(base.size() - 5);
      else if (base.ends_with(".htm")) base.resize(base.size() - 4);
      if (!base.empty() && base.back() != '/') base += '/';
      add(base + s.rel.substr(rest.size()), {{}, s.abs, "source/" + s.rel, false});
    }
  }
  if (!errors.empty()) return fail(std::move(errors));
  phase("generate");

  auto committed = commit_output(report.output_dir, out);
  if (!committed) return fail({committed.error()});
  report.stats.files_total = out.size();
  report.stats.files_written = committed->written;
  report.stats.files_unchanged = committed->unchanged;
  report.stats.files_removed = committed->removed;
  phase("write");
  report.stats.ms = since_ms(start);
  sort_diagnostics(report.warnings);
  return report;
}

} // namespace haven::site
