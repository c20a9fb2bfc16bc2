#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses (preset `fuzz`, clang) and runs each
# for FUZZ_SECONDS. Each finding is minimised into tests/fuzz/regressions/NAME/,
# where `make test` replays it (docs/testing.md, "Fuzzing").
#
# Settings (environment):
#   FUZZ_SECONDS    seconds per harness (default 300)
#   JOBS            parallel fuzzing processes per harness (default: nproc)
#   FUZZ_HARNESSES  harnesses to run, e.g. "fuzz_model fuzz_formula" (default: every one built)
#   FUZZ_TIMEOUT    seconds one input may run before it counts as a hang (default 30)
#   FUZZ_RSS_MB     memory one fuzzing process may use before it counts as an OOM (default 2048)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-300}
jobs=${JOBS:-$(nproc)}
timeout=${FUZZ_TIMEOUT:-30}
rss_mb=${FUZZ_RSS_MB:-2048}
# Not build/fuzz: that is where the release build keeps its fuzz/ subdirectory (the replay drivers).
build=build/libfuzzer

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
python3 scripts/fuzz-seeds.py "$build/seeds" >/dev/null

if [ -n "${FUZZ_HARNESSES:-}" ]; then
  read -r -a harnesses <<<"$FUZZ_HARNESSES"
else
  harnesses=()
  for bin in "$build"/bin/fuzz_*; do harnesses+=("$(basename "$bin")"); done
fi

mkdir -p "$build/logs"
summary="$build/logs/summary.txt"
new_findings=()
for name in "${harnesses[@]}"; do
  bin="$build/bin/$name"
  corpus="$build/corpus/$name"
  findings="$build/findings/$name"
  regressions="tests/fuzz/regressions/$name"
  log="$build/logs/$name.log"
  mkdir -p "$corpus" "$findings"
  rm -f "$findings/signatures"
  dirs=("$corpus")
  [ -d "$build/seeds/$name" ] && dirs+=("$build/seeds/$name")
  [ -d "$regressions" ] && dirs+=("$regressions")
  dict=()
  [ -s "$build/seeds/$name.dict" ] && dict=("-dict=$build/seeds/$name.dict")

  echo "fuzz: $name for ${seconds}s on $jobs processes (log: $log)"
  # -fork keeps fuzzing after a finding; each finding lands in $findings.
  # CPU seconds (user + system, the fuzzing processes included) say how much fuzzing a shared machine gave.
  TIMEFORMAT='%U %S'
  cpu=$({ time "$bin" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_mb" \
    -artifact_prefix="$findings/" -print_final_stats=1 "${dict[@]}" "${dirs[@]}" >"$log" 2>&1 || true; } 2>&1)
  cpu=$(awk '{printf "%.0f", $1 + $2}' <<<"$cpu")
  stats=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
  echo "$(date -u +%FT%TZ) $name ${seconds}s x$jobs cpu ${cpu}s: ${stats:-no stats (see $log)}" | tee -a "$summary"

  for found in "$findings"/crash-* "$findings"/timeout-* "$findings"/oom-* "$findings"/leak-*; do
    [ -f "$found" ] || continue
    mkdir -p "$regressions" "$findings/saved"
    # One fault usually crashes hundreds of inputs: only the first of each kind (its first report
    # line, the exception's message or the sanitizer's summary, up to the first backquote or number)
    # is minimised and kept; the others stay in $findings/saved/ for a look.
    signature=$(timeout "$timeout" "$bin" "$found" 2>&1 | grep -m1 -E "what\(\):|SUMMARY:|ERROR: libFuzzer: (timeout|out-of-memory)" |
      sed -E 's/[`0-9].*//' || true)
    signature=${signature:-(does not reproduce)}
    if [ -n "$signature" ] && grep -qxF -- "$signature" "$findings/signatures" 2>/dev/null; then
      mv "$found" "$findings/saved/"
      continue
    fi
    echo "$signature" >>"$findings/signatures"
    kind=$(basename "$found")
    kind=${kind%%-*}
    minimised="$findings/minimised"
    rm -f "$minimised"
    # Minimising re-runs the input many times; a hang or OOM may not shrink, then it is kept as found.
    "$bin" -minimize_crash=1 -max_total_time=60 -timeout="$timeout" -rss_limit_mb="$rss_mb" \
      -exact_artifact_path="$minimised" "$found" >>"$log.minimize" 2>&1 || true
    [ -s "$minimised" ] || cp "$found" "$minimised"
    mv "$found" "$findings/saved/"
    # Named by content: the same minimal input found twice is one finding.
    saved="$regressions/$kind-$(sha1sum "$minimised" | cut -c1-40)"
    if [ -e "$saved" ]; then
      rm "$minimised"
    else
      mv "$minimised" "$saved"
      new_findings+=("$saved")
    fi
  done
done

if [ ${#new_findings[@]} -gt 0 ]; then
  echo "fuzz: ${#new_findings[@]} new finding(s); \`make test\` replays them until they are fixed:"
  printf '  %s\n' "${new_findings[@]}"
  exit 1
fi
echo "fuzz: no new findings"
