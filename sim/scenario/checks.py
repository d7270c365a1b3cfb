"""Cross-checks a schema cannot express.

References between tables, dates in the war's span; each intervention type checks its
own references (``interventions``), called from here.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.scenario.interventions import InterventionBase
from sim.scenario.schema import ScenarioSpec


def _cross_check(spec: ScenarioSpec, path: Path) -> list[str]:
    """References between tables, dates inside the span, keys that fit their intervention."""
    out: list[str] = []
    try:
        spec.end_date  # noqa: B018 - the horizon must be a representable date
    except OverflowError:
        return [
            f"{path}: horizon_weeks: expected a horizon ending before the year 10000, "
            f"found {spec.horizon_weeks} weeks from {spec.start_date}"
        ]
    places, factions = spec.places, spec.factions
    backers, groups = spec.backers, spec.groups
    horizon = spec.horizon_weeks

    def ref(kind: str, key: str, value: str | None, pool: Mapping[str, Any]) -> None:
        if value is None or value in pool:
            return
        guess = difflib.get_close_matches(value, list(pool), n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        out.append(f"{path}: {key}: expected a known {kind}, found {value!r}{hint}")

    def week_in_span(key: str, week: int | None) -> None:
        if week is not None and week > horizon:
            out.append(f"{path}: {key}: expected a week within 1..{horizon}, found {week}")

    ref("place", "front.objective", spec.front.objective, places)
    ref("faction", "front.attacker", spec.front.attacker, factions)
    for pid, p in places.items():
        ref("faction", f"places.{pid}.holder", p.holder, factions)
    seen_roads: dict[frozenset[str], int] = {}
    for i, (a, b, _km) in enumerate(spec.roads):
        ref("place", f"roads.{i}.0", a, places)
        ref("place", f"roads.{i}.1", b, places)
        if a == b:
            out.append(f"{path}: roads.{i}: expected two different places, found {a!r} twice")
        pair = frozenset((a, b))
        if pair in seen_roads and a != b:
            out.append(
                f"{path}: roads.{i}: expected one road between {a!r} and {b!r}, "
                f"found a second one (first is roads.{seen_roads[pair]})"
            )
        seen_roads.setdefault(pair, i)
    for fid, f in factions.items():
        for j, obj in enumerate(f.objective):
            ref("place", f"factions.{fid}.objective.{j}", obj, places)
        ref("place", f"factions.{fid}.home", f.home, places)
        for j, src in enumerate(f.supply):
            ref("place", f"factions.{fid}.supply.{j}", src, places)
        for j, pid in enumerate(f.homeland):
            ref("place", f"factions.{fid}.homeland.{j}", pid, places)
    sides = {spec.side_of(fid) for fid in factions}
    for fid, f in factions.items():
        if f.defect_to is not None:
            ref("side", f"factions.{fid}.defect_to", f.defect_to, {s: 1 for s in sides})
            if f.defect_to == spec.side_of(fid):
                out.append(
                    f"{path}: factions.{fid}.defect_to: expected another side, found its own"
                )
    for i, neutral in enumerate(spec.neutral):
        for j, fid in enumerate(neutral):
            ref("faction", f"neutral.{i}.{j}", fid, factions)
    for bid, backer in backers.items():
        ref("faction", f"backers.{bid}.client", backer.client, factions)
        for ch, c in backer.channels.items():
            week_in_span(f"backers.{bid}.channels.{ch}.start_week", c.start_week)
    for gid, g in groups.items():
        ref("faction", f"groups.{gid}.faction", g.faction, factions)
        ref("backer", f"groups.{gid}.payer", g.payer, backers)
        if g.deployed != "front":
            ref("place", f"groups.{gid}.deployed", g.deployed, places)
        if isinstance(g.arrival, dt.date):
            out += _date_in_span(spec, g.arrival, f"groups.{gid}.arrival", path)
        elif isinstance(g.arrival, int):
            week_in_span(f"groups.{gid}.arrival", g.arrival)
    first_named: dict[str, int] = {}
    for i, iv in enumerate(spec.interventions):
        out += _check_intervention(spec, iv, f"interventions.{i}", path, ref)
        if iv.name is not None and iv.name in first_named:
            out.append(
                f"{path}: interventions.{i}.name: expected a name no other intervention has, "
                f"found {iv.name!r} again (first is interventions.{first_named[iv.name]})"
            )
        first_named.setdefault(iv.name or "", i)
    # the map must be connected so that the front distance is defined
    if not out and places:
        adj: dict[str, set[str]] = {p: set() for p in places}
        for a, b, _ in spec.roads:
            adj[a].add(b)
            adj[b].add(a)
        seen, stack = {spec.front.objective}, [spec.front.objective]
        while stack:
            for n in adj[stack.pop()] - seen:
                seen.add(n)
                stack.append(n)
        cut = sorted(set(places) - seen)
        if cut:
            out.append(
                f"{path}: roads: expected every place connected to the objective, "
                f"found unreachable {', '.join(cut)}"
            )
    return out


class _Report:
    """Where one intervention's own cross-checks report (see ``interventions.Checks``)."""

    def __init__(self, k: str, path: Path, ref: Any, out: list[str]):
        self.k, self.path, self._ref, self.out = k, path, ref, out

    def ref(self, kind: str, key: str, value: str | None, pool: Mapping[str, Any]) -> None:
        """Report ``value`` at ``key`` unless it names one of ``pool``."""
        self._ref(kind, f"{self.k}.{key}", value, pool)

    def problem(self, key: str, text: str) -> None:
        """Report ``text`` at ``key``."""
        self.out.append(f"{self.path}: {self.k}.{key}: {text}")


def _check_intervention(
    spec: ScenarioSpec, iv: InterventionBase, k: str, path: Path, ref: Any
) -> list[str]:
    """Its type's own checks (references, keys that fit together), then its timing."""
    out: list[str] = []
    iv.check(spec, _Report(k, path, ref, out))
    if iv.when is not None:
        ref("faction", f"{k}.when.faction", iv.when.faction, spec.factions)
        if iv.when.after_week > spec.horizon_weeks:
            out.append(
                f"{path}: {k}.when.after_week: expected a week within "
                f"0..{spec.horizon_weeks}, found {iv.when.after_week}"
            )
    if iv.at is not None:
        out += _date_in_span(spec, iv.at, f"{k}.at", path)
    if iv.week is not None and iv.week > spec.horizon_weeks:
        out.append(
            f"{path}: {k}.week: expected a week within 1..{spec.horizon_weeks}, found {iv.week}"
        )
    return out


def _date_in_span(spec: ScenarioSpec, date: dt.date, key: str, path: Path) -> list[str]:
    """A date must fall in one of the scenario's weeks 1..horizon."""
    if spec.start_date <= date and spec.week_of(date) <= spec.horizon_weeks:
        return []
    last = spec.end_date - dt.timedelta(days=1)
    return [f"{path}: {key}: expected a date within {spec.start_date}..{last}, found {date}"]
