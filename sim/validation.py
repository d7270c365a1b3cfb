"""Validation: does the model give policy answers with the right sign?

A model used for "what if we sanction the contractor?" must at least move the
war the way its mechanisms say it should: take support away from a side and
that side should do no better; add it and it should do no worse. This module
runs those checks on the Libya 2019 scenario and writes ``docs/validation.md``.

Design:

* **Paired, seeded replications** (common random numbers). Replicate ``i`` of
  every arm uses the seed :func:`sim.sweep.replicate_seed` gives it, so a
  difference between two arms is the policy's, not the dice's. Paired
  differences of outcome shares and of numbers use
  :func:`sim.compare.paired_outcomes` and :func:`sim.compare.paired_interval`
  (Student's t on the per-pair differences); the p-value of a share is the
  exact McNemar test on the discordant pairs (``scipy.stats.binomtest``).
* **One run, many measures.** Every run of an arm is recorded once
  (:class:`RunRecord`: outcome, end week, weekly front, captures, values on the
  calibration dates) and shared by the checks that need it.
* **Verdicts.** ``PASS``: the measured effect has the sign the mechanism
  predicts and is significant at 95 % (or a calibration share reaches its
  target); ``WRONG SIGN``: a significant effect the other way; ``FAIL``:
  neither (no significant effect, a target missed).

Python use::

    from sim.validation import run_validation, write_report
    report = run_validation(pairs=200, workers=2)
    for r in report.results:
        print(r.section, r.name, r.verdict)
    write_report(report, "docs/validation.md")

Command line: ``python -m sim.validation [--pairs N] [--workers N] [--seed N]
[--out PATH]`` or ``python run.py validate-model ...``. A run depends only on
its scenario, its seed and the code, so the report is the same for any number
of workers.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibration import FRONT_BAND_KM, TARGET_DATE, WHO_CASUALTIES_13_WEEKS
from sim.compare import paired_interval, paired_outcomes
from sim.faults import die_with_parent
from sim.model import ProxyWarModel
from sim.scenario import SCENARIO_DIR, ScenarioSpec, load_scenario
from sim.sweep import _git_revision, _mp_context, replicate_seed

ROOT = Path(__file__).resolve().parent.parent

#: pairs (replicates per arm) per check
PAIRS = 1000
#: runs per level of a monotonicity check, as a share of ``pairs`` (400 of 1,000)
LEVEL_SHARE = 0.4
#: root seed of every arm
SEED = 2019
#: worker processes by default (the machine is shared)
WORKERS = 2
#: the report's default path, relative to the repository
OUT = Path("docs") / "validation.md"
#: replicates per task sent to a worker
CHUNK = 25
ALPHA = 0.05

PASS, FAIL, WRONG = "PASS", "FAIL", "WRONG SIGN"
VERDICTS = (PASS, FAIL, WRONG)

BASELINE = "libya_2019.toml"
ATTACKER, DEFENDER = "LNA", "GNA"
V_LNA, V_GNA = "victory:LNA", "victory:GNA"
LABELS = (V_LNA, V_GNA, "ceasefire", "stalemate")

#: what-ifs that take support away from the LNA
LNA_CUTS = (
    "libya_wagner_withdrawal",
    "libya_wagner_pullback",
    "libya_wagner_sanctions",
    "libya_uae_drones_halt",
    "libya_france_egypt_step_back",
)
#: what-ifs that add support to the GNA
GNA_ADDS = ("libya_turkey_surge",)
#: the monotonicity levels: LNA fighters, and Wagner's contracted size
LNA_FIGHTERS = (15000, 20000, 25000, 30000, 35000)
WAGNER_SIZES = (0, 600, 1200, 1800, 2400)
#: the date of the withdrawals built here (as the other January 2020 what-ifs)
WITHDRAWAL_DATE = dt.date(2020, 1, 6)

# calibration targets, known by 5 December 2019
#: the LNA reaches Tripoli's southern suburbs (the airport, ~25 km) within weeks
SUBURBS_KM, SUBURBS_WEEKS, SUBURBS_SHARE = 30.0, 6, 0.5
#: the GNA retook Gharyan on 26 June 2019; target: by the end of August in >= 30 %
GHARYAN, GHARYAN_BY, GHARYAN_SHARE = "gharyan", dt.date(2019, 8, 31), 0.3
#: on 5 December 2019: the front 10-40 km from the centre, Tripoli not fallen
BAND_SHARE, NOT_FALLEN_SHARE = 0.6, 0.85
#: WHO, early July 2019: 1,048 killed and 5,558 wounded; a median within a factor 2
WHO_DATE, WHO_FACTOR = dt.date(2019, 7, 4), 2.0
#: US DoD IG: 800-1,400 Wagner fighters at the front by the end of 2019
WAGNER_BY, WAGNER_BAND, WAGNER_SHARE = dt.date(2019, 12, 31), (800.0, 1400.0), 0.6
#: the LNA can win: P(victory:LNA) over the horizon at least this
LNA_WIN_SHARE = 0.05
#: a war can turn: the front pushed back to 80 km (Gharyan) or more in most runs
START_LINE_KM, TURN_SHARE = 80.0, 0.5


# -- dates --------------------------------------------------------------------------


def weeks_by(spec: ScenarioSpec, date: dt.date) -> int:
    """Weeks completed by ``date``: the last week whose end (``spec.date_of``) is on or before it.

    Why not ``spec.week_of(date)``: that is the week *in which* the date falls
    (``week_of(date) - 1`` here, as in :mod:`sim.calibration`); a value "on 5
    December" is the state at the end of the last week finished by then.
    """
    return max(0, spec.week_of(date) - 1)


# -- captures: from the event log when the model has one, else from the map ------------


class Capture(NamedTuple):
    """A place changing hands: the week, the capturing faction, the place id."""

    week: int
    actor: str
    place: str


class CaptureWatch:
    """The captures of a run, week by week, whichever model core runs it.

    Why an adapter: the redesigned core records ``model.events``, a list of
    ``Event(week, actor, kind, detail, place)`` (kind ``"capture"``, actor the
    capturing faction, place a place id); today's core has no such list, so
    captures are found by comparing ``model.theatre.holder`` after each week.
    With an event log, its captures come first; a place that changed hands
    without one (given up, handed over) still counts, from the map, so both
    cores give the same record. Call :meth:`poll` after every ``model.step()``.
    """

    def __init__(self, model: Any):
        self.model = model
        self._seen = 0
        self._holder = list(model.theatre.holder)

    def poll(self) -> list[Capture]:
        """Captures since the last call."""
        m = self.model
        th = m.theatre
        out: list[Capture] = []
        events = getattr(m, "events", None)
        if isinstance(events, list):
            new, self._seen = events[self._seen :], len(events)
            out = [
                Capture(int(e.week), str(e.actor), self._place_id(e.place))
                for e in new
                if getattr(e, "kind", None) == "capture"
            ]
        logged = {c.place for c in out}
        out += [
            Capture(m.week, now, th.ids[i])
            for i, (was, now) in enumerate(zip(self._holder, th.holder, strict=True))
            if was != now and th.ids[i] not in logged
        ]
        self._holder = list(th.holder)
        return out

    def _place_id(self, place: Any) -> str:
        return self.model.theatre.ids[place] if isinstance(place, int) else str(place)


# -- one run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRecord:
    """What one replication of one arm gives every check.

    Attributes:
        arm: the arm's label.
        replicate: the replicate number (its seed is ``replicate_seed(seed, replicate)``).
        outcome: ``victory:X``, ``ceasefire`` or ``stalemate``.
        end_week: the week the run ended, capped at the horizon.
        front: front distance (km) for weeks ``0..horizon``; after an early end
            the state at the end holds (the series is padded with its last value).
        casualties_who: killed and wounded on all sides by the WHO count's date.
        wagner_end2019: Wagner fighters at the front by the end of 2019 (NaN
            without a Wagner group).
        captures: every place that changed hands.
        trace: one hash of the whole state per week ``0..horizon`` (only for
            arms traced to find the first week two arms differ), else None.
    """

    arm: str
    replicate: int
    outcome: str
    end_week: int
    front: np.ndarray
    casualties_who: float
    wagner_end2019: float
    captures: tuple[Capture, ...]
    trace: np.ndarray | None = None


def state_hash(model: ProxyWarModel, groups: bool = True) -> int:
    """A hash of the model's state, to tell whether two paired runs still agree.

    Only numbers are hashed (a string's hash differs between processes); who
    holds what enters as a bit mask of the attacker's places.
    """
    vals: list[float] = [model.front_km, float(model.theatre.version)]
    att = model.attacker_id
    vals.append(float(sum(1 << i for i, h in enumerate(model.theatre.holder) if h == att)))
    for f in model.factions:
        vals += [f.fighters, f.morale, f.cohesion, f.funds, f.casualties]
        vals += [f.drones, f.equipment, f.advisers, f.air_defence]
    if groups:
        for g in model.groups:
            vals += [g.fighters, g.arrears, g.losses]
        for b in model.backers:
            vals += [b.spent, b.level, b.resolve]
    return hash(tuple(vals))


def wagner_at_front(model: ProxyWarModel) -> float:
    """Wagner fighters in theatre at the main effort (0 when gone or stationed elsewhere)."""
    g = model.groups_by_id.get("wagner")
    if g is None:
        return math.nan
    at_front = model.theatre.index.get(g.station) is None  # no named place: the main effort
    return float(g.fighters) if g.active and at_front else 0.0


def _pad(values: Sequence[float], horizon: int, first: float) -> np.ndarray:
    """Weeks ``0..horizon``: ``first``, then ``values`` cut or padded with their last."""
    out = np.empty(horizon + 1, dtype=float)
    out[0] = first
    n = min(len(values), horizon)
    out[1 : n + 1] = values[:n]
    out[n + 1 :] = values[n - 1] if n else first
    return out


def run_record(
    spec: ScenarioSpec, arm: str, replicate: int, seed: int, trace: bool = False
) -> RunRecord:
    """Run one replication week by week and record what the checks read."""
    m = ProxyWarModel(spec, rng=seed, collect=False)
    w_who, w_2019 = weeks_by(spec, WHO_DATE), weeks_by(spec, WAGNER_BY)
    watch = CaptureWatch(m)
    start = m.front_km
    hashes = [state_hash(m)] if trace else []
    captures: list[Capture] = []
    cas, wag = math.nan, math.nan
    while m.running:
        m.step()
        captures += watch.poll()
        if trace:
            hashes.append(state_hash(m))
        if m.week == w_who:
            cas = m.total_casualties()
        if m.week == w_2019:
            wag = wagner_at_front(m)
    if m.week < w_who:  # ended before the date: the state at the end holds
        cas = m.total_casualties()
    if m.week < w_2019:
        wag = wagner_at_front(m)
    tr = None
    if trace:
        tr = np.array(hashes[: m.horizon + 1], dtype=np.int64)
        tr = np.pad(tr, (0, m.horizon + 1 - tr.size), mode="edge")
    return RunRecord(
        arm=arm,
        replicate=replicate,
        outcome=m.outcome or "stalemate",
        end_week=min(int(m.end_week if m.end_week is not None else m.week), m.horizon),
        front=_pad(m.front_series, m.horizon, start),
        casualties_who=float(cas),
        wagner_end2019=float(wag),
        captures=tuple(captures),
        trace=tr,
    )


@dataclass(frozen=True)
class LockstepRecord:
    """Wagner's first week of fighting, with and without Wagner (stylised fact 3).

    The two runs share their seed and are identical until Wagner touches the
    war; in the week it first fights (its place is attacked, by or against
    it), the enemy's losses and the capture at its place are compared with the
    run without it, at the same place in the same week.

    Attributes:
        replicate: the replicate number.
        week: the first week Wagner fought (None: never).
        place: its place that week.
        diverged: the runs differed (apart from Wagner itself and its pay)
            before that week.
        enemy_loss: GNA fighters lost at Wagner's place that week (with, without).
        taken: the LNA took that place that week (with, without).
        elsewhere: GNA fighters lost at every other place that week (with, without).
    """

    replicate: int
    week: int | None
    place: str | None
    diverged: bool
    enemy_loss: tuple[float, float] = (math.nan, math.nan)
    taken: tuple[bool, bool] = (False, False)
    elsewhere: tuple[float, float] = (math.nan, math.nan)


def _losses_of(model: ProxyWarModel, fid: str, at: int | None) -> tuple[float, float]:
    """``fid``'s fighters lost this week at place ``at``, and at every other place."""
    here = there = 0.0
    for e in model.engagements:
        lost = (e.x0 - e.x1) if e.attacker == fid else (e.y0 - e.y1)
        if e.place == at:
            here += lost
        else:
            there += lost
    return here, there


def lockstep_record(
    with_spec: ScenarioSpec, without_spec: ScenarioSpec, replicate: int, seed: int
) -> LockstepRecord:
    """Step both arms together to Wagner's first fight and compare that week at its place."""
    m1 = ProxyWarModel(with_spec, rng=seed, collect=False)
    m0 = ProxyWarModel(without_spec, rng=seed, collect=False)
    g = m1.groups_by_id["wagner"]
    diverged = False
    while m1.running and m0.running:
        before = g.losses
        m1.step()
        m0.step()
        loc = g.location
        fought = loc is not None and (g.active or g.losses > before)
        if fought and any(e.place == loc for e in m1.engagements):
            h1, e1 = _losses_of(m1, DEFENDER, loc)
            h0, e0 = _losses_of(m0, DEFENDER, loc)
            took = [
                any(e.place == loc and e.attacker == ATTACKER and e.captured for e in m.engagements)
                for m in (m1, m0)
            ]
            return LockstepRecord(
                replicate,
                m1.week,
                m1.theatre.ids[loc],
                diverged,
                (h1, h0),
                (took[0], took[1]),
                (e1, e0),
            )
        if state_hash(m1, groups=False) != state_hash(m0, groups=False):
            diverged = True
    return LockstepRecord(replicate, None, None, diverged)


# -- the arms and their execution ----------------------------------------------------------


@dataclass(frozen=True)
class Arm:
    """One arm: a loaded scenario, how it was made, how many replicates, traced or not."""

    label: str
    spec: ScenarioSpec
    origin: str
    reps: int
    trace: bool = False


def _scenario(name: str) -> Path:
    return SCENARIO_DIR / f"{name}.toml"


def _withdraw_at(backer: str, date: dt.date) -> dict[str, Any]:
    return {
        "type": "withdraw",
        "backer": backer,
        "at": date,
        "description": f"{backer} ends all its support",
    }


def build_arms(pairs: int, level_runs: int) -> dict[str, Arm]:
    """Every arm the checks need, keyed by label (the scenario name)."""
    base = load_scenario(_scenario("libya_2019"))
    arms: dict[str, Arm] = {}

    def add(spec: ScenarioSpec, origin: str, reps: int, trace: bool = False) -> None:
        arms[spec.name] = Arm(spec.name, spec, origin, reps, trace)

    def rel(name: str) -> str:
        return f"`scenarios/{name}.toml`"

    add(base, rel("libya_2019"), pairs, trace=True)
    files = (
        *LNA_CUTS,
        *GNA_ADDS,
        "libya_berlin_conference",
        "libya_berlin_binding",
        "libya_one_sided_support",
        "libya_no_foreign_support",
        "libya_lna_backers_leave",
    )
    for name in files:
        add(
            load_scenario(_scenario(name)), rel(name), pairs, trace=name == "libya_wagner_sanctions"
        )
    for backer in ("uae", "turkey"):
        name = f"libya_{backer}_withdraws"
        iv = _withdraw_at(backer, WITHDRAWAL_DATE)
        spec = load_scenario(base, {"name": name, "interventions": [iv]})
        add(spec, f"baseline + `withdraw` of {backer} (all channels) on {WITHDRAWAL_DATE}", pairs)
    for x in LNA_FIGHTERS:
        spec = load_scenario(base, {"name": f"libya_lna_fighters_{x}", "factions.LNA.fighters": x})
        add(spec, f"baseline with `factions.LNA.fighters = {x}`", level_runs)
    for x in WAGNER_SIZES:
        spec = load_scenario(base, {"name": f"libya_wagner_size_{x}", "groups.wagner.size": x})
        add(spec, f"baseline with `groups.wagner.size = {x}`", level_runs)
    return arms


NO_WAGNER = "libya_no_wagner"


def no_wagner(base: ScenarioSpec) -> ScenarioSpec:
    """The baseline without Wagner (its contract size 0): the lockstep partner."""
    return load_scenario(base, {"name": NO_WAGNER, "groups.wagner.size": 0})


class Task(NamedTuple):
    """A chunk of work for one worker: ``kind`` is ``"run"`` or ``"lockstep"``."""

    kind: str
    arm: str
    replicates: tuple[int, ...]
    seed: int
    trace: bool


_WORKER_SPECS: dict[str, ScenarioSpec] | None = None


def _init_worker(specs: dict[str, ScenarioSpec]) -> None:
    """Process-pool initializer: the loaded scenarios, once per worker (ends with the parent)."""
    global _WORKER_SPECS
    _WORKER_SPECS = specs
    die_with_parent()


def run_task(task: Task, specs: Mapping[str, ScenarioSpec] | None = None) -> list[Any]:
    """Run a chunk of replications (in a worker, or here when ``specs`` is given)."""
    table = specs if specs is not None else _WORKER_SPECS
    if table is None:
        raise RuntimeError("run_task: no scenarios (worker not initialised)")
    out: list[Any] = []
    for rep in task.replicates:
        seed = replicate_seed(task.seed, rep)
        if task.kind == "lockstep":
            out.append(lockstep_record(table[task.arm], table[NO_WAGNER], rep, seed))
        else:
            out.append(run_record(table[task.arm], task.arm, rep, seed, task.trace))
    return out


@dataclass
class Runs:
    """Every recorded run, by arm and replicate, and the lockstep pairs."""

    arms: dict[str, Arm]
    records: dict[str, list[RunRecord]]
    lockstep: list[LockstepRecord]
    pairs: int
    level_runs: int
    seed: int

    def outcomes(self, arm: str) -> list[str]:
        """Outcomes of an arm's runs, by replicate."""
        return [r.outcome for r in self.records[arm]]

    def front_end(self, arm: str) -> np.ndarray:
        """Front distance (km) at the horizon (the end of the run when it ended earlier)."""
        return np.array([r.front[-1] for r in self.records[arm]])

    def end_weeks(self, arm: str) -> np.ndarray:
        """War duration (weeks, capped at the horizon)."""
        return np.array([r.end_week for r in self.records[arm]], dtype=float)


def _tasks(arms: Mapping[str, Arm], pairs: int, seed: int) -> list[Task]:
    tasks: list[Task] = []
    for arm in arms.values():
        for lo in range(0, arm.reps, CHUNK):
            reps = tuple(range(lo, min(arm.reps, lo + CHUNK)))
            tasks.append(Task("run", arm.label, reps, seed, arm.trace))
    base = next(iter(arms))
    for lo in range(0, pairs, CHUNK):
        tasks.append(Task("lockstep", base, tuple(range(lo, min(pairs, lo + CHUNK))), seed, False))
    return tasks


def collect(
    pairs: int = PAIRS,
    seed: int = SEED,
    workers: int = WORKERS,
    level_runs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Runs:
    """Run every arm (``workers`` processes at most) and gather the records by replicate.

    The result does not depend on ``workers``: each replication depends only
    on its scenario and seed, and records are put back in replicate order.
    """
    level_runs = level_runs if level_runs is not None else max(2, round(pairs * LEVEL_SHARE))
    arms = build_arms(pairs, level_runs)
    base = next(iter(arms.values())).spec
    specs = {label: a.spec for label, a in arms.items()}
    specs[NO_WAGNER] = no_wagner(base)
    tasks = _tasks(arms, pairs, seed)
    results: list[list[Any]] = [[] for _ in tasks]
    done = 0
    if workers <= 1:
        for i, t in enumerate(tasks):
            results[i] = run_task(t, specs)
            done += 1
            if progress and done % 40 == 0:
                progress(f"{done}/{len(tasks)} tasks")
    else:
        with cf.ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            mp_context=_mp_context(),
            initializer=_init_worker,
            initargs=(specs,),
        ) as pool:
            futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
            for fut in cf.as_completed(futures):
                results[futures[fut]] = fut.result()
                done += 1
                if progress and done % 40 == 0:
                    progress(f"{done}/{len(tasks)} tasks")
    records: dict[str, list[RunRecord]] = {label: [] for label in arms}
    lockstep: list[LockstepRecord] = []
    for t, res in zip(tasks, results, strict=True):
        if t.kind == "lockstep":
            lockstep += res
        else:
            records[t.arm] += res
    for recs in records.values():
        recs.sort(key=lambda r: r.replicate)
    lockstep.sort(key=lambda r: r.replicate)
    return Runs(arms, records, lockstep, pairs, level_runs, seed)


# -- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One measured quantity of a check, with its interval and test.

    Attributes:
        name: what is measured (e.g. ``ΔP(victory:LNA)``).
        estimate: the point estimate.
        low: lower end of its 95 % interval.
        high: upper end.
        p_value: the test's p-value (NaN where no test applies).
        test: the test or interval method.
        expect: the sign the mechanism predicts: ``"up"``, ``"down"``,
            ``"differ"`` (any significant difference) or ``"none"`` (no
            significant difference).
        unit: ``"p"`` (a probability or share), ``"km"``, ``"weeks"``, or any
            other text printed after the number.
        decides: whether the verdict reads it (otherwise shown for context).
        text: a description replacing the number, when it is not one.
        null: the value of "no effect" (0 for a difference, 1 for a ratio).
    """

    name: str
    estimate: float
    low: float
    high: float
    p_value: float
    test: str
    expect: str = "up"
    unit: str = "p"
    decides: bool = True
    text: str = ""
    null: float = 0.0

    @property
    def significant(self) -> bool:
        """The test rejects no effect at 5 %."""
        return bool(np.isfinite(self.p_value) and self.p_value < ALPHA)

    @property
    def sign(self) -> int:
        """+1 or -1 for a significant effect, 0 otherwise."""
        if not self.significant:
            return 0
        return 1 if self.estimate > self.null else -1 if self.estimate < self.null else 0

    @property
    def right(self) -> bool:
        """Significant in the predicted direction."""
        want = {"up": 1, "down": -1}.get(self.expect)
        if want is not None:
            return self.sign == want
        if self.expect == "differ":
            return self.significant
        return not self.significant

    @property
    def wrong(self) -> bool:
        """Significant against the predicted direction."""
        want = {"up": 1, "down": -1}.get(self.expect)
        return want is not None and self.sign == -want

    def value_text(self) -> str:
        """The estimate with its interval, for the report."""
        if self.text:
            return f"{self.name}: {self.text}"
        return (
            f"{self.name} {_num(self.estimate, self.unit)} [{_ci(self.low, self.high, self.unit)}]"
        )

    def p_text(self) -> str:
        """The p-value and its test, for the report."""
        if not np.isfinite(self.p_value):
            return f"– ({self.test})" if self.test else "–"
        return f"{_p(self.p_value)} ({self.test})"


@dataclass(frozen=True)
class CheckResult:
    """One check: what the mechanism predicts, what was measured, and the verdict."""

    section: str
    key: str
    name: str
    expectation: str
    measures: tuple[Measure, ...]
    pairs: int
    verdict: str
    note: str = ""


@dataclass
class ValidationReport:
    """Every check's result, and how they were obtained."""

    results: list[CheckResult]
    pairs: int
    level_runs: int
    seed: int
    workers: int
    seconds: float
    started: dt.datetime
    revision: dict[str, Any]
    arms: dict[str, str] = field(default_factory=dict)

    def by_key(self) -> dict[str, CheckResult]:
        """Results keyed by their stable key (what the tests look up)."""
        return {r.key: r for r in self.results}


def _num(x: float, unit: str) -> str:
    if not np.isfinite(x):
        return "n/a"
    if unit == "p":
        return f"{x:+.3f}" if x != 0 else "0.000"
    if unit in ("km", "weeks"):
        return f"{x:+.1f} {unit}"
    if unit == "share":
        return f"{x:.3f}"
    if unit == "ratio":
        return f"{x:.2f}"
    if unit == "fighters":
        return f"{x:+.0f}"
    return f"{x:.4g}{unit}"


def _ci(lo: float, hi: float, unit: str) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "n/a"
    if unit in ("km", "weeks"):
        return f"{lo:+.1f}, {hi:+.1f}"
    if unit in ("share", "ratio"):
        return f"{lo:.3f}, {hi:.3f}" if unit == "share" else f"{lo:.2f}, {hi:.2f}"
    if unit == "fighters":
        return f"{lo:+.0f}, {hi:+.0f}"
    if unit == "p":
        return f"{lo:+.3f}, {hi:+.3f}"
    return f"{lo:.4g}, {hi:.4g}"


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _p(p: float) -> str:
    if p < 1e-4:
        return "p < 1e-4"
    return f"p = {p:.2g}" if p < 0.01 else f"p = {p:.3f}"


# -- statistics (the paired machinery of sim.compare, exact tests from scipy) -------------


def mcnemar_p(only_base: int, only_alt: int) -> float:
    """Exact McNemar test: the discordant pairs split 50:50 under no effect."""
    n = only_base + only_alt
    return 1.0 if n == 0 else float(stats.binomtest(only_alt, n, 0.5).pvalue)


def paired_share(
    base: Sequence[str],
    alt: Sequence[str],
    label: str,
    expect: str = "up",
    decides: bool = True,
    name: str | None = None,
) -> Measure:
    """Paired difference of P(outcome = label), alternative minus baseline."""
    pairs = pd.DataFrame({"outcome_base": list(base), "outcome_alt": list(alt)})
    row = paired_outcomes(pairs, "base", "alt", [label]).iloc[0]
    p = mcnemar_p(int(row["only_baseline"]), int(row["only_alternative"]))
    return Measure(
        name or f"ΔP({label})",
        float(row["difference"]),
        float(row["ci_low"]),
        float(row["ci_high"]),
        p,
        f"McNemar exact, {int(row['only_baseline'])}/{int(row['only_alternative'])} discordant",
        expect,
        "p",
        decides,
    )


def paired_number(
    base: Sequence[float] | np.ndarray,
    alt: Sequence[float] | np.ndarray,
    name: str,
    unit: str,
    expect: str = "up",
    decides: bool = True,
) -> Measure:
    """Paired mean difference of a number, alternative minus baseline (t interval and test)."""
    d = np.asarray(alt, dtype=float) - np.asarray(base, dtype=float)
    d = d[np.isfinite(d)]
    low, high = paired_interval(d)
    if d.size < 2:
        p = math.nan
    elif np.all(d == d[0]):
        p = 1.0 if d[0] == 0 else 0.0  # every pair moved by the same amount: no doubt
    else:
        p = float(stats.ttest_1samp(d, 0.0).pvalue)
    est = float(d.mean()) if d.size else math.nan
    return Measure(name, est, low, high, p, "paired t", expect, unit, decides)


def wilson_share(hits: Sequence[bool] | np.ndarray, target: float, name: str) -> Measure:
    """A share with its Wilson interval, against a target it should reach.

    The p-value is the exact binomial test of "the share is at least the
    target" (small: the model falls significantly short of it).
    """
    x = np.asarray(hits, dtype=bool)
    k, n = int(x.sum()), int(x.size)
    ci = stats.binomtest(k, n).proportion_ci(method="wilson")  # two-sided 95 %
    p = stats.binomtest(k, n, target, alternative="less").pvalue
    return Measure(
        name,
        k / n,
        float(ci.low),
        float(ci.high),
        float(p),
        f"exact binomial, H0: share ≥ {target:g}",
        "up",
        "share",
    )


def directional(measures: Sequence[Measure], require: str = "any") -> str:
    """Verdict of directional measures.

    ``WRONG SIGN`` if any deciding measure is significant the wrong way;
    ``PASS`` if ``any`` (or ``all``) directional measures are significant the
    right way and every ``"none"`` measure shows no significant difference;
    ``FAIL`` otherwise.
    """
    decide = [m for m in measures if m.decides]
    if any(m.wrong for m in decide):
        return WRONG
    if any(m.expect == "none" and not m.right for m in decide):
        return FAIL
    hits = [m.right for m in decide if m.expect != "none"]
    ok = (any(hits) if require == "any" else all(hits)) if hits else False
    return PASS if ok else FAIL


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error over the measures of one check)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    m = p.size
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj.tolist()


