// Posts and pages: loading a source file into a Document with Hexo's front-matter semantics
// (spec §3), abbrlinks (§11.1) and output paths (§5, §6).
#pragma once

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/fs.hpp"
#include "base/value.hpp"
#include "config/config.hpp"
#include "content/sources.hpp"

namespace haven::content {

struct Document {
  enum class Kind { Post, Page };
  Kind kind = Kind::Post;
  bool draft = false;
  std::string source;              // path under source/ ("_posts/hello-world.md")
  std::filesystem::path file;
  std::string text;                // normalised file text (BOM stripped, LF)
  uint64_t file_hash = 0;          // base::content_hash of the file's bytes as read
  base::FileStat file_stat;        // the file's identity and times when it was read
  size_t body_offset = 0;          // where the body starts in `text`
  uint32_t body_line = 1;
  base::Value front;               // the front-matter object, unknown keys included

  std::string slug;                // posts: path under _posts/ without extension (spec §5.1)
  std::string title;
  double date_ms = NAN;
  double updated_ms = NAN;         // NaN = none (updated_option: empty)
  std::vector<std::string> tags;
  std::vector<std::vector<std::string>> categories;  // each a hierarchy, root first
  bool published = true;
  std::string layout;              // "" when `layout: false`
  bool comments = true;
  std::string permalink_override;  // front-matter `permalink`, "" when absent
  std::string abbrlink;            // as it prints in URLs; "" = none
  std::string path;                // output route, no leading '/', "…/" or "….html"

  std::string_view body() const { return std::string_view(text).substr(body_offset); }
  bool is_post() const { return kind == Kind::Post; }
};

struct LoadOptions {
  std::string process_zone;  // Hexo's process time zone (permalink dates, naive timestamps)
  std::string site_timezone; // config `timezone`
  double build_time_ms = 0;  // "now", for future posts
};

// Reads and parses one post, draft or page. Errors (invalid UTF-8, broken front matter, a date
// Hexo could not read is *not* an error) carry file:line:col.
base::Result<Document> load_document(const SourceFile& source, const config::SiteConfig& config,
                                     const LoadOptions& options);

// Gives every post without a truthy `abbrlink` one as hexo-abbrlink would (CRC-16/ARC or CRC-32 of
// the title, dec or hex, +1 while taken), without touching the files. Values already written in
// front matter are reserved first, then posts are numbered in `posts` order (callers sort by source
// path), so a clash is always resolved the same way.
void assign_abbrlinks(std::vector<Document*>& posts, const config::SiteConfig& config);

// The output route of a post (permalink pattern, spec §5.2–5.3) or page (§6). An error when the
// result would escape the output folder (a `..` segment) or is empty.
base::Result<std::string> compute_path(const Document& doc, const config::SiteConfig& config,
                                       const LoadOptions& options);

// The file a route is written to: leading '/' and '?query' dropped, "index.html" appended to
// folder routes (spec §5.4).
std::string route_to_file(std::string_view route);

// Hexo's slug for a tag or category name: `map` override, then slugize with `filename_case`.
std::string taxonomy_slug(std::string_view name, const base::Value& map, int filename_case);

} // namespace haven::content
