"""Model.with_parameters: parameters redefined from Python, checked like the file's `dist:`."""

import numpy as np
import pytest

import riskcast

N = 20000


def test_a_number_fixes_the_parameter_in_every_sample(flagship):
    fixed = flagship.with_parameters({"ban_scope": 0.9})
    r = fixed.run(samples=N, seed=1, scenarios=["base"], columns=["ban_scope", "nvidia_share_value"])
    assert np.all(r.samples("base", "ban_scope") == 0.9)
    assert next(p for p in fixed.parameters if p.name == "ban_scope").median == 0.9
    # The original model is unchanged, and the output moves with the parameter.
    r0 = flagship.run(samples=N, seed=1, scenarios=["base"], columns=["ban_scope", "nvidia_share_value"])
    assert np.unique(r0.samples("base", "ban_scope")).size > N // 2
    assert not np.array_equal(r.samples("base", "nvidia_share_value"), r0.samples("base", "nvidia_share_value"))


def test_a_distribution_text_changes_the_distribution(flagship):
    m = flagship.with_parameters({"ban_scope": "uniform(0.8, 1)"})
    draws = m.run(samples=N, seed=2, scenarios=["base"], columns=["ban_scope"]).samples("base", "ban_scope")
    assert draws.min() >= 0.8 and draws.max() <= 1.0
    # uniform(0.8, 1): mean 0.9, sd 0.2/√12 = 0.0577; the mean of N draws has se 0.0577/√N = 4.1e-4,
    # so 5 se = 2.0e-3 (a false failure has probability 6e-7).
    assert abs(draws.mean() - 0.9) < 2.0e-3
    # Its median quartiles: P25 0.85 and P75 0.95, each within 5 of their se (0.2·√(3/16)/√N = 6.1e-4).
    assert abs(np.percentile(draws, 25) - 0.85) < 3.1e-3
    assert abs(np.percentile(draws, 75) - 0.95) < 3.1e-3


def test_a_scenario_that_overrides_the_parameter_keeps_its_own(flagship):
    m = flagship.with_parameters({"ban_scope": 0.5})
    r = m.run(samples=2000, seed=1, scenarios=["base", "beijing_strict"], columns=["ban_scope"])
    assert np.all(r.samples("base", "ban_scope") == 0.5)
    strict = r.samples("beijing_strict", "ban_scope")
    assert strict.min() >= 0.95 and strict.max() <= 1.0


def test_overrides_give_the_numbers_of_the_edited_file(root):
    # The file with the `dist:` line of ban_scope's base definition edited.
    lines = (root / "configs" / "china-2026.yaml").read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  ban_scope:"))
    dist = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("dist:"))
    lines[dist] = "    dist: uniform(0.8, 1)\n"
    by_file = riskcast.load_text("".join(lines), "edited.yaml")
    by_override = riskcast.load(root / "configs" / "china-2026.yaml").with_parameters({"ban_scope": "uniform(0.8, 1)"})
    a = by_file.run(samples=5000, seed=3, scenarios=["base", "h200_open"]).table()
    b = by_override.run(samples=5000, seed=3, scenarios=["base", "h200_open"]).table()
    assert a.equals(b)


def test_bad_text_is_an_error_positioned_in_the_overrides(flagship):
    with pytest.raises(riskcast.Error) as caught:
        flagship.with_parameters({"ban_scope": 0.9, "training_fraction": "uniform(1, 0.5)"})
    e = caught.value
    assert e.kind == "model" and e.file == "<overrides>"
    # Line 2 is "training_fraction: uniform(1, 0.5)"; the definition starts at column 20.
    assert (e.line, e.column) == (2, 20)
    assert "uniform" in e.message


def test_every_bad_override_is_reported_with_a_hint(flagship):
    with pytest.raises(riskcast.Error) as caught:
        flagship.with_parameters({"ban_scop": 0.9, "training_fraction": "unifrom(0, 1)"})
    d = caught.value.diagnostics
    assert len(d) == 2
    assert (d[0].line, d[0].column) == (1, 1) and "ban_scope" in d[0].hint
    assert d[1].line == 2 and "uniform" in d[1].hint
    with pytest.raises(riskcast.Error):
        flagship.with_parameters({"ban_scope": float("nan")})
    with pytest.raises(TypeError):
        flagship.with_parameters({"ban_scope": [0.9]})


def test_numbers_pass_exactly(flagship):
    value = 0.1 + 0.2  # 0.30000000000000004: the shortest repr reads back as these bits
    r = flagship.with_parameters({"ban_scope": value}).run(samples=10, scenarios=["base"], columns=["ban_scope"])
    assert np.all(r.samples("base", "ban_scope") == value)


def test_a_name_must_be_text(flagship):
    with pytest.raises(TypeError, match="a parameter name is text"):
        flagship.with_parameters({1: 0.5})


@pytest.mark.parametrize(
    "value, text",
    [(float("nan"), "ban_scope: nan`"), (float("inf"), "ban_scope: inf`"), (1e400, "ban_scope: inf`"),
     (-(10**400), "ban_scope: -1000")],
)
def test_a_number_the_engine_cannot_take_is_shown_as_its_text(flagship, value, text):
    with pytest.raises(riskcast.Error) as caught:
        flagship.with_parameters({"ban_scope": value})
    assert caught.value.kind == "model" and caught.value.file == "<overrides>"
    assert text in caught.value.message


def test_an_event_or_output_is_named_as_such(flagship):
    event = flagship.events[0].name
    with pytest.raises(riskcast.Error) as caught:
        flagship.with_parameters({event: 0.5})
    assert f"`{event}` is an event, not a parameter" in caught.value.message
    output = flagship.outputs[0].name
    with pytest.raises(riskcast.Error) as caught:
        flagship.with_parameters({output: 0.5})
    assert f"`{output}` is an output, not a parameter" in caught.value.message


def test_a_warning_the_override_causes_points_at_the_override():
    m = riskcast.load_text("model: w\nparameters:\n  s:\n    dist: uniform(0, 1)\n    unit: share\noutputs:\n  y: s\n")
    (w,) = m.with_parameters({"s": "uniform(0, 2)"}).warnings
    assert (w.file, w.line, w.column) == ("<overrides>", 1, 4)
    assert "share" in w.message


CORRELATED = """parameters:
  labour: pert(80, 100, 150)
  materials: lognormal_mean_sd(200, 40)
correlations:
  - [labour, materials, 0.6]
outputs:
  cost: labour + materials
"""


def test_a_correlated_parameter_cannot_become_constant():
    # As editing the file would be: the same error, positioned in <overrides> (the trial's corr1.yaml
    # silently lost the correlation).
    m = riskcast.load_text(CORRELATED, file="corr.yaml")
    with pytest.raises(riskcast.Error) as e:
        m.with_parameters({"labour": 100})
    d = e.value.diagnostics[0]
    assert (d.file, d.line, d.column) == ("<overrides>", 1, 9)
    assert d.message == ("`labour` is the constant 100, which cannot be correlated: the correlations at corr.yaml "
                         "line 5 tie it to `materials`")
    with pytest.raises(riskcast.Error, match="binomial\\(10, 0\\), always 0, which cannot be correlated"):
        m.with_parameters({"materials": "binomial(10, 0)"})
    # Another distribution is fine, and keeps the pair.
    assert len(m.with_parameters({"labour": "uniform(80, 150)"}).correlations) == 1
