"""Interventions do what their scenario says, when it says, over several seeds.

Every test runs the teaching theatre (scenarios/teaching_line.toml: 7 places,
RED with backer Northland and the Contractors, BLUE with backer Southland),
with interventions given as overrides, so that each mechanism is seen on its
own. Timing rule under test (sim/model/pressure.py): an intervention in force from
week ``w`` has ``fired_week == w`` and is logged at ``w``; a lag of ``L``
weeks puts its effect in force from ``w + L``; a ``when`` condition is judged on
the state at the end of week ``w - 1`` and fires in the first week ``w`` for
which it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sim import ProxyWarModel, load_scenario
from sim.scenario import ScenarioSpec

TEACH = "teaching_line.toml"
SEEDS = range(6)


def spec_with(*interventions: dict[str, Any], **overrides: Any) -> ScenarioSpec:
    """The teaching theatre with these interventions (and ``a__b`` -> ``a.b`` overrides)."""
    ov: dict[str, Any] = {k.replace("__", "."): v for k, v in overrides.items()}
    ov["interventions"] = list(interventions)
    return load_scenario(TEACH, ov)


def run_recording(
    spec: ScenarioSpec, seed: int, probe: Callable[[ProxyWarModel], Any], weeks: int = 52
) -> tuple[ProxyWarModel, dict[int, Any], dict[int, Any]]:
    """Run week by week; record ``probe`` just before and just after each week's step."""
    m = ProxyWarModel(spec, rng=seed, collect=True, weeks=weeks)
    before: dict[int, Any] = {}
    after: dict[int, Any] = {}
    while m.running and m.steps < weeks:
        w = m.steps + 1
        before[w] = probe(m)
        m.step()
        after[w] = probe(m)
    return m, before, after


def logged(m: ProxyWarModel, text: str) -> list[int]:
    """Weeks at which an events-log entry containing ``text`` was recorded."""
    return [w for w, t in m.events_log if text in t]


# --------------------------------------------------------------------------- sanctions


def test_group_sanction_cuts_pay_only_after_the_lag_then_the_group_leaves():
    fired, lag, tol = 10, 5, 3
    spec = spec_with(
        {
            "type": "sanction",
            "description": "on the Contractors",
            "group": "contractors",
            "week": fired,
            "lag_weeks": lag,
            "financial": 0.9,
        },
        groups__contractors__casualty_aversion=1.0,  # only money can make it leave
        groups__contractors__arrears_tolerance=tol,
    )
    base = spec_with(groups__contractors__casualty_aversion=1.0)

    def probe(m):
        g = m.groups_by_id["contractors"]
        return g.financial_block, g.arrears, g.status, g.leave_reason

    left = 0
    for seed in SEEDS:
        m, before, after = run_recording(spec, seed, probe, weeks=30)
        bite = fired + lag
        assert logged(m, "sanction: on the Contractors") == [fired]
        assert logged(m, "sanction bites") == [bite]
        # in force for a week = the state the week starts with
        assert all(before[w][0] == 0.0 for w in before if w < bite)
        assert all(before[w][0] == pytest.approx(0.9) for w in before if w >= bite)
        # arrears: none while paid, then 0.9 of a week's pay owed each week
        assert all(after[w][1] == 0 for w in after if w < bite)
        if bite in after:
            assert after[bite][1] == pytest.approx(0.9)
        # it leaves for arrears exactly when they exceed its tolerance, never before
        expected = next(w for w in range(bite, 100) if 0.9 * (w - bite + 1) > tol)
        leaving = [w for w in after if after[w][2] in ("leaving", "gone")]
        if leaving:
            assert leaving[0] == expected
            assert after[leaving[0]][3] == "pay arrears"
            left += 1
        # without the sanction it is paid throughout and stays
        mb, _, after_b = run_recording(base, seed, probe, weeks=30)
        assert all(a[1] == 0 and a[3] != "pay arrears" for a in after_b.values())
    assert left >= len(SEEDS) - 1


