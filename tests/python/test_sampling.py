"""Sampling methods and precision targets from Python (docs/python.md): the same as the command's."""

import json
import subprocess

import pytest

import riskcast


@pytest.fixture(scope="module")
def reference(root):
    return riskcast.load(root / "bench" / "models" / "reference.yaml")


def test_method_and_replicates_are_recorded(reference):
    r = reference.run(samples=2048, scenarios=["base"], method="qmc")
    assert (r.method, r.replicates, r.precision) == ("qmc", 16, None)
    r = reference.run(samples=2000, scenarios=["base"], method="lhs", replicates=4)
    assert (r.method, r.replicates) == ("lhs", 4)
    assert reference.run(samples=100, scenarios=["base"]).method == "mc"


def test_bad_methods_are_value_errors(reference):
    with pytest.raises(ValueError):
        reference.run(samples=100, method="sobol")
    with pytest.raises(riskcast.Error) as e:
        reference.run(samples=1000, method="qmc")  # 1000 is no multiple of 16
    assert e.value.kind == "options"
    with pytest.raises(riskcast.Error) as e:
        reference.run(samples=100, precision="nvidia_share_value:median:0.1")
    assert e.value.kind == "options" and "neither mean nor a percentile" in str(e.value)


def test_qmc_matches_the_command(reference, root, riskcast_bin):
    """The same numbers as `riskcast run --method qmc`."""
    r = reference.run(samples=4096, scenarios=["base"], method="qmc", seed=5)
    out = subprocess.run(
        [str(riskcast_bin), "run", str(root / "bench" / "models" / "reference.yaml"), "--samples", "4096",
         "--scenario", "base", "--method", "qmc", "--seed", "5", "--format", "json"],
        check=True, capture_output=True, text=True).stdout
    expected = json.loads(out)["scenarios"][0]["outputs"]["nvidia_share_value"]["mean"]
    df = r.summary().reset_index()
    row = df[(df["scenario"] == "base") & (df["output"] == "nvidia_share_value")]
    assert row["mean"].iloc[0] == expected


def test_precision_stops_and_says_so(reference):
    r = reference.run(samples=200_000, scenarios=["base"], precision=["nvidia_share_value:p50:0.004"])
    assert r.precision["reached"]
    assert r.precision["samples"] == r.sample_count < 200_000
    assert r.sample_count % r.precision["block"] == 0
    assert r.precision["targets"][0]["target"] == "nvidia_share_value:p50:0.004"
