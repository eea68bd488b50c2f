#include "text/json_quote.hpp"

#include <fmt/format.h>

namespace haven::text {

std::string json_quote(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 2);
  append_json_quoted(o, s);
  return o;
}

void append_json_quoted(std::string& o, std::string_view s) {
  o += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"': o += "\\\""; break;
    case '\\': o += "\\\\"; break;
    case '\n': o += "\\n"; break;
    case '\r': o += "\\r"; break;
    case '\t': o += "\\t"; break;
    default:
      if (c < 0x20) o += fmt::format("\\u{:04x}", c);
      else o += static_cast<char>(c);
    }
  }
  o += '"';
}

} // namespace haven::text
