"""Calibration targets: what was observed, and how to measure a run against it.

Why a module of its own: history matching (:mod:`sim.experiments.history_matching`) needs
observations it can compare a run with, one number per target and run, and
modellers need to write those observations down with their date, uncertainty
and source. A targets file is TOML, validated like a scenario (one line per
problem: ``FILE: key.path: expected ..., found ...``).

A target::

    [[target]]
    id = "front_dec_2019"
    quantity = "front_km"          # front_km | holder | casualties | fighters | event_week
    date = 2019-12-05              # or window = [2019-11-01, 2019-12-05] (the mean over it)
    low = 10.0                     # an observed range ... (or observed = 25.0, sd = 7.5)
    high = 40.0
    discrepancy = 5.0              # model discrepancy (sd): what the model cannot represent
    source = "AP, 5 Dec 2019: ..."

A range ``low..high`` is read as a 95 % interval: observed = its midpoint,
sd = a quarter of its width, unless ``sd`` is given.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.scenario import ScenarioError, ScenarioSpec

Quantity = Literal["front_km", "holder", "casualties", "fighters", "event_week"]
NonNeg = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


class Target(BaseModel):
    """One observation the model should reproduce."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    id: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")]
    quantity: Quantity
    date: dt.date | None = None
    window: tuple[dt.date, dt.date] | None = None
    observed: float | None = None
    low: float | None = None
    high: float | None = None
    sd: NonNeg | None = None
    discrepancy: NonNeg = 0.0
    source: Annotated[str, Field(min_length=1)]
    place: str | None = None  # holder: which place; event_week: where the event happens
    faction: str | None = None  # holder: who should hold it; fighters/event_week: whose
    group: str | None = None  # fighters: a mercenary group instead of a faction
    event: str | None = None  # event_week: the event kind (capture, arrive, ...)
    weight: Annotated[float, Field(gt=0.0)] = 1.0  # kept for reports; implausibility ignores it

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.quantity == "event_week":
            # the observed date is the observation; sd is in weeks
            if self.date is None or self.sd is None or self.window is not None:
                raise ValueError("expected date (when it happened) and sd (in weeks), no window")
            if self.observed is not None or self.low is not None or self.high is not None:
                raise ValueError("expected the date alone as the observation of an event")
            if self.event is None:
                raise ValueError("expected event (e.g. 'capture') for an event_week target")
            return self
        if (self.date is None) == (self.window is None):
            raise ValueError("expected exactly one of date or window")
        if self.window is not None and self.window[0] > self.window[1]:
            raise ValueError("expected window = [earlier, later]")
        has_range = self.low is not None or self.high is not None
        if has_range and (self.low is None or self.high is None or self.low > self.high):
            raise ValueError("expected both low and high, with low <= high")
        if has_range == (self.observed is not None):
            raise ValueError("expected either observed (with sd) or low and high")
        if self.observed is not None and self.sd is None:
            raise ValueError("expected sd (the observation's uncertainty) with observed")
        if self.quantity == "holder" and (self.place is None or self.faction is None):
            raise ValueError("expected place and faction for a holder target")
        if self.quantity == "fighters" and (self.faction is None) == (self.group is None):
            raise ValueError("expected exactly one of faction or group for a fighters target")
        return self

    def observation(self, spec: ScenarioSpec) -> tuple[float, float]:
        """``(observed value, its sd)`` in model units (an event's date as a model week)."""
        if self.quantity == "event_week":
            return float(spec.week_of(self.date)), float(self.sd)  # type: ignore[arg-type]
        return self.value, self.obs_sd

    @property
    def value(self) -> float:
        """The observed value (the midpoint of a range)."""
        if self.observed is not None:
            return float(self.observed)
        return 0.5 * (float(self.low) + float(self.high))  # type: ignore[arg-type]

    @property
    def obs_sd(self) -> float:
        """The observation's standard deviation (a quarter of a range's width)."""
        if self.sd is not None:
            return float(self.sd)
        return (float(self.high) - float(self.low)) / 4.0  # type: ignore[arg-type]

    def met_by(self, value: float, spec: ScenarioSpec) -> bool:
        """Whether a simulated mean lies within the observation's 95 % interval."""
        if self.low is not None and self.high is not None:
            return float(self.low) <= value <= float(self.high)
        obs, sd = self.observation(spec)
        return abs(value - obs) <= 2.0 * sd

    def describe(self) -> str:
        """A short phrase: what is measured, when."""
        when = self.date.isoformat() if self.date else ""
        if self.window:
            when = f"{self.window[0]}..{self.window[1]}"
        what = {
            "front_km": "front distance (km)",
            "holder": f"{self.faction} holds {self.place} (share of runs)",
            "casualties": "killed and wounded",
            "fighters": f"fighters of {self.group or self.faction}",
            "event_week": f"week of first {self.event}"
            + (f" by {self.faction}" if self.faction else "")
            + (f" of {self.place}" if self.place else ""),
        }[self.quantity]
        return f"{what} {when}".strip()


