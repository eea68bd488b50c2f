#!/bin/sh
# Builds the diff driver by hand into BUILD_DIR (default build-tmpl) while
# tests/tmpl-diff/CMakeLists.txt is not yet part of the build; also builds the template
# benchmark (CMake target bench_tmpl, bench/tmpl/, run by `node bench/tmpl/run.mjs`).
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD_DIR:-$ROOT/build-tmpl}
ninja -C "$B" -j2 haven_tmpl haven_config bench_tmpl >/dev/null
c++ -std=c++2b -O2 -Wall -Wextra -Werror -I"$ROOT/src" \
  "$ROOT/tests/tmpl-diff/driver.cpp" "$ROOT/src/app/cmd_template.cpp" \
  "$B/src/tmpl/libhaven_tmpl.a" "$B/src/config/libhaven_config.a" "$B/src/text/libhaven_text.a" \
  "$B/src/base/libhaven_base.a" \
  $(pkg-config --libs libfyaml libxxhash icu-i18n icu-uc) -lfmt \
  -o "$B/haven-tmpl-diff"
echo "$B/haven-tmpl-diff"
