#!/usr/bin/env bash
# riskcast under `mpirun --oversubscribe -n 3` against one process
# (docs/scale.md, "MPI"): every command's files byte for byte the same,
# written once (by rank 0); a model error reported once, exit status 2 and
# no file; a failing sample the same error as one process.
#
#   mpi_cli_test.sh RISKCAST MPIEXEC SOURCE_DIR
set -euo pipefail
riskcast=$1
mpiexec=$2
src=$3

# The test only: Open MPI refuses to start as root without these, and in a
# container the ranks of one machine may not read each other's memory
# directly (vader's single-copy mechanism).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_rmaps_base_oversubscribe=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ranks() { "$mpiexec" --oversubscribe -n 3 "$riskcast" "$@"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
same() { cmp "$1" "$2" || fail "$3: $1 and $2 differ"; }

reference=$src/bench/models/reference.yaml

# The version and the usage once, not once per rank.
[ "$(ranks --version | wc -l)" = 1 ] || fail "--version under mpirun: $(ranks --version)"
[ "$(ranks --help | grep -c '^usage: riskcast')" = 1 ] || fail "--help under mpirun printed the usage more than once"
flagship=$src/configs/china-2026.yaml

# run: a table on stdout (printed once) and JSON through --out.
"$riskcast" run "$reference" --samples 100001 --seed 3 >"$work/one.txt"
ranks run "$reference" --samples 100001 --seed 3 >"$work/three.txt"
same "$work/one.txt" "$work/three.txt" "run's table"
"$riskcast" run "$flagship" --samples 100001 --format json --out "$work/one.json"
ranks run "$flagship" --samples 100001 --format json --out "$work/three.json"
same "$work/one.json" "$work/three.json" "run --format json"
"$riskcast" run "$flagship" --samples 100001 --method lhs --format json --out "$work/one-lhs.json"
ranks run "$flagship" --samples 100001 --method lhs --format json --out "$work/three-lhs.json"
same "$work/one-lhs.json" "$work/three-lhs.json" "run --method lhs"
ranks run "$reference" --samples 50001 --stream --format json --out "$work/three-stream.json"
"$riskcast" run "$reference" --samples 50001 --format json --out "$work/one-stream.json"
same "$work/one-stream.json" "$work/three-stream.json" "run --stream"

# compare, sensitivity, baseline, regress.
"$riskcast" compare "$flagship" --samples 50001 --format csv >"$work/one-compare.csv"
ranks compare "$flagship" --samples 50001 --format csv >"$work/three-compare.csv"
same "$work/one-compare.csv" "$work/three-compare.csv" "compare"
"$riskcast" sensitivity "$reference" --samples 20001 --format json >"$work/one-sens.json"
ranks sensitivity "$reference" --samples 20001 --format json >"$work/three-sens.json"
same "$work/one-sens.json" "$work/three-sens.json" "sensitivity"
"$riskcast" baseline "$reference" --samples 30001 --out "$work/one-base.json"
ranks baseline "$reference" --samples 30001 --out "$work/three-base.json"
same "$work/one-base.json" "$work/three-base.json" "baseline"
ranks regress "$work/one-base.json" >"$work/regress.txt" || fail "regress under mpirun: exit $?"
grep -q "exact" "$work/regress.txt" || fail "regress did not compare in exact mode: $(cat "$work/regress.txt")"

# batch: every result file and the CSV summary.
cat >"$work/batch.yaml" <<BATCH
batch: MPI test
runs:
  - name: reference
    model: $reference
    samples: 40001
    formats: [json, csv]
  - name: flagship
    model: $flagship
    samples: 30001
    formats: [json]
sweeps:
  - name: sweep
    model: $flagship
    scenarios: [base, h200_open]
    samples: 5000
    formats: [json]
    levers:
      ban_scope: [0.6, 0.9]
      h200_china_cap: [1e5, 3e5]
BATCH
"$riskcast" batch "$work/batch.yaml" --out "$work/one-batch" --plot "$work/one-batch/charts" >/dev/null
ranks batch "$work/batch.yaml" --out "$work/three-batch" --plot "$work/three-batch/charts" >/dev/null
for f in reference.json reference.csv flagship.json sweep.ban_scope-0.9.h200_china_cap-300000.json summary.csv \
  summary.md charts/sweep.base.svg charts/sweep.h200_open.svg; do
  same "$work/one-batch/$f" "$work/three-batch/$f" "batch $f"
done

