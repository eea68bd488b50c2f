// Authoring commands for bloggers coming from Hexo: init, new, publish, list, check, abbrlink.
// Each command's body lives in its own cmd_<name>.cpp; the helpers they share are below.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"

namespace haven::config {
struct SiteConfig;
}
namespace haven::site {
struct Inventory;
}

namespace haven::app {

// Adds the authoring subcommands to `app`; the chosen one's callback sets `action`.
void add_authoring_commands(CLI::App& app, std::function<int()>& action);

namespace authoring {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;  // problems found, or the operation failed
inline constexpr int k_exit_usage = 2;

// Each adds one subcommand to `app`; its CLI11 callback sets `action` to the command's body.
void add_init_command(CLI::App& app, std::function<int()>& action);
void add_new_command(CLI::App& app, std::function<int()>& action);
void add_publish_command(CLI::App& app, std::function<int()>& action);
void add_list_command(CLI::App& app, std::function<int()>& action);
void add_check_command(CLI::App& app, std::function<int()>& action);
void add_abbrlink_command(CLI::App& app, std::function<int()>& action);

// Prints diagnostics to stderr with text::format_diagnostic (colour when stderr is a terminal).
void print_diagnostics(const std::vector<base::Diagnostic>& diags);

// Prints "error: MESSAGE" (no position) to stderr.
void print_error(const std::string& message);

// "a.yml,b.yml" → {"a.yml", "b.yml"} (empty parts dropped), for --config.
std::vector<std::string> split_commas(const std::string& s);

// `path` shown relative to `base` with forward slashes when it lies inside it, else as given.
std::string display_path(const std::filesystem::path& path, const std::filesystem::path& base);

// "Now" for a new or published post: the instant, the zone its wall clock is written in (config
// `timezone`, else this machine's zone, so the build reads it back as the same instant) and the
// text Hexo's scaffolds get for {{ date }} ("YYYY-MM-DD HH:mm:ss").
struct Stamp {
  double ms = 0;
  std::string zone;
  std::string text;
};
Stamp now_stamp(const config::SiteConfig& config);

// The path under `source_dir` (forward slashes) a post with file-name slug `slug` dated `stamp`
// gets in _posts/: config `new_post_name` expanded (content::expand_new_post_name).
std::string post_file_name(const config::SiteConfig& config, const std::string& slug, const Stamp& stamp);

// For commands that write into a site: false (after printing why) when `site_dir` has no
// _config.yml/_config.yaml and no --config was given, so `haven new` run in the wrong folder does
// not scatter source/ folders around.
bool require_site(const std::string& site_dir, const std::string& config_option);

// Whether the site's permalink pattern uses `:abbrlink`.
bool permalink_uses_abbrlink(const site::Inventory& inv);

// The abbrlink a new post titled `title` gets, as it prints in URLs: CRC of the title (config
// `abbrlink.alg`/`rep`) plus one while taken by any post of `inv` (stored or computed by the build,
// so no existing URL moves), as content::assign_abbrlinks does. The post whose file is `replaced`
// (when it is overwritten) does not count.
std::string next_abbrlink(const site::Inventory& inv, const std::string& title,
                          const std::filesystem::path& replaced);

// Sets `abbrlink: VALUE` in raw file bytes (number for rep: dec, string for rep: hex), keeping
// everything else; see content::set_front_matter_key.
base::Result<std::string> write_abbrlink(std::string_view raw, const std::string& abbrlink, bool hex,
                                         std::string_view path);

// A fresh folder under the system temp folder, removed with everything in it on destruction.
class TempDir {
public:
  // `tag` becomes part of the folder name ("haven-<tag>-XXXXXX"). Throws std::runtime_error
  // when the folder cannot be made.
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace authoring

} // namespace haven::app