def test_a_leakier_sanction_takes_longer_to_drive_a_group_out():
    """Arrears grow by the blocked share of pay: leakage delays the departure in proportion."""

    def leave_week(financial):
        spec = spec_with(
            {"type": "sanction", "group": "contractors", "week": 9, "financial": financial},
            groups__contractors__casualty_aversion=1.0,
        )
        m = ProxyWarModel(spec, rng=SEEDS[0], weeks=40, collect=False)
        g = m.groups_by_id["contractors"]
        while m.running:
            m.step()
            if g.leave_reason == "pay arrears":
                return m.week
        return None

    tight, leaky = leave_week(0.9), leave_week(0.4)
    assert tight is not None and leaky is not None
    assert leaky > tight
    # arrears of tolerance+ weeks' pay take about tolerance / financial weeks to build up
    assert leaky - 9 == pytest.approx((tight - 9 + 1) * 0.9 / 0.4, abs=2)


def test_logistics_sanction_slows_deployment_after_its_lag():
    arrive, lag = 8, 2  # the Contractors start deploying in week 8, 100 fighters a week
    spec = spec_with(
        {
            "type": "sanction",
            "group": "contractors",
            "week": arrive,
            "lag_weeks": lag,
            "logistics": 0.5,
        },
        groups__contractors__casualty_aversion=1.0,
    )
    base = spec_with(groups__contractors__casualty_aversion=1.0)

    def probe(m):
        g = m.groups_by_id["contractors"]
        return g.logistics_block, g.fighters + g.losses  # arrived so far

    ratios = []
    for seed in SEEDS:
        _, before, after = run_recording(spec, seed, probe, weeks=13)
        _, _, after_b = run_recording(base, seed, probe, weeks=13)
        assert all(before[w][0] == 0.0 for w in before if w < arrive + lag)
        assert all(before[w][0] == 0.5 for w in before if w >= arrive + lag)
        # full rate before the lag: the same arrivals as without the sanction
        assert after[arrive + lag - 1][1] == pytest.approx(after_b[arrive + lag - 1][1])
        # then half the rate
        got = after[13][1] - after[arrive + lag - 1][1]
        full = after_b[13][1] - after_b[arrive + lag - 1][1]
        ratios.append(got / full)
    assert all(r == pytest.approx(0.5) for r in ratios)


def test_backer_sanction_raises_costs_tests_resolve_and_blocks_its_groups_pay():
    spec = spec_with(
        {
            "type": "sanction",
            "backer": "northland",
            "week": 6,
            "lag_weeks": 2,
            "cost_increase": 0.5,
            "resolve_hit": 0.2,
            "financial": 0.8,
        }
    )

    def probe(m):
        b = m.backers_by_id["northland"]
        return b.cost_multiplier, b.resolve, m.groups_by_id["contractors"].financial_block

    for seed in SEEDS[:3]:
        _, before, _ = run_recording(spec, seed, probe, weeks=12)
        assert before[7][0] == 1.0 and before[7][2] == 0.0
        assert before[8][0] == pytest.approx(1.5)
        assert before[8][1] <= before[7][1] - 0.2 + 1e-9
        assert before[8][2] == pytest.approx(0.8)
        # resolve keeps draining while the sanction lasts
        assert before[12][1] < before[8][1]


# --------------------------------------------------------------------------- withdrawals


def received(m: ProxyWarModel, faction: str, channels: tuple[str, ...] | None = None) -> float:
    f = m.factions_by_id[faction]
    return sum(v for ch, v in f.received_total.items() if channels is None or ch in channels)


def test_backer_withdrawal_stops_shipments_after_the_transit_lag_and_recalls_its_groups():
    week, exit_weeks = 12, 3
    spec = spec_with({"type": "withdraw", "backer": "northland", "week": week, "exit_weeks": 3})
    # Northland's longest lag is 2 weeks: last shipment sent in week 11 lands in week 13
    last_arrival = week - 1 + 2

    def probe(m):
        g = m.groups_by_id["contractors"]
        return received(m, "RED"), g.status, g.fighters

    for seed in SEEDS:
        m, _, after = run_recording(spec, seed, probe, weeks=24)
        assert logged(m, "withdraw") == [week, week]  # the intervention, and the backer's act
        assert m.backers_by_id["northland"].withdrawn
        # still arriving from the pipeline, then nothing more
        assert after[last_arrival][0] > after[week - 1][0]
        assert all(after[w][0] == after[last_arrival][0] for w in after if w >= last_arrival)
        # its mercenary group is recalled and gone within exit_weeks
        assert after[week][1] in ("leaving", "gone")
        assert after[week + exit_weeks][2] == 0.0


