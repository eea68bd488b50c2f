// `haven list post|page|tag|category|route [SITE_DIR]`: the site's contents as tables that fit the
// terminal (CJK columns aligned by display width), like `hexo list`.
#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <numeric>
#include <string>

#include "app/authoring.hpp"
#include "content/taxonomy.hpp"
#include "site/build.hpp"
#include "site/inventory.hpp"
#include "text/collate.hpp"
#include "text/datetime.hpp"
#include "text/utf8.hpp"

namespace haven::app::authoring {

namespace {

namespace fs = std::filesystem;

struct ListArgs {
  std::string what;
  std::string site = ".";
  std::string config;
  bool drafts = false;
};

struct Table {
  std::vector<std::string> head;
  std::vector<bool> flexible;  // columns that may be cut to fit (titles, paths), not dates or counts
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> drop_order = {};  // columns (by index) left out, in this order, on narrow terminals
};

// Columns of the terminal stdout is, 0 when it is not one (a pipe gets whole lines). $COLUMNS wins.
size_t terminal_width() {
  if (const char* env = std::getenv("COLUMNS"); env && std::atoi(env) > 0) return static_cast<size_t>(std::atoi(env));
  if (::isatty(STDOUT_FILENO) == 0) return 0;
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

constexpr size_t k_ellipsis = 1;  // display width of "…"

// `s` cut to at most `width` columns, ending in "…" when cut.
std::string fit(const std::string& s, size_t width) {
  if (text::display_width(s) <= width) return s;
  std::string out;
  size_t used = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t c = text::decode_utf8(s, pos);
    size_t w = text::display_width(c);
    if (used + w + k_ellipsis > width) break;
    out.append(s, start, pos - start);
    used += w;
  }
  return width < k_ellipsis ? std::string() : out + "…";
}

std::string pad(const std::string& s, size_t width) {
  size_t w = text::display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

constexpr size_t k_gap = 2;            // spaces between columns
constexpr size_t k_min_flexible = 8;   // a cut column keeps at least this many columns (readable)

void print_table(const Table& t, size_t terminal);

// Leaves out columns (t.drop_order, first to go first) while the kept ones cannot be shown at
// their natural width with the droppable rest cut to the minimum, then prints the table. On a
// narrow terminal titles and URLs stay readable rather than every column becoming "…".
void print_fitting(Table t, size_t terminal) {
  std::vector<size_t> original(t.head.size());
  std::iota(original.begin(), original.end(), size_t(0));
  auto natural = [&](size_t c) {
    size_t w = text::display_width(t.head[c]);
    for (const auto& row : t.rows) w = std::max(w, text::display_width(row[c]));
    return w;
  };
  auto needed = [&] {
    size_t total = k_gap * (t.head.size() - 1);
    for (size_t c = 0; c < t.head.size(); ++c) {
      bool droppable = std::find(t.drop_order.begin(), t.drop_order.end(), original[c]) != t.drop_order.end();
      total += droppable ? std::min(natural(c), k_min_flexible) : natural(c);
    }
    return total;
  };
  for (size_t drop : t.drop_order) {
    if (terminal == 0 || needed() <= terminal) break;
    auto at = std::find(original.begin(), original.end(), drop);
    if (at == original.end()) continue;
    auto index = at - original.begin();
    original.erase(at);
    t.head.erase(t.head.begin() + index);
    t.flexible.erase(t.flexible.begin() + index);
    for (auto& row : t.rows) row.erase(row.begin() + index);
  }
  print_table(t, terminal);
}

void print_table(const Table& t, size_t terminal) {
  const size_t n = t.head.size();
  std::vector<size_t> widths(n);
  for (size_t c = 0; c < n; ++c) {
    widths[c] = text::display_width(t.head[c]);
    for (const auto& row : t.rows) widths[c] = std::max(widths[c], text::display_width(row[c]));
  }
  if (terminal > 0) {
    auto total = [&] { return std::accumulate(widths.begin(), widths.end(), size_t(0)) + k_gap * (n - 1); };
    // Shrink the widest flexible column one step at a time until the table fits.
    while (total() > terminal) {
      size_t widest = n;
      for (size_t c = 0; c < n; ++c) {
        if (t.flexible[c] && widths[c] > k_min_flexible && (widest == n || widths[c] > widths[widest])) widest = c;
      }
      if (widest == n) break;
      widths[widest] -= 1;
    }
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < n; ++c) {
      std::string cell = fit(cells[c], widths[c]);
      line += c + 1 == n ? cell : pad(cell, widths[c]) + std::string(k_gap, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::puts(line.c_str());
  };
  print_row(t.head);
  std::vector<std::string> rule;
  for (size_t c = 0; c < n; ++c) rule.push_back(std::string(widths[c], '-'));
  print_row(rule);
  for (const auto& row : t.rows) print_row(row);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

int list_documents(const site::Inventory& inv, bool posts) {
  const std::string zone = inv.site_timezone.empty() ? inv.process_zone : inv.site_timezone;
  const std::string root = inv.config.str("root", "/");
  const bool future = inv.config.flag("future", true);
  std::vector<const content::Document*> docs;
  for (const auto& d : inv.docs) {
    if (d.is_post() == posts) docs.push_back(&d);
  }
  // Published first, then by date, as `hexo list post` (Post.sort({published: -1, date: 1})).
  std::stable_sort(docs.begin(), docs.end(), [](const content::Document* a, const content::Document* b) {
    if (a->published != b->published) return a->published;
    return a->date_ms < b->date_ms;
  });
  auto status_of = [&](const content::Document& d) -> std::string {
    if (d.draft) return "draft";
    if (!d.published) return !future && d.date_ms > inv.now_ms ? "future" : "hidden";
    return "";
  };
  bool any_status = std::any_of(docs.begin(), docs.end(), [&](const content::Document* d) { return !status_of(*d).empty(); });
  Table t;
  if (posts) {
    t.head = {"Date", "Title", "URL", "Source", "Categories", "Tags"};
    t.flexible = {false, true, true, true, true, true};
    t.drop_order = {3, 4, 5};  // Source, then Categories, then Tags
  } else {
    t.head = {"Date", "Title", "URL", "Source"};
    t.flexible = {false, true, true, true};
    t.drop_order = {3};  // Source
  }
  if (any_status) {
    t.head.push_back("Status");
    t.flexible.push_back(false);
  }
  size_t hidden = 0;
  for (const auto* d : docs) {
    std::vector<std::string> row = {text::format_moment(d->date_ms, "YYYY-MM-DD", zone), d->title,
                                    d->draft ? "-" : root + d->path, "source/" + d->source};
    if (posts) {
      std::vector<std::string> cats;
      for (const auto& h : d->categories) cats.push_back(join(h, " > "));
      row.push_back(join(cats, ", "));
      row.push_back(join(d->tags, ", "));
    }
    std::string status = status_of(*d);
    if (!status.empty()) ++hidden;
    if (any_status) row.push_back(status);
    t.rows.push_back(std::move(row));
  }
  if (t.rows.empty()) {
    std::puts(posts ? "No posts." : "No pages.");
    return k_exit_ok;
  }
  const size_t rows = t.rows.size();
  print_fitting(std::move(t), terminal_width());
  std::string noun = posts ? "post" : "page";
  std::printf("\n%zu %s%s", rows, noun.c_str(), rows == 1 ? "" : "s");
  if (hidden) std::printf(" (%zu not published)", hidden);
  std::printf("\n");
  return k_exit_ok;
}

content::Taxonomies taxonomies_of(const site::Inventory& inv) {
  std::vector<const content::Document*> posts;
  for (const auto& d : inv.docs) {
    if (d.is_post() && d.published && !d.draft) posts.push_back(&d);
  }
  std::stable_sort(posts.begin(), posts.end(), [](const auto* a, const auto* b) { return a->date_ms > b->date_ms; });
  return content::build_taxonomies(posts, inv.config);
}

int list_tags(const site::Inventory& inv) {
  auto tax = taxonomies_of(inv);
  const std::string root = inv.config.str("root", "/");
  std::vector<const content::Tag*> tags;
  for (const auto& tag : tax.tags) tags.push_back(&tag);
  std::stable_sort(tags.begin(), tags.end(), [](const auto* a, const auto* b) { return text::compare_collated(a->name, b->name) < 0; });
  Table t{{"Name", "Posts", "URL"}, {true, false, true}, {}};
  for (const auto* tag : tags) t.rows.push_back({tag->name, std::to_string(tag->posts.size()), root + tag->path});
  if (t.rows.empty()) {
    std::puts("No tags.");
    return k_exit_ok;
  }
  const size_t rows = t.rows.size();
  print_fitting(std::move(t), terminal_width());
  std::printf("\n%zu tag%s\n", rows, rows == 1 ? "" : "s");
  return k_exit_ok;
}

int list_categories(const site::Inventory& inv) {
  auto tax = taxonomies_of(inv);
  const std::string root = inv.config.str("root", "/");
  Table t{{"Name", "Posts", "URL"}, {true, false, true}, {}};
  // A tree: children under their parent, each level in collation order.
  std::function<void(int32_t, size_t)> add_level = [&](int32_t parent, size_t depth) {
    std::vector<size_t> level;
    for (size_t i = 0; i < tax.categories.size(); ++i) {
      if (tax.categories[i].parent == parent) level.push_back(i);
    }
    std::stable_sort(level.begin(), level.end(), [&](size_t a, size_t b) {
      return text::compare_collated(tax.categories[a].name, tax.categories[b].name) < 0;
    });
    for (size_t i : level) {
      const auto& c = tax.categories[i];
      t.rows.push_back({std::string(depth * 2, ' ') + c.name, std::to_string(c.posts.size()), root + c.path});
      add_level(static_cast<int32_t>(i), depth + 1);
    }
  };
  add_level(-1, 0);
  if (t.rows.empty()) {
    std::puts("No categories.");
    return k_exit_ok;
  }
  const size_t rows = t.rows.size();
  print_fitting(std::move(t), terminal_width());
  std::printf("\n%zu categor%s\n", rows, rows == 1 ? "y" : "ies");
  return k_exit_ok;
}

// Every file a build writes: the site is built into a temporary folder, listed, then removed.
int list_routes(const ListArgs& args) {
  std::optional<TempDir> temp;
  try {
    temp.emplace("list");
  } catch (const std::exception& e) {
    print_error(e.what());
    return k_exit_failed;
  }
  site::BuildOptions options;
  options.site_dir = args.site;
  options.output_dir = temp->path() / "public";
  options.config_files = split_commas(args.config);
  options.drafts = args.drafts;
  auto report = site::build_site(options);
  if (!report) {
    print_diagnostics(report.error());
    return k_exit_failed;
  }
  std::vector<std::string> routes;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(options.output_dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) routes.push_back(it->path().lexically_relative(options.output_dir).generic_string());
  }
  std::sort(routes.begin(), routes.end());
  for (const auto& r : routes) std::puts(r.c_str());
  std::printf("\n%zu route%s\n", routes.size(), routes.size() == 1 ? "" : "s");
  return k_exit_ok;
}

int run_list(const ListArgs& args) {
  if (args.what == "route") return list_routes(args);
  site::InventoryOptions options;
  options.site_dir = args.site;
  options.config_files = split_commas(args.config);
  options.drafts = args.what == "post";
  auto inv = site::load_inventory(options);
  if (!inv) {
    print_diagnostics(inv.error());
    return k_exit_failed;
  }
  print_diagnostics(inv->errors);  // files that could not be read are listed as errors, not rows
  int status = k_exit_ok;
  if (args.what == "post") status = list_documents(*inv, true);
  else if (args.what == "page") status = list_documents(*inv, false);
  else if (args.what == "tag") status = list_tags(*inv);
  else status = list_categories(*inv);
  return inv->errors.empty() ? status : k_exit_failed;
}

} // namespace

void add_list_command(CLI::App& app, std::function<int()>& action) {
  auto args = std::make_shared<ListArgs>();
  auto* cmd = app.add_subcommand("list", "List the site's posts, pages, tags, categories or output files");
  cmd->add_option("TYPE", args->what, "post, page, tag, category or route")
      ->required()
      ->check(CLI::IsMember({"post", "page", "tag", "category", "route"}));
  cmd->add_option("SITE_DIR", args->site, "Site folder (default: the current folder)")->check(CLI::ExistingDirectory);
  cmd->add_option("--config", args->config, "Config files merged in order, comma-separated");
  cmd->add_flag("--drafts", args->drafts, "route: build source/_drafts too");
  cmd->callback([args, &action] { action = [args] { return run_list(*args); }; });
}

} // namespace haven::app::authoring
