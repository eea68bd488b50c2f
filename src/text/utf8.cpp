#include "text/utf8.hpp"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

namespace haven::text {

namespace {

// Length of the well-formed sequence at `pos`, or 0 when it is ill-formed (Unicode Table 3-7).
size_t sequence_length(std::string_view s, size_t pos, char32_t& out) {
  auto byte = [&](size_t i) -> unsigned { return static_cast<unsigned char>(s[i]); };
  unsigned b0 = byte(pos);
  size_t remaining = s.size() - pos;
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  size_t len = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;       // overlong
    else if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;       // overlong
    else if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (remaining < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    unsigned b = byte(pos + i);
    unsigned min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
    if (b < min || b > max) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  out = cp;
  return len;
}

// One sequence at a time: the reference the vector check below falls back to and is tested against.
std::optional<size_t> find_invalid_utf8_scalar(std::string_view s);

#if defined(__x86_64__)
// Whole-text validation 32 bytes at a time, for CPUs with AVX2 (checked at run time: the build
// targets baseline x86-64). Every source file is checked, and Chinese text breaks the ASCII fast
// path of the scalar loop every few bytes: this costs about a tenth of its instructions.
//
// The method is the "lookup" validation of Keiser and Lemire ("Validating UTF-8 in less than one
// instruction per byte", 2021): each byte pair (previous byte, this byte) is classified by three
// 16-entry tables, indexed by the previous byte's high and low nibble and this byte's high nibble.
// A pair is ill-formed exactly when the three entries share a bit; the bit says which rule broke.
// Continuation pairs are legal only as the third or fourth byte of a sequence, checked against the
// bytes two and three back. Only says whether `s` is valid: the offset comes from the scalar loop.
namespace utf8_avx2 {

constexpr uint8_t k_too_short = 1 << 0;   // lead byte followed by a non-continuation
constexpr uint8_t k_too_long = 1 << 1;    // ASCII followed by a continuation
constexpr uint8_t k_overlong_3 = 1 << 2;  // E0 80..9F
constexpr uint8_t k_too_large = 1 << 3;   // F4 90..BF, F5..FF 90..BF
constexpr uint8_t k_surrogate = 1 << 4;   // ED A0..BF
constexpr uint8_t k_overlong_2 = 1 << 5;  // C0, C1 80..BF
constexpr uint8_t k_too_large_1000 = 1 << 6;  // F5..FF 80..8F
constexpr uint8_t k_overlong_4 = 1 << 6;  // F0 80..8F (shares the bit: same second-byte range)
constexpr uint8_t k_two_conts = 1 << 7;   // continuation followed by continuation
constexpr uint8_t k_carry = k_too_short | k_too_long | k_two_conts;  // decided by the high nibbles alone

// The 16 entries twice, once per 128-bit lane (vpshufb looks up within a lane).
#define HAVEN_TABLE16(...) _mm256_setr_epi8(__VA_ARGS__, __VA_ARGS__)

__attribute__((target("avx2"))) inline __m256i lookup(__m256i table, __m256i nibbles) {
  return _mm256_shuffle_epi8(table, nibbles);
}

// The 32 bytes that come `N` bytes before those of `input` (the last N of `previous` first).
template <int N>
__attribute__((target("avx2"))) inline __m256i shifted(__m256i input, __m256i previous) {
  return _mm256_alignr_epi8(input, _mm256_permute2x128_si256(previous, input, 0x21), 16 - N);
}

// Non-zero bytes where a pair ending in `input` is ill-formed.
__attribute__((target("avx2"))) inline __m256i block_errors(__m256i input, __m256i previous) {
  const __m256i low_nibble = _mm256_set1_epi8(0x0F);
  const __m256i byte_1_high_table = HAVEN_TABLE16(
      k_too_long, k_too_long, k_too_long, k_too_long, k_too_long, k_too_long, k_too_long, k_too_long,  // 0___
      k_two_conts, k_two_conts, k_two_conts, k_two_conts,                                              // 10__
      k_too_short | k_overlong_2,                                                                      // 1100
      k_too_short,                                                                                     // 1101
      k_too_short | k_overlong_3 | k_surrogate,                                                        // 1110
      k_too_short | k_too_large | k_too_large_1000 | k_overlong_4);                                    // 1111
  const __m256i byte_1_low_table = HAVEN_TABLE16(
      k_carry | k_overlong_3 | k_overlong_2 | k_overlong_4,  // ___0000
      k_carry | k_overlong_2,                               // ___0001
      k_carry, k_carry,                                     // ___001_
      k_carry | k_too_large,                                // ___0100
      k_carry | k_too_large | k_too_large_1000, k_carry | k_too_large | k_too_large_1000,
      k_carry | k_too_large | k_too_large_1000, k_carry | k_too_large | k_too_large_1000,
      k_carry | k_too_large | k_too_large_1000, k_carry | k_too_large | k_too_large_1000,
      k_carry | k_too_large | k_too_large_1000, k_carry | k_too_large | k_too_large_1000,
      k_carry | k_too_large | k_too_large_1000 | k_surrogate,  // ___1101
      k_carry | k_too_large | k_too_large_1000, k_carry | k_too_large | k_too_large_1000);
  const __m256i byte_2_high_table = HAVEN_TABLE16(
      k_too_short, k_too_short, k_too_short, k_too_short, k_too_short, k_too_short, k_too_short, k_too_short,
      k_too_long | k_overlong_2 | k_two_conts | k_overlong_3 | k_too_large_1000 | k_overlong_4,  // 1000
      k_too_long | k_overlong_2 | k_two_conts | k_overlong_3 | k_too_large,                      // 1001
      k_too_long | k_overlong_2 | k_two_conts | k_surrogate | k_too_large,                       // 101_
      k_too_long | k_overlong_2 | k_two_conts | k_surrogate | k_too_large,
      k_too_short, k_too_short, k_too_short, k_too_short);
  const __m256i prev1 = shifted<1>(input, previous);
  const __m256i prev1_high = _mm256_and_si256(_mm256_srli_epi16(prev1, 4), low_nibble);
  const __m256i prev1_low = _mm256_and_si256(prev1, low_nibble);
  const __m256i input_high = _mm256_and_si256(_mm256_srli_epi16(input, 4), low_nibble);
  const __m256i special = _mm256_and_si256(
      _mm256_and_si256(lookup(byte_1_high_table, prev1_high), lookup(byte_1_low_table, prev1_low)),
      lookup(byte_2_high_table, input_high));
  // a continuation pair must sit exactly where a three- or four-byte sequence needs one
  const __m256i third = _mm256_subs_epu8(shifted<2>(input, previous), _mm256_set1_epi8(static_cast<char>(0xE0 - 0x80)));
  const __m256i fourth = _mm256_subs_epu8(shifted<3>(input, previous), _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80)));
  const __m256i must_be_continuation =
      _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(static_cast<char>(0x80)));
  return _mm256_xor_si256(must_be_continuation, special);
}

#undef HAVEN_TABLE16

__attribute__((target("avx2"))) bool is_valid(std::string_view s) {
  const char* data = s.data();
  const size_t size = s.size();
  __m256i previous = _mm256_setzero_si256();
  __m256i errors = _mm256_setzero_si256();
  bool previous_ascii = true;
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    const __m256i input = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
    const bool ascii = _mm256_movemask_epi8(input) == 0;
    // an ASCII block after an ASCII block has no pair to check
    if (!(ascii && previous_ascii)) errors = _mm256_or_si256(errors, block_errors(input, previous));
    previous = input;
    previous_ascii = ascii;
  }
  // the tail (0 to 31 bytes) padded with NULs, so that a sequence cut off at the end shows as a
  // lead byte followed by a non-continuation
  alignas(32) char tail[32] = {};
  std::memcpy(tail, data + i, size - i);
  const __m256i last = _mm256_load_si256(reinterpret_cast<const __m256i*>(tail));
  errors = _mm256_or_si256(errors, block_errors(last, previous));
  return _mm256_testz_si256(errors, errors);
}

} // namespace utf8_avx2

