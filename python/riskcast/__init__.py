"""riskcast: Monte Carlo policy-risk models from Python (docs/python.md).

    import riskcast
    m = riskcast.load("configs/china-2026.yaml")
    r = m.run(samples=1e6, seed=1, scenarios=["base", "h200_open"], columns=["nvidia_share_value"])
    r.table()                                   # pandas: the percentile table with 95 % intervals
    r.samples("base", "nvidia_share_value")     # numpy view of the kept per-sample values

A thin layer over the engine's public C++ API (include/riskcast/riskcast.hpp,
docs/api.md): the same model, seed and samples give the numbers
`riskcast run` gives, bit for bit.
"""

import math as _math
import numbers as _numbers
import os as _os
import warnings as _warnings

from . import _riskcast
from ._riskcast import Diagnostic, Error, Progress, StopToken  # noqa: F401  (public names)

__version__ = _riskcast.__version__
numerics_version = _riskcast.numerics_version
max_threads = _riskcast.max_threads  # the most worker threads a run takes (threads=)
max_block_size = _riskcast.max_block_size  # the largest block_size
max_samples = _riskcast.max_samples  # first_sample + samples is at most this (2**40, the random streams' layout)

__all__ = [
    "load", "load_text", "nearest_correlations", "Model", "Result", "Error", "Diagnostic", "Progress", "StopToken",
    "ModelWarning",
]

_MAX_COUNT = 2**64 - 1


class ModelWarning(UserWarning):
    """A warning riskcast gives about a model as it is loaded (Model.warnings) or about a run's results
    (Result.warnings: a share output that left [0, 1]); the message is the Diagnostic's text
    "FILE:LINE:COL: warning: MESSAGE". Silence or escalate it with the `warnings` module's filters."""


def _warn(diagnostics):
    for d in diagnostics:
        _warnings.warn(str(d), ModelWarning, stacklevel=3)


def _count(value, what, lowest, highest=_MAX_COUNT):
    """A whole number from an int or a whole float (1e6) in [lowest, highest], else ValueError."""
    if isinstance(value, bool) or not isinstance(value, _numbers.Real):
        raise TypeError(f"{what} must be a whole number, not {type(value).__name__}")
    if not isinstance(value, _numbers.Integral):
        value = float(value)
        if not value.is_integer():
            raise ValueError(f"{what} must be a whole number, got {value!r}")
    value = int(value)
    if value < lowest or value > highest:
        if highest == _MAX_COUNT:
            shown = "2**64 - 1"
        elif highest > 2**20 and highest & (highest - 1) == 0:
            shown = f"2**{highest.bit_length() - 1}"
        elif highest > 2**20 and (highest + 1) & highest == 0:
            shown = f"2**{highest.bit_length()} - 1"
        else:
            shown = str(highest)
        raise ValueError(f"{what} must be a whole number from {lowest} to {shown}, got {value}")
    return value


def _real(value, what):
    """A finite number (not bool), else TypeError / ValueError."""
    if isinstance(value, bool) or not isinstance(value, _numbers.Real):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond every double
        raise ValueError(f"{what} must be a finite number, got {value}") from None
    if not _math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


def _percentiles(value):
    """Percentiles in percent (97.5 for P97.5) → probabilities, each strictly between 0 and 100."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        value = [value]
    probabilities = []
    for p in value:
        p = _real(p, "a percentile")
        if not 0 < p < 100:
            raise ValueError(f"percentiles are in percent, strictly between 0 and 100 (97.5 for P97.5), got {p:g}")
        probabilities.append(p / 100)
    return probabilities


def _exceedances(value):
    """{output: threshold or [thresholds]} → [(output, threshold), …]."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise TypeError(f"exceed must be a dict {{output: threshold or [thresholds]}}, not {type(value).__name__}")
    pairs = []
    for output, thresholds in value.items():
        if not isinstance(output, str):
            raise TypeError(f"exceed's keys must be output names (str), got {type(output).__name__}")
        if isinstance(thresholds, _numbers.Real):
            thresholds = [thresholds]
        elif isinstance(thresholds, (str, bytes)) or not hasattr(thresholds, "__iter__"):
            raise TypeError(
                f"exceed[{output!r}] must be a threshold or a list of thresholds, not {type(thresholds).__name__}"
            )
        thresholds = list(thresholds)
        if not thresholds:
            raise ValueError(f"exceed[{output!r}] lists no threshold")
        pairs.extend((output, _real(t, f"the threshold of {output!r}")) for t in thresholds)
    return pairs


