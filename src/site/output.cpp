#include "site/output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "base/fs.hpp"

namespace haven::site {

namespace fs = std::filesystem;

base::Result<void> OutputSet::add(std::string path, OutputFile file, std::vector<base::Diagnostic>* warnings) {
  std::lock_guard lock(m_mutex);
  auto it = m_files.find(path);
  if (it != m_files.end()) {
    if (!file.generated && !it->second.generated) {
      return std::unexpected(base::error(fmt::format(
          "two sources write the same output file \"{}\": {} and {}", path, it->second.origin, file.origin)));
    }
    if (warnings) {
      base::Diagnostic w = base::error(fmt::format("\"{}\" from {} replaces the one from {}", path, file.origin,
                                                   it->second.origin));
      w.severity = base::Severity::Warning;
      warnings->push_back(std::move(w));
    }
    it->second = std::move(file);
    return {};
  }
  m_files.emplace(std::move(path), std::move(file));
  return {};
}

namespace {

// True when `existing` already holds exactly what `file` would write.
bool same_content(const fs::path& existing, const OutputFile& file) {
  std::error_code ec;
  auto size = fs::file_size(existing, ec);
  if (ec) return false;
  if (!file.copy_from.empty()) {
    auto src_size = fs::file_size(file.copy_from, ec);
    if (ec || src_size != size) return false;
    auto a = base::read_file(existing), b = base::read_file(file.copy_from);
    return a && b && *a == *b;
  }
  if (size != file.bytes().size()) return false;
  auto a = base::read_file(existing);
  return a && *a == file.bytes();
}

size_t count_files(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) ++n;
  }
  return n;
}

} // namespace

base::Result<CommitStats> commit_output(const fs::path& out_dir, const std::map<std::string, OutputFile>& files) {
  CommitStats stats;
  std::error_code ec;
  fs::path parent = out_dir.parent_path().empty() ? fs::path(".") : out_dir.parent_path();
  std::string name = out_dir.filename().string();
  fs::path staging = parent / fmt::format(".{}.haven-new-{}", name, ::getpid());
  fs::path retired = parent / fmt::format(".{}.haven-old-{}", name, ::getpid());
  fs::remove_all(staging, ec);
  fs::remove_all(retired, ec);
  fs::create_directories(staging, ec);
  if (ec) return std::unexpected(base::error("cannot create output folder: " + ec.message(), staging.string()));

  const bool had_previous = fs::is_directory(out_dir, ec);
  size_t carried = 0;
  auto fail = [&](base::Diagnostic d) -> base::Result<CommitStats> {
    std::error_code ignore;
    fs::remove_all(staging, ignore);
    return std::unexpected(std::move(d));
  };

  for (const auto& [path, file] : files) {
    fs::path target = staging / fs::path(path);
    fs::create_directories(target.parent_path(), ec);
    fs::path previous = out_dir / fs::path(path);
    if (had_previous && same_content(previous, file)) {
      std::error_code link_ec;
      fs::create_hard_link(previous, target, link_ec);
      if (!link_ec) {
        ++stats.unchanged;
        ++carried;
        continue;
      }
    }
    if (!file.copy_from.empty()) {
      fs::copy_file(file.copy_from, target, fs::copy_options::overwrite_existing, ec);
      if (ec) return fail(base::error("cannot copy file: " + ec.message(), file.copy_from.string()));
    } else if (auto w = base::write_file(target, file.bytes()); !w) {
      return fail(w.error());
    }
    ++stats.written;
  }

  if (had_previous) {
    stats.removed = count_files(out_dir) - carried;
    fs::rename(out_dir, retired, ec);
    if (ec) return fail(base::error("cannot replace output folder: " + ec.message(), out_dir.string()));
  }
  fs::rename(staging, out_dir, ec);
  if (ec) {
    std::error_code ignore;
    if (had_previous) fs::rename(retired, out_dir, ignore);
    return fail(base::error("cannot move new output into place: " + ec.message(), out_dir.string()));
  }
  fs::remove_all(retired, ec);
  return stats;
}

} // namespace haven::site