const bool k_has_avx2 = __builtin_cpu_supports("avx2");
#endif

} // namespace

std::optional<size_t> find_invalid_utf8(std::string_view s) {
#if defined(__x86_64__)
  if (k_has_avx2 && s.size() >= 64) {
    if (utf8_avx2::is_valid(s)) return std::nullopt;
    // ill-formed somewhere (rare: a build stops on it): the scalar loop finds where
  }
#endif
  return find_invalid_utf8_scalar(s);
}

namespace {

std::optional<size_t> find_invalid_utf8_scalar(std::string_view s) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  const size_t size = s.size();
  size_t pos = 0;
  while (pos < size) {
    // eight ASCII bytes at a time (every source file is checked)
    for (uint64_t word; pos + 8 <= size; pos += 8) {
      std::memcpy(&word, bytes + pos, 8);
      if (word & 0x8080808080808080ull) break;
    }
    if (pos >= size) break;
    const unsigned b0 = bytes[pos];
    if (b0 < 0x80) {
      ++pos;
      continue;
    }
    // CJK text is almost all three-byte sequences whose lead byte puts no limit on the second
    // byte beyond 80..BF (E0 and ED do: overlongs, surrogates): checked here without decoding
    if (b0 >= 0xE1 && b0 <= 0xEF && b0 != 0xED && pos + 3 <= size && (bytes[pos + 1] & 0xC0) == 0x80 &&
        (bytes[pos + 2] & 0xC0) == 0x80) {
      pos += 3;
      continue;
    }
    char32_t cp;
    size_t len = sequence_length(s, pos, cp);
    if (len == 0) return pos;
    pos += len;
  }
  return std::nullopt;
}

} // namespace

