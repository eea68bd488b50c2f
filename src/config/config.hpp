// Site and theme configuration, loaded and merged the way Hexo 8 does it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/value.hpp"

namespace haven::config {

// Hexo's engine defaults (spec §4, hexo default_config) plus the plugin defaults Haven implements
// (feed, sitemap, search, abbrlink, archive/tag/category generators, symbols_count_time, marked),
// as one object.
base::Value hexo_defaults();

// Hexo's deepMerge (hexo-util 4): objects merged key by key recursively; anything else in `over` replaces,
// except two arrays, which merge by index (`[a, b, c]` under `[x]` gives `[x, b, c]`; objects at the same
// index merge, nested arrays at the same index are unioned) and two Dates, where the later one wins.
base::Value deep_merge(const base::Value& base, const base::Value& over);

struct SiteConfig {
  base::Value data; // merged object
  // Dotted lookups ("index_generator.per_page"); Undefined when absent.
  base::Value get(std::string_view dotted) const;
  // The value as a string (numbers stringified as JavaScript does); `fallback` when absent or null.
  std::string str(std::string_view dotted, std::string_view fallback = "") const;
  // The value as a number (numeric strings parsed, booleans 0/1); `fallback` when absent or not numeric.
  double num(std::string_view dotted, double fallback = 0) const;
  // JavaScript truthiness of the value; `fallback` when absent.
  bool flag(std::string_view dotted, bool fallback = false) const;
  // string → [string]; list → its non-null items as strings; null/absent → [].
  std::vector<std::string> list(std::string_view dotted) const;
};

// Loads `_config.yml` (or `_config.yaml`) from site_dir, or, when `config_files` is non-empty, those files
// in order, each merged over the previous one (like `hexo --config a.yml,b.yml`; relative paths are
// relative to site_dir), all merged over hexo_defaults(). Unknown keys are kept (themes read them).
// Normalises like Hexo: `url` loses a trailing '/', `root` gets a trailing '/' (and a leading one).
// A missing _config.yml is not an error (defaults only); a missing explicitly named file is.
base::Result<SiteConfig> load_site_config(const std::filesystem::path& site_dir,
                                          const std::vector<std::string>& config_files = {});

// Theme config as Hexo 8 builds it: theme's own `_config.yml` (if any) with the site's
// `_config.<theme>.yml` (if any) merged over it, then the site config's `theme_config:` key merged over that.
base::Result<base::Value> load_theme_config(const std::filesystem::path& site_dir,
                                            const std::filesystem::path& theme_dir,
                                            std::string_view theme_name, const SiteConfig& site);

// Parses a whole config/data file by extension: `.json` as JSON, anything else as YAML. An empty
// file gives Undefined.
base::Result<base::Value> parse_data_file(std::string_view text, const std::filesystem::path& path);

} // namespace haven::config
