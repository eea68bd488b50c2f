// Fuzz target: front-matter splitting with YAML and JSON parsing (libfyaml underneath).
#include "config/json.hpp"
#include "content/front_matter.hpp"
#include "fuzz_main.hpp"

void fuzz_one(std::string_view input) {
  std::string text = haven::content::normalize_source(input);
  (void)haven::content::parse_front_matter(text, "fuzz.md");
  (void)haven::config::parse_json(text, "fuzz.json");
}
