// Search tokenizer: the rules of src/search/README.md ("Tokens"), shared with the client's
// JavaScript tokenizer (src/search/client/haven-search.mjs). tests/search/tokens.json holds the
// vectors both implementations must reproduce exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace haven::search {

// Longest word token, in code points; longer words keep their first k_max_word_chars code points.
// (Bounds the vocabulary that long identifiers, hashes and URLs in code blocks would otherwise bloat.)
inline constexpr size_t k_max_word_chars = 32;

enum class TokenKind { Word, Cjk };

struct QueryTerm {
  std::string text;  // normalized token
  TokenKind kind = TokenKind::Word;  // Word terms match by prefix, Cjk terms exactly
  bool operator==(const QueryTerm&) const = default;
};

// NFKC, then Unicode default lowercase mapping (what JavaScript's
// `s.normalize('NFKC').toLowerCase()` does), with variation selectors removed.
// Invalid UTF-8 bytes become U+FFFD.
std::string normalize(std::string_view text);

// True for the code points indexed one by one plus overlapping pairs (Han, kana, Hangul, Bopomofo:
// the range table in README.md).
bool is_cjk_letter(char32_t c);

// True for the code points that make up words (general category L, M or N and not CJK).
bool is_word_char(char32_t c);

// Calls `emit(token, kind)` for every index-time token of `text`, in order, duplicates included:
// each word; for each CJK run c1…cn the tokens c1, c1c2, c2, c2c3, …, cn.
// `text` is normalized first unless `normalized` is true.
template <typename Emit>
void for_each_token(std::string_view text, Emit&& emit, bool normalized = false);

// Index-time tokens of `text` as a list (tests and small inputs; see for_each_token).
std::vector<std::string> tokenize(std::string_view text);

// Query-time terms of `text`: each word (matched by prefix); each CJK run of one character as
// that character, of two or more as its overlapping pairs (each pair implies its characters).
// Duplicates removed, first occurrence kept.
std::vector<QueryTerm> query_terms(std::string_view text);

// ---- implementation of the template ----
namespace detail {
struct Run {
  size_t begin, end;  // byte range in the normalized text
  TokenKind kind;
};
// Splits normalized text into word and CJK runs.
std::vector<Run> split_runs(std::string_view normalized);
char32_t next_code_point(std::string_view s, size_t& pos);
}  // namespace detail

template <typename Emit>
void for_each_token(std::string_view text, Emit&& emit, bool normalized) {
  std::string owned;
  if (!normalized) {
    owned = normalize(text);
    text = owned;
  }
  for (const auto& run : detail::split_runs(text)) {
    std::string_view r = text.substr(run.begin, run.end - run.begin);
    if (run.kind == TokenKind::Word) {
      emit(r, TokenKind::Word);
      continue;
    }
    size_t pos = 0, prev = std::string_view::npos;
    while (pos < r.size()) {
      size_t start = pos;
      detail::next_code_point(r, pos);
      if (prev != std::string_view::npos) emit(r.substr(prev, pos - prev), TokenKind::Cjk);
      emit(r.substr(start, pos - start), TokenKind::Cjk);
      prev = start;
    }
  }
}

}  // namespace haven::search
