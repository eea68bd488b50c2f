// URL slugs: hexo-util's slugize (tags, categories, heading ids) and an optional pinyin slug for
// permalinks of Chinese titles.
#pragma once

#include <string>
#include <string_view>

namespace haven::text {

// hexo-util slugize: diacritics to base letters (é→e, Æ→AE, ß→s, Ａ→A), U+0000–U+001F deleted,
// runs of JS whitespace and of the ASCII punctuation ~`!@#$%^&*()-_+=[]{}|\;:"'<>,.?/ become
// one '-', leading/trailing '-' trimmed. CJK and full-width punctuation are kept.
// `transform`: 0 keep case, 1 lower case, 2 upper case (ASCII and Unicode letters).
std::string slugize(std::string_view s, int transform = 0);

// A pinyin slug through ICU "Han-Latin; Latin-ASCII; Lower", with every run of characters other
// than [a-z0-9] turned into one '-' and the ends trimmed ("依恋：心" → "yi-lian-xin").
// One transliterator per thread is built lazily (the first costs ~100 ms of rule loading).
std::string pinyin_slug(std::string_view s);

} // namespace haven::text
