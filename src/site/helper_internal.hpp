// Shared pieces of the theme helpers (helpers.cpp, helper_*.cpp): option objects, argument
// access and the registration entry points of each helper group. Internal to the site module.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/value.hpp"
#include "site/model.hpp"
#include "tmpl/engine.hpp"

namespace haven::site::helper {

using Args = std::span<const base::Value>;

// A helper's options: Hexo helpers take one options object (`toc(str, {max_depth: 3})`); in
// Nunjucks keyword arguments (`toc(str, max_depth=3)`) are accepted too and win over the object.
class Options {
public:
  Options() = default;
  // Options from positional argument `index` (when it is an object) plus `kwargs`.
  Options(Args args, size_t index, const tmpl::KwArgs& kwargs);
  // Whether the key was given (even as false or null).
  bool has(std::string_view key) const;
  base::Value get(std::string_view key) const;
  // The value as a string; `fallback` when absent, null or "" (Hexo's `options.x || default`).
  std::string str(std::string_view key, std::string_view fallback = "") const;
  // The value as a number; `fallback` when absent, not numeric or 0 (`options.x || default`).
  double num(std::string_view key, double fallback) const;
  // Truthiness when given, else `fallback` (Hexo's hasOwnProperty(options, key) ? … : default).
  bool flag(std::string_view key, bool fallback) const;

private:
  base::Object m_values;
};

// Positional argument `i` as a string ("" when absent or nullish).
std::string arg_string(Args args, size_t i);
// Argument `i` as text, without a copy when it is a string (`held` keeps a converted value);
// `fallback` when it is missing, undefined or null.
std::string_view arg_view(Args args, size_t i, std::string_view fallback, std::string& held);

// Milliseconds since the epoch of a date-like value (Date, number, parseable string); the build
// time for nullish; NaN for anything else.
double to_ms(const base::Value& v, const SiteModel& site);

// The time zone dates are shown in: config `timezone`, else the process zone.
std::string display_zone(const SiteModel& site);

// The moment locale of the page being rendered: page.lang, page.language, config language.
std::string page_language(tmpl::CallContext& ctx, const SiteModel& site);
// The same, with the config's language given (site_language).
std::string page_language(tmpl::CallContext& ctx, std::string_view site_default);
// The first config `language`, or "en".
std::string site_language(const SiteModel& site);

// Hexo's url_for in the current render (honours `relative` and config relative_link).
std::string url_for(tmpl::CallContext& ctx, const SiteModel& site, std::string_view path, const Options& options = {});

// hexo-util relative_url(from, to): the relative URL leading from route `from` to route `to`.
std::string relative_url(std::string_view from, std::string_view to);

// The text of an HTML-ish argument: a string as is, or an object's `content` (post objects).
std::string content_of(const base::Value& v);

// Registers list_categories, list_tags, list_archives, list_posts, tagcloud, paginator and toc.
void register_list_helpers(tmpl::Engine& engine, const SiteModel& site);
// Registers open_graph, feed_tag, meta_generator, word counts and reading times.
void register_meta_helpers(tmpl::Engine& engine, const SiteModel& site);

// Helper output is trusted HTML: a safe string Value.
inline base::Value html(std::string s) { return base::Value::safe(std::move(s)); }

} // namespace haven::site::helper
