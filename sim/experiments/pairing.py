"""The arms of a comparison made into pairs: the dates compared, the front data, the paired tables.

Why apart from :mod:`sim.experiments.compare`: this is the analysis of a
finished sweep of the arms (it reads the sweep's files and calls
:mod:`sim.analysis.paired`); running the arms and adding replicates until
the intervals are narrow enough is the engine's job.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.outcomes import outcome_labels
from sim.analysis.paired import (
    COMPARISON_COLUMNS,
    holm_columns,
    pair_runs,
    paired_outcomes,
    paired_row,
)
from sim.experiments.design import horizon_of
from sim.experiments.store import FRONT_FILE, read_front_series
from sim.experiments.sweep import SweepResult
from sim.scenario import ScenarioSpec

DIFFERENCE_COLUMNS = [
    "baseline",
    "alternative",
    "metric",
    "kind",
    "week",
    "date",
    "mean_baseline",
    "mean_alternative",
    "median_baseline",
    "median_alternative",
    "difference",
    "ci_low",
    "ci_high",
    "pairs",
    "changed",
    "correlation",
    "significant",
    "p_exact",
    "significant_holm",
]


#: numeric runs.csv columns compared by default: column -> readable name
METRICS = {
    "end_week": "war duration (weeks, capped at the horizon)",
    "casualties": "casualties (killed and wounded, all sides)",
    "stalemate_weeks": "static weeks (front barely moving; not the stalemate outcome)",
}


def default_weeks(horizon: int) -> list[int]:
    """Weeks at which the front is compared by default: one year in, and the horizon."""
    return sorted({min(52, horizon), horizon})


def weeks_for_dates(
    dates: Sequence[str | dt.date], specs: Mapping[str, ScenarioSpec], horizon: int
) -> list[int]:
    """Week index (``front.csv``'s ``week``) of each date, checked against every arm.

    The front on a date is the front at the end of the last week ending on or
    before it (week ``w`` ends on ``start_date + 7 w`` days, as in ``front.csv``).

    Raises:
        ValueError: a date that is not ``YYYY-MM-DD`` or lies outside the runs.
    """
    first = next(iter(specs.values()))
    start, end = first.start_date, first.date_of(horizon)
    weeks: list[int] = []
    for item in dates:
        if isinstance(item, dt.date):
            day = item
        else:
            try:
                day = dt.date.fromisoformat(str(item).strip())
            except ValueError:
                raise ValueError(
                    f"--at-date: expected a date YYYY-MM-DD, found {str(item)!r}"
                ) from None
        if not start <= day <= end:
            raise ValueError(f"--at-date: expected a date within {start}..{end}, found {day}")
        weeks.append((day - start).days // 7)
    return sorted(set(weeks))


def same_start(specs: Mapping[str, ScenarioSpec]) -> None:
    """Arms are compared week by week, so they must start on the same date.

    Raises:
        ValueError: naming the first arm that starts on another date.
    """
    start = next(iter(specs.values())).start_date
    for spec in specs.values():
        if spec.start_date != start:
            raise ValueError(
                f"{spec.source}: start_date: expected {start} like the baseline "
                f"(arms are compared week by week), found {spec.start_date}"
            )


def front_data(
    path: Path,
    labels: Sequence[str],
    weeks: Sequence[int],
    date_of: Any = None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Each arm's front at ``weeks`` (one row per replicate) and its weekly mean.

    Streams ``front_series.csv`` once. The mean complements the quantiles of
    ``front.csv``: on a theatre with few places the quantiles move in steps
    and two arms' medians often coincide while their means differ.

    Returns:
        ``({arm: DataFrame indexed by replicate, columns w<week>}, means)`` with
        ``means`` columns ``scenario, week, date, mean``.
    """
    cols = [f"w{w}" for w in weeks]
    rows: dict[str, list[list[float]]] = {s: [] for s in labels}
    reps: dict[str, list[int]] = {s: [] for s in labels}
    sums: dict[str, np.ndarray] = {}
    counts: dict[str, int] = dict.fromkeys(labels, 0)
    fronts: dict[str, np.ndarray] = {}  # per week: the runs with a front
    idx = np.asarray(weeks, dtype=int)
    for name, rep, series in read_front_series(path):
        if name not in rows:
            continue
        rows[name].append(series[np.minimum(idx, series.size - 1)].tolist())
        reps[name].append(rep)
        # a week without a front (inf: in a war on sides, the faction measured
        # from holds no place) has no distance to average: the mean is over the others
        finite = np.isfinite(series)
        value = series if finite.all() else np.where(finite, series, 0.0)
        if name in sums and sums[name].size == series.size:
            sums[name] += value
            fronts[name] += finite
        else:
            sums[name] = value.astype(float).copy()
            fronts[name] = finite.astype(int)
        counts[name] += 1
    at = {
        s: pd.DataFrame(rows[s], index=pd.Index(reps[s], name="replicate"), columns=cols)
        for s in labels
    }
    frames = []
    for s in labels:
        if not counts[s]:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):  # no run with a front: nan
            mean = np.where(fronts[s] > 0, sums[s] / np.maximum(fronts[s], 1), np.nan)
        wk = np.arange(mean.size)
        dates = [date_of(int(w)).isoformat() for w in wk] if date_of else [""] * wk.size
        frames.append(pd.DataFrame({"scenario": s, "week": wk, "date": dates, "mean": mean}))
    means = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["scenario", "week", "date", "mean"])
    )
    return at, means


