#include "serve/dev_server.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "base/fs.hpp"
#include "serve/live_reload_js.hpp"
#include "serve/watcher.hpp"
#include "site/site.hpp"
#include "text/diagnostic_format.hpp"
#include "text/html.hpp"
#include "text/json_quote.hpp"

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
  if (it != k_types.end()) return it->second;
  return ext.empty() ? "text/html; charset=utf-8" : "application/octet-stream";  // Hexo's extensionless permalinks are pages
}

std::optional<std::string> output_path_for(std::string_view url_path, const std::function<bool(const std::string&)>& exists,
                                           bool* needs_slash) {
  std::string p(url_path);
  if (auto q = p.find_first_of("?#"); q != std::string::npos) p.resize(q);
  if (p.find('\0') != std::string::npos || p.find('\\') != std::string::npos) return std::nullopt;
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    std::string_view seg = std::string_view(p).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg == ".." || seg == ".") return std::nullopt;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  if (needs_slash) *needs_slash = false;
  if (p.empty() || p.back() == '/') {
    std::string index = p + "index.html";
    return exists(index) ? std::optional(index) : std::nullopt;
  }
  if (exists(p)) return p;
  if (exists(p + "/index.html")) {
    if (needs_slash) *needs_slash = true;
    return p + "/index.html";
  }
  if (exists(p + ".html")) return p + ".html";
  return std::nullopt;
}

namespace {

using Outputs = std::map<std::string, site::OutputFile>;

// Server-Sent Events fan-out: every event gets a sequence number; each connected client waits
// for numbers past the last one it sent.
class Broadcaster {
public:
  void publish(std::string event, std::string data) {
    {
      std::lock_guard lock(m_mutex);
      m_events.push_back({++m_seq, std::move(event), std::move(data)});
      while (m_events.size() > 64) m_events.pop_front();  // a slow client only needs the latest
    }
    m_cv.notify_all();
  }
  uint64_t current() {
    std::lock_guard lock(m_mutex);
    return m_seq;
  }
  // Events after `after`, waiting up to `wait` for one; empty on timeout or shutdown.
  std::vector<std::pair<uint64_t, std::string>> next(uint64_t after, std::chrono::milliseconds wait) {
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, wait, [&] { return m_closed || m_seq > after; });
    std::vector<std::pair<uint64_t, std::string>> out;
    for (const auto& e : m_events) {
      if (e.seq > after) out.emplace_back(e.seq, fmt::format("event: {}\ndata: {}\n\n", e.name, e.data));
    }
    return out;
  }
  void close() {
    {
      std::lock_guard lock(m_mutex);
      m_closed = true;
    }
    m_cv.notify_all();
  }
  bool closed() {
    std::lock_guard lock(m_mutex);
    return m_closed;
  }

private:
  struct Event {
    uint64_t seq;
    std::string name, data;
  };
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Event> m_events;
  uint64_t m_seq = 0;
  bool m_closed = false;
};


std::string format_errors(const std::vector<base::Diagnostic>& errors) {
  std::string text;
  for (const auto& d : errors) text += text::format_diagnostic(d, false);
  return text;
}

} // namespace

struct DevServer::Impl {
  DevServerOptions options;
  site::Site site;
  fs::path site_dir;  // canonical
  std::string url_root = "/";
  std::mutex build_mutex;
  std::shared_mutex snapshot_mutex;
  std::shared_ptr<const Outputs> snapshot;
  std::string last_error;   // formatted diagnostics of the failing build, "" when fine
  std::string status_json;  // counters of the last build
  Broadcaster events;
  httplib::Server server;
  std::unique_ptr<Watcher> watcher;
  std::function<void(const BuildEvent&)> on_build;

  explicit Impl(DevServerOptions o) : options(std::move(o)), site(options.build) {}

  void publish_snapshot() {
    auto copy = site.shared_outputs();  // the map itself is shared, not copied
    std::unique_lock lock(snapshot_mutex);
    snapshot = std::move(copy);
  }

  std::shared_ptr<const Outputs> current() {
    std::shared_lock lock(snapshot_mutex);
    return snapshot;
  }

  void set_status(const site::BuildStats& s, bool ok) {
    std::string json = fmt::format(
        "{{\"ok\":{},\"pages_rendered\":{},\"bodies_rendered\":{},\"files_written\":{},\"files_total\":{},\"ms\":{:.1f}}}",
        ok ? "true" : "false", s.pages_rendered, s.bodies_rendered, s.files_written, s.files_total, s.ms);
    std::unique_lock lock(snapshot_mutex);
    status_json = std::move(json);
  }

