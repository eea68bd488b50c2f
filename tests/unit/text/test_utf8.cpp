#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "text/utf8.hpp"

namespace haven::text {
namespace {

TEST(Utf8, FindInvalid) {
  struct Case {
    std::string input;
    std::optional<size_t> expected;
  };
  const Case cases[] = {
      {"", std::nullopt},
      {"plain ascii", std::nullopt},
      {"依恋 ok 🚀", std::nullopt},
      {"ab\x80", 2},                  // stray continuation byte
      {"a\xC0\xAF", 1},               // overlong '/'
      {"\xE0\x80\xAF", 0},            // overlong 3-byte
      {"x\xED\xA0\x80", 1},           // UTF-16 surrogate D800
      {"\xF4\x90\x80\x80", 0},        // above U+10FFFF
      {"ok\xE4\xBD", 2},              // truncated 3-byte sequence
      {"\xF5\x80\x80\x80", 0},        // F5 never starts a sequence
      {"\xEF\xBF\xBD", std::nullopt}, // U+FFFD itself is valid
      // past the eight-bytes-at-a-time ASCII scan
      {"0123456789abcdef\x80", 16},
      {"0123456\x80" "89abcdef", 7},
      {"01234567\xE4\xBD\xA0" "89abcdefghij\xFF", 23},
      {"01234567\xE4\xBD\xA0" "89abcdefghijklmnop", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(find_invalid_utf8(c.input), c.expected) << c.input;
  }
}

// The reference for find_invalid_utf8's fast paths: decoding one sequence at a time (decode_utf8
// gives U+FFFD for an ill-formed sequence and advances by one byte; a real U+FFFD takes three).
std::optional<size_t> invalid_by_decoding(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    size_t at = pos;
    if (decode_utf8(s, pos) == 0xFFFD && pos - at != 3) return at;
  }
  return std::nullopt;
}

// A deterministic xorshift64 stream for the random texts below.
struct XorShift {
  uint64_t state;
  uint64_t operator()() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

// find_invalid_utf8's fast paths agree with decoding one sequence at a time.
TEST(Utf8, FindInvalidAgreesWithDecodingOneSequenceAtATime) {
  // bytes drawn mostly from the lead and continuation ranges of CJK text, so that valid runs
  // are long and every kind of break in them comes up
  const unsigned char alphabet[] = {'a', ' ', 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0,
                                    0xE4, 0xE9, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF};
  XorShift next{0x9E3779B97F4A7C15ull};
  for (int round = 0; round < 50000; ++round) {
    std::string s;
    size_t length = next() % 40;
    for (size_t i = 0; i < length; ++i) {
      if (next() % 3 == 0) s += "依恋"[next() % 6];  // pieces of a real sequence
      else s += static_cast<char>(alphabet[next() % sizeof alphabet]);
    }
    ASSERT_EQ(find_invalid_utf8(s), invalid_by_decoding(s)) << ::testing::PrintToString(s);
  }
}

// Texts of 64 bytes and more take the 32-bytes-at-a-time check (on CPUs with AVX2): valid mixed
// Chinese and English text with at most one damaged byte, at every position relative to the
// blocks, agrees with the one-sequence-at-a-time reference; so does every such text cut short.
TEST(Utf8, FindInvalidInLongTextsAgreesWithReference) {
  const std::string_view pieces[] = {"依恋", "是", "ok ", "Hexo", "，", "é", "🚀", "\n", "ab", "\xEF\xBF\xBD"};
  const unsigned char damage[] = {0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xE4, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 'a', 0x00};
  XorShift next{0x2545F4914F6CDD1Dull};
  size_t invalid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const size_t target = 64 + next() % 200;
    while (s.size() < target) s += pieces[next() % std::size(pieces)];
    if (round % 4 != 0) s[next() % s.size()] = static_cast<char>(damage[next() % sizeof damage]);
    ASSERT_EQ(find_invalid_utf8(s), invalid_by_decoding(s)) << ::testing::PrintToString(s);
    std::string_view cut = std::string_view(s).substr(0, 64 + next() % (s.size() - 63));
    ASSERT_EQ(find_invalid_utf8(cut), invalid_by_decoding(cut)) << ::testing::PrintToString(std::string(cut));
    invalid += invalid_by_decoding(s).has_value();
  }
  EXPECT_GT(invalid, 5000u);  // the damaged texts mostly are ill-formed: both outcomes are tested
}

TEST(Utf8, DecodeAdvances) {
  std::string s = "a依\xFF🚀";
  size_t pos = 0;
  EXPECT_EQ(decode_utf8(s, pos), U'a');
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(decode_utf8(s, pos), U'依');
  EXPECT_EQ(pos, 4u);
  EXPECT_EQ(decode_utf8(s, pos), 0xFFFDu);
  EXPECT_EQ(pos, 5u);
  EXPECT_EQ(decode_utf8(s, pos), U'🚀');
  EXPECT_EQ(pos, s.size());
  EXPECT_EQ(decode_utf8(s, pos), 0u);
  EXPECT_EQ(pos, s.size());
}

TEST(Utf8, AppendRoundTrips) {
  std::string out;
  for (char32_t c : {U'a', U'é', U'依', U'🚀'}) append_utf8(out, c);
  EXPECT_EQ(out, "aé依🚀");
  std::string bad;
  append_utf8(bad, 0xD800);
  EXPECT_EQ(bad, "\xEF\xBF\xBD");
}

TEST(Utf8, DisplayWidth) {
  struct Case {
    std::string input;
    size_t width;
  };
  const Case cases[] = {
      {"", 0},          {"abc", 3},          {"依恋", 4},        {"ＡＢ", 4},
      {"：", 2},        {"e\u0301", 1},      {"a\u200Bb", 2},    {"한국어", 6},
      {"ｶﾀ", 2},        {"🚀", 2},            {"Hello 世界", 10},
  };
  for (const Case& c : cases) EXPECT_EQ(display_width(c.input), c.width) << c.input;
}

TEST(Utf8, Nfc) {
  EXPECT_EQ(to_nfc("e\u0301"), "é");
  EXPECT_EQ(to_nfc("caf\u00E9"), "café");
  EXPECT_EQ(to_nfc("\u1100\u1161"), "가");  // conjoining jamo compose
  EXPECT_EQ(to_nfc("plain"), "plain");
}

TEST(Utf8, IsCjk) {
  for (char32_t c : {U'依', U'〇', U'々', U'あ', U'カ', U'ｶ', U'ー', U'한', U'\U00020000', U'\u3400', U'\uF900'}) {
    EXPECT_TRUE(is_cjk(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'a', U'é', U'。', U'、', U'：', U'Ａ', U'「', U'１', U'🚀', U'\u2E80'}) {
    EXPECT_FALSE(is_cjk(c)) << static_cast<uint32_t>(c);
  }
  // is_cjk answers these blocks without ICU: every code point in them must be a Han or Hangul
  // letter for the ICU this build links
  for (char32_t c = 0x4E00; c <= 0xD7A3; c = c == 0x9FFF ? 0xAC00 : c + 1) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
    ASSERT_TRUE(U_SUCCESS(status) && (script == USCRIPT_HAN || script == USCRIPT_HANGUL)) << static_cast<uint32_t>(c);
    ASSERT_NE(U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_NL_MASK), 0u) << static_cast<uint32_t>(c);
  }
}

} // namespace
} // namespace haven::text
