#include "app/authoring.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "base/fs.hpp"
#include "content/front_matter_edit.hpp"
#include "content/scaffold.hpp"
#include "text/datetime.hpp"
#include "site/inventory.hpp"
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

Stamp now_stamp(const config::SiteConfig& config) {
  Stamp s;
  s.ms = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count());
  s.zone = config.str("timezone");
  if (s.zone.empty() || !text::is_valid_zone(s.zone)) s.zone = text::local_zone();
  s.text = text::format_moment(s.ms, "YYYY-MM-DD HH:mm:ss", s.zone);
  return s;
}

std::string post_file_name(const config::SiteConfig& config, const std::string& slug, const Stamp& stamp) {
  text::Civil c = text::civil_in_zone(stamp.ms, stamp.zone);
  content::NewPostNameParts parts;
  parts.title = slug;
  parts.year = c.year;
  parts.month = c.month;
  parts.day = c.day;
  parts.timestamp = static_cast<int64_t>(std::floor(stamp.ms / 1000));
  return "_posts/" + content::expand_new_post_name(config.str("new_post_name", ":title.md"), parts, config);
}

bool require_site(const std::string& site_dir, const std::string& config_option) {
  std::error_code ec;
  if (!config_option.empty() || fs::exists(fs::path(site_dir) / "_config.yml", ec) ||
      fs::exists(fs::path(site_dir) / "_config.yaml", ec)) {
    return true;
  }
  print_error(fmt::format("{} is not a site folder (it has no _config.yml); use --site DIR, or `haven init DIR` to make one",
                          site_dir == "." ? "the current folder" : site_dir));
  return false;
}

bool permalink_uses_abbrlink(const site::Inventory& inv) {
  return inv.config.str("permalink", ":year/:month/:day/:title/").find(":abbrlink") != std::string::npos;
}

std::string next_abbrlink(const site::Inventory& inv, const std::string& title, const fs::path& replaced) {
  std::error_code ec;
  fs::path skip = replaced.empty() ? fs::path() : fs::weakly_canonical(fs::absolute(replaced, ec), ec);
  std::vector<content::Document> copies;
  copies.reserve(inv.docs.size() + 1);
  for (const auto& d : inv.docs) {
    if (!d.is_post() || d.draft || d.abbrlink.empty()) continue;
    if (!skip.empty() && fs::weakly_canonical(fs::absolute(d.file, ec), ec) == skip) continue;
    content::Document reserved;
    reserved.abbrlink = d.abbrlink;
    copies.push_back(std::move(reserved));
  }
  content::Document fresh;
  fresh.title = title;
  fresh.front = base::Value(base::Object{});
  copies.push_back(std::move(fresh));
  std::vector<content::Document*> posts;
  for (auto& d : copies) posts.push_back(&d);
  content::assign_abbrlinks(posts, inv.config);
  return copies.back().abbrlink;
}

base::Result<std::string> write_abbrlink(std::string_view raw, const std::string& abbrlink, bool hex,
                                         std::string_view path) {
  std::string yaml = hex ? content::yaml_scalar(abbrlink) : abbrlink;
  std::string json = hex ? content::json_string(abbrlink) : abbrlink;
  return content::set_front_matter_key(raw, "abbrlink", yaml, json, path);
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