def test_one_channel_withdrawal_stops_only_that_channel():
    spec = spec_with(
        {"type": "withdraw", "backer": "northland", "channels": ["drones"], "week": 12}
    )
    for seed in SEEDS[:4]:
        m, _, after = run_recording(
            spec,
            seed,
            lambda m: (received(m, "RED", ("drones",)), received(m, "RED", ("arms",))),
            weeks=24,
        )
        drones_stop = 12 - 1 + 2  # drones lag 2 weeks
        assert after[drones_stop][0] > after[11][0]
        assert all(after[w][0] == after[drones_stop][0] for w in after if w >= drones_stop)
        assert after[24][1] > after[drones_stop][1]  # arms keep flowing
        assert not m.backers_by_id["northland"].withdrawn
        assert m.groups_by_id["contractors"].leave_reason != "ordered out by payer"


def test_withdrawal_recalls_the_backers_advisers_only_when_the_scenario_says_so():
    """With ``economy.recall_advisers`` a withdrawing backer takes its advisers home at once.

    Southland is BLUE's only source of advisers: with the recall BLUE has none
    from the withdrawal on (those in transit do not land either); without it
    they stay and rotate out (some are left weeks later).
    """
    week = 12
    order = {"type": "withdraw", "backer": "southland", "week": week}
    recall = spec_with(order, economy__recall_advisers=True)
    keep = spec_with(order)

    def probe(m):
        return m.factions_by_id["BLUE"].advisers

    for seed in SEEDS[:4]:
        _, before, after = run_recording(recall, seed, probe, weeks=20)
        _, before_kept, after_kept = run_recording(keep, seed, probe, weeks=20)
        # the same war until then (the order is applied between weeks 11 and 12)
        assert after[week - 2] > 0 and after[week - 2] == after_kept[week - 2]
        assert before[week] == 0.0 < before_kept[week]  # gone before week 12 is fought
        assert all(after[w] == 0.0 for w in after if w >= week)
        assert after_kept[week + 4] > 0.0  # the old rule: they linger


def test_recall_of_advisers_leaves_a_war_without_withdrawals_bit_identical():
    """The record by backer is bookkeeping: no withdrawal, the same war with or without it."""
    for seed in SEEDS[:3]:
        runs = []
        for flag in (False, True):
            m = ProxyWarModel(spec_with(economy__recall_advisers=flag), rng=seed, weeks=40)
            m.run()
            runs.append((m.front_series, m.summary(), m.events_log))
        assert runs[0] == runs[1]


def test_libya_step_back_leaves_only_russias_advisers_with_the_lna():
    """France and Egypt step back on 6 Jan 2020 (week 40): only Russia's advisers stay.

    Expected direction: the LNA has fewer advisers right after the step-back
    than under the old rule (where theirs rotated out at 5 % a week).
    """
    week = 40
    for seed in (1, 2):
        stocks = []
        for flag in (True, False):
            spec = load_scenario(
                "libya_france_egypt_step_back.toml", {"economy.recall_advisers": flag}
            )
            m = ProxyWarModel(spec, rng=seed, collect=False, weeks=week + 1)
            m.run()
            lna = m.factions_by_id["LNA"]
            stocks.append(lna.advisers)
            if flag:
                assert set(lna.advisers_by) == {"russia"}
                assert lna.advisers == pytest.approx(lna.advisers_by["russia"], rel=1e-9)
        assert 0.0 < stocks[0] < 0.6 * stocks[1]


def test_group_withdrawal_and_redeployment():
    spec = spec_with(
        {"type": "withdraw", "group": "contractors", "week": 12, "exit_weeks": 2},
        groups__contractors__casualty_aversion=1.0,
    )
    for seed in SEEDS[:3]:
        m, _, after = run_recording(
            spec, seed, lambda m: m.groups_by_id["contractors"].fighters, weeks=16
        )
        assert after[11] > 0 and after[14] == 0.0
        assert m.groups_by_id["contractors"].leave_reason == "withdrawn"

    spec = spec_with(
        {
            "type": "redeploy",
            "group": "contractors",
            "place": "west_town",
            "week": 12,
            "lag_weeks": 2,
        },
        groups__contractors__casualty_aversion=1.0,
    )
    for seed in SEEDS[:3]:
        m, before, after = run_recording(
            spec,
            seed,
            lambda m: (
                m.groups_by_id["contractors"].station,
                m.groups_by_id["contractors"].location,
            ),
            weeks=18,
        )
        west_town = m.theatre.index["west_town"]
        assert logged(m, "redeployed to west_town") == [14]
        # before[w]: the station week w starts with; after[w]: where it fought in week w
        assert before[13][0] == "front" and after[13][1] != west_town
        assert all(before[w][0] == "west_town" for w in before if w >= 14)
        assert all(after[w][1] == west_town for w in after if w >= 14)


