#include "site/output.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <unordered_set>

#include "base/fs.hpp"
#include "base/hash.hpp"

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

struct FileId {
  bool ok = false;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
};

FileId file_id(const char* path) {
  struct stat st {};
  if (::stat(path, &st) != 0) return {};
  return {true, static_cast<uint64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, static_cast<uint64_t>(st.st_ino)};
}

// The bytes of a file to write, in order: one piece for a whole string, several for a page with
// shared strings spliced in (none for a copied file).
using Pieces = std::vector<std::string_view>;

Pieces pieces_of(const OutputFile& file) { return file.copy_from.empty() ? Pieces{file.bytes()} : Pieces{}; }

Pieces pieces_of(const base::SplicedText& text) {
  Pieces pieces;
  pieces.reserve(2 * text.splices.size() + 1);
  text.for_each_piece([&](std::string_view p) { pieces.push_back(p); });
  return pieces;
}

// The manifest hash of a file: its bytes, or for a copied file the identity of its source.
uint64_t hash_of(const OutputFile& file, const Pieces& pieces) {
  if (file.copy_from.empty()) return base::content_hash(pieces);
  FileId id = file_id(file.copy_from.c_str());
  uint64_t parts[3] = {id.size, static_cast<uint64_t>(id.mtime_ns), id.inode};
  return base::content_hash(std::string_view(reinterpret_cast<const char*>(parts), sizeof parts),
                            base::content_hash(file.copy_from.string()));
}

// Whether `data` is exactly the concatenation of `pieces`.
bool same_bytes(std::string_view data, const Pieces& pieces) {
  for (std::string_view p : pieces) {
    if (!data.starts_with(p)) return false;
    data.remove_prefix(p.size());
  }
  return data.empty();
}

// True when `existing` already holds exactly what `file` (its bytes as `pieces`) would write.
bool same_content(const fs::path& existing, const OutputFile& file, const Pieces& pieces) {
  std::error_code ec;
  auto size = fs::file_size(existing, ec);
  if (ec) return false;
  if (!file.copy_from.empty()) {
    auto src_size = fs::file_size(file.copy_from, ec);
    if (ec || src_size != size) return false;
    auto a = base::read_file(existing), b = base::read_file(file.copy_from);
    return a && b && *a == *b;
  }
  size_t total = 0;
  for (std::string_view p : pieces) total += p.size();
  if (size != total) return false;
  auto a = base::read_file(existing);
  return a && same_bytes(*a, pieces);
}

// Writes `pieces` to a new file `path` whose folder exists (no folder checks: one open, one
// writev for the pieces, fstat, close); `id`, when given, receives the new file's identity.
base::Result<void> write_new_file(const std::string& path, const Pieces& pieces, FileId* id = nullptr) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(base::error(std::string("cannot write file: ") + std::strerror(errno), path));
  if (auto r = base::write_all(fd, pieces, path); !r) return r;
  if (id) {
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      *id = {true, static_cast<uint64_t>(st.st_size),
             static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, static_cast<uint64_t>(st.st_ino)};
    }
  }
  if (::close(fd) != 0) return std::unexpected(base::error(std::string("cannot write file: ") + std::strerror(errno), path));
  return {};
}

// Removes the tree at `dir` with its files unlinked in parallel; returns how many files it held.
size_t remove_tree(const fs::path& dir) {
  std::vector<fs::path> files, dirs;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path());
    else files.push_back(it->path());
  }
  tbb::parallel_for(size_t(0), files.size(), [&](size_t i) { ::unlink(files[i].c_str()); });
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());  // deepest first
  fs::remove_all(dir, ec);  // anything left (a failed unlink)
  return files.size();
}

} // namespace

fs::path manifest_path(const fs::path& out_dir) {
  fs::path parent = out_dir.parent_path().empty() ? fs::path(".") : out_dir.parent_path();
  return parent / fmt::format(".{}.haven.manifest", out_dir.filename().string());
}

