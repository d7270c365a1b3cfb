"""Wars of more than two factions: sides, neutral pairs, realignment, defection, endings.

Each test runs the three-sided teaching theatre (scenarios/teaching_three_sides.toml)
with a seed and states the expected direction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import ProxyWarModel, load_scenario
from sim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
THREE = ROOT / "scenarios" / "teaching_three_sides.toml"


@pytest.fixture(scope="module")
def three():
    return load_scenario(THREE)


def _pairs_fought(m: ProxyWarModel) -> set[frozenset[str]]:
    return {frozenset((e.attacker, e.defender)) for e in m.engagements}


def _run_recording(spec, seed: int, weeks: int | None = None):
    """Run, collecting every week's fighting pairs."""
    m = ProxyWarModel(spec, rng=seed, weeks=weeks)
    fought: list[set[frozenset[str]]] = []
    while m.running:
        m.step()
        fought.append(_pairs_fought(m))
    return m, fought


def test_two_faction_files_keep_the_two_side_rules(three):
    two = load_scenario(ROOT / "scenarios" / "teaching_line.toml")
    assert not two.multi_side and ProxyWarModel(two, rng=1).sides is None
    assert three.multi_side and ProxyWarModel(three, rng=1).sides is not None
    # two-faction summaries gain no columns
    assert not any(k.startswith("side_") for k in ProxyWarModel(two, rng=1).run().summary())


def test_three_sides_fight_each_other_and_report_each_front(three):
    m, fought = _run_recording(three, 3)
    every = set().union(*fought)
    assert frozenset(("RED", "BLUE")) in every and frozenset(("RED", "GREEN")) in every
    row = m.summary()
    for f in ("RED", "BLUE", "GREEN"):
        assert row[f"side_{f}"] == f
        assert f"front_km_{f}" in row and f"fallen_{f}" in row
    tl = m.datacollector.get_model_vars_dataframe()
    assert tl["front_km_RED"].iloc[0] == 120.0  # West Capital to South Village via Crossroads


@pytest.mark.parametrize(
    "change",
    [{"factions.GREEN.side": "BLUE"}, {"neutral": [["BLUE", "GREEN"]]}],
    ids=["allies", "neutral"],
)
def test_allies_and_neutrals_never_fight_each_other(three, change):
    spec = load_scenario(three, change)
    m = ProxyWarModel(spec, rng=0)
    assert m.sides is not None and not m.hostile(
        m.factions_by_id["BLUE"], m.factions_by_id["GREEN"]
    )
    for seed in range(5):
        _, fought = _run_recording(spec, seed)
        assert frozenset(("BLUE", "GREEN")) not in set().union(*fought)


def test_a_realign_intervention_changes_who_fights_whom(three):
    spec = load_scenario(
        three,
        {"interventions": [{"type": "realign", "faction": "GREEN", "side": "RED", "week": 5}]},
    )
    m, fought = _run_recording(spec, 3)
    assert any(e.kind == "realign" and e.week == 5 for e in m.events)
    after = set().union(*fought[5:])
    assert frozenset(("RED", "GREEN")) not in after
    assert m.sides.side["GREEN"] == "RED"


def test_defection_is_a_smooth_chance_in_cohesion(three):
    """The further cohesion is below defect_cohesion, the more runs see GREEN defect."""

    def share(defect_cohesion: float) -> float:
        spec = load_scenario(
            three,
            {
                "factions.GREEN.defect_to": "RED",
                "factions.GREEN.defect_rate": 0.05,
                "factions.GREEN.defect_cohesion": defect_cohesion,
            },
        )
        got = 0
        for seed in range(30):
            m = ProxyWarModel(spec, rng=seed, weeks=20, collect=False).run()
            got += any(e.kind == "defect" for e in m.events)
        return got / 30

    low, mid, high = share(0.5), share(0.72), share(1.0)
    assert low <= mid <= high and low < high and high > 0.5


def test_victory_of_a_side_needs_every_enemy_to_fall(three):
    """GREEN allied to BLUE: taking BLUE's capital leaves the war on; taking GREEN's ends it."""
    spec = load_scenario(
        three,
        {
            "factions.GREEN.side": "EAST",
            "factions.BLUE.side": "EAST",
            "interventions": [
                {"type": "transfer", "place": "east_capital", "faction": "RED", "week": 2},
                {"type": "transfer", "place": "south_capital", "faction": "RED", "week": 4},
            ],
        },
    )
    m = ProxyWarModel(spec, rng=0).run()
    assert m.sides.fallen["BLUE"] == 2 and m.sides.fallen["GREEN"] == 4
    assert m.outcome == "victory:RED" and m.end_week == 4


def test_pair_ceasefires_are_reported(three):
    """Strong mediation: some pair agrees a ceasefire, and the record names the pair."""
    spec = load_scenario(
        three,
        {
            "termination.base_hazard": 0.5,
            "termination.ceasefire_hold_weeks": 2,
            "termination.ripe_stalemate_weeks": 1,
        },
    )
    named = 0
    for seed in range(10):
        m = ProxyWarModel(spec, rng=seed, collect=False).run()
        row = m.summary()
        agreed = [e for e in m.events if e.kind == "ceasefire"]
        assert row["ceasefires"] == len(agreed)
        named += bool(row["ceasefire_pairs"])
        assert all(" between " in e.detail for e in agreed)
    assert named >= 5


def test_runs_are_reproducible(three):
    a = ProxyWarModel(three, rng=11, collect=False).run().summary()
    b = ProxyWarModel(three, rng=11, collect=False).run().summary()
    assert a == b


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"factions.GREEN.defect_to": "NOBODY"}, "factions.GREEN.defect_to"),
        ({"neutral": [["BLUE", "GRENE"]]}, "neutral.0.1"),
    ],
)
def test_bad_sides_are_named_errors(three, change, key):
    with pytest.raises(ScenarioError) as err:
        load_scenario(three, change)
    assert key in str(err.value)
