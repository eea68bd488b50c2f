// Watches a site's folders with inotify and reports batches of changed files, debounced so an
// editor's save (write to a temp file, rename over the original) arrives as one change.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/diagnostic.hpp"

namespace haven::serve {

struct WatchOptions {
  std::vector<std::filesystem::path> roots;      // folders watched recursively (missing ones skipped)
  std::vector<std::filesystem::path> files;      // single files at the site root (_config.yml …): their folder is watched, others ignored
  std::vector<std::filesystem::path> excluded;   // folders never reported (the output folder)
  // A batch ends after this long without events: editors' save sequences (temp file, rename
  // over, attribute changes) take a few milliseconds; every millisecond here is felt on save.
  std::chrono::milliseconds quiet{25};
  std::chrono::milliseconds max_wait{400};       // … or this long after its first event
};

class Watcher {
public:
  using Callback = std::function<void(std::vector<std::filesystem::path> changed)>;
  // Starts watching on a background thread; `on_change` runs on that thread, one batch at a time.
  static base::Result<std::unique_ptr<Watcher>> start(WatchOptions options, Callback on_change);
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Whether an editor's temporary or backup file name (".x.swp", "x~", "4913", ".#x") — never reported.
  static bool is_editor_temp(const std::filesystem::path& name);

private:
  Watcher() = default;
  void run();
  void add_tree(const std::filesystem::path& dir);
  bool wanted(const std::filesystem::path& path) const;

  WatchOptions m_options;
  Callback m_on_change;
  int m_fd = -1;
  int m_wake[2] = {-1, -1};
  std::map<int, std::filesystem::path> m_dirs;  // watch descriptor → folder
  std::set<std::filesystem::path> m_root_files;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

} // namespace haven::serve
