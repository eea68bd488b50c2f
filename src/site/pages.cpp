#include "site/pages.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "site/render_tracking.hpp"
#include "text/datetime.hpp"
#include "text/url.hpp"

namespace haven::site {

using base::Array;
using base::Object;
using base::Value;
using content::Document;

namespace {

// The `site` variable: reading any of it marks the page as depending on site-wide lists.
class TrackedSite : public base::Native {
public:
  explicit TrackedSite(Value inner) : m_inner(std::move(inner)) {}
  Value get(std::string_view key) const override {
    note_site_read();
    return m_inner.get(key);
  }
  std::vector<std::string> keys() const override {
    note_site_read();
    std::vector<std::string> out;
    for (const auto& [k, v] : m_inner.as_object()) out.push_back(k);
    return out;
  }

private:
  Value m_inner;
};

Value date_value(double ms) { return std::isnan(ms) ? Value() : Value::date(ms); }

// A string of a document or of the site model (a permalink), not copied: the SiteModel outlives
// every value built from it (a serve rebuild that replaces a document redoes its values in place).
Value doc_string(const std::string& s) { return Value::slice(nullptr, s, false); }

Value taxonomy_ref(const SiteModel& site, const std::string& name, const std::string& slug, const std::string& path,
                   size_t count) {
  Object o;
  o.set("name", Value(name));
  o.set("slug", Value(slug));
  o.set("path", Value(path));
  o.set("permalink", Value(site.full_url(path)));
  o.set("length", Value(static_cast<double>(count)));
  return Value(std::move(o));
}

// `page.prev` / `page.next`: document `doc_index` by title, path, permalink and date.
Value nav_ref(const SiteModel& site, size_t doc_index) {
  const Document& doc = site.docs[doc_index];
  Object o;
  o.reserve(4);
  o.set("title", doc_string(doc.title));
  o.set("path", doc_string(doc.path));
  o.set("permalink", doc_string(site.permalink(doc_index)));
  o.set("date", date_value(doc.date_ms));
  return Value(std::move(o));
}

// The post/page object themes know (Hexo's Document fields plus every front-matter key).
// The taxonomy references posts show (`post.tags`, `post.categories`): one shared value per tag
// and category, not one per post.
struct TaxonomyRefs {
  std::vector<Value> tags, categories;
};

// The fields of a document value that come from its body and file (not its front matter):
// updated, content, excerpt and more. The body's strings are shared with the rendered body,
// not copied (they are most of a site's memory): an aliasing pointer keeps the body alive as long
// as the value.
void set_body_fields(const SiteModel& site, size_t doc_index, Object& o) {
  const Document& doc = site.docs[doc_index];
  const RenderedBody& body = site.body(doc_index);
  o.set("updated", date_value(doc.updated_ms));
  const auto& owner = site.bodies[doc_index];
  auto body_string = [&](std::string_view s) {
    return owner ? Value::slice(owner, s, true) : Value::safe(std::string(s));
  };
  o.set("content", body_string(body.content));
  o.set("excerpt", body_string(body.excerpt()));
  o.set("more", body_string(body.more_html()));
}

Value document_value(const SiteModel& site, size_t doc_index, std::optional<size_t> post_number,
                     const TaxonomyRefs& refs) {
  const Document& doc = site.docs[doc_index];
  Object o = doc.front.is_object() ? doc.front.as_object() : Object{};
  o.reserve(o.size() + 21);  // at most the 21 fields below: one allocation
  o.set("title", doc_string(doc.title));
  o.set("date", date_value(doc.date_ms));
  set_body_fields(site, doc_index, o);  // updated, content, excerpt, more
  o.set("source", doc_string(doc.source));
  o.set("full_source", Value(doc.file.string()));
  o.set("path", doc_string(doc.path));
  o.set("permalink", doc_string(site.permalink(doc_index)));
  o.set("layout", doc.layout.empty() ? Value(false) : doc_string(doc.layout));
  o.set("comments", Value(doc.comments));
  o.set("published", Value(doc.published));
  o.set("raw", doc_string(doc.text));
  if (doc.is_post()) {
    o.set("slug", doc_string(doc.slug));
    if (!doc.abbrlink.empty() && !o.contains("abbrlink")) o.set("abbrlink", doc_string(doc.abbrlink));
    o.set("__post", Value(true));
  } else {
    o.set("__page", Value(true));
  }
  Array tags, categories;
  if (post_number) {
    size_t p = *post_number;
    for (uint32_t t : site.taxonomies.post_tags[p]) tags.push_back(refs.tags[t]);
    for (uint32_t c : site.taxonomies.post_categories[p]) categories.push_back(refs.categories[c]);
    // Hexo: prev = the newer post, next = the older one (posts sorted newest first).
    if (p > 0) o.set("prev", nav_ref(site, site.posts[p - 1]));
    if (p + 1 < site.posts.size()) o.set("next", nav_ref(site, site.posts[p + 1]));
  }
  o.set("tags", Value(std::move(tags)));
  o.set("categories", Value(std::move(categories)));
  return Value(std::move(o));
}

Value posts_array(const SiteValues& values, const SiteModel& site, const std::vector<uint32_t>& post_numbers,
                  size_t begin, size_t end) {
  Array a;
  a.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) a.push_back(values.documents[site.posts[post_numbers[i]]]);
  return Value(std::move(a));
}

std::string dir_of(std::string dir) {
  while (!dir.empty() && dir.front() == '/') dir.erase(0, 1);
  while (!dir.empty() && dir.back() == '/') dir.pop_back();
  return dir.empty() ? std::string() : dir + "/";
}

// Appends the pages of one paginated list (hexo-pagination: page 1 at `base`, page n at
// base + pagination_dir/n/).
void paginate(std::vector<RenderJob>& jobs, const SiteModel& site, const SiteValues& values, const std::string& base,
              const std::vector<uint32_t>& post_numbers, size_t per_page, const std::vector<std::string>& layouts,
              const Object& extra, const std::string& origin) {
  std::string pdir = site.config.str("pagination_dir", "page");
  size_t total = per_page == 0 ? 1 : std::max<size_t>(1, (post_numbers.size() + per_page - 1) / per_page);
  auto route_of = [&](size_t n) { return n == 1 ? base : base + pdir + "/" + std::to_string(n) + "/"; };
  for (size_t n = 1; n <= total; ++n) {
    size_t begin = per_page == 0 ? 0 : (n - 1) * per_page;
    size_t end = per_page == 0 ? post_numbers.size() : std::min(post_numbers.size(), n * per_page);
    Object page = extra;
    page.set("base", Value(base));
    page.set("total", Value(static_cast<double>(total)));
    page.set("current", Value(static_cast<double>(n)));
    page.set("current_url", Value(route_of(n)));
    page.set("posts", posts_array(values, site, post_numbers, begin, end));
    page.set("prev", Value(static_cast<double>(n > 1 ? n - 1 : 0)));
    page.set("prev_link", Value(n > 1 ? route_of(n - 1) : std::string()));
    page.set("next", Value(static_cast<double>(n < total ? n + 1 : 0)));
    page.set("next_link", Value(n < total ? route_of(n + 1) : std::string()));
    jobs.push_back({route_of(n), layouts, Value(std::move(page)), origin, false});
  }
}

size_t per_page_of(const SiteModel& site, std::string_view generator) {
  Value v = site.config.get(std::string(generator) + ".per_page");
  if (v.is_number()) return static_cast<size_t>(std::max(0.0, v.as_number()));
  return static_cast<size_t>(std::max(0.0, site.config.num("per_page", 10)));
}

} // namespace

