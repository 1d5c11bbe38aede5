#!/usr/bin/env bash
# Configures (once) and builds the native core, CLI, tests and benchmark into build/native.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# one build at a time per tree: concurrent runs (two terminals, a test and a bench) would share object files
mkdir -p "$root/build"
exec 9>"$root/build/.native.lock"
flock 9
build="${NEURITE_BUILD_DIR:-$root/build/native}"
# a tree configured before the kernel sets existed cached -march=native as its default: start it afresh
if [ -z "${NEURITE_BUILD_DIR:-}" ] && [ -f "$build/CMakeCache.txt" ] && ! grep -q '^NEURITE_SANITIZE:' "$build/CMakeCache.txt"; then rm -rf "$build"; fi
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$(nproc)"
