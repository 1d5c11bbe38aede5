#!/usr/bin/env bash
# Builds the WebAssembly module (Emscripten 3.1.6 driving clang-19, em++ -O3 -msimd128, embind) in
# its three variants, each twice: with plain SIMD128 kernels, and with relaxed-SIMD ones (-relaxed:
# fused multiply-add, for the browsers that validate it; bindings/neurite.mjs chooses), gathered in
# build/wasm/:
#   neurite.mjs, neurite.wasm                          ES6 factory, single-threaded: any page or Worker
#   neurite-mt.mjs, neurite-mt.wasm, neurite-mt.worker.js
#                                                      the same with pthreads: cross-origin-isolated pages
#   neurite-node.js, neurite-node.wasm                 CommonJS factory for Node (the JS tests)
#   neurite-relaxed.*, neurite-mt-relaxed.*, neurite-node-relaxed.*   their relaxed-SIMD twins
#   api.mjs                                            the JS facade, bindings/neurite.mjs (loadNeurite),
#                                                      beside the modules it imports (./neurite.mjs, ...)
# Each variant has its own CMake build directory (build/wasm-st, build/wasm-mt, build/wasm-node),
# configured once per toolchain (scripts/wasm-toolchain.sh); a run with nothing changed rebuilds and
# copies nothing.
#   NEURITE_WASM_VARIANTS="st node"   builds only those variants (default: st mt node)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# one build at a time per tree: concurrent runs (two terminals, a test and a bench) would share object files
mkdir -p "$root/build"
exec 9>"$root/build/.wasm.lock"
flock 9
out="$root/build/wasm"
# Emscripten 3.1.6's JS optimizer requires Debian's acorn (node-acorn) from here
export NODE_PATH=/usr/share/nodejs
command -v emcmake >/dev/null || { echo "build-wasm: emcmake not found (bash scripts/setup.sh installs emscripten)" >&2; exit 1; }
source "$root/scripts/wasm-toolchain.sh"

build_variant() {  # name, artefacts..., -- cmake options...
  local name=$1; shift
  local files=()
  while [ "$1" != -- ]; do files+=("$1"); shift; done
  shift
  local dir="$root/build/wasm-$name"
  # objects from another compiler would link, and then misbehave: start over
  [ "$(cat "$dir/.toolchain" 2>/dev/null)" = "$wasm_toolchain_id" ] || rm -rf "$dir"
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    emcmake cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
    echo "$wasm_toolchain_id" > "$dir/.toolchain"
  fi
  cmake --build "$dir" --parallel "$(nproc)"
  for f in "${files[@]}"; do copy_if_changed "$dir/$f" "$out/$f"; done
}

copy_if_changed() {
  [ -f "$1" ] || { echo "build-wasm: $1 was not produced" >&2; exit 1; }
  cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

mkdir -p "$out"
for variant in ${NEURITE_WASM_VARIANTS:-st mt node}; do
  case "$variant" in
    st) build_variant st neurite{,-relaxed}.{mjs,wasm} -- ;;
    mt) build_variant mt neurite-mt{,-relaxed}.{mjs,wasm,worker.js} -- -DNEURITE_WASM_THREADS=ON ;;
    node) build_variant node neurite-node{,-relaxed}.{js,wasm} -- -DNEURITE_WASM_NODE=ON ;;
    *) echo "build-wasm: unknown variant '$variant' (st, mt, node)" >&2; exit 1 ;;
  esac
done
copy_if_changed "$root/bindings/neurite.mjs" "$out/api.mjs"
