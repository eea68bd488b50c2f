// Fuzz target: Markdown rendering with Hexo's options (heading ids, highlighting, math, tags).
#include "fuzz_main.hpp"
#include "markdown/markdown.hpp"

void fuzz_one(std::string_view input) {
  haven::markdown::Options options;
  (void)haven::markdown::render(input, options);
  options.commonmark = true;
  (void)haven::markdown::render(input, options);
}
