#include "text/html.hpp"

#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/utf8.hpp"

namespace haven::text {

namespace {

// For each byte: index into k_min_replacements + 1, or 0 when the byte is copied as is.
constexpr std::array<uint8_t, 256> make_min_table() {
  std::array<uint8_t, 256> t{};
  t['&'] = 1;
  t['"'] = 2;
  t['\''] = 3;
  t['<'] = 4;
  t['>'] = 5;
  return t;
}
constexpr auto k_min_table = make_min_table();
constexpr std::string_view k_min_replacements[] = {"&amp;", "&quot;", "&#39;", "&lt;", "&gt;"};

struct NamedEntity {
  std::string_view name;
  char32_t code;
};
// The references authors and Markdown renderers actually produce; the full HTML5 list (2,231
// names) is not worth carrying for heading ids and meta descriptions.
constexpr NamedEntity k_entities[] = {
    {"amp", '&'},       {"lt", '<'},          {"gt", '>'},          {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xA0},       {"copy", 0xA9},       {"reg", 0xAE},
    {"trade", 0x2122},  {"hellip", 0x2026},   {"mdash", 0x2014},    {"ndash", 0x2013},
    {"lsquo", 0x2018},  {"rsquo", 0x2019},    {"ldquo", 0x201C},    {"rdquo", 0x201D},
    {"sbquo", 0x201A},  {"bdquo", 0x201E},    {"laquo", 0xAB},      {"raquo", 0xBB},
    {"middot", 0xB7},   {"bull", 0x2022},     {"times", 0xD7},      {"divide", 0xF7},
    {"euro", 0x20AC},   {"pound", 0xA3},      {"yen", 0xA5},        {"cent", 0xA2},
    {"sect", 0xA7},     {"para", 0xB6},       {"deg", 0xB0},        {"plusmn", 0xB1},
    {"shy", 0xAD},      {"zwj", 0x200D},      {"zwnj", 0x200C},     {"ensp", 0x2002},
    {"emsp", 0x2003},   {"thinsp", 0x2009},   {"larr", 0x2190},     {"rarr", 0x2192},
    {"uarr", 0x2191},   {"darr", 0x2193},     {"harr", 0x2194},     {"iexcl", 0xA1},
    {"iquest", 0xBF},   {"micro", 0xB5},      {"frac12", 0xBD},     {"frac14", 0xBC},
    {"frac34", 0xBE},   {"sup2", 0xB2},       {"sup3", 0xB3},       {"hearts", 0x2665},
    {"grave", '`'},     {"equals", '='},      {"sol", '/'},         {"colon", ':'},
    {"num", '#'},       {"excl", '!'},        {"dollar", '$'},      {"percnt", '%'},
    {"lpar", '('},      {"rpar", ')'},        {"ast", '*'},         {"plus", '+'},
    {"comma", ','},     {"period", '.'},      {"semi", ';'},        {"quest", '?'},
    {"commat", '@'},    {"lsqb", '['},        {"rsqb", ']'},        {"lowbar", '_'},
    {"lcub", '{'},      {"rcub", '}'},        {"verbar", '|'},      {"bsol", '\\'},
};

constexpr size_t k_max_entity_length = 32;  // longer "&…;" runs are text, not references

} // namespace

void append_escaped_min(std::string& out, std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    uint8_t r = k_min_table[static_cast<unsigned char>(s[i])];
    if (r == 0) continue;
    out.append(s.data() + start, i - start);
    out += k_min_replacements[r - 1];
    start = i + 1;
  }
  out.append(s.data() + start, s.size() - start);
}

std::string escape_html_min(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  append_escaped_min(out, s);
  return out;
}

bool escape_html_changes(std::string_view s) {
  static constexpr auto k_escaped = [] {
    std::array<bool, 256> t{};
    for (char c : std::string_view("&<>\"'`/=")) t[static_cast<unsigned char>(c)] = true;
    return t;
  }();
  size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time (every Markdown text node is checked: a byte loop was ~1% of a build)
  const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'), quot = _mm_set1_epi8('"'),
                apos = _mm_set1_epi8('\''), grave = _mm_set1_epi8('`'), slash = _mm_set1_epi8('/'), eq = _mm_set1_epi8('=');
  for (; i + 16 <= s.size(); i += 16) {
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, amp), _mm_cmpeq_epi8(b, lt)),
                                            _mm_or_si128(_mm_cmpeq_epi8(b, gt), _mm_cmpeq_epi8(b, quot))),
                               _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, apos), _mm_cmpeq_epi8(b, grave)),
                                            _mm_or_si128(_mm_cmpeq_epi8(b, slash), _mm_cmpeq_epi8(b, eq))));
    if (_mm_movemask_epi8(hit) != 0) return true;
  }
