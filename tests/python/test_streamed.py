"""A streamed run from Python (docs/scale.md): the kept run's numbers bit for bit, and clear refusals."""
import pathlib

import pytest

import riskcast

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reference_model():
    return riskcast.load(ROOT / "bench" / "models" / "reference.yaml")


def _same(a, b):
    """Equal frames, NaN matching NaN."""
    return a.equals(b)


def test_streamed_equals_kept(reference_model):
    kept = reference_model.run(samples=70_000, seed=3, storage="memory", exceed={"nvidia_share_value": 0.3})
    passes = []
    streamed = reference_model.run(samples=70_000, seed=3, storage="streamed",
                                   exceed={"nvidia_share_value": 0.3},
                                   progress=lambda p: passes.append((p.pass_number, p.scenario, p.scenarios, p.done, p.total)))
    assert _same(streamed.summary(), kept.summary())
    assert _same(streamed.exceedances(), kept.exceedances())
    numbers = [p[0] for p in passes]
    assert min(numbers) == 1 and max(numbers) >= 2
    # Each pass is a "scenario" of the passes known so far; the last call ends the last pass made.
    assert all(scenario == number - 1 and scenarios >= max(number, 2) for number, scenario, scenarios, _, _ in passes)
    number, scenario, scenarios, done, total = passes[-1]
    assert (scenario + 1, done) == (scenarios, total) == (max(numbers), 70_000)


def test_memory_limit_chooses_streaming(reference_model):
    kept = reference_model.run(samples=300_000, seed=4)
    limit = 60e6  # below what 300,000 kept samples need, above a streamed run's working set
    with pytest.raises(riskcast.Error) as e:
        reference_model.run(samples=300_000, seed=4, memory_limit=limit, storage="memory")
    assert e.value.kind == "resource"
    streamed = reference_model.run(samples=300_000, seed=4, memory_limit=limit)
    assert _same(streamed.summary(), kept.summary())


def test_bad_storage_and_refusals(reference_model):
    with pytest.raises(ValueError, match="storage must be 'auto', 'memory' or 'streamed'"):
        reference_model.run(samples=10, storage="disk")
    with pytest.raises(ValueError, match="memory_limit"):
        reference_model.run(samples=10, memory_limit=0)
    with pytest.raises(riskcast.Error) as e:
        reference_model.run(samples=1000, storage="streamed", columns=["nvidia_share_value"])
    assert "cannot be streamed" in str(e.value)
