#include "site/build.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"
#include "config/config.hpp"
#include "content/sources.hpp"
#include "site/site.hpp"

namespace haven::site {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double since_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Fingerprint {
  uint64_t h = 0x6a09e667f3bcc909ull;
  void add(std::string_view s) { h = base::content_hash(s, h); }
  void add(uint64_t v) { add(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }
  // A file's identity: size, mtime and inode change whenever it is written or replaced.
  void add_identity(const base::FileStat& st) {
    if (!st.ok) return add(uint64_t{0});
    add(st.size);
    add(static_cast<uint64_t>(st.mtime_ns));
    add(st.inode);
  }
  void add_file(const fs::path& path) { add_identity(base::stat_file(path)); }
};

// Everything a build reads: Haven itself, the options, the config files, every source file and
// every site theme file (content and identity: `updated` comes from mtimes, and two writes in one
// clock tick share an mtime), and the hour of the build (sitemaps show the day; date() with no
// argument the build time). Two builds with the same fingerprint write the same output, except
// for a future post's date passing (OutputManifest::valid_until_ms). With `built` (the report of
// the build just made) the sources are the ones that build found, and the files it loaded count
// with the identity and content hash they had when it read them (not read again).
uint64_t input_fingerprint(const BuildOptions& options, const config::SiteConfig& cfg, const fs::path& out_dir,
                           const BuildReport* built = nullptr) {
  Fingerprint f;
  f.add("haven " HAVEN_VERSION);
  f.add_file("/proc/self/exe");
  f.add(out_dir.string());
  f.add(static_cast<uint64_t>(options.drafts) | (options.future ? 2u : 0u) | (options.future.value_or(false) ? 4u : 0u));
  f.add(options.process_zone);
  const double now = std::isnan(options.now_ms)
                         ? static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count())
                         : options.now_ms;
  f.add(static_cast<uint64_t>(std::isnan(options.now_ms) ? std::floor(now / 3600000) : now));
  std::vector<std::pair<std::string, fs::path>> files;  // (name in the fingerprint, file)
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(options.site_dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("_config")) files.emplace_back(name, e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& c : options.config_files) files.emplace_back(c, options.site_dir / c);
  std::vector<content::SourceFile> walked;  // without a build's report, the sources as they are now
  if (!built) walked = content::discover_sources(options.site_dir / cfg.str("source_dir", "source"), cfg);
  for (const auto& s : built ? built->sources : walked) {
    files.emplace_back(s.rel + '\0' + std::to_string(static_cast<int>(s.kind)), s.abs);
  }
  fs::path themes = options.site_dir / "themes";
  if (fs::is_directory(themes, ec)) {
    std::vector<std::pair<std::string, fs::path>> theme_files;
    for (auto it = fs::recursive_directory_iterator(themes, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      theme_files.emplace_back(it->path().string(), it->path());
    }
    std::sort(theme_files.begin(), theme_files.end());
    files.insert(files.end(), theme_files.begin(), theme_files.end());
  }
  std::unordered_map<std::string_view, const BuildReport::LoadedFile*> loaded;
  if (built) {
    loaded.reserve(built->loaded_files.size());
    for (const auto& l : built->loaded_files) loaded.emplace(l.file.native(), &l);
  }
  std::vector<uint64_t> hashes(files.size());
  tbb::parallel_for(size_t(0), files.size(), [&](size_t i) {
    Fingerprint one;
    one.add(files[i].first);
    std::error_code file_ec;
    if (auto it = loaded.find(files[i].second.native()); it != loaded.end()) {
      one.add_identity(it->second->stat);
      one.add(it->second->hash);
    } else {
      one.add_file(files[i].second);
      if (fs::is_regular_file(files[i].second, file_ec)) {
        auto text = base::read_file(files[i].second);
        one.add(text ? base::content_hash(*text) : uint64_t{1});
      }
    }
    hashes[i] = one.h;
  });
  for (uint64_t h : hashes) f.add(h);
  return f.h;
}

} // namespace

std::expected<BuildReport, std::vector<base::Diagnostic>> build_site(const BuildOptions& options) {
  auto start = Clock::now();
  double cpu_start = base::process_cpu_ms();
  // Nothing changed since the last build, and its output is still there as written: keep it.
  OutputManifest manifest;
  auto cfg = config::load_site_config(options.site_dir, options.config_files);
  bool fingerprinted = false;
  fs::path out_dir;
  if (cfg) {
    out_dir = options.output_dir.empty() ? options.site_dir / cfg->str("public_dir", "public") : options.output_dir;
    auto previous = read_manifest(out_dir);
    // Without a previous manifest there is nothing to compare with: the fingerprint is taken after
    // the build, from the bytes it read, instead of reading every source twice.
    if (previous) {
      manifest.inputs = input_fingerprint(options, *cfg, out_dir);
      fingerprinted = true;
    }
    double now = std::isnan(options.now_ms)
                     ? static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count())
                     : options.now_ms;
    if (previous && previous->inputs == manifest.inputs && now < previous->valid_until_ms &&
        output_intact(out_dir, *previous)) {
      BuildReport report;
      report.output_dir = out_dir;
      report.stats.posts = previous->posts;
      report.stats.pages = previous->pages;
      report.stats.files_total = previous->files.size();
      report.stats.files_unchanged = previous->files.size();
      for (const auto& [path, e] : previous->files) report.stats.bytes_total += e.size;
      report.stats.ms = since_ms(start);
      report.stats.phases.push_back({"unchanged", report.stats.ms, base::process_cpu_ms() - cpu_start});
      return report;
    }
    if (previous) manifest.files = std::move(previous->files);
  }

  // Pages go to the new output tree as soon as they are rendered, so the build never holds the
  // whole site's HTML in memory. Where the output goes is known once the config is loaded.
  std::optional<OutputWriter> writer;
  BuildOptions streaming = options;
  streaming.one_shot = true;
  if (cfg) {
    writer.emplace(out_dir, &manifest);
    streaming.stream_page = [&writer](const std::string& path, base::SplicedText bytes, const std::string&,
                                      bool) -> base::Result<void> { return writer->put(path, bytes); };
  }
  auto site_owner = std::make_unique<Site>(streaming);
  Site& site = *site_owner;
  auto report = site.build();
  if (!report) return report;
  auto write_start = Clock::now();
  double write_cpu_start = base::process_cpu_ms();
  if (cfg && !fingerprinted) manifest.inputs = input_fingerprint(options, *cfg, out_dir, &*report);
  manifest.valid_until_ms = report->valid_until_ms;
  manifest.posts = report->stats.posts;
  manifest.pages = report->stats.pages;
  manifest.rendered = report->stats.pages_rendered;
  if (!writer) writer.emplace(report->output_dir, &manifest);  // the same folder Site computed
  auto committed = writer->commit(site.outputs());
  if (!committed) return std::unexpected(std::vector<base::Diagnostic>{committed.error()});
  report->stats.files_written = committed->written;
  report->stats.files_unchanged = committed->unchanged;
  report->stats.files_removed = committed->removed;
  report->stats.phases.push_back({"write", since_ms(write_start), base::process_cpu_ms() - write_cpu_start});
  report->stats.ms = since_ms(start);
  if (options.exit_after_build) (void)site_owner.release();  // see BuildOptions::exit_after_build
  return report;
}

} // namespace haven::site
