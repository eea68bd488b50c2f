// `haven template render NAME --dir DIR [--context FILE]`: renders one template of a folder with
// the Nunjucks-compatible engine, for theme authors and the differential tests against Nunjucks.
#pragma once

#include <string>

namespace haven::app {

// Loads every file under `dir` as a template named by its relative path ("_partial/a.njk"),
// finalizes, renders `name` with the JSON object in `context_file` (empty = no context) and
// prints the result to stdout. Problems go to stderr as file:line:col with a caret excerpt.
// Load errors only count when they are in `name` or a template it depends on (Nunjucks loads
// lazily too). Returns 0 on success, 1 on any error.
int cmd_template_render(const std::string& name, const std::string& dir, const std::string& context_file);

} // namespace haven::app
