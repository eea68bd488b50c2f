// Front matter as hexo-front-matter 4.2 splits and parses it (spec §2), and Hexo's date resolution
// for the values it yields (spec §3.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostic.hpp"
#include "base/value.hpp"

namespace haven::content {

// Strips a UTF-8 BOM and converts every CRLF (and lone CR) to LF, as Hexo does before anything else.
std::string normalize_source(std::string_view raw);
// The same in place (no copy when the text needs no change, as most do).
void normalize_source_in_place(std::string& text);

enum class FrontMatterFormat { None, Yaml, Json };

struct FrontMatter {
  base::Value data;            // an Object (empty when there is no front matter)
  FrontMatterFormat format = FrontMatterFormat::None;
  size_t body_offset = 0;      // byte offset of the body in the normalised text
  uint32_t body_line = 1;      // 1-based line where the body starts
};

// Splits and parses front matter exactly as hexo-front-matter (spec §2): classic `---`/`;;;` fences (closing
// fence matched as a prefix), the "no leading separator" form, leading tabs → two spaces each before YAML
// parsing, JSON members without braces for `;;;`. YAML syntax errors are errors (with file line/col);
// invalid JSON or a non-mapping YAML document → no front matter (body = whole text).
base::Result<FrontMatter> parse_front_matter(std::string_view normalized_text, std::string_view path);

// hexo-front-matter's fix-up of top-level YAML timestamps: the instant's UTC wall clock re-read as
// `process_zone` local time (JavaScript: t + getTimezoneOffset(t) minutes). Hexo applies it to every
// top-level Date of the front matter, not only `date`/`updated`.
double yaml_date_as_local(double utc_ms, std::string_view process_zone);

// Hexo's front-matter date resolution (spec §3.2): `raw` is the front-matter value (Date from an unquoted YAML
// timestamp, string, or number of epoch ms). Dates from YAML timestamps have their UTC wall clock re-read as
// `process_zone` local time; strings go through parse_js_date(process_zone); numbers are epoch ms. Then, when
// `site_timezone` is non-empty, the instant is shifted so its process-zone wall clock is reinterpreted as a
// site_timezone wall clock. Returns nullopt when missing/unparseable (caller falls back to file times).
std::optional<double> resolve_hexo_date(const base::Value& raw, std::string_view process_zone,
                                        std::string_view site_timezone);

} // namespace haven::content
