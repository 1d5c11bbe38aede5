# Sourced by build-wasm.sh: points Debian's Emscripten 3.1.6 at Debian's clang-19 / lld-19 and at
# npm's binaryen 132, the toolchain that can emit (and optimise) relaxed-SIMD code; DESIGN.md
# "Relaxed SIMD" has how this was found. Leaves EM_CONFIG and PATH exported, and
# wasm_toolchain_id naming the toolchain (a build directory configured with another one is stale).
#   - Emscripten reads the LLVM tools from LLVM_ROOT; Debian's own config also appends "-14" to
#     every tool name (LLVM_ADD_VERSION), which the copy drops
#   - Emscripten runs binaryen's tools (wasm-opt, ...) by bare name from PATH, not from BINARYEN_ROOT:
#     Debian's binaryen 108 cannot read relaxed-SIMD opcodes, so links to npm's come first
wasm_llvm_root=/usr/lib/llvm-19/bin
wasm_binaryen_bin="$root/node_modules/binaryen/bin"
for tool in clang wasm-ld llvm-ar; do
  [ -x "$wasm_llvm_root/$tool" ] || { echo "build-wasm: $wasm_llvm_root/$tool not found (bash scripts/setup.sh installs clang-19, lld-19, llvm-19)" >&2; exit 1; }
done
[ -x "$wasm_binaryen_bin/wasm-opt" ] || { echo "build-wasm: $wasm_binaryen_bin/wasm-opt not found (bash scripts/setup.sh installs npm's binaryen)" >&2; exit 1; }

wasm_toolchain_dir="$root/build/wasm-toolchain"
mkdir -p "$wasm_toolchain_dir/bin"
sed -e "s|^LLVM_ROOT = .*|LLVM_ROOT = '$wasm_llvm_root'|" -e '/^LLVM_ADD_VERSION/d' -e '/^CLANG_ADD_VERSION/d' \
  /usr/share/emscripten/.emscripten > "$wasm_toolchain_dir/config.new"
if cmp -s "$wasm_toolchain_dir/config.new" "$wasm_toolchain_dir/emscripten-config"; then
  rm "$wasm_toolchain_dir/config.new"
else
  mv "$wasm_toolchain_dir/config.new" "$wasm_toolchain_dir/emscripten-config"
fi
for tool in "$wasm_binaryen_bin"/*; do ln -sfn "$tool" "$wasm_toolchain_dir/bin/$(basename "$tool")"; done
export EM_CONFIG="$wasm_toolchain_dir/emscripten-config"
export PATH="$wasm_toolchain_dir/bin:$PATH"
wasm_toolchain_id="$("$wasm_llvm_root/clang" --version | head -n 1); binaryen $(node -p "require('$root/node_modules/binaryen/package.json').version")"
