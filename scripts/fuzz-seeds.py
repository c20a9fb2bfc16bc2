#!/usr/bin/env python3
"""Seed corpora and dictionaries for the fuzz harnesses, from the project's own texts.

usage: scripts/fuzz-seeds.py OUT_DIR

Writes OUT_DIR/fuzz_model/, OUT_DIR/fuzz_formula/, OUT_DIR/fuzz_batch/, OUT_DIR/fuzz_generated/ (one file per distinct
text, named by its hash) and OUT_DIR/NAME.dict (libFuzzer dictionaries: the keys, function names
and operators the seeds use). Sources, so that mutation starts from valid inputs:
  * models: configs/**/*.yaml, bench/models/*.yaml, every YAML block of docs/*.md, and every
    raw string literal R"(...)" and multi-line string literal "…\n" in tests/**/*.cpp (each a
    whole model or a fragment; a fragment is also given an output, to make it a whole model);
  * batch files: those of the above with a top-level `runs:` or `defaults:`;
  * formulas: the string literals of tests/expr/*.cpp and the values in the model seeds.
  * generator choices (fuzz_generated): for seeds 0 … 63, the first 512 words of the SplitMix64
    stream SeededChoices(seed) draws, little-endian, as ByteChoices reads them, so each seed input is
    the model of `riskcast_difftest --seed N` (as far as 512 choices reach).
Reads only files in the repository; run it from the repository root.
"""
import collections
import hashlib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

RAW_STRING = re.compile(r'R"([^()\s\\]{0,16})\((.*?)\)\1"', re.S)
PLAIN_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# Adjacent literals, which C++ joins: "a: 1\n" "b: 2\n".
JOINED_STRINGS = re.compile(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+')
YAML_BLOCK = re.compile(r"^```ya?ml\n(.*?)^```", re.S | re.M)
BATCH_KEY = re.compile(r"^(runs|defaults):", re.M)
# `key: value` on one line; the value is a formula candidate.
KEY_VALUE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_]\w*:\s+(.+?)\s*$", re.M)
QUOTED = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'")


def unescape_c(text):
    """The bytes a C++ string literal's body stands for (the escapes the tests use)."""
    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "'": "'", "\\": "\\"}
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "x":
                m = re.match(r"[0-9a-fA-F]+", text[i + 2:])
                if m:
                    out.append(chr(int(m.group(0), 16)))
                    i += 2 + len(m.group(0))
                    continue
            out.append(simple.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def source_files(pattern):
    return sorted(p for p in ROOT.glob(pattern) if p.is_file())


def collect():
    models, batches, formulas = [], [], []

    def add_yaml(text):
        if BATCH_KEY.search(text):
            batches.append(text)
            return
        models.append(text)
        # A fragment (events, parameters) becomes a whole model with an output, so that its
        # mutations can load and reach the sampler.
        if not re.search(r"^outputs:", text, re.M) and re.search(r"^(parameters|events|monthly):", text, re.M):
            models.append(text.rstrip("\n") + "\noutputs:\n  fuzz_output: 1\n")

    for pattern in ("configs/**/*.yaml", "bench/models/*.yaml"):
        for path in source_files(pattern):
            add_yaml(path.read_text(encoding="utf-8"))
    for path in source_files("docs/*.md"):
        for block in YAML_BLOCK.findall(path.read_text(encoding="utf-8")):
            add_yaml(block)
    for path in source_files("tests/**/*.cpp"):
        source = path.read_text(encoding="utf-8")
        for _, body in RAW_STRING.findall(source):
            if ":" in body:
                add_yaml(body)
        # One-line models and batch files: "outputs:\n  o: 1\n".
        for joined in JOINED_STRINGS.findall(RAW_STRING.sub("", source)):
            text = "".join(unescape_c(s) for s in PLAIN_STRING.findall(joined))
            if re.search(r"^\w+:", text, re.M) and "\n" in text:
                add_yaml(text)
        if path.parent.name == "expr":
            formulas += [unescape_c(s) for s in PLAIN_STRING.findall(source) if s]

    for text in models:
        for value in KEY_VALUE.findall(text):
            value = value.split(" #")[0].strip()
            quoted = QUOTED.fullmatch(value)
            formulas.append(next(g for g in quoted.groups() if g is not None) if quoted else value)
            formulas += [a or b for a, b in QUOTED.findall(value)]
    return {"fuzz_model": models, "fuzz_batch": batches, "fuzz_formula": formulas}


MASK64 = (1 << 64) - 1


def seeded_choices(seed, words=512):
    """The bytes of SeededChoices(seed) (tests/support/model_generator.cpp): SplitMix64, little-endian."""
    state, out = seed, bytearray()
    for _ in range(words):
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        out += (z ^ (z >> 31)).to_bytes(8, "little")
    return bytes(out)


def dictionary(texts, limit=300):
    """Keys (`name:`), calls (`name(`) and operators the texts use, most frequent first."""
    counts = collections.Counter()
    for text in texts:
        counts.update(m.group(0) for m in re.finditer(r"\b[A-Za-z_]\w{0,30}(?=[(:])[(:]", text))
        counts.update(re.findall(r"==|!=|<=|>=|\band\b|\bor\b|\bnot\b|\?|\^|\bprev\b|\bmonth\b|\btrue\b|\bfalse\b",
                                 text))
    entries = []
    for token, _ in counts.most_common(limit):
        escaped = "".join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else "\\x%02x" % ord(c) for c in token)
        entries.append('"%s"\n' % escaped)
    return "".join(entries)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    for harness, texts in collect().items():
        folder = out / harness
        folder.mkdir(parents=True, exist_ok=True)
        distinct = {t.encode("utf-8", "surrogateescape") for t in texts if t.strip()}
        for data in distinct:
            (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
        (out / (harness + ".dict")).write_text(dictionary(texts), encoding="ascii")
        print("%s: %d seeds in %s" % (harness, len(distinct), folder))
    folder = out / "fuzz_generated"
    folder.mkdir(parents=True, exist_ok=True)
    for seed in range(64):
        (folder / ("seed-%d" % seed)).write_bytes(seeded_choices(seed))
    print("fuzz_generated: 64 seeds in %s" % folder)


if __name__ == "__main__":
    main()
