// Strict JSON (RFC 8259) → base::Value, for `;;;` front matter, `_data/*.json` and package files.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/diagnostic.hpp"
#include "base/value.hpp"

namespace haven::config {

// Parses `text` as one JSON value: numbers become doubles, object keys keep their order (a repeated key
// keeps its first position and takes the last value, as JSON.parse). Errors carry path, line and
// column (code points) in file coordinates: `line_offset` lines precede `text` in `file_text` (empty = text).
base::Result<base::Value> parse_json(std::string_view text, std::string_view path, std::string_view file_text = {},
                                     uint32_t line_offset = 0);

} // namespace haven::config
