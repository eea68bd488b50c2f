// A stand-in for `haven template render` until the CLI is wired: same arguments, same output.
//   haven-tmpl-diff template render NAME --dir DIR [--context FILE]
#include <cstdio>
#include <string>

#include "app/cmd_template.hpp"

int main(int argc, char** argv) {
  std::string name, dir = ".", context;
  int i = 1;
  if (i < argc && std::string(argv[i]) == "template") ++i;
  if (i < argc && std::string(argv[i]) == "render") ++i;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--context" && i + 1 < argc) {
      context = argv[++i];
    } else if (name.empty()) {
      name = a;
    } else {
      std::fprintf(stderr, "usage: %s template render NAME --dir DIR [--context FILE]\n", argv[0]);
      return 2;
    }
  }
  if (name.empty()) {
    std::fprintf(stderr, "usage: %s template render NAME --dir DIR [--context FILE]\n", argv[0]);
    return 2;
  }
  return haven::app::cmd_template_render(name, dir, context);
}
