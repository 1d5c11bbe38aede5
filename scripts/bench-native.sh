#!/usr/bin/env bash
# Native benchmark: SGEMM GFLOP/s on the mlp's and the cnn's shapes and training samples/s of the mlp,
# mlp-64-32 and cnn presets, each on 1 and 2 threads (the thread pool of src/kernels/parallel.hpp).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${NEURITE_BUILD_DIR:-$root/build/native}"
"$build/neurite_bench" "$@"
