#include "config/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <system_error>

#include "base/fs.hpp"
#include "config/json.hpp"
#include "config/yaml.hpp"

namespace haven::config {

using base::Value;

namespace {

// hexo/dist/hexo/default_config.js (Hexo 8.1): deep-merged with the user's config.
constexpr std::string_view k_engine_defaults_yaml = R"YAML(
title: Hexo
subtitle: ''
description: ''
author: John Doe
language: en
timezone: ''
url: http://example.com
root: /
permalink: :year/:month/:day/:title/
permalink_defaults: {}
pretty_urls:
  trailing_index: true
  trailing_html: true
source_dir: source
public_dir: public
tag_dir: tags
archive_dir: archives
category_dir: categories
code_dir: downloads/code
i18n_dir: :lang
skip_render: []
new_post_name: :title.md
default_layout: post
titlecase: false
external_link:
  enable: true
  field: site
  exclude: ''
filename_case: 0
render_drafts: false
post_asset_folder: false
relative_link: false
future: true
syntax_highlighter: highlight.js
highlight:
  auto_detect: false
  line_number: true
  tab_replace: ''
  wrap: true
  exclude_languages: []
  language_attr: false
  hljs: false
  line_threshold: 0
  first_line_number: always1
  strip_indent: true
prismjs:
  preprocess: true
  line_number: true
  tab_replace: ''
  exclude_languages: []
  strip_indent: true
use_slug_as_post_title: false
default_category: uncategorized
category_map: {}
tag_map: {}
date_format: YYYY-MM-DD
time_format: HH:mm:ss
updated_option: mtime
per_page: 10
pagination_dir: page
theme: landscape
server:
  cache: false
deploy: {}
ignore: []
meta_generator: true
)YAML";

// Plugin defaults. Each plugin applies them with Object.assign(defaults, config.<key>), a shallow
// merge: a user's `sitemap.path: [a.xml]` replaces the default list instead of merging by index.
constexpr std::string_view k_plugin_defaults_yaml = R"YAML(
index_generator:
  path: ''
  per_page: 10
  order_by: -date
archive_generator:
  per_page: 10
  yearly: true
  monthly: true
  daily: false
  order_by: -date
tag_generator:
  per_page: 10
  order_by: -date
  enable_index_page: false
category_generator:
  per_page: 10
  order_by: -date
  enable_index_page: false
marked:
  gfm: true
  pedantic: false
  breaks: true
  smartLists: true
  smartypants: true
  modifyAnchors: 0
  autolink: true
  mangle: true
  sanitizeUrl: false
  dompurify: false
  headerIds: true
  anchorAlias: false
  lazyload: false
  prependRoot: true
  postAsset: false
  external_link:
    enable: false
    exclude: []
    nofollow: false
  descriptionLists: true
feed:
  enable: true
  type: atom
  limit: 20
  hub: ''
  content: true
  content_limit: 140
  content_limit_delim: ''
  order_by: -date
  autodiscovery: true
  template: ''
sitemap:
  path:
    - sitemap.xml
    - sitemap.txt
  tags: true
  categories: true
  rel: false
search:
  path: search.json
  field: post
  content: true
  format: striptags
abbrlink:
  alg: crc16
  rep: dec
  drafts: false
  force: false
symbols_count_time:
  symbols: true
  time: true
  total_symbols: true
  total_time: true
  exclude_codeblock: false
  awl: 4
  wpm: 275
  suffix: mins.
)YAML";

const char* const k_generators[] = {"index_generator", "archive_generator", "tag_generator", "category_generator"};

// Returns `obj` with `key` set to `value` (objects are immutable once shared, so this copies one level).
Value with_key(const Value& obj, const std::string& key, Value value) {
  base::Object copy = obj.as_object();
  copy.set(key, std::move(value));
  return Value(std::move(copy));
}

// The path of `url` ("https://x.com/blog" → "/blog/"), as Hexo derives `root` when it is not set.
std::string root_from_url(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "/";
  std::string_view path = rest.substr(slash);
  size_t cut = path.find_first_of("?#");
  if (cut != std::string_view::npos) path = path.substr(0, cut);
  std::string out(path);
  if (out.empty() || out.back() != '/') out += '/';
  return out;
}

base::Result<Value> load_file(const std::filesystem::path& path) {
  auto text = base::read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_data_file(*text, path);
}

} // namespace

