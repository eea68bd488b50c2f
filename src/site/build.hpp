// Builds a whole Hexo-style site. The phases run in this order (each completes before the next):
//   config → discover → load (parallel) → abbrlinks & paths → render bodies (parallel; the
//   taxonomies, lists and templates are made alongside) → render pages (parallel; feeds, sitemap
//   and searchdb alongside) → search → commit.
#pragma once

#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/fs.hpp"
#include "base/spliced_text.hpp"
#include "content/sources.hpp"

namespace haven::site {

struct BuildOptions {
  std::filesystem::path site_dir = ".";
  std::filesystem::path output_dir;        // empty = <site_dir>/<public_dir>
  std::vector<std::string> config_files;   // empty = _config.yml
  bool drafts = false;                     // also build _drafts/ (hexo --draft)
  std::optional<bool> future;              // override config `future`
  std::string process_zone;                // empty = the machine's zone (TZ), as Hexo's process
  double now_ms = NAN;                     // build time; NaN = the clock
  // Called between phases so the CLI can show progress; may be empty.
  std::function<void(std::string_view phase)> on_phase;
  // The Site is built once and never rebuilt (`haven build`): documents are moved, not kept
  // for a later rebuild, which saves a copy of every file's text.
  bool one_shot = false;
  // build_site() only: the process exits right after the build, so the site's memory is left to
  // the exit instead of being freed object by object (~35 ms of a 1.8 s build at 10,000 posts).
  bool exit_after_build = false;
  // When set, each rendered page (whose output path no other page shares) is handed to it at
  // once with its path under the output folder, and not kept in memory: Site::outputs() then
  // lists it without bytes (OutputFile::streamed). `haven build` writes pages this way; `haven
  // serve` keeps them. Called from several threads at once.
  std::function<base::Result<void>(const std::string& path, base::SplicedText bytes, const std::string& origin,
                                   bool generated)> stream_page;
};

struct PhaseTime {
  std::string name;
  double ms = 0;      // wall time
  double cpu_ms = 0;  // CPU time of the whole process (user + system, all threads) in that time
};

struct BuildStats {
  size_t posts = 0;            // published posts
  size_t pages = 0;            // source pages
  size_t bodies_rendered = 0;  // posts and pages whose Markdown was rendered (not reused)
  size_t pages_rendered = 0;   // HTML pages that went through the template engine
  size_t files_total = 0;      // files in the output
  size_t files_written = 0;    // files whose bytes changed
  size_t files_unchanged = 0;  // files left as they were
  size_t files_removed = 0;    // stale files of the previous output
  uint64_t bytes_total = 0;    // bytes of all files in the output
  double ms = 0;               // wall time of the whole build
  std::vector<PhaseTime> phases;
};

struct BuildReport {
  BuildStats stats;
  double valid_until_ms = INFINITY;  // the earliest future post's date when `future` is off: the
                                     // output changes by itself then
  std::vector<base::Diagnostic> warnings;
  std::filesystem::path output_dir;
  // The documents the build loaded: each file with base::content_hash of its bytes and its
  // identity as read, and every source file the build found. The input fingerprint of a first
  // build is taken from these, so it describes what was built (a file added, removed or changed
  // while the build ran makes the next build run again) and costs no second walk of the sources.
  struct LoadedFile {
    std::filesystem::path file;
    uint64_t hash = 0;
    base::FileStat stat;
  };
  std::vector<LoadedFile> loaded_files;
  std::vector<content::SourceFile> sources;
};

// Builds the site and writes it (Site::build, then commit_output); on any error nothing in the
// output folder changes and every error found in the failing phase is returned (sorted by file
// and position). When nothing the build reads changed since the last build and its output is
// untouched (see output.hpp's OutputManifest), the output is kept as it is without rendering.
std::expected<BuildReport, std::vector<base::Diagnostic>> build_site(const BuildOptions& options);

} // namespace haven::site
