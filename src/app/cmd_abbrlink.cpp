// `haven abbrlink [SITE_DIR] [--write]`: the abbrlinks Haven computes for posts that do not store
// one, and with --write stores them in the files as hexo-abbrlink does — but by rewriting only the
// `abbrlink:` line (or adding it), never re-dumping the front matter.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "app/authoring.hpp"
#include "base/fs.hpp"
#include "site/inventory.hpp"

namespace haven::app::authoring {

namespace {

struct AbbrlinkArgs {
  std::string site = ".";
  std::string config;
  bool write = false;
};

int run_abbrlink(const AbbrlinkArgs& args) {
  site::InventoryOptions options;
  options.site_dir = args.site;
  options.config_files = split_commas(args.config);
  auto inv = site::load_inventory(options);
  if (!inv) {
    print_diagnostics(inv.error());
    return k_exit_failed;
  }
  if (!inv->errors.empty()) {
    // A post that cannot be loaded takes part in numbering; writing without it could clash.
    print_diagnostics(inv->errors);
    std::fputs("abbrlink: nothing written; fix the errors above first\n", stderr);
    return k_exit_failed;
  }
  const bool hex = inv->config.str("abbrlink.rep", "dec") == "hex";
  size_t missing = 0, written = 0;
  for (size_t i = 0; i < inv->docs.size(); ++i) {
    const auto& d = inv->docs[i];
    if (!d.is_post() || d.draft || inv->abbrlink_stored[i]) continue;
    ++missing;
    std::string shown = "source/" + d.source;
    if (!args.write) {
      std::printf("%s  abbrlink: %s\n", shown.c_str(), d.abbrlink.c_str());
      continue;
    }
    auto raw = base::read_file(d.file);
    if (!raw) {
      print_diagnostics({raw.error()});
      return k_exit_failed;
    }
    auto edited = write_abbrlink(*raw, d.abbrlink, hex, shown);
    if (!edited) {
      print_diagnostics({edited.error()});
      return k_exit_failed;
    }
    auto saved = base::write_file(d.file, *edited);
    if (!saved) {
      print_diagnostics({saved.error()});
      return k_exit_failed;
    }
    ++written;
    std::printf("%s  abbrlink: %s (written)\n", shown.c_str(), d.abbrlink.c_str());
  }
  if (missing == 0) std::puts("Every post stores its abbrlink.");
  else if (!args.write) std::printf("\n%zu post%s without a stored abbrlink; `haven abbrlink --write` stores these values\n", missing, missing == 1 ? "" : "s");
  else std::printf("\nWrote the abbrlink into %zu file%s\n", written, written == 1 ? "" : "s");
  return k_exit_ok;
}

} // namespace

void add_abbrlink_command(CLI::App& app, std::function<int()>& action) {
  auto args = std::make_shared<AbbrlinkArgs>();
  auto* cmd = app.add_subcommand("abbrlink", "Show (or --write into the files) the abbrlinks of posts that do not store one");
  cmd->add_option("SITE_DIR", args->site, "Site folder (default: the current folder)")->check(CLI::ExistingDirectory);
  cmd->add_option("--config", args->config, "Config files merged in order, comma-separated");
  cmd->add_flag("--write", args->write, "Store each computed abbrlink in its post (only the abbrlink: line changes)");
  cmd->callback([args, &action] { action = [args] { return run_abbrlink(*args); }; });
}

} // namespace haven::app::authoring
