// Touches MEGABYTES of fresh memory, then exits (giving it back). bench/compare.mjs runs it
// before each timed build: on a VM with free page reporting (this machine's Firecracker guest,
// page_reporting_order=11) freed memory is handed back to the host, and touching it again costs
// ~1.8 s per GB instead of ~0.3 s, so a build's speed depended on how much memory the job before
// it had just freed. After this, every build starts from the same state, as on bare metal.
// Usage: bench_warm_memory [MEGABYTES=3072]
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 3072;
  const size_t bytes = megabytes << 20;
  void* block = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) {
    std::perror("bench_warm_memory: mmap");
    return 1;
  }
  auto* page = static_cast<volatile char*>(block);
  for (size_t at = 0; at < bytes; at += 4096) page[at] = 1;  // one write per page makes it resident
  return 0;
}
