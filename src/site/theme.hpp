// Themes: the embedded default theme, overridable file by file by a site's `themes/<name>/`,
// loaded into one template engine with Hexo's helpers (spec §15, issue 3's theme API).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/value.hpp"
#include "config/config.hpp"
#include "site/model.hpp"
#include "tmpl/engine.hpp"

namespace haven::site {

struct ThemeAsset {
  std::string path;                  // output path ("css/haven.css")
  std::string bytes;                 // embedded content, or empty when copied
  std::filesystem::path copy_from;   // site theme file
};

struct Theme {
  std::string name;
  std::string missing;               // the configured theme when it has no folder (name is then ours)
  std::unique_ptr<tmpl::Engine> engine;
  base::Value config;                // theme config (theme `_config.yml` + `_config.<name>.yml`)
  base::Value strings;               // UI strings of `language` (languages/*.yml), for __()
  std::vector<ThemeAsset> assets;    // the theme's source/ folder

  // The first of `candidates` ("post", "page", "index") the theme has a layout for; "" if none.
  std::string resolve_layout(const std::vector<std::string>& candidates) const;
};

// Loads the theme named by config `theme` (the embedded default when the site has no folder for
// it), registers the helpers bound to `site`, and finalizes the engine. All template errors are
// returned at once. `site` must outlive the theme.
std::expected<Theme, std::vector<base::Diagnostic>> load_theme(const std::filesystem::path& site_dir,
                                                               const SiteModel& site);

// Names of the embedded default theme's files ("layout/post.njk", "source/css/haven.css", …).
std::vector<std::string> embedded_theme_files();

} // namespace haven::site
