#include "tmpl/util.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <unicode/locid.h>
#include <unicode/unistr.h>

namespace haven::tmpl::detail {

char32_t utf8_next(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
  if (extra < 0) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if (i + k >= s.size()) {
      ++i;
      return 0xFFFD;
    }
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += extra + 1;
  return cp;
}

void utf8_append(std::string& out, char32_t cp) {
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

size_t utf8_length(std::string_view s) {
  // Code points = bytes - continuation bytes (10xxxxxx).
  size_t continuation = 0, i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time: a continuation byte is < -64 as a signed byte. The per-lane
  // counters are summed every 255 blocks at most, before a lane can overflow.
  const __m128i limit = _mm_set1_epi8(static_cast<char>(0xC0));
  while (i + 16 <= s.size()) {
    __m128i acc = _mm_setzero_si128();
    size_t blocks = std::min<size_t>((s.size() - i) / 16, 255);
    for (size_t b = 0; b < blocks; ++b, i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(v, limit)); // -1 per continuation byte
    }
    __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    continuation += static_cast<size_t>(_mm_cvtsi128_si32(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  constexpr uint64_t k_high = 0x8080808080808080ull;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    uint64_t ones = (x & ~(x << 1) & k_high) >> 7;              // 1 in each continuation byte
    continuation += static_cast<size_t>((ones * 0x0101010101010101ull) >> 56); // their sum (no popcnt needed)
  }
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++continuation;
  }
  return s.size() - continuation;
}

size_t utf8_offset(std::string_view s, size_t index) {
  size_t i = 0;
  while (index > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --index;
  }
  return i;
}

std::string_view utf8_substr(std::string_view s, size_t start, size_t end) {
  if (end <= start) return {};
  size_t a = utf8_offset(s, start);
  size_t b = a + utf8_offset(s.substr(a), end - start);
  return s.substr(a, b - a);
}

std::vector<std::string> utf8_chars(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::string_view js_trim_start(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t next = i;
    if (!is_js_space(utf8_next(s, next))) break;
    i = next;
  }
  return s.substr(i);
}

std::string_view js_trim_end(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t i = start;
    if (!is_js_space(utf8_next(s, i))) break;
    end = start;
  }
  return s.substr(0, end);
}

std::string_view js_trim(std::string_view s) { return js_trim_end(js_trim_start(s)); }

std::string to_lower(std::string_view s) {
  if (is_ascii(s)) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return out;
  }
  auto u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string to_upper(std::string_view s) {
  if (is_ascii(s)) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return out;
  }
  auto u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.toUpper(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

namespace {
// Escaping and URI encoding size the output for the worst case (6 and 3 bytes per input byte)
// before writing; long input goes in chunks so that a big body does not leave the page string
// with five times its size in spare capacity.
constexpr size_t k_chunk = 4096;

// Whether `s` lies in `out`'s buffer (growing `out` would move it).
bool aliases(const std::string& out, std::string_view s) {
  std::less_equal<const char*> le;
  return !s.empty() && le(out.data(), s.data()) && le(s.data(), out.data() + out.capacity());
}

// out += s with ASCII letters mapped by `map` in one pass; false (and `out` unchanged) when `s`
// is not ASCII.
template <class Map>
bool append_ascii_mapped(std::string& out, std::string_view s, Map map) {
  size_t start = out.size();
  unsigned high = 0;
  resize_and_overwrite(out, start + s.size(), [&](char* d, size_t n) {
    for (size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      high |= c;
      d[start + i] = static_cast<char>(map(c));
    }
    return n;
  });
  if (high < 0x80) return true;
  out.resize(start);
  return false;
}
} // namespace

void append_lower(std::string& out, std::string_view s) {
  if (aliases(out, s)) return append_lower(out, std::string(s));
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
  if (!append_ascii_mapped(out, s, lower)) out += to_lower(s);
}

void append_upper(std::string& out, std::string_view s) {
  if (aliases(out, s)) return append_upper(out, std::string(s));
  auto upper = [](unsigned char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; };
  if (!append_ascii_mapped(out, s, upper)) out += to_upper(s);
}

namespace {

// Escapes s[i, end) to `w` one byte at a time; returns the new end of the output. Entities are
// written as one eight-byte store (the caller leaves room).
constexpr char k_entity[6][8] = {"&amp;", "&quot;", "&#39;", "&lt;", "&gt;", "&#92;"};
constexpr uint8_t k_entity_len[6] = {5, 6, 5, 4, 4, 5};
constexpr auto k_which = [] { // 1 + index into k_entity, 0 for bytes kept as they are
  std::array<uint8_t, 256> t{};
  t['&'] = 1;
  t['"'] = 2;
  t['\''] = 3;
  t['<'] = 4;
  t['>'] = 5;
  t['\\'] = 6;
  return t;
}();

[[maybe_unused]] char* escape_bytes(const char* s, size_t i, size_t end, char* w) {
  for (; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (uint8_t k = k_which[c]) {
      std::memcpy(w, k_entity[k - 1], 8);
      w += k_entity_len[k - 1];
    } else {
      *w++ = static_cast<char>(c);
    }
  }
  return w;
}

#if defined(__SSE2__)
// Escapes blk[j, end) (j, end <= 16; blk readable for 32 bytes) whose bytes to escape are the
// set bits of `mask` (none below j or from end on): each run before an entity is one 16-byte
// store, so up to 16 bytes past the returned end are written (the caller leaves room).
inline char* escape_block(const char* blk, unsigned j, unsigned end, unsigned mask, char* w) {
  while (mask) {
    unsigned t = static_cast<unsigned>(std::countr_zero(mask));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + j)));
    w += t - j;
    unsigned k = k_which[static_cast<unsigned char>(blk[t])] - 1u;
    std::memcpy(w, k_entity[k], 8);
    w += k_entity_len[k];
    j = t + 1;
    mask &= mask - 1;
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(w), _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + j)));
  return w + (end - j);
}
#endif
} // namespace

