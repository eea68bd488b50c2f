// Internal: string helpers with JavaScript semantics (whitespace, case, number parsing) and the
// Nunjucks HTML escape. Private to src/tmpl until src/text offers the same with these exact sets.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/value.hpp"
#include "text/utf8.hpp"

namespace haven::tmpl::detail {

// Decodes the code point at `i` and advances `i`; invalid bytes decode as U+FFFD (one byte).
char32_t utf8_next(std::string_view s, size_t& i);
void utf8_append(std::string& out, char32_t cp);
// Number of code points (templates count string length in code points, see README).
size_t utf8_length(std::string_view s);
// Byte offset of code point `index` (clamped to s.size()).
size_t utf8_offset(std::string_view s, size_t index);
// Code points [start, end) as a substring (both clamped).
std::string_view utf8_substr(std::string_view s, size_t start, size_t end);
std::vector<std::string> utf8_chars(std::string_view s);

using text::is_js_space;  // JavaScript's \s (text/utf8.hpp)
std::string_view js_trim_start(std::string_view s);
std::string_view js_trim_end(std::string_view s);
std::string_view js_trim(std::string_view s);

// Whether every byte is below 0x80 (eight bytes at a time; inline: keys and tags are short).
inline bool is_ascii(std::string_view s) {
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    high |= x;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ull) == 0;
}

// Unicode case mapping (String.prototype.toLowerCase / toUpperCase).
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
// Appends to_lower(s) / to_upper(s) (ASCII without a temporary string).
void append_lower(std::string& out, std::string_view s);
void append_upper(std::string& out, std::string_view s);


// std::string::resize_and_overwrite(n, op) as C++23 specifies it: `op(data, n)` with the `n`
// asked for. GCC 12's libstdc++ passes the grown capacity instead whenever it reallocates (its
// _M_create rounds `n` up in place), so an `op` that fills or returns its second argument wrote
// past the text and kept uninitialised bytes; every caller goes through here.
template <class Op>
inline void resize_and_overwrite(std::string& s, size_t n, Op op) {
  s.resize_and_overwrite(n, [&](char* data, size_t) { return op(data, n); });
}

// v.as_object() likewise; `v` must be an object.
inline const base::Object& object_of(const base::Value& v) {
  const void* p = v.identity();
  return p ? *static_cast<const base::Object*>(p) : v.as_object();
}

// out += s for the short texts between tags (`s` not inside `out`): overlapping word copies
// instead of a call to memcpy.
inline void append_text(std::string& out, std::string_view s) {
  size_t n = s.size(), len = out.size();
  if (n > 32 || out.capacity() - len < n) {
    out.append(s);
    return;
  }
  resize_and_overwrite(out, len + n, [&](char* d, size_t) {
    char* w = d + len;
    const char* p = s.data();
    auto copy = [&]<size_t k>() { // the first and the last k bytes, k <= n <= 2k
      char a[k], b[k];
      std::memcpy(a, p, k);
      std::memcpy(b, p + n - k, k);
      std::memcpy(w, a, k);
      std::memcpy(w + n - k, b, k);
    };
    if (n >= 16) {
      copy.template operator()<16>();
    } else if (n >= 8) {
      copy.template operator()<8>();
    } else if (n >= 4) {
      copy.template operator()<4>();
    } else if (n > 0) {
      char a = p[0], b = p[n / 2], c = p[n - 1];
      w[0] = a;
      w[n / 2] = b;
      w[n - 1] = c;
    }
    return len + n;
  });
}

// Nunjucks' escape: & " ' < > and backslash.
void append_escaped(std::string& out, std::string_view s);

#if defined(__SSE2__)
// Bit k set when byte k of `v` is one of & " ' < > backslash. `&` (0x26) and `'` (0x27) are
// the bytes equal to 0x27 with bit 0 set, `<` (0x3C) and `>` (0x3E) those equal to 0x3E with
// bit 1 set.
inline unsigned escapable_mask(__m128i v) {
  __m128i amp_apos = _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x01)), _mm_set1_epi8('\''));
  __m128i lt_gt = _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x02)), _mm_set1_epi8('>'));
  __m128i quot_bs = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(amp_apos, lt_gt), quot_bs)));
}
#endif

// append_escaped(out, s) for a whole std::string (not inside `out`): a string under sixteen
// bytes with nothing to escape (dates, paths, tags, names) is one inline 16-byte copy. Sixteen
// bytes are readable from any std::string's data: its capacity is at least 15, plus the NUL.
inline void append_escaped(std::string& out, const std::string& s) {
#if defined(__SSE2__)
  size_t n = s.size(), len = out.size();
  if (n < 16 && s.capacity() >= 15 && out.capacity() - len >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data()));
    if ((escapable_mask(v) & ((1u << n) - 1)) == 0) {
      resize_and_overwrite(out, len + 16, [&](char* d, size_t) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + len), v);
        return len + n;
      });
      return;
    }
  }
#endif
  append_escaped(out, std::string_view(s));
}
std::string escape_html(std::string_view s);
// encodeURIComponent.
std::string encode_uri_component(std::string_view s);
void append_uri_component(std::string& out, std::string_view s);

// Number(s): trimmed, "" → 0, decimal/hex/binary/octal/Infinity, anything else NaN.
double js_string_to_number(std::string_view s);
// parseFloat / parseInt(s, radix) on a string: the longest valid prefix, else NaN.
double js_parse_float(std::string_view s);
double js_parse_int(std::string_view s, int radix);

// Number.prototype.toString(): shortest round-trip digits, exponent outside [1e-7, 1e21).
std::string js_number(double d);
// Appends js_number(d) (integers without a temporary string).
void append_js_number(std::string& out, double d);
// Number.prototype.toFixed(digits) (round half up on the exact binary value).
std::string js_to_fixed(double d, int digits);

// ToNumber of a template value.
double to_number(const base::Value& v);
// v.to_string() with JavaScript number printing (arrays joined with ",", nullish as "").
std::string to_str(const base::Value& v);
// String(v) for output and concatenation (numbers as JavaScript prints them).
std::string to_js_string(const base::Value& v);
// Integer-like object keys ("0", "12") come first in ascending order in JavaScript objects.
bool is_array_index_key(std::string_view key);
// An object's entries in JavaScript property order.
std::vector<const std::pair<std::string, base::Value>*> js_entries(const base::Object& o);

} // namespace haven::tmpl::detail
