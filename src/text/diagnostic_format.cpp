#include "text/diagnostic_format.hpp"

#include <algorithm>

#include "text/utf8.hpp"

namespace haven::text {

namespace {

constexpr size_t k_tab_width = 4;  // tabs in excerpts are expanded so carets stay aligned

constexpr size_t k_gutter_width = 4;  // fits line numbers up to 9999 without shifting

constexpr const char* k_reset = "\x1b[0m";
constexpr const char* k_bold = "\x1b[1m";
constexpr const char* k_blue = "\x1b[1;34m";

const char* severity_word(base::Severity s) {
  switch (s) {
    case base::Severity::Error: return "error";
    case base::Severity::Warning: return "warning";
    case base::Severity::Note: return "note";
  }
  return "error";
}

const char* severity_color(base::Severity s) {
  switch (s) {
    case base::Severity::Error: return "\x1b[1;31m";
    case base::Severity::Warning: return "\x1b[1;35m";
    case base::Severity::Note: return "\x1b[1;36m";
  }
  return "";
}

// Columns a code point takes at output column `col` (tabs advance to the next stop).
size_t advance(char32_t c, size_t col) {
  if (c == U'\t') return k_tab_width - col % k_tab_width;
  return display_width(c);
}

void format_one(std::string& out, const base::Diagnostic& d, bool color) {
  const base::Location& w = d.where;
  if (color) out += k_bold;
  if (!w.path.empty()) {
    out += w.path;
    if (w.line > 0) {
      out += ':' + std::to_string(w.line);
      if (w.column > 0) out += ':' + std::to_string(w.column);
    }
    out += ": ";
  }
  if (color) out += severity_color(d.severity);
  out += severity_word(d.severity);
  out += ':';
  if (color) {
    out += k_reset;
    out += k_bold;
  }
  out += ' ';
  out += d.message;
  if (color) out += k_reset;
  out += '\n';
  if (w.line == 0) return;

  // Expand the line, measuring the columns before the caret and under it.
  std::string line_no = std::to_string(w.line);
  std::string expanded;
  size_t col = 0, caret_start = 0, caret_width = 0;
  uint32_t cp_index = 1;  // 1-based code point index, like Location::column
  uint32_t first = std::max<uint32_t>(w.column, 1);
  uint32_t last = first + std::max<uint32_t>(w.length, 1);  // exclusive
  size_t pos = 0;
  std::string_view text = w.line_text;
  while (pos < text.size()) {
    char32_t c = decode_utf8(text, pos);
    size_t n = advance(c, col);
    if (cp_index == first) caret_start = col;
    if (cp_index >= first && cp_index < last) caret_width += n;
    if (c == U'\t') expanded.append(n, ' ');
    else append_utf8(expanded, c);
    col += n;
    ++cp_index;
  }
  if (first >= cp_index) caret_start = col;  // column just past the end (e.g. a missing token)
  caret_width = std::max<size_t>(caret_width, 1);

  // The gutter is right-aligned in k_gutter_width columns, wider only for huge line numbers.
  size_t gutter_width = std::max(k_gutter_width, line_no.size());
  std::string gutter(gutter_width, ' ');
  if (color) out += k_blue;
  out += std::string(gutter_width - line_no.size(), ' ') + line_no + " |";
  if (color) out += k_reset;
  out += ' ';
  out += expanded;
  out += '\n';
  if (color) out += k_blue;
  out += gutter + " |";
  if (color) out += k_reset;
  out += ' ';
  out.append(caret_start, ' ');
  if (color) out += severity_color(d.severity);
  out.append(caret_width, '^');
  if (color) out += k_reset;
  out += '\n';
}

void format_tree(std::string& out, const base::Diagnostic& d, bool color) {
  format_one(out, d, color);
  for (const base::Diagnostic& note : d.notes) {
    base::Diagnostic n = note;
    n.severity = base::Severity::Note;
    format_tree(out, n, color);
  }
}

} // namespace

std::string format_diagnostic(const base::Diagnostic& d, bool color) {
  std::string out;
  format_tree(out, d, color);
  return out;
}

} // namespace haven::text