# --------------------------------------------------------------------------- embargo


def test_embargo_intercepts_in_proportion_on_its_route_only():
    embargo = spec_with({"type": "embargo", "week": 1, "sea": 0.5})  # arms go by sea
    base = spec_with()
    shares, arms_ratio = [], []
    for seed in SEEDS:
        m = ProxyWarModel(embargo, rng=seed, collect=False, weeks=40).run()
        b = ProxyWarModel(base, rng=seed, collect=False, weeks=40).run()
        caught = m.support.intercepted
        assert caught > 0 and b.support.intercepted == 0
        in_transit = sum(
            q for due in m.support.in_transit.values() for (_, ch), q in due.items() if ch == "arms"
        )
        shipped = caught + received(m, "RED", ("arms",)) + received(m, "BLUE", ("arms",))
        shares.append(caught / (shipped + in_transit))
        arms_ratio.append(
            (received(m, "RED", ("arms",)) + received(m, "BLUE", ("arms",)))
            / (received(b, "RED", ("arms",)) + received(b, "BLUE", ("arms",)))
        )
        # air and land routes are not interdicted: nothing else was caught
        assert m.factions_by_id["BLUE"].received_total["advisers"] > 0
    mean_share = sum(shares) / len(shares)
    assert 0.4 < mean_share < 0.6
    assert max(arms_ratio) < 0.8 and sum(arms_ratio) / len(arms_ratio) < 0.65


def test_embargo_on_named_backers_spares_the_others():
    spec = spec_with({"type": "embargo", "week": 1, "sea": 1.0, "backers": ["southland"]})
    for seed in SEEDS[:3]:
        m = ProxyWarModel(spec, rng=seed, collect=False, weeks=20).run()
        assert m.factions_by_id["BLUE"].received_total["arms"] == 0.0
        assert m.factions_by_id["RED"].received_total["arms"] > 0.0


# --------------------------------------------------------------------------- surge


def test_surge_raises_a_channel_opens_a_new_one_and_rivals_answer():
    spec = spec_with(
        {"type": "surge", "backer": "northland", "channel": "drones", "amount": 0.6, "week": 10},
        {
            "type": "surge",
            "backer": "northland",
            "channel": "air_defence",
            "amount": 0.5,
            "unit_cost": 1.0,
            "lag": 3,
            "week": 10,
        },
    )
    base = spec_with()
    answers = answers_base = 0
    level = level_base = 0.0
    for seed in SEEDS:
        m, _, after = run_recording(
            spec, seed, lambda m: received(m, "RED", ("air_defence",)), weeks=20
        )
        b = ProxyWarModel(base, rng=seed, collect=False, weeks=20).run()
        north = m.backers_by_id["northland"]
        assert north.channels["drones"].amount == pytest.approx(0.2 + 0.6)
        # the new channel delivers only after its lag: sent from week 10, lands from 13
        assert after[12] == 0.0 and after[13] > 0.0
        assert received(m, "RED", ("drones",)) > received(b, "RED", ("drones",))
        answers += m.backers_by_id["southland"].escalations
        answers_base += b.backers_by_id["southland"].escalations
        level += m.backers_by_id["southland"].level
        level_base += b.backers_by_id["southland"].level
    assert answers > answers_base
    assert level > level_base


def test_group_surge_deploys_a_pending_group():
    spec = spec_with(
        {"type": "surge", "group": "contractors", "size": 400, "week": 4},
        groups__contractors__arrival=40,
    )
    for seed in SEEDS[:3]:
        m, _, after = run_recording(
            spec, seed, lambda m: m.groups_by_id["contractors"].fighters, weeks=8
        )
        assert after[3] == 0.0 and after[4] > 0.0
        assert m.groups_by_id["contractors"].size == 600 + 400