namespace {
// append_* of long input (in chunks) or of input inside `out` (from a copy).
template <class Append>
[[gnu::noinline]] void append_in_chunks(std::string& out, std::string_view s, Append append) {
  std::string copy;
  if (aliases(out, s)) {
    copy.assign(s);
    s = copy;
  }
  for (; s.size() > k_chunk; s.remove_prefix(k_chunk)) append(out, s.substr(0, k_chunk));
  append(out, s);
}
} // namespace

void append_escaped(std::string& out, std::string_view s) {
  if (s.size() > k_chunk || aliases(out, s)) [[unlikely]] {
    append_in_chunks(out, s, [](std::string& o, std::string_view part) { append_escaped(o, part); });
    return;
  }
  size_t n = s.size();
  if (n == 0) return;
  if (n < 16) {
    // short texts (dates, paths, names) seldom need escaping: checked byte by byte, copied whole
    bool plain = true;
    for (char c : s) plain &= !((c == '&') | (c == '"') | (c == '\'') | (c == '<') | (c == '>') | (c == '\\'));
    if (plain) {
      append_text(out, s);
      return;
    }
  }
  size_t len = out.size();
  // Worst case: every byte becomes a six-byte entity, plus slack for the 16-byte stores.
  size_t room = 6 * n + 16;
  if (out.capacity() - len < room) out.reserve(std::max(2 * out.capacity(), len + room)); // geometric growth
  resize_and_overwrite(out, len + room, [&](char* d, size_t) {
    char* w = d + len;
    const char* p = s.data();
#if defined(__SSE2__)
    alignas(16) char blk[32] = {}; // escape_block reads 16 bytes from any start below 16
    size_t i = 0;
    if (n >= 16) {
      // Sixteen bytes without anything to escape are stored as they are; others run by run.
      for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        if (unsigned mask = escapable_mask(v)) {
          _mm_store_si128(reinterpret_cast<__m128i*>(blk), v);
          w = escape_block(blk, 0, 16, mask, w);
        } else {
          _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
          w += 16;
        }
      }
      if (i < n) { // the tail: the last sixteen bytes, from the first not yet written
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16));
        unsigned j = static_cast<unsigned>(16 - (n - i));
        _mm_store_si128(reinterpret_cast<__m128i*>(blk), v);
        w = escape_block(blk, j, 16, escapable_mask(v) & (0xFFFFu << j), w);
      }
    } else {
      // Short strings (titles, tags, dates): copied into the zeroed block with overlapping loads.
      if (n >= 8) {
        uint64_t lo, hi;
        std::memcpy(&lo, p, 8);
        std::memcpy(&hi, p + n - 8, 8);
        std::memcpy(blk, &lo, 8);
        std::memcpy(blk + n - 8, &hi, 8);
      } else if (n >= 4) {
        uint32_t lo, hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + n - 4, 4);
        std::memcpy(blk, &lo, 4);
        std::memcpy(blk + n - 4, &hi, 4);
      } else {
        blk[0] = p[0];
        blk[n / 2] = p[n / 2];
        blk[n - 1] = p[n - 1];
      }
      __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(blk));
      w = escape_block(blk, 0, static_cast<unsigned>(n), escapable_mask(v), w); // zero bytes need no escaping
    }
