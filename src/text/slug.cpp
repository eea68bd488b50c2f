#include "text/slug.hpp"

#include <memory>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "text/utf8.hpp"

namespace haven::text {

namespace {

// Letters whose base form is not reachable by canonical decomposition, following the
// diacritics map hexo-util uses (ligatures, stroked letters, ß).
struct Fold {
  char32_t from;
  const char* to;
};
constexpr Fold k_folds[] = {
    {U'Æ', "AE"}, {U'æ', "ae"}, {U'Ø', "O"},  {U'ø', "o"},  {U'ß', "s"},  {U'ẞ', "S"},
    {U'Œ', "OE"}, {U'œ', "oe"}, {U'Đ', "D"},  {U'đ', "d"},  {U'Ð', "D"},  {U'ð', "d"},
    {U'Ł', "L"},  {U'ł', "l"},  {U'Ħ', "H"},  {U'ħ', "h"},  {U'ı', "i"},  {U'Ŧ', "T"},
    {U'ŧ', "t"},  {U'Ŀ', "L"},  {U'ŀ', "l"},  {U'Ǳ', "DZ"}, {U'ǲ', "Dz"}, {U'ǳ', "dz"},
    {U'Ǆ', "DZ"}, {U'ǅ', "Dz"}, {U'ǆ', "dz"}, {U'Ǉ', "LJ"}, {U'ǈ', "Lj"}, {U'ǉ', "lj"},
    {U'Ǌ', "NJ"}, {U'ǋ', "Nj"}, {U'ǌ', "nj"}, {U'Ƀ', "B"},  {U'ƀ', "b"},  {U'Ɨ', "I"},
    {U'ɨ', "i"},  {U'Ƶ', "Z"},  {U'ƶ', "z"},  {U'Ɍ', "R"},  {U'ɍ', "r"},  {U'Ɏ', "Y"},
    {U'ɏ', "y"},  {U'ƒ', "f"},  {U'Ɖ', "D"},  {U'ɖ', "d"},  {U'Ɗ', "D"},  {U'ɗ', "d"},
};

// Appends the base letters of `c` and returns true, or returns false to keep `c` as is.
bool fold_diacritic(char32_t c, std::string& out) {
  for (const Fold& f : k_folds) {
    if (f.from == c) {
      out += f.to;
      return true;
    }
  }
  if (c >= 0xFF21 && c <= 0xFF3A) {  // full-width A–Z
    out += static_cast<char>('A' + (c - 0xFF21));
    return true;
  }
  if (c >= 0xFF41 && c <= 0xFF5A) {  // full-width a–z
    out += static_cast<char>('a' + (c - 0xFF41));
    return true;
  }
  if (c >= 0x24B6 && c <= 0x24CF) {  // circled Ⓐ–Ⓩ
    out += static_cast<char>('A' + (c - 0x24B6));
    return true;
  }
  if (c >= 0x24D0 && c <= 0x24E9) {  // circled ⓐ–ⓩ
    out += static_cast<char>('a' + (c - 0x24D0));
    return true;
  }
  // Latin letters with marks: strip the marks if the decomposition is an ASCII letter + marks.
  bool latin = (c >= 0xC0 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF);
  if (!latin) return false;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return false;
  icu::UnicodeString decomposition;
  if (!nfd->getDecomposition(static_cast<UChar32>(c), decomposition) || decomposition.isEmpty()) {
    return false;
  }
  UChar32 base = decomposition.char32At(0);
  if (base >= 0x80 || !u_isalpha(base)) return false;
  out += static_cast<char>(base);
  return true;
}

bool is_slug_punct(char32_t c) {
  if (c >= 0x80) return false;
  switch (static_cast<char>(c)) {
    case '~': case '`': case '!': case '@': case '#': case '$': case '%': case '^': case '&':
    case '*': case '(': case ')': case '-': case '_': case '+': case '=': case '[': case ']':
    case '{': case '}': case '|': case '\\': case ';': case ':': case '"': case '\'': case '<':
    case '>': case ',': case '.': case '?': case '/':
      return true;
    default:
      return false;
  }
}

std::string change_case(const std::string& s, bool upper) {
  bool ascii = true;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    std::string out = s;
    for (char& c : out) {
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return out;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  if (upper) u.toUpper(icu::Locale::getRoot());
  else u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

} // namespace

std::string slugize(std::string_view s, int transform) {
  std::string out;
  out.reserve(s.size());
  bool pending_sep = false;  // a separator run was seen since the last kept character
  size_t pos = 0;
  // Folding runs first in hexo-util, so a folded character is judged by its replacement; no
  // replacement contains separators or controls, so a single pass is equivalent.
  while (pos < s.size()) {
    char32_t c = decode_utf8(s, pos);
    if (c <= 0x1F) continue;  // deleted outright, so it does not split a word
    if (is_js_space(c) || is_slug_punct(c)) {
      pending_sep = true;
      continue;
    }
    if (pending_sep && !out.empty()) out += '-';
    pending_sep = false;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (!fold_diacritic(c, out)) {
      append_utf8(out, c);
    }
  }
  if (transform == 1) return change_case(out, false);
  if (transform == 2) return change_case(out, true);
  return out;
}

std::string pinyin_slug(std::string_view s) {
  thread_local std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        "Han-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t.reset();
    return t;
  }();
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  std::string latin;
  if (transliterator) {
    transliterator->transliterate(u);
    u.toUTF8String(latin);
  } else {
    latin = change_case(std::string(s), false);
  }
  std::string out;
  bool pending_sep = false;
  for (char c : latin) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!keep) {
      pending_sep = true;
      continue;
    }
    if (pending_sep && !out.empty()) out += '-';
    pending_sep = false;
    out += c;
  }
  return out;
}

} // namespace haven::text
