#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/fuzz_*.cpp, built by scripts/build-sanitize.sh under ASan +
# UBSan) for a set time each, then prints how many inputs each one ran. First it replays the
# committed regression inputs (tests/fuzz/regressions/<target>/: every crash found so far) once.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]   default 300 (npm run fuzz); npm test runs 10
#   FUZZ_TARGETS="idx weights"   only those targets; FUZZ_FLAGS="-entropic=0"   more libFuzzer flags
# Each campaign starts from the seeds in tests/fuzz/corpus/<target> and keeps what it learns in
# build/fuzz/corpus/<target>; a crash leaves its input in build/fuzz/crashes/<target>/ and fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
build="$root/build/sanitize"
work="$root/build/fuzz"
status=0
total_runs=0
for source in "$root"/tests/fuzz/fuzz_*.cpp; do
  target=$(basename "$source" .cpp)
  name=${target#fuzz_}
  if [ -n "${FUZZ_TARGETS:-}" ] && ! [[ " $FUZZ_TARGETS " == *" $name "* ]]; then continue; fi
  binary="$build/$target"
  [ -x "$binary" ] || { echo "fuzz: $binary is missing (bash scripts/build-sanitize.sh builds it)" >&2; exit 1; }
  regressions="$root/tests/fuzz/regressions/$name"
  if [ -d "$regressions" ] && compgen -G "$regressions/*" >/dev/null; then
    mkdir -p "$work"
    "$binary" "$regressions"/* >"$work/$name.regressions.log" 2>&1 ||
      { echo "fuzz: $name: a regression input fails again (log: $work/$name.regressions.log)" >&2; status=1; }
  fi
  mkdir -p "$work/corpus/$name" "$work/crashes/$name"
  log="$work/$name.log"
  if "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -print_final_stats=1 ${FUZZ_FLAGS:-} \
       -artifact_prefix="$work/crashes/$name/" "$work/corpus/$name" "$root/tests/fuzz/corpus/$name" >"$log" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    total_runs=$((total_runs + runs))
    printf 'fuzz: %-10s %12s inputs in %s s, no crash (corpus %s files)\n' "$name" "$runs" "$seconds" \
      "$(ls "$work/corpus/$name" | wc -l)"
  else
    echo "fuzz: $name FAILED; the report:" >&2
    grep -A30 -E 'ERROR: |==ERROR|runtime error|deadly signal' "$log" | head -60 >&2 || tail -40 "$log" >&2
    echo "fuzz: the input is in $work/crashes/$name/ (add it to tests/fuzz/regressions/$name/ once fixed)" >&2
    status=1
  fi
done
exit $status
