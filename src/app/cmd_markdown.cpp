#include "app/cmd_markdown.hpp"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "base/fs.hpp"
#include "markdown/markdown.hpp"
#include "text/diagnostic_format.hpp"

namespace haven::app {

void add_markdown_command(CLI::App& app, std::function<int()>& action) {
  struct Args {
    std::string file;
    bool commonmark = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("markdown", "Render Markdown (a file, or stdin) to HTML on stdout");
  cmd->add_option("FILE", args->file, "Markdown file; stdin when absent")->check(CLI::ExistingFile);
  cmd->add_flag("--commonmark", args->commonmark, "Strict CommonMark: no hard breaks, heading ids or extensions");
  cmd->callback([args, &action] {
    action = [args]() -> int {
      std::string input;
      if (args->file.empty()) {
        input.assign(std::istreambuf_iterator<char>(std::cin), {});
      } else {
        auto data = base::read_file(args->file);
        if (!data) {
          std::fputs(text::format_diagnostic(data.error()).c_str(), stderr);
          return 1;
        }
        input = std::move(*data);
      }
      markdown::Options options;
      options.commonmark = args->commonmark;
      auto rendered = markdown::render(input, options);
      std::fwrite(rendered.html.data(), 1, rendered.html.size(), stdout);
      return 0;
    };
  });
}

} // namespace haven::app
