#!/usr/bin/env bash
# WebAssembly benchmark under Node, no browser needed: the SGEMM table of bench/native/bench_gemm.cpp
# compiled with em++ -O3 -msimd128 (single-threaded, as the page's default build), then training
# samples/s and one-digit predict time of the node variant (bench/wasm/train-node.mjs).
#   NEURITE_WASM_VARIANTS=node bash scripts/build-wasm.sh && bash scripts/bench-wasm.sh [presets...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/wasm-bench"
mkdir -p "$out"
export NODE_PATH=/usr/share/nodejs  # Emscripten 3.1.6's JS optimizer needs Debian's acorn
em++ -O3 -msimd128 -std=c++17 -DNEURITE_GEMM_BENCH_MAIN -DNEURITE_KERNEL_TARGET_wasm -DNEURITE_HAVE_KERNEL_wasm \
  -I"$root/src" -isystem "$root/.deps/prefix/usr/include" \
  "$root/bench/native/bench_gemm.cpp" "$root/bench/native/kernel_sets.cpp" "$root/src/kernels/gemm.cpp" \
  "$root/src/kernels/kernel_set.cpp" "$root/src/kernels/simd/target.cpp" "$root/src/kernels/parallel.cpp" \
  -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -o "$out/bench_gemm.js"
node --no-experimental-fetch "$out/bench_gemm.js"
echo
node "$root/bench/wasm/train-node.mjs" "$@"