def _names(value, what, empty_means_all=False):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    names = list(value)
    if empty_means_all and not names:
        # The engine reads an empty list as "all"; a filter that ended up empty must not run everything.
        raise ValueError(f"{what}=[] names none; pass None for all")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{what} must be names (str), got {type(name).__name__}")
    return names


def nearest_correlations(path):
    """YAML text: the model file's `correlations:` sections with each group that is not positive definite
    replaced by its nearest valid matrix ("" when every group is valid); riskcast.Error for other errors."""
    if not isinstance(path, (str, _os.PathLike)):
        raise TypeError(f"a model path is a str or os.PathLike, not {type(path).__name__}")
    return _riskcast.nearest_correlations(_os.fsdecode(path))


def load(path):
    """Reads a model file (str or os.PathLike); riskcast.Error (kind 'model') carries every diagnostic.
    Each of the model's warnings is also issued as a riskcast.ModelWarning."""
    if not isinstance(path, (str, _os.PathLike)):
        raise TypeError(f"a model path is a str or os.PathLike, not {type(path).__name__}")
    model = Model(_riskcast.LoadedModel.from_file(_os.fsdecode(path)))
    _warn(model.warnings)
    return model


def load_text(text, file="<text>"):
    """Reads a model from YAML text; `file` (default "<text>") names it in diagnostics. Warnings as for
    load()."""
    if not isinstance(text, str):
        raise TypeError(f"model text is a str, not {type(text).__name__}")
    if file is None:
        file = "<text>"
    if not isinstance(file, (str, _os.PathLike)):
        raise TypeError(f"file is a name (str), not {type(file).__name__}")
    model = Model(_riskcast.LoadedModel.from_text(text, _os.fsdecode(file)))
    _warn(model.warnings)
    return model