std::optional<OutputManifest> read_manifest(const fs::path& out_dir) {
  auto text = base::read_file(manifest_path(out_dir));
  if (!text) return std::nullopt;
  std::string_view rest = *text;
  auto line = [&]() -> std::string_view {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) { rest = {}; return {}; }
    std::string_view l = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return l;
  };
  if (line() != "haven-manifest 1") return std::nullopt;
  OutputManifest m;
  size_t count = 0;
  if (std::sscanf(std::string(line()).c_str(), "inputs %" SCNx64, &m.inputs) != 1) return std::nullopt;
  if (std::sscanf(std::string(line()).c_str(), "valid_until %lf", &m.valid_until_ms) != 1) return std::nullopt;
  if (std::sscanf(std::string(line()).c_str(), "counts %zu %zu %zu", &m.posts, &m.pages, &m.rendered) != 3) return std::nullopt;
  if (std::sscanf(std::string(line()).c_str(), "files %zu", &count) != 1) return std::nullopt;
  m.files.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::string l(line());
    OutputManifest::Entry e;
    int consumed = 0;
    if (std::sscanf(l.c_str(), "%" SCNx64 " %" SCNu64 " %" SCNd64 " %" SCNu64 " %n", &e.hash, &e.size, &e.mtime_ns,
                    &e.inode, &consumed) != 4 || consumed <= 0) {
      return std::nullopt;
    }
    m.files.emplace(l.substr(static_cast<size_t>(consumed)), e);
  }
  return m;
}

namespace {

void write_manifest(const fs::path& out_dir, const OutputManifest& m) {
  std::string text = fmt::format("haven-manifest 1\ninputs {:x}\nvalid_until {}\ncounts {} {} {}\n", m.inputs,
                                 std::isfinite(m.valid_until_ms) ? m.valid_until_ms : 1e300, m.posts, m.pages, m.rendered);
  std::string entries;
  entries.reserve(m.files.size() * 80);
  size_t count = 0;
  for (const auto& [path, e] : m.files) {
    if (path.find('\n') != std::string::npos) continue;  // cannot be listed: that file is just not known
    fmt::format_to(std::back_inserter(entries), "{:x} {} {} {} {}\n", e.hash, e.size, e.mtime_ns, e.inode, path);
    ++count;
  }
  text += fmt::format("files {}\n", count) + entries;
  (void)base::write_file(manifest_path(out_dir), text);  // only an optimisation: failure is harmless
}

} // namespace

bool output_intact(const fs::path& out_dir, const OutputManifest& manifest) {
  std::vector<const std::pair<const std::string, OutputManifest::Entry>*> entries;
  entries.reserve(manifest.files.size());
  for (const auto& e : manifest.files) entries.push_back(&e);
  std::atomic<bool> intact{true};
  tbb::parallel_for(size_t(0), entries.size(), [&](size_t i) {
    if (!intact) return;
    const auto& [path, e] = *entries[i];
    FileId id = file_id((out_dir / path).c_str());
    if (!id.ok || id.size != e.size || id.mtime_ns != e.mtime_ns || id.inode != e.inode) intact = false;
  });
  if (!intact) return false;
  size_t files = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(out_dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_directory(ec) && ++files > manifest.files.size()) return false;
  }
  return !ec && files == manifest.files.size();
}

struct OutputWriter::Impl {
  fs::path out_dir, staging, retired;
  std::string staging_prefix;  // staging + "/": file paths are joined to it as plain strings
  OutputManifest* manifest = nullptr;
  bool had_previous = false;
  bool committed = false;
  std::optional<base::Diagnostic> setup_error;

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // folders of the staging tree each thread made or found made, looked up by string_view (no
  // copy per file) without a lock: a folder another thread made costs this thread one mkdir
  using DirSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;
  tbb::enumerable_thread_specific<DirSet> dirs;
  std::mutex mutex;                                   // guards the members below
  // reserved for a site's worth by the constructor, so it does not rehash while pages are written
  std::unordered_map<std::string, OutputManifest::Entry> entries;  // path → what was put
  size_t linked = 0;                                  // files hard-linked from the old tree
  std::unordered_set<std::string> kept_paths;         // paths of the old tree the new one has too

