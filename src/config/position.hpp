// Module-internal: maps positions in an embedded text (front matter inside a post) back to file
// coordinates for diagnostics. Shared by the YAML and JSON parsers.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/diagnostic.hpp"

namespace haven::config::detail {

// The location of (0-based `line0`, 0-based code-point `col0`) of `text` in the file: `line_offset` lines
// are added and the line text is taken from `file_text` (or `text` when empty). Lines whose leading tabs
// were widened to two spaces each (Hexo's front-matter escape) get their column mapped back.
base::Location file_location(std::string_view path, std::string_view text, std::string_view file_text,
                             uint32_t line_offset, int line0, int col0);

// Line and code-point column (both 0-based) of byte `pos` of `text`.
void line_col_of(std::string_view text, size_t pos, int& line0, int& col0);

} // namespace haven::config::detail
