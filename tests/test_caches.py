"""Caches change no result: every scenario, 25 seeds, with caches on and off.

The model keeps values derived from who holds what (the theatre's memo: the
front, each side's layout and its calm defence shares, supply reach, shelling
roads; one memo per map held, kept for the run in ``Theatre.memos``), values
kept for the whole run (the supply reach by the sources held,
``SupplyLines._reach_by_sources``; each faction's place weights by its open
objectives, ``Theatre.place_weights``) and each faction's power, power ratio
and need of support within a stage of the week. ``ProxyWarModel(..., cache=False)``
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


def test_run_long_caches_are_used_only_with_caches_on():
    """The run-long caches fill with caches on (so the test above compares them) and stay empty off.

    Expected: after a Libya run with caches on, the reach by sources held,
    the place weights by open objectives and the memos of the maps held hold
    entries, and a faction's need
    read twice in one stage is the value kept; with caches off both tables
    stay empty.
    """
    on = ProxyWarModel(ROOT / "scenarios" / "libya_2019.toml", rng=3, collect=False).run()
    assert on.supply._reach_by_sources and on.theatre.place_weights
    assert len(on.theatre.memos) > 1  # the first map's memo and those after captures
    f = on.factions[0]
    first = f.need()
    f._need = -1.0  # a kept value is returned as kept within the stage
    assert f.need() == -1.0 and 0.0 <= first <= 1.0
    off = ProxyWarModel(ROOT / "scenarios" / "libya_2019.toml", rng=3, collect=False, cache=False)
    off.run()
    assert not off.supply._reach_by_sources and not off.theatre.place_weights
    assert not off.theatre.memos
    g = off.factions[0]
    g._need = -1.0  # with caches off it is recomputed
    assert g.need() == first
