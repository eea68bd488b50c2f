#include "base/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace haven::base {

namespace {

constexpr unsigned k_stat_mask = STATX_SIZE | STATX_INO | STATX_BTIME | STATX_MTIME | STATX_CTIME;

FileStat from_statx(const struct statx& sx) {
  auto ms = [](const struct statx_timestamp& ts) {
    return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec / 1000000);
  };
  FileStat st;
  st.ok = true;
  st.size = sx.stx_size;
  st.mtime_ns = static_cast<int64_t>(sx.stx_mtime.tv_sec) * 1000000000 + sx.stx_mtime.tv_nsec;
  st.inode = sx.stx_ino;
  st.times.modify_ms = ms(sx.stx_mtime);
  st.times.change_ms = ms(sx.stx_ctime);
  st.times.birth_ms = (sx.stx_mask & STATX_BTIME) ? ms(sx.stx_btime) : st.times.change_ms;
  return st;
}

} // namespace

FileStat stat_file(const fs::path& path) {
  struct statx sx{};
  if (::statx(AT_FDCWD, path.c_str(), 0, k_stat_mask, &sx) != 0) return {};
  return from_statx(sx);
}

Result<std::string> read_file(const fs::path& path, FileStat* stat) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::unexpected(error(std::string("cannot read file: ") + std::strerror(errno), path.string()));
  }
  struct statx sx{};
  FileStat st;
  if (::statx(fd, "", AT_EMPTY_PATH, k_stat_mask, &sx) == 0) st = from_statx(sx);
  if (stat) *stat = st;
  size_t expected = static_cast<size_t>(st.size);
  // read straight into the string (no copy through a buffer): room for one byte more than the
  // file has, so that the read after the last byte sees the end; doubled if the file grew
  std::string data;
  size_t used = 0;
  int failed = 0;
  bool at_end = false;
  for (size_t want = std::max<size_t>(expected + 1, 4096); !at_end && !failed; want = 2 * used) {
    // (the size the operation is given is ignored: GCC 12 passes the grown capacity there)
    data.resize_and_overwrite(want, [&](char* p, size_t) {
      while (used < want) {
        ssize_t n = ::read(fd, p + used, want - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          failed = n < 0 ? errno : 0;
          at_end = n == 0;
          break;
        }
        used += static_cast<size_t>(n);
      }
      return used;
    });
  }
  ::close(fd);
  if (failed) return std::unexpected(error(std::string("cannot read file: ") + std::strerror(failed), path.string()));
  return data;
}

Result<bool> write_file(const fs::path& path, std::string_view data, bool skip_if_same) {
  if (skip_if_same) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (!ec && size == data.size()) {
      auto existing = read_file(path);
      if (existing && *existing == data) return false;
    }
  }
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return std::unexpected(error(std::string("cannot write file: ") + std::strerror(errno), path.string()));
  }
  if (auto r = write_all(fd, data, path.native()); !r) return std::unexpected(r.error());
  ::close(fd);
  return true;
}

Result<void> write_all(int fd, std::span<const std::string_view> pieces, std::string_view path) {
  constexpr size_t k_batch = 64;  // pieces per writev (a page has a few; no allocation)
  std::array<struct iovec, k_batch> iov;
  size_t next = 0;    // the first piece not written whole
  size_t offset = 0;  // how much of it was written
  while (next < pieces.size()) {
    size_t count = 0;
    for (size_t k = next; k < pieces.size() && count < k_batch; ++k) {
      std::string_view p = k == next ? pieces[k].substr(offset) : pieces[k];
      if (!p.empty()) iov[count++] = {const_cast<char*>(p.data()), p.size()};
    }
    if (count == 0) break;  // only empty pieces left
    ssize_t n = ::writev(fd, iov.data(), static_cast<int>(count));
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return std::unexpected(error(std::string("cannot write file: ") + std::strerror(saved), std::string(path)));
    }
    // skip what was written: whole pieces, then the front of a partly written one
    size_t done = offset + static_cast<size_t>(n);
    while (next < pieces.size() && done >= pieces[next].size()) done -= pieces[next++].size();
    offset = done;
  }
  return {};
}

Result<void> write_all(int fd, std::string_view data, std::string_view path) {
  return write_all(fd, std::span<const std::string_view>(&data, 1), path);
}


std::string relative_slash(const fs::path& path, const fs::path& base) {
  return path.lexically_relative(base).generic_string();
}

} // namespace haven::base
