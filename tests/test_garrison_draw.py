"""Garrisons drawn to the front (``factions.X.garrison_draw``, docs/ODD.md 7.1).

A faction on the offensive strips its quiet rear hubs to feed its main front:
the LNA's Gharyan, thinly held in June 2019, fell to the GNA in a day.
"""

from __future__ import annotations

import pytest
from conftest import LIBYA, TINY, place

from sim import ProxyWarModel, load_scenario
from sim.model.attack import attack_plan
from sim.model.defence import allocation_share, defence_shares, drawn_garrison

KEEP = {"factions.LNA.garrison_draw": 0.0}
DRAW = {"factions.LNA.garrison_draw": 0.5}  # the Libya baseline's


def test_drawn_garrison_moves_shares_to_the_main_front_and_keeps_the_total():
    garrison = [0.1, 0.2, 0.05]
    pull = [0.7, 0.1, 0.2]  # normalised: the main front, and where it was hit lately
    assert drawn_garrison(garrison, pull, [0.0, 0.0, 0.0]) == pytest.approx(garrison)
    drawn = drawn_garrison(garrison, pull, [0.5, 0.5, 0.5])
    assert sum(drawn) == pytest.approx(sum(garrison))
    assert drawn[0] > garrison[0]  # the main front gains
    assert drawn[1] < garrison[1]  # the quiet hub with a large garrison is stripped
    full = drawn_garrison(garrison, pull, [1.0, 1.0, 1.0])
    assert full == pytest.approx([sum(garrison) * w for w in pull])
    # local forces stay: a place with no drawable garrison keeps its share, and gains
    local = drawn_garrison(garrison, pull, [0.5, 0.0, 0.5])
    assert local[1] > garrison[1] and sum(local) == pytest.approx(sum(garrison))


def test_default_leaves_every_defence_as_it_was():
    """``garrison_draw = 0`` (the default) gives the same defence shares as before."""
    base = ProxyWarModel(load_scenario(TINY), rng=1, weeks=3)
    again = ProxyWarModel(load_scenario(TINY, {"factions.DEF.garrison_draw": 0.0}), rng=1, weeks=3)
    base.run()
    again.run()
    assert base.front_series == again.front_series
    for a, b in zip(base.factions, again.factions, strict=True):
        assert a.defence == b.defence and a.fighters == b.fighters


@pytest.mark.parametrize("seed", range(3))
def test_the_lna_strips_gharyan_for_the_tripoli_front(seed):
    """Week 8, the same state: fewer LNA defenders at quiet Gharyan, more nearest Tripoli.

    The front's garrison total is unchanged, and the GNA's assault odds at
    Gharyan, read from the LNA's defence, rise.
    """
    got = {}
    for draw in (0.0, 0.5):
        m = ProxyWarModel(load_scenario(LIBYA, KEEP), rng=seed, weeks=10, cache=False)
        for _ in range(8):
            m.step()
        lna, gna = m.factions_by_id["LNA"], m.factions_by_id["GNA"]
        lna.threat = {}  # a quiet week everywhere: only the layout and the draw decide
        lna.garrison_draw = draw
        m.theatre.memo.layouts.pop("LNA", None)  # the layout fixes the draw: lay it out again
        lna.defence = defence_shares(m, lna)
        gh = place(m, "gharyan")
        nearest = min(lna.defence, key=lambda i: m.theatre.dist_rows[i][place(m, "tripoli")])
        got[draw] = (
            allocation_share(m, lna, gh),
            allocation_share(m, lna, nearest),
            sum(wg for _, wg in lna.defence.values()),
            attack_plan(m, gna),
            m.theatre.holder[gh],
            allocation_share(m, lna, place(m, "tarhuna")),
        )
    (gh0, near0, tot0, plan0, holder, tar0), (gh1, near1, tot1, plan1, _, tar1) = (
        got[0.0],
        got[0.5],
    )
    assert gh1 < 0.85 * gh0
    assert tar1 >= tar0  # Tarhuna's Kaniyat stay (garrison_local = 1)
    assert near1 > near0
    assert tot1 == pytest.approx(tot0)
    assert holder == "LNA" and plan0.main == plan1.main == gh  # the GNA's objective
    assert plan1.odds > plan0.odds


def test_a_thin_gharyan_falls_to_the_gna_earlier_and_more_often():
    """Paired seeds, 21 weeks: more GNA captures of Gharyan by 31 August 2019 with the draw."""
    taken = {"keep": 0, "draw": 0}
    for seed in range(60):
        for name, over in (("keep", KEEP), ("draw", DRAW)):
            m = ProxyWarModel(load_scenario(LIBYA, over), rng=seed, weeks=21, collect=False)
            m.run()
            taken[name] += any(
                e.kind == "capture" and e.actor == "GNA" and e.place == "gharyan" for e in m.events
            )
    assert taken["draw"] > taken["keep"]
