"""One call for outside tools: :func:`simulate` runs one war and returns plain numbers.

Why: exploratory-modelling tools (EMA Workbench, SALib, an optimiser, a
spreadsheet macro) call a function with a few numbers and expect a flat record
of numbers back. :func:`simulate` is that function: a scenario (a file name or
a loaded :class:`~sim.scenario.ScenarioSpec`), a seed and key-path overrides
in; the ``runs.csv`` row of a sweep (the same numbers for the same seed), one
0/1 column per possible outcome and the front on chosen dates out. See
docs/ema.md for EMA Workbench.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.outcomes import outcome_labels as _outcome_labels
from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioSpec, load_scenario


def outcome_labels(spec: ScenarioSpec) -> list[str]:
    """Every outcome a run of ``spec`` can end in, as ``runs.csv`` writes them.

    A war on sides ends by side (``victory:<SIDE>``), not by faction.
    """
    return _outcome_labels(spec)


def column_name(text: str) -> str:
    """``text`` as a Python identifier (what EMA Workbench requires of outcome names)."""
    name = re.sub(r"\W", "_", text)
    return name if name.isidentifier() else f"_{name}"


def _plain(value: Any) -> Any:
    """A numpy scalar or array as the Python value the scenario schema expects."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    return value


def _number(value: Any) -> int | float:
    """A summary value as a number: missing (never happened) is NaN, a flag is 0/1."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    raise TypeError(f"expected a number, found {value!r}")


def _weeks_of(
    spec: ScenarioSpec, dates: Sequence[str | dt.date], horizon: int
) -> list[tuple[dt.date, int]]:
    """Each date with the week whose end is the last on or before it (as ``front.csv``)."""
    start, end = spec.start_date, spec.date_of(horizon)
    weeks = []
    for item in dates:
        try:
            day = item if isinstance(item, dt.date) else dt.date.fromisoformat(str(item).strip())
        except ValueError:
            raise ValueError(f"at_dates: expected a date YYYY-MM-DD, found {str(item)!r}") from None
        if not start <= day <= end:
            raise ValueError(f"at_dates: expected a date within {start}..{end}, found {day}")
        weeks.append((day, (day - start).days // 7))
    return weeks


def simulate(
    scenario: str | Path | ScenarioSpec,
    seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
    weeks: int | None = None,
    at_dates: Sequence[str | dt.date] = (),
) -> dict[str, int | float]:
    """Run one replication and return its results as plain numbers.

    Args:
        scenario: a scenario file (path, or bare name found in ``./scenarios``
            or the library) or a loaded :class:`~sim.scenario.ScenarioSpec`.
        seed: the model's seed; a sweep's replicate with this seed gives the
            same numbers.
        overrides: dotted key paths to values, as ``--set`` (e.g.
            ``{"combat.lethality": 0.05, "interventions.wagner_sanctions.week": 40}``);
            numpy numbers are accepted.
        weeks: a horizon replacing the scenario's ``horizon_weeks``.
        at_dates: dates (``YYYY-MM-DD`` or :class:`datetime.date`) at which the
            front distance is reported; after a war ended, its last front.

    Returns:
        Python ints and floats, keyed by identifiers: every numeric column of
        the sweep's ``runs.csv`` row (``end_week``, ``front_km``,
        ``casualties``, ...; a week that never came, such as ``withdrew_X`` of
        a backer that stayed, is NaN; ``left_G`` is 1 if group ``G`` left),
        ``outcome_victory_X``, ``outcome_ceasefire`` and ``outcome_stalemate``
        (exactly one is 1), and ``front_km_YYYY_MM_DD`` for each date.

    Raises:
        ScenarioError: a bad scenario or override (one line per problem).
        ValueError: a date that is not a date or lies outside the run.
    """
    plain = {str(k): _plain(v) for k, v in (overrides or {}).items()}
    spec = load_scenario(scenario, plain or None)
    model = ProxyWarModel(spec, rng=_plain(seed), weeks=weeks, collect=False)
    at_weeks = _weeks_of(spec, at_dates, model.horizon)
    start = model.front_km
    model.run()
    row = model.summary()
    out: dict[str, int | float] = {}
    for key, value in row.items():
        if key == "outcome" or key == "end_date":
            continue  # a label (below, as 0/1 columns) and a date (end_week says it)
        if key.startswith("left_"):
            value = int(bool(value))  # the reason a group left, as "did it leave"
        out[column_name(key)] = _number(value)
    for label in outcome_labels(spec):
        out[column_name(f"outcome_{label}")] = int(row["outcome"] == label)
    series = model.front_series
    for day, week in at_weeks:
        front = series[min(week, len(series)) - 1] if week and series else start
        out[column_name(f"front_km_{day.isoformat()}")] = float(front)
    return out
