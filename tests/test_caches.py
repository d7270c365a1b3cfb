"""Caches change no result: every scenario, 25 seeds, with caches on and off.

The model keeps values derived from who holds what (the theatre's memo: the
front, each side's layout and its calm defence shares, supply reach, shelling
roads) and each faction's power within a stage of the week. ``ProxyWarModel(..., cache=False)``
recomputes all of them every time; the two runs must agree exactly.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from sim import ProxyWarModel
from sim.scenario import list_scenarios

SCENARIOS = [name for name, _ in list_scenarios(ROOT / "scenarios")]


def _run(name: str, seed: int, cache: bool) -> tuple:
    m = ProxyWarModel(ROOT / "scenarios" / name, rng=seed, collect=False, cache=cache).run()
    return (m.summary(), m.front_series, [(e.week, e.kind, e.detail) for e in m.events])


@pytest.mark.parametrize("name", SCENARIOS)
def test_caches_change_no_result(name):
    """Summary, weekly front and event log are identical with and without caches."""
    for seed in range(25):
        assert _run(name, seed, True) == _run(name, seed, False), (name, seed)
