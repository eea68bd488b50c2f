#include "base/diagnostic.hpp"

#include <algorithm>

namespace haven::base {

namespace {
uint32_t count_code_points(std::string_view s) {
  uint32_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}
} // namespace

Location locate(std::string_view path, std::string_view source, size_t offset,
                size_t byte_length, uint32_t line_base) {
  offset = std::min(offset, source.size());
  Location loc;
  loc.path = std::string(path);
  size_t line_start = 0;
  uint32_t line = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (source[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  size_t line_end = source.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = source.size();
  std::string_view text = source.substr(line_start, line_end - line_start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  loc.line = line + line_base;
  loc.column = count_code_points(source.substr(line_start, offset - line_start)) + 1;
  loc.line_text = std::string(text);
  size_t end = std::min(offset + std::max<size_t>(byte_length, 1), line_start + text.size());
  loc.length = std::max<uint32_t>(1, end > offset ? count_code_points(source.substr(offset, end - offset)) : 1);
  return loc;
}

Diagnostic error_at(std::string_view path, std::string_view source, size_t offset,
                    std::string message, size_t byte_length) {
  Diagnostic d;
  d.message = std::move(message);
  d.where = locate(path, source, offset, byte_length);
  return d;
}

Diagnostic error(std::string message, std::string path) {
  Diagnostic d;
  d.message = std::move(message);
  d.where.path = std::move(path);
  return d;
}

} // namespace haven::base
