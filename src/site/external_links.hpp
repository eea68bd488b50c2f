// Hexo's site-level external_link filter (spec §9.6), applied to every rendered page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace haven::site {

// Gives each `<a …>` tag whose first `href="…"` is absolute (http://, https:// or //) and points
// to a host other than `own_host` and not in `exclude` target="_blank" rel="noopener" (or adds
// noopener to its rel), unless it already has a target. A tag is an `<a ` up to the next `>`.
// Cost follows the absolute links, not the anchors: pages with hundreds of relative links and
// one canonical `<link href="https://…">` are scanned twice for the two needles, nothing more.
void mark_external_links(std::string& html, std::string_view own_host, const std::vector<std::string>& exclude);

// The host of an absolute or protocol-relative URL ("" when it has none).
std::string url_host(std::string_view url);

} // namespace haven::site
