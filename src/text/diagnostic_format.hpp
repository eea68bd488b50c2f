// Renders a base::Diagnostic for the terminal: a compiler-style header line, an excerpt of the
// source line with a caret underline aligned by display width, then the notes.
#pragma once

#include <string>

#include "base/diagnostic.hpp"

namespace haven::text {

// "path:LINE:COL: error: message", then (when where.line > 0) the line with a gutter and a caret
// row aligned by display width (CJK = 2 columns, tabs expanded to 4), then each note formatted
// the same way with "note:". `color` adds ANSI colours. The result ends with a newline.
std::string format_diagnostic(const base::Diagnostic& d, bool color = false);

} // namespace haven::text
