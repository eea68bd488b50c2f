// The loaded, rendered site that generators, feeds and templates read. Built once per build;
// everything refers to documents by index, never by pointer into a growing vector.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "content/document.hpp"
#include "content/taxonomy.hpp"
#include "site/post_body.hpp"
#include "text/url.hpp"

namespace haven::site {

struct SiteModel {
  config::SiteConfig config;
  text::UrlOptions urls;
  std::string process_zone;
  double now_ms = 0;
  std::vector<content::Document> docs;  // every loaded post, draft and page
  // Parallel to docs (an empty body for unpublished ones); shared with the rebuild cache.
  std::vector<std::shared_ptr<const RenderedBody>> bodies;
  // full_url of each document's route, parallel to docs (set with the routes): feeds, sitemaps
  // and `permalink` ask for them on every build and every `haven serve` edit
  std::vector<std::string> permalinks;
  std::vector<uint32_t> posts;          // published posts, newest first (indexes into docs)
  std::vector<uint32_t> pages;          // source pages (indexes into docs)
  content::Taxonomies taxonomies;       // post numbers in it index `posts`
  base::Value data;                     // source/_data, as site.data

  const content::Document& post(size_t i) const { return docs[posts[i]]; }
  const RenderedBody& body(size_t doc) const {
    static const RenderedBody k_empty;
    return bodies[doc] ? *bodies[doc] : k_empty;
  }
  const RenderedBody& post_body(size_t i) const { return body(posts[i]); }
  // The absolute URL of document `doc` (cached full_url of its route).
  const std::string& permalink(size_t doc) const { return permalinks[doc]; }
  // Absolute URL of a route ("https://blog.example.com/tags/x/").
  std::string full_url(std::string_view route) const { return text::full_url_for(route, urls); }
};

} // namespace haven::site
