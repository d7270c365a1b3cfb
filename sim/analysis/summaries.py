"""Outcome statistics of Monte Carlo runs: a library shared by sweep, compare and notebooks.

Everything here takes plain pandas DataFrames shaped like a sweep's
``runs.csv`` (columns ``scenario, replicate, outcome, end_week, status`` and,
where used, ``stalemate_spells`` / ``longest_stalemate``), so it works the same
on a finished sweep's files, on a :class:`sim.experiments.sweep.SweepResult` and on
hand-made frames in tests. Only rows with ``status == "ok"`` count (a column
that is missing means every row is ok).

Statistics come from scipy rather than hand-written formulas: Wilson
intervals from ``scipy.stats.binomtest``, survival curves from
``scipy.stats.ecdf``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.analysis.frames import records
from sim.analysis.tables import aligned

#: the front-line quantiles written to front.csv (column name -> level)
FRONT_QUANTILES: dict[str, float] = {
    "q05": 0.05,
    "q25": 0.25,
    "q50": 0.50,
    "q75": 0.75,
    "q95": 0.95,
}

#: label of the "war has ended, whatever the outcome" curve in survival_curves()
ANY_END = "ended"


# -- outcomes ------------------------------------------------------------------------


def ok_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The successful runs (``status == "ok"``); failed replications carry no outcome."""
    if "status" not in runs.columns:
        return runs
    return runs[runs["status"].fillna("ok") == "ok"]


def outcome_order(labels: Iterable[str]) -> list[str]:
    """A stable, readable order for outcome labels.

    Victories first (by faction id), then ``ceasefire``, then ``stalemate``,
    then anything else alphabetically; the same order in every table and figure.
    """

    def key(label: str) -> tuple[int, str]:
        if label.startswith("victory:"):
            return (0, label)
        return ({"ceasefire": 1, "stalemate": 2}.get(label, 3), label)

    return sorted({str(x) for x in labels if isinstance(x, str) and x}, key=key)


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials (scipy).

    Why Wilson: it stays inside [0, 1] and keeps its coverage near 0 and 1,
    where the outcome probabilities of a war model often sit. Returns
    ``(nan, nan)`` for ``n == 0``.
    """
    if n <= 0:
        return (float("nan"), float("nan"))
    from scipy import stats  # here, not at the top: starting a command need not load scipy.stats

    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return (float(ci.low), float(ci.high))


def outcome_summary(
    runs: pd.DataFrame,
    scenarios: Sequence[str] | None = None,
    outcomes: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Outcome probabilities per scenario with Wilson intervals (``summary.csv``).

    Every outcome observed anywhere in ``runs`` (or given in ``outcomes``) gets
    a row for every scenario, zero counts included, so scenarios line up and a
    scenario's probabilities sum to 1.

    Args:
        runs: rows like ``runs.csv``.
        scenarios: the scenarios and their order (default: order of appearance).
        outcomes: extra outcome labels to list even when never observed;
            a mapping gives each scenario its own labels (a mixed sweep: a
            Libya scenario gets no ``victory:RED`` row), and then a scenario
            lists only its labels plus any it actually produced.
        confidence: interval level.

    Returns:
        Columns ``scenario, outcome, runs, probability, ci_low, ci_high, total``:
        ``runs`` is how many runs ended in that outcome, ``total`` how many
        successful runs the scenario had.
    """
    good = ok_runs(runs)
    if scenarios is None:
        scenarios = list(dict.fromkeys(runs["scenario"].tolist()))
    counts = good.groupby(["scenario", "outcome"]).size()
    totals = good.groupby("scenario").size()
    if isinstance(outcomes, Mapping):
        seen = {
            s: list(good.loc[good["scenario"] == s, "outcome"].dropna().unique()) for s in scenarios
        }
        per = {s: outcome_order(list(outcomes.get(s, ())) + seen[s]) for s in scenarios}
    else:
        every = outcome_order(list(good["outcome"].dropna().unique()) + list(outcomes or ()))
        per = {s: every for s in scenarios}
    rows = []
    for s in scenarios:
        n = int(totals.get(s, 0))
        for label in per[s]:
            k = int(counts.get((s, label), 0))
            low, high = wilson(k, n, confidence)
            rows.append(
                {
                    "scenario": s,
                    "outcome": label,
                    "runs": k,
                    "probability": k / n if n else float("nan"),
                    "ci_low": low,
                    "ci_high": high,
                    "total": n,
                }
            )
    cols = ["scenario", "outcome", "runs", "probability", "ci_low", "ci_high", "total"]
    return pd.DataFrame(rows, columns=cols)


