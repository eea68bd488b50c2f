// The disk floor for bench/compare.sh: writes the same files (paths and sizes) as a reference
// output folder into a fresh folder, as fast as plain POSIX writes on all cores allow, so an
// engine's build time can be compared with the time merely writing its output takes.
// Usage: bench_floor REFERENCE_DIR TARGET_DIR   (TARGET_DIR is removed first)
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s REFERENCE_DIR TARGET_DIR\n", argv[0]);
    return 2;
  }
  const fs::path reference = argv[1], target = argv[2];
  struct Entry {
    std::string rel;
    size_t size;
  };
  std::vector<Entry> files;
  size_t largest = 0, total = 0;
  for (const auto& e : fs::recursive_directory_iterator(reference)) {
    if (!e.is_regular_file()) continue;
    size_t size = e.file_size();
    files.push_back({e.path().lexically_relative(reference).string(), size});
    largest = std::max(largest, size);
    total += size;
  }
  std::sort(files.begin(), files.end(), [](const Entry& a, const Entry& b) { return a.rel < b.rel; });
  fs::remove_all(target);  // callers remove it beforehand, outside the timing, as for the engines
  // from here on only creating folders and writing files (timed by /usr/bin/time around the
  // whole program, the scan above included: small next to the writes)
  const std::string filler(largest, 'x');
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      fs::path path = target / files[i].rel;
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || ::write(fd, filler.data(), files[i].size) != static_cast<ssize_t>(files[i].size)) failed = true;
      if (fd >= 0) ::close(fd);
    }
  };
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (failed) {
    std::fprintf(stderr, "bench_floor: writing failed\n");
    return 1;
  }
  std::printf("floor: wrote %zu files, %zu bytes with %u threads\n", files.size(), total, threads);
  return 0;
}
