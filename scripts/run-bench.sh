#!/usr/bin/env bash
# Runs the Google Benchmark suite and prints a summary: engine vs the
# hand-written yardstick, and 1 → N thread scaling. Extra arguments go to
# the benchmark binary (e.g. --benchmark_filter=Engine).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin/riskcast_bench
[ -x "$bin" ] || { echo "run-bench: $bin is missing; run 'make build' first" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" --benchmark_repetitions="${BENCH_REPETITIONS:-3}" --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json "$@"
python3 - "$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rate = {}
aggregated = any(b.get("aggregate_name") == "median" for b in doc["benchmarks"])
for b in doc["benchmarks"]:
    if (b.get("aggregate_name") == "median") if aggregated else (b.get("run_type") == "iteration"):
        rate[b["run_name"]] = b.get("items_per_second", 0.0)
def get(prefix, threads):
    for name, r in rate.items():
        if name.startswith(prefix + "/" + str(threads)):
            return r
    return None
ctx = doc["context"]
n = max(int(name.split("/")[1].split("/")[0]) for name in rate if name.startswith("BM_EngineReference/")) if any(
    name.startswith("BM_EngineReference/") for name in rate) else 1
print()
what = "medians" if aggregated else "single runs"
print(f"summary ({what} on a {ctx.get('num_cpus', '?')}-CPU machine; R1 end to end incl. percentiles)")
for label, prefix in (("engine", "BM_EngineReference"), ("hand-written yardstick", "BM_HandwrittenReference")):
    one, many = get(prefix, 1), get(prefix, n)
    if one:
        line = f"  {label:<24} 1 thread: {one:>12,.0f} samples/s"
        if many and n > 1:
            line += f"   {n} threads: {many:>12,.0f} samples/s   scaling {many / one:.2f}x"
        print(line)
e1, h1 = get("BM_EngineReference", 1), get("BM_HandwrittenReference", 1)
if e1 and h1:
    print(f"  engine / yardstick, 1 thread: {e1 / h1:.2f}")
    en, hn = get("BM_EngineReference", n), get("BM_HandwrittenReference", n)
    if en and hn and n > 1:
        print(f"  engine / yardstick, {n} threads: {en / hn:.2f}")
PY
