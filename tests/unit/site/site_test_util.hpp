// Helpers for whole-site tests: temporary sites (copied fixtures or inline files), builds, and
// reading what a build wrote.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <unistd.h>

#include <fmt/format.h>

#include "base/fs.hpp"
#include "site/build.hpp"
#include "text/diagnostic_format.hpp"

namespace haven::testing {

namespace fs = std::filesystem;

// A temporary folder removed when the test ends.
class TempDir {
public:
  TempDir() {
    static int counter = 0;
    m_path = fs::temp_directory_path() /
             ("haven-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }

private:
  fs::path m_path;
};

inline void write_text(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const fs::path& path) {
  auto r = base::read_file(path);
  return r ? *r : std::string();
}

// Every file under `dir`, as slash-separated relative paths.
inline std::set<std::string> list_files(const fs::path& dir) {
  std::set<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.insert(e.path().lexically_relative(dir).generic_string());
  }
  return out;
}

// Copies `from` to `to` and gives every file the mtime the Hexo ground truth was made with
// (2025-12-01 00:00:00 UTC), so `updated` values match.
inline void copy_fixture(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  // 2025-12-01T00:00:00Z = 1764547200 s since the epoch
  auto when = std::chrono::file_clock::from_sys(std::chrono::system_clock::time_point(std::chrono::seconds(1764547200)));
  for (auto& e : fs::recursive_directory_iterator(to)) {
    if (e.is_regular_file()) fs::last_write_time(e.path(), when);
  }
}

inline std::string describe(const std::vector<base::Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) s += text::format_diagnostic(d);
  return s;
}

} // namespace haven::testing