#endif
  for (; i < s.size(); ++i) {
    if (k_escaped[static_cast<unsigned char>(s[i])]) return true;
  }
  return false;
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '`': out += "&#96;"; break;
      case '/': out += "&#x2F;"; break;
      case '=': out += "&#x3D;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string unescape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c != '&') {  // the text up to the next '&', copied at once
      size_t next = s.find('&', i);
      if (next == std::string_view::npos) next = s.size();
      out.append(s.data() + i, next - i);
      i = next;
      continue;
    }
    size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > k_max_entity_length) {
      out += c;
      ++i;
      continue;
    }
    std::string_view body = s.substr(i + 1, semi - i - 1);
    bool decoded = false;
    if (body.size() >= 2 && body[0] == '#') {
      bool hex = body[1] == 'x' || body[1] == 'X';
      std::string_view digits = body.substr(hex ? 2 : 1);
      uint32_t value = 0;
      bool ok = !digits.empty() && digits.size() <= 8;
      for (char d : digits) {
        if (!ok) break;
        uint32_t v;
        if (d >= '0' && d <= '9') v = static_cast<uint32_t>(d - '0');
        else if (hex && d >= 'a' && d <= 'f') v = static_cast<uint32_t>(d - 'a' + 10);
        else if (hex && d >= 'A' && d <= 'F') v = static_cast<uint32_t>(d - 'A' + 10);
        else ok = false, v = 0;
        value = value * (hex ? 16 : 10) + v;
      }
      if (ok) {
        if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) value = 0xFFFD;
        append_utf8(out, value);
        decoded = true;
      }
    } else {
      for (const NamedEntity& e : k_entities) {
        if (e.name == body) {
          append_utf8(out, e.code);
          decoded = true;
          break;
        }
      }
    }
    if (decoded) {
      i = semi + 1;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string strip_html(std::string_view s) {
  enum class State { Text, Tag, Comment };
  State state = State::Text;
  std::string out;
  out.reserve(s.size());
  // hexo-util keeps a tag buffer; only its length up to 3, whether it is "<" or "<!-", and its
  // last two characters are ever consulted, so track exactly that.
  size_t buffer_len = 0;
  bool buffer_is_bang_dash = false;  // buffer == "<!-"
  char last1 = 0, last2 = 0;          // last and second-to-last buffer characters
  char quote = 0;
  int depth = 0;
  auto push = [&](char c) {
    buffer_is_bang_dash = buffer_len == 2 && last1 == '!' && c == '-';
    last2 = last1;
    last1 = c;
    ++buffer_len;
  };
  auto reset = [&] {
    buffer_len = 0;
    buffer_is_bang_dash = false;
    last1 = last2 = 0;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (state) {
      case State::Text:
        if (c == '<') {
          state = State::Tag;
          push(c);
        } else {  // the text up to the next '<', copied at once
          size_t next = s.find('<', i);
          if (next == std::string_view::npos) next = s.size();
          out.append(s.data() + i, next - i);
          i = next - 1;
        }
        break;
      case State::Tag:
        switch (c) {
          case '<':
            if (!quote) ++depth;
            break;
          case '>':
            if (quote) break;
            if (depth) {
              --depth;
              break;
            }
            quote = 0;
            state = State::Text;
            reset();
            break;
          case '"':
          case '\'':
            if (c == quote) quote = 0;
            else if (!quote) quote = c;
            push(c);
            break;
          case '-': {
            bool enter = buffer_len == 3 && buffer_is_bang_dash;
            push(c);
            if (enter) state = State::Comment;
            break;
          }
          case ' ':
          case '\n':
            if (buffer_len == 1) {  // the buffer is just "<": it was text after all
              state = State::Text;
              out += "< ";
              reset();
              break;
            }
            push(c);
            break;
          default:
            push(c);
        }
        break;
      case State::Comment:
        if (c == '>') {
          if (buffer_len >= 2 && last1 == '-' && last2 == '-') state = State::Text;
          reset();
        } else {
          push(c);
        }
        break;
    }
  }
  return out;
}

} // namespace haven::text
