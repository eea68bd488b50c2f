// The set of files a build produces, and committing it to disk atomically.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "base/diagnostic.hpp"

namespace haven::site {

struct OutputFile {
  std::string bytes;                  // generated content, or empty when copied
  std::filesystem::path copy_from;    // non-empty for files copied byte for byte
  std::string origin;                 // what produced it ("source/_posts/a.md", "tag index"), for clash errors
  bool generated = false;             // a list page or feed, not a source file
};

// Thread-safe collection of output files keyed by their path under the output folder.
class OutputSet {
public:
  // Adds a file. Two *source* files claiming one path is an error naming both; a generated page
  // over another file is allowed and replaces it, as Hexo's generators do (returned as a warning).
  base::Result<void> add(std::string path, OutputFile file, std::vector<base::Diagnostic>* warnings = nullptr);
  const std::map<std::string, OutputFile>& files() const { return m_files; }
  size_t size() const { return m_files.size(); }

private:
  std::mutex m_mutex;
  std::map<std::string, OutputFile> m_files;
};

struct CommitStats {
  size_t written = 0;    // files whose bytes changed or are new
  size_t unchanged = 0;  // files carried over from the previous output (same bytes, not rewritten)
  size_t removed = 0;    // files of the previous output no longer produced
};

// Replaces `out_dir` with exactly `files`: a new tree is built beside it (unchanged files are
// hard-linked from the old tree, so they keep their inode and mtime), then swapped in with
// renames. On any failure the previous `out_dir` stays as it was and the staging tree is removed.
base::Result<CommitStats> commit_output(const std::filesystem::path& out_dir, const OutputSet& files);

} // namespace haven::site
