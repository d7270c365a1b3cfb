"""The mechanisms, each checked on the tiny test theatre over several seeds.

Capture when a defence breaks, support shifting the odds, a mercenary group
leaving, and backers answering a rival's escalation.
"""

from __future__ import annotations

import math
import statistics

import pytest
from conftest import TINY, place
from scipy.stats import binomtest

from sim import ProxyWarModel, load_scenario
from sim.model.combat import lanchester_square

SEEDS = range(5)
CRUSHING = {"factions.ATT.fighters": 60000, "factions.DEF.fighters": 600}
BALANCED = {"groups.hired.size": 0}  # 5,000 a side, no mercenaries
BIG_SUPPORT = {"amount": 3.0, "unit_cost": 0.1, "lag_weeks": 1}  # drones a week: test assumption


# --------------------------------------------------------------------------- combat


def test_lanchester_square_conserves_its_invariant():
    for x0, y0, a, b in [(1000, 800, 0.05, 0.03), (300, 900, 0.02, 0.04), (50, 5000, 0.1, 0.1)]:
        x1, y1 = lanchester_square(x0, y0, a, b)
        assert 0 <= x1 <= x0 and 0 <= y1 <= y0
        assert a * x1**2 - b * y1**2 == pytest.approx(a * x0**2 - b * y0**2, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_place_changes_hands_when_its_defence_breaks(seed):
    """A crushing attacker takes what it assaults in the first week, never the capital behind."""
    m = ProxyWarModel(load_scenario(TINY, CRUSHING), rng=seed)
    m.step()
    taken = {e.place for e in m.engagements if e.captured}
    # it concentrates on the DEF places next to its forward base; each one it assaults falls
    assert taken and taken == {e.place for e in m.engagements}
    assert taken <= {place(m, "sub"), place(m, "side")}
    for e in m.engagements:
        if e.captured:
            # fought to the defenders' breakpoint, before the attackers reached theirs
            assert 1 - e.y1 / e.y0 >= m.spec.combat.defender_break - 1e-9
            assert 1 - e.x1 / e.x0 < m.spec.combat.attacker_break
    for q in taken:
        assert m.theatre.holder[q] == "ATT"
    assert m.theatre.holder[place(m, "cap")] == "DEF"  # not adjacent yet
    assert m.factions_by_id["DEF"].places_lost == len(taken)
    assert sum(e.kind == "capture" for e in m.events) == len(taken)


@pytest.mark.parametrize("seed", range(10))
def test_a_balanced_defence_holds(seed):
    m = ProxyWarModel(load_scenario(TINY, BALANCED), rng=seed, weeks=8)
    start = list(m.theatre.holder)
    fought = 0
    while m.running:
        m.step()
        fought += len(m.engagements)
        assert not any(e.captured for e in m.engagements)
    assert fought > 0  # the attacker did attack
    assert m.theatre.holder == start
    assert m.factions_by_id["DEF"].places_lost == 0
    assert m.front_series == [50.0] * 8


# --------------------------------------------------------------------------- support


def _runs(overrides: dict, seeds: range, weeks: int) -> list[ProxyWarModel]:
    spec = load_scenario(TINY, overrides)
    return [ProxyWarModel(spec, rng=s, weeks=weeks, collect=False).run() for s in seeds]


def _support_to(side: str) -> dict:
    return {
        f"backers.patron_{side}.channels.drones": BIG_SUPPORT,
        f"backers.patron_{side}.channels.arms.amount": 50.0,
    }


def test_more_support_moves_the_front_towards_the_supported_side():
    seeds, weeks = range(30), 20
    base = [statistics.fmean(m.front_series) for m in _runs({}, seeds, weeks)]
    att = [statistics.fmean(m.front_series) for m in _runs(_support_to("att"), seeds, weeks)]
    dfn = [statistics.fmean(m.front_series) for m in _runs(_support_to("def"), seeds, weeks)]
    # paired by seed (common random numbers): the attacker gets closer, or is held further off
    assert statistics.fmean(att) < statistics.fmean(base) - 2.0
    assert statistics.fmean(dfn) > statistics.fmean(base) + 1.0
    assert sum(a > b for a, b in zip(att, base, strict=True)) <= 3
    assert sum(d < b for d, b in zip(dfn, base, strict=True)) <= 3


def test_more_support_raises_the_supported_sides_share_of_victories():
    seeds, weeks = range(30), 20
    strong = {"factions.ATT.fighters": 14000}  # an attacker that can almost break through
    base = sum(m.outcome == "victory:ATT" for m in _runs(strong, seeds, weeks))
    backed = {**strong, **_support_to("att")}
    more = sum(m.outcome == "victory:ATT" for m in _runs(backed, seeds, weeks))
    ci_base = binomtest(base, len(seeds)).proportion_ci(method="wilson")
    ci_more = binomtest(more, len(seeds)).proportion_ci(method="wilson")
    assert ci_more.low > ci_base.high, (base, more)


# --------------------------------------------------------------------------- mercenaries


@pytest.mark.parametrize("seed", SEEDS)
def test_a_withdrawn_group_leaves_the_front(seed):
    week, exit_weeks, horizon = 5, 2, 10
    iv = {"type": "withdraw", "group": "hired", "week": week, "exit_weeks": exit_weeks}
    order = {"interventions": [iv]}
    base = ProxyWarModel(TINY, rng=seed, weeks=horizon)
    out = ProxyWarModel(load_scenario(TINY, order), rng=seed, weeks=horizon)
    for w in range(1, horizon + 1):
        base.step()
        out.step()
        g, g0 = out.groups_by_id["hired"], base.groups_by_id["hired"]
        att, att0 = out.factions_by_id["ATT"], base.factions_by_id["ATT"]
        if w < week:
            assert g.fighters == g0.fighters and g.fighters > 0
        if w >= week + exit_weeks - 1:
            assert g.fighters == 0 and not g.active
            assert out.mercenaries_deployed() == 0
            # the faction's power has lost (most of) the group's strength
            assert att.power() < att0.power() - 0.5 * g0.fighters * g0.quality
    assert g.leave_reason == "withdrawn"
    df = out.datacollector.get_model_vars_dataframe()
    assert (df["mercenaries_ATT"].iloc[week + exit_weeks - 1 :] == 0).all()
    assert (df["mercenaries_ATT"].iloc[1:week] > 0).all()


# --------------------------------------------------------------------------- escalation


@pytest.mark.parametrize("seed", range(3))
def test_backers_answer_a_rivals_escalation(seed):
    week, horizon = 10, 16
    # a big new arms flow: the attacker's side gets several times the support it had
    iv = {"type": "surge", "backer": "patron_att", "channel": "arms", "amount": 40.0, "week": week}
    surge = {"interventions": [iv]}
    base = ProxyWarModel(TINY, rng=seed, weeks=horizon)
    up = ProxyWarModel(load_scenario(TINY, surge), rng=seed, weeks=horizon)
    levels, levels0 = [], []
    for _ in range(horizon):
        base.step()
        up.step()
        levels.append(up.backers_by_id["patron_def"].level)
        levels0.append(base.backers_by_id["patron_def"].level)
    # steady support on both sides: nobody escalates
    assert levels0 == [1.0] * horizon
    assert base.backers_by_id["patron_def"].escalations == 0
    # the rival surges in week 10: the defender's patron answers within a few weeks,
    # and keeps raising its level while the rival side out-supplies its own
    assert levels[:week] == [1.0] * week
    assert levels[-1] > 1.0 + 0.25
    assert all(b >= a for a, b in zip(levels[week:], levels[week + 1 :], strict=False))
    assert up.backers_by_id["patron_def"].escalations >= 1
    assert not math.isclose(levels[-1], levels0[-1])
