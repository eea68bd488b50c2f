// Memory for cmark-gfm while one document is parsed, rewritten and rendered: a bump allocator
// per thread, handed to cmark as its cmark_mem, and given back whole when the document is done.
// A post makes thousands of small nodes and buffers; through malloc their allocation and freeing
// was about a quarter of the Markdown phase.
#pragma once

#include <cmark-gfm.h>

#include <cstddef>

namespace haven::markdown::detail {

// While alive, this thread's arena serves `mem()`; what was allocated since it was made is
// released (for reuse by the thread) when it goes. Scopes nest: a document rendered while
// another one is renders on top of it.
class ArenaScope {
public:
  ArenaScope();
  ~ArenaScope();
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;

  // cmark's allocator on this thread's arena: calloc zeroes, realloc keeps the bytes, free does
  // nothing (the scope's end frees). Only valid while a scope is alive on this thread.
  static cmark_mem* mem();

private:
  size_t m_chunk;
  size_t m_used;
};

} // namespace haven::markdown::detail
