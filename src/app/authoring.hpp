// Authoring commands for bloggers coming from Hexo: init, new, publish, list, check, abbrlink.
// Each command's body lives in its own cmd_<name>.cpp; the helpers they share are below.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"

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
