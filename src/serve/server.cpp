#include "serve/server.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include "base/fs.hpp"

namespace haven::serve {

namespace fs = std::filesystem;

std::string mime_type(const fs::path& file) {
  static const std::map<std::string, std::string> k_types = {
      {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},         {".xml", "application/xml; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"}, {".svg", "image/svg+xml"},
      {".png", "image/png"},                 {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},               {".gif", "image/gif"},
      {".webp", "image/webp"},               {".avif", "image/avif"},
      {".ico", "image/x-icon"},              {".woff", "font/woff"},
      {".woff2", "font/woff2"},              {".ttf", "font/ttf"},
      {".pdf", "application/pdf"},           {".wasm", "application/wasm"},
      {".mp4", "video/mp4"},                 {".webm", "video/webm"},
      {".mp3", "audio/mpeg"},                {".bin", "application/octet-stream"},
  };
  std::string ext = file.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = k_types.find(ext);
  return it == k_types.end() ? "application/octet-stream" : it->second;
}

std::optional<fs::path> resolve_request(const fs::path& root, std::string_view path) {
  std::string p(path);
  if (auto q = p.find_first_of("?#"); q != std::string::npos) p.resize(q);
  if (p.find('\0') != std::string::npos || p.find('\\') != std::string::npos) return std::nullopt;
  // reject any ".." segment outright rather than normalising it away
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    std::string_view seg = std::string_view(p).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg == "..") return std::nullopt;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  std::error_code ec;
  fs::path canonical_root = fs::weakly_canonical(root, ec);
  std::vector<fs::path> candidates;
  fs::path base = root / p;
  if (p.empty() || p.back() == '/') {
    candidates.push_back(base / "index.html");
  } else {
    candidates.push_back(base);
    candidates.push_back(base / "index.html");
    candidates.push_back(fs::path(base.string() + ".html"));
  }
  for (const auto& c : candidates) {
    if (!fs::is_regular_file(c, ec)) continue;
    fs::path real = fs::canonical(c, ec);
    if (ec) continue;
    auto rel = real.lexically_relative(canonical_root);
    if (rel.empty() || rel.native().starts_with("..")) return std::nullopt; // symlink out of the site
    return real;
  }
  return std::nullopt;
}

base::Result<void> serve_site(const ServeOptions& options, const std::function<void(const std::string&)>& on_ready) {
  httplib::Server server;
  fs::path root = options.root;
  std::string prefix = options.url_root.empty() ? "/" : options.url_root;
  server.Get(".*", [root, prefix](const httplib::Request& req, httplib::Response& res) {
    std::string path = req.path;  // already percent-decoded by httplib
    if (!path.starts_with(prefix)) {
      if (path == "/" && prefix != "/") {
        res.set_redirect(prefix);
        return;
      }
      res.status = 404;
      res.set_content("Not found", "text/plain; charset=utf-8");
      return;
    }
    path = "/" + path.substr(prefix.size());
    // "/about" → "/about/" when it is a folder, so relative links inside resolve
    std::error_code ec;
    if (!path.ends_with("/") && fs::is_directory(root / path.substr(1), ec) && path.find("..") == std::string::npos) {
      res.set_redirect(prefix + path.substr(1) + "/");
      return;
    }
    auto file = resolve_request(root, path);
    if (!file) {
      res.status = 404;
      if (auto page = resolve_request(root, "/404.html")) {
        if (auto body = base::read_file(*page)) res.set_content(*body, "text/html; charset=utf-8");
      } else {
        res.set_content("Not found", "text/plain; charset=utf-8");
      }
      return;
    }
    auto body = base::read_file(*file);
    if (!body) {
      res.status = 500;
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::move(*body), mime_type(*file).c_str());
  });
  if (!server.bind_to_port(options.host, options.port)) {
    return std::unexpected(base::error(fmt::format("cannot listen on {}:{} (is it in use?)", options.host, options.port)));
  }
  if (on_ready) on_ready(fmt::format("http://{}:{}{}", options.host, options.port, prefix));
  if (!server.listen_after_bind()) return std::unexpected(base::error("server stopped unexpectedly"));
  return {};
}

} // namespace haven::serve
