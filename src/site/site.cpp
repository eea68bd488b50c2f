#include "site/site.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "assets/assets.hpp"
#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"
#include "config/json.hpp"
#include "config/yaml.hpp"
#include "content/document.hpp"
#include "content/sources.hpp"
#include "content/taxonomy.hpp"
#include "search/index.hpp"
#include "site/external_links.hpp"
#include "site/feeds.hpp"
#include "site/pages.hpp"
#include "site/render_tracking.hpp"
#include "site/theme.hpp"
#include "site/typography.hpp"
#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/url.hpp"

namespace haven::site {

namespace fs = std::filesystem;
using base::Diagnostic;
using base::Value;
using content::Document;
using Errors = std::vector<Diagnostic>;

namespace {

using Clock = std::chrono::steady_clock;

double since_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Records the time since the previous phase under `name` in the report's stats, and tells the
// caller's on_phase hook (progress output).
class PhaseClock {
public:
  PhaseClock(BuildReport& report, const BuildOptions& options) : m_report(report), m_options(options) {}
  void operator()(std::string_view name) {
    double cpu = base::process_cpu_ms();
    m_report.stats.phases.push_back({std::string(name), since_ms(m_start), cpu - m_cpu_start});
    m_start = Clock::now();
    m_cpu_start = cpu;
    if (m_options.on_phase) m_options.on_phase(name);
  }

private:
  BuildReport& m_report;
  const BuildOptions& m_options;
  Clock::time_point m_start = Clock::now();
  double m_cpu_start = base::process_cpu_ms();
};

void sort_diagnostics(Errors& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.path, a.where.line, a.where.column) < std::tie(b.where.path, b.where.line, b.where.column);
  });
}

