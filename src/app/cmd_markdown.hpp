// `haven markdown [FILE] [--commonmark]`: Markdown to HTML on stdout.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace haven::app {

// Adds the `markdown` subcommand to `app`; when it is chosen, its callback sets `action`.
void add_markdown_command(CLI::App& app, std::function<int()>& action);

} // namespace haven::app
