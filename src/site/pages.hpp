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

// Rebuilds the whole value of document `doc_index` (front matter, title, body, neighbours' titles)
// from the model, *in place*: every list and page holding that value sees the change at once.
// Its tags and categories must be the same as when the value was built (their shared references
// are reused). Only for `haven serve`'s edit patch (Site::rebuild), on the thread that owns the
// values, while nothing renders.
void refresh_document_value(const SiteModel& site, size_t doc_index, const base::Value& doc_value);

// The whole template context of a job.
base::Value page_context(const SiteModel& site, const SiteValues& values, const RenderJob& job);

} // namespace haven::site
