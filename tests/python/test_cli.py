"""A Python run and `riskcast run` give the same numbers, bit for bit."""

import csv
import io
import json
import math
import subprocess

import numpy as np

import riskcast

SCENARIOS = ["base", "h200_open", "beijing_strict"]
SAMPLES = 30_000
SEED = 11


def cli(riskcast_bin, root, *args):
    done = subprocess.run([str(riskcast_bin), *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def scenario_args(names):
    return [arg for name in names for arg in ("--scenario", name)]


def null_to_inf(value, side):
    return value if value is not None else (-math.inf if side == "low" else math.inf)


def test_json_matches_exactly(riskcast_bin, root, flagship):
    out = cli(riskcast_bin, root, "run", "configs/china-2026.yaml", "--samples", str(SAMPLES), "--seed", str(SEED),
              *scenario_args(SCENARIOS), "--format", "json")
    expected = json.loads(out)
    r = flagship.run(samples=SAMPLES, seed=SEED, scenarios=SCENARIOS)
    table = r.table()
    summary = r.summary()
    assert [s["name"] for s in expected["scenarios"]] == SCENARIOS == r.scenarios
    compared = 0
    for s in expected["scenarios"]:
        for output, stats in s["outputs"].items():
            row = summary[(summary["scenario"] == s["name"]) & (summary["output"] == output)].iloc[0]
            keys = ("mean", "sd", "mean_se", "min", "max")
            if stats.get("kind") == "probability":
                # Shown as P with its interval; the summary leaves mean and sd out (NaN), as the CSV does.
                p = stats["probability"]
                got = (row["probability"], row["probability ci_low"], row["probability ci_high"])
                assert got == (p["estimate"], p["ci_low"], p["ci_high"]), (s["name"], output)
                assert math.isnan(row["mean"]) and math.isnan(row["sd"])
                keys = ("mean_se", "min", "max")
            for key in keys:
                assert row[key] == stats[key], (s["name"], output, key)
            assert row["mean_ci_low"] == null_to_inf(stats["mean_ci_low"], "low")
            assert row["mean_ci_high"] == null_to_inf(stats["mean_ci_high"], "high")
            rows = table[(table["scenario"] == s["name"]) & (table["output"] == output)]
            if stats.get("kind") == "probability":
                assert rows.empty  # table() holds percentiles; a 0/1 output's say nothing
                continue
            assert len(rows) == len(stats["percentiles"])
            for (_, got), want in zip(rows.iterrows(), stats["percentiles"]):
                assert got["p"] == want["p"] and got["value"] == want["value"]
                assert got["ci_low"] == null_to_inf(want["ci_low"], "low")
                assert got["ci_high"] == null_to_inf(want["ci_high"], "high")
                compared += 1
    assert compared >= len(SCENARIOS) * 9


def test_csv_matches_the_summary_columns(riskcast_bin, root, flagship):
    out = cli(riskcast_bin, root, "run", "configs/china-2026.yaml", "--samples", str(SAMPLES), "--seed", str(SEED),
              "--scenario", "base", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    summary = flagship.run(samples=SAMPLES, seed=SEED, scenarios=["base"]).summary()
    assert list(rows[0].keys()) == list(summary.columns[: len(rows[0])])
    assert len(rows) == len(summary)
    for want, (_, got) in zip(rows, summary.iterrows()):
        for key, text in want.items():
            if key in ("scenario", "output"):
                assert got[key] == text
            elif text == "":  # a probability output's mean, sd and percentiles; a value output's P
                assert math.isnan(got[key]), (want["output"], key)
            else:
                assert got[key] == float(text), (want["output"], key)


def test_kept_columns_match_the_export(riskcast_bin, root, flagship, tmp_path):
    path = tmp_path / "samples.csv"
    cli(riskcast_bin, root, "run", "configs/china-2026.yaml", "--samples", "3000", "--seed", "4", *scenario_args(["base", "us_full_ban"]),
        "--export", str(path), "--export-columns", "nvidia_share_value,ban_scope", "--format", "csv")
    exported = list(csv.DictReader(path.open()))
    r = flagship.run(samples=3000, seed=4, scenarios=["base", "us_full_ban"], columns=["nvidia_share_value", "ban_scope"])
    for scenario in ("base", "us_full_ban"):
        rows = [row for row in exported if row["scenario"] == scenario]
        assert [int(row["sample"]) for row in rows] == list(range(3000))
        for column in ("nvidia_share_value", "ban_scope"):
            assert np.array_equal(r.samples(scenario, column), np.array([float(row[column]) for row in rows]))
