#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "text/utf8.hpp"
#include "text/wordcount.hpp"

namespace haven::text {
namespace {

// The seed post's body with Markdown syntax removed: front matter dropped and the "### "
// heading markers deleted (the body has no other Markdown), which is what stripping the
// rendered HTML leaves as text (paragraph/heading tags and the anchor's attributes vanish).
std::string seed_text() {
  std::ifstream in(HAVEN_SHARED_DIR "/fixtures/seed/000_f466e366f9a77db7.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string md = ss.str();
  size_t end = md.find("\n---\n", 4);
  EXPECT_NE(end, std::string::npos);
  std::string body = md.substr(end + 5);
  std::string out;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("### ")) line = line.substr(4);
    out += line + "\n";
  }
  return out;
}

TEST(Wordcount, SeedPostMatchesHexoPlugins) {
  std::string text = seed_text();
  ASSERT_FALSE(text.empty());
  // Spec §11.5: 1538 Han, no other words → 1538 raw, "1.5k"; min2read 5.
  EXPECT_EQ(hexo_wordcount(text), 1538u);
  EXPECT_EQ(hexo_wordcount_display(hexo_wordcount(text)), "1.5k");
  EXPECT_EQ(hexo_min2read(text), "5");
  // hexo-symbols-count-time: Han 1538 + CJK punctuation 199 = 1737 → "1.7k", "2 mins.".
  EXPECT_EQ(symbols_count(text), 1737u);
  EXPECT_EQ(symbols_count_display(symbols_count(text)), "1.7k");
  EXPECT_EQ(symbols_time(symbols_count(text)), "2 mins.");
  // Haven's own count sees the same 1538 Han letters and no other words.
  TextStats stats = count_text(text);
  EXPECT_EQ(stats.cjk_chars, 1538u);
  EXPECT_EQ(stats.words, 0u);
}

TEST(Wordcount, HexoWordcountRegexRuns) {
  struct Case {
    const char* html;
    size_t count;
  };
  const Case cases[] = {
      {"", 0},
      {"<p>Hello world, 2024!</p>", 3},
      {"foo_bar baz", 2},
      {"abc中def", 2},          // 1 Han + 1 word: Han is removed first, so abc and def join
      {"ひらがな カタカナ", 1},  // one Hiragana run; Katakana is not counted
      {"한국어 문장", 2},        // Hangul runs
      {"Привет мир", 2},       // Cyrillic
      {"αβγ δ", 2},            // Greek
      {"bär", 3},              // b | ä | r: the Nordic class is its own alternative
      {"：，。", 0},
      {"<code>x = 1</code>", 2},
      {"中文 English mix 混合", 6},
  };
  for (const Case& c : cases) EXPECT_EQ(hexo_wordcount(c.html), c.count) << c.html;
}

TEST(Wordcount, Displays) {
  EXPECT_EQ(hexo_wordcount_display(999), "999");
  EXPECT_EQ(hexo_wordcount_display(1000), "1k");
  EXPECT_EQ(hexo_wordcount_display(2149), "2.1k");
  EXPECT_EQ(hexo_min2read("short"), "1");
  EXPECT_EQ(symbols_count_display(999), "999");
  EXPECT_EQ(symbols_count_display(1000), "1k");
  EXPECT_EQ(symbols_count_display(9999), "10k");
  EXPECT_EQ(symbols_count_display(12345), "12k");
  EXPECT_EQ(symbols_time(10), "1 mins.");
  EXPECT_EQ(symbols_time(1100 * 59), "59 mins.");
  EXPECT_EQ(symbols_time(1100 * 60), "1:01");  // minutes - hours*60 = 0 → clamped to 1
  EXPECT_EQ(symbols_time(1100 * 75), "1:15");
  EXPECT_EQ(symbols_time(1100 * 5, 4, 275, "分钟"), "5 分钟");
}

TEST(Wordcount, SymbolsCountUtf16) {
  EXPECT_EQ(symbols_count("<p>a b\nc</p>"), 3u);
  EXPECT_EQ(symbols_count("🚀"), 2u);          // astral = 2 UTF-16 units
  EXPECT_EQ(symbols_count("依\u3000恋\u00A0"), 2u);  // \s includes U+3000 and NBSP
}

TEST(Wordcount, CountText) {
  TextStats s = count_text("<p>依恋 is a <b>deep</b> bond, 2 people. ひらがな한국</p>");
  EXPECT_EQ(s.cjk_chars, 8u);
  EXPECT_EQ(s.words, 6u);  // is a deep bond 2 people
  TextStats e = count_text("Don't stop &amp; go");
  EXPECT_EQ(e.cjk_chars, 0u);
  EXPECT_EQ(e.words, 3u);
}

TEST(Wordcount, ReadingMinutes) {
  EXPECT_EQ(reading_minutes({0, 0}), 1u);         // never below a minute
  EXPECT_EQ(reading_minutes({300, 0}), 1u);
  EXPECT_EQ(reading_minutes({1538, 0}), 5u);      // 5.13
  EXPECT_EQ(reading_minutes({0, 690}), 3u);       // 690 / 230
  EXPECT_EQ(reading_minutes({450, 345}), 3u);     // 1.5 + 1.5: CJK per character, words per word
  EXPECT_EQ(reading_minutes({600, 0}, 200, 100), 3u);
  EXPECT_EQ(reading_minutes(count_text("<p>依恋 is a deep bond</p>")), 1u);
}

// count_text counts most runs between CJK characters without ICU's break iterator: wherever the
// simple count answers it must be ICU's, on random mixes of the characters it handles and of
// characters it must refuse.
TEST(Wordcount, SimpleCountAgreesWithIcuOnRandomText) {
  const std::vector<std::string> alphabet = {
      "a", "b", "Z", "x", "0", "7", " ", " ", "\n", "\t", ".", ",", ";", "'", "\"", "!", "?", "-", "(", ")", "/",
      ":", "_", "#", "$", "%", "&", "*", "+", "=", "@", "[", "\\", "^", "`", "{", "|", "~", "<", ">",
      "’", "‘", "“", "”", "，", "。", "、", "：", "；", "！", "？", "（", "）", "《", "》", "·", "．", "﹐",
      "—", "…", "\u00A0", "\u3000", "é", "Ω", "ж", "ß", "🚀", "\u0301", "١", "·"};
  std::mt19937 rng(42);
  size_t answered = 0;
  for (int n = 0; n < 30000; ++n) {
    std::string text;
    size_t length = rng() % 24;
    for (size_t k = 0; k < length; ++k) text += alphabet[rng() % alphabet.size()];
    std::optional<size_t> simple = detail::count_words_simple(text);
    if (!simple) continue;
    ++answered;
    ASSERT_EQ(*simple, detail::count_words_icu(text)) << "\"" << text << "\"";
  }
  EXPECT_GT(answered, 3000u);  // the comparison really ran
}

// Every BMP character the simple count accepts, between letters, between digits and alone.
TEST(Wordcount, SimpleCountAgreesWithIcuForEveryAcceptedCharacter) {
  size_t accepted = 0;
  for (char32_t c = 0x21; c <= 0xFFFD; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string x;
    append_utf8(x, c);
    for (const std::string& text : {"a" + x + "b", "1" + x + "2", x, "a " + x, "a" + x, x + "a", "1" + x, x + "1",
                                    "a1" + x + "2b", "it" + x + "s 3" + x + "14"}) {
      std::optional<size_t> simple = detail::count_words_simple(text);
      if (!simple) continue;
      ++accepted;
      ASSERT_EQ(*simple, detail::count_words_icu(text)) << "U+" << std::hex << static_cast<uint32_t>(c) << " in \"" << text << "\"";
    }
  }
  EXPECT_GT(accepted, 4000u);  // ASCII and Common-script punctuation in every context
}

} // namespace
} // namespace haven::text