SiteValues build_site_values(const SiteModel& site, const Value& theme_config) {
  SiteValues v;
  v.config = site.config.data;
  v.theme = theme_config;
  v.documents.resize(site.docs.size());
  TaxonomyRefs refs;
  for (const auto& t : site.taxonomies.tags) refs.tags.push_back(taxonomy_ref(site, t.name, t.slug, t.path, t.posts.size()));
  for (const auto& c : site.taxonomies.categories) {
    refs.categories.push_back(taxonomy_ref(site, c.name, c.slug, c.path, c.posts.size()));
  }
  // documents are independent of each other: built in parallel
  tbb::parallel_for(size_t(0), site.posts.size(), [&](size_t p) {
    v.documents[site.posts[p]] = document_value(site, site.posts[p], p, refs);
  });
  for (uint32_t i : site.pages) v.documents[i] = document_value(site, i, std::nullopt, refs);

  Array posts, pages, tags, categories;
  for (uint32_t i : site.posts) posts.push_back(v.documents[i]);
  for (uint32_t i : site.pages) pages.push_back(v.documents[i]);
  std::vector<uint32_t> all;
  for (const auto& t : site.taxonomies.tags) {
    Value ref = taxonomy_ref(site, t.name, t.slug, t.path, t.posts.size());
    Object o = ref.as_object();
    o.set("posts", posts_array(v, site, t.posts, 0, t.posts.size()));
    tags.push_back(Value(std::move(o)));
  }
  for (const auto& c : site.taxonomies.categories) {
    Value ref = taxonomy_ref(site, c.name, c.slug, c.path, c.posts.size());
    Object o = ref.as_object();
    o.set("posts", posts_array(v, site, c.posts, 0, c.posts.size()));
    o.set("parent", c.parent < 0 ? Value() : Value(site.taxonomies.categories[static_cast<size_t>(c.parent)].name));
    categories.push_back(Value(std::move(o)));
  }
  Object s;
  s.set("posts", Value(std::move(posts)));
  s.set("pages", Value(std::move(pages)));
  s.set("tags", Value(std::move(tags)));
  s.set("categories", Value(std::move(categories)));
  s.set("data", site.data.is_object() ? site.data : Value(Object{}));
  v.site = Value(std::make_shared<const TrackedSite>(Value(std::move(s))));
  return v;
}