base::Result<Value> parse_data_file(std::string_view text, const std::filesystem::path& path) {
  std::string p = path.string();
  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  if (path.extension() == ".json") {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Value();
    return parse_json(body, p);
  }
  YamlSource src;
  src.text = body;
  src.path = p;
  return parse_yaml(src);
}

namespace {

Value parse_builtin(std::string_view yaml, std::string_view name) {
  YamlSource src;
  src.text = yaml;
  src.path = name;
  auto parsed = parse_yaml(src);
  return parsed && parsed->is_object() ? *parsed : Value(base::Object());
}

const Value& engine_defaults() {
  static const Value k_value = parse_builtin(k_engine_defaults_yaml, "<hexo defaults>");
  return k_value;
}

const Value& plugin_defaults() {
  static const Value k_value = parse_builtin(k_plugin_defaults_yaml, "<plugin defaults>");
  return k_value;
}

} // namespace

Value hexo_defaults() {
  static const Value k_value = [] {
    base::Object all = engine_defaults().as_object();
    for (const auto& [key, value] : plugin_defaults().as_object()) all.set(key, value);
    return Value(std::move(all));
  }();
  return k_value;
}

namespace {

bool is_container(const Value& v) { return v.is_array() || v.is_object(); }

// hexo-util 4's element rule for two arrays merged by index.
Value merge_array_element(const Value& t, const Value& s) {
  if (t.is_array() && s.is_array()) {
    base::Array out = t.as_array(); // union: target items, then new source items
    for (const Value& v : s.as_array()) {
      bool present = false;
      for (const Value& u : out) present = present || u == v;
      if (!present) out.push_back(v);
    }
    return Value(std::move(out));
  }
  if (s.is_array()) return s;
  if (t.is_array()) return t; // a target array survives a non-array source at the same index
  if (t.is_object() && s.is_object()) return deep_merge(t, s);
  if (t.is_date() && s.is_date()) return Value::date(std::max(t.as_date_ms(), s.as_date_ms()));
  return s.is_undefined() ? t : s;
}

} // namespace

Value deep_merge(const Value& base, const Value& over) {
  if (!is_container(over) || !is_container(base)) return over;
  if (base.is_array() && over.is_array()) {
    const base::Array& t = base.as_array();
    const base::Array& s = over.as_array();
    base::Array out;
    out.reserve(std::max(t.size(), s.size()));
    for (size_t i = 0; i < std::max(t.size(), s.size()); ++i) {
      if (i < t.size() && i < s.size()) out.push_back(merge_array_element(t[i], s[i]));
      else out.push_back(i < s.size() ? s[i] : t[i]);
    }
    return Value(std::move(out));
  }
  if (!base.is_object() || !over.is_object()) return over;
  base::Object out = base.as_object();
  for (const auto& [key, value] : over.as_object()) {
    const Value* existing = out.find(key);
    if (!existing) {
      out.set(key, value);
    } else if (existing->is_date() && value.is_date()) {
      out.set(key, Value::date(std::max(existing->as_date_ms(), value.as_date_ms()))); // hexo-util keeps the later
    } else {
      out.set(key, deep_merge(*existing, value));
    }
  }
  return Value(std::move(out));
}

Value SiteConfig::get(std::string_view dotted) const {
  Value cur = data;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string_view part = dotted.substr(start, dot == std::string_view::npos ? dotted.size() - start : dot - start);
    if (!cur.is_object()) return {};
    cur = cur.get(part);
    if (dot == std::string_view::npos) return cur;
    start = dot + 1;
  }
}

std::string SiteConfig::str(std::string_view dotted, std::string_view fallback) const {
  Value v = get(dotted);
  if (v.is_nullish()) return std::string(fallback);
  return v.to_string();
}

double SiteConfig::num(std::string_view dotted, double fallback) const {
  Value v = get(dotted);
  if (v.is_number()) return v.as_number();
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  if (v.is_string()) {
    const std::string s(v.as_string());  // strtod wants a terminated string
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return fallback;
    const char* begin = s.c_str() + b;
    char* end = nullptr;
    double d = std::strtod(begin, &end);
    while (end && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) ++end;
    if (end == begin || (end && *end != '\0') || std::isnan(d)) return fallback;
    return d;
  }
  return fallback;
}

