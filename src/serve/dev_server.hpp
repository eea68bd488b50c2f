// `haven serve`: builds the site into memory, serves it, watches the sources, rebuilds only what
// changed, and tells open pages over Server-Sent Events to reload (or to swap their stylesheets,
// or to show a build error as an overlay while the last good site keeps being served).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "base/diagnostic.hpp"
#include "site/build.hpp"

namespace haven::serve {

struct DevServerOptions {
  site::BuildOptions build;
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 4000;                 // 0 = any free port (the URL given to on_ready tells which)
  bool watch = true;
  bool live_reload = true;
};

// What a finished (re)build reports, for the CLI's log.
struct BuildEvent {
  bool ok = true;
  std::string summary;  // one line ("rebuilt 3 pages in 12 ms") or the formatted errors
};

class DevServer {
public:
  // Builds the site once; errors of that first build are returned (nothing is served then).
  static std::expected<std::unique_ptr<DevServer>, std::vector<base::Diagnostic>> create(DevServerOptions options);
  ~DevServer();

  // Binds and serves until stop(); `on_ready(url)` once listening, `on_build` after each rebuild.
  base::Result<void> run(const std::function<void(const std::string&)>& on_ready,
                         const std::function<void(const BuildEvent&)>& on_build = {});
  // Stops run() from another thread (signal handlers, tests).
  void stop();
  // Rebuilds after `changed` as the watcher would (tests call it directly).
  BuildEvent rebuild(const std::vector<std::filesystem::path>& changed);

  struct Impl;

private:
  explicit DevServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// Maps a decoded URL path (below the site root) to an output path: "" and "x/" → index.html,
// "/a/b" → "a/b" if that file exists, else "a/b/index.html" (then the caller redirects) or
// "a/b.html". nullopt for `..` segments, NUL or backslashes.
std::optional<std::string> output_path_for(std::string_view url_path,
                                           const std::function<bool(const std::string&)>& exists,
                                           bool* needs_slash = nullptr);

// MIME type by file extension ("text/html; charset=utf-8" …).
std::string mime_type(const std::filesystem::path& file);

} // namespace haven::serve
