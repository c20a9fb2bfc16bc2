"""The Python API over the engine: loading, metadata, runs, tables, per-sample arrays, errors."""

import gc
import math
import sys

import numpy as np
import pytest

import riskcast

SMALL = """\
model: small
horizon: 3
parameters:
  a:
    dist: uniform(0, 1)
    unit: share
  b: normal(10, 2)
outputs:
  total:
    formula: a * b
    unit: units
scenarios:
  high_a:
    description: a near 1
    parameters:
      a: uniform(0.9, 1)
"""


def test_import_gives_version_and_the_one_error_type():
    assert riskcast.__version__
    assert isinstance(riskcast.numerics_version, int)
    assert issubclass(riskcast.Error, Exception)


def test_metadata_of_the_flagship(flagship):
    names = [p.name for p in flagship.parameters]
    assert "ban_scope" in names
    ban = next(p for p in flagship.parameters if p.name == "ban_scope")
    assert ban.line > 0 and ban.column > 0
    assert ban.definition.startswith(("uniform", "beta", "pert", "triangular", "normal", "truncated"))
    assert ban.p5 <= ban.median <= ban.p95
    scenarios = [s.name for s in flagship.scenarios]
    assert scenarios[0] == "base" and "h200_open" in scenarios
    strict = next(s for s in flagship.scenarios if s.name == "beijing_strict")
    assert "ban_scope" in strict.parameters and "beijing_easing" in strict.events
    assert any(e.kind == "regime" and e.states for e in flagship.events)
    assert "nvidia_share_value" in [o.name for o in flagship.outputs]
    assert flagship.horizon == 12


def test_load_text_and_metadata():
    m = riskcast.load_text(SMALL, "small.yaml")
    assert m.name == "small" and m.file == "small.yaml" and m.horizon == 3
    a, b = m.parameters
    assert (a.name, a.unit, a.line, a.column) == ("a", "share", 4, 3)
    assert a.median == pytest.approx(0.5) and a.p5 == pytest.approx(0.05) and a.p95 == pytest.approx(0.95)
    assert b.definition == "normal(10, 2)"
    (total,) = m.outputs
    assert total.unit == "units" and "a" in total.formula and "b" in total.formula
    assert [s.name for s in m.scenarios] == ["base", "high_a"]


def test_an_innovation_is_listed_with_its_kind_and_law():
    m = riskcast.load_text(
        "horizon: 12\nevents:\n  shock: {kind: innovation, dist: \"normal(0, month / 100)\", unit: USD}\n"
        "monthly:\n  walk: prev(walk, 0) + shock\noutputs:\n  end: last(walk)\n"
    )
    (shock,) = m.events
    assert (shock.name, shock.kind, shock.unit) == ("shock", "innovation", "USD")
    assert shock.definition == "innovation; every month normal(0, (month / 100))"
    end = m.run(samples=2000, seed=1).table()
    assert len(end) > 0


def test_data_tables_are_listed_and_their_errors_name_the_csv_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "s.csv").write_text("month,factor\n1,0.5\n2,1\n3,2\n")
    model = tmp_path / "m.yaml"
    model.write_text(
        "horizon: 3\ndata:\n  s:\n    file: data/s.csv\n    by: month\n    source: reports\n"
        "outputs:\n  total: sum(s)\n"
    )
    m = riskcast.load(model)
    (s,) = m.data
    assert (s.name, s.file, s.by, s.column, s.source, s.line) == ("s", "data/s.csv", "month", "factor", "reports", 3)
    assert s.values == [0.5, 1.0, 2.0]
    assert len(m.run(samples=10).table()) > 0
    (tmp_path / "data" / "s.csv").write_text("month,factor\n1,0.5\n2,x\n3,2\n")
    with pytest.raises(riskcast.Error) as caught:
        riskcast.load(model)
    e = caught.value
    assert (e.file, e.line, e.column) == (str(tmp_path / "data" / "s.csv"), 3, 3)
    assert e.message == "`x` in column `factor` is not a number"


def test_indexes_and_tables_by_index_are_listed(tmp_path):
    (tmp_path / "v.csv").write_text("vendor,units\nmetax,3\nhuawei,1\ncambricon,2\n")
    model = tmp_path / "m.yaml"
    model.write_text(
        "indexes:\n  vendor: [huawei, cambricon, metax]\n"
        "data:\n  units: {file: v.csv, by: vendor}\n"
        "parameters:\n  price: {over: vendor, dist: [1, 2, 3]}\n"
        "outputs:\n  revenue: sum(units * price over vendor)\n"
    )
    m = riskcast.load(model)
    (vendor,) = m.indexes
    assert (vendor.name, vendor.elements, vendor.line, vendor.column) == (
        "vendor", ["huawei", "cambricon", "metax"], 2, 3)
    (units,) = m.data
    assert (units.by, units.values) == ("vendor", [1.0, 2.0, 3.0])  # in the index's order, not the file's
    assert [p.name for p in m.parameters] == ["price[huawei]", "price[cambricon]", "price[metax]"]
    (row,) = m.run(samples=10).summary().itertuples()
    assert row.mean == 1 * 1 + 2 * 2 + 3 * 3


