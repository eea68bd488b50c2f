#include "serve/watcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace haven::serve {

namespace fs = std::filesystem;

namespace {
constexpr uint32_t k_mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
} // namespace

bool Watcher::is_editor_temp(const fs::path& path) {
  std::string name = path.filename().string();
  if (name.empty()) return true;
  if (name.back() == '~' || name == "4913") return true;              // backups; vim's write probe
  if (name.starts_with(".#") || name.starts_with(".goutputstream")) return true;  // emacs, gedit
  for (const char* ext : {".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload"}) {
    if (name.ends_with(ext)) return true;
  }
  return name.starts_with('.');  // hidden files are never site content (Hexo skips them too)
}

base::Result<std::unique_ptr<Watcher>> Watcher::start(WatchOptions options, Callback on_change) {
  std::unique_ptr<Watcher> w(new Watcher());
  w->m_options = std::move(options);
  w->m_on_change = std::move(on_change);
  w->m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->m_fd < 0) return std::unexpected(base::error(std::string("cannot watch files: ") + std::strerror(errno)));
  if (::pipe2(w->m_wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    return std::unexpected(base::error(std::string("cannot watch files: ") + std::strerror(errno)));
  }
  for (const auto& root : w->m_options.roots) w->add_tree(root);
  for (const auto& f : w->m_options.files) {
    w->m_root_files.insert(f.lexically_normal());
    int wd = ::inotify_add_watch(w->m_fd, f.parent_path().c_str(), k_mask);
    if (wd >= 0) w->m_dirs.emplace(wd, f.parent_path());
  }
  w->m_thread = std::thread([p = w.get()] { p->run(); });
  return w;
}

Watcher::~Watcher() {
  m_stop = true;
  if (m_wake[1] >= 0) {
    char c = 1;
    [[maybe_unused]] auto n = ::write(m_wake[1], &c, 1);
  }
  if (m_thread.joinable()) m_thread.join();
  if (m_fd >= 0) ::close(m_fd);
  if (m_wake[0] >= 0) ::close(m_wake[0]);
  if (m_wake[1] >= 0) ::close(m_wake[1]);
}

void Watcher::add_tree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& ex : m_options.excluded) {
    if (dir.lexically_normal() == ex.lexically_normal()) return;
  }
  int wd = ::inotify_add_watch(m_fd, dir.c_str(), k_mask);
  if (wd >= 0) m_dirs[wd] = dir;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) add_tree(it->path());
  }
}

bool Watcher::wanted(const fs::path& path) const {
  if (is_editor_temp(path)) return false;
  for (const auto& ex : m_options.excluded) {
    auto rel = path.lexically_relative(ex);
    if (!rel.empty() && !rel.native().starts_with("..")) return false;
  }
  // in a folder watched only for some of its files (the site root), report just those
  for (const auto& root : m_options.roots) {
    auto rel = path.lexically_relative(root);
    if (!rel.empty() && !rel.native().starts_with("..")) return true;
  }
  return m_root_files.count(path.lexically_normal()) > 0;
}

void Watcher::run() {
  std::set<fs::path> batch;
  auto first = std::chrono::steady_clock::now();
  alignas(inotify_event) char buf[64 * 1024];
  while (!m_stop) {
    int timeout = -1;
    if (!batch.empty()) {
      auto waited = std::chrono::steady_clock::now() - first;
      auto left = m_options.max_wait - std::chrono::duration_cast<std::chrono::milliseconds>(waited);
      timeout = static_cast<int>(std::max<long>(0, std::min<long>(m_options.quiet.count(), left.count())));
    }
    pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    int n = ::poll(fds, 2, timeout);
    if (m_stop) break;
    if (n == 0) {  // quiet long enough: hand the batch over
      std::vector<fs::path> changed(batch.begin(), batch.end());
      batch.clear();
      m_on_change(std::move(changed));
      continue;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    ssize_t len = ::read(m_fd, buf, sizeof buf);
    for (ssize_t off = 0; len > 0 && off < len;) {
      auto* ev = reinterpret_cast<inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      auto dir = m_dirs.find(ev->wd);
      if (dir == m_dirs.end() || ev->len == 0) continue;
      fs::path path = dir->second / ev->name;
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
        add_tree(path);  // a new folder: watch it, and report what is already inside
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
          if (it->is_regular_file(ec) && wanted(it->path())) batch.insert(it->path());
        }
        if (batch.size() == 1) first = std::chrono::steady_clock::now();
        continue;
      }
      if (ev->mask & IN_ISDIR) continue;
      if (!wanted(path)) continue;
      if (batch.empty()) first = std::chrono::steady_clock::now();
      batch.insert(path);
    }
  }
}

} // namespace haven::serve
