// Math in Markdown source (internal to the markdown module): formulas are cut out before cmark
// parses, so `_` and `*` inside them never become emphasis, and put back as KaTeX-ready markup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace haven::markdown::detail {

struct Formula {
  std::string tex;    // between the delimiters, as written
  bool display;       // $$…$$ or \[…\]
};

// Replaces each formula outside code (fenced blocks and code spans) with a placeholder made of
// private-use characters and appends it to `formulas`. Delimiters: `$$…$$` and `\[…\]` (display),
// `\(…\)` and `$…$` (inline). An inline `$` opens only before a non-space and closes only after a
// non-space when no digit follows, so "Cost $5 and $3" stays text; `\$` is a literal dollar.
// A formula never spans a blank line. Returns the source unchanged when it already contains the
// placeholder characters.
std::string extract_math(std::string_view markdown, std::vector<Formula>& formulas);

// Puts the formulas back into rendered HTML: a display placeholder alone in a paragraph becomes
// <div class="math display">\[…\]</div>, others <span class="math inline|display">\(…\)</span>
// with the TeX HTML-escaped (KaTeX reads textContent).
std::string restore_math(std::string_view html, const std::vector<Formula>& formulas);

// `s` with each placeholder replaced by its formula's TeX as written, HTML-escaped when `escape`
// (for heading ids and titles, where markup cannot go).
std::string math_as_text(std::string_view s, const std::vector<Formula>& formulas, bool escape = false);

} // namespace haven::markdown::detail
