// Thin std::filesystem wrappers that report failures as Diagnostics instead of throwing.
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include "base/diagnostic.hpp"

namespace haven::base {

namespace fs = std::filesystem;

struct FileTimes {
  double birth_ms = 0;  // creation time (statx btime), or ctime where the filesystem lacks it
  double modify_ms = 0; // mtime
  double change_ms = 0; // ctime
};

// A file's identity (size, mtime and inode change whenever it is written or replaced) and times.
struct FileStat {
  bool ok = false;  // false when the file could not be stat'ed (everything else zero)
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  FileTimes times;
};
// `path`'s identity and times (epoch milliseconds) from one statx; all zero when it cannot be
// stat'ed.
FileStat stat_file(const fs::path& path);

// The whole file as bytes; `stat`, when given, receives the opened file's identity and times
// (taken before reading, with the same statx that sizes the read: no extra system call).
Result<std::string> read_file(const fs::path& path, FileStat* stat = nullptr);

// Writes `data` to `path`, creating parent folders; when `skip_if_same` and the file already
// holds exactly these bytes it is left untouched (returns false). Returns true when written.
Result<bool> write_file(const fs::path& path, std::string_view data, bool skip_if_same = false);

// Writes all of `data` to the open file `fd` (retrying short writes and EINTR). On error `fd`
// is closed and the error names `path` (a string: no fs::path is built per file written); on
// success the caller still owns and closes `fd`.
Result<void> write_all(int fd, std::string_view data, std::string_view path);
// write_all of `pieces` one after the other, with writev (no copy into one buffer).
Result<void> write_all(int fd, std::span<const std::string_view> pieces, std::string_view path);


// `path` relative to `base` with forward slashes ("_posts/a.md").
std::string relative_slash(const fs::path& path, const fs::path& base);

} // namespace haven::base
