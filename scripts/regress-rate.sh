#!/bin/sh
# How often does `riskcast regress` flag a run? Records a baseline of MODEL
# (SAMPLES samples, seed 1), then checks it with `regress --seed k` for every
# seed k from FIRST to LAST, against CHECKED (default: MODEL itself: every
# flag is then a false alarm; a changed model measures power). Prints each
# flagged seed with its moved rows, then the count.
#
#   scripts/regress-rate.sh MODEL SAMPLES FIRST LAST [CHECKED]
#   scripts/regress-rate.sh configs/china-2026.yaml 20000 2 201
set -eu
if [ $# -lt 4 ]; then
  echo "usage: $0 MODEL SAMPLES FIRST LAST [CHECKED]" >&2
  exit 2
fi
model=$1 samples=$2 first=$3 last=$4 checked=${5:-$1}
riskcast=${RISKCAST:-build/bin/riskcast}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$riskcast" baseline "$model" --samples "$samples" --seed 1 --out "$dir/baseline.json" >/dev/null
flagged=0 runs=0
seed=$first
while [ "$seed" -le "$last" ]; do
  status=0
  "$riskcast" regress "$dir/baseline.json" --model "$checked" --seed "$seed" --format json >"$dir/report.json" || status=$?
  runs=$((runs + 1))
  if [ "$status" -eq 1 ]; then
    flagged=$((flagged + 1))
    python3 -c 'import json, sys
report = json.load(open(sys.argv[1]))
moved = ["{}/{} {} (p {:.2g})".format(r["scenario"], r["output"], r["statistic"], r["p_value"])
         for r in report["rows"] if r["verdict"] == "moved"]
print("seed " + sys.argv[2] + ": " + "; ".join(moved))' "$dir/report.json" "$seed"
  elif [ "$status" -ne 0 ]; then
    echo "seed $seed: regress failed with exit status $status" >&2
    exit "$status"
  fi
  seed=$((seed + 1))
done
echo "flagged $flagged of $runs runs ($model, $samples samples, checked against $checked)"
