#!/usr/bin/python3
"""The JSON Schemas of docs/schema/ against the files riskcast ships and against riskcast itself.

* every shipped model (configs/**/*.yaml outside configs/batches/, bench/models/*.yaml) and every
  whole model among the YAML blocks of README.md and docs/*.md passes the model schema and
  `riskcast check` (the docs' data files, `file: data/…`, are those of docs/examples/); the other blocks of docs pass the model schema with nothing required (they are
  fragments), the batch blocks the batch schema;
* every shipped batch file (configs/batches/*.yaml) passes the batch schema and `riskcast batch
  --dry-run`;
* each malformed model or batch file below is refused by the schema and by riskcast alike;
* the keys each mapping accepts are the same in the schema and in the loaders: every key the docs
  name (and a few misspellings) is offered in each kind of mapping, and the keys riskcast reports
  as unknown must be exactly those the schema flags;
* the distribution names and math functions the schema lists are the engine's, and each of its
  reserved words is refused as a name by `check`;
* the checks above can fail: run with an empty schema, the malformed files must go unnoticed.

YAML is read as YAML 1.2 (core schema), as yaml-cpp and editors' YAML language servers read it:
`on`, `off`, `yes` and `no` are text, not booleans.

Usage: check_schema.py --riskcast build/bin/riskcast --source-dir .
"""