class Model:
    """A loaded, validated model; immutable, safe to run from several threads."""

    def __init__(self, loaded):
        self._model = loaded

    def __repr__(self):
        return f"<riskcast.Model {self.name} ({self.file})>"

    file = property(lambda self: self._model.file)
    name = property(lambda self: self._model.name)
    title = property(lambda self: self._model.title)
    description = property(lambda self: self._model.description)
    horizon = property(lambda self: self._model.horizon, doc="months")
    warnings = property(lambda self: self._model.warnings, doc="riskcast.Diagnostic list")

    @property
    def indexes(self):
        """Each index (docs/language.md, "Indexes"), in file order: name, line, column, elements (a list of
        element names, in the model's order). Entries over an index are listed element by element elsewhere
        (parameters "capacity[huawei]", …)."""
        return self._model.indexes()

    @property
    def data(self):
        """Each data table (numbers read from a CSV file beside the model), in file order: name, line (of its
        entry in the model), file (as written, relative to the model file's folder), by ('month' for a series,
        else the index it is by), column (the CSV column read), values (a list of floats; by month: one per
        month 1 … horizon; by index: one per element, in the index's order), unit, source, note."""
        return self._model.data()

    @property
    def parameters(self):
        """Each parameter: name, line, column, definition (as written), solved (the lognormal, normal or pert
        a distribution given in other terms solves to, as text; None for the others), median/p5/p95 (exact;
        None without a closed form), unit, source, note."""
        return self._model.parameters()

    @property
    def correlations(self):
        """The model's rank (Spearman) correlations as written: each first, second (in parameter order),
        rank_correlation, line, column. A scenario's own are Scenario.correlations."""
        return self._model.correlations()

    @property
    def events(self):
        """Each event: name, line, column, kind ('regime', 'switch', 'arrivals', 'innovation'), states, definition,
        metadata."""
        return self._model.events()

    @property
    def monthly(self):
        """Each monthly formula, in evaluation order: name, line, column, formula, metadata."""
        return self._model.monthly()

    @property
    def outputs(self):
        """Each output: name, line, column, formula, kind ('value' or 'probability'), unit, source, note."""
        return self._model.outputs()

    @property
    def scenarios(self):
        """Each scenario (base first): name, line, column, description, the parameters and events it overrides,
        and the rank correlations it sets (correlations; 0 removes the model's)."""
        return self._model.scenarios()

    def describe(self, scenario="base"):
        """The assumptions table `riskcast describe` prints."""
        return self._model.describe(scenario)

    def with_parameters(self, overrides):
        """A new model with parameters redefined, as if their `dist:` were edited in the file.

        overrides: {name: number or distribution text ("uniform(0.8, 1)")}. A scenario that overrides a
        parameter keeps its own definition. Bad text raises riskcast.Error whose diagnostics point into
        the lines "NAME: DEFINITION" of file "<overrides>", one line per override in order.
        """
        pairs = []
        for name, definition in dict(overrides).items():
            if not isinstance(name, str):
                raise TypeError(f"a parameter name is text (str), not {type(name).__name__}: {name!r}")
            if isinstance(definition, bool):
                raise TypeError(f"parameter {name!r}: a definition is a number or a distribution text, not bool")
            if isinstance(definition, _numbers.Real):
                try:
                    definition = repr(float(definition))  # shortest text that reads back as the same double
                except OverflowError:  # an int beyond every double: the engine says so, showing the text
                    definition = str(int(definition))
            elif not isinstance(definition, str):
                raise TypeError(
                    f"parameter {name!r}: a definition is a number or a distribution text, not "
                    f"{type(definition).__name__}"
                )
            pairs.append((name, definition))
        model = Model(self._model.with_parameters(pairs))
        _warn(w for w in model.warnings if w.file == "<overrides>")
        return model

    def run(self, samples=1_000_000, seed=1, scenarios=None, threads=0, columns=None, first_sample=0,
            block_size=256, check_memory=True, progress=None, outputs=None, stop=None, percentiles=None,
            exceed=None, method="mc", replicates=None, precision=None, storage="auto", memory_limit=None):
        """Samples the scenarios (all by default) and summarises every output.

        samples, seed, first_sample: whole numbers (1e6 is accepted, 1.5 is a ValueError).
        scenarios: names, each once. outputs: the outputs to evaluate and summarise (default: every output);
        the others are not computed; an empty list is a ValueError (None means all). columns: outputs (among those run) and parameters whose per-sample
        values to keep (Result.samples), each once; "*" keeps all.
        percentiles: more percentiles to report besides P1 … P99, in percent ([80, 97.5]); Result.table()
        and Result.summary() carry them. exceed: {output: threshold or [thresholds]}, P(output > threshold)
        with its exact binomial 95 % interval for each (Result.exceedances()).
        threads: 0 … riskcast.max_threads (1024), 0 uses every core; block_size: 1 … riskcast.max_block_size
        (4096); results depend on neither. progress: called with a riskcast.Progress at each scenario's
        start and end and about every 100 ms. stop: a riskcast.StopToken; its stop(), from any thread,
        ends the run with riskcast.Error kind 'cancelled'. The interpreter lock is released while
        sampling; Ctrl-C stops the run (KeyboardInterrupt). Warnings about the results (a share output
        that left [0, 1]) are in Result.warnings and issued as riskcast.ModelWarning.
        method: "mc" (Monte Carlo), "lhs" (Latin hypercube) or "qmc" (scrambled Sobol points);
        replicates: the independent designs of lhs or qmc (None: lhs 1, qmc 16), whose spread gives the
        intervals; samples must be a multiple (docs/results.md, "Sampling methods").
        precision: "OUTPUT:STAT:HALFWIDTH" or a list of them ("revenue:mean:1%", "share:p50:0.002"; mc
        only): sample in blocks of 10,000 until every such 95 % interval is that narrow, samples being the
        most; Result.precision says where the run stopped and whether it reached them.
        storage: "auto" (default) keeps the samples when they fit within memory_limit and otherwise samples
        twice instead, keeping only the values near the wanted percentiles; "memory" always keeps them
        (riskcast.Error kind 'resource' when they do not fit); "streamed" never does. Streamed results are
        bit-identical to kept ones at about twice the time; columns, lhs/qmc and precision need their samples
        (docs/scale.md). memory_limit: bytes the run may use (1e9, 2**30; None: the memory available, or no
        limit with check_memory=False). A streamed run reports each pass to progress as a "scenario"
        (Progress.pass_number 1, 2, …) of Progress.scenarios, the passes known so far.
        """
        if storage not in ("auto", "memory", "streamed"):
            raise ValueError(f"storage must be 'auto', 'memory' or 'streamed', not {storage!r}")
        if method not in ("mc", "lhs", "qmc"):
            raise ValueError(f"method must be 'mc', 'lhs' or 'qmc', not {method!r}")
        if progress is not None and not callable(progress):
            raise TypeError("progress must be callable")
        if stop is not None and not isinstance(stop, StopToken):
            raise TypeError(f"stop must be a riskcast.StopToken, not {type(stop).__name__}")
        result = self._model.run(
            samples=_count(samples, "samples", 1, max_samples),
            seed=_count(seed, "seed", 0),
            first_sample=_count(first_sample, "first_sample", 0, max_samples - 1),
            threads=_count(threads, "threads", 0, max_threads),
            block_size=_count(block_size, "block_size", 1, max_block_size),
            scenarios=_names(scenarios, "scenarios", empty_means_all=True),
            outputs=_names(outputs, "outputs", empty_means_all=True),
            columns=_names(columns, "columns"),
            percentiles=_percentiles(percentiles),
            exceedances=_exceedances(exceed),
            check_memory=bool(check_memory),
            progress=progress,
            stop=stop,
            method=method,
            replicates=0 if replicates is None else _count(replicates, "replicates", 1, 2**32 - 1),
            precision=[precision] if isinstance(precision, str) else list(precision or []),
            storage=storage,
            memory_limit=0 if memory_limit is None else _count(memory_limit, "memory_limit", 1),
        )
        _warn(result.warnings)
        return Result(result)


