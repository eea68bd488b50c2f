#include "config/position.hpp"

#include <algorithm>
#include <string>

namespace haven::config::detail {

namespace {

uint32_t count_code_points(std::string_view s) {
  uint32_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string_view nth_line(std::string_view text, uint32_t line0) {
  size_t start = 0;
  for (uint32_t l = 0; l < line0; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view line = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

} // namespace

base::Location file_location(std::string_view path, std::string_view text, std::string_view file_text,
                             uint32_t line_offset, int line0, int col0) {
  base::Location loc;
  loc.path = std::string(path);
  line0 = std::max(line0, 0);
  col0 = std::max(col0, 0);
  bool embedded = !file_text.empty();
  uint32_t file_line0 = static_cast<uint32_t>(line0) + line_offset;
  std::string_view file_line = embedded ? nth_line(file_text, file_line0) : nth_line(text, static_cast<uint32_t>(line0));
  std::string_view text_line = nth_line(text, static_cast<uint32_t>(line0));
  auto col = static_cast<uint32_t>(col0);
  size_t tabs = 0;
  while (tabs < file_line.size() && file_line[tabs] == '\t') ++tabs;
  if (tabs > 0 && text_line.size() == file_line.size() + tabs) {
    col = col >= 2 * tabs ? col - static_cast<uint32_t>(tabs) : col / 2;
  }
  loc.line = file_line0 + 1;
  loc.column = std::min<uint32_t>(col, count_code_points(file_line)) + 1;
  loc.line_text = std::string(file_line);
  loc.length = 1;
  return loc;
}

void line_col_of(std::string_view text, size_t pos, int& line0, int& col0) {
  pos = std::min(pos, text.size());
  size_t line_start = 0;
  line0 = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line0;
      line_start = i + 1;
    }
  }
  col0 = static_cast<int>(count_code_points(text.substr(line_start, pos - line_start)));
}

} // namespace haven::config::detail
