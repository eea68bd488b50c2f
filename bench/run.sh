#!/usr/bin/env bash
# Builds a generated corpus with Haven and reports wall time, CPU time and peak memory.
# Usage: bench/run.sh [POSTS]   (default 1000). Haven against Hugo, Hexo and the disk floor:
# bench/compare.mjs (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-1000}
corpus=build/bench/corpus-$posts
[ -d "$corpus" ] || node bench/gen-corpus.mjs "$posts" "$corpus"
for run in 1 2 3; do
  rm -rf "$corpus/public"
  /usr/bin/time -f "haven run $run: %e s wall, %U+%S s CPU, %M KiB peak" ./build/haven build "$corpus" > /dev/null
done
/usr/bin/time -f "haven rebuild, nothing changed: %e s wall" ./build/haven build "$corpus" > /dev/null
