"""The model's policy answers have the right sign: sim.experiments.validation's checks as tests.

One module-scoped fixture runs the whole validation suite once
(:func:`sim.experiments.validation.run_validation`, ``VALIDATION_PAIRS`` pairs, two worker
processes, the report's seed, so the tests see what ``docs/validation.md``
shows); each test asserts one check's verdict is PASS, and says in its
docstring which way the mechanism should move the war.

Checks today's model fails are marked ``xfail(strict=False)`` with what was
measured (1,000 pairs, seed 2019): the model core is being redesigned, and a
mark comes off when its check passes. Measured run time of this module at 1,000
pairs on two cores: 75 s on a quiet machine, 120-150 s on a shared one (one
Libya replication takes ~7 ms; the suite runs ~20,000).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from sim.experiments.validation import (
    PASS,
    SEED,
    CaptureWatch,
    CheckResult,
    collect,
    holm,
    run_validation,
    weeks_by,
)

pytestmark = pytest.mark.slow

#: pairs per check; 1,000 is the report's (tune down for a quicker, noisier run)
VALIDATION_PAIRS = 1000
WORKERS = 2


@pytest.fixture(scope="module")
def checks() -> dict[str, CheckResult]:
    """Every check's result, by key, from one run of the suite."""
    return run_validation(pairs=VALIDATION_PAIRS, workers=WORKERS, seed=SEED).by_key()


def _passes(checks: dict[str, CheckResult], key: str) -> None:
    r = checks[key]
    measured = "; ".join(m.value_text() + f" ({m.p_text()})" for m in r.measures)
    assert r.verdict == PASS, f"{r.name}: {r.verdict}: {measured}"


def xfail(reason: str) -> pytest.MarkDecorator:
    """A check today's model fails: ``reason`` says what was measured."""
    return pytest.mark.xfail(strict=False, reason=reason)


# -- 1. Libya what-ifs against the baseline ------------------------------------------------


def test_wagner_withdrawal_moves_the_war_away_from_the_lna(checks):
    """Wagner withdrawn (Jan 2020): P(victory:LNA) lower or the front farther from Tripoli.

    Measured (model v2): front +189.8 km [+171.4, +208.2] at the horizon.
    """
    _passes(checks, "what_if:libya_wagner_withdrawal")


def test_wagner_pullback_moves_the_war_away_from_the_lna(checks):
    """Wagner pulled back to Jufra: P(victory:LNA) lower or the front farther from Tripoli.

    Measured (model v2): front +167.7 km [+149.2, +186.1].
    """
    _passes(checks, "what_if:libya_wagner_pullback")


def test_wagner_sanctions_move_the_war_away_from_the_lna(checks):
    """Wagner sanctioned (Dec 2019): P(victory:LNA) lower or the front farther from Tripoli.

    Measured (model v2): front +185.4 km [+167.4, +203.3].
    """
    _passes(checks, "what_if:libya_wagner_sanctions")


def test_uae_drones_halt_moves_the_war_away_from_the_lna(checks):
    """UAE drones halted: P(victory:LNA) lower or the front farther from Tripoli.

    Measured (model v2): front +406.9 km [+385.5, +428.3].
    """
    _passes(checks, "what_if:libya_uae_drones_halt")


def test_france_egypt_step_back_moves_the_war_away_from_the_lna(checks):
    """France and Egypt step back: P(victory:LNA) lower or the front farther from Tripoli.

    Measured (1,000 pairs, seed 2019, after advisers are recalled and garrisons drawn to the
    front): front at the horizon +13.8 km [+0.5, +27.2], p = 0.043 — a narrow pass. The exit
    speeds the LNA's collapse more than it extends it (+16.8 km on 2 Apr 2020); by April 2021
    most runs in either arm sit at Jufra (573 km), a ceiling of the front, and with root seed 0
    the horizon difference is +4.6 km [-8.1, +17.3]. P(victory:LNA) cannot move: the LNA's
    victories come before the exit.
    """
    _passes(checks, "what_if:libya_france_egypt_step_back")


def test_turkey_surge_moves_the_war_away_from_the_lna(checks):
    """Turkey's surge (more support to the GNA): P(victory:LNA) lower or the front farther."""
    _passes(checks, "what_if:libya_turkey_surge")


def test_berlin_binding_differs_from_the_conference(checks):
    """Binding the UAE and Russia to the Berlin conference changes an outcome share or duration."""
    _passes(checks, "what_if:libya_berlin_binding")


# -- 2. stylised facts -------------------------------------------------------------------


