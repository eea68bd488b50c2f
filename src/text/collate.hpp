// Locale-aware ordering of names (tags, categories): Chinese by pinyin, Han before Latin.
#pragma once

#include <string_view>

namespace haven::text {

// Compares two UTF-8 strings with ICU's "zh" collator (pinyin order; Han sorts before Latin).
// Returns <0, 0 or >0. Uses one collator per thread; falls back to byte order if ICU fails.
int compare_collated(std::string_view a, std::string_view b);

} // namespace haven::text
