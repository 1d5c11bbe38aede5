#!/usr/bin/env bash
# Gathers dist/: what a static host serves as is, and what `import * as nn from '.../dist/neurite.js'`
# loads (in a browser or in Node):
#   neurite.js, neurite.d.ts, lib/   the JavaScript library (web/neurite.js, web/lib/)
#   wasm/                            the WebAssembly builds and their facade (scripts/build-wasm.sh)
#   data/mnist, data/fashion-mnist   the IDX files, gzip-compressed (scripts/build-web.sh)
#   index.html, app.js, ui/, ...     the page, a client of the library like any other
#   vendor/                          uPlot, for the page's charts
# Run after build-wasm.sh and build-web.sh (scripts/build.sh does). Rebuilt from scratch each time
# (well under a second), so nothing stale survives a rename.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp="$root/dist.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/vendor"
cp -r "$root/web/." "$tmp/"
mkdir -p "$tmp/wasm"
cp "$root"/build/wasm/* "$tmp/wasm/"
# neurite-node.js is CommonJS, inside a tree whose package.json says "type": "module"
echo '{ "type": "commonjs" }' > "$tmp/wasm/package.json"
cp -r "$root/build/data" "$tmp/data"
cp "$root/node_modules/uplot/dist/uPlot.esm.js" "$root/node_modules/uplot/dist/uPlot.min.css" "$tmp/vendor/"
rm -rf "$root/dist"
mv "$tmp" "$root/dist"
