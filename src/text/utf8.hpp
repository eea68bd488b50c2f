// UTF-8 primitives: validation, decoding, display width (East Asian Width), NFC and the CJK
// letter test that word counts and slugs share. All strings are UTF-8.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace haven::text {

// Byte offset of the first ill-formed sequence (overlong forms, surrogates, code points above
// U+10FFFF, stray continuation bytes, truncated sequences); nullopt when `s` is valid UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view s);

// Decodes the code point starting at byte `pos` and advances `pos` past it. An ill-formed
// sequence yields U+FFFD and advances by one byte; at or past the end returns 0 without moving.
char32_t decode_utf8(std::string_view s, size_t& pos);

// Appends the UTF-8 encoding of `c` (U+FFFD for surrogates and values above U+10FFFF).
void append_utf8(std::string& out, char32_t c);

// Terminal columns `s` occupies: East Asian Wide and Fullwidth code points take 2, combining
// marks, format characters and controls take 0, everything else 1.
size_t display_width(std::string_view s);

// Display width of one code point (see display_width).
size_t display_width(char32_t c);

// Unicode Normalization Form C of `s` (invalid bytes become U+FFFD).
std::string to_nfc(std::string_view s);

// True for CJK *letters*: Han ideographs (all extension blocks, compatibility ideographs, 〇 and
// 々), Hiragana, Katakana (incl. half-width) and Hangul syllables/jamo. CJK punctuation (、。「」),
// full-width forms (：，Ａ) and symbols are not letters and return false.
bool is_cjk(char32_t c);

// JavaScript's \s (and String.prototype.trim's whitespace): ASCII whitespace, NBSP, U+1680,
// U+2000–U+200A, line and paragraph separators, U+202F, U+205F, U+3000 and the BOM.
bool is_js_space(char32_t c);

} // namespace haven::text
