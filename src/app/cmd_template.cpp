#include "app/cmd_template.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "base/fs.hpp"
#include "config/json.hpp"
#include "text/diagnostic_format.hpp"
#include "tmpl/engine.hpp"

namespace haven::app {

namespace {

void print_diagnostic(const base::Diagnostic& d) {
  std::fputs(text::format_diagnostic(d, ::isatty(STDERR_FILENO) != 0).c_str(), stderr);
}

} // namespace

int cmd_template_render(const std::string& name, const std::string& dir, const std::string& context_file) {
  namespace fs = std::filesystem;
  base::Value context{base::Object{}};
  if (!context_file.empty()) {
    auto text = base::read_file(context_file);
    if (!text) {
      print_diagnostic(text.error());
      return 1;
    }
    auto parsed = config::parse_json(*text, context_file);
    if (!parsed) {
      print_diagnostic(parsed.error());
      return 1;
    }
    if (!parsed->is_object()) {
      print_diagnostic(base::error("the context must be a JSON object", context_file));
      return 1;
    }
    context = std::move(*parsed);
  }

  tmpl::Engine engine;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) {
    print_diagnostic(base::error(fmt::format("cannot read folder: {}", ec.message()), dir));
    return 1;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto source = base::read_file(file);
    if (!source) {
      print_diagnostic(source.error());
      return 1;
    }
    engine.add_template(base::relative_slash(file, dir), std::move(*source), file.string());
  }
  if (!engine.has_template(name)) {
    print_diagnostic(base::error(fmt::format("template not found: {}", name), dir));
    return 1;
  }

  auto errors = engine.finalize();
  auto deps = engine.dependencies(name);
  std::vector<std::string> relevant_paths{(fs::path(dir) / name).string()};
  for (const auto& d : deps) relevant_paths.push_back((fs::path(dir) / d).string());
  bool failed = false;
  for (const auto& d : errors) {
    bool relevant = std::find(relevant_paths.begin(), relevant_paths.end(), d.where.path) != relevant_paths.end();
    if (!relevant) continue;
    print_diagnostic(d);
    failed = true;
  }
  if (failed) return 1;

  auto out = engine.render(name, context);
  if (!out) {
    print_diagnostic(out.error());
    return 1;
  }
  std::fwrite(out->data(), 1, out->size(), stdout);
  std::fflush(stdout);
  return 0;
}

} // namespace haven::app
