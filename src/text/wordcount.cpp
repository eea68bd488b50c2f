#include "text/wordcount.hpp"

#include <array>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>
#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include "base/hash.hpp"
#include "base/value.hpp"
#include "text/html.hpp"
#include "text/utf8.hpp"

namespace haven::text {

namespace {

bool is_hexo_han(char32_t c) { return c >= 0x4E00 && c <= 0x9FA5; }

// First alternative of hexo-wordcount's regex: [a-zA-Z0-9_\u0392-\u03c9\u0400-\u04FF].
bool in_word_class(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (c >= 0x392 && c <= 0x3C9) || (c >= 0x400 && c <= 0x4FF);
}

// Second alternative: [\u4E00-\u9FFF\u3400-\u4dbf\uf900-\ufaff\u3040-\u309f\uac00-\ud7af\u0400-\u04FF].
bool in_cjk_class(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x3040 && c <= 0x309F) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x400 && c <= 0x4FF);
}

// Third alternative: [äÄåÅöÖ].
bool in_nordic_class(char32_t c) {
  return c == 0xE4 || c == 0xC4 || c == 0xE5 || c == 0xC5 || c == 0xF6 || c == 0xD6;
}

struct HexoCounts {
  size_t cn = 0;
  size_t en = 0;
};

HexoCounts hexo_counts(std::string_view html) {
  std::string text = strip_html(html);
  HexoCounts counts;
  // Han is removed before matching, so the remaining code points are scanned as if adjacent.
  enum class Run { None, Word, Cjk, Nordic } run = Run::None;
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = decode_utf8(text, pos);
    if (is_hexo_han(c)) {
      ++counts.cn;
      continue;
    }
    // A run continues while the character stays in the class that started it.
    bool continues = (run == Run::Word && in_word_class(c)) || (run == Run::Cjk && in_cjk_class(c)) ||
                     (run == Run::Nordic && in_nordic_class(c));
    if (continues) continue;
    if (in_word_class(c)) run = Run::Word;
    else if (in_cjk_class(c)) run = Run::Cjk;
    else if (in_nordic_class(c)) run = Run::Nordic;
    else run = Run::None;
    if (run != Run::None) ++counts.en;
  }
  return counts;
}

std::string js_number(double d) { return base::format_number(d); }

} // namespace

size_t hexo_wordcount(std::string_view html) {
  HexoCounts c = hexo_counts(html);
  return c.cn + c.en;
}

std::string hexo_wordcount_display(size_t n) {
  if (n < 1000) return std::to_string(n);
  return js_number(std::round(static_cast<double>(n) / 100) / 10) + "k";
}

std::string hexo_min2read(std::string_view html, double cn_per_min, double en_per_min) {
  HexoCounts c = hexo_counts(html);
  double minutes = static_cast<double>(c.cn) / cn_per_min + static_cast<double>(c.en) / en_per_min;
  if (minutes < 1) return "1";
  return js_number(std::floor(minutes));
}

size_t symbols_count(std::string_view html) {
  std::string text = strip_html(html);
  size_t units = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = decode_utf8(text, pos);
    if (is_js_space(c)) continue;
    units += c > 0xFFFF ? 2 : 1;  // JavaScript string length counts UTF-16 code units
  }
  return units;
}

std::string symbols_count_display(size_t n) {
  double d = static_cast<double>(n);
  if (n > 9999) return js_number(std::round(d / 1000)) + "k";
  if (n > 999) return js_number(std::round(d / 100) / 10) + "k";
  return std::to_string(n);
}

std::string symbols_time(size_t length, double awl, double wpm, std::string_view suffix) {
  double minutes = std::round(static_cast<double>(length) / (awl * wpm));
  double hours = std::floor(minutes / 60);
  double rest = std::floor(minutes - hours * 60);
  if (rest < 1) rest = 1;
  if (hours < 1) return js_number(rest) + " " + std::string(suffix);
  std::string mm = std::to_string(static_cast<long long>(rest));
  if (mm.size() < 2) mm = "0" + mm;
  return js_number(hours) + ":" + mm;
}

namespace {

TextStats count_text_uncached(std::string_view html);

// count_text results by content: themes count the same post several times per build (word
// count, reading time and language on its page, its excerpt on every list it is on).
struct CountCache {
  static constexpr size_t k_shards = 16;           // enough to keep render threads apart
  static constexpr size_t k_max_entries = 1 << 16;  // per shard; cleared when full (a long serve)
  struct Shard {
    std::mutex mutex;
    std::unordered_map<uint64_t, TextStats> entries;
  };
  std::array<Shard, k_shards> shards;
};

} // namespace

TextStats count_text(std::string_view html) {
  if (html.size() < 64) return count_text_uncached(html);  // hashing would cost about as much
  static CountCache cache;
  uint64_t key = base::content_hash(html, html.size());
  auto& shard = cache.shards[key % CountCache::k_shards];
  {
    std::lock_guard lock(shard.mutex);
    if (auto it = shard.entries.find(key); it != shard.entries.end()) return it->second;
  }
  TextStats stats = count_text_uncached(html);
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= CountCache::k_max_entries) shard.entries.clear();
  shard.entries.emplace(key, stats);
  return stats;
}

