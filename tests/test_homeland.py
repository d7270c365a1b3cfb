"""Local forces fight for their own region (``factions.<F>.homeland``, ``away_will``).

Outside its homeland only ``away_will`` of a faction's own attackers go
(docs/ODD.md 7.1). Checked on the tiny theatre (the attackers a target gets),
on Yemen 2015 (the coalition's local allies take fewer northern towns, and the
Houthis fall less often) and on the loader (a homeland place must exist).
"""

from __future__ import annotations

import pytest
from conftest import TINY

from sim import ProxyWarModel, ScenarioError, load_scenario
from sim.experiments.design import replicate_seed
from sim.experiments.ensemble import read_ensemble

SCEN = TINY.parent.parent.parent / "scenarios"
# ATT's homeland is its own two places: every target (sub, side) lies outside it
AWAY = {"factions.ATT.homeland": ["fwd", "base"], "factions.ATT.away_will": 0.25}
CRUSHING = {"factions.ATT.fighters": 60000, "factions.DEF.fighters": 600, "groups.hired.size": 0}


def _first_week(overrides: dict, seed: int) -> ProxyWarModel:
    m = ProxyWarModel(load_scenario(TINY, overrides), rng=seed)
    m.step()
    return m


@pytest.mark.parametrize("seed", range(3))
def test_only_a_share_of_the_attackers_go_outside_the_homeland(seed):
    """Expected: the same week's assault on the same targets with a quarter of the attackers."""
    full = _first_week(CRUSHING, seed)
    away = _first_week({**CRUSHING, **AWAY}, seed)
    hit_full = {e.place: e.x0 for e in full.engagements if e.attacker == "ATT"}
    hit_away = {e.place: e.x0 for e in away.engagements if e.attacker == "ATT"}
    assert hit_full and set(hit_away) == set(hit_full)
    # no mercenaries (size 0): every attacker is its own
    assert sum(hit_away.values()) == pytest.approx(0.25 * sum(hit_full.values()), rel=1e-9)


def test_a_homeland_that_holds_the_target_changes_nothing():
    """Expected: bit-identical to no homeland when every target lies inside it."""
    inside = {**CRUSHING, "factions.ATT.homeland": ["sub", "side"], "factions.ATT.away_will": 0.25}
    for seed in range(3):
        a, b = _first_week(CRUSHING, seed), _first_week(inside, seed)
        assert [(e.place, e.x0, e.x1, e.y1) for e in a.engagements] == [
            (e.place, e.x0, e.x1, e.y1) for e in b.engagements
        ]


def test_the_weaker_will_away_takes_fewer_places():
    """Expected: over 10 seeds, a balanced attacker that sends a quarter takes fewer places."""
    taken = {}
    for label, ov in (("full", {}), ("away", AWAY)):
        n = 0
        for seed in range(10):
            m = ProxyWarModel(load_scenario(TINY, ov), rng=seed).run()
            n += m.factions_by_id["ATT"].places_taken
        taken[label] = n
    assert taken["away"] < taken["full"], taken


def test_a_homeland_place_must_exist():
    with pytest.raises(ScenarioError) as err:
        load_scenario(TINY, {"factions.ATT.homeland": ["fwd", "nowhere"]})
    (line,) = err.value.problems
    assert "factions.ATT.homeland.1" in line and "nowhere" in line


def test_yemen_local_allies_stay_south_and_the_houthis_fall_less():
    """Expected (paired, one run per ensemble set): with the file's homelands and a will
    of 0.25 away (the assumption before the calibration varied it over 0-0.5) the Southern
    Resistance and the government take fewer than half the northern towns (Dhamar, Ibb,
    Taiz, Mocha) and the Houthis fall less often than with the same sets and full will away."""
    base = load_scenario(SCEN / "yemen_2015.toml")
    members = read_ensemble(SCEN / "ensembles" / "yemen_2015.csv", base)
    north = {"dhamar", "ibb", "taiz", "mocha", "hodeidah", "sanaa", "amran", "saada"}
    counts = {}
    for label, will in (("full", 1.0), ("home", 0.25)):
        north_taken = fell = 0
        for i, member in enumerate(members):
            ov = dict(member)
            ov |= {"factions.GOV.away_will": will, "factions.SOUTH.away_will": will}
            m = ProxyWarModel(load_scenario(base, ov), rng=replicate_seed(0, i), collect=False)
            m.run()
            north_taken += sum(
                e.kind == "capture" and e.actor in ("GOV", "SOUTH") and e.place in north
                for e in m.events
            )
            fell += m.summary()["fallen_HOUTHI"] is not None
        counts[label] = (north_taken, fell)
    assert counts["home"][0] < 0.5 * counts["full"][0], counts
    assert counts["home"][1] < counts["full"][1], counts


def test_a_mountain_town_is_as_hard_as_a_city_by_default_and_harder_than_open_ground():
    """Expected: cover_mountain's default is cover_urban's; a place made mountain takes its
    cover, and over 10 seeds the attacker takes it less often than on open ground."""
    spec = load_scenario(TINY)
    assert spec.combat.cover_mountain == spec.combat.cover_urban
    covers, taken = {}, {}
    for terrain in ("open", "mountain"):
        ov = {"places.side.terrain": terrain, "combat.cover_mountain": 3.0}
        n = 0
        for seed in range(10):
            m = ProxyWarModel(load_scenario(TINY, ov), rng=seed)
            side = m.theatre.index["side"]
            covers[terrain] = m.cover[side]
            m.run()
            n += sum(
                e.kind == "capture" and e.place == "side" and e.actor == "ATT" for e in m.events
            )
        taken[terrain] = n
    assert covers == {"open": spec.combat.cover_open, "mountain": 3.0}
    assert taken["mountain"] < taken["open"], taken