char32_t decode_utf8(std::string_view s, size_t& pos) {
  if (pos >= s.size()) return 0;
  char32_t cp;
  size_t len = sequence_length(s, pos, cp);
  if (len == 0) {
    ++pos;
    return 0xFFFD;
  }
  pos += len;
  return cp;
}

void append_utf8(std::string& out, char32_t c) {
  if (c >= 0xD800 && (c <= 0xDFFF || c > 0x10FFFF)) c = 0xFFFD;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

size_t display_width(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return 0;
  if (c < 0x7F) return 1;
  auto cat = u_charType(static_cast<UChar32>(c));
  if (cat == U_NON_SPACING_MARK || cat == U_ENCLOSING_MARK || cat == U_FORMAT_CHAR) return 0;
  if (c >= 0x1160 && c <= 0x11FF) return 0;  // conjoining Hangul vowels/finals join the syllable
  auto eaw = u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_EAST_ASIAN_WIDTH);
  if (eaw == U_EA_WIDE || eaw == U_EA_FULLWIDTH) return 2;
  return 1;
}

size_t display_width(std::string_view s) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[pos]);
    if (b >= 0x20 && b < 0x7F) {
      ++width;
      ++pos;
      continue;
    }
    width += display_width(decode_utf8(s, pos));
  }
  return width;
}

std::string to_nfc(std::string_view s) {
  bool ascii = true;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return std::string(s);  // ASCII is always NFC
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(s);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  icu::UnicodeString result = nfc->normalize(in, status);
  if (U_FAILURE(status)) return std::string(s);
  std::string out;
  result.toUTF8String(out);
  return out;
}

bool is_js_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_cjk(char32_t c) {
  if (c < 0x1100) return false;  // nothing below the Hangul Jamo block qualifies
  if (c == 0x30FC || c == 0xFF70) return true;  // ー (script Common) lengthens a kana syllable
  // the CJK Unified Ideographs and Hangul Syllables blocks are all Han / Hangul letters (the unit
  // test checks this against ICU): most CJK text is answered without ICU
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3)) return true;
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  if (U_FAILURE(status)) return false;
  if (script != USCRIPT_HAN && script != USCRIPT_HIRAGANA && script != USCRIPT_KATAKANA &&
      script != USCRIPT_HANGUL) {
    return false;
  }
  // Letters and letter-numbers (〇) only: radicals and kanbun marks are symbols.
  auto mask = U_GET_GC_MASK(static_cast<UChar32>(c));
  return (mask & (U_GC_L_MASK | U_GC_NL_MASK)) != 0;
}

} // namespace haven::text