# -- 1. the Libya what-ifs ----------------------------------------------------------------------


def _toward_gna(runs: Runs, base: str, alt: str) -> list[Measure]:
    """The two measures of "the war moves away from the LNA": its victory share, the front."""
    return [
        paired_share(runs.outcomes(base), runs.outcomes(alt), V_LNA, "down"),
        paired_number(
            runs.front_end(base), runs.front_end(alt), "Δfront at the horizon", "km", "up"
        ),
    ]


def check_what_ifs(runs: Runs) -> list[CheckResult]:
    """Each Libya what-if against the baseline: support cut from the LNA, or added to the GNA."""
    base = "libya_2019"
    out: list[CheckResult] = []
    expect = (
        "P(victory:LNA) lower or the front farther from Tripoli at the horizon "
        "(significant), neither significantly the other way"
    )
    for alt in (*LNA_CUTS, *GNA_ADDS):
        ms = _toward_gna(runs, base, alt)
        ms.append(paired_share(runs.outcomes(base), runs.outcomes(alt), V_GNA, "up", False))
        verb = "adds support to the GNA" if alt in GNA_ADDS else "takes support from the LNA"
        out.append(
            CheckResult(
                "what-ifs",
                f"what_if:{alt}",
                f"`{alt}` vs baseline",
                f"{verb}: {expect}",
                tuple(ms),
                runs.pairs,
                directional(ms, "any"),
            )
        )
    conf, bind = "libya_berlin_conference", "libya_berlin_binding"
    ms = [paired_share(runs.outcomes(conf), runs.outcomes(bind), lab, "differ") for lab in LABELS]
    ms.append(
        paired_number(
            runs.end_weeks(conf), runs.end_weeks(bind), "Δwar duration", "weeks", "differ"
        )
    )
    adjusted = holm([m.p_value for m in ms])
    ms = [
        Measure(m.name, m.estimate, m.low, m.high, p, f"{m.test}; Holm", m.expect, m.unit)
        for m, p in zip(ms, adjusted, strict=True)
    ]
    out.append(
        CheckResult(
            "what-ifs",
            "what_if:libya_berlin_binding",
            f"`{bind}` vs `{conf}`",
            "binding the UAE and Russia (no vetoes) changes some outcome share or the war's "
            "duration (significant after Holm's correction over the five measures)",
            tuple(ms),
            runs.pairs,
            PASS if any(m.significant for m in ms) else FAIL,
        )
    )
    return out


