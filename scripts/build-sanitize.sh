#!/usr/bin/env bash
# Configures (once) and builds the native core, its doctest suite and the libFuzzer targets with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer into build/sanitize.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/build"
exec 9>"$root/build/.sanitize.lock"
flock 9
build="$root/build/sanitize"
[ -f "$build/CMakeCache.txt" ] || CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNEURITE_SANITIZE=ON >/dev/null
cmake --build "$build" --parallel "$(nproc)"
