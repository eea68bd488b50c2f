#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "app/authoring.hpp"
#include "app/cmd_markdown.hpp"
#include "app/cmd_template.hpp"
#include "config/config.hpp"
#include "serve/dev_server.hpp"
#include "site/build.hpp"
#include "text/diagnostic_format.hpp"

namespace haven::app {

namespace fs = std::filesystem;

namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_build_error = 1;
constexpr int k_exit_usage = 2;

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) != 0; }

void print_diagnostics(const std::vector<base::Diagnostic>& diags) {
  bool color = stderr_is_tty();
  for (const auto& d : diags) std::fputs(text::format_diagnostic(d, color).c_str(), stderr);
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

struct BuildArgs {
  std::string site_dir = ".";
  std::string output;
  bool drafts = false;
  bool future = false;
  bool no_future = false;
  std::string config;
  bool metrics = false;
};

void add_build_options(CLI::App* cmd, BuildArgs& args) {
  cmd->add_option("SITE_DIR", args.site_dir, "Site folder (with _config.yml and source/)")->check(CLI::ExistingDirectory);
  cmd->add_option("-o,--output", args.output, "Output folder (default: the config's public_dir)");
  cmd->add_flag("--drafts,--draft", args.drafts, "Also build posts in source/_drafts");
  auto* f = cmd->add_flag("--future", args.future, "Publish posts dated in the future");
  auto* nf = cmd->add_flag("--no-future", args.no_future, "Hold back posts dated in the future");
  f->excludes(nf);
  cmd->add_option("--config", args.config, "Config files merged in order, comma-separated (a.yml,b.yml)");
}

site::BuildOptions to_build_options(const BuildArgs& args) {
  site::BuildOptions o;
  o.site_dir = args.site_dir;
  if (!args.output.empty()) o.output_dir = args.output;
  o.drafts = args.drafts;
  if (args.future) o.future = true;
  if (args.no_future) o.future = false;
  o.config_files = split_commas(args.config);
  return o;
}

// Runs a build with a progress line on a terminal when it takes more than a second, then the
// summary. Returns the report, or nullopt after printing the errors.
std::optional<site::BuildReport> run_build(site::BuildOptions options, bool metrics) {
  auto start = std::chrono::steady_clock::now();
  bool progress_shown = false;
  const bool tty = stderr_is_tty();
  options.on_phase = [&](std::string_view phase) {
    if (!tty) return;
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed < std::chrono::seconds(1)) return;
    progress_shown = true;
    std::fprintf(stderr, "\r\033[K  %s done …", std::string(phase).c_str());
    std::fflush(stderr);
  };
  auto result = site::build_site(options);
  if (progress_shown) std::fputs("\r\033[K", stderr);
  if (!result) {
    print_diagnostics(result.error());
    std::fprintf(stderr, "build failed: %zu error%s; the previous output was left untouched\n",
                 result.error().size(), result.error().size() == 1 ? "" : "s");
    return std::nullopt;
  }
  print_diagnostics(result->warnings);
  const auto& s = result->stats;
  std::printf("Built %zu files (%zu posts, %zu pages, %zu rendered) into %s in %.0f ms: %zu written, %zu unchanged, %zu removed\n",
              s.files_total, s.posts, s.pages, s.pages_rendered, result->output_dir.string().c_str(), s.ms,
              s.files_written, s.files_unchanged, s.files_removed);
  if (metrics) {
    std::printf("  %-12s %8s    %8s   %s\n", "phase", "wall", "CPU", "cores busy");
    for (const auto& p : s.phases) {
      std::printf("  %-12s %8.1f ms %8.1f ms %5.2f\n", p.name.c_str(), p.ms, p.cpu_ms, p.ms > 0 ? p.cpu_ms / p.ms : 0.0);
    }
    std::printf("  counts: %zu posts, %zu pages, %zu bodies rendered, %zu pages rendered, %zu files (%.1f MB): "
                "%zu written, %zu unchanged, %zu removed\n",
                s.posts, s.pages, s.bodies_rendered, s.pages_rendered, s.files_total,
                static_cast<double>(s.bytes_total) / 1e6, s.files_written, s.files_unchanged, s.files_removed);
  }
  return std::move(*result);
}

