// JSON string literals, for the small JSON documents Haven writes by hand (search.json, the dev
// server's events and status).
#pragma once

#include <string>
#include <string_view>

namespace haven::text {

// `s` as a quoted JSON string: `"` `\` and control characters escaped (\n \r \t by name,
// others as \u00XX); UTF-8 passes through unchanged.
std::string json_quote(std::string_view s);
// The same, appended to `out` (for documents written piece by piece).
void append_json_quoted(std::string& out, std::string_view s);

} // namespace haven::text