class TargetsFile(BaseModel):
    """A targets file: a description and a list of ``[[target]]`` tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = ""
    known_by: dt.date | None = None  # only what was known by this date is a target
    # "one_run": the observations are one realisation of a war (history happened
    # once), so the model's run-to-run variance counts in the implausibility
    # (Andrianakis et al. 2015); "mean": they are averages (synthetic checks)
    observed_as: Literal["one_run", "mean"] = "one_run"
    target: Annotated[list[Target], Field(min_length=1)]


@dataclass(frozen=True)
class Targets:
    """Loaded targets and the file they came from."""

    path: Path
    description: str
    known_by: dt.date | None
    items: tuple[Target, ...]
    observed_as: str = "one_run"

    @property
    def ids(self) -> list[str]:
        """Target ids in file order."""
        return [t.id for t in self.items]


def _shown(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def load_targets(path: str | Path, spec: ScenarioSpec | None = None) -> Targets:
    """Read and validate a targets file (and, given a scenario, its ids and dates).

    Raises:
        ScenarioError: one ``FILE: key: expected ..., found ...`` line per problem.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise ScenarioError([f"{p}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{p}: cannot read ({exc})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{p}: expected valid TOML, found {exc}"]) from None
    try:
        tf = TargetsFile.model_validate(data)
    except ValidationError as err:
        lines = []
        for e in err.errors():
            key = ".".join(str(x) for x in e["loc"]) or "(top level)"
            if e["type"] == "extra_forbidden":
                lines.append(f"{p}: {key}: unknown key")
            elif e["type"] == "missing":
                lines.append(f"{p}: {key}: expected a value, found nothing (required key)")
            else:
                msg = str(e["msg"]).removeprefix("Value error, ")
                msg = msg if msg.startswith("expected") else f"expected {msg[:1].lower()}{msg[1:]}"
                lines.append(f"{p}: {key}: {msg}, found {_shown(e.get('input'))}")
        raise ScenarioError(lines) from None
    problems: list[str] = []
    seen: set[str] = set()
    for i, t in enumerate(tf.target):
        if t.id in seen:
            problems.append(f"{p}: target.{i}.id: expected a unique id, found {t.id!r} again")
        seen.add(t.id)
        if spec is not None:
            problems += _check_against(t, i, spec, p)
    if problems:
        raise ScenarioError(problems)
    return Targets(p, tf.description, tf.known_by, tuple(tf.target), tf.observed_as)


def _check_against(t: Target, i: int, spec: ScenarioSpec, p: Path) -> list[str]:
    """Ids and dates that the scenario must know."""
    out = []
    key = f"target.{i}"
    if t.place is not None and t.place not in spec.places:
        out.append(f"{p}: {key}.place: expected a place of {spec.name}, found {t.place!r}")
    if t.faction is not None and t.faction not in spec.factions:
        out.append(f"{p}: {key}.faction: expected a faction of {spec.name}, found {t.faction!r}")
    if t.group is not None and t.group not in spec.groups:
        out.append(f"{p}: {key}.group: expected a group of {spec.name}, found {t.group!r}")
    for d in [t.date] if t.date else list(t.window or ()):
        if not spec.start_date < d <= spec.end_date:
            out.append(
                f"{p}: {key}: expected a date within {spec.start_date}..{spec.end_date}, found {d}"
            )
    return out


# -- measuring runs ---------------------------------------------------------------------


def _weeks(t: Target, spec: ScenarioSpec) -> list[int]:
    """The model weeks (completed by the date) a target is measured at."""
    if t.quantity == "event_week":
        return []
    dates = [t.date] if t.date else [t.window[0], t.window[1]]  # type: ignore[index]
    w = [max(1, spec.week_of(d) - 1) for d in dates]
    return list(range(w[0], w[-1] + 1))


def horizon_for(targets: Targets, spec: ScenarioSpec) -> int:
    """How many weeks a run needs for every target.

    An event target needs its observed week plus a quarter year (later counts
    as "not by then", see :func:`measure`); runs stop there, not at the horizon.
    """
    weeks = [w for t in targets.items for w in _weeks(t, spec)]
    weeks += [spec.week_of(t.date) + 13 for t in targets.items if t.quantity == "event_week"]  # type: ignore[arg-type]
    return min(max(weeks), spec.horizon_weeks)


def measure(model_factory: Any, targets: Targets, spec: ScenarioSpec, weeks: int) -> np.ndarray:
    """Run one model to ``weeks`` and return one simulated value per target.

    Args:
        model_factory: a ready :class:`~sim.model.ProxyWarModel` (not yet run).
        targets: the targets.
        spec: the scenario (dates to weeks).
        weeks: the last week to run (:func:`horizon_for`).

    An event that has not happened by the end counts as happening the week
    after (right-censored: a run that never retakes Gharyan is far from a
    target that it did in week 12, which is the signal history matching needs).
    """
    m = model_factory
    want: dict[int, list[int]] = {}
    for j, t in enumerate(targets.items):
        for w in _weeks(t, spec):
            want.setdefault(w, []).append(j)
    sums = np.zeros(len(targets.items))
    counts = np.zeros(len(targets.items))
    th = m.theatre
    for week in range(1, weeks + 1):
        if m.running:
            m.step()
        for j in want.get(week, ()):
            t = targets.items[j]
            sums[j] += _state(m, t, th)
            counts[j] += 1
    out = np.divide(sums, np.maximum(counts, 1))
    for j, t in enumerate(targets.items):
        if t.quantity == "event_week":
            out[j] = _event_week(m, t, weeks)
    return out


def _state(m: Any, t: Target, th: Any) -> float:
    if t.quantity == "front_km":
        return float(m.front_km)
    if t.quantity == "holder":
        return float(th.holder[th.index[t.place]] == t.faction)
    if t.quantity == "casualties":
        return float(m.total_casualties())
    if t.quantity == "fighters":
        if t.group is not None:
            g = m.groups_by_id[t.group]
            return float(g.fighters if g.active else 0.0)
        return float(m.factions_by_id[t.faction].fighters)
    raise AssertionError(t.quantity)


def _event_week(m: Any, t: Target, weeks: int) -> float:
    for e in m.events:
        if e.kind != t.event:
            continue
        if t.faction is not None and e.actor != t.faction:
            continue
        if t.place is not None and e.place != t.place:
            continue
        return float(e.week)
    return float(weeks + 1)
