// Phases of Site::rebuild after one edit, without the server around it (what `haven serve`
// does on save): bench_rebuild SITE_DIR SOURCE_FILE [RUNS=5] [CONFIG_FILES=_config.yml]
// Appends a marker line to SOURCE_FILE's body before each rebuild and restores it at the end.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "site/site.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SITE_DIR SOURCE_FILE [RUNS] [CONFIG_FILES]\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path site_dir = argv[1], file = argv[2];
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  std::ifstream in(file);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string original = buf.str();

  haven::site::BuildOptions options;
  options.site_dir = site_dir;
  if (argc > 4) {
    std::string list = argv[4];
    for (size_t start = 0; start <= list.size();) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      options.config_files.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  haven::site::Site site(options);
  auto first = site.build();
  if (!first) {
    std::fprintf(stderr, "build failed\n");
    return 1;
  }
  std::printf("initial build: %.0f ms\n", first->stats.ms);
  auto print = [](const char* what, const haven::site::BuildReport& r) {
    std::printf("%s: %.1f ms, %zu pages rendered, %zu bodies;", what, r.stats.ms, r.stats.pages_rendered,
                r.stats.bodies_rendered);
    for (const auto& p : r.stats.phases) std::printf(" %s %.1f", p.name.c_str(), p.ms);
    std::printf("\n");
  };
  for (int run = 0; run < runs; ++run) {
    std::ofstream(file) << original << "\nedited " << run << "\n";
    auto r = site.rebuild({file});
    if (!r) return 1;
    print("body edit", *r);
  }
  for (int run = 0; run < runs; ++run) {
    std::string text = original;
    auto at = text.find("title: ");
    text.insert(at + 7, "Renamed " + std::to_string(run) + " ");
    std::ofstream(file) << text;
    auto r = site.rebuild({file});
    if (!r) return 1;
    print("title edit", *r);
  }
  std::ofstream(file) << original;
  auto r = site.rebuild({file});
  if (r) print("restore", *r);
  auto none = site.rebuild({});
  if (none) print("nothing changed", *none);
  return 0;
}
