// What templates see (Hexo's theme variables: site, page, config, theme, path, url) and the
// list pages Hexo's generators make (index, archives, tags, categories; spec §8).
#pragma once

#include <string>
#include <vector>

#include "base/value.hpp"
#include "site/model.hpp"

namespace haven::site {

// Template values shared by every page of one build: built once, never copied per page.
struct SiteValues {
  base::Value config;
  base::Value theme;
  base::Value site;                    // {posts, pages, tags, categories, data}
  std::vector<base::Value> documents;  // parallel to SiteModel::docs (Undefined if unpublished)
};

// One page to render through the theme.
struct RenderJob {
  std::string route;                   // "tags/Hexo/page/2/", "about/index.html"
  std::vector<std::string> layouts;    // candidates, first found wins ("tag", "archive", "index")
  base::Value page;                    // the `page` variable
  std::string origin;                  // for diagnostics and clash errors
  bool is_source = false;              // a post or page from source/, not a list
};

SiteValues build_site_values(const SiteModel& site, const base::Value& theme_config);

// Posts and pages from source/ (published ones) as render jobs; `layout: false` documents are
// not included (they are written bare by the caller).
std::vector<RenderJob> document_jobs(const SiteModel& site, const SiteValues& values);

// Index, archive, tag and category pages with Hexo's pagination.
std::vector<RenderJob> list_jobs(const SiteModel& site, const SiteValues& values);

// Re-reads the body fields (updated, content, excerpt, more, toc) of document `doc_index` from
// the model into its already built value, *in place*: every list and page holding that value
// sees the new body at once. Only for `haven serve`'s body-edit patch (Site::rebuild), on the
// thread that owns the values, while nothing renders.
void refresh_body_fields(const SiteModel& site, size_t doc_index, const base::Value& doc_value);

// The whole template context of a job.
base::Value page_context(const SiteModel& site, const SiteValues& values, const RenderJob& job);

} // namespace haven::site