def format_outcome_table(summary: pd.DataFrame, digits: int = 3) -> str:
    """The outcome table as aligned text (what ``sweep`` prints at the end)."""
    head = ("scenario", "outcome", "runs", "probability", "95% CI")
    lines = []
    for r in records(summary):
        p = "n/a" if pd.isna(r["probability"]) else f"{r['probability']:.{digits}f}"
        ci = (
            "" if pd.isna(r["ci_low"]) else f"[{r['ci_low']:.{digits}f}, {r['ci_high']:.{digits}f}]"
        )
        lines.append((str(r["scenario"]), str(r["outcome"]), f"{r['runs']}/{r['total']}", p, ci))
    return "\n".join(aligned(head, lines, 2))


# -- front-line quantiles --------------------------------------------------------------


def _lerp(a: float, b: float, t: float) -> float:
    """Linear interpolation exactly as numpy's quantile does it (and inf-safe)."""
    if a == b or t == 0:
        return a
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


class FrontQuantiles:
    """Exact weekly quantiles of the front line, accumulated in a stream.

    Why a value-count table instead of keeping every series: memory must stay
    flat however many runs a sweep has. The front distance only takes the
    road distances from the objective to the theatre's places, so each week
    has at most as many distinct values as there are places; counting them
    gives the *exact* quantiles (numpy's default "linear" method) in memory
    proportional to weeks x distinct values, not to runs.
    """

    def __init__(self, weeks: int | None = None):
        self.weeks = weeks
        self.n = 0
        self._counts: dict[float, np.ndarray] = {}

    def add(self, block: np.ndarray) -> None:
        """Add one series (1-D) or a block of series (runs x weeks)."""
        arr = np.atleast_2d(np.asarray(block, dtype=float))
        if arr.size == 0:
            return
        if self.weeks is None:
            self.weeks = arr.shape[1]
        if arr.shape[1] != self.weeks:
            raise ValueError(f"front series of {arr.shape[1]} weeks, expected {self.weeks}")
        for value in np.unique(arr[~np.isnan(arr)]).tolist():
            hits = (arr == value).sum(axis=0)
            if value in self._counts:
                self._counts[value] += hits
            else:
                self._counts[value] = hits.astype(np.int64)
        self.n += arr.shape[0]

    def quantiles(self, levels: Sequence[float]) -> np.ndarray:
        """``len(levels) x weeks`` array of quantiles (NaN when nothing was added)."""
        weeks = self.weeks or 0
        out = np.full((len(levels), weeks), np.nan)
        if not self._counts:
            return out
        values = np.array(sorted(self._counts))
        table = np.vstack([self._counts[v] for v in values.tolist()])
        cum = np.cumsum(table, axis=0)
        for w in range(weeks):
            n = int(cum[-1, w])
            if n == 0:
                continue
            for i, q in enumerate(levels):
                h = (n - 1) * q
                lo = int(np.floor(h))
                hi = min(lo + 1, n - 1)
                a = values[np.searchsorted(cum[:, w], lo, side="right")]
                b = values[np.searchsorted(cum[:, w], hi, side="right")]
                out[i, w] = _lerp(float(a), float(b), h - lo)
        return out