namespace detail {

size_t count_words_icu(std::string_view text) {
  thread_local std::unique_ptr<icu::BreakIterator> words = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) b.reset();
    return b;
  }();
  if (!words || text.empty()) return 0;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  words->setText(u);
  words->first();
  size_t count = 0;
  while (words->next() != icu::BreakIterator::DONE) {
    if (words->getRuleStatus() >= UBRK_WORD_NONE_LIMIT) ++count;
  }
  return count;
}

namespace {

// UAX #29 word-break classes of the characters count_words_simple handles.
enum class Wb : uint8_t { Other, Letter, Numeric, MidNum, MidNumLet, SingleQuote, Unhandled };

Wb word_break_class(char32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Wb::Letter;
    if (c >= '0' && c <= '9') return Wb::Numeric;
    switch (c) {
      case '.': return Wb::MidNumLet;
      case '\'': return Wb::SingleQuote;
      case ',': case ';': return Wb::MidNum;
      case ':': case '@': case '_': return Wb::Unhandled;  // ICU tailors these; '_' joins words (ExtendNumLet)
      default: return Wb::Other;                 // spaces, line breaks, other punctuation and symbols
    }
  }
  // only characters of no particular script (CJK and general punctuation, spaces): a script's
  // own marks may join its words (Tai Tham, Thai: ICU segments them by dictionary)
  UErrorCode status = U_ZERO_ERROR;
  if (uscript_getScript(static_cast<UChar32>(c), &status) != USCRIPT_COMMON || U_FAILURE(status)) return Wb::Unhandled;
  switch (u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_WORD_BREAK)) {
    case U_WB_MIDNUM: return Wb::MidNum;
    case U_WB_MIDNUMLET: return Wb::MidNumLet;
    case U_WB_OTHER:
    case U_WB_WSEGSPACE:
      switch (u_charType(static_cast<UChar32>(c))) {  // punctuation and spaces: never part of a word
        case U_DASH_PUNCTUATION: case U_START_PUNCTUATION: case U_END_PUNCTUATION:
        case U_INITIAL_PUNCTUATION: case U_FINAL_PUNCTUATION: case U_OTHER_PUNCTUATION:
        case U_SPACE_SEPARATOR:
          return Wb::Other;
        default: return Wb::Unhandled;
      }
    default: return Wb::Unhandled;  // letters of other scripts, marks, symbols, emoji, format characters
  }
}

} // namespace

std::optional<size_t> count_words_simple(std::string_view text) {
  thread_local std::vector<Wb> classes;  // reused: count_text calls this once per run of text
  classes.clear();
  for (size_t pos = 0; pos < text.size();) {
    Wb c = word_break_class(decode_utf8(text, pos));
    if (c == Wb::Unhandled) return std::nullopt;
    classes.push_back(c);
  }
  auto is_alnum = [](Wb c) { return c == Wb::Letter || c == Wb::Numeric; };
  size_t words = 0;
  for (size_t i = 0; i < classes.size();) {
    if (!is_alnum(classes[i])) {
      ++i;
      continue;
    }
    ++words;  // a segment of letters and digits (WB5, WB8–WB10) ...
    size_t j = i + 1;
    while (j < classes.size()) {
      if (is_alnum(classes[j])) {
        ++j;
        continue;
      }
      // ... through a middle character between two letters (WB6, WB7) or two digits (WB11, WB12)
      if (j + 1 < classes.size()) {
        Wb before = classes[j - 1], mid = classes[j], after = classes[j + 1];
        bool letters = before == Wb::Letter && after == Wb::Letter && (mid == Wb::MidNumLet || mid == Wb::SingleQuote);
        bool digits = before == Wb::Numeric && after == Wb::Numeric &&
                      (mid == Wb::MidNum || mid == Wb::MidNumLet || mid == Wb::SingleQuote);
        if (letters || digits) {
          j += 2;
          continue;
        }
      }
      break;
    }
    i = j;
  }
  return words;
}

} // namespace detail

namespace {

TextStats count_text_uncached(std::string_view html) {
  std::string text = unescape_html(strip_html(html));
  TextStats stats;
  // a stretch of non-CJK text, segmented when it ends: always a contiguous part of `text`
  size_t run_start = 0, run_end = 0;
  auto flush = [&] {
    if (run_end == run_start) return;
    std::string_view run(text.data() + run_start, run_end - run_start);
    std::optional<size_t> simple = detail::count_words_simple(run);
    stats.words += simple ? *simple : detail::count_words_icu(run);
  };
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = decode_utf8(text, pos);
    if (is_cjk(c)) {
      flush();
      run_start = run_end = pos;
      ++stats.cjk_chars;
    } else {
      run_end = pos;
    }
  }
  flush();
  return stats;
}

} // namespace

size_t reading_minutes(const TextStats& stats, double cjk_per_minute, double words_per_minute) {
  double minutes = 0;
  if (cjk_per_minute > 0) minutes += static_cast<double>(stats.cjk_chars) / cjk_per_minute;
  if (words_per_minute > 0) minutes += static_cast<double>(stats.words) / words_per_minute;
  double rounded = std::round(minutes);
  return rounded < 1 ? 1 : static_cast<size_t>(rounded);
}

} // namespace haven::text
