// Hexo's site-level external_link filter (spec §9.6), applied to every rendered page.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/spliced_text.hpp"

namespace haven::site {

// Gives each `<a …>` tag whose first `href="…"` is absolute (http://, https:// or //) and points
// to a host other than `own_host` and not in `exclude` target="_blank" rel="noopener" (or adds
// noopener to its rel), unless it already has a target. A tag is an `<a ` up to the next `>`.
// Cost follows the absolute links, not the anchors: pages with hundreds of relative links and
// one canonical `<link href="https://…">` are scanned twice for the two needles, nothing more.
void mark_external_links(std::string& html, std::string_view own_host, const std::vector<std::string>& exclude);

// The same filter over a page with shared strings spliced in: piece by piece when no tag spans
// two pieces (each piece but the last ends outside a tag), which gives the same bytes as the
// whole page filtered at once; else on the page flattened. A spliced string the same as one of
// the last few this thread filtered (a cached sidebar, on every page) is not scanned again.
// `config_key` identifies `own_host` and `exclude` (a spliced string's result is kept per key).
void mark_external_links(base::SplicedText& page, std::string_view own_host, const std::vector<std::string>& exclude,
                         uint64_t config_key);

// The host of an absolute or protocol-relative URL ("" when it has none).
std::string url_host(std::string_view url);

} // namespace haven::site
