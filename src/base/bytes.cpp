#include "base/bytes.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace haven::base {

namespace {

// The first start in a block at `i` whose bit is set in `mask` (the needle's first and last byte
// match there) where the bytes between match too; npos when none does.
inline size_t match_in_block(const char* base, size_t i, unsigned mask, std::string_view needle) {
  const size_t n = needle.size();
  for (; mask != 0; mask &= mask - 1) {
    unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
    if (n == 2 || std::memcmp(base + i + bit + 1, needle.data() + 1, n - 2) == 0) return i + bit;
  }
  return std::string_view::npos;
}

#if defined(__x86_64__)
// find_bytes's block loop 32 candidate starts at a time, for CPUs with AVX2 (checked at run
// time: the build targets baseline x86-64). Scans of whole pages halve their instructions.
// Returns the first match, or in `i` where the scalar tail should go on.
__attribute__((target("avx2"))) size_t find_blocks_avx2(const char* base, size_t& i, size_t last_start,
                                                          std::string_view needle) {
  const size_t n = needle.size();
  const __m256i first = _mm256_set1_epi8(needle.front());
  const __m256i last = _mm256_set1_epi8(needle.back());
  for (; i + 32 <= last_start + 1; i += 32) {
    __m256i at_first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + i));
    __m256i at_last = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + i + n - 1));
    unsigned mask = static_cast<unsigned>(
        _mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(at_first, first), _mm256_cmpeq_epi8(at_last, last))));
    if (size_t found = match_in_block(base, i, mask, needle); found != std::string_view::npos) return found;
  }
  return std::string_view::npos;
}

const bool k_has_avx2 = __builtin_cpu_supports("avx2");
#endif

} // namespace

size_t find_bytes(std::string_view hay, std::string_view needle, size_t from) {
  constexpr size_t npos = std::string_view::npos;
  if (from > hay.size()) return npos;
  const size_t n = needle.size();
  if (n == 0) return from;
  if (hay.size() - from < n) return npos;
  const char* base = hay.data();
  const size_t last_start = hay.size() - n;  // the last position the needle can start at
  size_t i = from;
#if defined(__x86_64__)
  if (n >= 2 && k_has_avx2) {
    size_t found = find_blocks_avx2(base, i, last_start, needle);
    if (found != npos) return found;
  }
#endif
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
      if (size_t found = match_in_block(base, i, mask, needle); found != npos) return found;
    }
  }
#endif
  // the remaining starts (fewer than 16, or all of them without SSE2)
  const void* at = ::memmem(base + i, hay.size() - i, needle.data(), n);
  return at ? static_cast<size_t>(static_cast<const char*>(at) - base) : npos;
}

} // namespace haven::base
