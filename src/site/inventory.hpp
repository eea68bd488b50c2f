// A read-only view of a site's documents: the first phases of `build_site` (config → discover →
// load → abbrlinks → routes) without rendering or writing anything. For the authoring commands
// (`haven list`, `new`, `check`, `abbrlink`).
#pragma once

#include <cmath>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "config/config.hpp"
#include "content/document.hpp"
#include "content/sources.hpp"

namespace haven::site {

struct InventoryOptions {
  std::filesystem::path site_dir = ".";
  std::vector<std::string> config_files;  // empty = _config.yml
  bool drafts = false;         // also load _drafts/ (they never take part in abbrlink assignment)
  std::string process_zone;    // empty = the machine's zone, as build_site
  double now_ms = NAN;         // NaN = the clock
};

struct Inventory {
  config::SiteConfig config;
  std::string process_zone;
  std::string site_timezone;               // config `timezone`
  double now_ms = 0;
  std::filesystem::path source_dir;
  std::vector<content::SourceFile> sources;  // every classified source file, sorted by path
  // Posts, pages and (when asked) drafts, in source order, with abbrlink and path assigned as a
  // build without --drafts assigns them. Documents that failed to load are left out.
  std::vector<content::Document> docs;
  // Per document: whether its `abbrlink` was written in the file (not computed).
  std::vector<bool> abbrlink_stored;
  // Load and route errors of single documents (the rest of the inventory is still usable).
  std::vector<base::Diagnostic> errors;

  content::LoadOptions load_options() const { return {process_zone, site_timezone, now_ms}; }
};

// Loads the site's documents like build_site's first four phases. Fails only when the config
// cannot be read or its `timezone` is unknown; a document that cannot be loaded or routed is
// reported in `errors` and skipped.
std::expected<Inventory, std::vector<base::Diagnostic>> load_inventory(const InventoryOptions& options);

} // namespace haven::site