def front_quantiles(
    fronts: np.ndarray | Iterable[np.ndarray] | FrontQuantiles,
    scenario: str,
    start_date: dt.date | None = None,
    date_of: Callable[[int], dt.date] | None = None,
    levels: Mapping[str, float] = FRONT_QUANTILES,
) -> pd.DataFrame:
    """Weekly quantiles of the front distance (``front.csv`` rows of one scenario).

    Args:
        fronts: a runs x weeks array, an iterable of weekly series (streamed),
            or a filled :class:`FrontQuantiles`. Column ``w`` is week ``w``
            (week 0 = the start).
        scenario: the scenario's label, repeated in the first column.
        start_date: date of week 0; dates are ``start_date + 7 * week`` days.
        date_of: alternatively a function week -> date (``spec.date_of``).
        levels: column name -> quantile level.

    Returns:
        Columns ``scenario, week, date`` and one per level.
    """
    if isinstance(fronts, FrontQuantiles):
        acc = fronts
    else:
        acc = FrontQuantiles()
        if isinstance(fronts, np.ndarray):
            acc.add(fronts)
        else:
            for series in fronts:
                acc.add(series)
    q = acc.quantiles(list(levels.values()))
    weeks = np.arange(acc.weeks or 0)
    if date_of is None:
        start = start_date or dt.date(1970, 1, 1)

        def date_of(w: int) -> dt.date:
            return start + dt.timedelta(weeks=int(w))

    df = pd.DataFrame(
        {
            "scenario": scenario,
            "week": weeks,
            "date": [date_of(int(w)).isoformat() for w in weeks],
        }
    )
    for i, name in enumerate(levels):
        df[name] = q[i]
    return df


# -- time to an outcome -----------------------------------------------------------------


def _horizon_of(horizon: int | Mapping[str, int], scenario: str) -> int:
    return int(horizon[scenario]) if isinstance(horizon, Mapping) else int(horizon)


