// Highlighting throughput: one post with 20 fenced code blocks in 5 languages (JavaScript,
// Python, C++, Bash, YAML; 4 blocks each) through markdown::render, as a build renders posts.
// Reports lines of code per second (items_per_second).
#include <benchmark/benchmark.h>

#include <string>

#include "markdown/markdown.hpp"

namespace {

struct Sample {
  const char* lang;
  const char* code;
};

constexpr Sample k_samples[] = {
    {"js", "const greeting = \"hello\";\nfunction hi(name) {\n  return `${greeting}, ${name}!`;\n}\nconsole.log(hi('x'));\n"
           "for (let i = 0; i < 10; i++) {\n  if (i % 2) continue; // odd\n  items.push({ id: i, label: `item ${i}` });\n}\n"
           "export default { hi, items };\n"},
    {"python", "import os\n\ndef add(a, b):\n    \"\"\"Add two numbers.\"\"\"\n    return a + b\n\nclass Point:\n"
               "    def __init__(self, x, y):\n        self.x = x  # coordinate\n        self.y = y\n"},
    {"cpp", "#include <vector>\n\ntemplate <typename T>\nT sum(const std::vector<T>& v) {\n  T total{};\n"
            "  for (const T& x : v) total += x;  // accumulate\n  return total;\n}\n\nint main() { return sum<int>({1, 2, 3}); }\n"},
    {"bash", "#!/usr/bin/env bash\nset -euo pipefail\nfor f in *.md; do\n  echo \"file: $f\"\n  wc -l \"$f\"\ndone\n"
             "if [ -d public ]; then\n  rm -rf public  # clean\nfi\nnpm run build\n"},
    {"yaml", "title: 实验博客 Lab Blog\nurl: https://blog.example.com\npermalink: :year/:month/:day/:title/\nhighlight:\n"
             "  line_number: true\n  wrap: true\ntags:\n  - Hexo\n  - 'C++'\nper_page: 10\n"},
};

std::string make_post(size_t& lines) {
  std::string md = "# Benchmark post\n\nSome text before the code.\n\n";
  lines = 0;
  for (int round = 0; round < 4; ++round) {
    for (const Sample& s : k_samples) {
      md += "Paragraph about the next block.\n\n```";
      md += s.lang;
      md += "\n";
      md += s.code;
      md += "```\n\n";
      for (const char* p = s.code; *p; ++p) lines += *p == '\n';
    }
  }
  return md;
}

void BM_HighlightPost(benchmark::State& state) {
  size_t lines = 0;
  std::string post = make_post(lines);
  haven::markdown::Options options;
  for (auto _ : state) {
    auto rendered = haven::markdown::render(post, options);
    benchmark::DoNotOptimize(rendered.html.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines));
  state.counters["code_lines"] = static_cast<double>(lines);
}
BENCHMARK(BM_HighlightPost)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
