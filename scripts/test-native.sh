#!/usr/bin/env bash
# Runs the native doctest suite through ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${NEURITE_BUILD_DIR:-$root/build/native}"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" "$@"