def _km(events: np.ndarray, censored: np.ndarray, grid: np.ndarray, confidence: float):
    """Kaplan-Meier survival and its interval on a grid (scipy.stats.ecdf)."""
    from scipy import stats

    if events.size == 0:
        ones = np.ones(grid.size)
        return ones, np.full(grid.size, np.nan), np.full(grid.size, np.nan)
    data = stats.CensoredData(uncensored=events, right=censored)
    res = stats.ecdf(data)
    sf = res.sf.evaluate(grid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = res.sf.confidence_interval(confidence_level=confidence)
        low, high = ci.low.evaluate(grid), ci.high.evaluate(grid)
    return sf, low, high


def survival_curves(
    runs: pd.DataFrame,
    horizon: int | Mapping[str, int],
    scenarios: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Time to each outcome as survival curves, weeks ``0..horizon``.

    Runs still going at the horizon (outcome ``stalemate`` with ``end_week``
    at or past the horizon) are right-censored. A run whose ceasefire was
    still being tested at the horizon may end a few weeks after it; the grid
    stops at the horizon, where such a war counts as still going. For each
    scenario:

    * ``outcome == "ended"``: probability the war is still going at week t
      (every decided run is an event).
    * one curve per decisive outcome (``victory:X``, ``ceasefire``, a
      ``stalemate`` declared before the horizon): the cause-specific survival,
      with runs ending otherwise censored at their end week, and its
      ``incidence``, the share of runs that ended that way by week t.

    Why both: under competing risks ``1 - survival`` of one cause overstates
    how often that cause happens (it answers "if nothing else could end the
    war"); the cumulative incidence is the share actually observed. With
    censoring only at the horizon, the empirical share *is* the Aalen-Johansen
    estimate, so no extra modelling is needed.

    Returns:
        Columns ``scenario, outcome, week, survival, ci_low, ci_high, incidence``.
    """
    good = ok_runs(runs)
    if scenarios is None:
        scenarios = list(dict.fromkeys(runs["scenario"].tolist()))
    labels = outcome_order(good["outcome"].dropna().unique())
    frames = []
    for s in scenarios:
        h = _horizon_of(horizon, s)
        grid = np.arange(h + 1)
        sub = good[good["scenario"] == s]
        t = sub["end_week"].to_numpy(dtype=float)
        outcome = sub["outcome"].astype(str).to_numpy()
        censored = (outcome == "stalemate") & (t >= h)
        n = max(len(sub), 1)
        curves = [(ANY_END, ~censored)]
        curves += [(label, (outcome == label) & ~censored) for label in labels]
        for label, event in curves:
            if label == "stalemate" and not event.any():
                continue
            sf, low, high = _km(t[event], t[~event], grid, confidence)
            incidence = np.searchsorted(np.sort(t[event]), grid, side="right") / n
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": s,
                        "outcome": label,
                        "week": grid,
                        "survival": sf,
                        "ci_low": low,
                        "ci_high": high,
                        "incidence": incidence,
                    }
                )
            )
    cols = ["scenario", "outcome", "week", "survival", "ci_low", "ci_high", "incidence"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def median_time(curves: pd.DataFrame, scenario: str, outcome: str = ANY_END) -> float:
    """First week the survival curve is at or below 1/2 (NaN if it never is)."""
    c = curves[(curves["scenario"] == scenario) & (curves["outcome"] == outcome)]
    below = c[c["survival"] <= 0.5]
    return float(below["week"].iloc[0]) if len(below) else float("nan")


# -- stalemates -------------------------------------------------------------------------


def _spells(runs: pd.DataFrame) -> pd.Series:
    """Per run, the list of its stalemate spell lengths (weeks)."""
    if "stalemate_spells" in runs.columns:
        return runs["stalemate_spells"].map(
            lambda x: [int(float(v)) for v in str(x).split(";") if v.strip()] if pd.notna(x) else []
        )
    return runs["longest_stalemate"].map(lambda x: [int(x)] if pd.notna(x) and x > 0 else [])


def stalemate_durations(runs: pd.DataFrame, scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """The distribution of stalemate spell durations per scenario.

    A *spell* is a run of consecutive stalemate weeks (see
    :mod:`sim.model.termination` for the definition). Uses the ``stalemate_spells``
    column (``;``-separated lengths) when present, else each run's
    ``longest_stalemate``. A spell still going when the war ended is counted
    with the length it had reached.

    Returns:
        Columns ``scenario, duration, spells, share`` (share of that
        scenario's spells), one row per observed duration, sorted.
    """
    good = ok_runs(runs)
    if scenarios is None:
        scenarios = list(dict.fromkeys(runs["scenario"].tolist()))
    rows = []
    for s in scenarios:
        spells = [d for lst in _spells(good[good["scenario"] == s]) for d in lst]
        if not spells:
            continue
        values, counts = np.unique(np.asarray(spells, dtype=int), return_counts=True)
        total = counts.sum()
        for v, c in zip(values.tolist(), counts.tolist(), strict=True):
            rows.append({"scenario": s, "duration": v, "spells": c, "share": c / total})
    return pd.DataFrame(rows, columns=["scenario", "duration", "spells", "share"])


def stalemate_stats(runs: pd.DataFrame, scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """One line per scenario: how common and how long stalemates are.

    Returns:
        Columns ``scenario, runs, share_with_stalemate, spells, median_spell,
        q90_spell, median_longest, mean_stalemate_share`` (the last: stalemate
        weeks over war weeks, averaged over runs).
    """
    good = ok_runs(runs)
    if scenarios is None:
        scenarios = list(dict.fromkeys(runs["scenario"].tolist()))
    rows = []
    for s in scenarios:
        sub = good[good["scenario"] == s]
        per_run = _spells(sub)
        flat = np.asarray([d for lst in per_run for d in lst], dtype=float)
        longest = np.asarray([max(lst, default=0) for lst in per_run], dtype=float)
        weeks = sub["end_week"].to_numpy(dtype=float)
        if "stalemate_weeks" in sub.columns:
            sw = sub["stalemate_weeks"].to_numpy(dtype=float)
        else:
            sw = np.asarray([sum(lst) for lst in per_run], dtype=float)
        share = np.divide(sw, weeks, out=np.zeros_like(sw), where=weeks > 0)
        rows.append(
            {
                "scenario": s,
                "runs": len(sub),
                "share_with_stalemate": float((longest > 0).mean()) if len(sub) else np.nan,
                "spells": int(flat.size),
                "median_spell": float(np.median(flat)) if flat.size else np.nan,
                "q90_spell": float(np.quantile(flat, 0.9)) if flat.size else np.nan,
                "median_longest": float(np.median(longest)) if len(sub) else np.nan,
                "mean_stalemate_share": float(share.mean()) if len(sub) else np.nan,
            }
        )
    return pd.DataFrame(rows)