class Result:
    """A run's summaries and kept per-sample columns."""

    def __init__(self, result):
        self._result = result

    def __repr__(self):
        return f"<riskcast.Result {self.model}: {self.sample_count} samples, seed {self.seed}, scenarios {self.scenarios}>"

    model = property(lambda self: self._result.model)
    title = property(lambda self: self._result.title)
    sample_count = property(lambda self: self._result.sample_count, doc="samples per scenario")
    seed = property(lambda self: self._result.seed)
    first_sample = property(lambda self: self._result.first_sample)
    method = property(lambda self: self._result.method, doc='"mc", "lhs" or "qmc"')
    replicates = property(lambda self: self._result.replicates, doc="independent designs (1 for mc)")
    precision = property(
        lambda self: self._result.precision,
        doc="None, or with precision targets: {reached, samples, max_samples, block, targets: [{target, required, "
        "achieved, met}]}")
    engine_version = property(lambda self: self._result.engine_version)
    numerics_version = property(lambda self: self._result.numerics_version)
    scenarios = property(lambda self: self._result.scenarios)
    warnings = property(
        lambda self: self._result.warnings, doc="riskcast.Diagnostic list: the results' warnings (a share left [0, 1])"
    )

    def columns(self, scenario):
        """The names of the per-sample columns kept for `scenario`."""
        return self._result.columns(scenario)

    def samples(self, scenario, column):
        """The kept per-sample values of `column` (an output or a parameter named in run(columns=...)) in
        `scenario`: a read-only numpy array over the result's own memory (no copy), [i] being sample
        first_sample + i. The array keeps the result alive."""
        return self._result.samples(scenario, column)

    def table(self):
        """The percentile table: one row per scenario × value output × percentile, with the columns of
        `riskcast run --format json`'s percentiles (p, value, ci_low, ci_high); an open interval end
        is -inf / +inf (JSON null). A probability output (kind: probability, 0 or 1 in every sample)
        has no rows here: its P is in probabilities()."""
        import pandas as pd

        rows = []
        for s in self._result.summary_rows():
            if s["kind"] == "probability":
                continue
            for p, value, low, high in s["percentiles"]:
                rows.append((s["scenario"], s["output"], s["unit"], p, value, low, high))
        return pd.DataFrame(rows, columns=["scenario", "output", "unit", "p", "value", "ci_low", "ci_high"])

    def exceedances(self):
        """The exceedance probabilities run(exceed=...) asked for: one row per scenario × output × threshold,
        with the columns of `riskcast run --format json`'s exceedances (threshold, probability = P(X >
        threshold), ci_low, ci_high: the exact binomial 95 % interval)."""
        import pandas as pd

        rows = []
        for s in self._result.summary_rows():
            for threshold, probability, low, high in s["exceedances"]:
                rows.append((s["scenario"], s["output"], s["unit"], threshold, probability, low, high))
        return pd.DataFrame(
            rows, columns=["scenario", "output", "unit", "threshold", "probability", "ci_low", "ci_high"]
        )

    def probabilities(self):
        """The probability outputs (kind: probability): one row per scenario × output with P, the share of
        samples in which it is 1 (probability), its exact binomial 95 % interval (ci_low, ci_high), the count
        behind it (successes of n), and its difference from the run's first scenario, sample by sample
        (difference, difference_ci_low, difference_ci_high; NaN in the first scenario). The columns of
        exceedances() where both have them."""
        import pandas as pd

        rows = []
        for s in self._result.summary_rows():
            if s["probability"] is None:
                continue
            p, low, high, successes = s["probability"]
            d = s["difference"] if s["difference"] is not None else (_math.nan,) * 3
            rows.append((s["scenario"], s["output"], s["unit"], p, low, high, successes, s["n"], *d))
        return pd.DataFrame(
            rows,
            columns=["scenario", "output", "unit", "probability", "ci_low", "ci_high", "successes", "n",
                     "difference", "difference_ci_low", "difference_ci_high"],
        )

    def summary(self):
        """One row per scenario × output: the columns of `riskcast run --format csv` (scenario, output, mean,
        sd, P1 … P99; with a probability output, also probability, probability ci_low, probability ci_high,
        and that output's mean, sd and percentiles NaN), then unit, n, mean_se, mean_ci_low, mean_ci_high,
        min, max and kind ('value' or 'probability')."""
        import pandas as pd

        rows = []
        labels = None
        summaries = self._result.summary_rows()
        probabilities = any(s["probability"] is not None for s in summaries)
        for s in summaries:
            if labels is None:
                labels = [_percentile_label(p) for p, *_ in s["percentiles"]]
            shown = s["probability"] is None
            row = {"scenario": s["scenario"], "output": s["output"],
                   "mean": s["mean"] if shown else _math.nan, "sd": s["sd"] if shown else _math.nan}
            row.update({label: q[1] if shown else _math.nan for label, q in zip(labels, s["percentiles"])})
            if probabilities:
                estimate = s["probability"] or (_math.nan,) * 3
                row.update(zip(("probability", "probability ci_low", "probability ci_high"), estimate[:3]))
            for key in ("unit", "n", "mean_se", "mean_ci_low", "mean_ci_high", "min", "max", "kind"):
                row[key] = s[key]
            rows.append(row)
        return pd.DataFrame(rows)

    def format(self, format="table"):
        """The text `riskcast run --format FORMAT` prints: table, csv, json or markdown."""
        return self._result.format(format)


def _percentile_label(p):
    """P1 … P99, P97.5: the CLI's column names (percentile_label: 100·p to 10 significant digits)."""
    return f"P{p * 100:.10g}"

