// `haven publish [LAYOUT] NAME [--replace] [--keep-date]`: moves source/_drafts/NAME.md (and its
// asset folder) into source/_posts/ under `new_post_name`, dated now (hexo/lib/hexo/post.js
// publish()). Unlike Hexo, which re-dumps the front matter through the post scaffold, the draft's
// text is kept byte for byte except the `date:` line (and `layout:`/`abbrlink:` when they apply).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "app/authoring.hpp"
#include "base/fs.hpp"
#include "content/front_matter.hpp"
#include "content/front_matter_edit.hpp"
#include "site/inventory.hpp"
#include "text/slug.hpp"

namespace haven::app::authoring {

namespace {

namespace fs = std::filesystem;

struct PublishArgs {
  std::vector<std::string> words;  // [LAYOUT] NAME
  bool replace = false;
  bool keep_date = false;
  std::string site = ".";
  std::string config;
};

std::string strip_ext(std::string_view rel) {
  size_t slash = rel.rfind('/');
  size_t dot = rel.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return std::string(rel);
  return std::string(rel.substr(0, dot));
}

// Moves a file or folder, copying across file systems.
std::error_code move_path(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::rename(from, to, ec);
  if (!ec) return ec;
  ec.clear();
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) return ec;
  fs::remove_all(from, ec);
  return ec;
}

int run_publish(const PublishArgs& args) {
  if (args.words.empty() || args.words.size() > 2) {
    print_error("expected [LAYOUT] NAME, e.g. haven publish my-draft");
    return k_exit_usage;
  }
  std::string layout = args.words.size() == 2 ? args.words[0] : "";
  std::string name = args.words.back();

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
  const int filename_case = static_cast<int>(config.num("filename_case"));

  // The draft: by file name with or without extension, or by the slugized name (Hexo).
  std::string wanted = name;
  for (std::string_view prefix : {"source/_drafts/", "_drafts/"}) {
    if (wanted.starts_with(prefix)) wanted.erase(0, prefix.size());
  }
  std::string slugized = text::slugize(name, filename_case);
  std::vector<const content::SourceFile*> drafts, matches;
  for (const auto& s : inv->sources) {
    if (s.kind != content::SourceKind::Draft) continue;
    drafts.push_back(&s);
    std::string inner = s.rel.substr(8);  // after "_drafts/"
    if (inner == wanted || strip_ext(inner) == wanted || strip_ext(inner) == slugized) matches.push_back(&s);
  }
  if (matches.empty()) {
    std::string names;
    for (const auto* d : drafts) names += (names.empty() ? "" : ", ") + strip_ext(d->rel.substr(8));
    print_error(fmt::format("no draft \"{}\" in source/_drafts/ ({})", name, names.empty() ? "there are no drafts" : "drafts: " + names));
    return k_exit_failed;
  }
  if (matches.size() > 1) {
    print_error(fmt::format("\"{}\" matches {} drafts ({} and {}); give the file name with its extension",
                            name, matches.size(), matches[0]->rel, matches[1]->rel));
    return k_exit_failed;
  }
  const content::SourceFile& draft = *matches[0];
  const std::string slug = strip_ext(draft.rel.substr(8));
  const fs::path source_dir = inv->source_dir;

  auto raw = base::read_file(draft.abs);
  if (!raw) {
    print_diagnostics({raw.error()});
    return k_exit_failed;
  }
  std::string shown_draft = display_path(draft.abs, args.site);
  auto front = content::parse_front_matter(content::normalize_source(*raw), shown_draft);
  if (!front) {
    print_diagnostics({front.error()});
    return k_exit_failed;
  }

  Stamp stamp = now_stamp(config);
  const bool has_date = front->data.get("date").truthy();
  const bool set_date = !(args.keep_date && has_date);
  std::string rel = post_file_name(config, slug, stamp);
  fs::path target = source_dir / rel;
  std::string shown = display_path(target, args.site);
  std::error_code ec;
  if (fs::exists(target, ec) && !args.replace) {
    print_error(fmt::format("{} already exists; the draft was left as it is (use --replace to overwrite it)", shown));
    return k_exit_failed;
  }
  fs::path asset_from = draft.abs.parent_path() / draft.abs.stem();
  fs::path asset_to = target.parent_path() / target.stem();
  const bool has_assets = fs::is_directory(asset_from, ec);
  if (has_assets && fs::exists(asset_to, ec) && !args.replace) {
    print_error(fmt::format("the asset folder {}/ already exists; the draft was left as it is (use --replace)",
                            display_path(asset_to, args.site)));
    return k_exit_failed;
  }

  std::string text = std::move(*raw);
  auto set = [&](std::string_view key, const std::string& yaml, const std::string& json) -> bool {
    auto edited = content::set_front_matter_key(text, key, yaml, json, shown_draft);
    if (!edited) {
      print_diagnostics({edited.error()});
      return false;
    }
    text = std::move(*edited);
    return true;
  };
  if (set_date && !set("date", stamp.text, content::json_string(stamp.text))) return k_exit_failed;
  if (!layout.empty() && layout != "post" && !set("layout", content::yaml_scalar(layout), content::json_string(layout))) {
    return k_exit_failed;
  }
  std::string abbrlink;
  const bool post_layout = layout.empty() || layout == "post";
  if (post_layout && permalink_uses_abbrlink(*inv) && !front->data.get("abbrlink").truthy()) {
    std::string title = front->data.get("title").is_nullish() ? "" : front->data.get("title").to_string();
    abbrlink = next_abbrlink(*inv, title, args.replace ? target : fs::path());
    auto with = write_abbrlink(text, abbrlink, config.str("abbrlink.rep", "dec") == "hex", shown_draft);
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
  fs::remove(draft.abs, ec);
  if (ec) {
    print_error(fmt::format("published {} but could not remove the draft {}: {}", shown, shown_draft, ec.message()));
    return k_exit_failed;
  }
  std::printf("Published: %s → %s\n", shown_draft.c_str(), shown.c_str());
  if (set_date) std::printf("  date: %s\n", stamp.text.c_str());
  if (!abbrlink.empty()) std::printf("  abbrlink: %s\n", abbrlink.c_str());
  if (has_assets) {
    if (args.replace) fs::remove_all(asset_to, ec);
    if (auto err = move_path(asset_from, asset_to)) {
      print_error(fmt::format("could not move the asset folder {}/ to {}/: {}", display_path(asset_from, args.site),
                              display_path(asset_to, args.site), err.message()));
      return k_exit_failed;
    }
    std::printf("  assets: %s/ → %s/\n", display_path(asset_from, args.site).c_str(), display_path(asset_to, args.site).c_str());
  }
  return k_exit_ok;
}

} // namespace

void add_publish_command(CLI::App& app, std::function<int()>& action) {
  auto args = std::make_shared<PublishArgs>();
  auto* cmd = app.add_subcommand("publish", "Move a draft (and its asset folder) into source/_posts/, dated now");
  cmd->add_option("LAYOUT_NAME", args->words, "[LAYOUT] NAME: the draft's file name under source/_drafts/")->expected(0, 3);
  cmd->add_flag("-r,--replace", args->replace, "Overwrite the post when it exists");
  cmd->add_flag("--keep-date", args->keep_date, "Keep a `date:` the draft already has (Hexo's behaviour)");
  cmd->add_option("--site", args->site, "Site folder (default: the current folder)")->check(CLI::ExistingDirectory);
  cmd->add_option("--config", args->config, "Config files merged in order, comma-separated");
  cmd->callback([args, &action] { action = [args] { return run_publish(*args); }; });
}

} // namespace haven::app::authoring