def test_fact1_support_to_both_sides_vs_one_sided(checks):
    """Support to both sides (baseline) vs the LNA's only: longer wars and more stalemates."""
    _passes(checks, "fact1:libya_one_sided_support")


def test_fact1_support_to_both_sides_vs_none(checks):
    """Support to both sides (baseline) vs none at all: longer wars and more stalemates."""
    _passes(checks, "fact1:libya_no_foreign_support")


def test_fact2_uae_withdrawal_shifts_outcomes_toward_the_gna(checks):
    """The UAE (the LNA's main backer) leaves: P(victory:GNA) up, the front farther away.

    Measured (model v2): P(victory:GNA) +0.031 [+0.020, +0.042]; front +376.8 km.
    """
    _passes(checks, "fact2:uae")


def test_fact2_turkey_withdrawal_shifts_outcomes_toward_the_lna(checks):
    """Turkey (the GNA's main backer) leaves: P(victory:GNA) down, the front nearer Tripoli.

    Measured (model v2): P(victory:LNA) +0.010 [+0.004, +0.016]; front -190.2 km.
    """
    _passes(checks, "fact2:turkey")


def test_fact3_wagner_multiplies_force_where_it_fights(checks):
    """In Wagner's first week of fighting the GNA loses more at Wagner's place than without it.

    Measured (model v2): +11 GNA fighters lost there [+7, +15] (lockstep pairs).
    """
    _passes(checks, "fact3:wagner")


def test_fact4_sanctions_act_with_a_lag(checks):
    """Sanctioned and baseline runs are identical until the bite; the front moves later.

    Measured: first difference in week 43 (the bite week) in 0 pairs earlier; first
    significant front difference in week 51 (+0.1 km, p = 0.047: borderline).
    """
    _passes(checks, "fact4:sanctions_lag")


def test_fact5_victory_hazard_is_higher_early(checks):
    """Victories per war-week at risk are more frequent in the first half of the horizon."""
    _passes(checks, "fact5:hazard")


# -- 3. monotone ------------------------------------------------------------------------


def test_lna_victories_do_not_fall_as_its_fighters_rise(checks):
    """P(victory:LNA) rises (Kendall τ > 0) with the LNA's fighters, no level drops > 2 s.e.

    Measured (model v2): τ = 0.269; P(victory:LNA) 0.003 … 0.245 from 15k to 35k.
    """
    _passes(checks, "monotone:lna_fighters")


@xfail(
    "measured: P(victory:LNA) 0.045, 0.045, 0.045, 0.048, 0.050 from 0 to 2,400 fighters "
    "(5 x 400 runs; Kendall tau 0.008, p 0.71): almost every LNA victory comes in the first "
    "weeks, before Wagner arrives in September 2019; the front at the horizon moves nearer "
    "Tripoli with every level (496, 467, 428, 422, 385 km; context row)"
)
def test_lna_victories_do_not_fall_as_wagner_grows(checks):
    """P(victory:LNA) rises (Kendall τ > 0) with Wagner's size, no level drops > 2 s.e."""
    _passes(checks, "monotone:wagner_size")


# -- 4. a war can turn --------------------------------------------------------------------


def test_a_war_can_turn(checks):
    """Every LNA backer gone in week 4: the GNA pushes the front back to ≥ 80 km in most runs."""
    _passes(checks, "turn:lna_backers_leave")


# -- 5. calibration --------------------------------------------------------------------


def test_calibration_suburbs_within_weeks(checks):
    """The LNA reaches the southern suburbs (front ≤ 30 km) within 6 weeks in most runs.

    Measured (model v2): 0.999 [0.994, 1.000].
    """
    _passes(checks, "calib:suburbs")


def test_calibration_gnas_retakes_gharyan(checks):
    """The GNA retakes Gharyan by 31 August 2019 in ≥ 30 % of runs.

    Measured (300 pairs, root seed 2019): 0.463 [0.408, 0.520], since the LNA
    draws the garrisons of its forward places to the Tripoli front
    (``factions.LNA.garrison_draw``; 0.230 without).
    """
    _passes(checks, "calib:gharyan")


def test_calibration_front_band_on_5_december(checks):
    """On 5 December 2019 the front is 10-40 km from central Tripoli in ≥ 60 % of runs.

    Measured (model v2): 0.856 [0.833, 0.876].
    """
    _passes(checks, "calib:front_band")


def test_calibration_tripoli_not_fallen(checks):
    """On 5 December 2019 Tripoli has not fallen in ≥ 85 % of runs. Measured: 0.944."""
    _passes(checks, "calib:not_fallen")


