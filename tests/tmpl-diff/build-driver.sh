#!/bin/sh
# Builds the diff driver (and the benchmark) by hand into BUILD_DIR (default build-tmpl) while
# tests/tmpl-diff/CMakeLists.txt is not yet part of the build.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD_DIR:-$ROOT/build-tmpl}
ninja -C "$B" -j2 haven_tmpl haven_config >/dev/null
c++ -std=c++2b -O2 -Wall -Wextra -Werror -I"$ROOT/src" \
  "$ROOT/tests/tmpl-diff/driver.cpp" "$ROOT/src/app/cmd_template.cpp" \
  "$B/src/tmpl/libhaven_tmpl.a" "$B/src/config/libhaven_config.a" "$B/src/text/libhaven_text.a" \
  "$B/src/base/libhaven_base.a" \
  $(pkg-config --libs libfyaml libxxhash icu-i18n icu-uc) -lfmt \
  -o "$B/haven-tmpl-diff"
c++ -std=c++2b -O2 -Wall -Wextra -Werror -I"$ROOT/src" "$ROOT/tests/tmpl-diff/bench/bench.cpp" \
  "$B/src/tmpl/libhaven_tmpl.a" "$B/src/config/libhaven_config.a" "$B/src/text/libhaven_text.a" \
  "$B/src/base/libhaven_base.a" \
  $(pkg-config --libs libfyaml libxxhash icu-i18n icu-uc) -lfmt \
  -o "$B/haven-tmpl-bench"
echo "$B/haven-tmpl-diff"
