#include "content/sources.hpp"

#include <algorithm>
#include <array>

#include "content/glob.hpp"

namespace haven::content {

namespace fs = std::filesystem;

bool is_markdown_ext(std::string_view ext) {
  static constexpr std::array<std::string_view, 7> k_exts = {".md", ".markdown", ".mkd", ".mkdn",
                                                            ".mdwn", ".mdtxt", ".mdtext"};
  return std::find(k_exts.begin(), k_exts.end(), ext) != k_exts.end();
}

namespace {

bool matches_any(std::string_view rel, const std::vector<std::string>& globs) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return !g.empty() && glob_match(g, rel); });
}

bool has_hidden_segment(std::string_view rel) {
  size_t start = 0;
  while (start < rel.size()) {
    if (rel[start] == '_' || rel[start] == '.') return true;
    size_t slash = rel.find('/', start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

// Extensions Hexo renders into pages (spec §1); everything else under source/ is an asset.
bool is_page_ext(std::string_view ext) {
  return is_markdown_ext(ext) || ext == ".html" || ext == ".htm" || ext == ".njk" ||
         ext == ".yml" || ext == ".yaml";
}

} // namespace

bool is_skip_render(std::string_view rel, const config::SiteConfig& config) {
  return matches_any(rel, config.list("skip_render"));
}

std::vector<SourceFile> discover_sources(const fs::path& source_dir, const config::SiteConfig& config) {
  std::vector<SourceFile> out;
  std::error_code ec;
  if (!fs::is_directory(source_dir, ec)) return out;

  const auto include = config.list("include");
  auto exclude = config.list("exclude");
  for (auto& g : config.list("ignore")) exclude.push_back(g);
  const bool asset_folder = config.flag("post_asset_folder");
  std::string post_ext = fs::path(config.str("new_post_name", ":title.md")).extension().string();
  if (post_ext.empty()) post_ext = ".md";

  // paths below source_dir start with its text: rel, name and extension are cut from the string
  // (std::filesystem's decomposition cost ~1 µs a file)
  std::string prefix = source_dir.native();
  if (!prefix.ends_with('/')) prefix += '/';
  for (auto it = fs::recursive_directory_iterator(source_dir, fs::directory_options::follow_directory_symlink, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    const std::string& full = it->path().native();
    std::string rel = full.starts_with(prefix) ? full.substr(prefix.size())
                                               : it->path().lexically_relative(source_dir).generic_string();
    std::string_view name = std::string_view(rel).substr(rel.rfind('/') + 1);  // npos + 1 == 0
    if (name.empty() || name.back() == '~' || name.back() == '%') continue;

    // as fs::path::extension: from the last dot, none for a name that only starts with one
    size_t dot = name.rfind('.');
    std::string ext(dot == std::string_view::npos || dot == 0 ? std::string_view() : name.substr(dot));
    SourceFile file{rel, it->path(), SourceKind::Asset};
    if (rel.starts_with("_posts/") || rel.starts_with("_drafts/")) {
      bool draft = rel.starts_with("_drafts/");
      std::string_view inner = std::string_view(rel).substr(draft ? 8 : 7);
      if (has_hidden_segment(inner)) continue;
      bool is_post = asset_folder ? ext == post_ext : is_markdown_ext(ext) || ext == ".html";
      if (is_post) {
        file.kind = draft ? SourceKind::Draft : SourceKind::Post;
      } else if (asset_folder) {
        file.kind = SourceKind::PostAsset;
      } else {
        continue; // Hexo silently drops non-post files in _posts/ without asset folders
      }
    } else if (rel.starts_with("_data/")) {
      if (ext != ".yml" && ext != ".yaml" && ext != ".json") continue;
      file.kind = SourceKind::Data;
    } else {
      if (has_hidden_segment(rel) && !matches_any(rel, include)) continue;
      if (matches_any(rel, exclude)) continue;
      if (is_page_ext(ext) && !is_skip_render(rel, config)) file.kind = SourceKind::Page;
    }
    out.push_back(std::move(file));
  }
  std::sort(out.begin(), out.end(), [](const SourceFile& a, const SourceFile& b) { return a.rel < b.rel; });
  return out;
}

} // namespace haven::content
