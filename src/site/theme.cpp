#include "site/theme.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "base/fs.hpp"
#include "config/yaml.hpp"
#include "site/embedded.hpp"
#include "site/helpers.hpp"
#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/url.hpp"

namespace haven::site {

namespace fs = std::filesystem;
using base::Value;

namespace {

constexpr std::string_view k_default_theme = "haven";

struct ThemeFile {
  std::string rel;              // relative to the theme root ("layout/post.njk")
  std::string data;
  std::string display_path;     // for diagnostics
  fs::path disk_path;           // empty for embedded files
};

// The theme's files: the embedded defaults, each replaced or joined by the site's
// themes/<name>/ files of the same relative path.
std::vector<ThemeFile> collect_theme_files(const fs::path& site_dir, const std::string& name) {
  std::map<std::string, ThemeFile> files;
  for (const auto& f : k_embedded_files) {
    files[std::string(f.path)] = {std::string(f.path), std::string(f.data), "<haven>/theme/" + std::string(f.path), {}};
  }
  fs::path dir = site_dir / "themes" / name;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string rel = it->path().lexically_relative(dir).generic_string();
      ThemeFile f{rel, {}, "themes/" + name + "/" + rel, it->path()};
      files[rel] = std::move(f);
    }
  }
  std::vector<ThemeFile> out;
  for (auto& [rel, f] : files) out.push_back(std::move(f));
  return out;
}

} // namespace

std::string Theme::resolve_layout(const std::vector<std::string>& candidates) const {
  for (const auto& c : candidates) {
    if (engine->has_template(c + ".njk")) return c + ".njk";
  }
  return {};
}

std::vector<std::string> embedded_theme_files() {
  std::vector<std::string> out;
  for (const auto& f : k_embedded_files) out.emplace_back(f.path);
  return out;
}

std::expected<Theme, std::vector<base::Diagnostic>> load_theme(const fs::path& site_dir, const SiteModel& site) {
  Theme theme;
  theme.name = site.config.str("theme", std::string(k_default_theme));
  // Hexo sites name a theme they no longer have (landscape): without its folder, use ours.
  std::error_code ec;
  if (!fs::is_directory(site_dir / "themes" / theme.name, ec)) {
    // landscape is Hexo's default (an EJS theme): Haven's own theme stands in for it quietly
    if (theme.name != k_default_theme && theme.name != "landscape") theme.missing = theme.name;
    theme.name = std::string(k_default_theme);
  }

  std::vector<base::Diagnostic> errors;
  auto files = collect_theme_files(site_dir, theme.name);
  for (auto& f : files) {
    if (!f.disk_path.empty()) {
      auto data = base::read_file(f.disk_path);
      if (!data) {
        errors.push_back(data.error());
        continue;
      }
      f.data = std::move(*data);
    }
  }

  // Theme config: theme _config.yml, then the site's _config.<name>.yml, then theme_config:.
  Value theme_config = Value(base::Object{});
  for (const auto& f : files) {
    if (f.rel != "_config.yml") continue;
    auto parsed = config::parse_yaml({f.data, f.display_path, {}, 0});
    if (!parsed) errors.push_back(parsed.error());
    else if (parsed->is_object()) theme_config = *parsed;
  }
  fs::path site_theme_config = site_dir / ("_config." + theme.name + ".yml");
  if (fs::exists(site_theme_config, ec)) {
    auto data = base::read_file(site_theme_config);
    if (data) {
      auto parsed = config::parse_yaml({*data, "_config." + theme.name + ".yml", {}, 0});
      if (!parsed) errors.push_back(parsed.error());
      else theme_config = config::deep_merge(theme_config, *parsed);
    }
  }
  if (auto tc = site.config.get("theme_config"); tc.is_object()) theme_config = config::deep_merge(theme_config, tc);
  theme.config = theme_config;

  // UI strings: languages/<language>.yml, falling back to en (then default.yml, as Hexo themes ship).
  std::string language = site.config.str("language", "en");
  for (const std::string& candidate : {std::string("default"), std::string("en"), language}) {
    for (const auto& f : files) {
      if (f.rel != "languages/" + candidate + ".yml") continue;
      auto parsed = config::parse_yaml({f.data, f.display_path, {}, 0});
      if (!parsed) errors.push_back(parsed.error());
      else if (parsed->is_object()) theme.strings = theme.strings.is_object() ? config::deep_merge(theme.strings, *parsed) : *parsed;
    }
  }

  tmpl::EngineOptions options;
  theme.engine = std::make_unique<tmpl::Engine>(options);
  for (const auto& f : files) {
    if (f.rel.starts_with("layout/")) {
      theme.engine->add_template(f.rel.substr(7), f.data, f.display_path);
    } else if (f.rel.starts_with("source/")) {
      std::string out = f.rel.substr(7);
      if (out.empty() || out.front() == '_' || out.front() == '.') continue;
      ThemeAsset asset{out, {}, f.disk_path};
      if (f.disk_path.empty()) asset.bytes = f.data;
      theme.assets.push_back(std::move(asset));
    }
  }
  register_theme_helpers(*theme.engine, site, theme.strings);
  for (auto& d : theme.engine->finalize()) errors.push_back(std::move(d));
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return theme;
}

} // namespace haven::site