def test_model_error_carries_every_diagnostic_with_its_position():
    text = SMALL.replace("uniform(0, 1)", "uniform(1, 0)").replace("a * b", "a * c")
    with pytest.raises(riskcast.Error) as caught:
        riskcast.load_text(text, "bad.yaml")
    e = caught.value
    assert e.kind == "model"
    assert len(e.diagnostics) >= 1
    assert e.file == "bad.yaml"
    first = e.diagnostics[0]
    assert (e.line, e.column, e.message) == (first.line, first.column, first.message)
    # uniform(1, 0) on line 5 is the first error; its text starts at column 11.
    assert (first.line, first.column) == (5, 11)
    assert str(first).startswith("bad.yaml:5:11: error: ")
    assert str(e).startswith("bad.yaml:5:11: error: ")
    # A diagnostic without a hint says None, not "".
    assert first.hint is None or first.hint != ""


def test_an_error_without_a_place_says_none_for_line_column_and_hint(tmp_path):
    missing = str(tmp_path / "nope.yaml")
    with pytest.raises(riskcast.Error) as caught:
        riskcast.load(missing)
    e = caught.value
    assert e.kind == "model" and e.file == missing
    assert (e.line, e.column) == (None, None)
    (d,) = e.diagnostics
    assert (d.line, d.column, d.hint) == (None, None, None)
    assert str(d).startswith(missing + ": error: ")


def test_missing_file_is_an_error_with_the_file_name(tmp_path):
    with pytest.raises(riskcast.Error) as caught:
        riskcast.load(tmp_path / "absent.yaml")
    assert caught.value.kind == "model"
    assert caught.value.file == str(tmp_path / "absent.yaml")


def test_samples_must_be_whole():
    m = riskcast.load_text(SMALL)
    assert m.run(samples=1e3, seed=1).sample_count == 1000
    with pytest.raises(ValueError):
        m.run(samples=1.5e0)
    with pytest.raises(ValueError):
        m.run(samples=0)
    with pytest.raises(TypeError):
        m.run(samples="1000")
    with pytest.raises(ValueError):
        m.run(samples=1000, seed=2.5)


def test_unknown_scenario_or_column_is_an_options_error():
    m = riskcast.load_text(SMALL)
    with pytest.raises(riskcast.Error) as caught:
        m.run(samples=10, scenarios=["hihg_a"])
    assert caught.value.kind == "options" and "high_a" in str(caught.value)
    assert caught.value.line is None and caught.value.diagnostics == []
    with pytest.raises(riskcast.Error):
        m.run(samples=10, columns=["nope"])


def test_run_error_names_the_formula():
    text = SMALL.replace("a * b", "1 / (a - a)")
    m = riskcast.load_text(text, "div.yaml")
    with pytest.raises(riskcast.Error) as caught:
        m.run(samples=100, seed=1)
    assert caught.value.kind == "model"
    # `1 / (a - a)` on line 10; its `/` is at column 16.
    assert (caught.value.file, caught.value.line, caught.value.column) == ("div.yaml", 10, 16)


def test_table_has_a_row_per_scenario_output_percentile():
    m = riskcast.load_text(SMALL)
    r = m.run(samples=2000, seed=3)
    t = r.table()
    assert list(t.columns) == ["scenario", "output", "unit", "p", "value", "ci_low", "ci_high"]
    assert len(t) == 2 * 1 * 9
    assert list(t["p"][:9]) == [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]
    assert (t["ci_low"] <= t["value"]).all() and (t["value"] <= t["ci_high"]).all()
    s = r.summary()
    assert list(s.columns[:13]) == ["scenario", "output", "mean", "sd", "P1", "P5", "P10", "P25", "P50", "P75",
                                    "P90", "P95", "P99"]
    assert list(s["scenario"]) == ["base", "high_a"]
    # Percentiles of a × b rise with a: high_a's median is above base's.
    assert s["P50"][1] > s["P50"][0]


