#!/usr/bin/env python3
"""Variance reduction of the sampling methods, measured (docs/analysis.md, "Sampling methods, measured").

For the reference model's `nvidia_share_value` (scenario base): the RMSE of the mean and of the P50 over
REPS replications (seeds 1 … REPS) at equal sample count, for --method mc, lhs and qmc, and how often
each method's 95 % intervals cover the truth. The truth is one long qmc run (--truth-samples, seed
999999, which no replication uses); its own error is printed so that it can be seen to be small
against the RMSEs.

    python3 bench/sampling_accuracy.py [--reps 100] [--samples 4096] [--truth-samples 4194304]

Prints a Markdown table. Uses build/bin/riskcast (or --riskcast).
"""

import argparse
import json
import math
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODEL = ROOT / "bench" / "models" / "reference.yaml"
OUTPUT = "nvidia_share_value"


def run(riskcast, samples, seed, method, threads):
    out = subprocess.run(
        [str(riskcast), "run", str(MODEL), "--scenario", "base", "--output", OUTPUT, "--samples", str(samples),
         "--seed", str(seed), "--method", method, "--threads", str(threads), "--format", "json"],
        check=True, capture_output=True, text=True).stdout
    summary = json.loads(out)["scenarios"][0]["outputs"][OUTPUT]
    p50 = next(q for q in summary["percentiles"] if q["p"] == 0.5)
    return summary, p50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--samples", type=int, default=4096)
    parser.add_argument("--truth-samples", type=int, default=4_194_304)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--riskcast", default=str(ROOT / "build" / "bin" / "riskcast"))
    args = parser.parse_args()

    truth, truth_p50 = run(args.riskcast, args.truth_samples, 999999, "qmc", args.threads)
    print(f"truth ({args.truth_samples} qmc samples): mean {truth['mean']:.6f} ± "
          f"{(truth['mean_ci_high'] - truth['mean_ci_low']) / 2:.1e}, P50 {truth_p50['value']:.6f} ± "
          f"{(truth_p50['ci_high'] - truth_p50['ci_low']) / 2:.1e}", file=sys.stderr)

    rows = []
    for method in ("mc", "lhs", "qmc"):
        sq_mean = sq_p50 = 0.0
        cover_mean = cover_p50 = 0
        for seed in range(1, args.reps + 1):
            s, p50 = run(args.riskcast, args.samples, seed, method, args.threads)
            sq_mean += (s["mean"] - truth["mean"]) ** 2
            sq_p50 += (p50["value"] - truth_p50["value"]) ** 2
            cover_mean += s["mean_ci_low"] <= truth["mean"] <= s["mean_ci_high"]
            cover_p50 += p50["ci_low"] <= truth_p50["value"] <= p50["ci_high"]
        rows.append((method, math.sqrt(sq_mean / args.reps), math.sqrt(sq_p50 / args.reps),
                     cover_mean / args.reps, cover_p50 / args.reps))

    mc_mean, mc_p50 = rows[0][1], rows[0][2]
    print(f"| method | RMSE of the mean | variance vs mc | RMSE of P50 | variance vs mc | "
          f"mean interval covers | P50 interval covers |")
    print("|---|---|---|---|---|---|---|")
    for method, rmse_mean, rmse_p50, cm, cp in rows:
        print(f"| {method} | {rmse_mean:.3g} | {(rmse_mean / mc_mean) ** 2:.3f} | {rmse_p50:.3g} | "
              f"{(rmse_p50 / mc_p50) ** 2:.3f} | {cm:.0%} | {cp:.0%} |")


if __name__ == "__main__":
    main()
