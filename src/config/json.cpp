#include "config/json.hpp"

#include <cstdlib>
#include <optional>
#include <string>

#include "config/position.hpp"

namespace haven::config {

using base::Value;

namespace {

// Nesting deeper than this is rejected: the parser recurses per level, and 512 levels keep the
// stack well under 1 MiB while no real data file comes close.
constexpr int k_max_depth = 512;

class JsonParser {
public:
  JsonParser(std::string_view text, std::string_view path, std::string_view file_text, uint32_t line_offset)
      : m_text(text), m_path(path), m_file_text(file_text), m_line_offset(line_offset) {}

  base::Result<Value> run() {
    skip_ws();
    Value v = value(0);
    if (m_error) return std::unexpected(std::move(*m_error));
    skip_ws();
    if (m_pos != m_text.size()) {
      fail("unexpected text after the JSON value");
      return std::unexpected(std::move(*m_error));
    }
    return v;
  }

private:
  std::string_view m_text;
  std::string_view m_path;
  std::string_view m_file_text;
  uint32_t m_line_offset;
  size_t m_pos = 0;
  std::optional<base::Diagnostic> m_error;

  void fail(std::string message) {
    if (m_error) return;
    base::Diagnostic d;
    d.message = std::move(message);
    int line0 = 0, col0 = 0;
    detail::line_col_of(m_text, m_pos, line0, col0);
    d.where = detail::file_location(m_path, m_text, m_file_text, m_line_offset, line0, col0);
    m_error = std::move(d);
  }

  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return at_end() ? '\0' : m_text[m_pos]; }

  void skip_ws() {
    while (!at_end()) {
      char c = m_text[m_pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++m_pos;
    }
  }

  bool literal(std::string_view word) {
    if (m_text.substr(m_pos, word.size()) == word) {
      m_pos += word.size();
      return true;
    }
    return false;
  }

  Value value(int depth) {
    if (depth > k_max_depth) {
      fail("JSON nesting is deeper than " + std::to_string(k_max_depth) + " levels");
      return {};
    }
    char c = peek();
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      std::string s;
      if (!string(s)) return {};
      return Value(std::move(s));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (literal("true")) return Value(true);
    if (literal("false")) return Value(false);
    if (literal("null")) return Value::null();
    fail(at_end() ? "unexpected end of JSON input" : "unexpected character in JSON");
    return {};
  }

  Value object(int depth) {
    ++m_pos; // {
    base::Object out;
    skip_ws();
    if (peek() == '}') {
      ++m_pos;
      return Value(std::move(out));
    }
    for (;;) {
      skip_ws();
      if (peek() != '"') {
        fail("expected a string key in JSON object");
        return {};
      }
      std::string key;
      if (!string(key)) return {};
      skip_ws();
      if (peek() != ':') {
        fail("expected ':' after JSON object key");
        return {};
      }
      ++m_pos;
      skip_ws();
      Value v = value(depth + 1);
      if (m_error) return {};
      out.set(std::move(key), std::move(v));
      skip_ws();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == '}') {
        ++m_pos;
        return Value(std::move(out));
      }
      fail("expected ',' or '}' in JSON object");
      return {};
    }
  }

  Value array(int depth) {
    ++m_pos; // [
    base::Array out;
    skip_ws();
    if (peek() == ']') {
      ++m_pos;
      return Value(std::move(out));
    }
    for (;;) {
      skip_ws();
      Value v = value(depth + 1);
      if (m_error) return {};
      out.push_back(std::move(v));
      skip_ws();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == ']') {
        ++m_pos;
        return Value(std::move(out));
      }
      fail("expected ',' or ']' in JSON array");
      return {};
    }
  }

  Value number() {
    size_t start = m_pos;
    if (peek() == '-') ++m_pos;
    if (peek() == '0') {
      ++m_pos;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++m_pos;
    } else {
      fail("invalid number in JSON");
      return {};
    }
    if (peek() == '.') {
      ++m_pos;
      if (!(peek() >= '0' && peek() <= '9')) {
        fail("invalid number in JSON");
        return {};
      }
      while (peek() >= '0' && peek() <= '9') ++m_pos;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++m_pos;
      if (peek() == '+' || peek() == '-') ++m_pos;
      if (!(peek() >= '0' && peek() <= '9')) {
        fail("invalid number in JSON");
        return {};
      }
      while (peek() >= '0' && peek() <= '9') ++m_pos;
    }
    std::string digits(m_text.substr(start, m_pos - start));
    return Value(std::strtod(digits.c_str(), nullptr));
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      uint32_t d;
      if (c >= '0' && c <= '9') d = static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<uint32_t>(c - 'A' + 10);
      else {
        fail("invalid \\u escape in JSON string");
        return false;
      }
      out = out * 16 + d;
      ++m_pos;
    }
    return true;
  }

  bool string(std::string& out) {
    ++m_pos; // opening quote
    for (;;) {
      if (at_end()) {
        fail("unterminated string in JSON");
        return false;
      }
      char c = m_text[m_pos];
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        fail("control character in JSON string");
        return false;
      }
      if (c != '\\') {
        out += c;
        ++m_pos;
        continue;
      }
      ++m_pos;
      char e = peek();
      ++m_pos;
      switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp = 0;
        if (!hex4(cp)) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF && m_text.substr(m_pos, 2) == "\\u") {
          size_t save = m_pos;
          m_pos += 2;
          uint32_t low = 0;
          if (!hex4(low)) return false;
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            m_pos = save; // a lone high surrogate; the next escape stands alone
          }
        }
        // Lone surrogates cannot be UTF-8; JSON.parse keeps them, we substitute U+FFFD.
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
        append_utf8(out, cp);
        break;
      }
      default:
        --m_pos;
        fail("invalid escape in JSON string");
        return false;
      }
    }
  }
};

} // namespace

base::Result<Value> parse_json(std::string_view text, std::string_view path, std::string_view file_text,
                               uint32_t line_offset) {
  return JsonParser(text, path, file_text, line_offset).run();
}

} // namespace haven::config