  // Whether a source file may be served: inside the site folder after resolving symlinks.
  bool inside_site(const fs::path& file) const {
    std::error_code ec;
    fs::path real = fs::canonical(file, ec);
    if (ec) return false;
    auto rel = real.lexically_relative(site_dir);
    return !rel.empty() && !rel.native().starts_with("..");
  }

  void serve_file(const httplib::Request& req, httplib::Response& res);
  void serve_events(httplib::Response& res);
};

DevServer::DevServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

DevServer::~DevServer() {
  if (m_impl) {
    m_impl->watcher.reset();
    m_impl->events.close();
  }
}

std::expected<std::unique_ptr<DevServer>, std::vector<base::Diagnostic>> DevServer::create(DevServerOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  std::error_code ec;
  impl->site_dir = fs::canonical(impl->options.build.site_dir, ec);
  if (ec) return std::unexpected(std::vector{base::error("cannot open site folder: " + ec.message())});
  auto report = impl->site.build();
  if (!report) return std::unexpected(report.error());
  impl->url_root = impl->site.url_root();
  impl->publish_snapshot();
  impl->set_status(report->stats, true);
  return std::unique_ptr<DevServer>(new DevServer(std::move(impl)));
}

BuildEvent DevServer::rebuild(const std::vector<fs::path>& changed) {
  Impl& m = *m_impl;
  std::lock_guard lock(m.build_mutex);
  auto report = m.site.rebuild(changed);
  BuildEvent event;
  if (!report) {
    event.ok = false;
    event.summary = format_errors(report.error());
    {
      std::unique_lock l(m.snapshot_mutex);
      m.last_error = event.summary;
    }
    m.events.publish("build-error", fmt::format("{{\"text\":{}}}", text::json_quote(event.summary)));
    return event;
  }
  m.publish_snapshot();
  m.set_status(report->stats, true);
  {
    std::unique_lock l(m.snapshot_mutex);
    m.last_error.clear();
  }
  const auto& paths = m.site.changed_outputs();
  bool css_only = !paths.empty() && std::all_of(paths.begin(), paths.end(), [](const std::string& p) { return p.ends_with(".css"); });
  std::string list = "[";
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i) list += ',';
    list += text::json_quote(m.url_root + paths[i]);
  }
  list += "]";
  m.events.publish("reload", fmt::format("{{\"css_only\":{},\"paths\":{}}}", css_only ? "true" : "false", list));
  event.summary = fmt::format("rebuilt in {:.0f} ms: {} pages rendered, {} files changed", report->stats.ms,
                              report->stats.pages_rendered, paths.size());
  if (std::getenv("HAVEN_PHASES")) {  // a developer aid: where a rebuild spends its time
    for (const auto& p : report->stats.phases) event.summary += fmt::format(" | {} {:.0f}", p.name, p.ms);
  }
  return event;
}

void DevServer::Impl::serve_file(const httplib::Request& req, httplib::Response& res) {
  auto outputs = current();
  std::string path = req.path;  // percent-decoded by httplib
  if (!path.starts_with(url_root)) {
    if (path == "/" && url_root != "/") return res.set_redirect(url_root);
    res.status = 404;
    return res.set_content("Not found", "text/plain; charset=utf-8");
  }
  std::string below = path.substr(url_root.size());
  bool needs_slash = false;
  auto exists = [&](const std::string& p) { return outputs->count(p) > 0; };
  auto found = output_path_for(below, exists, &needs_slash);
  if (found && needs_slash) return res.set_redirect(url_root + below + "/");
  const site::OutputFile* file = found ? &outputs->at(*found) : nullptr;
  std::string body;
  std::string type;
  if (file) {
    if (file->copy_from.empty()) {
      body = file->bytes();
    } else {
      if (!inside_site(file->copy_from)) {  // a symlink pointing out of the site
        res.status = 403;
        return res.set_content("Forbidden", "text/plain; charset=utf-8");
      }
      auto data = base::read_file(file->copy_from);
      if (!data) {
        res.status = 500;
        return res.set_content(data.error().message, "text/plain; charset=utf-8");
      }
      body = std::move(*data);
    }
    type = mime_type(*found);
  } else {
    res.status = 404;
    auto page = outputs->find("404.html");
    if (page != outputs->end()) {
      body = page->second.bytes();
      type = "text/html; charset=utf-8";
    } else {
      body = "<!DOCTYPE html><title>Not found</title><h1>Not found</h1>";
      type = "text/html; charset=utf-8";
    }
  }
  if (options.live_reload && type.starts_with("text/html")) {
    std::string tag = "<script src=\"/__haven/live.js\"></script>";
    auto pos = body.rfind("</body>");
    if (pos == std::string::npos) body += tag;
    else body.insert(pos, tag);
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::move(body), type.c_str());
}

