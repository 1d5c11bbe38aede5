#!/usr/bin/env bash
# Builds what `npm start` and `npm test` need; each step only redoes what changed.
#   bash scripts/build.sh            dist/: the library, the page, the WebAssembly modules and the data files
#   bash scripts/build.sh --native   also the native core, CLI, tests and benchmark
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --native ]; then bash "$here/build-native.sh"; fi
bash "$here/build-wasm.sh"
bash "$here/build-web.sh"
bash "$here/build-dist.sh"
