// A static file server for a built site (`haven serve`). Live reload and rebuilds on change are
// layered on top of this in later work.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "base/diagnostic.hpp"

namespace haven::serve {

struct ServeOptions {
  std::filesystem::path root;        // the built site
  std::string host = "127.0.0.1";    // loopback unless told otherwise
  int port = 4000;
  std::string url_root = "/";        // config `root`: the site is served under this prefix
};

// Maps a decoded request path to a file under `root`: folders serve index.html, "/a" may serve
// "/a.html" or "/a/index.html". nullopt when nothing matches or the path would leave `root`
// (`..` segments, symlinks pointing outside).
std::optional<std::filesystem::path> resolve_request(const std::filesystem::path& root, std::string_view path);

// MIME type by file extension ("text/html; charset=utf-8" …).
std::string mime_type(const std::filesystem::path& file);

// Serves until the process is stopped. `on_ready` is called once listening.
base::Result<void> serve_site(const ServeOptions& options, const std::function<void(const std::string& url)>& on_ready);

} // namespace haven::serve
