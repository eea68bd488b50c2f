// Tags and categories across the published posts (spec §7).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "content/document.hpp"

namespace haven::content {

struct Tag {
  std::string name;
  std::string slug;
  std::string path;                 // "tags/zh-tag/"
  std::vector<uint32_t> posts;      // indexes into the post list, newest first
};

struct Category {
  std::string name;
  int32_t parent = -1;              // index into categories, -1 = top level
  std::string slug;                 // this level only
  std::string path;                 // "categories/programming/入门/"
  std::vector<uint32_t> posts;      // posts in this category or any sub-category, newest first
};

struct Taxonomies {
  std::vector<Tag> tags;             // in order of first appearance
  std::vector<Category> categories;  // parents before children
  std::vector<std::vector<uint32_t>> post_tags;        // per post: its tag indexes
  std::vector<std::vector<uint32_t>> post_categories;  // per post: its category indexes
};

// Collects tags and categories of `posts` (already filtered to published and sorted newest
// first). Tags and categories without posts never appear.
Taxonomies build_taxonomies(const std::vector<const Document*>& posts, const config::SiteConfig& config);

} // namespace haven::content
