#include "text/utf8.hpp"

#include <cstring>

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

} // namespace

std::optional<size_t> find_invalid_utf8(std::string_view s) {
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