def test_open_interval_ends_are_infinite():
    r = riskcast.load_text(SMALL).run(samples=50, seed=1)
    p1 = r.table().iloc[0]
    # P1 of 50 samples cannot be bounded below at 95 % (docs/results.md: 368 samples needed).
    assert p1["p"] == 0.01 and p1["ci_low"] == -math.inf


def test_samples_share_the_results_memory_and_keep_it_alive():
    m = riskcast.load_text(SMALL)
    r = m.run(samples=5000, seed=2, columns=["a", "total"])
    assert r.columns("base") == ["a", "total"]
    a1 = r.samples("base", "a")
    a2 = r.samples("base", "a")
    assert a1.dtype == np.float64 and a1.shape == (5000,)
    assert np.shares_memory(a1, a2) and a1.ctypes.data == a2.ctypes.data
    assert not a1.flags.writeable and not a1.flags.owndata
    with pytest.raises(ValueError):
        a1[0] = 1.0
    copy = a1.copy()
    high = r.samples("high_a", "a")
    assert high.min() >= 0.9 and a1.min() < 0.9
    del r, a2, high
    gc.collect()
    assert np.array_equal(a1, copy)  # the result lives while the array does
    # The summary is computed from the very column kept.
    r = m.run(samples=5000, seed=2, columns=["total"])
    total = r.samples("base", "total")
    s = r.summary()
    assert s["mean"][0] == pytest.approx(total.mean(), rel=1e-12)
    assert s["P50"][0] == np.percentile(total, 50)  # type 7, NumPy's default


def test_samples_of_a_column_not_kept_is_an_error():
    r = riskcast.load_text(SMALL).run(samples=10, columns=["a"])
    with pytest.raises(riskcast.Error) as caught:
        r.samples("base", "b")
    assert "kept: a" in str(caught.value)
    with pytest.raises(riskcast.Error):
        r.samples("nope", "a")


def test_results_do_not_depend_on_threads():
    m = riskcast.load_text(SMALL)
    one = m.run(samples=3000, seed=5, threads=1, columns=["total"]).samples("base", "total")
    many = m.run(samples=3000, seed=5, threads=4, block_size=7, columns=["total"]).samples("base", "total")
    assert np.array_equal(one, many)


def test_progress_is_reported_and_its_exception_stops_the_run():
    m = riskcast.load_text(SMALL)
    seen = []
    m.run(samples=1000, progress=lambda p: seen.append((p.name, p.done, p.total, p.scenarios)))
    assert seen[0] == ("base", 0, 1000, 2) and seen[-1] == ("high_a", 1000, 1000, 2)

    class Stop(Exception):
        pass

    def fail(p):
        raise Stop("from the callback")

    with pytest.raises(Stop):
        m.run(samples=1000, progress=fail)


def test_warnings_are_diagnostics():
    text = SMALL.replace("  b: normal(10, 2)\n", "  b: normal(10, 2)\n  unused: 3\n")
    m = riskcast.load_text(text, "w.yaml")
    (w,) = m.warnings
    assert w.severity == "warning" and w.file == "w.yaml" and w.line == 8 and "never read" in w.message


def test_format_is_what_the_command_prints():
    r = riskcast.load_text(SMALL).run(samples=100)
    assert r.format("csv").startswith("scenario,output,mean,sd,P1,")
    with pytest.raises(riskcast.Error):
        r.format("xml")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))


def test_chosen_percentiles_and_exceedances():
    m = riskcast.load_text(SMALL, "small.yaml")
    plain = m.run(samples=3000, seed=4)
    r = m.run(samples=3000, seed=4, percentiles=[97.5, 80], exceed={"total": [5, 10]})
    t = r.table()
    base = t[(t.scenario == "base") & (t.output == "total")]
    assert list(base.p) == pytest.approx([0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.8, 0.9, 0.95, 0.975, 0.99])
    # The standard percentiles are the plain run's, bit for bit.
    p0 = plain.table()
    assert list(p0.value) == list(t[t.p.isin(p0.p)].value)
    assert "P80" in r.summary().columns and "P97.5" in r.summary().columns
    e = r.exceedances()
    assert list(e.columns) == ["scenario", "output", "unit", "threshold", "probability", "ci_low", "ci_high"]
    assert list(e.threshold) == [5, 10, 5, 10]
    # The probability is the share of kept samples strictly above the threshold.
    kept = m.run(samples=3000, seed=4, columns=["total"], exceed={"total": 5})
    share = float((kept.samples("base", "total") > 5).mean())
    row = kept.exceedances().iloc[0]
    assert row.probability == share and row.ci_low < share < row.ci_high
    assert plain.exceedances().empty
    assert '"exceedances"' in r.format("json") and "P(>5)" in r.format("csv")


