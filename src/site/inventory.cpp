#include "site/inventory.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <mutex>
#include <optional>

#include "text/datetime.hpp"

namespace haven::site {

namespace fs = std::filesystem;

std::expected<Inventory, std::vector<base::Diagnostic>> load_inventory(const InventoryOptions& options) {
  auto cfg = config::load_site_config(options.site_dir, options.config_files);
  if (!cfg) return std::unexpected(std::vector<base::Diagnostic>{cfg.error()});
  Inventory inv;
  inv.config = std::move(*cfg);
  inv.process_zone = options.process_zone.empty() ? text::local_zone() : options.process_zone;
  inv.now_ms = std::isnan(options.now_ms)
                   ? static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count())
                   : options.now_ms;
  inv.site_timezone = inv.config.str("timezone");
  if (!inv.site_timezone.empty() && !text::is_valid_zone(inv.site_timezone)) {
    return std::unexpected(std::vector<base::Diagnostic>{
        base::error(fmt::format("unknown timezone \"{}\" in config", inv.site_timezone), "_config.yml")});
  }
  inv.source_dir = options.site_dir / inv.config.str("source_dir", "source");
  inv.sources = content::discover_sources(inv.source_dir, inv.config);

  std::vector<const content::SourceFile*> wanted;
  for (const auto& s : inv.sources) {
    if (s.kind == content::SourceKind::Post || s.kind == content::SourceKind::Page ||
        (s.kind == content::SourceKind::Draft && options.drafts)) {
      wanted.push_back(&s);
    }
  }
  const content::LoadOptions load_options = inv.load_options();
  std::vector<std::optional<content::Document>> loaded(wanted.size());
  std::vector<std::optional<base::Diagnostic>> failed(wanted.size());
  tbb::parallel_for(size_t(0), wanted.size(), [&](size_t i) {
    auto doc = content::load_document(*wanted[i], inv.config, load_options);
    if (doc) loaded[i] = std::move(*doc);
    else failed[i] = doc.error();
  });
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (loaded[i]) inv.docs.push_back(std::move(*loaded[i]));
    if (failed[i]) inv.errors.push_back(std::move(*failed[i]));
  }

  inv.abbrlink_stored.reserve(inv.docs.size());
  std::vector<content::Document*> posts;
  for (auto& d : inv.docs) {
    inv.abbrlink_stored.push_back(!d.abbrlink.empty());
    if (d.is_post() && !d.draft) posts.push_back(&d);
  }
  content::assign_abbrlinks(posts, inv.config);

  const bool future = inv.config.flag("future", true);
  for (auto& d : inv.docs) {
    if (d.is_post() && !future && d.date_ms > inv.now_ms) d.published = false;
    auto path = content::compute_path(d, inv.config, load_options);
    if (path) d.path = std::move(*path);
    else inv.errors.push_back(path.error());
  }
  return inv;
}

} // namespace haven::site