#else
    w = escape_bytes(p, 0, n, w);
#endif
    return static_cast<size_t>(w - d);
  });
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  append_escaped(out, s);
  return out;
}

void append_uri_component(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  static constexpr auto k_keep = [] {
    std::array<bool, 256> keep{};
    for (int c = 0; c < 256; ++c) {
      keep[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' || c == ')';
    }
    return keep;
  }();
  if (s.size() > k_chunk || aliases(out, s)) [[unlikely]] {
    append_in_chunks(out, s, [](std::string& o, std::string_view part) { append_uri_component(o, part); });
    return;
  }
  size_t start = out.size();
  resize_and_overwrite(out, start + 3 * s.size(), [&](char* d, size_t) { // at most %XX per byte
    char* w = d + start;
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      if (k_keep[c]) {
        *w++ = ch;
      } else {
        w[0] = '%';
        w[1] = k_hex[c >> 4];
        w[2] = k_hex[c & 15];
        w += 3;
      }
    }
    return static_cast<size_t>(w - d);
  });
}

std::string encode_uri_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_uri_component(out, s);
  return out;
}

namespace {
// Length of the longest decimal literal prefix of `s` ("1.5e3x" → 5); 0 when there is none.
size_t decimal_prefix(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    size_t j = i + 1;
    size_t frac = 0;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j, ++frac;
    if (digits + frac > 0) {
      i = j;
      digits += frac;
    }
  }
  if (digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp = 0;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j, ++exp;
    if (exp > 0) i = j;
  }
  return i;
}

double parse_decimal(std::string_view s) {
  std::string tmp(s);
  return std::strtod(tmp.c_str(), nullptr);
}
} // namespace

double js_string_to_number(std::string_view s) {
  s = js_trim(s);
  if (s.empty()) return 0;
  if (s == "Infinity" || s == "+Infinity") return INFINITY;
  if (s == "-Infinity") return -INFINITY;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B' ||
                                      s[1] == 'o' || s[1] == 'O')) {
    int radix = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'b' || s[1] == 'B') ? 2 : 8;
    double v = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      char c = s[i];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
      if (d >= radix) return NAN;
      v = v * radix + d;
    }
    return v;
  }
  size_t n = decimal_prefix(s);
  if (n != s.size()) return NAN;
  return parse_decimal(s);
}

double js_parse_float(std::string_view s) {
  s = js_trim_start(s);
  std::string_view rest = s;
  bool neg = false;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    neg = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest.starts_with("Infinity")) return neg ? -INFINITY : INFINITY;
  size_t n = decimal_prefix(s);
  if (n == 0) return NAN;
  return parse_decimal(s.substr(0, n));
}

double js_parse_int(std::string_view s, int radix) {
  s = js_trim_start(s);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (radix == 0) radix = 10;
  if ((radix == 16 || radix == 10) && s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (radix == 16) s.remove_prefix(2);
  }
  if (radix < 2 || radix > 36) return NAN;
  double v = 0;
  size_t digits = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    if (d >= radix) break;
    v = v * radix + d;
    ++digits;
  }
  if (digits == 0) return NAN;
  return neg ? -v : v;
}

std::string js_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  if (std::fabs(d) < 9007199254740992.0 && d == std::trunc(d)) return std::to_string(static_cast<int64_t>(d));
  std::string sign = d < 0 ? "-" : "";
  double a = std::fabs(d);
  // Shortest digits that round-trip, from the exponent form "d.ddde±x".
  char buf[40];
  for (int precision = 0; precision <= 16; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision, a);
    if (std::strtod(buf, nullptr) == a) break;
  }
  std::string_view text = buf;
  size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int n = std::atoi(buf + e + 1) + 1; // value = 0.digits × 10^n
  int k = static_cast<int>(digits.size());
  std::string out = sign;
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  }
  return out;
}