void DevServer::Impl::serve_events(httplib::Response& res) {
  uint64_t start = events.current();
  std::string initial_error;
  {
    std::shared_lock lock(snapshot_mutex);
    initial_error = last_error;
  }
  auto sent_initial = std::make_shared<bool>(false);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider("text/event-stream", [this, start, initial_error, sent_initial,
                                                         last = std::make_shared<uint64_t>(start)](size_t, httplib::DataSink& sink) {
    if (!*sent_initial) {
      *sent_initial = true;
      std::string hello = "retry: 500\n\n";
      if (!initial_error.empty()) hello += fmt::format("event: build-error\ndata: {{\"text\":{}}}\n\n", text::json_quote(initial_error));
      else hello += "event: hello\ndata: {}\n\n";
      return sink.write(hello.data(), hello.size());
    }
    if (events.closed()) {
      sink.done();
      return false;
    }
    auto batch = events.next(*last, std::chrono::seconds(10));
    if (batch.empty()) {
      static const std::string k_ping = ": ping\n\n";  // keeps proxies and the browser from timing out
      return sink.write(k_ping.data(), k_ping.size());
    }
    for (const auto& [seq, text] : batch) {
      *last = seq;
      if (!sink.write(text.data(), text.size())) return false;
    }
    return true;
  });
}

base::Result<void> DevServer::run(const std::function<void(const std::string&)>& on_ready,
                                  const std::function<void(const BuildEvent&)>& on_build) {
  Impl& m = *m_impl;
  m.on_build = on_build;
  // Each open page holds one connection for its event stream: give the pool room for many.
  m.server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  // Headers and body go out as separate writes: without TCP_NODELAY, Nagle's algorithm holds the
  // body until the client's delayed ACK (~40 ms on Linux), on every response.
  m.server.set_tcp_nodelay(true);
  m.server.Get("/__haven/live.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(k_live_reload_js), "text/javascript; charset=utf-8");
  });
  m.server.Get("/__haven/events", [&m](const httplib::Request&, httplib::Response& res) { m.serve_events(res); });
  m.server.Get("/__haven/status", [&m](const httplib::Request&, httplib::Response& res) {
    std::shared_lock lock(m.snapshot_mutex);
    std::string json = m.status_json;
    json.insert(json.size() - 1, ",\"error\":" + text::json_quote(m.last_error));
    res.set_header("Cache-Control", "no-cache");
    res.set_content(json, "application/json");
  });
  m.server.Get(".*", [&m](const httplib::Request& req, httplib::Response& res) { m.serve_file(req, res); });

  int port = m.options.port;
  if (port == 0) {
    port = m.server.bind_to_any_port(m.options.host);  // tests: any free port
    if (port <= 0) return std::unexpected(base::error("cannot listen on a free port of " + m.options.host));
  } else if (!m.server.bind_to_port(m.options.host, port)) {
    return std::unexpected(base::error(fmt::format("cannot listen on {}:{} (is the port in use?)", m.options.host, port)));
  }
  if (m.options.watch) {
    WatchOptions w;
    const fs::path& dir = m.site_dir;
    w.roots = {dir / "source", dir / "scaffolds", dir / "themes"};
    for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) {
      std::string name = it->path().filename().string();
      if (name.starts_with("_config") && it->is_regular_file()) w.files.push_back(it->path());
    }
    // new _config.*.yml files appear too: watch the names Hexo reads
    w.files.push_back(dir / "_config.yml");
    w.excluded = {m.options.build.output_dir.empty() ? dir / "public" : fs::absolute(m.options.build.output_dir)};
    auto watcher = Watcher::start(std::move(w), [this](std::vector<fs::path> changed) {
      BuildEvent e = rebuild(changed);
      if (m_impl->on_build) m_impl->on_build(e);
    });
    if (!watcher) return std::unexpected(watcher.error());
    m.watcher = std::move(*watcher);
  }
  if (on_ready) on_ready(fmt::format("http://{}:{}{}", m.options.host, port, m.url_root));
  bool ok = m.server.listen_after_bind();
  m.watcher.reset();
  if (!ok) return std::unexpected(base::error("the server stopped unexpectedly"));
  return {};
}

void DevServer::stop() {
  m_impl->events.close();
  m_impl->server.stop();
}

} // namespace haven::serve