# --------------------------------------------------------------------------- mediation, vetoes


MEDIATION = {"type": "mediation", "week": 6, "strength": 1.0, "duration_weeks": 40}
MED_SEEDS = range(30)


def _tally(spec: ScenarioSpec) -> tuple[int, int, int]:
    """Ceasefires agreed, vetoes cast, and the summed week of the first ceasefire."""
    ceasefires = vetoes = waited = 0
    for seed in MED_SEEDS:
        m = ProxyWarModel(spec, rng=seed, collect=False, weeks=46).run()
        ceasefires += m.termination.ceasefires
        vetoes += m.termination.vetoes
        agreed = logged(m, "ceasefire agreed")
        waited += agreed[0] if agreed else 47
    return ceasefires, vetoes, waited


def test_mediation_raises_the_ceasefire_rate_and_vetoes_block_it():
    no_veto = {"backers__northland__veto": False}
    cf_base, _, wait_base = _tally(spec_with(**no_veto))
    cf_med, v_med, wait_med = _tally(spec_with(MEDIATION, **no_veto))
    _, v_vetoed, wait_vetoed = _tally(spec_with(MEDIATION))  # Northland may veto
    _, v_bound, wait_bound = _tally(spec_with({**MEDIATION, "binds": ["northland"]}))
    assert cf_med > 2 * cf_base and wait_med < wait_base
    # a backer with a veto blocks ceasefires while its client attacks: later ceasefires
    assert v_med == 0 and v_vetoed > 0
    assert wait_vetoed > wait_med
    # a backer bound by the conference waives its veto while the mediation lasts
    assert v_bound < v_vetoed and wait_bound < wait_vetoed


def test_mediation_lasts_exactly_its_duration_and_a_binding_is_released():
    spec = spec_with({**MEDIATION, "duration_weeks": 5, "binds": ["northland"]})
    m, before, _ = run_recording(
        spec,
        0,
        lambda m: (m.termination.mediation_until, "northland" not in m.termination.bound),
        weeks=14,
    )
    # `before[w]` is the state week w starts with, i.e. what is in force during week w
    in_force = [w for w in before if w <= before[w][0]]
    bound = [w for w in before if not before[w][1]]
    assert in_force == bound == [6, 7, 8, 9, 10]
    assert logged(m, "mediation") == [6]


def test_ceasefire_breakdown_ends_an_ongoing_ceasefire_when_it_has_held_n_weeks():
    spec = spec_with(
        MEDIATION,
        {"type": "ceasefire_breakdown", "when": {"ceasefire_weeks": 3}, "hazard": 0.5},
        backers__northland__veto=False,
        termination__breakdown_hazard=0.0,  # no natural breakdowns: only the intervention
    )
    fired = 0
    for seed in MED_SEEDS:
        m = ProxyWarModel(spec, rng=seed, collect=False, weeks=46).run()
        starts = logged(m, "ceasefire agreed")
        iv = m.interventions[1]
        if not starts or iv.fired_week is None:
            continue
        fired += 1
        assert iv.fired_week == starts[0] + 3
        assert iv.fired_week in logged(m, "ceasefire broke down")
        assert m.termination.breakdown_hazard == 0.5
    assert fired >= 3


def test_dated_ceasefire_breakdown_without_a_ceasefire_only_sets_the_hazard():
    spec = spec_with({"type": "ceasefire_breakdown", "week": 3, "hazard": 0.3})
    m = ProxyWarModel(spec, rng=0, collect=False, weeks=5).run()
    assert m.termination.breakdown_hazard == 0.3 and m.termination.breakdowns == 0


# --------------------------------------------------------------------------- timing


def test_dated_interventions_fire_in_their_week_and_dates_map_to_weeks():
    spec0 = load_scenario(TEACH)
    at = spec0.date_of(9) - spec0.date_of(0) + spec0.start_date  # the first day of week 10
    spec = spec_with(
        {"type": "embargo", "week": 1, "sea": 0.0},
        {"type": "embargo", "week": 7, "air": 0.0},
        {"type": "embargo", "at": at, "land": 0.0},
    )
    m = ProxyWarModel(spec, rng=0, collect=False, weeks=12).run()
    assert [iv.fired_week for iv in m.interventions] == [1, 7, spec0.week_of(at)]
    assert logged(m, "embargo") == [1, 7, spec0.week_of(at)]


