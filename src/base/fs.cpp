#include "base/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <climits>
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
  std::vector<struct iovec> iov;
  iov.reserve(std::min<size_t>(pieces.size(), IOV_MAX));
  size_t next = 0;  // the first piece not in `iov` yet
  while (next < pieces.size() || !iov.empty()) {
    while (iov.size() < IOV_MAX && next < pieces.size()) {
      if (!pieces[next].empty()) iov.push_back({const_cast<char*>(pieces[next].data()), pieces[next].size()});
      ++next;
    }
    if (iov.empty()) break;
    ssize_t n = ::writev(fd, iov.data(), static_cast<int>(iov.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return std::unexpected(error(std::string("cannot write file: ") + std::strerror(saved), std::string(path)));
    }
    // drop what was written: whole pieces, then the front of a partly written one
    auto done = static_cast<size_t>(n);
    size_t k = 0;
    while (k < iov.size() && done >= iov[k].iov_len) done -= iov[k++].iov_len;
    iov.erase(iov.begin(), iov.begin() + static_cast<std::ptrdiff_t>(k));
    if (done > 0) {
      iov[0].iov_base = static_cast<char*>(iov[0].iov_base) + done;
      iov[0].iov_len -= done;
    }
  }
  return {};
}

Result<void> write_all(int fd, std::string_view data, std::string_view path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return std::unexpected(error(std::string("cannot write file: ") + std::strerror(saved), std::string(path)));
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

FileTimes file_times(const fs::path& path) { return stat_file(path).times; }

std::string relative_slash(const fs::path& path, const fs::path& base) {
  return path.lexically_relative(base).generic_string();
}

} // namespace haven::base
