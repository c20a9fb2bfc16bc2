"""Python argument edge cases found by a new-user trial: each case is refused the way a Python user
expects (TypeError / ValueError naming the argument), never run with a meaning the user did not ask for,
and warnings reach Python's warnings machinery."""

import pathlib
import warnings

import pytest

import riskcast

SMALL = """\
model: small
horizon: 2
parameters:
  a: uniform(0, 1)
outputs:
  total: a * 10
  part:
    formula: a * 1.5
    unit: share
scenarios:
  other: {parameters: {a: "uniform(0.5, 1)"}}
"""


@pytest.fixture(scope="module")
def small():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", riskcast.ModelWarning)
        return riskcast.load_text(SMALL, "small.yaml")


@pytest.mark.parametrize("argument", ["scenarios", "outputs"])
def test_an_empty_filter_is_refused_not_read_as_all(small, argument):
    with pytest.raises(ValueError, match=rf"{argument}=\[\] names none; pass None for all"):
        small.run(samples=10, **{argument: []})


def test_exceed_thresholds_must_be_given_and_finite(small):
    with pytest.raises(ValueError, match=r"exceed\['total'\] lists no threshold"):
        small.run(samples=10, exceed={"total": []})
    with pytest.raises(TypeError, match=r"exceed\['total'\] must be a threshold or a list of thresholds, not NoneType"):
        small.run(samples=10, exceed={"total": None})
    with pytest.raises(TypeError, match=r"not str"):
        small.run(samples=10, exceed={"total": "5"})
    with pytest.raises(ValueError, match=r"the threshold of 'total' must be a finite number, got 1000"):
        small.run(samples=10, exceed={"total": 10**400})


def test_sample_limits_are_the_random_layouts(small):
    assert riskcast.max_samples == 2**40
    with pytest.raises(ValueError, match=r"samples must be a whole number from 1 to 2\*\*40, got 1099511627777"):
        small.run(samples=2**40 + 1)
    with pytest.raises(ValueError, match=r"first_sample must be a whole number from 0 to 2\*\*40 - 1"):
        small.run(samples=1, first_sample=2**40)


def test_load_checks_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="a model path is a str or os.PathLike, not int"):
        riskcast.load(5)
    with pytest.raises(TypeError, match="model text is a str, not bytes"):
        riskcast.load_text(SMALL.encode())
    path = tmp_path / "m.yaml"
    path.write_text(SMALL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", riskcast.ModelWarning)
        assert riskcast.load(pathlib.Path(path)).file == str(path)
        assert riskcast.load_text(SMALL, file=None).file == "<text>"


def test_error_text_has_no_trailing_newline():
    with pytest.raises(riskcast.Error) as caught:
        riskcast.load_text("horizon: 2\noutputs:\n  x: nope\n", "bad.yaml")
    assert not str(caught.value).endswith("\n")
    assert str(caught.value).startswith("bad.yaml:3:")


def test_an_empty_override_quotes_what_it_read(small):
    with pytest.raises(riskcast.Error) as caught:
        small.with_parameters({"a": ""})
    assert "the override reads `a: `" in caught.value.diagnostics[0].message


def test_result_warnings_are_kept_and_issued(small):
    # part = 1.5·a leaves [0, 1] for a > 2/3: in 1,000 samples surely (P(no sample above) = (2/3)^1000).
    with pytest.warns(riskcast.ModelWarning, match=r"small.yaml:7:3: warning: output `part` is a share"):
        r = small.run(samples=1000, seed=1)
    assert len(r.warnings) == 1
    w = r.warnings[0]
    assert (w.severity, w.file, w.line, w.column) == ("warning", "small.yaml", 7, 3)
    # No warning where the results stay in [0, 1] (outputs= leaves `part` out).
    with warnings.catch_warnings():
        warnings.simplefilter("error", riskcast.ModelWarning)
        assert small.run(samples=1000, seed=1, outputs=["total"]).warnings == []


def test_load_warnings_are_issued():
    text = SMALL.replace("  a: uniform(0, 1)\n", "  a: uniform(0, 1)\n  unused: normal(0, 1)\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = riskcast.load_text(text, "w.yaml")
    assert m.warnings
    issued = [str(w.message) for w in caught if issubclass(w.category, riskcast.ModelWarning)]
    assert issued == [str(d) for d in m.warnings]
