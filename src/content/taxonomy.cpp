#include "content/taxonomy.hpp"

#include <algorithm>
#include <map>

namespace haven::content {

Taxonomies build_taxonomies(const std::vector<const Document*>& posts, const config::SiteConfig& config) {
  Taxonomies t;
  t.post_tags.resize(posts.size());
  t.post_categories.resize(posts.size());
  const int filename_case = static_cast<int>(config.num("filename_case"));
  const base::Value tag_map = config.get("tag_map");
  const base::Value category_map = config.get("category_map");
  std::string tag_dir = config.str("tag_dir", "tags");
  std::string category_dir = config.str("category_dir", "categories");
  auto dir_prefix = [](std::string dir) {
    while (!dir.empty() && dir.front() == '/') dir.erase(0, 1);
    while (!dir.empty() && dir.back() == '/') dir.pop_back();
    return dir.empty() ? std::string() : dir + "/";
  };
  const std::string tag_prefix = dir_prefix(tag_dir);
  const std::string category_prefix = dir_prefix(category_dir);

  // Keyed by name as in Hexo, so posts keep the names they were given; names that slugize
  // alike ("C++", "C#") share a path, and the list generator merges such pages (spec §7.4).
  std::map<std::string, uint32_t> tag_index;
  std::map<std::pair<int32_t, std::string>, uint32_t> category_index;

  for (uint32_t p = 0; p < posts.size(); ++p) {
    const Document& doc = *posts[p];
    for (const auto& name : doc.tags) {
      std::string slug = taxonomy_slug(name, tag_map, filename_case);
      auto [it, inserted] = tag_index.try_emplace(name, static_cast<uint32_t>(t.tags.size()));
      if (inserted) {
        Tag tag;
        tag.name = name;
        tag.slug = std::move(slug);
        tag.path = tag_prefix + tag.slug + "/";
        t.tags.push_back(std::move(tag));
      }
      auto& tag_posts = t.tags[it->second].posts;
      if (tag_posts.empty() || tag_posts.back() != p) tag_posts.push_back(p);
      auto& mine = t.post_tags[p];
      if (std::find(mine.begin(), mine.end(), it->second) == mine.end()) mine.push_back(it->second);
    }
    for (const auto& hierarchy : doc.categories) {
      int32_t parent = -1;
      for (const auto& name : hierarchy) {
        std::string slug = taxonomy_slug(name, category_map, filename_case);
        auto [it, inserted] = category_index.try_emplace({parent, name}, static_cast<uint32_t>(t.categories.size()));
        if (inserted) {
          Category c;
          c.name = name;
          c.parent = parent;
          c.slug = std::move(slug);
          c.path = (parent < 0 ? category_prefix : t.categories[static_cast<size_t>(parent)].path) + c.slug + "/";
          t.categories.push_back(std::move(c));
        }
        uint32_t idx = it->second;
        auto& list = t.categories[idx].posts;
        if (list.empty() || list.back() != p) list.push_back(p);
        auto& mine = t.post_categories[p];
        if (std::find(mine.begin(), mine.end(), idx) == mine.end()) mine.push_back(idx);
        parent = static_cast<int32_t>(idx);
      }
    }
  }
  return t;
}

} // namespace haven::content
