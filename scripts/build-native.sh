#!/usr/bin/env bash
# Configures (once) and builds the native core, CLI, tests and benchmark into build/native.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# one build at a time per tree: concurrent runs (two terminals, a test and a bench) would share object files
mkdir -p "$root/build"
exec 9>"$root/build/.native.lock"
flock 9
build="${NEURITE_BUILD_DIR:-$root/build/native}"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$(nproc)"
