#include "site/typography.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "text/utf8.hpp"

namespace haven::site {

namespace {

enum class CharClass { None, Cjk, Latin, Other };

CharClass classify(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return CharClass::Latin;
  if (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) return CharClass::Latin;   // Latin-1, Extended-A/B
  if ((c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x4FF)) return CharClass::Latin;  // Greek, Cyrillic
  if ((c >= 0x2E80 && c <= 0x2FDF) ||   // CJK radicals, Kangxi radicals
      (c >= 0x3040 && c <= 0x30FF) ||   // Hiragana, Katakana (including ー)
      (c >= 0x3100 && c <= 0x312F) ||   // Bopomofo
      (c >= 0x31A0 && c <= 0x31BF) || (c >= 0x31F0 && c <= 0x31FF) ||
      (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0x20000 && c <= 0x3FFFF)) {
    return CharClass::Cjk;
  }
  return CharClass::Other;
}

bool needs_space(CharClass a, CharClass b) {
  return (a == CharClass::Cjk && b == CharClass::Latin) || (a == CharClass::Latin && b == CharClass::Cjk);
}

std::string lower_name(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Elements whose content is left exactly as written.
bool is_verbatim(std::string_view name) {
  static constexpr std::array<std::string_view, 10> k = {"pre", "code", "kbd", "samp", "script", "style", "textarea", "svg", "math", "var"};
  return std::find(k.begin(), k.end(), name) != k.end();
}

// Inline phrasing elements: spacing continues across their tags.
bool is_inline(std::string_view name) {
  static constexpr std::array<std::string_view, 22> k = {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q",
                                                         "s", "small", "span", "strong", "sub", "sup", "time", "u", "del", "ins"};
  return std::find(k.begin(), k.end(), name) != k.end();
}

// Position just past the '>' that ends the tag starting at `i` (quotes respected).
size_t tag_end(std::string_view html, size_t i) {
  char quote = 0;
  for (size_t j = i + 1; j < html.size(); ++j) {
    char c = html[j];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return j + 1;
    }
  }
  return html.size();
}

// Position of the start of `</name` (case-insensitive) at or after `from`; npos when none.
size_t find_close(std::string_view html, size_t from, std::string_view name) {
  while ((from = html.find("</", from)) != std::string_view::npos) {
    size_t k = from + 2;
    if (k + name.size() <= html.size() && lower_name(html.substr(k, name.size())) == name) {
      char after = k + name.size() < html.size() ? html[k + name.size()] : '>';
      if (after == '>' || std::isspace(static_cast<unsigned char>(after))) return from;
    }
    from += 2;
  }
  return std::string_view::npos;
}

} // namespace

std::string space_cjk_latin(std::string_view html) {
  std::string out;
  out.reserve(html.size() + html.size() / 16);
  CharClass last = CharClass::None;
  size_t insert_at = std::string::npos;  // where a space goes if the next text needs one
  bool seen_open = false;                // an inline start tag since the last text
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        size_t end = html.find("-->", i + 4);
        end = end == std::string_view::npos ? html.size() : end + 3;
        out.append(html.substr(i, end - i));
        i = end;
        continue;
      }
      char n = i + 1 < html.size() ? html[i + 1] : '\0';
      bool closing = n == '/';
      char first = closing ? (i + 2 < html.size() ? html[i + 2] : '\0') : n;
      if (n == '!' || n == '?' || std::isalpha(static_cast<unsigned char>(first))) {
        size_t end = tag_end(html, i);
        size_t name_start = i + (closing ? 2 : 1);
        size_t name_end = name_start;
        while (name_end < end && (std::isalnum(static_cast<unsigned char>(html[name_end])) || html[name_end] == '-')) ++name_end;
        std::string name = lower_name(html.substr(name_start, name_end - name_start));
        bool self_closing = end >= 2 && html[end - 2] == '/';
        out.append(html.substr(i, end - i));
        i = end;
        if (!closing && !self_closing && is_verbatim(name)) {
          size_t close = find_close(html, i, name);
          if (close == std::string_view::npos) close = html.size();
          size_t close_end = close < html.size() ? tag_end(html, close) : close;
          out.append(html.substr(i, close_end - i));
          i = close_end;
          last = CharClass::None;
        } else if (is_inline(name)) {
          if (closing && !seen_open && insert_at != std::string::npos) insert_at = out.size();
          if (!closing) seen_open = true;
        } else {
          last = CharClass::None;
        }
        continue;
      }
    }
    if (c == '&') {
      size_t semi = html.find(';', i);
      size_t len = semi == std::string_view::npos ? 0 : semi - i + 1;
      if (len > 2 && len <= 32 && html.substr(i + 1, len - 2).find_first_of(" <&") == std::string_view::npos) {
        out.append(html.substr(i, len));
        i += len;
        last = CharClass::Other;
        insert_at = std::string::npos;
        continue;
      }
    }
    size_t start = i;
    char32_t cp = text::decode_utf8(html, i);
    CharClass cls = classify(cp);
    if (needs_space(last, cls)) {
      if (insert_at != std::string::npos && insert_at <= out.size()) out.insert(insert_at, 1, ' ');
      else out += ' ';
    }
    out.append(html.substr(start, i - start));
    last = cls;
    insert_at = out.size();
    seen_open = false;
  }
  return out;
}

} // namespace haven::site
