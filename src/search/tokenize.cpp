#include "search/tokenize.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <stdexcept>

#include "text/utf8.hpp"

namespace haven::search {

namespace {

bool is_variation_selector(char32_t c) {
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

}  // namespace

std::string normalize(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status) || nfkc == nullptr) throw std::runtime_error("ICU NFKC data is missing");
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString n = nfkc->normalize(s, status);
  if (U_FAILURE(status)) n = s;
  n.toLower(icu::Locale::getRoot());
  std::string out;
  out.reserve(text.size());
  n.toUTF8String(out);
  // variation selectors only pick glyphs; dropping them keeps 葛󠄀 and 葛 one token
  if (out.find("\xEF\xB8") != std::string::npos || out.find("\xF3\xA0") != std::string::npos) {
    std::string kept;
    kept.reserve(out.size());
    size_t pos = 0;
    while (pos < out.size()) {
      size_t start = pos;
      char32_t c = text::decode_utf8(out, pos);
      if (!is_variation_selector(c)) kept.append(out, start, pos - start);
    }
    out.swap(kept);
  }
  return out;
}

bool is_cjk_letter(char32_t c) {
  // Keep in step with the table in README.md and isCjk() in client/haven-search.mjs.
  if (c < 0x1100) return false;
  return (c >= 0x1100 && c <= 0x11FF)      // Hangul Jamo
         || (c >= 0x3005 && c <= 0x3007)   // 々 〆 〇
         || (c >= 0x3041 && c <= 0x309F)   // Hiragana
         || (c >= 0x30A1 && c <= 0x30FA)   // Katakana (without ゠ and ・)
         || (c >= 0x30FC && c <= 0x30FF)   // ー ヽ ヾ ヿ
         || (c >= 0x3105 && c <= 0x312F)   // Bopomofo
         || (c >= 0x3131 && c <= 0x318E)   // Hangul Compatibility Jamo
         || (c >= 0x31A0 && c <= 0x31BF)   // Bopomofo Extended
         || (c >= 0x31F0 && c <= 0x31FF)   // Katakana Phonetic Extensions
         || (c >= 0x3400 && c <= 0x4DBF)   // CJK Extension A
         || (c >= 0x4E00 && c <= 0x9FFF)   // CJK Unified Ideographs
         || (c >= 0xA960 && c <= 0xA97F)   // Hangul Jamo Extended-A
         || (c >= 0xAC00 && c <= 0xD7AF)   // Hangul Syllables
         || (c >= 0xD7B0 && c <= 0xD7FF)   // Hangul Jamo Extended-B
         || (c >= 0xF900 && c <= 0xFAFF)   // CJK Compatibility Ideographs
         || (c >= 0x20000 && c <= 0x2FA1F) // Extensions B–F, Compatibility Supplement
         || (c >= 0x30000 && c <= 0x323AF);// Extensions G–H
}

bool is_word_char(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (is_cjk_letter(c)) return false;
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

namespace detail {

char32_t next_code_point(std::string_view s, size_t& pos) { return text::decode_utf8(s, pos); }

std::vector<Run> split_runs(std::string_view s) {
  std::vector<Run> runs;
  size_t pos = 0;
  enum { None, InWord, InCjk } state = None;
  size_t begin = 0, word_chars = 0, word_end = 0;
  auto close = [&](size_t at) {
    if (state == InWord) runs.push_back({begin, word_end, TokenKind::Word});
    else if (state == InCjk) runs.push_back({begin, at, TokenKind::Cjk});
    state = None;
  };
  while (pos < s.size()) {
    size_t start = pos;
    char32_t c = text::decode_utf8(s, pos);
    if (is_cjk_letter(c)) {
      if (state != InCjk) {
        close(start);
        state = InCjk;
        begin = start;
      }
    } else if (is_word_char(c)) {
      if (state != InWord) {
        close(start);
        state = InWord;
        begin = start;
        word_chars = 0;
      }
      if (word_chars < k_max_word_chars) {
        ++word_chars;
        word_end = pos;
      }
    } else {
      close(start);
    }
  }
  close(s.size());
  return runs;
}

}  // namespace detail

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> out;
  for_each_token(text, [&](std::string_view t, TokenKind) { out.emplace_back(t); });
  return out;
}

std::vector<QueryTerm> query_terms(std::string_view text) {
  std::vector<QueryTerm> out;
  auto add = [&](std::string_view t, TokenKind k) {
    for (const auto& q : out)
      if (q.text == t) return;
    out.push_back({std::string(t), k});
  };
  std::string n = normalize(text);
  for (const auto& run : detail::split_runs(n)) {
    std::string_view r = std::string_view(n).substr(run.begin, run.end - run.begin);
    if (run.kind == TokenKind::Word) {
      add(r, TokenKind::Word);
      continue;
    }
    size_t pos = 0;
    std::vector<size_t> starts;
    while (pos < r.size()) {
      starts.push_back(pos);
      detail::next_code_point(r, pos);
    }
    starts.push_back(r.size());
    if (starts.size() == 2) {
      add(r, TokenKind::Cjk);
      continue;
    }
    for (size_t i = 0; i + 2 < starts.size(); ++i) add(r.substr(starts[i], starts[i + 2] - starts[i]), TokenKind::Cjk);
  }
  return out;
}

}  // namespace haven::search
