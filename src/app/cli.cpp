#include "app/cli.hpp"

#include <cstdio>

namespace haven::app {
int run(int, char**) {
  std::puts("haven (skeleton)");
  return 0;
}
} // namespace haven::app