def _places_lost(m: ProxyWarModel, faction: str, week: int) -> int:
    """Places ``faction`` had lost by the end of ``week``, from the events log."""
    return sum(
        1 for w, t in m.events_log if w <= week and " takes " in t and not t.startswith(faction)
    )


def _stalemate_run(flags: list[bool], upto: int) -> int:
    run = 0
    for f in flags[: upto + 1]:
        run = run + 1 if f else 0
    return run


CONDITIONS: dict[str, tuple[dict[str, Any], Callable[[ProxyWarModel, Any, int], bool]]] = {
    "front_within_km": (
        {"front_within_km": 45},
        lambda m, df, w: df["front_km"][w] <= 45,
    ),
    "stalemate_weeks": (
        {"stalemate_weeks": 3},
        lambda m, df, w: _stalemate_run(list(df["stalemate"]), w) >= 3,
    ),
    "places_lost": (
        {"places_lost": 2, "faction": "BLUE"},
        lambda m, df, w: _places_lost(m, "BLUE", w) >= 2,
    ),
    "morale_below": (
        {"morale_below": 0.6, "faction": "RED"},
        lambda m, df, w: df["morale_RED"][w] < 0.6,
    ),
}


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_when_conditions_fire_the_first_week_they_hold_and_never_before(name):
    cond, holds = CONDITIONS[name]
    spec = spec_with({"type": "embargo", "when": cond, "sea": 0.0})  # an effect-free probe
    fired = 0
    for seed in range(8):
        m = ProxyWarModel(spec, rng=seed, weeks=52).run()
        df = m.datacollector.get_model_vars_dataframe()
        # state at the end of week w-1 (row w-1; row 0 is the start) decides week w
        first = next((w for w in range(1, m.week + 1) if holds(m, df, w - 1)), None)
        iv = m.interventions[0]
        assert iv.fired_week == first, (seed, iv.fired_week, first)
        if first is not None:
            fired += 1
            assert logged(m, "embargo") == [first]
    assert fired >= 3


def test_after_week_delays_a_condition_that_already_holds():
    spec = spec_with(
        {"type": "embargo", "when": {"front_within_km": 1000, "after_week": 9}, "sea": 0.0}
    )
    for seed in SEEDS[:3]:
        m = ProxyWarModel(spec, rng=seed, collect=False, weeks=12).run()
        assert m.interventions[0].fired_week == 9


# --------------------------------------------------------------------------- transfer


def _holder(m: ProxyWarModel, pid: str) -> str:
    return m.theatre.holder[m.theatre.index[pid]]


def test_transfer_hands_a_place_over_from_its_week_as_a_capture_would():
    """A town RED holds behind its lines goes to BLUE in week 3 (a local deal)."""
    spec = spec_with({"type": "transfer", "place": "west_town", "faction": "BLUE", "week": 3})
    base = spec_with()

    def probe(m):
        red, blue = m.factions_by_id["RED"], m.factions_by_id["BLUE"]
        i = m.theatre.index["west_town"]
        return _holder(m, "west_town"), m.theatre.fortification[i], red.morale, blue.morale

    for seed in SEEDS[:3]:
        m, before, after = run_recording(spec, seed, probe, weeks=6)
        _, before_b, _ = run_recording(base, seed, probe, weeks=6)
        assert logged(m, "transfer west_town to BLUE") == [3]
        assert logged(m, "West Town passes from RED to BLUE") == [3]
        # RED's until week 3 starts; BLUE's in week 3 (nothing else reaches it so soon)
        assert before[1][0] == before[2][0] == "RED"
        assert before[3][0] == "BLUE"
        assert before[3][1] == 1.0  # fortification reset, as after a capture
        # common random numbers: weeks 1-2 are the baseline's, so the gap is the transfer's
        assert before[3][2] < before_b[3][2]  # the loser's morale falls
        assert before[3][3] > before_b[3][3]  # the winner's rises
        assert m.factions_by_id["RED"].places_lost >= 1
        assert [e.week for e in m.events if e.kind == "transfer" and e.place == "west_town"] == [3]


