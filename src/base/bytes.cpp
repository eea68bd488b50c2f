#include "base/bytes.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace haven::base {

size_t find_bytes(std::string_view hay, std::string_view needle, size_t from) {
  constexpr size_t npos = std::string_view::npos;
  if (from > hay.size()) return npos;
  const size_t n = needle.size();
  if (n == 0) return from;
  if (hay.size() - from < n) return npos;
  const char* base = hay.data();
  const size_t last_start = hay.size() - n;  // the last position the needle can start at
  size_t i = from;
#if defined(__SSE2__)
  if (n >= 2) {
    const __m128i first = _mm_set1_epi8(needle.front());
    const __m128i last = _mm_set1_epi8(needle.back());
    // 16 candidate starts at a time while the block's last-byte load stays inside `hay`
    for (; i + 16 <= last_start + 1; i += 16) {
      __m128i at_first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + i));
      __m128i at_last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + i + n - 1));
      unsigned mask = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(at_first, first), _mm_cmpeq_epi8(at_last, last))));
      while (mask != 0) {
        unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
        if (n == 2 || std::memcmp(base + i + bit + 1, needle.data() + 1, n - 2) == 0) return i + bit;
        mask &= mask - 1;
      }
    }
  }
#endif
  // the remaining starts (fewer than 16, or all of them without SSE2)
  const void* at = ::memmem(base + i, hay.size() - i, needle.data(), n);
  return at ? static_cast<size_t>(static_cast<const char*>(at) - base) : npos;
}

} // namespace haven::base
