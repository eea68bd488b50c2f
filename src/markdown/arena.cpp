#include "markdown/arena.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace haven::markdown::detail {

namespace {

constexpr size_t k_align = 16;                       // malloc's alignment on x86-64, and operator new[]'s
constexpr size_t k_header = 16;                      // each block's size, before it (keeps the alignment)
constexpr size_t k_first_chunk = size_t{256} << 10;  // a typical post needs less
constexpr size_t k_keep_bytes = size_t{8} << 20;     // kept per thread between documents; more is freed

constexpr size_t rounded(size_t n) { return (n + k_align - 1) & ~(k_align - 1); }

struct Chunk {
  std::unique_ptr<std::byte[]> data;
  size_t size = 0;
};

// A thread's chunks, filled front to back: the next block goes at `used` in chunks[current].
struct Arena {
  std::vector<Chunk> chunks;
  size_t current = 0;
  size_t used = 0;
  std::byte* last = nullptr;  // the latest block, at the end of chunks[current]: realloc grows it in place
  int depth = 0;              // live ArenaScopes on this thread

  static size_t& size_of(std::byte* block) { return *reinterpret_cast<size_t*>(block - k_header); }

  std::byte* allocate(size_t n) {
    const size_t need = k_header + rounded(n);
    while (current < chunks.size() && used + need > chunks[current].size) {
      ++current;  // the tail of a chunk too small for this block stays unused until the release
      used = 0;
    }
    if (current == chunks.size()) {
      size_t size = std::max(need, chunks.empty() ? k_first_chunk : chunks.back().size * 2);
      chunks.push_back({std::make_unique_for_overwrite<std::byte[]>(size), size});
    }
    std::byte* block = chunks[current].data.get() + used + k_header;
    used += need;
    size_of(block) = n;
    last = block;
    return block;
  }

  std::byte* reallocate(std::byte* block, size_t n) {
    if (!block) return allocate(n);
    const size_t old = size_of(block);
    if (n <= old) {
      size_of(block) = n;
      return block;
    }
    if (block == last && used - rounded(old) + rounded(n) <= chunks[current].size) {
      used = used - rounded(old) + rounded(n);
      size_of(block) = n;
      return block;
    }
    std::byte* moved = allocate(n);
    std::memcpy(moved, block, old);
    return moved;
  }

  void release_to(size_t chunk, size_t at) {
    current = chunk;
    used = at;
    last = nullptr;
    if (depth > 0) return;
    // no document in progress: keep the first chunks up to k_keep_bytes, free what a freak grew
    size_t kept = 0, count = 0;
    while (count < chunks.size() && (count == 0 || kept + chunks[count].size <= k_keep_bytes)) kept += chunks[count++].size;
    chunks.resize(count);
  }
};

Arena& arena() {
  thread_local Arena a;
  return a;
}

void* arena_calloc(size_t count, size_t size) {
  size_t n = count * size;
  if (size != 0 && n / size != count) return nullptr;  // overflow, as calloc
  std::byte* p = arena().allocate(n);
  std::memset(p, 0, n);
  return p;
}

void* arena_realloc(void* p, size_t n) { return arena().reallocate(static_cast<std::byte*>(p), n); }

void arena_free(void*) {}  // the scope's end frees

cmark_mem k_arena_mem = {arena_calloc, arena_realloc, arena_free};

} // namespace

ArenaScope::ArenaScope() {
  Arena& a = arena();
  m_chunk = a.current;
  m_used = a.used;
  ++a.depth;
}

ArenaScope::~ArenaScope() {
  Arena& a = arena();
  --a.depth;
  a.release_to(m_chunk, m_used);
}

cmark_mem* ArenaScope::mem() { return &k_arena_mem; }

} // namespace haven::markdown::detail
