// A site kept in memory between builds, so `haven serve` can rebuild only what an edit touches.
//
// Every build runs the same phases (see build.hpp); a rebuild reuses what did not change:
//   - documents whose file did not change keep their parsed front matter and rendered body;
//   - the theme is reloaded only when a theme file changed;
//   - each page remembers a signature of everything it showed (its documents, their neighbours,
//     tag counts, the layout and its templates, and — only if the template read `site.*` —
//     the site-wide lists); a page is rendered again only when its signature changes.
// Config changes rebuild everything. Counters in BuildStats say what was actually redone.
// The common edit in `haven serve` — one post's body or title, the site's structure unchanged
// (same date, tags, categories, layout, route) — skips the phases entirely: the document is
// patched into the kept plan (values, jobs, signatures) and only the pages whose signature
// changed are rendered, plus feeds, sitemaps and the search index (patch_documents).
// Known approximation: list pages track each post's title, date, path, front matter, excerpt
// (or content when there is no excerpt) — not an `updated` that comes only from the file's
// mtime, which would re-render every list on each save. `haven build` is always exact.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "site/build.hpp"
#include "site/output.hpp"

namespace haven::site {

class Site {
public:
  explicit Site(BuildOptions options);
  ~Site();
  Site(Site&&) noexcept;
  Site& operator=(Site&&) noexcept;

  // Builds everything from scratch into memory. On failure the previous state is kept.
  std::expected<BuildReport, std::vector<base::Diagnostic>> build();

  // Rebuilds after `changed` files (absolute or site-relative paths; deleted files included)
  // changed on disk, redoing only what they affect. Falls back to build() when there is no
  // previous state or a config file changed. On failure the previous state is kept.
  std::expected<BuildReport, std::vector<base::Diagnostic>> rebuild(const std::vector<std::filesystem::path>& changed);

  // The current output (path under the output folder → file), valid after a successful build.
  const std::map<std::string, OutputFile>& outputs() const;
  // The same, shared: stays valid (and unchanged) after later rebuilds, so a server can keep
  // serving it without copying the map.
  std::shared_ptr<const std::map<std::string, OutputFile>> shared_outputs() const;
  // Output paths whose bytes changed in the last successful (re)build.
  const std::vector<std::string>& changed_outputs() const;
  // The configured `root` ("/blog/"), for serving under a prefix.
  std::string url_root() const;
  const BuildOptions& options() const;

  struct State;

private:
  // `rebuild` for edits of existing posts or pages that leave the site's structure as it was (same
  // date, tags, categories, layout, route; title, other front matter and body may change):
  // patches them into the kept plan and renders just the pages whose signature changed, with the
  // same result as the full rebuild. nullopt when the edit is anything else.
  std::optional<std::expected<BuildReport, std::vector<base::Diagnostic>>> patch_documents(
      const std::vector<std::string>& changed_sources);

  BuildOptions m_options;
  std::unique_ptr<State> m_state;
  std::vector<std::string> m_changed;
  std::jthread m_reaper;  // frees the previous build's state; joined before the next one
};

} // namespace haven::site
