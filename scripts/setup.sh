#!/usr/bin/env bash
# Installs everything Neurite needs on a Debian bookworm machine; idempotent and quick when done.
#   1. apt packages (emscripten, doctest, nlohmann-json, zlib, chromium, Fashion-MNIST; clang with its
#      sanitizer and libFuzzer runtimes for the ASan/UBSan suite and the fuzz targets; qemu-user,
#      which runs the native tests as on CPUs without AVX; clang-19, lld-19 and llvm-19, the compiler
#      Emscripten drives for the wasm build: Debian's clang-14 has no final relaxed-SIMD opcodes)
#   2. xsimd 13 / xtensor 0.25 / xtl 0.7 headers from Debian trixie, unpacked into .deps/prefix
#      (bookworm's xsimd 8 has no wasm target and does not match its xtensor)
#   3. npm packages from package-lock.json (binaryen 132 among them: Debian's binaryen 108 cannot
#      read relaxed-SIMD modules)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/.deps"
prefix="$deps/prefix"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(cmake g++ make emscripten doctest-dev nlohmann-json3-dev zlib1g-dev chromium
              dataset-fashion-mnist nodejs npm clang libclang-rt-14-dev binutils qemu-user
              clang-19 lld-19 llvm-19)

install_apt_packages() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  # node and npm may come from elsewhere (nodesource); only ask apt when the commands are absent
  local wanted=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs) command -v node >/dev/null || wanted+=("$p") ;;
                 npm) command -v npm >/dev/null || wanted+=("$p") ;;
                 *) wanted+=("$p") ;; esac
  done
  [ ${#wanted[@]} -eq 0 ] && return
  say "installing apt packages: ${wanted[*]}"
  as_root apt-get update -q || die "apt-get update failed: is the Debian mirror reachable?"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${wanted[@]}" \
    || die "apt-get install ${wanted[*]} failed"
}

# name version sha256 of the trixie .deb files the build was verified with
trixie_debs=(
  "libxsimd-dev 13.2.0-1 60878acfc02bfca76e8c31d53a1b9fdff490c319e53f620f4327c9786eaf631f"
  "libxtensor-dev 0.25.0-2 c2e0e4602c968d6dee441a09f536cfe7d1fc00938a84fa6637d7e886ce306e21"
  "xtl-dev 0.7.7-1 1ac50215055cd36e6dc5efbd1c1873db936cdfa1670e3ea584d2fac8b106c805"
)

mirror_uri() {
  # the mirror this machine's own apt sources already name
  local uri
  uri=$(grep -hoE '^(URIs:|deb) +\S+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | awk '{print $2}' | grep -v security | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

install_trixie_headers() {
  local stamp="$prefix/.installed"
  local want; want=$(printf '%s\n' "${trixie_debs[@]}")
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  say "fetching xsimd/xtensor/xtl headers from Debian trixie into $prefix"
  local apt_dir="$deps/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/cache"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror_uri) trixie main" \
    > "$apt_dir/sources.list"
  local opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
              -o Dir::State::Status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" -q update >/dev/null || die "cannot reach the Debian trixie index at $(mirror_uri)"
  rm -rf "$prefix"; mkdir -p "$prefix"
  local line name version sha deb
  for line in "${trixie_debs[@]}"; do
    read -r name version sha <<<"$line"
    (cd "$apt_dir/archives" && apt-get "${opts[@]}" -q download "$name=$version" >/dev/null) \
      || die "cannot download $name $version from Debian trixie"
    deb=$(ls "$apt_dir/archives/${name}_${version}"_*.deb | head -n 1)
    echo "$sha  $deb" | sha256sum -c --quiet - || die "checksum mismatch for $deb (expected $sha)"
    dpkg-deb -x "$deb" "$prefix"
  done
  echo "$want" > "$stamp"
}

install_npm_packages() {
  local stamp="$root/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$root/package-lock.json" -ot "$stamp" ]; then return; fi
  say "installing npm packages"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
}

install_apt_packages
install_trixie_headers
install_npm_packages
