#include "text/titlecase.hpp"

#include <array>

#include "text/utf8.hpp"

namespace haven::text {
namespace {

// What the package matches words with: /[A-Za-z0-9\u00C0-\u00FF]+[^\s-]*/g.
bool starts_word(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c >= 0xC0 && c <= 0xFF);
}

bool is_small_word(std::string_view word) {
  static constexpr std::array<std::string_view, 23> k_small = {
      "a",  "an", "and", "as",  "at",  "but", "by", "en", "for", "if",  "in", "nor",
      "of", "on", "or",  "per", "the", "to",  "v",  "vs", "v.",  "vs.", "via"};
  if (word.empty() || word.size() > 4) return false;
  std::string lower(word);
  for (char& ch : lower) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  for (std::string_view small : k_small) {
    if (lower == small) return true;
  }
  return false;
}

// JavaScript's toUpperCase of a character that can start a word (ASCII or Latin-1).
void append_upper(std::string& out, char32_t c) {
  if (c >= 'a' && c <= 'z') {
    out += static_cast<char>(c - 'a' + 'A');
  } else if (c == 0xDF) {
    out += "SS";  // ß has no one-letter capital in toUpperCase
  } else if (c >= 0xE0 && c <= 0xFE && c != 0xF7) {
    append_utf8(out, c - 0x20);
  } else if (c == 0xFF) {
    append_utf8(out, 0x178);  // ÿ → Ÿ
  } else {
    append_utf8(out, c);
  }
}

} // namespace

std::string titlecase(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  char32_t before_prev = 0;  // the two characters before the current position
  char32_t prev = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t c = decode_utf8(s, pos);
    if (!starts_word(c)) {
      out.append(s.substr(start, pos - start));
      before_prev = prev;
      prev = c;
      continue;
    }
    size_t first_end = pos;  // end of the word's first character
    char32_t last = c, before_last = prev;
    while (pos < s.size()) {
      size_t at = pos;
      char32_t next = decode_utf8(s, pos);
      if (next == '-' || is_js_space(next)) {
        pos = at;
        break;
      }
      before_last = last;
      last = next;
    }
    std::string_view word = s.substr(start, pos - start);
    bool stays_small = start > 0 && pos != s.size() && is_small_word(word) && before_prev != ':' &&
                       (s[pos] != '-' || prev == '-') && (prev == '-' || is_js_space(prev));
    if (stays_small) {
      for (char ch : word) out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    } else {
      std::string_view rest = s.substr(first_end, pos - first_end);
      bool keeps_case = false;
      for (size_t i = 0; i < rest.size() && !keeps_case; ++i) {
        keeps_case = (rest[i] >= 'A' && rest[i] <= 'Z') || (rest[i] == '.' && i + 1 < rest.size());
      }
      if (keeps_case) {
        out.append(word);
      } else {
        append_upper(out, c);
        out.append(rest);
      }
    }
    before_prev = before_last;
    prev = last;
  }
  return out;
}

} // namespace haven::text
