"""Shared fixtures: the repository root, the riskcast command, the flagship model."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def riskcast_bin():
    """The command built beside the package (ctest sets RISKCAST_BIN)."""
    path = pathlib.Path(os.environ.get("RISKCAST_BIN", ROOT / "build" / "bin" / "riskcast"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: build riskcast first (make build)")
    return path


@pytest.fixture(scope="session")
def flagship():
    import riskcast

    return riskcast.load(ROOT / "configs" / "china-2026.yaml")
