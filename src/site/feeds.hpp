// Machine-readable outputs Hexo plugins write: feeds (hexo-generator-feed), sitemaps
// (hexo-generator-sitemap) and the search dump (hexo-generator-searchdb). Spec §11.2–11.4.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "site/model.hpp"

namespace haven::site {

struct GeneratedFile {
  std::string path;
  std::string bytes;
};

// atom.xml / rss2.xml as `feed:` configures (type, path, limit, content, content_limit, order_by).
std::vector<GeneratedFile> generate_feeds(const SiteModel& site);
// sitemap.xml / sitemap.txt as `sitemap:` configures.
std::vector<GeneratedFile> generate_sitemaps(const SiteModel& site);
// search.xml / search.json when `search:` is configured.
std::vector<GeneratedFile> generate_searchdb(const SiteModel& site);

// The feed paths the site writes (for autodiscovery links), with their MIME types.
std::vector<std::pair<std::string, std::string>> feed_links(const config::SiteConfig& config);

} // namespace haven::site