// JSON text of a Value (YAML pages become JSON files, as in Hexo).
void write_json(std::string& out, const Value& v) {
  switch (v.kind()) {
  case Value::Kind::Undefined:
  case Value::Kind::Null: out += "null"; break;
  case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
  case Value::Kind::Number: out += base::format_number(v.as_number()); break;
  case Value::Kind::Date:
    out += '"';
    out += base::format_iso_utc(v.as_date_ms());
    out += '"';
    break;
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

// Incremental hashing of page inputs.
struct Hasher {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  void add(std::string_view s) { h = base::content_hash(s, h); }
  void add(uint64_t v) { add(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }
  void add(double v) { add(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }
};

uint64_t stamp_of(const base::FileStat& st) {
  Hasher h;
  h.add(st.size);
  h.add(static_cast<uint64_t>(st.mtime_ns));
  return h.h;
}

uint64_t file_stamp(const fs::path& path) { return stamp_of(base::stat_file(path)); }

// `path` (absolute) relative to `dir`, also when one of them is reached through a symlink (the
// watcher reports real paths; the site folder may be given as a relative or linked path).
fs::path relative_to(const fs::path& path, const fs::path& dir) {
  fs::path rel = path.lexically_relative(fs::absolute(dir));
  if (!rel.empty() && *rel.begin() != "..") return rel;
  std::error_code ec;
  fs::path real_dir = fs::weakly_canonical(fs::absolute(dir), ec);
  fs::path real = fs::weakly_canonical(path, ec);
  return real.lexically_relative(real_dir);
}

bool is_config_file(const fs::path& rel) {
  std::string name = rel.filename().string();
  return rel.parent_path().empty() && name.starts_with("_config") && (name.ends_with(".yml") || name.ends_with(".yaml"));
}

// Whether a body links to other posts by slug or title (so its HTML depends on theirs).
bool uses_post_links(const Document& d) {
  return d.text.find("post_link") != std::string::npos || d.text.find("post_path") != std::string::npos;
}

// What a rendered body depends on besides the files it includes: text, route, and the link
// targets when it uses post_link.
Hasher body_key(const Document& d, std::string_view links_signature) {
  Hasher key;
  key.add(d.text);
  key.add(d.path);
  if (uses_post_links(d)) key.add(links_signature);
  return key;
}

// A document's body as HTML: Markdown rendered (tag plugins, highlighting, math), HTML sources as
// they are, YAML pages empty (they are written as JSON); `cjk_spacing` spaces CJK and Latin.
base::Result<RenderedBody> render_document_body(const Document& d, const BodyContext& ctx, bool cjk_spacing,
                                                Errors& warnings) {
  std::string ext = d.file.extension().string();
  RenderedBody body;
  if (ext == ".yml" || ext == ".yaml") return body;
  if (ext == ".html" || ext == ".htm") {
    body.content = std::string(d.body());
    return body;
  }
  auto rendered = render_body(d, ctx, warnings);
  if (!rendered) return std::unexpected(rendered.error());
  body = std::move(*rendered);
  if (cjk_spacing) {  // each part spaced on its own, as its own text (spacing looks across tags)
    body.excerpt_part = BodyPart::own(space_cjk_latin(body.excerpt()));
    if (!body.more_part.is_whole_content()) body.more_part = BodyPart::own(space_cjk_latin(body.more_html()));
    body.content = space_cjk_latin(body.content);
  }
  return body;
}

// Fingerprints of what pages can show of each document, for deciding what to render again.
// full: everything a post's own page shows; list: what list pages show of a post (its excerpt,
// or its content when it has none, as Hexo themes do); nav: title, path and date; counts: the
// post counts of its tags and categories (shown beside them).
struct Prints {
  std::vector<uint64_t> full, list, nav, counts;
  std::unordered_map<const void*, size_t> doc_of_value;  // page/post Value identity → doc index

  void resize(size_t n) { full.resize(n); list.resize(n); nav.resize(n); counts.resize(n); }

  // Computes the four fingerprints of document `i` from its model entry, body and value.
  void compute(size_t i, const Document& d, const RenderedBody& b, const Value& v) {
    Hasher c;
    for (const auto& t : v.get("tags").as_array()) c.add(t.get("length").as_number());
    for (const auto& cat : v.get("categories").as_array()) c.add(cat.get("length").as_number());
    counts[i] = c.h;
    Hasher n;
    n.add(d.title);
    n.add(d.path);
    n.add(d.date_ms);
    nav[i] = n.h;
    Hasher meta;  // everything but the body: front matter, date, abbrlink
    meta.add(n.h);
    meta.add(std::string_view(d.text).substr(0, d.body_offset));
    meta.add(d.abbrlink);
    Hasher f;
    f.add(meta.h);
    f.add(d.updated_ms);
    f.add(b.content);
    full[i] = f.h;
    // Lists ignore an `updated` that only reflects the file's mtime: every save would otherwise
    // re-render every list the post is on. (The front-matter `updated` is in `meta`.)
    Hasher l;
    l.add(meta.h);
    l.add(b.excerpt().empty() ? std::string_view(b.content) : b.excerpt());
    list[i] = l.h;
  }

  // A job's signature: its route, layout, and the fingerprints of the documents it shows.
  uint64_t signature(const RenderJob& job, const std::string& layout) const {
    Hasher h;
    h.add(job.route);
    h.add(layout);
    auto add_doc = [&](const Value& v, bool own_page) {
      auto it = doc_of_value.find(v.identity());
      if (it == doc_of_value.end()) return;
      h.add(own_page ? full[it->second] : list[it->second]);
      h.add(counts[it->second]);
    };
    if (job.is_source) {
      add_doc(job.page, true);
      if (auto p = job.page.get("prev"); p.is_object()) { h.add(p.get("title").to_string()); h.add(p.get("path").to_string()); }
      if (auto n = job.page.get("next"); n.is_object()) { h.add(n.get("title").to_string()); h.add(n.get("path").to_string()); }
    } else {
      for (const auto& [k, v] : job.page.as_object()) {
        if (k == "posts") {
          for (const auto& p : v.as_array()) add_doc(p, false);
        } else {
          h.add(k);
          h.add(v.to_string());
        }
      }
    }
    return h.h;
  }
};

// The search index's key of post number `p`: everything its search::Document (below) is made
// of. doc_full already covers the body HTML (the text and headings come from it), title, path
// and date; hashing the HTML again would cost more than the rest of an incremental update.
uint64_t search_key(const SiteModel& site, const std::vector<uint64_t>& doc_full, size_t p) {
  const Document& d = site.post(p);
  const RenderedBody& b = site.post_body(p);
  Hasher h;
  h.add(doc_full[site.posts[p]]);
  h.add(site.urls.root);
  h.add(d.path);
  h.add(d.title);
  h.add(d.date_ms);
  h.add(static_cast<uint64_t>(b.headings.size()));
  for (const auto& hd : b.headings) h.add(hd.text);
  h.add(static_cast<uint64_t>(site.taxonomies.post_tags[p].size()));
  for (uint32_t t : site.taxonomies.post_tags[p]) h.add(site.taxonomies.tags[t].name);
  h.add(static_cast<uint64_t>(site.taxonomies.post_categories[p].size()));
  for (uint32_t c : site.taxonomies.post_categories[p]) h.add(site.taxonomies.categories[c].name);
  return h.h;
}

// search_key of every post, in parallel.
std::vector<uint64_t> search_keys(const SiteModel& site, const std::vector<uint64_t>& doc_full) {
  std::vector<uint64_t> keys(site.posts.size());
  tbb::parallel_for(size_t(0), keys.size(), [&](size_t p) { keys[p] = search_key(site, doc_full, p); });
  return keys;
}

// Haven's own search index (src/search, config `haven_search:`) of the published posts, through
// the kept Indexer: only posts whose key (`keys`, by post number) changed are tokenized and
// compressed again.
std::vector<search::File> search_files(const SiteModel& site, const std::vector<uint64_t>& keys,
                                       search::Indexer& indexer, const search::Options& so) {
  auto doc_of = [&](size_t i) {
    const Document& d = site.post(i);
    const RenderedBody& b = site.post_body(i);
    search::Document s;
    s.url = text::encode_uri(site.urls.root + d.path);
    s.title = d.title;
    for (const auto& h : b.headings) s.headings.push_back(h.text);
    s.text = search::html_to_text(b.content);
    for (uint32_t t : site.taxonomies.post_tags[i]) s.tags.push_back(site.taxonomies.tags[t].name);
    for (uint32_t c : site.taxonomies.post_categories[i]) s.categories.push_back(site.taxonomies.categories[c].name);
    s.date_ms = d.date_ms;
    return s;
  };
  return indexer.update(site.posts.size(), [&](size_t i) { return keys[i]; }, doc_of, so);
}

// What pages reading `site.*` may show of every document: titles, paths and dates of posts and
// pages, and the taxonomy pages with their post counts.
uint64_t site_lists_hash(const SiteModel& site, const Prints& prints) {
  Hasher h;
  for (uint32_t i : site.posts) h.add(prints.nav[i]);
  for (uint32_t i : site.pages) h.add(prints.nav[i]);
  for (const auto& t : site.taxonomies.tags) { h.add(t.path); h.add(static_cast<uint64_t>(t.posts.size())); }
  for (const auto& c : site.taxonomies.categories) { h.add(c.path); h.add(static_cast<uint64_t>(c.posts.size())); }
  return h.h;
}

// Renders pages through the theme: the layout (wrapped in layout.njk when the theme has one),
// then the head additions (generator, KaTeX/mermaid, feed links) and Hexo's external-link filter.
struct PageRenderer {
  const SiteModel& site;
  const SiteValues& values;
  const Theme& theme;
  const Prints& prints;
  std::string head_extra;
  std::vector<std::pair<std::string, std::string>> feeds;
  bool has_feed = false;
  // Hexo's site-level external_link filter (spec §9.6)
  bool external_links = false;
  // the own bytes of the last page layout.njk wrapped (its body is usually spliced in, not
  // copied): a size hint, see render
  mutable std::atomic<size_t> layout_overhead{0};
  std::string own_host;
  std::vector<std::string> excluded_hosts;
  uint64_t external_links_key = 0;  // identifies own_host and excluded_hosts
  // Strings printed as they are from this size on are spliced into pages, not copied (below it a
  // copy costs less than the splice's bookkeeping and its piece in the file's write).
  static constexpr size_t k_splice_min = 4096;

  // What goes before the `</head>` of the page of `job`, whose head so far is `head_part`:
  // generator meta, KaTeX/mermaid tags, and feed links (unless the theme links its feed itself).
  std::string head_additions(const RenderJob& job, std::string_view head_part) const {
    std::string head = head_extra;
    if (job.is_source) {
      auto it = prints.doc_of_value.find(job.page.identity());
      if (it != prints.doc_of_value.end()) {
        const RenderedBody& b = site.body(it->second);
        if (b.needs_math || b.needs_mermaid) head += assets::head_tags(b.needs_math, b.needs_mermaid, site.urls);
      }
    }
    if (has_feed && base::find_bytes(head_part, "application/atom+xml") == std::string::npos) {
      for (const auto& [path, mime] : feeds) {
        head += fmt::format("<link rel=\"alternate\" href=\"{}\" title=\"{}\" type=\"{}\">",
                            text::url_for(path, site.urls), text::escape_html_min(site.config.str("title")), mime);
      }
    }
    return head;
  }

  PageRenderer(const SiteModel& s, const SiteValues& v, const Theme& t, const Prints& p)
      : site(s), values(v), theme(t), prints(p), feeds(feed_links(s.config)) {
    if (site.config.flag("meta_generator", true)) head_extra += "<meta name=\"generator\" content=\"Haven " HAVEN_VERSION "\">";
    has_feed = !site.config.get("feed").is_nullish() && !site.posts.empty();
    external_links = site.config.flag("external_link.enable", true) && site.config.str("external_link.field", "site") == "site";
    own_host = url_host(site.config.str("url"));
    excluded_hosts = site.config.list("external_link.exclude");
    Hasher key;
    key.add(own_host);
    for (const auto& h : excluded_hosts) key.add(h);
    external_links_key = key.h;
  }

  // The page's HTML; `used_site` says whether the templates read `site.*`. Large strings it
  // prints as they are (the cached sidebar, the body in the layout) are spliced in, not copied.
  // Thread-safe.
  base::Result<base::SplicedText> render(const RenderJob& job, const std::string& layout, bool& used_site) const {
    Value ctx = page_context(site, values, job);
    RenderTracking tracking;
    tmpl::Engine::PageOutput output;
    // the head additions go in as the page's head is written (inserting them into the finished
    // page would move all of it after the head)
    output.head = [&](std::string& out) { out += head_additions(job, out); };
    output.splice_min = k_splice_min;
    const bool wrapped = theme.engine->has_template("layout.njk") && layout != "layout.njk";
    base::Result<base::SplicedText> page = std::unexpected(base::Diagnostic{});
    if (!wrapped) {
      page = theme.engine->render_page(layout, ctx, 0, output);
    } else if (auto body = theme.engine->render(layout, ctx)) {
      // the wrapped page: reserved for what the layout added last time (pages of one site differ
      // mostly in their bodies, spliced in when large) plus room for a copied body
      const size_t body_size = body->size();
      const size_t expected = layout_overhead.load(std::memory_order_relaxed) + body_size / 8;
      base::Object wrapped_ctx = ctx.as_object();
      wrapped_ctx.set("body", Value::safe(std::move(*body)));
      page = theme.engine->render_page("layout.njk", Value(std::move(wrapped_ctx)), expected, output);
      if (page) layout_overhead.store(page->own.size(), std::memory_order_relaxed);
    } else {
      page = std::unexpected(std::move(body.error()));
    }
    used_site = tracking.site_read();
    if (!page) return page;
    if (!output.head_fired) {  // `</head>` came from a value: inserted afterwards
      std::string flat = std::move(*page).flatten();
      const size_t head_end = base::find_bytes(flat, "</head>");
      if (head_end != std::string::npos) flat.insert(head_end, head_additions(job, std::string_view(flat).substr(0, head_end)));
      page = base::SplicedText(std::move(flat));
    }
    if (external_links) mark_external_links(*page, own_host, excluded_hosts, external_links_key);
    return page;
  }
};

} // namespace

// A loaded document as it came from disk, and its rendered body, reused while the file is unchanged.
struct CachedDoc {
  uint64_t stamp = 0;
  // before abbrlinks and paths were assigned; shared so that keeping it for the next build is
  // not a copy of the file's text (Site::rebuild copies it into SiteModel::docs once)
  std::shared_ptr<Document> doc;
  std::shared_ptr<const RenderedBody> body;
  uint64_t body_key = 0;  // what `body` was rendered from (text, path, links)
  bool body_valid = false;
};

struct PageRecord {
  uint64_t signature = 0;
  bool uses_site = false;
  // the layout and everything it extends/includes; shared by the pages of one layout
  std::shared_ptr<const std::vector<std::string>> templates;
};

struct Site::State {
  config::SiteConfig config;
  std::optional<Theme> theme;
  std::map<std::string, CachedDoc> docs;        // by source path
  std::map<std::string, PageRecord> pages;      // by output path
  std::shared_ptr<const std::map<std::string, OutputFile>> outputs = std::make_shared<std::map<std::string, OutputFile>>();
  std::map<std::string, uint64_t> output_hash;
  std::string links_signature;                  // slugs/titles/paths post_link can point at
  std::unique_ptr<SiteModel> model;             // kept alive: theme helpers point into it
  // Haven's search index with its caches (per post and per shard), shared by consecutive states:
  // a rebuild tokenizes and compresses only what changed (src/search/index.hpp)
  std::shared_ptr<search::Indexer> search;
  // A one-shot build's template values and jobs, once rendered: freed with the state, which
  // `haven build` leaves to the process exit (src/site/build.hpp, exit_after_build).
  struct Spent {
    SiteValues values;
    std::vector<RenderJob> jobs;
  };
  std::unique_ptr<Spent> spent;

  // The last full build's plan, kept by `haven serve` (not one-shot builds) so that an edit that
  // keeps the site's structure can be patched in (Site::patch_documents). Declared after `model`: freed before it.
  struct Plan {
    SiteValues values;
    std::vector<RenderJob> jobs;
    std::vector<std::string> layouts, files;  // per job
    std::vector<char> sole_owner;             // per job: no other job writes its file
    size_t source_jobs = 0;                   // jobs before this index are posts and pages
    std::unique_ptr<Prints> prints;
    uint64_t site_lists = 0;
    bool any_post_links = false;              // some body uses post_link/post_path
    std::vector<uint64_t> search_keys;        // search_key of each post (empty: index off)
    uint64_t bytes_total = 0;
    double valid_until_ms = INFINITY;
  };
  std::unique_ptr<Plan> plan;
};

Site::Site(BuildOptions options) : m_options(std::move(options)) {}
Site::~Site() = default;
Site::Site(Site&&) noexcept = default;
Site& Site::operator=(Site&&) noexcept = default;

const std::map<std::string, OutputFile>& Site::outputs() const {
  static const std::map<std::string, OutputFile> k_none;
  return m_state ? *m_state->outputs : k_none;
}
std::shared_ptr<const std::map<std::string, OutputFile>> Site::shared_outputs() const {
  return m_state ? m_state->outputs : std::make_shared<const std::map<std::string, OutputFile>>();
}
const std::vector<std::string>& Site::changed_outputs() const { return m_changed; }
std::string Site::url_root() const { return m_state ? m_state->config.str("root", "/") : "/"; }
const BuildOptions& Site::options() const { return m_options; }

std::expected<BuildReport, Errors> Site::build() { return rebuild({}); }

std::expected<BuildReport, Errors> Site::rebuild(const std::vector<fs::path>& changed_paths) {
  auto start = Clock::now();
  BuildReport report;
  PhaseClock phase(report, m_options);
  auto fail = [](Errors errors) -> std::expected<BuildReport, Errors> {
    sort_diagnostics(errors);
    return std::unexpected(std::move(errors));
  };
  const fs::path site_dir = m_options.site_dir;

  // What changed: config → everything; theme files → theme reload; sources → their documents.
  bool full = !m_state;
  std::set<std::string> changed_templates;
  std::set<std::string> changed_sources;
  for (const auto& p : changed_paths) {
    fs::path rel = p.is_absolute() ? relative_to(p, site_dir) : p;
    std::string r = rel.generic_string();
    if (is_config_file(rel)) full = true;
    else if (r.starts_with("themes/")) {
      auto layout = r.find("/layout/");
      if (layout != std::string::npos) changed_templates.insert(r.substr(layout + 8));
      else if (r.find("/source/") == std::string::npos) changed_templates.insert("*");  // languages, theme config
      // theme source/ files are assets: copied again below, no page changes
    } else changed_sources.insert(r);
  }
  if (!full && m_state && m_state->plan && changed_templates.empty() && !changed_sources.empty()) {
    if (auto patched = patch_documents({changed_sources.begin(), changed_sources.end()})) return std::move(*patched);
  }
  auto next = std::make_unique<State>();
  State* prev = full ? nullptr : m_state.get();

  // config
  if (prev) {
    next->config = prev->config;
  } else {
    auto cfg = config::load_site_config(site_dir, m_options.config_files);
    if (!cfg) return fail({cfg.error()});
    next->config = std::move(*cfg);
  }
  auto& model = *(next->model = std::make_unique<SiteModel>());
  SiteModel& site = model;
  site.config = next->config;
  site.process_zone = m_options.process_zone.empty() ? text::local_zone() : m_options.process_zone;
  site.now_ms = std::isnan(m_options.now_ms)
                    ? static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count())
                    : m_options.now_ms;
  site.urls.url = site.config.str("url", "http://example.com");
  site.urls.root = site.config.str("root", "/");
  site.urls.trailing_index = site.config.flag("pretty_urls.trailing_index", true);
  site.urls.trailing_html = site.config.flag("pretty_urls.trailing_html", true);
  site.urls.relative_link = site.config.flag("relative_link");
  std::string site_tz = site.config.str("timezone");
  if (!site_tz.empty() && !text::is_valid_zone(site_tz)) {
    return fail({base::error(fmt::format("unknown timezone \"{}\" in config", site_tz), "_config.yml")});
  }
  fs::path source_dir = site_dir / site.config.str("source_dir", "source");
  report.output_dir = m_options.output_dir.empty() ? site_dir / site.config.str("public_dir", "public") : m_options.output_dir;
  const bool drafts = m_options.drafts || site.config.flag("render_drafts");
  const bool future = m_options.future.value_or(site.config.flag("future", true));
  phase("config");

  // discover
  auto sources = content::discover_sources(source_dir, site.config);
  std::vector<const content::SourceFile*> doc_sources;
  for (const auto& s : sources) {
    if (s.kind == content::SourceKind::Post || s.kind == content::SourceKind::Page ||
        (s.kind == content::SourceKind::Draft && drafts)) {
      doc_sources.push_back(&s);
    }
  }
  phase("discover");

  // load: reuse documents whose file is unchanged
  content::LoadOptions load_options{site.process_zone, site_tz, site.now_ms};
  std::vector<CachedDoc*> cached(doc_sources.size(), nullptr);
  std::vector<CachedDoc> fresh(doc_sources.size());
  std::vector<bool> reloaded(doc_sources.size(), false);
  Errors errors;
  std::mutex errors_mutex;
  tbb::parallel_for(size_t(0), doc_sources.size(), [&](size_t i) {
    const auto& src = *doc_sources[i];
    uint64_t stamp = 0;  // a first build stamps a file with what it read (see below)
    if (prev) {
      stamp = file_stamp(src.abs);
      auto it = prev->docs.find(src.rel);
      std::string rel_site = (fs::path(site.config.str("source_dir", "source")) / src.rel).generic_string();
      if (it != prev->docs.end() && it->second.stamp == stamp && !changed_sources.count(rel_site)) {
        fresh[i] = it->second;  // copy: the previous state must stay intact if this build fails
        return;
      }
    }
    auto doc = content::load_document(src, site.config, load_options);
    if (!doc) {
      std::lock_guard lock(errors_mutex);
      errors.push_back(doc.error());
      return;
    }
    fresh[i].stamp = prev ? stamp : stamp_of(doc->file_stat);
    fresh[i].doc = std::make_shared<Document>(std::move(*doc));
    reloaded[i] = true;
  });
  if (!errors.empty()) return fail(std::move(errors));
  site.docs.reserve(fresh.size());
  for (auto& c : fresh) {
    if (m_options.one_shot) site.docs.push_back(std::move(*c.doc));  // never reused: no copy
    else site.docs.push_back(*c.doc);
  }
  report.loaded_files.reserve(site.docs.size());
  for (const auto& d : site.docs) report.loaded_files.push_back({d.file, d.file_hash, d.file_stat});

  base::Object data;
  for (const auto& s : sources) {
    if (s.kind != content::SourceKind::Data) continue;
    auto text = base::read_file(s.abs);
    if (!text) { errors.push_back(text.error()); continue; }
    auto parsed = config::parse_data_file(*text, "source/" + s.rel);
    if (!parsed) { errors.push_back(parsed.error()); continue; }
    data.set(s.abs.stem().string(), *parsed);
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
    if (d.is_post() && !future && d.date_ms > site.now_ms) {
      d.published = false;
      report.valid_until_ms = std::min(report.valid_until_ms, d.date_ms);
    }
  }
  site.permalinks.resize(site.docs.size());
  std::vector<std::optional<Diagnostic>> route_errors(site.docs.size());
  tbb::parallel_for(size_t(0), site.docs.size(), [&](size_t i) {
    Document& d = site.docs[i];
    auto path = content::compute_path(d, site.config, load_options);
    if (!path) { route_errors[i] = std::move(path.error()); return; }
    d.path = std::move(*path);
    site.permalinks[i] = site.full_url(d.path);
  });
  for (auto& e : route_errors) if (e) errors.push_back(std::move(*e));
  if (!errors.empty()) return fail(std::move(errors));
  phase("routes");

  // The post lists, the taxonomies and the theme need no bodies: they are made alongside the
  // markdown phase (each is single-threaded, and the other core keeps rendering bodies).
  tbb::task_group alongside;
  std::expected<Theme, Errors> theme = std::unexpected(Errors{});
  alongside.run([&] {
    // lists: published posts newest first (ties keep source order), pages in source order
    for (uint32_t i = 0; i < site.docs.size(); ++i) {
      const auto& d = site.docs[i];
      if (!d.published) continue;
      (d.is_post() ? site.posts : site.pages).push_back(i);
    }
    std::stable_sort(site.posts.begin(), site.posts.end(),
                     [&](uint32_t a, uint32_t b) { return site.docs[a].date_ms > site.docs[b].date_ms; });
    std::vector<const Document*> posts;
    for (uint32_t i : site.posts) posts.push_back(&site.docs[i]);
    site.taxonomies = content::build_taxonomies(posts, site.config);
    // theme: loaded again each build, because its helpers are bound to this build's model (a few
    // milliseconds next to rendering); which pages re-render is decided by `changed_templates`.
    theme = load_theme(site_dir, site);
  });

  // bodies: reuse a rendered body when its inputs are the same
  std::map<std::string, size_t> by_slug, by_title;
  Hasher links;
  for (size_t i = 0; i < site.docs.size(); ++i) {
    const auto& d = site.docs[i];
    if (!d.is_post()) continue;
    by_slug.emplace(d.slug, i);
    by_title.emplace(d.title, i);
    links.add(d.slug);
    links.add(d.title);
    links.add(d.path);
  }
  next->links_signature = std::to_string(links.h);
  BodyContext body_ctx = make_body_context(site.config, site_dir, site.urls);
  // `cjk_spacing: true` puts a space between CJK and Latin text at build time (off by default:
  // Haven does not change what bloggers wrote unless asked)
  const bool cjk_spacing = site.config.flag("cjk_spacing", false);
  body_ctx.find_post = [&](std::string_view key) -> const Document* {
    if (auto it = by_slug.find(std::string(key)); it != by_slug.end()) return &site.docs[it->second];
    if (auto it = by_title.find(std::string(key)); it != by_title.end()) return &site.docs[it->second];
    return nullptr;
  };
  site.bodies.resize(site.docs.size());
  std::vector<Errors> body_warnings(site.docs.size());
  std::atomic<size_t> bodies_rendered{0};
  tbb::parallel_for(size_t(0), site.docs.size(), [&](size_t i) {
    const Document& d = site.docs[i];
    if (!d.published) return;
    CachedDoc& c = fresh[i];
    // what the body is rendered from, for reusing it in the next build (a one-shot build has none)
    Hasher key;
    if (!m_options.one_shot) {
      key = body_key(d, next->links_signature);
      // files the body pulled in (include_code) count as inputs too
      if (c.body) {
        for (const auto& dep : c.body->dependencies) key.add(file_stamp(dep));
      }
    }
    if (c.body_valid && c.body_key == key.h) {
      site.bodies[i] = c.body;  // shared, not copied
      return;
    }
    auto rendered = render_document_body(d, body_ctx, cjk_spacing, body_warnings[i]);
    if (!rendered) {
      std::lock_guard lock(errors_mutex);
      errors.push_back(rendered.error());
      return;
    }
    RenderedBody body = std::move(*rendered);
    ++bodies_rendered;
    if (!m_options.one_shot) {
      for (const auto& dep : body.dependencies) key.add(file_stamp(dep));
    }
    c.body = std::make_shared<const RenderedBody>(std::move(body));
    site.bodies[i] = c.body;
    c.body_key = key.h;
    c.body_valid = true;
  });
  alongside.wait();
  for (auto& w : body_warnings) for (auto& d : w) report.warnings.push_back(std::move(d));
  if (!errors.empty()) return fail(std::move(errors));
  for (size_t i = 0; i < doc_sources.size(); ++i) next->docs[doc_sources[i]->rel] = std::move(fresh[i]);
  report.stats.bodies_rendered = bodies_rendered;
  report.stats.posts = site.posts.size();
  report.stats.pages = site.pages.size();
  phase("markdown");  // with the taxonomies and the theme, made alongside

  if (!theme) return fail(std::move(theme.error()));
  next->theme = std::move(*theme);
  const Theme& th = *next->theme;
  if (!th.missing.empty()) {
    Diagnostic w = base::error(fmt::format("theme \"{}\" has no folder themes/{}/: using Haven's default theme", th.missing, th.missing),
                               "_config.yml");
    w.severity = base::Severity::Warning;
    report.warnings.push_back(std::move(w));
  }
  SiteValues values = build_site_values(site, th.config);
  phase("values");

  // Fingerprints of what pages can show, for deciding what to render again (see Prints). A
  // one-shot build renders everything and has no next build: it needs them only for the search
  // index's keys.
  const search::Options so = search::parse_options(site.config.get("haven_search"));
  const bool fingerprinted = !m_options.one_shot || so.enable;
  auto prints = std::make_unique<Prints>();
  prints->resize(site.docs.size());
  if (fingerprinted) {
    tbb::parallel_for(size_t(0), site.docs.size(), [&](size_t i) {
      prints->compute(i, site.docs[i], site.body(i), values.documents[i]);
    });
  }
  const std::vector<uint64_t>& doc_full = prints->full;
  const uint64_t site_lists = fingerprinted ? site_lists_hash(site, *prints) : 0;

  phase("fingerprints");

  // jobs: the documents' and the lists' (each single-threaded) side by side
  std::vector<RenderJob> jobs, lists;
  tbb::parallel_invoke([&] { jobs = document_jobs(site, values); },
                       [&] {
                         lists = list_jobs(site, values);
                         for (size_t i = 0; i < values.documents.size(); ++i) {
                           if (values.documents[i].is_object()) prints->doc_of_value[values.documents[i].identity()] = i;
                         }
                       });
  size_t source_jobs = jobs.size();
  jobs.insert(jobs.end(), std::make_move_iterator(lists.begin()), std::make_move_iterator(lists.end()));

  const bool all_templates = changed_templates.count("*") > 0;

  phase("jobs");
  std::vector<std::string> layouts(jobs.size());
  std::vector<uint64_t> signatures(jobs.size());
  std::vector<char> must_render(jobs.size(), 0);
  std::vector<std::string> job_files(jobs.size());
  // jobs are independent: each one's layout, signature and verdict in parallel
  tbb::parallel_for(size_t(0), jobs.size(), [&](size_t i) {
    job_files[i] = content::route_to_file(jobs[i].route);
    layouts[i] = th.resolve_layout(jobs[i].layouts);
    if (layouts[i].empty()) {
      std::string names;
      for (auto& l : jobs[i].layouts) names += (names.empty() ? "" : ", ") + l;
      std::lock_guard lock(errors_mutex);
      errors.push_back(base::error(fmt::format("no layout for {} (tried: {})", jobs[i].origin, names), jobs[i].origin));
      return;
    }
    if (fingerprinted) signatures[i] = prints->signature(jobs[i], layouts[i]);
    const PageRecord* record = nullptr;
    if (prev) {
      auto it = prev->pages.find(job_files[i]);
      if (it != prev->pages.end() && prev->outputs->count(job_files[i])) record = &it->second;
    }
    bool render = !record || full || all_templates;
    if (record && !render) {
      uint64_t sig = signatures[i];
      if (record->uses_site) { Hasher h; h.add(sig); h.add(site_lists); sig = h.h; }
      uint64_t old = record->signature;
      render = sig != old;
      for (const auto& t : *record->templates) {
        if (changed_templates.count(t)) render = true;
      }
    }
    must_render[i] = render;
  });
  if (!errors.empty()) return fail(std::move(errors));

  phase("plan");
  std::vector<std::string> rendered(jobs.size());
  std::vector<char> used_site(jobs.size(), 0);
  // pages handed to stream_page as soon as they are rendered: those whose path is theirs alone
  std::vector<char> streamed(jobs.size(), 0);
  std::atomic<uint64_t> streamed_bytes{0};
  if (m_options.stream_page) {
    std::unordered_map<std::string_view, int> claims;
    for (const auto& f : job_files) ++claims[f];
    for (size_t i = 0; i < jobs.size(); ++i) streamed[i] = must_render[i] && claims[job_files[i]] == 1;
  }
  std::atomic<size_t> pages_rendered{0};
  const PageRenderer renderer(site, values, th, *prints);
  // feeds, sitemaps and searchdb files need only the model: made alongside the pages (each is
  // single-threaded)
  std::vector<GeneratedFile> feed_files, sitemap_files, searchdb_files;
  tbb::task_group generating;
  generating.run([&] {
    feed_files = generate_feeds(site);
    sitemap_files = generate_sitemaps(site);
    searchdb_files = generate_searchdb(site);
  });
  tbb::parallel_for(size_t(0), jobs.size(), [&](size_t i) {
    if (!must_render[i]) return;
    const RenderJob& job = jobs[i];
    bool uses_site = false;
    auto html = renderer.render(job, layouts[i], uses_site);
    used_site[i] = uses_site;
    if (!html) {
      std::lock_guard lock(errors_mutex);
      errors.push_back(html.error());
      return;
    }
    ++pages_rendered;
    if (streamed[i]) {
      streamed_bytes += html->size();
      if (auto r = m_options.stream_page(job_files[i], std::move(*html), job.origin, i >= source_jobs); !r) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(r.error());
      }
      return;
    }
    rendered[i] = std::move(*html).flatten();  // kept: one string
  });
  generating.wait();
  if (!errors.empty()) return fail(std::move(errors));
  report.stats.pages_rendered = pages_rendered;

  phase("render");
  OutputSet out;
  auto add = [&](std::string path, OutputFile file) {
    auto r = out.add(std::move(path), std::move(file), &report.warnings);
    if (!r) errors.push_back(r.error());
  };
  std::map<std::string, std::shared_ptr<const std::vector<std::string>>> templates_of;  // by layout
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::string& file = job_files[i];
    if (!m_options.one_shot) {  // what the next build compares with (a one-shot build has none)
      PageRecord record;
      if (must_render[i]) {
        record.uses_site = used_site[i];
        auto& deps = templates_of[layouts[i]];
        if (!deps) {
          auto list = th.engine->dependencies(layouts[i]);
          list.push_back(layouts[i]);
          deps = std::make_shared<const std::vector<std::string>>(std::move(list));
        }
        record.templates = deps;
      } else {
        record = prev->pages.at(file);
      }
      record.signature = signatures[i];
      if (record.uses_site) { Hasher h; h.add(record.signature); h.add(site_lists); record.signature = h.h; }
      next->pages.insert_or_assign(file, std::move(record));
    }
    // a one-shot build needs the job's path and origin no more
    std::string path = m_options.one_shot ? std::move(file) : file;
    std::string origin = m_options.one_shot ? std::move(jobs[i].origin) : jobs[i].origin;
    if (streamed[i]) {
      add(std::move(path), OutputFile{nullptr, {}, std::move(origin), i >= source_jobs, true});
    } else if (must_render[i]) {
      add(std::move(path), OutputFile::text(std::move(rendered[i]), std::move(origin), i >= source_jobs));
    } else {
      OutputFile kept = prev->outputs->at(path);  // shares the bytes, no copy
      kept.generated = i >= source_jobs;
      add(std::move(path), std::move(kept));
    }
  }
  // documents written without a theme: `layout: false`, and YAML pages as JSON
  for (uint32_t i : site.posts) {
    const Document& d = site.docs[i];
    if (d.layout.empty()) add(content::route_to_file(d.path), OutputFile::text(site.body(i).content, "source/" + d.source, false));
  }
  for (uint32_t i : site.pages) {
    const Document& d = site.docs[i];
    std::string ext = d.file.extension().string();
    if (ext == ".yml" || ext == ".yaml") {
      auto parsed = config::parse_yaml({d.text, "source/" + d.source, {}, 0});
      if (!parsed) { errors.push_back(parsed.error()); continue; }
      std::string json;
      write_json(json, *parsed);
      add(d.path, OutputFile::text(std::move(json), "source/" + d.source, false));
    } else if (d.layout.empty()) {
      add(content::route_to_file(d.path), OutputFile::text(site.body(i).content, "source/" + d.source, false));
    }
  }
  phase("collect");
  if (m_options.one_shot && so.enable) {
    // the pages are rendered: their template values and jobs are not needed any more, and the
    // search index below is the build's other big consumer of memory (at 100,000 posts the
    // values are ~0.5 GB). Without an index they are left to the process exit (freeing them
    // takes one core ~70 ms at 10,000 posts while the other has nothing to do).
    std::exchange(values, SiteValues{});
    std::exchange(jobs, std::vector<RenderJob>{});
  }

  // feeds, sitemaps, search
  for (auto&& f : feed_files) add(f.path, OutputFile::text(std::move(f.bytes), "feed", true));
  for (auto&& f : sitemap_files) add(f.path, OutputFile::text(std::move(f.bytes), "sitemap", true));
  for (auto&& f : searchdb_files) add(f.path, OutputFile::text(std::move(f.bytes), "search", true));
  // Haven's own search index (src/search, config `haven_search:`): published posts
  next->search = m_state && m_state->search ? m_state->search : std::make_shared<search::Indexer>(!m_options.one_shot);
  std::vector<uint64_t> post_search_keys;
  if (so.enable) {
    post_search_keys = search_keys(site, doc_full);
    for (auto&& f : search_files(site, post_search_keys, *next->search, so)) {
      add(std::move(f.path), OutputFile{std::move(f.content), {}, "search", true});  // shares the bytes
    }
  }

  // KaTeX and mermaid, served by the site itself, only when some page uses them
  bool any_math = false, any_mermaid = false;
  for (size_t i = 0; i < site.docs.size(); ++i) {
    any_math = any_math || site.body(i).needs_math;
    any_mermaid = any_mermaid || site.body(i).needs_mermaid;
  }
  if (any_math || any_mermaid) {
    if (!assets::available(any_math, any_mermaid)) {
      Diagnostic w = base::error("this binary was built without the KaTeX/mermaid files (run scripts/install-assets and rebuild Haven); formulas and diagrams will show as text");
      w.severity = base::Severity::Warning;
      report.warnings.push_back(std::move(w));
    }
    for (const auto& a : assets::content_assets(any_math, any_mermaid)) {
      add(std::string(a.route), OutputFile::text(std::string(a.bytes), "embedded assets", true));
    }
  }

  // assets: theme first so the site's own files win
  for (const auto& a : th.assets) {
    add(a.path, a.copy_from.empty() ? OutputFile::text(a.bytes, "theme " + a.path, true)
                                    : OutputFile::copy(a.copy_from, "theme " + a.path, true));
  }
  std::map<std::string, const Document*> post_by_folder;
  for (uint32_t i : site.posts) {
    const Document& d = site.docs[i];
    post_by_folder[d.source.substr(0, d.source.rfind('.')) + "/"] = &d;
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
      add(s.rel, OutputFile::copy(s.abs, "source/" + s.rel, false));
    } else if (s.kind == content::SourceKind::PostAsset) {
      // the asset belongs to the post whose folder contains it (longest match)
      const Document* owner = nullptr;
      std::string folder_of_owner;
      for (auto& [folder, doc] : post_by_folder) {
        if (s.rel.starts_with(folder) && (!owner || folder.size() > folder_of_owner.size())) {
          owner = doc;
          folder_of_owner = folder;
        }
      }
      if (!owner) continue;  // unpublished post or no such post: Hexo copies nothing
      std::string base = owner->path;
      if (base.ends_with(".html")) base.resize(base.size() - 5);
      else if (base.ends_with(".htm")) base.resize(base.size() - 4);
      if (!base.empty() && base.back() != '/') base += '/';
      add(base + s.rel.substr(folder_of_owner.size()), OutputFile::copy(s.abs, "source/" + s.rel, false));
    }
  }
  if (!errors.empty()) return fail(std::move(errors));
  next->outputs = std::make_shared<const std::map<std::string, OutputFile>>(out.release());
  phase("generate");

  // what changed compared to the previous output
  m_changed.clear();
  for (const auto& [path, file] : *next->outputs) {
    uint64_t h = 0;
    auto kept = prev ? prev->outputs->find(path) : decltype(prev->outputs->end()){};
    if (prev && kept != prev->outputs->end() && file.content && kept->second.content == file.content) {
      h = prev->output_hash.at(path);  // the very same bytes as before
    } else {
      h = file.copy_from.empty() ? base::content_hash(file.bytes()) : file_stamp(file.copy_from) ^ 0x5bd1e995;
    }
    next->output_hash[path] = h;
    if (!prev) continue;
    auto it = prev->output_hash.find(path);
    if (it == prev->output_hash.end() || it->second != h) m_changed.push_back(path);
  }
  if (prev) {
    for (const auto& [path, h] : prev->output_hash) {
      if (!next->outputs->count(path)) m_changed.push_back(path);
    }
  }
  report.stats.files_total = next->outputs->size();
  report.stats.bytes_total = streamed_bytes;
  for (const auto& [path, file] : *next->outputs) {
    std::error_code ec;
    report.stats.bytes_total += file.copy_from.empty() ? file.bytes().size() : fs::file_size(file.copy_from, ec);
  }
  report.stats.files_written = prev ? m_changed.size() : next->outputs->size();
  report.stats.ms = since_ms(start);
  sort_diagnostics(report.warnings);
  if (!m_options.one_shot) {
    next->plan = std::make_unique<State::Plan>();
    State::Plan& plan = *next->plan;
    plan.values = std::move(values);
    plan.jobs = std::move(jobs);
    plan.layouts = std::move(layouts);
    std::unordered_map<std::string_view, int> claims;
    for (const auto& f : job_files) ++claims[f];
    plan.sole_owner.resize(job_files.size());
    for (size_t i = 0; i < job_files.size(); ++i) plan.sole_owner[i] = claims[job_files[i]] == 1;
    plan.files = std::move(job_files);  // the views in `claims` are not used past here
    plan.source_jobs = source_jobs;
    plan.prints = std::move(prints);
    plan.site_lists = site_lists;
    plan.search_keys = std::move(post_search_keys);
    plan.any_post_links = std::any_of(site.docs.begin(), site.docs.end(), uses_post_links);
    plan.bytes_total = report.stats.bytes_total;
    plan.valid_until_ms = report.valid_until_ms;
  }
  report.sources = std::move(sources);
  if (m_options.one_shot) next->spent = std::make_unique<State::Spent>(std::move(values), std::move(jobs));
  std::unique_ptr<State> old = std::move(m_state);
  m_state = std::move(next);
  // The previous state and this build's values and jobs are tens of thousands of small objects:
  // they are freed on another thread, not on the caller's time (the server answers sooner).
  if (m_reaper.joinable()) m_reaper.join();
  m_reaper = std::jthread([old = std::move(old), values = std::move(values), jobs = std::move(jobs)]() mutable {
    old.reset();
    values = {};
    jobs.clear();
  });
  return report;
}

