// `haven new [LAYOUT] TITLE [--path P] [--slug S] [--replace]`: a new post, page or draft from the
// site's scaffolds, named and placed as `hexo new` does (hexo/lib/plugins/console/new.js,
// hexo/lib/hexo/post.js create(), filters/new_post_path.js).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "app/authoring.hpp"
#include "base/fs.hpp"
#include "content/scaffold.hpp"
#include "site/inventory.hpp"
#include "text/slug.hpp"

namespace haven::app::authoring {

namespace {

namespace fs = std::filesystem;

struct NewArgs {
  std::vector<std::string> words;  // [LAYOUT] TITLE
  std::string path;
  std::string slug;
  bool replace = false;
  std::string site = ".";
  std::string config;
};

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Whether `rel` (forward slashes) stays inside the folder it is relative to.
bool stays_inside(const std::string& rel) {
  if (rel.empty() || rel.front() == '/') return false;
  fs::path norm = fs::path(rel).lexically_normal();
  return !norm.empty() && *norm.begin() != "..";
}

std::string extension_of(const std::string& pattern) {
  std::string ext = fs::path(pattern).extension().string();
  return ext.empty() ? ".md" : ext;
}

int run_new(const NewArgs& args) {
  if (args.words.size() > 2) {
    print_error(fmt::format("expected [LAYOUT] TITLE but got {} words; quote a title with spaces: haven new \"{}\"",
                            args.words.size(), fmt::join(args.words, " ")));
    return k_exit_usage;
  }
  std::string title, layout;
  if (args.words.size() == 2) {
    layout = lower_ascii(args.words[0]);
    title = args.words[1];
  } else if (args.words.size() == 1) {
    title = args.words[0];
  } else if (!args.path.empty()) {
    title = fs::path(args.path).stem().string();  // Hexo: the title defaults to the path's name
  } else {
    print_error("a title is needed: haven new [LAYOUT] TITLE");
    return k_exit_usage;
  }

  if (!require_site(args.site, args.config)) return k_exit_failed;
  site::InventoryOptions inv_options;
  inv_options.site_dir = args.site;
  inv_options.config_files = split_commas(args.config);
  auto inv = site::load_inventory(inv_options);
  if (!inv) {
    print_diagnostics(inv.error());
    return k_exit_failed;
  }
  const auto& config = inv->config;
  if (layout.empty()) layout = lower_ascii(config.str("default_layout", "post"));
  const int filename_case = static_cast<int>(config.num("filename_case"));
  const std::string source_dir = config.str("source_dir", "source");
  const std::string ext = extension_of(config.str("new_post_name", ":title.md"));
  Stamp stamp = now_stamp(config);

  std::string slug;
  if (args.slug == "pinyin") slug = text::pinyin_slug(title);
  else if (!args.slug.empty()) slug = text::slugize(args.slug, filename_case);
  else slug = text::slugize(title, filename_case);

  // Where the file goes, under source_dir (new_post_path filter).
  std::string rel;
  if (!args.path.empty()) {
    std::string base = layout == "page" ? "" : layout == "draft" ? "_drafts/" : "_posts/";
    rel = base + fs::path(args.path).generic_string();
    if (fs::path(rel).extension().empty()) rel += ext;
  } else {
    if (slug.empty()) {
      print_error(fmt::format("the title \"{}\" gives an empty file name; choose one with --slug NAME or --path FILE", title));
      return k_exit_usage;
    }
    if (layout == "page") rel = slug + "/index" + ext;
    else if (layout == "draft") rel = "_drafts/" + slug + ext;
    else rel = post_file_name(config, slug, stamp);
  }
  if (!stays_inside(rel)) {
    print_error(fmt::format("\"{}\" would be written outside {}/", rel, source_dir));
    return k_exit_usage;
  }
  fs::path target = fs::path(args.site) / source_dir / rel;
  std::string shown = display_path(target, args.site);
  std::error_code ec;
  if (fs::exists(target, ec) && !args.replace) {
    print_error(fmt::format("{} already exists; nothing was written (use --replace to overwrite it, or --slug/--path for another name)", shown));
    return k_exit_failed;
  }

  // Scaffold, then the abbrlink hexo-abbrlink would give it (posts with layout `post` only).
  std::string scaffold_layout = layout;
  fs::path scaffold_dir = fs::path(args.site) / config.str("scaffold_dir", "scaffolds");
  std::string text = content::render_scaffold(content::read_scaffold(scaffold_dir, scaffold_layout),
                                              {{"title", title}, {"layout", layout}},
                                              {{"date", stamp.text}});
  std::string abbrlink;
  if (layout == "post" && permalink_uses_abbrlink(*inv)) {
    abbrlink = next_abbrlink(*inv, title, args.replace ? target : fs::path());
    bool hex = config.str("abbrlink.rep", "dec") == "hex";
    auto with = write_abbrlink(text, abbrlink, hex, shown);
    if (!with) {
      print_diagnostics({with.error()});
      return k_exit_failed;
    }
    text = std::move(*with);
  }

  auto written = base::write_file(target, text);
  if (!written) {
    print_diagnostics({written.error()});
    return k_exit_failed;
  }
  std::printf("Created: %s\n", shown.c_str());
  if (!abbrlink.empty()) std::printf("  abbrlink: %s\n", abbrlink.c_str());
  // post_asset_folder: a folder named like the file (Hexo skips it for index files).
  fs::path asset_dir = target.parent_path() / target.stem();
  if (config.flag("post_asset_folder") && target.stem() != "index") {
    fs::create_directories(asset_dir, ec);
    if (ec) {
      print_error(fmt::format("cannot create the asset folder {}: {}", display_path(asset_dir, args.site), ec.message()));
      return k_exit_failed;
    }
    std::printf("  asset folder: %s/\n", display_path(asset_dir, args.site).c_str());
  }
  return k_exit_ok;
}

} // namespace

void add_new_command(CLI::App& app, std::function<int()>& action) {
  auto args = std::make_shared<NewArgs>();
  auto* cmd = app.add_subcommand("new", "Create a post, page or draft from scaffolds/ (like hexo new)");
  cmd->add_option("LAYOUT_TITLE", args->words, "[LAYOUT] TITLE: layout post (default), page, draft or another scaffold; the title")
      ->expected(0, 3);
  cmd->add_option("-p,--path", args->path, "File path under _posts/, _drafts/ or source/ instead of the one made from the title");
  cmd->add_option("-s,--slug", args->slug, "File name instead of the title; `pinyin` = the title in pinyin (你好 → ni-hao)");
  cmd->add_flag("-r,--replace", args->replace, "Overwrite the file when it exists");
  cmd->add_option("--site", args->site, "Site folder (default: the current folder)")->check(CLI::ExistingDirectory);
  cmd->add_option("--config", args->config, "Config files merged in order, comma-separated");
  cmd->callback([args, &action] { action = [args] { return run_new(*args); }; });
}

} // namespace haven::app::authoring