  // Makes the folders of `path` (relative) in the staging tree.
  base::Result<void> make_parents(const std::string& path) {
    size_t last = path.rfind('/');
    if (last == std::string::npos) return {};
    const std::string_view whole(path);
    DirSet& known = dirs.local();
    // a known parent folder has known ancestors too (they are made first): one lookup for most files
    if (known.find(whole.substr(0, last)) != known.end()) return {};
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      const std::string_view dir = whole.substr(0, slash);
      if (known.find(dir) != known.end()) continue;
      std::string full = staging_prefix;
      full += dir;
      if (::mkdir(full.c_str(), 0755) != 0 && errno != EEXIST) {
        return std::unexpected(base::error(std::string("cannot create output folder: ") + std::strerror(errno), full));
      }
      known.emplace(dir);
    }
    return {};
  }

  // Puts one file into the staging tree: a hard link to the old tree's copy when it is the same,
  // else its bytes, `pieces` (or a copy of `copy_from`).
  base::Result<void> put(const std::string& path, const OutputFile& file, const Pieces& pieces) {
    if (setup_error) return std::unexpected(*setup_error);
    if (auto r = make_parents(path); !r) return r;
    const std::string target = staging_prefix + path;
    uint64_t hash = manifest ? hash_of(file, pieces) : 0;
    auto record = [&](bool was_linked, FileId now) {
      OutputManifest::Entry e;
      if (manifest) {
        if (!now.ok) now = file_id(target.c_str());
        e = {hash, now.size, now.mtime_ns, now.inode};
      }
      std::lock_guard lock(mutex);
      entries[path] = e;
      if (was_linked) ++linked;
    };
    if (had_previous) {
      fs::path previous = out_dir / path;
      const OutputManifest::Entry* known = nullptr;
      if (manifest) {
        auto it = manifest->files.find(path);  // the previous manifest: not modified until commit
        if (it != manifest->files.end()) known = &it->second;
      }
      FileId id = known ? file_id(previous.c_str()) : FileId{};
      bool same = known && id.ok && id.size == known->size && id.mtime_ns == known->mtime_ns && id.inode == known->inode
                      ? known->hash == hash  // the file is as the manifest describes it: no need to read it
                      : same_content(previous, file, pieces);
      if (same && ::link(previous.c_str(), target.c_str()) == 0) {
        record(true, id);  // a hard link: the same inode, size and mtime as the old file
        std::lock_guard lock(mutex);
        kept_paths.insert(path);
        return {};
      }
      if (known ? id.ok : ::access(previous.c_str(), F_OK) == 0) {
        std::lock_guard lock(mutex);
        kept_paths.insert(path);
      }
    }
    FileId written;
    if (!file.copy_from.empty()) {
      std::error_code ec;
      fs::copy_file(file.copy_from, target, fs::copy_options::overwrite_existing, ec);
      if (ec) return std::unexpected(base::error("cannot copy file: " + ec.message(), file.copy_from.string()));
    } else if (auto w = write_new_file(target, pieces, manifest ? &written : nullptr); !w) {
      return w;
    }
    record(false, written);
    return {};
  }
};