void append_js_number(std::string& out, double d) {
  if (d == 0) { // JavaScript prints -0 as 0 too
    out += '0';
    return;
  }
  if (d > 0 && d < 1e9 && d == static_cast<double>(static_cast<uint32_t>(d))) { // counters, indexes
    uint32_t u = static_cast<uint32_t>(d);
    size_t n = 1;
    for (uint32_t t = u; t >= 10; t /= 10) ++n;
    resize_and_overwrite(out, out.size() + n, [&](char* o, size_t len) { // digits written backwards
      char* w = o + len;
      do {
        *--w = static_cast<char>('0' + u % 10);
        u /= 10;
      } while (u);
      return len;
    });
    return;
  }
  if (std::fabs(d) < 9007199254740992.0 && d == std::trunc(d)) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(d));
    out.append(buf, end);
    return;
  }
  out += js_number(d);
}

std::string js_to_fixed(double d, int digits) {
  if (!std::isfinite(d) || std::fabs(d) >= 1e21) return js_number(d);
  // glibc prints the exact binary value; round that decimal expansion half up by hand.
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", digits + 40, std::fabs(d));
  std::string s = buf;
  size_t dot = s.find('.');
  std::string keep = s.substr(0, dot + (digits > 0 ? 1 + static_cast<size_t>(digits) : 0));
  if (digits == 0) keep = s.substr(0, dot);
  bool up = s[dot + 1 + static_cast<size_t>(digits)] >= '5';
  if (up) {
    int i = static_cast<int>(keep.size()) - 1;
    while (i >= 0) {
      if (keep[static_cast<size_t>(i)] == '.') {
        --i;
        continue;
      }
      if (keep[static_cast<size_t>(i)] == '9') {
        keep[static_cast<size_t>(i)] = '0';
        --i;
      } else {
        ++keep[static_cast<size_t>(i)];
        break;
      }
    }
    if (i < 0) keep.insert(keep.begin(), '1');
  }
  bool zero = std::all_of(keep.begin(), keep.end(), [](char c) { return c == '0' || c == '.'; });
  return (d < 0 && !zero ? "-" : "") + keep;
}

double to_number(const base::Value& v) {
  using K = base::Value::Kind;
  switch (v.kind()) {
  case K::Undefined: return NAN;
  case K::Null: return 0;
  case K::Bool:
  case K::Number: return v.as_number();
  case K::Date: return v.as_date_ms();
  case K::String: return js_string_to_number(v.as_string());
  case K::Array: return js_string_to_number(to_str(v));
  case K::Object:
  case K::Native: return NAN;
  }
  return NAN;
}

std::string to_str(const base::Value& v) {
  if (v.is_number()) return js_number(v.as_number());
  if (v.is_array()) {
    std::string out;
    bool first = true;
    for (const auto& item : v.as_array()) {
      if (!first) out += ',';
      first = false;
      out += to_str(item);
    }
    return out;
  }
  return v.to_string();
}

std::string to_js_string(const base::Value& v) {
  if (v.is_undefined()) return "undefined";
  if (v.is_null()) return "null";
  return to_str(v);
}

bool is_array_index_key(std::string_view key) {
  if (key.empty() || key.size() > 10) return false;
  if (key.size() > 1 && key[0] == '0') return false;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
  }
  return std::strtoull(std::string(key).c_str(), nullptr, 10) < 4294967295ull;
}

std::vector<const std::pair<std::string, base::Value>*> js_entries(const base::Object& o) {
  std::vector<const std::pair<std::string, base::Value>*> out;
  out.reserve(o.size());
  bool any_index = false;
  for (const auto& e : o.entries()) {
    out.push_back(&e);
    any_index = any_index || is_array_index_key(e.first);
  }
  if (any_index) {
    std::stable_partition(out.begin(), out.end(), [](auto* e) { return is_array_index_key(e->first); });
    auto mid = std::find_if(out.begin(), out.end(), [](auto* e) { return !is_array_index_key(e->first); });
    std::stable_sort(out.begin(), mid, [](auto* a, auto* b) {
      return std::strtoull(a->first.c_str(), nullptr, 10) < std::strtoull(b->first.c_str(), nullptr, 10);
    });
  }
  return out;
}

} // namespace haven::tmpl::detail