def test_calibration_casualties_of_the_who_order(checks):
    """Killed and wounded by early July 2019: median within a factor 2 of the WHO's 6,606.

    Measured (model v2): median 5,685 [5,639, 5,738].
    """
    _passes(checks, "calib:casualties")


def test_calibration_wagner_at_the_front(checks):
    """Wagner has 800-1,400 fighters at the front by the end of 2019 in ≥ 60 % of runs.

    Measured (model v2): 0.910 [0.891, 0.926].
    """
    _passes(checks, "calib:wagner")


def test_calibration_the_lna_can_win(checks):
    """P(victory:LNA) over the horizon is at least 0.05."""
    _passes(checks, "calib:lna_can_win")


# -- the machinery --------------------------------------------------------------------


def test_every_check_has_a_test(checks):
    """A new check in sim.experiments.validation needs a test here (the keys are the contract)."""
    tested = {
        "what_if:libya_wagner_withdrawal",
        "what_if:libya_wagner_pullback",
        "what_if:libya_wagner_sanctions",
        "what_if:libya_uae_drones_halt",
        "what_if:libya_france_egypt_step_back",
        "what_if:libya_turkey_surge",
        "what_if:libya_berlin_binding",
        "fact1:libya_one_sided_support",
        "fact1:libya_no_foreign_support",
        "fact2:uae",
        "fact2:turkey",
        "fact3:wagner",
        "fact4:sanctions_lag",
        "fact5:hazard",
        "monotone:lna_fighters",
        "monotone:wagner_size",
        "turn:lna_backers_leave",
        "calib:suburbs",
        "calib:gharyan",
        "calib:front_band",
        "calib:not_fallen",
        "calib:casualties",
        "calib:wagner",
        "calib:lna_can_win",
    }
    assert set(checks) == tested


def test_records_do_not_depend_on_the_number_of_workers():
    """One process or two: the same runs, in the same order (the report is reproducible)."""
    one = collect(pairs=3, seed=5, workers=1, level_runs=2)
    two = collect(pairs=3, seed=5, workers=2, level_runs=2)
    for arm in one.records:
        a, b = one.records[arm], two.records[arm]
        assert [(r.replicate, r.outcome, r.end_week) for r in a] == [
            (r.replicate, r.outcome, r.end_week) for r in b
        ]
        assert all((x.front == y.front).all() for x, y in zip(a, b, strict=True))
    assert one.lockstep == two.lockstep


def test_capture_watch_reads_the_event_log_when_the_model_has_one():
    """With ``model.events`` captures come from its "capture" events, then from the map.

    A place that changed hands with no capture event (given up, handed over) still counts.
    """
    event = SimpleNamespace
    theatre = SimpleNamespace(holder=["GNA", "LNA", "LNA"], ids=("tripoli", "gharyan", "aziziya"))
    model = SimpleNamespace(week=3, theatre=theatre, events=[])
    watch = CaptureWatch(model)
    theatre.holder[:] = ["LNA", "GNA", "GNA"]  # aziziya changes hands without a capture event
    model.events += [
        event(week=3, actor="GNA", kind="capture", detail="", place="gharyan"),
        event(week=3, actor="LNA", kind="withdraw", detail="", place=None),
        event(week=3, actor="LNA", kind="capture", detail="", place=0),
    ]
    got = watch.poll()
    assert [(c.week, c.actor, c.place) for c in got] == [
        (3, "GNA", "gharyan"),
        (3, "LNA", "tripoli"),
        (3, "GNA", "aziziya"),
    ]
    assert watch.poll() == []


def test_capture_watch_falls_back_to_the_map():
    """Without an event log captures are the places whose holder changed since the last poll."""
    theatre = SimpleNamespace(holder=["GNA", "LNA"], ids=("tripoli", "gharyan"))
    model = SimpleNamespace(week=1, theatre=theatre)
    watch = CaptureWatch(model)
    theatre.holder[1] = "GNA"
    model.week = 2
    assert [tuple(c) for c in watch.poll()] == [(2, "GNA", "gharyan")]
    assert watch.poll() == []


def test_dates_are_weeks_completed():
    """5 Dec 2019 ends week 35 (as in sim.experiments.calibration), 4 July 2019 week 13."""
    spec = SimpleNamespace(week_of=lambda d: (d - dt.date(2019, 4, 4)).days // 7 + 1)
    assert weeks_by(spec, dt.date(2019, 12, 5)) == 35
    assert weeks_by(spec, dt.date(2019, 7, 4)) == 13


def test_holm_adjustment():
    """Holm's step-down: the smallest p times m, then monotone."""
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
