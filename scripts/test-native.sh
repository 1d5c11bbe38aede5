#!/usr/bin/env bash
# Runs the native doctest suite through ctest: the optimised build once per kernel set (the set's
# name in brackets after each test), then the AddressSanitizer + UndefinedBehaviorSanitizer build
# the same way (its tests start with "asan+ubsan/"), when scripts/build-sanitize.sh has built it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${NEURITE_BUILD_DIR:-$root/build/native}"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" "$@"
if [ -z "${NEURITE_BUILD_DIR:-}" ] && [ -f "$root/build/sanitize/CTestTestfile.cmake" ]; then
  ctest --test-dir "$root/build/sanitize" --output-on-failure --parallel "$(nproc)" "$@"
fi
