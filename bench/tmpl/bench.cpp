// Renders the benchmark layout (bench/tmpl) with Haven's template engine N times; prints
// µs/page. `node bench/tmpl/run.mjs` runs it against Nunjucks.
//   bench_tmpl DIR [N] [--print]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/fs.hpp"
#include "config/json.hpp"
#include "tmpl/engine.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using namespace haven;
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_tmpl DIR [N] [--print]\n");
    return 2;
  }
  fs::path dir = argv[1];
  int n = argc > 2 ? std::atoi(argv[2]) : 2000;
  tmpl::Engine engine;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".njk") {
      engine.add_template(base::relative_slash(e.path(), dir), *base::read_file(e.path()), e.path().string());
    }
  }
  auto errors = engine.finalize();
  if (!errors.empty()) {
    std::fprintf(stderr, "%s\n", errors[0].message.c_str());
    return 1;
  }
  auto ctx = config::parse_json(*base::read_file(dir / "context.json"), "context.json");
  std::string out;
  for (int i = 0; i < 200; ++i) out = *engine.render("main.njk", *ctx); // warm caches and the allocator
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) out = *engine.render("main.njk", *ctx);
  auto t1 = std::chrono::steady_clock::now();
  if (argc > 3) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  double us = std::chrono::duration<double, std::micro>(t1 - t0).count() / n;
  std::printf("haven: %.2f µs/page (%zu bytes)\n", us, out.size());
  return 0;
}