std::optional<std::expected<BuildReport, Errors>> Site::patch_documents(const std::vector<std::string>& changed_sources) {
  auto start = Clock::now();
  BuildReport report;
  PhaseClock phase(report, m_options);
  State& st = *m_state;
  State::Plan& plan = *st.plan;
  SiteModel& site = *st.model;
  const Theme& th = *st.theme;
  const fs::path site_dir = m_options.site_dir;
  const std::string source_dir_name = site.config.str("source_dir", "source");

  // 1. Each changed file must be an existing published Markdown post or page whose edit leaves
  //    the site's structure as it was: same kind, date, tags, categories, layout, publication and
  //    route. Title, other front matter and body may change. Anything else takes the full path.
  struct Edit {
    size_t doc = 0;
    fs::path abs;
    std::shared_ptr<Document> loaded;  // as loaded, before routes (the cache keeps this form)
    std::shared_ptr<const RenderedBody> body;
    uint64_t body_key = 0;
    Document model_doc;                // the document as the model holds it (route assigned)
  };
  std::vector<Edit> edits;
  content::LoadOptions load_options{site.process_zone, site.config.str("timezone"), site.now_ms};
  for (const auto& rel : changed_sources) {
    if (!rel.starts_with(source_dir_name + "/")) return std::nullopt;
    std::string srel = rel.substr(source_dir_name.size() + 1);
    auto cached = st.docs.find(srel);
    if (cached == st.docs.end() || !cached->second.doc) return std::nullopt;
    size_t k = 0;
    while (k < site.docs.size() && site.docs[k].source != srel) ++k;
    if (k == site.docs.size() || !site.docs[k].published || !content::is_markdown_ext(site.docs[k].file.extension().string())) {
      return std::nullopt;
    }
    fs::path abs = site_dir / rel;
    std::error_code ec;
    if (!fs::is_regular_file(abs, ec)) return std::nullopt;
    const Document& before = *cached->second.doc;
    content::SourceFile src{srel, abs, before.draft ? content::SourceKind::Draft
                                       : before.is_post() ? content::SourceKind::Post : content::SourceKind::Page};
    auto loaded = content::load_document(src, site.config, load_options);
    if (!loaded) return std::unexpected(Errors{loaded.error()});
    auto same_number = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    auto front = [](const Document& d, const char* key) { return d.front.get(key); };
    bool same_shape = loaded->kind == before.kind && loaded->draft == before.draft &&
                      same_number(loaded->date_ms, before.date_ms) && loaded->tags == before.tags &&
                      loaded->categories == before.categories && loaded->layout == before.layout &&
                      loaded->published == before.published && front(*loaded, "published") == front(before, "published") &&
                      loaded->permalink_override == before.permalink_override &&
                      front(*loaded, "abbrlink") == front(before, "abbrlink") &&
                      // an abbrlink computed from the title changes with it
                      (loaded->title == before.title || front(*loaded, "abbrlink").truthy());
    if (!same_shape) return std::nullopt;
    Edit e;
    e.doc = k;
    e.abs = abs;
    e.model_doc = *loaded;
    e.model_doc.published = site.docs[k].published;
    e.model_doc.abbrlink = site.docs[k].abbrlink;
    auto path = content::compute_path(e.model_doc, site.config, load_options);
    if (!path || *path != site.docs[k].path) return std::nullopt;
    e.model_doc.path = std::move(*path);
    e.loaded = std::make_shared<Document>(std::move(*loaded));
    edits.push_back(std::move(e));
  }
  // post_link targets are found by slug and title: a new title changes the bodies linking to it
  {
    Hasher links;
    for (size_t i = 0; i < site.docs.size(); ++i) {
      const Document* d = &site.docs[i];
      for (const auto& e : edits) if (e.doc == i) d = &e.model_doc;
      if (!d->is_post()) continue;
      links.add(d->slug);
      links.add(d->title);
      links.add(d->path);
    }
    if (std::to_string(links.h) != st.links_signature && plan.any_post_links) return std::nullopt;
  }
  phase("load");

  // 2. Bodies, as the full path renders them.
  BodyContext body_ctx = make_body_context(site.config, site_dir, site.urls);
  const bool cjk_spacing = site.config.flag("cjk_spacing", false);
  body_ctx.find_post = [&](std::string_view key) -> const Document* {
    for (const auto& d : site.docs) if (d.is_post() && d.slug == key) return &d;
    for (const auto& d : site.docs) if (d.is_post() && d.title == key) return &d;
    return nullptr;
  };
  for (auto& e : edits) {
    Errors warnings;
    auto rendered = render_document_body(e.model_doc, body_ctx, cjk_spacing, warnings);
    if (!rendered) return std::unexpected(Errors{rendered.error()});
    for (auto& w : warnings) report.warnings.push_back(std::move(w));
    Hasher key = body_key(e.model_doc, st.links_signature);
    for (const auto& dep : rendered->dependencies) key.add(file_stamp(dep));
    e.body_key = key.h;
    e.body = std::make_shared<const RenderedBody>(std::move(*rendered));
  }
  report.stats.bodies_rendered = edits.size();
  phase("markdown");

  // 3. Swap the new documents and bodies into the model and its values (undone on failure). The
  //    newer and older posts show an edited post's title as prev/next: their values are redone.
  struct Undo {
    size_t doc;
    Document doc_before;
    std::shared_ptr<const RenderedBody> body_before;
  };
  std::vector<Undo> undo;
  std::set<size_t> redo;  // documents whose value is rebuilt
  for (auto& e : edits) {
    undo.push_back({e.doc, std::move(site.docs[e.doc]), site.bodies[e.doc]});
    site.docs[e.doc] = std::move(e.model_doc);
    site.bodies[e.doc] = e.body;
    redo.insert(e.doc);
    auto at = std::find(site.posts.begin(), site.posts.end(), static_cast<uint32_t>(e.doc));
    if (at != site.posts.end()) {
      if (at != site.posts.begin()) redo.insert(*(at - 1));
      if (at + 1 != site.posts.end()) redo.insert(*(at + 1));
    }
  }
  auto refresh = [&] {
    for (size_t i : redo) {
      refresh_document_value(site, i, plan.values.documents[i]);
      plan.prints->compute(i, site.docs[i], site.body(i), plan.values.documents[i]);
    }
  };
  refresh();
  auto restore = [&] {
    for (auto& u : undo) {
      site.docs[u.doc] = std::move(u.doc_before);
      site.bodies[u.doc] = u.body_before;
    }
    refresh();
  };
  const uint64_t site_lists = site_lists_hash(site, *plan.prints);
  const bool lists_changed = site_lists != plan.site_lists;

  // 4. The pages showing an edited document whose signature changed.
  std::unordered_set<const void*> edited;
  for (size_t i : redo) edited.insert(plan.values.documents[i].identity());
  auto shows_edit = [&](const RenderJob& job) {
    if (job.is_source) return edited.count(job.page.identity()) > 0;
    const Value* posts = job.page.as_object().find("posts");
    if (!posts || !posts->is_array()) return false;
    for (const auto& p : posts->as_array()) if (edited.count(p.identity())) return true;
    return false;
  };
  std::vector<size_t> to_render;
  std::vector<uint64_t> new_signature(plan.jobs.size());
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    bool shows = shows_edit(plan.jobs[i]);
    if (!shows && !lists_changed) continue;
    const PageRecord& record = st.pages.at(plan.files[i]);
    if (!shows && !record.uses_site) continue;
    uint64_t sig = plan.prints->signature(plan.jobs[i], plan.layouts[i]);
    if (record.uses_site) { Hasher h; h.add(sig); h.add(site_lists); sig = h.h; }
    new_signature[i] = sig;
    if (sig == record.signature) continue;
    if (!plan.sole_owner[i]) {  // two jobs, one path: which wins is the full path's business
      restore();
      return std::nullopt;
    }
    to_render.push_back(i);
  }
  phase("plan");

  std::vector<std::string> rendered(to_render.size());
  std::vector<char> used_site(to_render.size(), 0);
  Errors errors;
  std::mutex errors_mutex;
  const PageRenderer renderer(site, plan.values, th, *plan.prints);
  tbb::parallel_for(size_t(0), to_render.size(), [&](size_t n) {
    bool uses_site = false;
    auto html = renderer.render(plan.jobs[to_render[n]], plan.layouts[to_render[n]], uses_site);
    used_site[n] = uses_site;
    if (!html) {
      std::lock_guard lock(errors_mutex);
      errors.push_back(html.error());
      return;
    }
    rendered[n] = std::move(*html).flatten();
  });
  if (!errors.empty()) {
    restore();
    sort_diagnostics(errors);
    return std::unexpected(std::move(errors));
  }
  report.stats.pages_rendered = to_render.size();
  phase("render");

  // 5. The new output: the previous one with the re-rendered pages, bare documents and
  //    regenerated feeds, sitemaps and searchdb replaced.
  auto outputs = std::make_shared<std::map<std::string, OutputFile>>(*st.outputs);
  uint64_t bytes_total = plan.bytes_total;
  m_changed.clear();
  auto put = [&](const std::string& path, OutputFile file) {
    auto it = outputs->find(path);
    if (it != outputs->end() && it->second.copy_from.empty()) bytes_total -= it->second.bytes().size();
    bytes_total += file.bytes().size();
    uint64_t h = base::content_hash(file.bytes());
    auto& old = st.output_hash[path];
    if (old != h || it == outputs->end()) m_changed.push_back(path);
    old = h;
    (*outputs)[path] = std::move(file);
  };
  for (size_t n = 0; n < to_render.size(); ++n) {
    size_t i = to_render[n];
    PageRecord& record = st.pages.at(plan.files[i]);
    if (record.uses_site != static_cast<bool>(used_site[n])) {
      record.uses_site = used_site[n];
      uint64_t sig = plan.prints->signature(plan.jobs[i], plan.layouts[i]);
      if (record.uses_site) { Hasher h; h.add(sig); h.add(site_lists); sig = h.h; }
      new_signature[i] = sig;
    }
    record.signature = new_signature[i];
    put(plan.files[i], OutputFile::text(std::move(rendered[n]), plan.jobs[i].origin, i >= plan.source_jobs));
  }
  phase("outputs");
  for (const auto& e : edits) {
    const Document& d = site.docs[e.doc];
    if (d.layout.empty()) put(content::route_to_file(d.path), OutputFile::text(site.body(e.doc).content, "source/" + d.source, false));
  }
  for (auto&& f : generate_feeds(site)) put(f.path, OutputFile::text(std::move(f.bytes), "feed", true));
  phase("feeds");
  for (auto&& f : generate_sitemaps(site)) put(f.path, OutputFile::text(std::move(f.bytes), "sitemap", true));
  phase("sitemaps");
  for (auto&& f : generate_searchdb(site)) put(f.path, OutputFile::text(std::move(f.bytes), "search", true));
  phase("searchdb");
  // Haven's search index: the Indexer redoes only the edited posts and the shards they touch;
  // its shards are named by their content, so files of the previous index can disappear
  if (search::Options so = search::parse_options(site.config.get("haven_search")); so.enable && st.search) {
    std::set<std::string> current;
    if (plan.search_keys.size() != site.posts.size()) plan.search_keys = search_keys(site, plan.prints->full);
    for (size_t p = 0; p < site.posts.size(); ++p) {
      if (redo.count(site.posts[p])) plan.search_keys[p] = search_key(site, plan.prints->full, p);
    }
    for (auto&& f : search_files(site, plan.search_keys, *st.search, so)) {
      current.insert(f.path);
      auto it = outputs->find(f.path);
      if (it != outputs->end() && it->second.content == f.content) continue;  // the same shared bytes
      put(f.path, OutputFile{std::move(f.content), {}, "search", true});
    }
    for (auto it = outputs->begin(); it != outputs->end();) {
      if (it->first.starts_with("search/") && it->second.origin == "search" && !current.count(it->first)) {
        bytes_total -= it->second.bytes().size();
        st.output_hash.erase(it->first);
        m_changed.push_back(it->first);
        it = outputs->erase(it);
      } else {
        ++it;
      }
    }
  }
  phase("search");
  st.outputs = std::move(outputs);
  plan.bytes_total = bytes_total;
  plan.site_lists = site_lists;
  for (auto& e : edits) {
    CachedDoc& c = st.docs.at(site.docs[e.doc].source);
    c.stamp = file_stamp(e.abs);
    c.doc = std::move(e.loaded);
    c.body = e.body;
    c.body_key = e.body_key;
    c.body_valid = true;
  }
  phase("generate");

  report.output_dir = m_options.output_dir.empty() ? site_dir / site.config.str("public_dir", "public") : m_options.output_dir;
  report.valid_until_ms = plan.valid_until_ms;
  report.stats.posts = site.posts.size();
  report.stats.pages = site.pages.size();
  report.stats.files_total = st.outputs->size();
  report.stats.files_written = m_changed.size();
  report.stats.bytes_total = bytes_total;
  report.stats.ms = since_ms(start);
  sort_diagnostics(report.warnings);
  return report;
}

} // namespace haven::site