std::vector<RenderJob> document_jobs(const SiteModel& site, const SiteValues& values) {
  std::vector<RenderJob> jobs;
  auto add = [&](uint32_t i, std::vector<std::string> fallbacks) {
    const Document& doc = site.docs[i];
    if (doc.layout.empty()) return;
    std::vector<std::string> layouts{doc.layout};
    for (auto& f : fallbacks) if (f != doc.layout) layouts.push_back(f);
    jobs.push_back({doc.path, std::move(layouts), values.documents[i], "source/" + doc.source, true});
  };
  for (uint32_t i : site.posts) add(i, {"post", "page", "index"});
  for (uint32_t i : site.pages) add(i, {"page", "index"});
  return jobs;
}

std::vector<RenderJob> list_jobs(const SiteModel& site, const SiteValues& values) {
  std::vector<RenderJob> jobs;
  if (site.posts.empty()) return jobs; // Hexo writes no index or archives without posts

  // index: newest first, then a stable sort by sticky (higher first); each post's sticky is
  // looked up once, not in every comparison, and with no sticky post there is nothing to sort
  std::vector<uint32_t> order(site.posts.size());
  std::vector<double> sticky(site.posts.size());
  bool any_sticky = false;
  for (uint32_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    sticky[i] = site.post(i).front.get("sticky").as_number();
    any_sticky = any_sticky || sticky[i] != sticky[0];
  }
  if (any_sticky) {
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return sticky[a] > sticky[b]; });
  }
  std::string index_path = dir_of(site.config.str("index_generator.path"));
  Object index_extra;
  index_extra.set("__index", Value(true));
  paginate(jobs, site, values, index_path, order, per_page_of(site, "index_generator"), {"index", "archive"},
           index_extra, "index generator");

  // archives
  std::vector<uint32_t> all(site.posts.size());
  for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  std::string archive_dir = dir_of(site.config.str("archive_dir", "archives"));
  size_t archive_per_page = per_page_of(site, "archive_generator");
  std::vector<std::string> archive_layouts{"archive", "index"};
  Object archive_extra;
  archive_extra.set("archive", Value(true));
  paginate(jobs, site, values, archive_dir, all, archive_per_page, archive_layouts, archive_extra, "archive generator");
  const bool yearly = site.config.flag("archive_generator.yearly", true);
  const bool monthly = site.config.flag("archive_generator.monthly", true);
  const bool daily = site.config.flag("archive_generator.daily", false);
  if (yearly) {
    std::map<int, std::vector<uint32_t>> years;
    std::map<std::pair<int, int>, std::vector<uint32_t>> months;
    std::map<std::tuple<int, int, int>, std::vector<uint32_t>> days;
    for (uint32_t p : all) {
      text::Civil c = text::civil_in_zone(site.post(p).date_ms, site.process_zone);
      years[c.year].push_back(p);
      months[{c.year, c.month}].push_back(p);
      days[{c.year, c.month, c.day}].push_back(p);
    }
    auto two = [](int v) { return fmt::format("{:02}", v); };
    for (const auto& [year, posts] : years) {
      Object extra = archive_extra;
      extra.set("year", Value(year));
      paginate(jobs, site, values, archive_dir + std::to_string(year) + "/", posts, archive_per_page, archive_layouts,
               extra, "archive generator");
    }
    if (monthly) {
      for (const auto& [ym, posts] : months) {
        Object extra = archive_extra;
        extra.set("year", Value(ym.first));
        extra.set("month", Value(ym.second));
        paginate(jobs, site, values, archive_dir + std::to_string(ym.first) + "/" + two(ym.second) + "/", posts,
                 archive_per_page, archive_layouts, extra, "archive generator");
      }
    }
    if (daily) {
      for (const auto& [ymd, posts] : days) {
        auto [y, m, d] = ymd;
        Object extra = archive_extra;
        extra.set("year", Value(y));
        extra.set("month", Value(m));
        extra.set("day", Value(d));
        paginate(jobs, site, values, archive_dir + std::to_string(y) + "/" + two(m) + "/" + two(d) + "/", posts,
                 archive_per_page, archive_layouts, extra, "archive generator");
      }
    }
  }

  // tags and categories: names that slugize alike share one path ("C++" and "C#" → tags/C/);
  // Hexo lets the later page overwrite the earlier, Haven lists the posts of both on one page.
  auto merged_by_path = [&](const auto& items) {
    std::map<std::string, std::pair<size_t, std::vector<uint32_t>>> groups;  // path → (first item, posts)
    std::vector<std::string> order;
    for (size_t i = 0; i < items.size(); ++i) {
      auto [it, inserted] = groups.try_emplace(items[i].path, i, std::vector<uint32_t>{});
      if (inserted) order.push_back(items[i].path);
      auto& posts = it->second.second;
      posts.insert(posts.end(), items[i].posts.begin(), items[i].posts.end());
    }
    std::vector<std::pair<size_t, std::vector<uint32_t>>> out;
    for (const auto& path : order) {
      auto& g = groups[path];
      std::sort(g.second.begin(), g.second.end());  // post numbers are newest-first positions
      g.second.erase(std::unique(g.second.begin(), g.second.end()), g.second.end());
      out.push_back(std::move(g));
    }
    return out;
  };
  size_t tag_per_page = per_page_of(site, "tag_generator");
  for (auto& [first, posts] : merged_by_path(site.taxonomies.tags)) {
    const auto& tag = site.taxonomies.tags[first];
    Object extra;
    extra.set("tag", Value(tag.name));
    paginate(jobs, site, values, tag.path, posts, tag_per_page, {"tag", "archive", "index"}, extra,
             "tag \"" + tag.name + "\"");
  }
  size_t category_per_page = per_page_of(site, "category_generator");
  for (auto& [first, posts] : merged_by_path(site.taxonomies.categories)) {
    const auto& cat = site.taxonomies.categories[first];
    Object extra;
    extra.set("category", Value(cat.name));
    paginate(jobs, site, values, cat.path, posts, category_per_page, {"category", "archive", "index"}, extra,
             "category \"" + cat.name + "\"");
  }
  return jobs;
}