def test_transferring_the_objective_ends_the_war_that_week():
    spec = spec_with({"type": "transfer", "place": "east_capital", "faction": "RED", "week": 4})
    m = ProxyWarModel(spec, rng=0, collect=False, weeks=20).run()
    assert m.outcome == "victory:RED" and m.end_week == 4


def test_transfer_to_the_holder_changes_nothing_but_the_log():
    spec = spec_with({"type": "transfer", "place": "east_town", "faction": "BLUE", "week": 3})
    for seed in SEEDS[:2]:
        m = ProxyWarModel(spec, rng=seed, collect=False, weeks=20).run()
        b = ProxyWarModel(spec_with(), rng=seed, collect=False, weeks=20).run()
        assert logged(m, "already held by BLUE") == [3]
        assert m.summary() == b.summary() and m.front_series == b.front_series


# --------------------------------------------------------------------------- resize


def _contractors(m: ProxyWarModel) -> tuple[float, str, str, float]:
    g = m.groups_by_id["contractors"]
    return g.fighters, g.status, g.leave_reason, g.size


def test_resize_up_deploys_the_group_beyond_its_old_size():
    """600 contracted, deployed by week 14; 1000 from week 20 at 100 fighters a week."""
    spec = spec_with(
        {"type": "resize", "group": "contractors", "size": 1000, "week": 20},
        groups__contractors__casualty_aversion=1.0,  # it stays however it bleeds
    )
    for seed in SEEDS[:3]:
        m, before, after = run_recording(spec, seed, _contractors, weeks=30)
        assert logged(m, "resize contractors to 1000") == [20]
        assert logged(m, "contracted size 600 -> 1000") == [20]
        assert all(after[w][0] <= 600 for w in after if w < 20)
        assert before[20][3] == 1000
        assert max(after[w][0] for w in after if w >= 20) > 600  # more fighters than before


def test_resize_down_sends_the_excess_home_at_once_and_zero_ends_the_contract():
    down = spec_with(
        {"type": "resize", "group": "contractors", "size": 250, "week": 20},
        groups__contractors__casualty_aversion=1.0,
    )
    out = spec_with(
        {"type": "resize", "group": "contractors", "size": 0, "week": 20},
        groups__contractors__casualty_aversion=1.0,
    )
    for seed in SEEDS[:3]:
        m, before, after = run_recording(down, seed, _contractors, weeks=26)
        assert before[20][0] <= 250 < after[18][0]  # 600 deployed, 250 from week 20
        assert all(after[w][0] <= 250 for w in after if w >= 20)
        assert after[26][1] in ("deploying", "deployed")  # it stays, smaller
        assert logged(m, "fighters sent home") == [20]

        m, before, after = run_recording(out, seed, _contractors, weeks=26)
        assert after[18][0] > 0
        assert before[20][1] == "leaving"
        assert all(after[w][0] == 0.0 and after[w][1] == "gone" for w in after if w >= 20)
        assert m.groups_by_id["contractors"].leave_reason == "drawdown"
        assert logged(m, "contract ended (drawdown)") == [20]
        assert m.summary()["left_contractors"] == "drawdown"


def test_resize_of_a_pending_group_keeps_its_arrival_week():
    spec = spec_with({"type": "resize", "group": "contractors", "size": 150, "week": 3})
    m, _, after = run_recording(spec, 0, _contractors, weeks=12)
    assert all(after[w][0] == 0.0 for w in after if w < 8)  # arrives in week 8, as before
    assert after[8][0] > 0 and max(a[0] for a in after.values()) <= 150


# --------------------------------------------------------------------------- truce


def test_truce_stops_all_fighting_for_its_weeks_then_the_war_resumes():
    """A 5-week truce from week 10: casualties flat over weeks 10-14, rising again from 15."""
    spec = spec_with(
        {"type": "truce", "duration_weeks": 5, "week": 10},
        termination__base_hazard=0.0,  # no ceasefire of the war's own: only the truce
        termination__mediation_hazard=0.0,
    )
    resumed = 0
    for seed in SEEDS:
        m = ProxyWarModel(spec, rng=seed, weeks=20).run()
        if m.end_week is not None and m.end_week < 15:
            continue  # a war decided before the truce ended says nothing about resuming
        df = m.datacollector.get_model_vars_dataframe()  # row w: the end of week w
        assert logged(m, "truce 5 weeks") == [10]
        assert logged(m, "no fighting in weeks 10-14") == [10]
        assert logged(m, "truce over") == [15]
        assert df["casualties"][9] > df["casualties"][8]  # fighting up to the truce
        assert df["casualties"][14] == df["casualties"][9]  # no combat, no shelling
        assert not df[["posture_RED", "posture_BLUE"]][10:15].isin(["attack"]).any().any()
        resumed += df["casualties"][15] > df["casualties"][14]
        # a truce is not a ceasefire: never counted, never an outcome
        assert m.termination.ceasefires == 0 and not df["ceasefire"].any()
        assert m.outcome != "ceasefire"
    assert resumed >= len(SEEDS) - 1