import argparse
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1 (`on` is true, `1_000` is 1000, dates are dates); this reads YAML 1.2's
    core schema: null, true/false, decimal/octal/hex integers, floats and .inf/.nan, all else text."""


Yaml12Loader.yaml_implicit_resolvers = {}
_CORE_SCALARS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]
for _tag, _pattern, _first in _CORE_SCALARS:
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _construct_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _construct_mapping(loader, node):
    # JSON keys are text: a key is its text as written (`1`, `true`), as the loaders read it.
    loader.flatten_mapping(node)
    mapping = {}
    for key, value in node.value:
        text = key.value if isinstance(key, yaml.ScalarNode) else str(loader.construct_object(key, deep=True))
        mapping[text] = loader.construct_object(value, deep=True)
    return mapping


Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_yaml(text):
    return yaml.load(text, Loader=Yaml12Loader)


class Checker:
    def __init__(self, riskcast, source_dir, model_schema, batch_schema):
        self.riskcast = riskcast
        self.source_dir = source_dir
        self.model_schema = model_schema
        self.batch_schema = batch_schema
        self.failures = []
        self.checked = 0
        self.tmp = tempfile.mkdtemp(prefix="riskcast-schema-")
        # The docs' models read their data files (`file: data/…`) from docs/examples/, as if beside them.
        shutil.copytree(os.path.join(source_dir, "docs", "examples"), self.tmp, dirs_exist_ok=True)

    def fail(self, message):
        self.failures.append(message)

    def expect(self, condition, message):
        self.checked += 1
        if not condition:
            self.fail(message)

    @staticmethod
    def schema_errors(schema, instance):
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in jsonschema.Draft7Validator(schema).iter_errors(instance)
        ]

    def riskcast_run(self, *args):
        return subprocess.run(
            [self.riskcast, *args], capture_output=True, text=True, cwd=self.source_dir, timeout=120, check=False
        )

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    # --- shipped files -------------------------------------------------------------------------

    def valid_model(self, label, text, path=None):
        errors = self.schema_errors(self.model_schema, read_yaml(text))
        self.expect(not errors, f"{label}: the model schema refuses a valid model: {errors[:5]}")
        result = self.riskcast_run("check", path or self.write("model.yaml", text))
        self.expect(result.returncode == 0, f"{label}: riskcast check refuses it: {result.stderr.strip()}")

    def valid_batch(self, label, text, path):
        errors = self.schema_errors(self.batch_schema, read_yaml(text))
        self.expect(not errors, f"{label}: the batch schema refuses a valid batch file: {errors[:5]}")
        if path:
            result = self.riskcast_run("batch", path, "--dry-run")
            self.expect(
                result.returncode == 0, f"{label}: riskcast batch --dry-run refuses it: {result.stderr.strip()}"
            )

    def shipped_files(self):
        root = self.source_dir
        batches = sorted(glob.glob(os.path.join(root, "configs", "batches", "*.yaml")))
        models = sorted(
            p for p in glob.glob(os.path.join(root, "configs", "**", "*.yaml"), recursive=True) if p not in batches
        )
        models += sorted(glob.glob(os.path.join(root, "bench", "models", "*.yaml")))
        self.expect(len(models) >= 2 and batches, f"shipped models or batches not found under {root}")
        for path in models:
            with open(path, encoding="utf-8") as f:
                self.valid_model(os.path.relpath(path, root), f.read(), path)
        for path in batches:
            with open(path, encoding="utf-8") as f:
                self.valid_batch(os.path.relpath(path, root), f.read(), path)
        return len(models), len(batches)

    def doc_blocks(self):
        """The ```yaml blocks of the docs. A whole model has `outputs:` and something for them to read;
        the rest are fragments, valid as far as they go."""
        fragment_schema = copy.deepcopy(self.model_schema)
        fragment_schema["required"] = []
        counts = {"models": 0, "fragments": 0, "batches": 0}
        docs = [os.path.join(self.source_dir, "README.md")]
        docs += sorted(glob.glob(os.path.join(self.source_dir, "docs", "*.md")))
        for doc in docs:
            with open(doc, encoding="utf-8") as f:
                text = f.read()
            for m in re.finditer(r"^```yaml\n(.*?)^```", text, flags=re.M | re.S):
                label = f"{os.path.relpath(doc, self.source_dir)}:{text[: m.start()].count(chr(10)) + 2}"
                block = m.group(1)
                data = read_yaml(block)
                if not isinstance(data, dict) or "jobs" in data:  # a CI workflow, not riskcast's
                    continue
                if "runs" in data or "sweeps" in data:
                    counts["batches"] += 1
                    self.valid_batch(label, block, None)
                elif "outputs" in data and data.keys() & {"parameters", "events", "monthly"}:
                    counts["models"] += 1
                    self.valid_model(label, block)
                else:
                    counts["fragments"] += 1
                    errors = self.schema_errors(fragment_schema, data)
                    self.expect(not errors, f"{label}: the model schema refuses this fragment: {errors[:5]}")
        self.expect(counts["models"] >= 3, f"expected whole models among the docs' YAML blocks, found {counts}")
        return counts

    # --- malformed files -----------------------------------------------------------------------

    def malformed(self, label, kind, text, expected_message):
        """A file both the schema and riskcast must refuse; riskcast's message must contain
        `expected_message`, so the file is refused for the reason the case is about."""
        schema = self.model_schema if kind == "model" else self.batch_schema
        errors = self.schema_errors(schema, read_yaml(text))
        self.expect(errors, f"malformed {kind} `{label}`: the schema accepts it")
        if kind == "model":
            result = self.riskcast_run("check", self.write("bad.yaml", text))
        else:
            self.write("base.yaml", BASE_MODEL)
            result = self.riskcast_run("batch", self.write("bad-batch.yaml", text), "--dry-run")
        self.expect(
            result.returncode == 2 and expected_message in result.stderr,
            f"malformed {kind} `{label}`: riskcast exits {result.returncode} without `{expected_message}`: "
            f"{result.stderr.strip()}",
        )
        return bool(errors)

    def malformed_files(self):
        self.valid_model("the base of the malformed models", BASE_MODEL)
        self.write("base.yaml", BASE_MODEL)
        self.valid_batch("the base of the malformed batch files", BASE_BATCH, self.write("base-batch.yaml", BASE_BATCH))
        for label, old, new, message in MALFORMED_MODELS:
            self.expect(old in BASE_MODEL, f"malformed model `{label}`: `{old}` is not in the base model")
            self.malformed(label, "model", BASE_MODEL.replace(old, new, 1), message)
        for label, old, new, message in MALFORMED_BATCHES:
            self.expect(old in BASE_BATCH, f"malformed batch `{label}`: `{old}` is not in the base batch")
            self.malformed(label, "batch", BASE_BATCH.replace(old, new, 1), message)
        return len(MALFORMED_MODELS), len(MALFORMED_BATCHES)

    # --- the keys of every mapping --------------------------------------------------------------

    @staticmethod
    def schema_flagged_keys(schema, instance, path):
        """Keys of the mapping at `path` that the schema refuses as keys (not for their values)."""
        flagged = set()

        def visit(error):
            for e in [error, *error.context]:
                if list(e.absolute_path)[: len(path)] != path:
                    continue
                rest = list(e.absolute_path)[len(path) :]
                if e.validator == "additionalProperties" and not rest:
                    flagged.update(set(e.instance) - set(e.schema.get("properties", {})))
                if e is not error:
                    visit(e)

        for error in jsonschema.Draft7Validator(schema).iter_errors(instance):
            visit(error)
        return flagged

    def riskcast_unknown_keys(self, command, text):
        path = self.write("keys.yaml", text)
        args = ["check", path] if command == "check" else ["batch", path, "--dry-run"]
        stderr = self.riskcast_run(*args).stderr
        # `defaults:` knows `name` and `model` but refuses them: a run gives its own.
        unknown = set(re.findall(r"error: unknown key `([^`]+)`", stderr))
        return unknown | set(re.findall(r"error: `([^`]+)` has no default", stderr))

    def key_parity(self):
        candidates = set(schema_property_names(self.model_schema) | schema_property_names(self.batch_schema))
        for doc in ("docs/language.md", "docs/batch.md"):
            with open(os.path.join(self.source_dir, doc), encoding="utf-8") as f:
                candidates |= set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*):?`", f.read()))
        candidates |= {"Horizon", "dsit", "kinds", "rates", "value", "type", "default"}
        for label, command, path, template in KEY_CONTEXTS:
            present = read_yaml(offer(template, []))
            for step in path:
                present = present[step]
            keys = sorted(candidates - set(present))
            text = offer(template, keys)
            schema = self.model_schema if command == "check" else self.batch_schema
            by_schema = self.schema_flagged_keys(schema, read_yaml(text), path) & set(keys)
            by_riskcast = self.riskcast_unknown_keys(command, text) & set(keys)
            self.expect(
                by_schema == by_riskcast,
                f"keys of {label}: refused by riskcast only: {sorted(by_riskcast - by_schema)}; "
                f"by the schema only: {sorted(by_schema - by_riskcast)}",
            )
        # An event override may hold the keys of any kind: the schema cannot see the event's kind,
        # so it accepts the union of what the loader accepts for the four kinds.
        keys = sorted(candidates)
        refused = set(keys)
        for kind in ("regime", "switch", "arrivals", "innovation"):
            refused &= self.riskcast_unknown_keys("check", offer(OVERRIDE_TEMPLATE.replace("@EVENT@", kind), keys))
        text = offer(OVERRIDE_TEMPLATE.replace("@EVENT@", "switch"), keys)
        path = ["scenarios", "s", "events", "switch"]
        by_schema = self.schema_flagged_keys(self.model_schema, read_yaml(text), path) & set(keys)
        self.expect(
            by_schema == refused,
            f"keys of an event override: refused by riskcast for every kind only: {sorted(refused - by_schema)}; "
            f"by the schema only: {sorted(by_schema - refused)}",
        )
        return len(KEY_CONTEXTS) + 1, len(candidates)

    # --- names the schema lists ------------------------------------------------------------------

    def vocabulary(self):
        distribution = self.model_schema["definitions"]["distribution"]
        pattern = distribution["anyOf"][2]["pattern"]
        called = set(re.search(r"\(\?:([a-z_0-9|]+)\)\\s\*\\\(", pattern).group(1).split("|"))
        # The engine names every distribution in the hint of an unknown one.
        unknown = "parameters:\n  p: qqqqqqqqqq(1)\noutputs:\n  o: p\n"
        result = self.riskcast_run("check", self.write("dist.yaml", unknown))
        known = re.search(r"known: ([a-z_0-9, ]+)\)", result.stderr)
        self.expect(known is not None, f"no list of distributions in `{result.stderr.strip()}`")
        distributions = set(known.group(1).split(", ")) if known else set()
        examples = {re.match(r"[a-z_0-9]+", e).group(0) for e in distribution["examples"]}
        self.expect(
            examples == distributions,
            f"the schema's distribution examples {sorted(examples)} are not the engine's {sorted(distributions)}",
        )
        # Math functions: the table of operations (RISKCAST_OPERATIONS), wherever it lives.
        functions = set()
        for header in glob.glob(os.path.join(self.source_dir, "**", "builtins.hpp"), recursive=True):
            with open(header, encoding="utf-8") as f:
                text = f.read()
            if "#define RISKCAST_OPERATIONS(X)" in text:
                functions |= set(re.findall(r'X\(\w+, "[^"]*", "[^"]*", "([a-z_]+)"', text))
        self.expect(len(functions) >= 5, "the table of operations (RISKCAST_OPERATIONS in builtins.hpp) was not found")
        self.expect(
            called == distributions | functions,
            f"the schema's distribution pattern calls {sorted(called)}, the engine has distributions "
            f"{sorted(distributions)} and functions {sorted(functions)}",
        )
        reserved = set(self.model_schema["definitions"]["name"]["not"]["enum"])
        self.expect(functions <= reserved, f"functions not among the schema's reserved words: {functions - reserved}")
        for word in sorted(reserved):
            model = f"parameters:\n  {word}: 1\noutputs:\n  o: 1\n"
            result = self.riskcast_run("check", self.write("reserved.yaml", model))
            self.expect(
                result.returncode == 2 and "is a reserved word" in result.stderr,
                f"the schema reserves `{word}` but riskcast check accepts it as a name: {result.stderr.strip()}",
            )
        # Every word that names something in formulas but is no function is reserved too.
        for word in ("month", "prev", "sum", "mean", "last", "true", "false", "and", "or", "not"):
            self.expect(word in reserved, f"`{word}` is missing from the schema's reserved words")
        # The pattern is right for the forms a distribution may take.
        for text, valid in DISTRIBUTION_TEXTS:
            verdict = "refuses" if valid else "accepts"
            accepted = not self.schema_errors(self.model_schema, {"parameters": {"p": text}, "outputs": {"o": "p"}})
            self.expect(accepted == valid, f"distribution `{text}`: the schema {verdict} it")
            model = f"parameters:\n  p: {json.dumps(text)}\noutputs:\n  o: p\n"
            result = self.riskcast_run("check", self.write("d.yaml", model))
            self.expect((result.returncode == 0) == valid, f"distribution `{text}`: riskcast check {verdict} it")
        return len(distributions), len(functions), len(reserved)


def undescribed_properties(schema, root, where=""):
    """Properties with no description, neither their own nor that of the definition they refer to
    (editors show it on hover and in completion)."""
    missing = []
    if isinstance(schema, dict):
        for key, value in schema.get("properties", {}).items():
            target = value
            while "description" not in target and ("$ref" in target or "allOf" in target):
                ref = target.get("$ref") or target["allOf"][0].get("$ref", "")
                target = root["definitions"][ref.rsplit("/", 1)[-1]] if ref else {}
            if "description" not in target:
                missing.append(f"{where}/{key}")
        for key, value in schema.items():
            if isinstance(value, (dict, list)) and key != "if":  # a condition's keys are not shown
                missing += undescribed_properties(value, root, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            missing += undescribed_properties(value, root, f"{where}/{i}")
    return missing


def schema_property_names(schema):
    names = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                names |= set(value)
            names |= schema_property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            names |= schema_property_names(value)
    return names


BASE_MODEL = """\
model: base
horizon: 12
parameters:
  demand: pert(8, 9, 15)
  price:
    dist: uniform(9, 11)
    unit: USD
events:
  tariff:
    kind: regime
    states: [low, high]
    initial: {low: 0.8, high: 0.2}
    transitions: {low: {high: 0.05}, high: {low: 0.10}}
  strike: {kind: switch, initial: 0, on: 0.02, off: 0.5}
  orders: {kind: arrivals, rate: 2, size: "lognormal_ci90(10, 100)"}
  noise: {kind: innovation, dist: "normal(0, tariff == high ? 0.2 : 0.1)"}
monthly:
  sold: "strike ? 0.2 * demand : demand"
  revenue: "sold * (tariff == high ? 0.9 * price : price) + orders + noise"
outputs:
  annual_revenue:
    formula: sum(revenue)
    unit: USD
scenarios:
  no_strikes: {events: {strike: {fix: off}}}
  high_tariff:
    description: high tariffs from the start
    events:
      tariff: {fix: high}
"""

OUTPUTS = "outputs:\n  annual_revenue:\n    formula: sum(revenue)\n    unit: USD\n"

# (what is wrong, text in BASE_MODEL, its replacement, what riskcast check says)
MALFORMED_MODELS = [
    ("unknown top-level key", "horizon: 12\n", "Horizon: 12\n", "unknown key `Horizon` in model"),
    ("an event kind that does not exist", "kind: regime", "kind: markov", "unknown event kind `markov`"),
    ("no outputs", OUTPUTS, "", "no `outputs:` section"),
    ("empty outputs", OUTPUTS, "outputs:\n", "`outputs:` is empty"),
    ("a switch without `on`", "initial: 0, on: 0.02, off: 0.5", "initial: 0, off: 0.5", "needs `on:`"),
    ("a regime without states", "    states: [low, high]\n", "", "needs `states:`"),
    ("an event without kind", "{kind: arrivals, rate: 2,", "{rate: 2,", "needs `kind:`"),
    ("a parameter mapping without dist", "    dist: uniform(9, 11)\n", "", "needs `dist:`"),
    ("a formula mapping without formula", "    formula: sum(revenue)\n", "", "needs `formula:`"),
    ("horizon of the wrong type", "horizon: 12", "horizon: [12]", "horizon (months) must be a formula, not a list"),
    ("horizon not whole", "horizon: 12", "horizon: 12.5", "is not a whole number"),
    ("horizon too long", "horizon: 12", "horizon: 1201", "from 1 to 1200"),
    ("states not a list", "states: [low, high]", "states: low", "must be a list of at least two state names"),
    ("one state", "states: [low, high]", "states: [low]", "must be a list of at least two state names"),
    ("a state twice", "states: [low, high]", "states: [low, high, low]", "duplicate state `low`"),
    ("a hazard above 1", "on: 0.02", "on: 1.5", "must be a probability in [0, 1]"),
    ("a negative initial probability", "initial: 0,", "initial: -0.1,", "must be a probability in [0, 1]"),
    ("an arrival rate above 7500", "rate: 2,", "rate: 8000,", "at most 7500"),
    ("a key of another kind", "off: 0.5}", "off: 0.5, rate: 1}", "unknown key `rate` in event `strike`"),
    ("an innovation without dist", 'innovation, dist: "normal(0, tariff == high ? 0.2 : 0.1)"}', "innovation}",
     "needs `dist:`"),
    ("a size on an innovation", '0.1)"}\nmonthly', '0.1)", size: 1}\nmonthly', "unknown key `size` in event `noise`"),
    ("dist on arrivals", "size: \"lognormal_ci90(10, 100)\"}", "dist: 1}", "unknown key `dist` in event `orders`"),
    (
        "a size written as a mapping",
        'size: "lognormal_ci90(10, 100)"',
        'size: {dist: "lognormal_ci90(10, 100)"}',
        "must be a number or a distribution",
    ),
    ("an unknown distribution", "pert(8, 9, 15)", "pret(8, 9, 15)", "unknown distribution `pret`"),
    ("a capitalised distribution", "pert(8, 9, 15)", "Pert(8, 9, 15)", "unknown distribution `Pert`"),
    ("a parameter given as a list", "demand: pert(8, 9, 15)", "demand: [8, 15]", "must be a number or a distribution"),
    ("a reserved word as a name", "  sold:", "  sum:", "is a reserved word"),
    ("a name starting with a digit", "  demand:", "  2demand:", "is not a valid name"),
    ("a model name with a space", "model: base", "model: my model", "may not contain spaces or slashes"),
    ("an unknown parameter key", "    unit: USD\n", "    units: USD\n", "unknown key `units` in parameter `price`"),
    ("an unknown scenario key", "    description:", "    title:", "unknown key `title` in scenario"),
    ("fix and on_from together", "{fix: off}", "{fix: off, on_from: 3}", "give either `fix:` or `on_from:`"),
    ("keys of two kinds in an override", "{fix: off}", "{on: 0.1, rate: 1}", "unknown key `rate`"),
    ("a unit on an event override", "{strike: {fix: off}}", "{strike: {fix: off, unit: x}}", "unknown key `unit`"),
    ("an event override that is not a mapping", "{strike: {fix: off}}", "{strike: off}", "must be a mapping"),
    ("a transition row that is not a mapping", "high: {low: 0.10}}", "high: 0.10}", "must be a mapping of keys"),
    ("a misspelt section", "outputs:\n  annual", "output:\n  annual", "unknown key `output` in model"),
    (
        "an output kind that does not exist",
        "    formula: sum(revenue)\n",
        "    formula: sum(revenue)\n    kind: chance\n",
        "unknown kind `chance` of output `annual_revenue`",
    ),
]

BASE_BATCH = """\
batch: malformed batch files start from this one
defaults:
  seed: 1
  formats: [json]
runs:
  - name: small
    model: base.yaml
    samples: 1_000
  - name: large.v2
    model: base.yaml
    scenarios: [base, no_strikes]
    samples: 2e3
    formats: [json, csv, md]
"""

MALFORMED_BATCHES = [
    ("unknown top-level key", "batch:", "title:", "unknown key `title` in the batch file"),
    ("no runs", BASE_BATCH[BASE_BATCH.index("runs:") :], "", "has no `runs:` list"),
    ("a run without model", "    model: base.yaml\n    samples: 1_000\n", "    samples: 1_000\n", "needs a `model:`"),
    ("a run without name", "  - name: small\n    model: base.yaml\n", "  - model: base.yaml\n", "needs a `name:`"),
    ("an unknown run key", "    samples: 1_000\n", "    sample: 1_000\n", "unknown key `sample` in a run"),
    ("an unknown format", "formats: [json, csv, md]", "formats: [json, xlsx]", "unknown format `xlsx`"),
    ("a format twice", "formats: [json, csv, md]", "formats: [json, json]", "listed twice"),
    ("zero samples", "samples: 1_000", "samples: 0", "`samples` must be a whole number from 1"),
    ("samples not a number", "samples: 1_000", "samples: many", "`samples` must be a whole number"),
    ("a negative seed", "seed: 1", "seed: -1", "is negative"),
    ("a run called summary", "name: small", "name: Summary", "cannot be called `summary`"),
    ("a run name with a slash", "name: small", "name: a/b", "must be letters, digits"),
    ("a name in defaults", "defaults:\n", "defaults:\n  name: x\n", "has no default"),
    ("an empty scenario list", "scenarios: [base, no_strikes]", "scenarios: []", "`scenarios` is empty"),
    ("runs not a list", "runs:\n  - name: small", "runs:\n  x:\n  - name: small", "must be a list of runs"),
    (
        "a percentile of 100",
        "formats: [json, csv, md]",
        "formats: [json, csv, md]\n    percentiles: [80, 100]",
        "strictly between 0 and 100",
    ),
    ("percentiles a mapping", "formats: [json]", "formats: [json]\n  percentiles: {p: 97.5}", "must be a list"),
    (
        "exceed not a mapping",
        "formats: [json, csv, md]",
        "formats: [json, csv, md]\n    exceed: 0.3",
        "must be a mapping of outputs to thresholds",
    ),
    (
        "an exceed threshold that is no number",
        "formats: [json, csv, md]",
        "formats: [json, csv, md]\n    exceed: {strikes: [lots]}",
        "is not a number",
    ),
]

# Mappings whose keys are compared: (what, the command that reads the file, where the mapping is,
# a file with the line `@KEYS@` in the mapping, indented as its keys).
KEY_CONTEXTS = [
    ("the model", "check", [], "outputs:\n  o: 1\n@KEYS@\n"),
    ("a parameter", "check", ["parameters", "p"], "parameters:\n  p:\n    dist: 1\n    @KEYS@\noutputs:\n  o: p\n"),
    ("a monthly formula", "check", ["monthly", "m"], "monthly:\n  m:\n    formula: 1\n    @KEYS@\noutputs:\n  o: 1\n"),
    ("an output", "check", ["outputs", "o"], "outputs:\n  o:\n    formula: 1\n    @KEYS@\n"),
    (
        "a regime",
        "check",
        ["events", "r"],
        "events:\n  r:\n    kind: regime\n    states: [a, b]\n    initial: {a: 1}\n    @KEYS@\n"
        "outputs:\n  o: sum(r == a)\n",
    ),
    ("a switch", "check", ["events", "s"], "events:\n  s:\n    kind: switch\n    on: 0\n    @KEYS@\noutputs: {o: 1}\n"),
    (
        "arrivals",
        "check",
        ["events", "a"],
        "events:\n  a:\n    kind: arrivals\n    rate: 1\n    size: 1\n    @KEYS@\noutputs:\n  o: sum(a)\n",
    ),
    (
        "an innovation",
        "check",
        ["events", "i"],
        "events:\n  i:\n    kind: innovation\n    dist: normal(0, 1)\n    @KEYS@\noutputs:\n  o: sum(i)\n",
    ),
    (
        "a data table",
        "check",
        ["data", "d"],
        "data:\n  d:\n    file: d.csv\n    by: month\n    @KEYS@\noutputs:\n  o: sum(d)\n",
    ),
    ("a scenario", "check", ["scenarios", "s"], "outputs:\n  o: 1\nscenarios:\n  s:\n    description: x\n    @KEYS@\n"),
    (
        "a parameter override",
        "check",
        ["scenarios", "s", "parameters", "p"],
        "parameters:\n  p: 1\noutputs:\n  o: p\nscenarios:\n  s:\n    parameters:\n      p:\n        dist: 2\n"
        "        @KEYS@\n",
    ),
    ("the batch file", "batch", [], "runs:\n  - {name: r, model: m.yaml}\n@KEYS@\n"),
    ("a run", "batch", ["runs", 0], "runs:\n  - name: r\n    model: m.yaml\n    @KEYS@\n"),
    ("defaults", "batch", ["defaults"], "defaults:\n  seed: 1\n  @KEYS@\nruns:\n  - {name: r, model: m.yaml}\n"),
    ("a sweep", "batch", ["sweeps", 0], "sweeps:\n  - name: s\n    model: m.yaml\n    levers: {a: [1]}\n    @KEYS@\n"),
]

OVERRIDE_TEMPLATE = """\
events:
  regime: {kind: regime, states: [a, b], initial: {a: 1}}
  switch: {kind: switch, on: 0.1}
  arrivals: {kind: arrivals, rate: 1, size: 1}
  innovation: {kind: innovation, dist: "normal(0, 1)"}
outputs:
  o: sum(switch + arrivals + innovation + (regime == a))
scenarios:
  s:
    events:
      @EVENT@:
        @KEYS@
"""


def offer(template, keys):
    """The template with each key (valued 1) on a line of its own where `@KEYS@` is."""
    return re.sub(r"^( *)@KEYS@\n", lambda m: "".join(f"{m.group(1)}{k}: 1\n" for k in keys), template, flags=re.M)


# (a distribution's text, whether it is valid): the schema's pattern against riskcast check.
DISTRIBUTION_TEXTS = [
    ("uniform(0, 1)", True),
    ("  normal (0, 1)", True),
    ("truncated_normal(0, 1, -1, 2)", True),
    ("discrete([1, 2], [1, 3])", True),
    ("constant(5)", True),
    ("exp(1) * 2", True),
    ("not 0", True),
    ("true", True),
    ("-5", True),
    ("(1 + 2) / 3", True),
    ("pret(1, 2, 3)", False),
    ("Normal(0, 1)", False),
    ("uniformly(0, 1)", False),
    ("q * 2", False),
    ("normal", False),
    ("", False),
    ("   ", False),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--riskcast", required=True, help="the riskcast binary")
    parser.add_argument("--source-dir", required=True, help="the repository root")
    args = parser.parse_args()
    source_dir = os.path.abspath(args.source_dir)
    riskcast = os.path.abspath(args.riskcast)
    schemas = []
    for name in ("model", "batch"):
        with open(os.path.join(source_dir, "docs", "schema", f"{name}.schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
        schemas.append(schema)

    checker = Checker(riskcast, source_dir, *schemas)
    for name, schema in zip(("model", "batch"), schemas):
        missing = undescribed_properties(schema, schema)
        checker.expect(not missing, f"{name}.schema.json: keys without a description: {missing}")
    models, batches = checker.shipped_files()
    blocks = checker.doc_blocks()
    bad_models, bad_batches = checker.malformed_files()
    contexts, candidates = checker.key_parity()
    distributions, functions, reserved = checker.vocabulary()

    # The checks can fail: with a schema that accepts everything, no malformed file is caught.
    permissive = Checker(riskcast, source_dir, {}, {})
    caught = [permissive.malformed(label, "model", BASE_MODEL.replace(old, new, 1), message)
              for label, old, new, message in MALFORMED_MODELS]
    checker.expect(
        not any(caught) and len(permissive.failures) == len(MALFORMED_MODELS),
        "an empty schema catches malformed models: the test cannot fail",
    )

    print(
        f"{models} shipped models, {batches} batch files, doc blocks {blocks}, {bad_models} malformed models, "
        f"{bad_batches} malformed batch files, keys of {contexts} kinds of mapping ({candidates} candidate keys), "
        f"{distributions} distributions, {functions} functions, {reserved} reserved words: {checker.checked} checks"
    )
    shutil.rmtree(checker.tmp)
    shutil.rmtree(permissive.tmp)
    for failure in checker.failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if checker.failures:
        print(f"{len(checker.failures)} of {checker.checked} checks failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
