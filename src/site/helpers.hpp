// Hexo's theme helpers (url_for, date, paginator, __, is_home, …) as template globals.
#pragma once

#include "base/value.hpp"
#include "site/model.hpp"
#include "tmpl/engine.hpp"

namespace haven::site {

// Registers every helper on `engine`, bound to `site` (which must outlive the engine) and to the
// theme's UI strings of the configured language (`ui_strings`, for __ and _p).
void register_theme_helpers(tmpl::Engine& engine, const SiteModel& site, const base::Value& ui_strings);

} // namespace haven::site
