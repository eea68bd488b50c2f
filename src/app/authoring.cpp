#include "app/authoring.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "base/fs.hpp"
#include "text/diagnostic_format.hpp"

namespace haven::app {

void add_authoring_commands(CLI::App& app, std::function<int()>& action) {
  authoring::add_init_command(app, action);
  authoring::add_new_command(app, action);
  authoring::add_publish_command(app, action);
  authoring::add_list_command(app, action);
  authoring::add_check_command(app, action);
  authoring::add_abbrlink_command(app, action);
}

namespace authoring {

namespace fs = std::filesystem;

void print_diagnostics(const std::vector<base::Diagnostic>& diags) {
  const bool color = ::isatty(STDERR_FILENO) != 0;
  for (const auto& d : diags) std::fputs(text::format_diagnostic(d, color).c_str(), stderr);
}

void print_error(const std::string& message) {
  print_diagnostics({base::error(message)});
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

std::string display_path(const fs::path& path, const fs::path& base) {
  std::error_code ec;
  fs::path abs_path = fs::weakly_canonical(fs::absolute(path, ec), ec);
  fs::path abs_base = fs::weakly_canonical(fs::absolute(base, ec), ec);
  std::string rel = base::relative_slash(abs_path, abs_base);
  if (rel.empty() || rel.starts_with("..")) return path.generic_string();
  return rel;
}

TempDir::TempDir(const std::string& tag) {
  std::string pattern = (fs::temp_directory_path() / ("haven-" + tag + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder in " + fs::temp_directory_path().string());
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

} // namespace authoring

} // namespace haven::app
