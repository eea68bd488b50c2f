// Fast byte-string search for scans over whole rendered pages (a 10,000-post build scans 1 GB).
#pragma once

#include <cstddef>
#include <string_view>

namespace haven::base {

// Position of the first `needle` in `hay` at or after `from`, or std::string_view::npos (also
// when `from` is past the end). An empty needle is found at `from`. Same result as
// std::string_view::find, several times faster on HTML: it tests the needle's first and last byte
// 16 positions at a time (SSE2) and compares the rest only where both match, where glibc's memmem
// and std::string::find stop at every '<' or 'h'.
size_t find_bytes(std::string_view hay, std::string_view needle, size_t from = 0);

} // namespace haven::base