int cmd_clean(const std::string& site_dir) {
  auto cfg = config::load_site_config(site_dir);
  if (!cfg) {
    print_diagnostics({cfg.error()});
    return k_exit_build_error;
  }
  fs::path out = fs::path(site_dir) / cfg->str("public_dir", "public");
  std::error_code ec;
  auto removed = fs::remove_all(out, ec);
  if (ec) {
    std::fprintf(stderr, "error: cannot remove %s: %s\n", out.string().c_str(), ec.message().c_str());
    return k_exit_build_error;
  }
  std::printf("Removed %s (%ju entries)\n", out.string().c_str(), static_cast<uintmax_t>(removed));
  return k_exit_ok;
}

} // namespace

int run(int argc, char** argv) {
  CLI::App app{"Haven: a fast static blog engine that builds Hexo sites unchanged", "haven"};
  app.require_subcommand(1);

  BuildArgs build_args;
  auto* build = app.add_subcommand("build", "Build the site into its output folder");
  add_build_options(build, build_args);
  build->add_flag("--metrics", build_args.metrics, "Print the time of each build phase");

  std::string clean_dir = ".";
  auto* clean = app.add_subcommand("clean", "Remove the output folder");
  clean->add_option("SITE_DIR", clean_dir, "Site folder")->check(CLI::ExistingDirectory);

  BuildArgs serve_args;
  std::string host = "127.0.0.1";
  int port = 4000;
  auto* serve = app.add_subcommand("serve", "Build, serve on http://127.0.0.1:4000, rebuild and reload on changes");
  add_build_options(serve, serve_args);
  serve->add_option("--host", host, "Address to listen on (loopback by default)");
  serve->add_option("-p,--port", port, "Port")->check(CLI::Range(1, 65535));
  bool open_browser = false, no_watch = false;
  serve->add_flag("--open", open_browser, "Open the site in a browser");
  serve->add_flag("--no-watch", no_watch, "Do not rebuild when files change");

  auto* version = app.add_subcommand("version", "Print the version");

  auto* tmpl_cmd = app.add_subcommand("template", "Template engine tools");
  tmpl_cmd->require_subcommand(1);
  std::string tmpl_name, tmpl_dir = ".", tmpl_context;
  auto* render = tmpl_cmd->add_subcommand("render", "Render one template to stdout");
  render->add_option("NAME", tmpl_name, "Template name relative to --dir")->required();
  render->add_option("--dir", tmpl_dir, "Folder holding the templates")->check(CLI::ExistingDirectory);
  render->add_option("--context", tmpl_context, "JSON file with the context")->check(CLI::ExistingFile);

  // Commands defined in their own files set `action` from their CLI11 callback.
  std::function<int()> action;
  add_markdown_command(app, action);
  add_authoring_commands(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? k_exit_ok : k_exit_usage;
  }

  if (action) return action();
  if (*version) {
    std::printf("haven %s\n", HAVEN_VERSION);
    return k_exit_ok;
  }
  if (*clean) return cmd_clean(clean_dir);
  if (*render) return cmd_template_render(tmpl_name, tmpl_dir, tmpl_context);
  if (*build) {
    site::BuildOptions options = to_build_options(build_args);
    options.exit_after_build = true;  // main returns right after
    auto report = run_build(std::move(options), build_args.metrics);
    return report ? k_exit_ok : k_exit_build_error;
  }
  if (*serve) {
    serve::DevServerOptions options;
    options.build = to_build_options(serve_args);
    options.host = host;
    options.port = port;
    options.watch = !no_watch;
    auto start = std::chrono::steady_clock::now();
    auto server = serve::DevServer::create(std::move(options));
    if (!server) {
      print_diagnostics(server.error());
      std::fprintf(stderr, "build failed: fix the errors above and run `haven serve` again\n");
      return k_exit_build_error;
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    auto served = (*server)->run(
        [&](const std::string& url) {
          std::printf("Built in %.0f ms. Serving at %s (Ctrl+C to stop)\n", ms, url.c_str());
          std::fflush(stdout);
          if (open_browser) {
            std::string cmd = "xdg-open '" + url + "' >/dev/null 2>&1 &";
            if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not open a browser\n");
          }
        },
        [](const serve::BuildEvent& e) {
          if (e.ok) std::printf("%s\n", e.summary.c_str());
          else std::fprintf(stderr, "%sbuild failed; still serving the last good version\n", e.summary.c_str());
          std::fflush(stdout);
        });
    if (!served) {
      print_diagnostics({served.error()});
      return k_exit_build_error;
    }
    return k_exit_ok;
  }
  return k_exit_usage;
}

} // namespace haven::app