def test_bad_percentiles_and_thresholds():
    m = riskcast.load_text(SMALL, "small.yaml")
    for bad in ([0], [100], [-1], [float("nan")]):
        with pytest.raises(ValueError):
            m.run(samples=10, percentiles=bad)
    with pytest.raises(TypeError):
        m.run(samples=10, percentiles=["80"])
    with pytest.raises(TypeError):
        m.run(samples=10, exceed=[("total", 1)])
    with pytest.raises(ValueError):
        m.run(samples=10, exceed={"total": float("inf")})
    with pytest.raises(riskcast.Error) as e:
        m.run(samples=10, exceed={"totl": 1})
    assert e.value.kind == "options" and "did you mean `total`?" in str(e.value)
def test_threads_and_block_size_are_value_errors_with_their_range():
    m = riskcast.load_text(SMALL)
    assert riskcast.max_threads == 1024 and riskcast.max_block_size == 4096
    with pytest.raises(ValueError, match=r"threads must be a whole number from 0 to 1024, got 9223372036854775808"):
        m.run(samples=10, threads=2**63)
    with pytest.raises(ValueError, match=r"threads must be a whole number from 0 to 1024, got 1025"):
        m.run(samples=10, threads=1025)
    with pytest.raises(ValueError, match=r"block_size must be a whole number from 1 to 4096, got 4097"):
        m.run(samples=10, block_size=4097)
    assert m.run(samples=10, threads=2, block_size=4096).sample_count == 10


def test_a_name_listed_twice_is_an_options_error():
    m = riskcast.load_text(SMALL)
    with pytest.raises(riskcast.Error, match="scenario 'base' is listed twice") as caught:
        m.run(samples=10, scenarios=["base", "base"])
    assert caught.value.kind == "options"
    with pytest.raises(riskcast.Error, match="column 'a' is listed twice"):
        m.run(samples=10, columns=["a", "a"])


def test_outputs_evaluates_only_those_bit_for_bit():
    text = SMALL.replace("    unit: units\n", "    unit: units\n  double_b: 2 * b\n")
    m = riskcast.load_text(text)
    full = m.run(samples=2000, seed=3, columns=["double_b"])
    only = m.run(samples=2000, seed=3, outputs=["double_b"], columns=["double_b"])
    assert set(only.table()["output"]) == {"double_b"}
    assert np.array_equal(full.samples("base", "double_b"), only.samples("base", "double_b"))
    with pytest.raises(riskcast.Error) as caught:
        m.run(samples=10, outputs=["double_b"], columns=["total"])  # an output the run does not evaluate
    assert caught.value.kind == "options"


def test_a_stop_token_cancels_a_run_from_another_thread():
    import threading

    m = riskcast.load_text(SMALL)
    token = riskcast.StopToken()
    assert not token.stopped
    started = threading.Event()

    def progress(p):
        started.set()

    stopper = threading.Thread(target=lambda: (started.wait(), token.stop()))
    stopper.start()
    # Seconds of sampling on one thread without the stop; with it, none.
    with pytest.raises(riskcast.Error) as caught:
        m.run(samples=20_000_000, threads=1, progress=progress, stop=token)
    stopper.join()
    assert caught.value.kind == "cancelled" and token.stopped
    # A stopped token stops every later run at once; a fresh one does not.
    with pytest.raises(riskcast.Error, match="cancel"):
        m.run(samples=10, stop=token)
    assert m.run(samples=10, stop=riskcast.StopToken()).sample_count == 10
    with pytest.raises(TypeError):
        m.run(samples=10, stop=threading.Event())


def test_progress_reports_each_end_once():
    m = riskcast.load_text(SMALL)
    seen = []
    m.run(samples=20000, progress=lambda p: seen.append((p.scenario, p.done)))
    assert len(seen) == len(set(seen))
    assert [s for s in seen if s[1] == 20000] == [(0, 20000), (1, 20000)]


INDICATORS = """\
model: indicators
parameters:
  x: uniform(0, 1)
  cap: 0.3
outputs:
  level: {formula: x, unit: share}
  high: {formula: x > cap, kind: probability}
scenarios:
  strict:
    parameters:
      cap: 0.2
"""


