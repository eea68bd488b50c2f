// Word and symbol counts for reading-time helpers: the exact algorithms of hexo-wordcount and
// hexo-symbols-count-time (NexT and friends call them), plus Haven's own CJK-aware count.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace haven::text {

// hexo-wordcount's raw count of `html`: strip_html, count Han U+4E00–U+9FA5 one each, delete
// them, then add one per regex run of [A-Za-z0-9_ Greek Cyrillic] or of other CJK.
size_t hexo_wordcount(std::string_view html);

// hexo-wordcount's `wordcount` display: the number below 1000, else round(n/100)/10 + "k".
std::string hexo_wordcount_display(size_t n);

// hexo-wordcount's `min2read`: floor(han/cn_per_min + words/en_per_min), "1" when below 1.
std::string hexo_min2read(std::string_view html, double cn_per_min = 300, double en_per_min = 160);

// hexo-symbols-count-time's post.length: strip_html, remove all whitespace, count UTF-16 units.
size_t symbols_count(std::string_view html);

// symbolsCount display: n up to 999, one-decimal "k" above 999, integer "k" above 9999.
std::string symbols_count_display(size_t n);

// symbolsTime: minutes = round(length / (awl * wpm)), at least 1; "N suffix" below an hour,
// "H:MM" from 60 minutes on.
std::string symbols_time(size_t length, double awl = 4, double wpm = 275,
                         std::string_view suffix = "mins.");

struct TextStats {
  size_t cjk_chars = 0;  // Han, Kana and Hangul letters, one each
  size_t words = 0;      // words of all other scripts (ICU word boundaries)
};

// Haven's default count of the text of `html` (tags stripped, entities decoded): CJK letters
// (see is_cjk) per character, runs of other text split into words by ICU; punctuation and
// symbols are not counted.
TextStats count_text(std::string_view html);

// Haven's default reading speeds (reading_minutes). CJK: 300 characters a minute — the rate
// hexo-wordcount and most Chinese themes already show readers, and within the 255–300 range
// measured for silent reading of Chinese (Brysbaert 2019 reports about 255 characters/min for
// prose; blog posts with headings and code are skimmed faster). Other scripts: 230 words a
// minute — Brysbaert 2019's 238 wpm for English non-fiction, rounded down for technical text.
// Counting CJK per character and everything else per word is what makes mixed posts fair:
// per-word rates undercount Chinese (no spaces) and per-character rates overcount English.
constexpr double k_cjk_chars_per_minute = 300;
constexpr double k_words_per_minute = 230;

// Haven's default reading time of counted text in whole minutes:
// round(cjk_chars / cjk_per_minute + words / words_per_minute), at least 1.
size_t reading_minutes(const TextStats& stats, double cjk_per_minute = k_cjk_chars_per_minute,
                       double words_per_minute = k_words_per_minute);

namespace detail {
// The words (ICU word-boundary segments with letters or numbers) in `text`, without CJK: ICU's
// root word break iterator, and the same count by the rules of UAX #29 for the text most runs
// between CJK characters are (ASCII words, numbers and punctuation, CJK and general punctuation),
// nullopt for anything else (other letters, symbols, '_', ':'). count_text uses the second where
// it answers; the unit test compares the two.
size_t count_words_icu(std::string_view text);
std::optional<size_t> count_words_simple(std::string_view text);
} // namespace detail

} // namespace haven::text
