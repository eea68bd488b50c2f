#include "site/build.hpp"

#include "site/site.hpp"

namespace haven::site {

std::expected<BuildReport, std::vector<base::Diagnostic>> build_site(const BuildOptions& options) {
  Site site(options);
  auto report = site.build();
  if (!report) return report;
  auto committed = commit_output(report->output_dir, site.outputs());
  if (!committed) return std::unexpected(std::vector<base::Diagnostic>{committed.error()});
  report->stats.files_written = committed->written;
  report->stats.files_unchanged = committed->unchanged;
  report->stats.files_removed = committed->removed;
  return report;
}

} // namespace haven::site