def max_half_width_of(table: pd.DataFrame, differences: pd.DataFrame) -> float:
    """Largest half-width over the probability-valued intervals (the stopping statistic).

    A zero-width interval (no replicate changed) counts as ``3 / pairs``: seeing
    no discordant pair in ``n`` only bounds the share of replicates a policy
    changes by about ``3 / n`` (the rule of three), so ten unchanged pairs must
    not pass for a precise answer.
    """
    cols = ["ci_low", "ci_high", "pairs"]
    parts = [table[cols]]
    if len(differences):
        parts.append(differences.loc[differences["kind"] == "probability", cols])
    ci = pd.concat(parts, ignore_index=True).astype(float)
    hw = (ci["ci_high"] - ci["ci_low"]) / 2
    zero = (hw == 0) & (ci["pairs"] > 0)
    hw[zero] = 3.0 / ci.loc[zero, "pairs"]
    hw = hw.dropna()
    return float(hw.max()) if len(hw) else math.nan


def _metric_row(
    baseline: str,
    alternative: str,
    metric: str,
    kind: str,
    week: int | None,
    date: str,
    b: np.ndarray,
    a: np.ndarray,
    stat: tuple[float, str, int],
) -> dict[str, Any]:
    """One ``differences.csv`` row: arm means and medians, paired difference and interval."""
    confidence, method, seed = stat
    return {
        "baseline": baseline,
        "alternative": alternative,
        "metric": metric,
        "kind": kind,
        "week": "" if week is None else int(week),
        "date": date,
        **paired_row(b, a, confidence, method, seed),
        "median_baseline": float(np.median(b)) if b.size else math.nan,
        "median_alternative": float(np.median(a)) if a.size else math.nan,
    }


def analyse_pairs(
    sweep: SweepResult,
    baseline: str,
    alternatives: Sequence[str],
    at_weeks: Sequence[int],
    confidence: float = 0.95,
    method: str = "t",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``comparison.csv``, ``differences.csv`` and the weekly mean front, from a sweep of all arms.

    ``differences.csv`` has, per alternative: the paired mean differences of
    war duration, casualties and static weeks (:data:`METRICS`); the front
    distance at each of ``at_weeks``; and, at each of those weeks before the
    horizon, the probability that the war has ended in each decisive outcome
    by then (``kind == "probability"``, e.g. "Tripoli falls within a year").
    ``changed`` counts the replicates whose value differs between the arms.
    """
    runs = sweep.runs
    spec = sweep.specs[baseline]
    # every outcome the baseline can produce, also those that never happened
    possible = outcome_labels(spec)  # by side in a war on sides (victory:<SIDE>)
    labels = list(dict.fromkeys(possible + list(sweep.summary["outcome"])))
    fronts, means = front_data(
        sweep.out / FRONT_FILE, [baseline, *alternatives], at_weeks, spec.date_of
    )
    tables, rows = [], []
    for k, alt in enumerate(alternatives):
        stat = (confidence, method, sweep.seed * 1009 + k)
        pairs = pair_runs(runs, baseline, alt)
        tables.append(paired_outcomes(pairs, baseline, alt, labels, *stat))
        for col, name in METRICS.items():
            if f"{col}_base" in pairs and f"{col}_alt" in pairs:
                b = pairs[f"{col}_base"].to_numpy(dtype=float)
                a = pairs[f"{col}_alt"].to_numpy(dtype=float)
                rows.append(_metric_row(baseline, alt, name, "number", None, "", b, a, stat))
        fb, fa = fronts[baseline], fronts[alt]
        common = pairs.index.intersection(fb.index).intersection(fa.index)
        end_b = pairs.loc[common, "end_week_base"].to_numpy(dtype=float)
        end_a = pairs.loc[common, "end_week_alt"].to_numpy(dtype=float)
        out_b = pairs.loc[common, "outcome_base"].to_numpy(dtype=str)
        out_a = pairs.loc[common, "outcome_alt"].to_numpy(dtype=str)
        horizon = min(horizon_of(sweep.specs[s], sweep.weeks) for s in (baseline, alt))
        for w in at_weeks:
            day = spec.date_of(w).isoformat()
            b = fb.loc[common, f"w{w}"].to_numpy(dtype=float)
            a = fa.loc[common, f"w{w}"].to_numpy(dtype=float)
            # no front in one arm (the side measured from holds no place, and the
            # war goes on between others): no distance to pair, so the pair is left out
            kept = np.isfinite(b) & np.isfinite(a)
            if not kept.all():
                b, a = b[kept], a[kept]
            name = f"front distance (km) on {day}"
            rows.append(_metric_row(baseline, alt, name, "number", w, day, b, a, stat))
            if w >= horizon:
                continue  # at the horizon this is comparison.csv's own row
            for label in labels:
                if label == "stalemate":
                    continue  # "stalemate by a date" is not an outcome: the war goes on
                b = ((out_b == label) & (end_b <= w)).astype(float)
                a = ((out_a == label) & (end_a <= w)).astype(float)
                name = f"P({label} by {day})"
                rows.append(_metric_row(baseline, alt, name, "probability", w, day, b, a, stat))
    table = (
        pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COMPARISON_COLUMNS)
    )
    table = holm_columns(table, 1 - confidence)
    differences = holm_columns(pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS), 1 - confidence)
    return table, differences, means