def test_probability_outputs_have_p_not_percentiles():
    m = riskcast.load_text(INDICATORS, "indicators.yaml")
    assert [o.kind for o in m.outputs] == ["value", "probability"]
    r = m.run(samples=4000, seed=3, columns=["x"])
    # table(): the value output's percentiles only.
    assert set(r.table().output) == {"level"}
    p = r.probabilities()
    assert list(p.columns) == [
        "scenario", "output", "unit", "probability", "ci_low", "ci_high", "successes", "n",
        "difference", "difference_ci_low", "difference_ci_high",
    ]
    assert list(p.scenario) == ["base", "strict"] and list(p.output) == ["high", "high"]
    x = r.samples("base", "x")
    above = {"base": int((x > 0.3).sum()), "strict": int((x > 0.2).sum())}
    for _, row in p.iterrows():
        assert row.successes == above[row.scenario] and row.n == 4000
        assert row.probability == row.successes / 4000
        assert row.ci_low < row.probability < row.ci_high
    base, strict = p.iloc[0], p.iloc[1]
    assert math.isnan(base.difference) and math.isnan(base.difference_ci_low)
    assert strict.difference == (above["strict"] - above["base"]) / 4000
    assert strict.difference_ci_low < strict.difference < strict.difference_ci_high
    # summary(): the CSV's columns, P in place of mean, sd and percentiles.
    s = r.summary()
    assert list(s.kind) == ["value", "probability", "value", "probability"]
    high = s[(s.scenario == "base") & (s.output == "high")].iloc[0]
    assert math.isnan(high["mean"]) and math.isnan(high["P50"])
    assert high["probability"] == base.probability and high["probability ci_high"] == base.ci_high
    level = s[(s.scenario == "base") & (s.output == "level")].iloc[0]
    assert math.isnan(level["probability"]) and not math.isnan(level["P50"])
    assert '"kind": "probability"' in r.format("json")


def test_a_probability_output_that_is_not_0_or_1_stops_the_run():
    m = riskcast.load_text("parameters:\n  x: uniform(0, 1)\noutputs:\n  o: {formula: x, kind: probability}\n", "p.yaml")
    with pytest.raises(riskcast.Error) as caught:
        m.run(samples=10)
    assert caught.value.kind == "model"
    assert "output `o` is a probability, 0 or 1 in every sample, but is" in caught.value.message
    assert (caught.value.line, caught.value.column) == (4, 3)
    with pytest.raises(riskcast.Error) as unknown:
        riskcast.load_text("outputs:\n  o: {formula: 1, kind: chance}\n", "k.yaml")
    assert unknown.value.message == "unknown kind `chance` of output `o`"


def test_correlations_scenarios_and_solved_forms_are_listed():
    m = riskcast.load_text("""parameters:
  a: pert_p10_p50_p90(14, 18, 26)
  b: normal(0, 1)
  c: "discrete([1, 2], [1, 3])"
correlations:
  - [b, a, 0.6]
outputs:
  o: a + b + c
scenarios:
  s:
    correlations:
      - [a, b, 0]
      - [b, c, 0.3]
""", file="c.yaml")
    (pair,) = m.correlations
    assert (pair.first, pair.second, pair.rank_correlation, pair.line, pair.column) == ("a", "b", 0.6, 6, 5)
    base, s = m.scenarios
    assert base.correlations == []
    assert [(c.first, c.second, c.rank_correlation) for c in s.correlations] == [("a", "b", 0.0), ("b", "c", 0.3)]
    a, b, c = m.parameters
    assert a.definition == "pert_p10_p50_p90(14, 18, 26)" and a.solved.startswith("pert(13.047")
    assert b.solved is None
    assert c.definition == "discrete([1, 2], [1, 3])"
    assert "a – b" in m.describe("base") and "a – b *" in m.describe("s")


def test_outputs_over_an_index_are_one_per_element():
    import riskcast

    m = riskcast.load_text(
        "indexes:\n  vendor: [huawei, cambricon]\n  product: [h20, h200]\n"
        "parameters:\n  capacity: {over: vendor, dist: [\"uniform(1, 2)\", 3]}\n"
        "outputs:\n  cap: {over: vendor, formula: capacity}\n"
        "  pair: {over: [vendor, product], formula: capacity}\n",
        "indexed.yaml",
    )
    r = m.run(samples=1000, seed=1, columns=["cap[huawei]", "capacity[cambricon]"])
    table = r.table()
    assert list(dict.fromkeys(table["output"])) == [
        "cap[huawei]",
        "cap[cambricon]",
        "pair[huawei,h20]",
        "pair[huawei,h200]",
        "pair[cambricon,h20]",
        "pair[cambricon,h200]",
    ]
    assert set(r.samples("base", "capacity[cambricon]")) == {3.0}
    huawei = r.samples("base", "cap[huawei]")
    assert 1.0 <= min(huawei) and max(huawei) <= 2.0
    one = m.with_parameters({"capacity[huawei]": "7"})
    assert set(one.run(samples=100, seed=1, columns=["cap[huawei]"]).samples("base", "cap[huawei]")) == {7.0}