Value page_context(const SiteModel& site, const SiteValues& values, const RenderJob& job) {
  Object ctx;
  ctx.set("config", values.config);
  ctx.set("theme", values.theme);
  ctx.set("site", values.site);
  ctx.set("page", job.page);
  // as Hexo's locals: the file written ("about/index.html"), and its full URL (which keeps the
  // index.html unless pretty_urls.trailing_index is false)
  std::string path = job.route;
  if (path.empty() || path.ends_with('/')) path += "index.html";
  ctx.set("url", Value(site.full_url(path)));
  ctx.set("path", Value(std::move(path)));
  return Value(std::move(ctx));
}

void refresh_document_value(const SiteModel& site, size_t doc_index, const Value& doc_value) {
  if (!doc_value.is_object()) return;
  // the same tags and categories as before, so the shared references can be taken from the old value
  TaxonomyRefs refs;
  std::optional<size_t> post_number;
  if (site.docs[doc_index].is_post()) {
    auto at = std::find(site.posts.begin(), site.posts.end(), static_cast<uint32_t>(doc_index));
    if (at != site.posts.end()) {
      post_number = static_cast<size_t>(at - site.posts.begin());
      refs.tags.resize(site.taxonomies.tags.size());
      refs.categories.resize(site.taxonomies.categories.size());
      const auto& tags = doc_value.get("tags").as_array();
      const auto& post_tags = site.taxonomies.post_tags[*post_number];
      for (size_t i = 0; i < post_tags.size() && i < tags.size(); ++i) refs.tags[post_tags[i]] = tags[i];
      const auto& cats = doc_value.get("categories").as_array();
      const auto& post_cats = site.taxonomies.post_categories[*post_number];
      for (size_t i = 0; i < post_cats.size() && i < cats.size(); ++i) refs.categories[post_cats[i]] = cats[i];
    }
  }
  Value fresh = document_value(site, doc_index, post_number, refs);
  // In place, by design: the lists and pages that hold this value share it (see pages.hpp).
  const_cast<Object&>(doc_value.as_object()) = fresh.as_object();
}

} // namespace haven::site
