#!/usr/bin/env bash
# Native benchmark: SGEMM GFLOP/s on the MLP's shapes and mlp-preset training samples/s.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${NEURITE_BUILD_DIR:-$root/build/native}"
"$build/neurite_bench" "$@"