# Batches with a failing run, its runs dealt out over the ranks (4 runs) and
# its runs' samples split (2 runs, fewer than the ranks): the same files as
# one process, and the failed run's error printed once, as one process does.
printf 'parameters:\n  u: uniform(0, 1)\noutputs:\n  x: "u > 0.999 ? log(-u) : u"\n' >"$work/fails.yaml"
for runs in 4 2; do
  {
    echo "runs:"
    echo "  - {name: failing, model: $work/fails.yaml, samples: 20000, formats: [json]}"
    echo "  - {name: reference, model: $reference, samples: 20001, formats: [json, csv]}"
    [ "$runs" = 2 ] || echo "  - {name: flagship, model: $flagship, samples: 20001, formats: [markdown]}"
    [ "$runs" = 2 ] || echo "  - {name: reference-2, model: $reference, samples: 3, formats: [json]}"
  } >"$work/failing-batch-$runs.yaml"
  status=0
  "$riskcast" batch "$work/failing-batch-$runs.yaml" --out "$work/one-fb-$runs" >/dev/null 2>"$work/one-fb.err" ||
    status=$?
  [ "$status" = 1 ] || fail "a batch with a failing run: exit status $status, not 1"
  status=0
  ranks batch "$work/failing-batch-$runs.yaml" --out "$work/three-fb-$runs" >/dev/null 2>"$work/three-fb.err" ||
    status=$?
  [ "$status" = 1 ] || fail "a batch of $runs runs with a failing run under mpirun: exit status $status, not 1"
  # (mpirun's banner about the non-zero exit status follows, between lines of dashes.)
  sed '/^-----/,$d' "$work/three-fb.err" >"$work/three-fb-clean.err"
  same "$work/one-fb.err" "$work/three-fb-clean.err" "a batch of $runs runs with a failing run: its errors"
  [ "$(ls "$work/one-fb-$runs")" = "$(ls "$work/three-fb-$runs")" ] || fail "a batch of $runs runs: other files"
  for f in "$work/one-fb-$runs"/*; do
    same "$f" "$work/three-fb-$runs/$(basename "$f")" "a batch of $runs runs: $(basename "$f")"
  done
done

# Inputs read by rank 0 and handed to the others: a batch file and a model
# on stdin, which mpirun gives rank 0 alone (a trial found the other ranks
# reading an empty file).
"$riskcast" batch /dev/stdin --out "$work/one-stdin" <"$work/failing-batch-4.yaml" >/dev/null 2>&1 || true
ranks batch /dev/stdin --out "$work/three-stdin" <"$work/failing-batch-4.yaml" >/dev/null 2>&1 || true
[ "$(ls "$work/one-stdin")" = "$(ls "$work/three-stdin")" ] || fail "a batch file on stdin: other files"
same "$work/one-stdin/summary.md" "$work/three-stdin/summary.md" "a batch file on stdin: summary.md"
"$riskcast" run /dev/stdin --samples 20001 --format json <"$reference" >"$work/one-stdin.json"
ranks run /dev/stdin --samples 20001 --format json <"$reference" >"$work/three-stdin.json"
same "$work/one-stdin.json" "$work/three-stdin.json" "a model on stdin"

# Two data tables of one file read once: stdin through a pipe (as mpirun
# hands it to rank 0) can be read only once.
cat >"$work/two-tables.yaml" <<'MODEL'
indexes:
  firm: [a, b, c]
data:
  cap: {file: /dev/stdin, by: firm, column: cap}
  w: {file: /dev/stdin, by: firm, column: w}
parameters:
  x: {over: firm, dist: "uniform(0, 1)"}
outputs:
  tot: sum(x * cap * w over firm)
MODEL
printf 'firm,cap,w\na,10,0.5\nb,20,0.3\nc,30,0.2\n' >"$work/two-tables.csv"
cat "$work/two-tables.csv" | "$riskcast" run "$work/two-tables.yaml" --samples 2001 --format json >"$work/one-tables.json" ||
  fail "two tables of one piped file"
ranks run "$work/two-tables.yaml" --samples 2001 --format json <"$work/two-tables.csv" >"$work/three-tables.json" ||
  fail "two tables of stdin under mpirun"
same "$work/one-tables.json" "$work/three-tables.json" "two tables of stdin"

# An output path only rank 0 checks: every rank stops at once with rank 0's
# message, as one process does, not after rank 0's wait for the others.
touch "$work/a-file"
for args in "--out $work/a-file/sub" "--out $work/one-batch --plot $work/a-file/x"; do
  status=0
  # shellcheck disable=SC2086
  "$riskcast" batch "$work/batch.yaml" $args >/dev/null 2>"$work/one-path.err" || status=$?
  [ "$status" = 2 ] || fail "batch $args: exit status $status, not 2"
  status=0
  start=$(date +%s)
  # shellcheck disable=SC2086
  RISKCAST_MPI_WAIT=100 timeout 120 "$mpiexec" --oversubscribe -x RISKCAST_MPI_WAIT -n 3 "$riskcast" batch \
    "$work/batch.yaml" $args >/dev/null 2>"$work/three-path.err" || status=$?
  [ "$status" = 2 ] || fail "batch $args under mpirun: exit status $status, not 2"
  [ $(($(date +%s) - start)) -lt 60 ] || fail "batch $args under mpirun waited for rank 0 to fail alone"
  sed '/^-----/,$d' "$work/three-path.err" >"$work/three-path-clean.err"
  same "$work/one-path.err" "$work/three-path-clean.err" "batch $args: its error"
done

# A model error: reported once (not by every rank), exit status 2, no file.
printf 'parameters:\n  a: uniform(0, 1\noutputs:\n  x: a\n' >"$work/bad.yaml"
status=0
ranks run "$work/bad.yaml" --samples 1000 --out "$work/bad.txt" 2>"$work/bad.err" || status=$?
[ "$status" = 2 ] || fail "a bad model under mpirun: exit status $status, not 2"
[ "$(grep -c 'error:' "$work/bad.err")" = 1 ] || fail "the error was not reported once: $(cat "$work/bad.err")"
[ ! -e "$work/bad.txt" ] || fail "a failed run wrote its output"

# An output path rank 0 cannot write: rank 0 alone checks it and fails
# alone; after RISKCAST_MPI_WAIT it ends the job with its message, exit 2.
status=0
RISKCAST_MPI_WAIT=2 timeout 120 "$mpiexec" --oversubscribe -x RISKCAST_MPI_WAIT -n 3 "$riskcast" run "$reference" \
  --samples 1000 --out /nonexistent-riskcast-folder/x.json 2>"$work/path.err" || status=$?
[ "$status" = 2 ] || fail "an unwritable --out under mpirun: exit status $status, not 2"
[ "$(grep -c 'nonexistent-riskcast-folder' "$work/path.err")" = 1 ] ||
  fail "the path error was not reported once: $(cat "$work/path.err")"

# A batch whose --out folder does not exist yet: rank 0 makes it while the
# other ranks may still be checking the paths (as any rank may be later);
# every rank must agree all the same (this hung when the checks were
# collective steps). Several times, since it is a race.
for attempt in 1 2 3 4 5; do
  rm -rf "$work/race"
  timeout 120 "$mpiexec" --oversubscribe -n 3 "$riskcast" batch "$work/batch.yaml" --out "$work/race" \
    >/dev/null 2>&1 || fail "batch into a new folder under mpirun (attempt $attempt): exit status $?"
done

# A sample that fails in the last rank's share: one process's error, exit 2.
# (Seed 19: the first failing sample is 26,786 of 30,000, in rank 2's share.)
printf 'parameters:\n  u: uniform(0, 1)\noutputs:\n  x: "u > 0.9999 ? log(-u) : u"\n' >"$work/failing.yaml"
"$riskcast" run "$work/failing.yaml" --samples 30000 --seed 19 2>"$work/one-fail.err" && fail "the failing model ran"
grep -q "in sample 26786" "$work/one-fail.err" || fail "the failing model failed elsewhere: $(cat "$work/one-fail.err")"
status=0
ranks run "$work/failing.yaml" --samples 30000 --seed 19 2>"$work/three-fail.err" || status=$?
[ "$status" = 2 ] || fail "a failing sample under mpirun: exit status $status, not 2"
# (mpirun adds its own banner about the non-zero exit status.)
grep 'error:' "$work/three-fail.err" >"$work/three-fail-clean.err" || true
same "$work/one-fail.err" "$work/three-fail-clean.err" "a failing sample's error"
# A rank that fails alone (here rank 0 is given a command line it refuses,
# ranks 1 and 2 a good one, which they go on with; the model itself is read
# by rank 0 for all, so a bad model fails every rank alike): it waits
# RISKCAST_MPI_WAIT seconds for the others, then ends the whole job with its
# error, non-zero, and nothing is written.
status=0
RISKCAST_MPI_WAIT=2 timeout 120 "$mpiexec" --oversubscribe -x RISKCAST_MPI_WAIT \
  -n 1 "$riskcast" run "$reference" --samples nope --out "$work/alone.txt" : \
  -n 2 "$riskcast" run "$reference" --samples 300000 --out "$work/alone.txt" 2>"$work/alone.err" || status=$?
[ "$status" != 0 ] && [ "$status" != 124 ] || fail "a rank failing alone: exit status $status"
grep -q "rank 0 of 3 failed (exit status 2) while the others went on" "$work/alone.err" ||
  fail "a rank failing alone did not say so: $(cat "$work/alone.err")"
grep -q "'nope' is not a number" "$work/alone.err" ||
  fail "a rank failing alone did not show its error: $(cat "$work/alone.err")"
[ ! -e "$work/alone.txt" ] || fail "a job with a failed rank wrote its output"

echo "mpirun -n 3: every file identical to one process's"
