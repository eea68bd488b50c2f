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
    bool math = false;
    std::string batch;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("markdown", "Render Markdown (a file, or stdin) to HTML on stdout");
  cmd->add_option("FILE", args->file, "Markdown file; stdin when absent")->check(CLI::ExistingFile);
  cmd->add_flag("--commonmark", args->commonmark, "Strict CommonMark: no hard breaks, heading ids or extensions");
  cmd->add_flag("--math", args->math, "Keep $…$, $$…$$, \\(…\\), \\[…\\] away from Markdown as math");
  cmd->add_option("--batch", args->batch,
                  "Render each part of the input between lines equal to SEP on its own; the outputs are "
                  "printed separated by SEP lines (one process for many documents, e.g. spec tests)")
      ->type_name("SEP");
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
      options.math = args->math;
      if (args->batch.empty()) {
        auto rendered = markdown::render(input, options);
        std::fwrite(rendered.html.data(), 1, rendered.html.size(), stdout);
        return 0;
      }
      // Parts are separated by lines that are exactly SEP; each part keeps its own final newline.
      std::string sep_line = "\n" + args->batch + "\n";
      std::string text = "\n" + input;
      size_t pos = 1;
      bool first = true;
      while (pos <= text.size()) {
        size_t next = text.find(sep_line, pos - 1);
        std::string part = next == std::string::npos ? text.substr(pos) : text.substr(pos, next + 1 - pos);
        if (!first) std::fputs((args->batch + "\n").c_str(), stdout);
        first = false;
        auto rendered = markdown::render(part, options);
        std::fwrite(rendered.html.data(), 1, rendered.html.size(), stdout);
        if (next == std::string::npos) break;
        pos = next + sep_line.size();
      }
      return 0;
    };
  });
}

} // namespace haven::app