bool SiteConfig::flag(std::string_view dotted, bool fallback) const {
  Value v = get(dotted);
  if (v.is_undefined()) return fallback;
  return v.truthy();
}

std::vector<std::string> SiteConfig::list(std::string_view dotted) const {
  Value v = get(dotted);
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const Value& item : v.as_array()) {
      if (!item.is_nullish()) out.push_back(item.to_string());
    }
  } else if (!v.is_nullish()) {
    out.push_back(v.to_string());
  }
  return out;
}

base::Result<SiteConfig> load_site_config(const std::filesystem::path& site_dir,
                                          const std::vector<std::string>& config_files) {
  Value user{base::Object()};
  auto merge_file = [&](const std::filesystem::path& path) -> base::Result<void> {
    auto loaded = load_file(path);
    if (!loaded) return std::unexpected(loaded.error());
    if (loaded->is_object()) user = deep_merge(user, *loaded); // Hexo ignores non-object configs
    return {};
  };
  if (config_files.empty()) {
    std::error_code ec;
    for (const char* name : {"_config.yml", "_config.yaml", "_config.json"}) {
      auto path = site_dir / name;
      if (std::filesystem::is_regular_file(path, ec)) {
        if (auto r = merge_file(path); !r) return std::unexpected(r.error());
        break;
      }
    }
  } else {
    for (const std::string& name : config_files) {
      std::filesystem::path path(name);
      if (path.is_relative()) path = site_dir / path;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        return std::unexpected(base::error("config file not found", path.string()));
      }
      if (auto r = merge_file(path); !r) return std::unexpected(r.error());
    }
  }

  Value merged = deep_merge(engine_defaults(), user);

  // Plugins: Object.assign(defaults, config.<key>); generators default `per_page` to the site's.
  Value per_page = merged.get("per_page");
  for (const auto& [key, defaults] : plugin_defaults().as_object()) {
    // search.xml/search.json (hexo-generator-searchdb) hold every post's full text: written only
    // for sites that ask for them with a `search:` section, as with the plugin installed.
    if (key == "search" && !merged.get("search").is_object()) continue;
    base::Object section = defaults.as_object();
    bool is_generator = false;
    for (const char* gen : k_generators) is_generator = is_generator || key == gen;
    if (is_generator) section.set("per_page", per_page);
    Value user_section = merged.get(key);
    if (user_section.is_object()) {
      for (const auto& [k, v] : user_section.as_object()) section.set(k, v);
    }
    merged = with_key(merged, key, Value(std::move(section)));
  }

  // load_config.js: a missing root is derived from the url's path; url loses trailing slashes and
  // root always ends with one.
  std::string url = merged.get("url").is_nullish() ? std::string() : merged.get("url").to_string();
  Value user_root = user.get("root");
  std::string root = user_root.truthy() ? user_root.to_string() : root_from_url(url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  while (!root.empty() && root.back() == '/') root.pop_back();
  root += '/';
  if (root.front() != '/') root.insert(0, 1, '/');
  merged = with_key(merged, "url", Value(url));
  merged = with_key(merged, "root", Value(root));

  SiteConfig cfg;
  cfg.data = std::move(merged);
  return cfg;
}

base::Result<Value> load_theme_config(const std::filesystem::path& site_dir, const std::filesystem::path& theme_dir,
                                      std::string_view theme_name, const SiteConfig& site) {
  Value result{base::Object()};
  std::error_code ec;
  for (const char* name : {"_config.yml", "_config.yaml", "_config.json"}) {
    auto path = theme_dir / name;
    if (!theme_dir.empty() && std::filesystem::is_regular_file(path, ec)) {
      auto loaded = load_file(path);
      if (!loaded) return std::unexpected(loaded.error());
      if (loaded->is_object()) result = *loaded;
      break;
    }
  }
  Value overrides{base::Object()};
  if (!theme_name.empty()) {
    auto path = site_dir / ("_config." + std::string(theme_name) + ".yml");
    if (std::filesystem::is_regular_file(path, ec)) {
      auto loaded = load_file(path);
      if (!loaded) return std::unexpected(loaded.error());
      if (loaded->is_object()) overrides = *loaded;
    }
  }
  Value theme_config = site.get("theme_config");
  if (theme_config.is_object()) overrides = deep_merge(overrides, theme_config);
  return deep_merge(result, overrides);
}

} // namespace haven::config
