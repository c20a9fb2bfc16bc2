"""The examples of docs/python.md run as written (with fewer samples)."""

import re

import pytest


def examples(root):
    text = (root / "docs" / "python.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_every_example_runs(root, tmp_path, monkeypatch):
    blocks = examples(root)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)
    for i, code in enumerate(blocks):
        if "matplotlib" in code:
            pytest.importorskip("matplotlib")  # python3-matplotlib: the plotting example only
        code = re.sub(r"samples=[0-9_e.]+", "samples=2000", code)
        code = code.replace('"configs/', f'"{root}/configs/')
        exec(compile(code, f"docs/python.md example {i + 1}", "exec"), {})
    assert (tmp_path / "flagship.png").stat().st_size > 0
