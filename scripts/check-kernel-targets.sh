#!/usr/bin/env bash
# Each kernel set's object file (src/kernels/simd/target.cpp compiled with -mavx2, -mavx512f, ...)
# may define one external symbol, its kernel_set_<target>. Any other would be a function (an
# inline std:: or xsimd template, say) compiled with that target's instructions under a name the
# rest of the program shares, and the linker may pick that copy for every caller: a CPU without
# those instructions would then crash far from any kernel. CTest runs this on every object.
#   check-kernel-targets.sh OBJECT...
set -euo pipefail
status=0
for object in "$@"; do
  unexpected=$(nm -C --defined-only --extern-only "$object" | awk '{ $1 = ""; $2 = ""; sub(/^  /, ""); print }' |
               grep -v -E '^neurite::kernels::kernel_set_[a-z0-9]+$|^DW\.ref\.__gxx_personality_v0$' || true)
  if [ -n "$unexpected" ]; then
    echo "check-kernel-targets: $object defines symbols the rest of the program may share:" >&2
    echo "$unexpected" | sed 's/^/  /' >&2
    status=1
  else
    echo "check-kernel-targets: $(basename "$(dirname "$(dirname "$(dirname "$(dirname "$object")")")")"): only its kernel set"
  fi
done
exit $status