OutputWriter::OutputWriter(fs::path out_dir, OutputManifest* manifest) : m_impl(std::make_unique<Impl>()) {
  Impl& w = *m_impl;
  w.out_dir = std::move(out_dir);
  w.manifest = manifest;
  w.entries.reserve(1 << 15);
  std::error_code ec;
  fs::path parent = w.out_dir.parent_path().empty() ? fs::path(".") : w.out_dir.parent_path();
  std::string name = w.out_dir.filename().string();
  w.staging = parent / fmt::format(".{}.haven-new-{}", name, ::getpid());
  w.staging_prefix = w.staging.string() + "/";
  w.retired = parent / fmt::format(".{}.haven-old-{}", name, ::getpid());
  fs::remove_all(w.staging, ec);
  fs::remove_all(w.retired, ec);
  fs::create_directories(w.staging, ec);
  if (ec) w.setup_error = base::error("cannot create output folder: " + ec.message(), w.staging.string());
  w.had_previous = fs::is_directory(w.out_dir, ec);
}

OutputWriter::~OutputWriter() {
  if (m_impl && !m_impl->committed) {
    std::error_code ignore;
    fs::remove_all(m_impl->staging, ignore);
  }
}

base::Result<void> OutputWriter::put(const std::string& path, const OutputFile& file) {
  return m_impl->put(path, file, pieces_of(file));
}

base::Result<void> OutputWriter::put(const std::string& path, const base::SplicedText& text) {
  return m_impl->put(path, OutputFile{}, pieces_of(text));
}

base::Result<CommitStats> OutputWriter::commit(const std::map<std::string, OutputFile>& files) {
  Impl& w = *m_impl;
  if (w.setup_error) return std::unexpected(*w.setup_error);
  CommitStats stats;

  // the files not streamed, in parallel (one put earlier and replaced since is put again)
  std::vector<const std::pair<const std::string, OutputFile>*> items;
  items.reserve(files.size());
  for (const auto& item : files) {
    if (item.second.streamed && w.entries.count(item.first)) continue;
    if (w.entries.count(item.first)) ::unlink((w.staging / item.first).c_str());
    items.push_back(&item);
  }
  std::mutex error_mutex;
  std::optional<base::Diagnostic> error;
  tbb::parallel_for(size_t(0), items.size(), [&](size_t i) {
    if (auto r = w.put(items[i]->first, items[i]->second, pieces_of(items[i]->second)); !r) {
      std::lock_guard lock(error_mutex);
      if (!error) error = r.error();
    }
  });
  if (error) return std::unexpected(std::move(*error));
  stats.unchanged = w.linked;
  stats.written = files.size() - w.linked;

  // the old manifest no longer describes the output once the swap starts
  std::error_code ec, ignore;
  fs::remove(manifest_path(w.out_dir), ignore);
  if (w.had_previous) {
    fs::rename(w.out_dir, w.retired, ec);
    if (ec) return std::unexpected(base::error("cannot replace output folder: " + ec.message(), w.out_dir.string()));
  }
  fs::rename(w.staging, w.out_dir, ec);
  if (ec) {
    if (w.had_previous) fs::rename(w.retired, w.out_dir, ignore);
    return std::unexpected(base::error("cannot move new output into place: " + ec.message(), w.out_dir.string()));
  }
  w.committed = true;
  if (w.had_previous) stats.removed = remove_tree(w.retired) - w.kept_paths.size();
  if (w.manifest) {
    w.manifest->files.clear();
    size_t listed = 0;  // entries of files in `files` (every entry, unless a file was put and then dropped)
    for (const auto& [path, file] : files) listed += w.entries.count(path);
    if (listed == w.entries.size()) {
      w.manifest->files = std::move(w.entries);
    } else {
      for (const auto& [path, file] : files) {
        if (auto it = w.entries.find(path); it != w.entries.end()) w.manifest->files.emplace(path, it->second);
      }
    }
    write_manifest(w.out_dir, *w.manifest);
  }
  return stats;
}

base::Result<CommitStats> commit_output(const fs::path& out_dir, const std::map<std::string, OutputFile>& files,
                                        OutputManifest* manifest) {
  OutputWriter writer(out_dir, manifest);
  return writer.commit(files);
}

} // namespace haven::site