def test_overlapping_truces_make_one_longer_truce():
    spec = spec_with(
        {"type": "truce", "duration_weeks": 3, "week": 5},
        {"type": "truce", "duration_weeks": 3, "week": 7},
    )
    # after[w]: whether the truce held in week w (truce_on reads the current week)
    m, _, after = run_recording(spec, 0, lambda m: m.termination.truce_on, weeks=12)
    assert [w for w in after if not after[w]] == [1, 2, 3, 4, 10, 11, 12]
    assert logged(m, "truce over") == [10]


# --------------------------------------------------------------------------- bad input


BAD_NEW_TYPES = [
    (
        'type = "transfer"\nplace = "nowhere"\nfaction = "BLUE"\nweek = 3',
        "interventions.0.place: expected a known place, found 'nowhere'",
    ),
    (
        'type = "transfer"\nplace = "west_town"\nfaction = "GREEN"\nweek = 3',
        "interventions.0.faction: expected a known faction, found 'GREEN'",
    ),
    (
        'type = "resize"\ngroup = "contractors"\nweek = 3',
        "interventions.0.size: expected a value, found nothing (required in a resize)",
    ),
    (
        'type = "truce"\nduration_weeks = 0\nweek = 3',
        "interventions.0.duration_weeks: expected a whole number in [1, 5200], found 0",
    ),
    (
        'type = "resize"\ngroup = "contractors"\nsize = 10\nexit_weeks = 3\nweek = 3',
        "interventions.0.exit_weeks: expected only keys a resize uses (group, size), "
        "found exit_weeks = 3",
    ),
]


@pytest.mark.parametrize("body, expected", BAD_NEW_TYPES, ids=[e[1][:32] for e in BAD_NEW_TYPES])
def test_bad_new_interventions_exit_2_with_one_line_naming_file_and_key(tmp_path, body, expected):
    import subprocess
    import sys

    from sim.scenario import SCENARIO_DIR

    bad = tmp_path / "bad.toml"
    teach = (SCENARIO_DIR / TEACH).as_posix()
    bad.write_text(f'extends = "{teach}"\n\n[[interventions]]\n{body}\n')
    run_py = SCENARIO_DIR.parent / "run.py"
    proc = subprocess.run(
        [sys.executable, str(run_py), "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"{bad}: {expected}"]


def test_every_intervention_type_has_its_keys_listed():
    from sim.scenario import INTERVENTION_KEYS, INTERVENTION_TYPES

    assert set(INTERVENTION_KEYS) == set(INTERVENTION_TYPES)


def test_new_interventions_log_their_kind_as_the_scenario_at_the_week_in_force():
    """Through ``model.log_event`` when the model has it (the structured record)."""
    spec = spec_with(
        {"type": "transfer", "place": "west_town", "faction": "BLUE", "week": 3},
        {"type": "resize", "group": "contractors", "size": 0, "week": 4},
        {"type": "truce", "duration_weeks": 2, "week": 5},
    )
    m = ProxyWarModel(spec, rng=0, collect=False, weeks=8)
    rows: list[tuple[int, str, str, str | None]] = []

    def log_event(actor, kind, detail, place=None, week=None):
        rows.append((m.week if week is None else week, actor, kind, place))

    m.log_event = log_event  # what the structured events API offers
    m.run()
    mine = [r for r in rows if r[2] in ("transfer", "resize", "truce")]
    assert mine == [
        (3, "scenario", "transfer", "west_town"),
        (4, "scenario", "resize", None),
        (5, "scenario", "truce", None),
        (7, "scenario", "truce", None),  # the end of the truce
    ]
    assert [r[0] for r in rows if r[2] == "intervention"] == [3, 4, 5]
