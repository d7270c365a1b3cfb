"""One run, recorded once, and shared by every check that needs it.

A record holds the outcome, the end week, the weekly front, the captures and the
values on the calibration dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from sim.experiments.validation.settings import ATTACKER, DEFENDER, WAGNER_BY, WHO_DATE
from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioSpec

# -- dates --------------------------------------------------------------------------


def weeks_by(spec: ScenarioSpec, date: dt.date) -> int:
    """Weeks completed by ``date``: the last week whose end (``spec.date_of``) is on or before it.

    Why not ``spec.week_of(date)``: that is the week *in which* the date falls
    (``week_of(date) - 1`` here, as in :mod:`sim.experiments.calibration`); a value "on 5
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
        if fought and loc is not None and any(e.place == loc for e in m1.engagements):
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
