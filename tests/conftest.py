"""Shared paths and helpers for the tests of the model core."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import ProxyWarModel, load_scenario

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = FIXTURES / "tiny.toml"
LIBYA = ROOT / "scenarios" / "libya_2019.toml"


@pytest.fixture
def tiny_path() -> Path:
    """The five-place test theatre (see tests/fixtures/tiny.toml)."""
    return TINY


@pytest.fixture
def libya_path() -> Path:
    """The flagship scenario file."""
    return LIBYA


def run_weeks(scenario, seed: int, weeks: int, overrides=None) -> ProxyWarModel:
    """Run a scenario (with optional overrides) for at most ``weeks`` weeks."""
    spec = load_scenario(scenario, overrides) if overrides else scenario
    return ProxyWarModel(spec, rng=seed, weeks=weeks).run()


def place(model: ProxyWarModel, pid: str) -> int:
    """Index of a place id in the model's theatre."""
    return model.theatre.index[pid]