# -- 2. stylised facts ----------------------------------------------------------------------


def bite_week(spec: ScenarioSpec) -> int:
    """The week a scenario's first sanction bites (its firing week plus its lag)."""
    for iv in spec.interventions:
        if iv.type == "sanction":
            fired = iv.week if iv.week is not None else spec.week_of(iv.at)
            return int(fired + iv.lag_weeks)
    raise ValueError(f"{spec.name}: no sanction")


def _first_diff(a: np.ndarray, b: np.ndarray) -> int | None:
    diff = np.flatnonzero(a != b)
    return int(diff[0]) if diff.size else None


def _first_significant_week(d: np.ndarray) -> tuple[int | None, Measure | None]:
    """First week whose paired front difference is significant (either sign)."""
    for w in range(d.shape[1]):
        m = paired_number(np.zeros(d.shape[0]), d[:, w], f"Δfront in week {w}", "km", "up")
        if m.significant:
            return w, m
    return None, None


def hazard_ratio(outcomes: Sequence[str], end_weeks: Sequence[int], horizon: int) -> Measure:
    """Victories per war-week at risk, first half of the horizon over the second.

    A war is at risk from week 1 until the week it ends. Under equal hazards,
    the victories of the first half are binomial given all victories, with the
    first half's share of the war-weeks as probability: the exact conditional
    test of two Poisson rates; the rate ratio's interval comes from the
    Clopper-Pearson interval of that share.
    """
    half = horizon // 2
    e = np.minimum(np.asarray(end_weeks, dtype=float), horizon)
    won = np.array([o.startswith("victory:") for o in outcomes])
    t1, t2 = float(np.minimum(e, half).sum()), float(np.maximum(e - half, 0).sum())
    v1, v2 = int((won & (e <= half)).sum()), int((won & (e > half)).sum())
    n = v1 + v2
    text = f"{v1} victories in {t1:.0f} war-weeks (weeks 1-{half}), {v2} in {t2:.0f} (after)"
    if n == 0 or t1 == 0 or t2 == 0:
        return Measure(
            "hazard ratio",
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            "",
            "up",
            "ratio",
            text=f"n/a ({text})",
            null=1.0,
        )
    share = t1 / (t1 + t2)
    res = stats.binomtest(v1, n, share)
    ci = res.proportion_ci(method="exact")
    odds = t2 / t1

    def rr(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * odds

    est = rr(v1 / n)
    return Measure(
        "hazard ratio, first half / second half",
        est,
        rr(float(ci.low)),
        rr(float(ci.high)),
        float(res.pvalue),
        "exact conditional binomial",
        "up",
        "ratio",
        text=f"{est:.2f} [{rr(float(ci.low)):.2f}, {rr(float(ci.high)):.2f}]; {text}",
        null=1.0,
    )


def check_stylised_facts(runs: Runs) -> list[CheckResult]:
    """Stylised facts 1-5 as paired tests on Libya."""
    base = "libya_2019"
    sec = "stylised facts"
    out: list[CheckResult] = []
    # 1. support to both sides lengthens wars and raises the share of stalemates
    for ref, what in (
        ("libya_one_sided_support", "one-sided support (the LNA's backers only)"),
        ("libya_no_foreign_support", "no foreign support (reference)"),
    ):
        ms = [
            paired_number(runs.end_weeks(ref), runs.end_weeks(base), "Δwar duration", "weeks"),
            paired_share(runs.outcomes(ref), runs.outcomes(base), "stalemate", "up"),
        ]
        out.append(
            CheckResult(
                sec,
                f"fact1:{ref}",
                f"1. support to both sides vs {what}",
                "with both sides supported (the baseline) the war lasts longer and ends in "
                f"stalemate more often than with `{ref}` (both significant)",
                tuple(ms),
                runs.pairs,
                directional(ms, "all"),
            )
        )
    # 2. withdrawal of a major backer shifts outcomes toward the other side
    for backer, side, other in (("uae", ATTACKER, DEFENDER), ("turkey", DEFENDER, ATTACKER)):
        alt = f"libya_{backer}_withdraws"
        b, a = runs.outcomes(base), runs.outcomes(alt)
        toward = "up" if other == DEFENDER else "down"
        ms = [
            paired_share(b, a, f"victory:{other}", "up"),
            paired_share(b, a, f"victory:{side}", "down"),
            paired_number(
                runs.front_end(base), runs.front_end(alt), "Δfront at the horizon", "km", toward
            ),
        ]
        out.append(
            CheckResult(
                sec,
                f"fact2:{backer}",
                f"2. {backer.upper() if backer == 'uae' else backer.title()} ({side}'s backer) "
                f"withdraws on {WITHDRAWAL_DATE}",
                f"outcomes shift toward the {other}: P(victory:{other}) higher, "
                f"P(victory:{side}) lower or the front moved in the {other}'s favour "
                "(one significant, none significantly the other way)",
                tuple(ms),
                runs.pairs,
                directional(ms, "any"),
            )
        )
    out.append(_fact3(runs))
    out.append(_fact4(runs))
    # 5. victory hazard higher early
    recs = runs.records[base]
    horizon = recs[0].front.size - 1
    m = hazard_ratio([r.outcome for r in recs], [r.end_week for r in recs], horizon)
    out.append(
        CheckResult(
            sec,
            "fact5:hazard",
            "5. victory hazard falls with time",
            "victories per war-week at risk higher in the first half of the horizon than "
            "in the second (rate ratio > 1, significant)",
            (m,),
            len(recs),
            directional([m]),
            "Baseline runs; victory of either side; ceasefire weeks count as at risk.",
        )
    )
    return out


def _fact3(runs: Runs) -> CheckResult:
    """Stylised fact 3: Wagner multiplies force at its own place, not elsewhere."""
    got = [r for r in runs.lockstep if r.week is not None]
    clean = [r for r in got if not r.diverged]
    ms: list[Measure] = []
    if clean:
        ms = [
            paired_number(
                [r.enemy_loss[1] for r in clean],
                [r.enemy_loss[0] for r in clean],
                "ΔGNA losses at Wagner's place",
                "fighters",
                "up",
            ),
            paired_share(
                ["taken" if r.taken[1] else "-" for r in clean],
                ["taken" if r.taken[0] else "-" for r in clean],
                "taken",
                "up",
                decides=False,
                name="ΔP(LNA takes Wagner's place)",
            ),
            paired_number(
                [r.elsewhere[1] for r in clean],
                [r.elsewhere[0] for r in clean],
                "ΔGNA losses elsewhere",
                "fighters",
                "none",
                decides=False,
            ),
        ]
    weeks = [r.week for r in clean]
    places = pd.Series([r.place for r in clean]).value_counts()
    note = (
        f"Lockstep pairs: the baseline and the baseline with `groups.wagner.size = 0`, stepped "
        f"together to Wagner's first week of fighting; {len(got)} of {len(runs.lockstep)} "
        f"replicates reached it, {len(got) - len(clean)} excluded because the runs already "
        f"differed. First fight: weeks {min(weeks, default=0)}-{max(weeks, default=0)}, "
        f"at {', '.join(f'{p} ({n})' for p, n in places.items())}."
    )
    return CheckResult(
        "stylised facts",
        "fact3:wagner",
        "3. Wagner is a force multiplier where it fights",
        "in the week Wagner first fights, the GNA loses more fighters at Wagner's place than "
        "it does there without Wagner (significant); the capture of that place and the GNA's "
        "losses elsewhere that week are shown for context",
        tuple(ms),
        len(clean),
        directional(ms) if ms else FAIL,
        note,
    )


def _fact4(runs: Runs) -> CheckResult:
    """Stylised fact 4: a sanction changes nothing before it bites; the front moves later."""
    base, alt = "libya_2019", "libya_wagner_sanctions"
    bite = bite_week(runs.arms[alt].spec)
    firsts = [
        _first_diff(b.trace, a.trace)
        for b, a in zip(runs.records[base], runs.records[alt], strict=True)
        if b.trace is not None and a.trace is not None
    ]
    changed = [w for w in firsts if w is not None]
    early = sum(w < bite for w in changed)
    d = np.array([a.front for a in runs.records[alt]]) - np.array(
        [b.front for b in runs.records[base]]
    )
    w_front, m_front = _first_significant_week(d)
    first = min(changed, default=None)
    m1 = Measure(
        "first week the arms differ",
        float(first) if first is not None else math.nan,
        math.nan,
        math.nan,
        math.nan,
        "",
        "up",
        "",
        text=(
            f"week {first} (bite: week {bite}); {early} of {len(firsts)} pairs differ "
            f"before the bite, {len(changed)} differ at all"
        ),
    )
    if m_front is None:
        m2_text = "never significant by the horizon"
    else:
        m2_text = (
            f"week {w_front}: {_num(m_front.estimate, 'km')} "
            f"[{_ci(m_front.low, m_front.high, 'km')}], {_p(m_front.p_value)}"
        )
    m2 = Measure(
        "first significant Δfront",
        float(w_front) if w_front is not None else math.nan,
        math.nan,
        math.nan,
        m_front.p_value if m_front else math.nan,
        "paired t, week by week",
        "up",
        "",
        text=m2_text,
    )
    if early or first is None or m_front is None:
        verdict = FAIL
    elif m_front.estimate < 0:
        verdict = WRONG
    else:
        verdict = PASS if w_front is not None and w_front > bite else FAIL
    return CheckResult(
        "stylised facts",
        "fact4:sanctions_lag",
        "4. sanctions act with a lag (`libya_wagner_sanctions`)",
        f"the paired arms are identical until the sanction bites (week {bite}); the front "
        "moves away from Tripoli significantly only later",
        (m1, m2),
        len(firsts),
        verdict,
        "Arms compared by a hash of the whole state each week (factions, groups, backers, "
        "map). The front test is repeated every week (no correction for the repetition).",
    )


# -- 3. monotone in the LNA's strength ----------------------------------------------------------


def _monotone(runs: Runs, key: str, name: str, prefix: str, levels: Sequence[int]) -> CheckResult:
    labels = [f"{prefix}{x}" for x in levels]
    wins = np.array([[o == V_LNA for o in runs.outcomes(lab)] for lab in labels], dtype=float)
    fronts = np.array([runs.front_end(lab) for lab in labels])
    n = wins.shape[1]
    xs = np.repeat(np.asarray(levels, dtype=float), n)
    p_by = wins.mean(axis=1)
    drops = []
    for k in range(1, len(levels)):
        d = wins[k] - wins[k - 1]  # the same seeds at both levels
        se = d.std(ddof=1) / math.sqrt(n) if n > 1 else 0.0
        drops.append(0.0 if se == 0 else -d.mean() / se)
    worst = max(drops)
    if wins.std() == 0:
        tau, p = math.nan, math.nan
    else:
        res = stats.kendalltau(xs, wins.ravel())
        tau, p = float(res.statistic), float(res.pvalue)
    shares = ", ".join(f"{x}: {v:.3f}" for x, v in zip(levels, p_by, strict=True))
    m_win = Measure(
        "Kendall τ(level, victory:LNA)",
        tau,
        math.nan,
        math.nan,
        p,
        "Kendall τ-b",
        "up",
        "",
        text=(
            f"τ = {tau:.3f}; P(victory:LNA) by level {shares}; largest fall between "
            f"neighbouring levels {worst:.1f} s.e."
            if np.isfinite(tau)
            else f"no LNA victory at any level ({shares})"
        ),
    )
    fres = stats.kendalltau(xs, fronts.ravel())
    means = ", ".join(f"{x}: {v:.0f}" for x, v in zip(levels, fronts.mean(axis=1), strict=True))
    m_front = Measure(
        "Kendall τ(level, front km at the horizon)",
        float(fres.statistic),
        math.nan,
        math.nan,
        float(fres.pvalue),
        "Kendall τ-b",
        "down",
        "",
        decides=False,
        text=f"τ = {float(fres.statistic):.3f}; mean front km by level {means}",
    )
    if not np.isfinite(tau):
        verdict = FAIL
    elif m_win.wrong:
        verdict = WRONG
    else:
        verdict = PASS if m_win.right and worst <= 2.0 else FAIL
    return CheckResult(
        "monotone",
        key,
        name,
        "P(victory:LNA) rises with the level (Kendall τ > 0, significant) and no level is "
        "below the one before by more than 2 s.e. (paired: the same seeds at every level)",
        (m_win, m_front),
        n,
        verdict,
        f"{len(levels)} levels × {n} runs.",
    )


def check_monotone(runs: Runs) -> list[CheckResult]:
    """P(victory:LNA) does not fall as the LNA's fighters or Wagner's size rise."""
    return [
        _monotone(
            runs,
            "monotone:lna_fighters",
            "LNA fighters " + " → ".join(f"{x // 1000}k" for x in LNA_FIGHTERS),
            "libya_lna_fighters_",
            LNA_FIGHTERS,
        ),
        _monotone(
            runs,
            "monotone:wagner_size",
            "Wagner's size " + " → ".join(str(x) for x in WAGNER_SIZES),
            "libya_wagner_size_",
            WAGNER_SIZES,
        ),
    ]


# -- 4. a war can turn -------------------------------------------------------------------------


def check_war_can_turn(runs: Runs) -> list[CheckResult]:
    """With every LNA backer gone early, the GNA pushes the LNA back past its start line."""
    alt, base = "libya_lna_backers_leave", "libya_2019"
    front = runs.front_end(alt)
    m = wilson_share(front >= START_LINE_KM, TURN_SHARE, f"share with front ≥ {START_LINE_KM:g} km")
    ms = (
        m,
        paired_share(runs.outcomes(base), runs.outcomes(alt), V_GNA, "up", decides=False),
    )
    reached = float(np.mean([r.front.max() >= START_LINE_KM for r in runs.records[alt]]))
    return [
        CheckResult(
            "war can turn",
            "turn:lna_backers_leave",
            "`libya_lna_backers_leave` (every LNA backer leaves in week 4)",
            f"the GNA's counter-offensive pushes the front back to ≥ {START_LINE_KM:g} km "
            f"(Gharyan) by the end of the run in most runs (share > {TURN_SHARE:g})",
            ms,
            front.size,
            PASS if m.estimate > TURN_SHARE else FAIL,
            f"Front ≥ {START_LINE_KM:g} km at some point of the run: {reached:.3f}. "
            "The ΔP(victory:GNA) row is paired with the baseline, for context.",
        )
    ]


# -- 5. calibration -------------------------------------------------------------------------


def _median_ci(x: np.ndarray) -> tuple[float, float]:
    """Distribution-free 95 % interval of the median (binomial order statistics)."""
    ci = stats.quantile_test(x, q=float(np.median(x)), p=0.5).confidence_interval(0.95)
    return float(ci.low), float(ci.high)


def check_calibration(runs: Runs) -> list[CheckResult]:
    """The targets known by 5 December 2019, on the baseline's runs."""
    arm = "libya_2019"
    recs = runs.records[arm]
    spec = runs.arms[arm].spec
    n = len(recs)
    sec = "calibration"
    w_aug, w_dec = weeks_by(spec, GHARYAN_BY), weeks_by(spec, TARGET_DATE)
    fronts = np.array([r.front for r in recs])
    out: list[CheckResult] = []

    def share(key: str, name: str, hits: Any, target: float, expectation: str, note: str = ""):
        m = wilson_share(hits, target, "share")
        out.append(
            CheckResult(
                sec, key, name, expectation, (m,), n, PASS if m.estimate >= target else FAIL, note
            )
        )

    share(
        "calib:suburbs",
        f"Southern suburbs within {SUBURBS_WEEKS} weeks",
        fronts[:, 1 : SUBURBS_WEEKS + 1].min(axis=1) <= SUBURBS_KM,
        SUBURBS_SHARE,
        f"front ≤ {SUBURBS_KM:g} km (the airport, Qasr bin Ghashir) in the first "
        f"{SUBURBS_WEEKS} weeks, in most runs (> {SUBURBS_SHARE:g})",
    )
    share(
        "calib:gharyan",
        f"GNA retakes Gharyan by {_day(GHARYAN_BY)}",
        [
            any(c.place == GHARYAN and c.actor == DEFENDER and c.week <= w_aug for c in r.captures)
            for r in recs
        ],
        GHARYAN_SHARE,
        f"a GNA capture of Gharyan by week {w_aug} in ≥ {GHARYAN_SHARE:.0%} of runs "
        "(it fell to the GNA on 26 June 2019)",
    )
    lo, hi = FRONT_BAND_KM
    dec = fronts[:, w_dec]
    share(
        "calib:front_band",
        f"Front {lo:g}-{hi:g} km on {_day(TARGET_DATE)}",
        (dec >= lo) & (dec <= hi),
        BAND_SHARE,
        f"front {lo:g}-{hi:g} km from central Tripoli at week {w_dec} in ≥ {BAND_SHARE:.0%} "
        "of runs (the offensive stalled in the southern reaches)",
        f"Median front then: {np.median(dec):.0f} km.",
    )
    share(
        "calib:not_fallen",
        f"Tripoli not fallen on {_day(TARGET_DATE)}",
        dec > 0,
        NOT_FALLEN_SHARE,
        f"the LNA does not hold central Tripoli at week {w_dec} in ≥ {NOT_FALLEN_SHARE:.0%} "
        "of runs",
    )
    cas = np.array([r.casualties_who for r in recs])
    med = float(np.median(cas))
    c_lo, c_hi = _median_ci(cas)
    band = (WHO_CASUALTIES_13_WEEKS / WHO_FACTOR, WHO_CASUALTIES_13_WEEKS * WHO_FACTOR)
    within = float(np.mean((cas >= band[0]) & (cas <= band[1])))
    w_who = weeks_by(spec, WHO_DATE)
    out.append(
        CheckResult(
            sec,
            "calib:casualties",
            f"Killed and wounded by {_day(WHO_DATE)}",
            f"median killed and wounded (all sides) at week {w_who} within a factor "
            f"{WHO_FACTOR:g} of the WHO count ({WHO_CASUALTIES_13_WEEKS:,}): "
            f"{band[0]:,.0f}-{band[1]:,.0f}",
            (
                Measure(
                    "median killed and wounded",
                    med,
                    c_lo,
                    c_hi,
                    math.nan,
                    "order-statistic interval",
                    "up",
                    "",
                    text=f"{med:,.0f} [{c_lo:,.0f}, {c_hi:,.0f}]",
                ),
            ),
            n,
            PASS if band[0] <= med <= band[1] else FAIL,
            f"Share of runs within the factor-2 band: {within:.3f}. The WHO count includes "
            "civilians; the model counts fighters.",
        )
    )
    wag = np.array([r.wagner_end2019 for r in recs])
    w_lo, w_hi = WAGNER_BAND
    share(
        "calib:wagner",
        f"Wagner {w_lo:,.0f}-{w_hi:,.0f} at the front by {_day(WAGNER_BY)}",
        (wag >= w_lo) & (wag <= w_hi),
        WAGNER_SHARE,
        f"Wagner fighters at the main effort at week {weeks_by(spec, WAGNER_BY)} within "
        f"{w_lo:,.0f}-{w_hi:,.0f} in ≥ {WAGNER_SHARE:.0%} of runs",
        f"Median then: {np.nanmedian(wag):,.0f}.",
    )
    share(
        "calib:lna_can_win",
        "The LNA can win",
        [r.outcome == V_LNA for r in recs],
        LNA_WIN_SHARE,
        f"P(victory:LNA) over the {recs[0].front.size - 1}-week horizon ≥ {LNA_WIN_SHARE:g}",
    )
    return out


# -- the whole suite ------------------------------------------------------------------------

SECTIONS = {
    "what-ifs": "1. Libya what-ifs against the baseline",
    "stylised facts": "2. Stylised facts",
    "monotone": "3. Monotone in the LNA's strength",
    "war can turn": "4. A war can turn",
    "calibration": "5. Calibration targets (known by 5 December 2019)",
}
CHECKS: tuple[Callable[[Runs], list[CheckResult]], ...] = (
    check_what_ifs,
    check_stylised_facts,
    check_monotone,
    check_war_can_turn,
    check_calibration,
)


def run_validation(
    pairs: int = PAIRS,
    workers: int = WORKERS,
    seed: int = SEED,
    level_runs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Run every arm once, then every check on the shared runs."""
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    runs = collect(pairs, seed, workers, level_runs, progress)
    results = [r for check in CHECKS for r in check(runs)]
    return ValidationReport(
        results=results,
        pairs=pairs,
        level_runs=runs.level_runs,
        seed=seed,
        workers=workers,
        seconds=time.perf_counter() - t0,
        started=started,
        revision=_git_revision(),
        arms={label: a.origin for label, a in runs.arms.items()},
    )


# -- the report ---------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def results_table(results: Sequence[CheckResult]) -> list[str]:
    """A markdown table, one row per check (its measures one per line within the row)."""
    lines = [
        "| Check | The mechanism says | Measured (95 % interval) | p (test) | Pairs / runs "
        "| Verdict |",
        "|---|---|---|---|---:|---|",
    ]
    for r in results:
        measured = "<br>".join(
            _cell(m.value_text()) + ("" if m.decides else " *(context)*") for m in r.measures
        )
        ps = "<br>".join(_cell(m.p_text()) for m in r.measures)
        verdict = f"**{r.verdict}**"
        lines.append(
            f"| {_cell(r.name)} | {_cell(r.expectation)} | {measured or 'n/a'} | {ps} | "
            f"{r.pairs} | {verdict} |"
        )
    return lines


def _not_passing(results: Sequence[CheckResult]) -> list[str]:
    """A short list of the checks that do not pass, for the top of the report."""
    bad = [r for r in results if r.verdict != PASS]
    if not bad:
        return []
    lines = ["Not passing:", ""]
    lines += [f"* **{r.verdict}** ({r.section}): {_cell(r.name)}" for r in bad]
    return [*lines, ""]


def render(report: ValidationReport) -> str:
    """``docs/validation.md``: the tables, how to read them, how to reproduce them."""
    rev = report.revision.get("git_revision") or "unknown"
    dirty = " (with uncommitted changes to `sim/`)" if report.revision.get("dirty") else ""
    counts = {v: sum(r.verdict == v for r in report.results) for v in VERDICTS}
    mins = report.seconds / 60
    out = [
        "# Validation: does the model give policy answers with the right sign?",
        "",
        f"Generated {report.started:%Y-%m-%d %H:%M} UTC from commit `{rev[:12]}`{dirty} by "
        f"`python -m sim.validation --pairs {report.pairs} --seed {report.seed} "
        f"--workers {report.workers}` in {mins:.1f} minutes "
        f"(Python {platform.python_version()}).",
        "",
        f"**{counts[PASS]} PASS, {counts[FAIL]} FAIL, {counts[WRONG]} WRONG SIGN** "
        f"out of {len(report.results)} checks; {report.pairs} pairs per paired check, "
        f"{report.level_runs} runs per level of a monotonicity check, root seed {report.seed}.",
        "",
        *_not_passing(report.results),
        "## How to read this",
        "",
        "* **Paired replications (common random numbers).** Replicate *i* of every arm runs "
        "with the same seed (`sim.sweep.replicate_seed(seed, i)`), and each mechanism draws "
        "from its own random stream, so a difference between two arms is the policy's, not "
        "the dice's. Differences are *alternative minus baseline*.",
        "* **Intervals.** 95 %: paired Student's t on the per-pair differences for shares and "
        "numbers (`sim.compare.paired_interval`); Wilson for a share of runs; exact "
        "(Clopper-Pearson) for the hazard ratio; order statistics for a median.",
        "* **p-values.** Exact McNemar test on the discordant pairs for a paired share "
        "(`only base/only alternative` pairs are shown); paired t for a number; exact binomial "
        "against the target for a calibration share (small p: the model falls short of it); "
        "Kendall τ-b for a trend. Significant means p < 0.05.",
        "* **Verdicts.** PASS: significant in the direction the mechanism predicts (or the "
        "target reached); WRONG SIGN: significant the other way; FAIL: neither. Rows marked "
        "*(context)* are shown but do not decide the verdict.",
        "* **Outcomes.** `victory:LNA`, `victory:GNA`, `ceasefire`, `stalemate` (no decision "
        "by the 104-week horizon). *Front*: road distance (km) from central Tripoli to the "
        "nearest LNA-held place; 0 when the LNA holds Tripoli. *At the horizon*: in week 104, "
        "or where the run ended if earlier. *War duration*: the end week, capped at 104.",
        "* **Dates.** A value on a date is the state at the end of the last week finished "
        "by then (week 13 for 4 July 2019, week 21 for 31 August, week 35 for 5 December, "
        "week 38 for 31 December 2019; week 1 ends 11 April 2019). A run that ended "
        "earlier keeps its final state.",
        "",
    ]
    for sec, title in SECTIONS.items():
        rows = [r for r in report.results if r.section == sec]
        if not rows:
            continue
        out += [f"## {title}", "", *results_table(rows), ""]
        notes = [f"* {r.name}: {r.note}" for r in rows if r.note]
        if notes:
            out += ["Notes:", "", *notes, ""]
    out += [
        "## The arms",
        "",
        "| Arm | Made from | Runs |",
        "|---|---|---:|",
    ]
    for label, origin in report.arms.items():
        runs = (
            report.pairs
            if not label.startswith(("libya_lna_fighters_", "libya_wagner_size_"))
            else report.level_runs
        )
        out.append(f"| `{label}` | {_cell(origin)} | {runs} |")
    out += [
        f"| `{NO_WAGNER}` | baseline with `groups.wagner.size = 0` (lockstep partner of "
        f"fact 3) | {report.pairs} |",
        "",
        "## How to reproduce",
        "",
        "```sh",
        f"python -m sim.validation --pairs {report.pairs} --seed {report.seed} "
        f"--workers {report.workers} --out docs/validation.md",
        f"python run.py validate-model --pairs {report.pairs} --seed {report.seed}   # the same",
        "pytest tests/test_validity.py   # the same checks as tests (VALIDATION_PAIRS pairs)",
        "```",
        "",
        "The results depend only on the code, the scenarios and the seed: any number of "
        "workers gives the same report (apart from the date and the run time).",
        "",
    ]
    return "\n".join(out)


def write_report(report: ValidationReport, out: str | Path = OUT) -> Path:
    """Write the markdown report (its folder is created)."""
    path = Path(out)
    if not path.is_absolute() and not path.parent.exists() and (ROOT / path.parent).exists():
        path = ROOT / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report), encoding="utf-8")
    return path


def summary_lines(report: ValidationReport) -> Iterator[str]:
    """One line per check, for the terminal."""
    width = max(len(r.key) for r in report.results)
    for r in report.results:
        yield f"{r.verdict:<10}  {r.key:<{width}}  " + "; ".join(
            m.value_text() for m in r.measures if m.decides
        )


# -- command line -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """``python -m sim.validation`` arguments (the same as ``run.py validate-model``)."""
    p = argparse.ArgumentParser(
        prog="python -m sim.validation",
        description="Paired checks that the model's policy answers have the right sign; "
        "writes a markdown report.",
    )
    add_arguments(p)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of the validation command (shared with ``sim.cli``)."""
    p.add_argument("--pairs", type=int, default=None, help=f"pairs per check (default {PAIRS})")
    p.add_argument(
        "--workers", type=int, default=None, help=f"worker processes (default {WORKERS})"
    )
    p.add_argument("--seed", type=int, default=None, help=f"root seed (default {SEED})")
    p.add_argument("--out", default=None, help=f"report path (default {OUT})")


def cmd_validate_model(args: argparse.Namespace) -> int:
    """Run the suite, print one line per check, write the report; 0 when written."""
    pairs = args.pairs if args.pairs is not None else PAIRS
    workers = args.workers if args.workers is not None else min(WORKERS, os.cpu_count() or 1)
    seed = args.seed if args.seed is not None else SEED
    if pairs < 2 or workers < 1 or seed < 0:
        print("validate-model: expected --pairs >= 2, --workers >= 1, --seed >= 0", file=sys.stderr)
        return 2
    report = run_validation(
        pairs, workers, seed, progress=lambda s: print(s, file=sys.stderr, flush=True)
    )
    for line in summary_lines(report):
        print(line)
    path = write_report(report, args.out if args.out is not None else OUT)
    print(f"wrote {path} ({report.seconds:.0f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m sim.validation``."""
    return cmd_validate_model(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
