"""Policy what-if comparisons: each alternative against a baseline, paired run by run.

An analyst asks "does sanctioning the contractor change the chance that the
capital falls, and by how much?". The answer is a *difference* between two
arms, and its uncertainty is smallest when both arms share their luck:

* **Common random numbers.** All arms run through one sweep
  (:func:`sim.experiments.sweep.run_sweep`), so replicate ``i`` of every arm uses the same
  seed (:func:`sim.experiments.sweep.replicate_seed`). Inside the model each mechanism
  draws from its own stream (``sim.model.model.Streams``) a fixed number of values a
  week, so a policy that changes one mechanism does not shift the others'
  draws: the paired difference reflects the policy, not the dice.
* **Paired intervals.** For an outcome label ``L`` the per-replicate
  difference is ``d_i = 1[alt_i = L] - 1[base_i = L]``; for a number (war
  duration, casualties, the front distance on a date) it is
  ``d_i = alt_i - base_i``. The interval is for the mean of ``d``.

Interval method (``method``):

``"t"`` (default)
    Student's t interval on the ``d_i`` (``scipy.stats.ttest_1samp(d)
    .confidence_interval()``): the paired-proportion Wald interval with n-1
    degrees of freedom. Why: one method for proportions and numbers,
    deterministic (no resampling noise in a stopping rule), and fast. Its
    coverage is close to nominal once about ten replicates are *discordant*
    (differ between the arms); ``comparison.csv`` reports the discordant
    count and ``comparison.md`` flags rows with fewer than ten.
``"bca"``
    ``scipy.stats.bootstrap`` (BCa, 9,999 resamples, seeded from the root
    seed) on the ``d_i``: no normality assumption, slower.

Degenerate cases: when every ``d_i`` is the same value ``c`` (e.g. an
alternative identical to the baseline, or a policy that changes no
replicate's outcome) the interval is ``[c, c]``: with common random numbers
that means *no replicate changed*. Fewer than two pairs give ``[nan, nan]``.

Adaptive precision (``precision=H``): replications are added in batches
(``--resume`` of the same sweep, so earlier runs are kept) until every
reported probability difference has a 95 % half-width ``<= H`` or
``max_reps`` is reached (a zero-width interval counts as ``3 / n``, the rule
of three, so that a handful of unchanged pairs does not stop the batches).
The next batch size comes from the ``1/sqrt(n)`` law:
``n * (half_width / H)**2`` with a 10 % margin, at most four times the
current size. Looking at the data between batches is a sequential procedure
(Chow-Robbins fixed-width intervals): its coverage is nominal as ``H`` gets
small, slightly below for coarse ``H``.

Files written in ``out``: ``arms/`` (the sweep of all arms: ``runs.csv``,
``front_series.csv``, ``summary.csv``, ``front.csv``, its ``manifest.json``),
``comparison.csv`` (contract columns first), ``differences.csv`` (numbers and
time-limited probabilities), ``comparison.md``, the figures and
``manifest.json``.

Python use (a notebook)::

    from sim.experiments.compare import compare
    res = compare("libya_2019.toml", ["libya_wagner_sanctions.toml"], reps=500, seed=1)
    res.table          # comparison.csv
    res.differences    # differences.csv
    for line in res.headlines():
        print(line)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shlex
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis import summaries as analysis
from sim.analysis.outcomes import outcome_labels
from sim.experiments.faults import (
    BadInputError,
    check_out_dir,
    folder_lock,
    read_manifest,
    refuse_other_run,
    write_failure,
)
from sim.experiments.store import read_front_series
from sim.experiments.sweep import (
    FRONT_FILE,
    MANIFEST_FILE,
    RUNS_FILE,
    SweepInterrupted,
    SweepResult,
    _design,
    horizon_of,
    load_specs,
    output_dir,
    read_runs,
    report_interrupted,
    run_sweep,
    sweep_identity,
)
from sim.scenario import ScenarioError, ScenarioSpec

ARMS_DIR = "arms"
COMPARISON_FILE = "comparison.csv"
DIFFERENCES_FILE = "differences.csv"
REPORT_FILE = "comparison.md"
FIGURES = {
    "outcomes": "comparison_outcomes.png",
    "forest": "comparison_forest.png",
    "front": "comparison_fan.png",
    "survival": "comparison_survival.png",
}
CONTRACT_COLUMNS = [
    "baseline",
    "alternative",
    "outcome",
    "p_baseline",
    "p_alternative",
    "difference",
    "ci_low",
    "ci_high",
]
COMPARISON_COLUMNS = [
    *CONTRACT_COLUMNS,
    "pairs",
    "only_baseline",
    "only_alternative",
    "correlation",
    "significant",
    "p_exact",
    "significant_holm",
    "changed_share_max",
]
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
METHODS = ("t", "bca")
FEW_DISCORDANT = 10


# -- paired statistics ------------------------------------------------------------------


def paired_interval(
    d: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    method: str = "t",
    seed: int = 0,
) -> tuple[float, float]:
    """Confidence interval for the mean of paired differences ``d``.

    Args:
        d: per-replicate differences (alternative minus baseline); NaNs dropped.
        confidence: interval level.
        method: ``"t"`` (Student's t on ``d``) or ``"bca"`` (``scipy.stats.bootstrap``).
        seed: seed of the bootstrap resampling (``"bca"`` only).

    Returns:
        ``(low, high)``; ``(c, c)`` when every difference equals ``c`` (nothing
        varies, so nothing is uncertain), ``(nan, nan)`` with fewer than two pairs.
    """
    x = np.asarray(d, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (math.nan, math.nan)
    if np.all(x == x[0]):
        return (float(x[0]), float(x[0])) if x.size > 1 else (math.nan, math.nan)
    if method == "t":
        ci = stats.ttest_1samp(x, 0.0).confidence_interval(confidence_level=confidence)
        return (float(ci.low), float(ci.high))
    if method == "bca":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.bootstrap(
                (x,),
                np.mean,
                confidence_level=confidence,
                method="BCa",
                n_resamples=9999,
                rng=np.random.default_rng(seed),
                vectorized=True,
            )
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if not (np.isfinite(low) and np.isfinite(high)):  # BCa failed: fall back to t
            return paired_interval(x, confidence, "t")
        return (low, high)
    raise ValueError(f"method: expected one of {', '.join(METHODS)}, found {method!r}")


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of the two arms' per-replicate values (NaN if one is constant).

    Why report it: it is how well common random numbers work. The variance of
    a paired difference is ``var(a) + var(b) - 2 cov(a, b)``, so a correlation
    near 1 is what makes the paired interval narrow.
    """
    if a.size < 2 or np.std(a) == 0 or np.std(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


#: the significance rule, stated once for every table, report and CSV
SIGNIFICANCE_RULE = (
    "a difference is significant when its paired interval, at full precision, excludes 0 "
    "*and* the exact sign test on the changed pairs (McNemar's exact test for an outcome: "
    "`scipy.stats.binomtest` on the pairs that went one way against those that went the "
    "other) gives p < 0.05"
)
HOLM_NOTE = (
    "Several outcomes and alternatives are tested at once, so by chance alone about one "
    "test in twenty passes at 5 %; the Holm step-down adjustment (over every row of the "
    "table) keeps the chance of any false positive in the whole table at 5 %"
)


def exact_p(d: np.ndarray) -> float:
    """Two-sided exact sign test on the non-zero paired differences ``d``.

    For 0/1 outcomes this is McNemar's exact test: under no effect a changed
    pair is equally likely to go either way. ``1.0`` when no pair changed.
    """
    x = np.asarray(d, dtype=float)
    x = x[np.isfinite(x)]
    up, down = int((x > 0).sum()), int((x < 0).sum())
    if up + down == 0:
        return 1.0
    return float(stats.binomtest(up, up + down, 0.5).pvalue)


def holm(pvalues: Sequence[float], alpha: float = 0.05) -> list[bool]:
    """Holm step-down: which of ``pvalues`` stay significant as a family at ``alpha``.

    Why by hand: scipy has no Holm (``false_discovery_control`` controls the
    false discovery rate, a weaker promise). Sort the p-values; the i-th
    smallest (0-based) must be below ``alpha / (m - i)``, and testing stops at
    the first that is not. NaN p-values are never significant.
    """
    p = np.asarray(pvalues, dtype=float)
    finite = np.where(np.isfinite(p))[0]
    m = finite.size
    keep = np.zeros(p.size, dtype=bool)
    for i, j in enumerate(finite[np.argsort(p[finite], kind="stable")]):
        if p[j] >= alpha / (m - i):
            break
        keep[j] = True
    return keep.tolist()


def _row(
    base: np.ndarray, alt: np.ndarray, confidence: float, method: str, seed: int
) -> dict[str, Any]:
    d = alt - base
    low, high = paired_interval(d, confidence, method, seed)
    p = exact_p(d)
    return {
        "mean_baseline": float(base.mean()) if base.size else math.nan,
        "mean_alternative": float(alt.mean()) if alt.size else math.nan,
        "difference": float(d.mean()) if d.size else math.nan,
        "ci_low": low,
        "ci_high": high,
        "pairs": int(d.size),
        "changed": int(np.count_nonzero(d)),
        "correlation": _correlation(base, alt),
        "significant": bool(np.isfinite(low) and (low > 0 or high < 0) and p < 1 - confidence),
        "p_exact": p,
        "significant_holm": False,  # set over the whole table by _holm_columns
    }


def paired_outcomes(
    pairs: pd.DataFrame,
    baseline: str,
    alternative: str,
    labels: Sequence[str],
    confidence: float = 0.95,
    method: str = "t",
    seed: int = 0,
) -> pd.DataFrame:
    """Paired differences of outcome probabilities (rows of ``comparison.csv``).

    Args:
        pairs: one row per replicate run successfully in both arms, with columns
            ``outcome_base`` and ``outcome_alt`` (see :func:`pair_runs`).
        baseline: the baseline's label (first column).
        alternative: the alternative's label (second column).
        labels: outcome labels, in table order.
        confidence: interval level.
        method: interval method (see :func:`paired_interval`).
        seed: bootstrap seed (``"bca"`` only).
    """
    rows = []
    for label in labels:
        b = (pairs["outcome_base"] == label).to_numpy(dtype=float)
        a = (pairs["outcome_alt"] == label).to_numpy(dtype=float)
        r = _row(b, a, confidence, method, seed)
        rows.append(
            {
                "baseline": baseline,
                "alternative": alternative,
                "outcome": label,
                "p_baseline": r["mean_baseline"],
                "p_alternative": r["mean_alternative"],
                "difference": r["difference"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "pairs": r["pairs"],
                "only_baseline": int(((b == 1) & (a == 0)).sum()),
                "only_alternative": int(((a == 1) & (b == 0)).sum()),
                "correlation": r["correlation"],
                "significant": r["significant"],
                "p_exact": r["p_exact"],
                "significant_holm": False,
                "changed_share_max": (
                    float(stats.binomtest(0, r["pairs"]).proportion_ci(confidence).high)
                    if r["pairs"] and r["changed"] == 0
                    else math.nan
                ),
            }
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _holm_columns(df: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Fill ``significant_holm``: the raw rule, with Holm-adjusted p over the table's rows."""
    if len(df):
        adj = holm(df["p_exact"].astype(float).tolist(), alpha)
        df["significant_holm"] = df["significant"].astype(bool) & np.asarray(adj)
    return df


def pair_runs(runs: pd.DataFrame, baseline: str, alternative: str) -> pd.DataFrame:
    """Join the two arms' successful runs on the replicate (suffixes ``_base``, ``_alt``).

    A replicate that failed in either arm is left out of every paired statistic.
    """
    good = analysis.ok_runs(runs)
    b = good[good["scenario"] == baseline].set_index("replicate")
    a = good[good["scenario"] == alternative].set_index("replicate")
    return b.add_suffix("_base").join(a.add_suffix("_alt"), how="inner").sort_index()


# -- dates at which the front is compared -------------------------------------------------


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
    idx = np.asarray(weeks, dtype=int)
    for name, rep, series in read_front_series(path):
        if name not in rows:
            continue
        rows[name].append(series[np.minimum(idx, series.size - 1)].tolist())
        reps[name].append(rep)
        if name in sums and sums[name].size == series.size:
            sums[name] += series
        else:
            sums[name] = series.astype(float).copy()
        counts[name] += 1
    at = {
        s: pd.DataFrame(rows[s], index=pd.Index(reps[s], name="replicate"), columns=cols)
        for s in labels
    }
    frames = []
    for s in labels:
        if not counts[s]:
            continue
        mean = sums[s] / counts[s]
        wk = np.arange(mean.size)
        dates = [date_of(int(w)).isoformat() for w in wk] if date_of else [""] * wk.size
        frames.append(pd.DataFrame({"scenario": s, "week": wk, "date": dates, "mean": mean}))
    means = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["scenario", "week", "date", "mean"])
    )
    return at, means


# -- the result -------------------------------------------------------------------------


@dataclass
class ComparisonResult:
    """What a finished comparison produced.

    Attributes:
        out: the output folder (a temporary one when ``compare(out=None)``).
        baseline: the baseline's label (its scenario name).
        alternatives: the alternatives' labels.
        specs: the loaded scenarios by label.
        reps: replicates per arm (after adaptive precision, the final number).
        seed: root seed; replicate ``i`` of every arm has seed ``replicate_seed(seed, i)``.
        weeks: horizon override, if any.
        table: ``comparison.csv`` (paired differences of outcome probabilities).
        differences: ``differences.csv`` (numbers and time-limited probabilities).
        sweep: the underlying :class:`sim.experiments.sweep.SweepResult` (all arms).
        rounds: adaptive-precision batches: reps, runs and the largest half-width.
        precision: the half-width target, if any.
        method: the interval method.
        at_weeks: weeks at which the front and time-limited outcomes were compared.
        front_mean: each arm's weekly mean front distance (``scenario, week, date, mean``).
        elapsed: wall time (s).
        figures: figure key -> path.
    """

    out: Path
    baseline: str
    alternatives: list[str]
    specs: dict[str, ScenarioSpec]
    reps: int
    seed: int
    weeks: int | None
    table: pd.DataFrame
    differences: pd.DataFrame
    sweep: SweepResult
    rounds: list[dict[str, Any]]
    precision: float | None
    method: str
    at_weeks: list[int]
    front_mean: pd.DataFrame = field(default_factory=pd.DataFrame)
    elapsed: float = 0.0
    figures: dict[str, Path] = field(default_factory=dict)
    _tmp: Any = field(default=None, repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        """Each arm's outcome probabilities with Wilson intervals (the sweep's summary)."""
        return self.sweep.summary

    @property
    def failures(self) -> int:
        """Replications that raised (left out of the pairs)."""
        return int(self.sweep.failures)

    @property
    def runs(self) -> int:
        """Replications on disk, all arms."""
        return self.reps * (1 + len(self.alternatives))

    @property
    def max_half_width(self) -> float:
        """The largest 95 % half-width of a probability difference (zero widths as 3/n)."""
        return _max_half_width(self.table, self.differences)

    @property
    def converged(self) -> bool:
        """Whether the precision target (if any) was met."""
        return self.precision is None or self.max_half_width <= self.precision

    def pairs(self, alternative: str) -> pd.DataFrame:
        """The per-replicate pairs of one alternative with the baseline (``_base``/``_alt``)."""
        return pair_runs(self.sweep.runs, self.baseline, alternative)

    def headlines(self, significant_only: bool = False) -> list[str]:
        """One sentence per alternative and outcome, the way an analyst would say it."""
        out = []
        for r in self.table.itertuples(index=False):
            if significant_only and not r.significant:
                continue
            out.append(headline(r._asdict()))
        return out


def _fmt_signed(x: float, digits: int = 3) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:+.{digits}f}".replace("-", "−")


def headline(row: Mapping[str, Any]) -> str:
    """E.g. "P(victory:LNA) changes by −0.060 [−0.090, −0.030] under X vs Y, paired over 500."""
    lo, hi = row["ci_low"], row["ci_high"]
    changed = int(row.get("only_baseline", 0)) + int(row.get("only_alternative", 0))
    if changed == 0 and row["pairs"]:
        bound = row.get("changed_share_max", math.nan)
        return (
            f"P({row['outcome']}) is {row['p_baseline']:.3f} under both {row['alternative']} "
            f"and {row['baseline']}: no replicate changed this outcome in {row['pairs']} pairs, "
            f"so the policy changes it in at most {bound:.3f} of replicates "
            "(95 % exact Clopper–Pearson bound)"
        )
    if row["significant"]:
        verdict = "significant at 5 %"
        holm_ok = row.get("significant_holm")
        if holm_ok is not None:
            verdict += " (also after Holm)" if holm_ok else " (not after Holm)"
    else:
        verdict = "not significant at 5 %"
    p = row.get("p_exact", math.nan)
    ptext = f"exact p = {p:.3g}, " if np.isfinite(p) else ""
    few = " — few changed pairs" if changed < FEW_DISCORDANT else ""
    return (
        f"P({row['outcome']}) changes by {_fmt_signed(row['difference'])} "
        f"{_ci_text(lo, hi)} under {row['alternative']} vs "
        f"{row['baseline']} ({row['p_baseline']:.3f} → {row['p_alternative']:.3f}), "
        f"paired over {row['pairs']} replicates, {changed} changed; {ptext}{verdict}{few}"
    )


def _max_half_width(table: pd.DataFrame, differences: pd.DataFrame) -> float:
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


# -- analysis of a finished sweep of the arms ---------------------------------------------


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
        **_row(b, a, confidence, method, seed),
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
    table = _holm_columns(table, 1 - confidence)
    differences = _holm_columns(pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS), 1 - confidence)
    return table, differences, means


def next_reps(n: int, half_width: float, target: float, max_reps: int) -> int:
    """Replicates for the next batch, from the ``1/sqrt(n)`` law with a 10 % margin.

    At least 10 more than now (and a quarter more), at most four times as many
    and never more than ``max_reps``; rounded up to a multiple of 10.
    """
    want = n * (half_width / target) ** 2 * 1.1 if target > 0 else 4 * n
    step = max(10, math.ceil(n / 4))
    new = min(max(want, n + step), 4 * n)
    new = int(math.ceil(new / 10) * 10)
    return int(min(max_reps, max(new, n + 1)))


# -- the comparison -----------------------------------------------------------------------


def compare(
    baseline: str | Path | ScenarioSpec,
    alternatives: str | Path | ScenarioSpec | Sequence[str | Path | ScenarioSpec],
    reps: int = 100,
    seed: int = 0,
    out: str | Path | None = None,
    workers: int | None = None,
    precision: float | None = None,
    max_reps: int = 2000,
    weeks: int | None = None,
    progress: bool = True,
    *,
    at_dates: Sequence[str | dt.date] | None = None,
    overrides: Mapping[str, Any] | None = None,
    method: str = "t",
    confidence: float = 0.95,
    executor: str = "auto",
    scheduler: str | None = None,
    resume: bool = False,
    report: bool = True,
    ensemble: Sequence[Mapping[str, Any]] | None = None,
    force: bool = False,
) -> ComparisonResult:
    """Compare each alternative with the baseline, paired replicate by replicate.

    Args:
        baseline: the baseline scenario (file or loaded spec).
        alternatives: one or more what-if scenarios.
        reps: replicates per arm (the first batch when ``precision`` is given).
        seed: root seed; replicate ``i`` of every arm uses the same seed.
        out: output folder; None for a temporary one (no figures or report).
        workers: worker processes (default: the CPU count).
        precision: target 95 % half-width of every probability difference;
            replicates are added in batches until it is met or ``max_reps``.
        max_reps: the most replicates per arm that ``precision`` may use.
        weeks: horizon overriding every scenario's ``horizon_weeks``.
        progress: show the sweep's progress bar.
        at_dates: dates at which the front (and outcomes so far) are compared,
            besides the horizon; default: one year after the start.
        overrides: ``{"dotted.key": value}`` applied to every arm.
        method: interval method, ``"t"`` or ``"bca"`` (see the module docstring).
        confidence: interval level.
        executor: see :func:`sim.experiments.sweep.open_backend`.
        scheduler: a Dask scheduler address.
        resume: keep the arms' runs already in ``out/arms`` (same design).
        report: write the figures and ``comparison.md`` (when ``out`` is given).
        ensemble: calibrated parameter sets; replicate ``i`` runs set ``i mod M``
            (the same set in every arm or design point, so pairing holds).
        force: start afresh even when ``out`` holds a different run.

    Raises:
        ScenarioError: a scenario or override is invalid.
        ValueError: bad arguments (two arms with one name, a date outside the runs, ...).
        StoreError: ``resume`` into a folder holding a different comparison.
        SweepInterrupted: Ctrl-C; the finished runs are on disk in ``out/arms``.
    """
    started = time.perf_counter()
    if isinstance(alternatives, str | Path | ScenarioSpec):
        alternatives = [alternatives]
    alternatives = list(alternatives)
    if not alternatives:
        raise ValueError("alternatives: expected at least one what-if scenario, found none")
    if method not in METHODS:
        raise ValueError(f"--interval: expected one of {', '.join(METHODS)}, found {method!r}")
    if precision is not None and not 0 < precision < 1:
        raise ValueError(f"--precision: expected a half-width between 0 and 1, found {precision}")
    if precision is not None and max_reps < reps:
        raise ValueError(f"--max-reps: expected at least --reps ({reps}), found {max_reps}")
    specs = load_specs([baseline, *alternatives], overrides)
    labels = list(specs)
    base, alts = labels[0], labels[1:]
    horizon = min(horizon_of(s, weeks) for s in specs.values())
    same_start(specs)
    at_weeks = (
        sorted({*weeks_for_dates(at_dates, specs, horizon), horizon})
        if at_dates
        else default_weeks(horizon)
    )

    out_dir, tmp, report = output_dir(out, "proxywar-compare-", report)
    with folder_lock(out_dir, "compare"):
        # the arms' own check would refuse a rerun with --precision (more reps on file)
        force = force or (
            not resume and _same_comparison(out_dir, specs, seed, weeks, overrides, reps, precision)
        )
        if not resume:
            for name in [COMPARISON_FILE, DIFFERENCES_FILE, REPORT_FILE, *FIGURES.values()]:
                (out_dir / name).unlink(missing_ok=True)

        rounds: list[dict[str, Any]] = []
        n = int(reps)
        while True:
            t0 = time.perf_counter()
            sweep = run_sweep(
                list(specs.values()),
                reps=n,
                seed=seed,
                out=out_dir / ARMS_DIR,
                workers=workers,
                executor=executor,
                resume=resume or bool(rounds),
                force=force,
                weeks=weeks,
                progress=(
                    f"compare: {base} + {len(alts)} what-if(s)"
                    + (f", batch {len(rounds) + 1} to {n} reps" if precision is not None else "")
                    if progress
                    else False
                ),
                scheduler=scheduler,
                report=False,
                ensemble=ensemble,
            )
            table, differences, front_mean = analyse_pairs(
                sweep, base, alts, at_weeks, confidence, method
            )
            hw = _max_half_width(table, differences)
            rounds.append(
                {
                    "reps": n,
                    "runs": n * len(labels),
                    "executed": sweep.executed,
                    "max_half_width": hw,
                    "seconds": round(time.perf_counter() - t0, 2),
                }
            )
            if precision is None or not np.isfinite(hw) or hw <= precision or n >= max_reps:
                break
            n = next_reps(n, hw, precision, max_reps)

        result = ComparisonResult(
            out=out_dir,
            baseline=base,
            alternatives=alts,
            specs=specs,
            reps=n,
            seed=int(seed),
            weeks=weeks,
            table=table,
            differences=differences,
            sweep=sweep,
            rounds=rounds,
            precision=precision,
            method=method,
            at_weeks=list(at_weeks),
            front_mean=front_mean,
            _tmp=tmp,
        )
        table.to_csv(out_dir / COMPARISON_FILE, index=False, float_format="%.6g")
        differences.to_csv(out_dir / DIFFERENCES_FILE, index=False, float_format="%.6g")
        _write_manifest(result, max_reps, confidence)
        if report:
            result.figures = write_figures(result, overrides)
            write_report(result)
        result.elapsed = time.perf_counter() - started
        return result


def _same_comparison(
    out: Path,
    specs: Mapping[str, ScenarioSpec],
    seed: int,
    weeks: int | None,
    overrides: Mapping[str, Any] | None,
    reps: int,
    precision: float | None,
) -> bool:
    """Whether ``out`` holds this very comparison (True), nothing yet (False), or refuse.

    Raises:
        OtherRunError: ``out`` holds another command's or another comparison's results.
    """
    old = read_manifest(out / MANIFEST_FILE)
    if old is None:
        return False
    have = sweep_identity(old)
    rounds = old.get("rounds") or [{}]
    have.update(reps=rounds[0].get("reps", old.get("reps")), precision=old.get("precision"))
    design = _design(specs, seed, weeks, dict(overrides or {}))
    wanted = sweep_identity({"command": "compare", **design, "reps": int(reps)})
    wanted["precision"] = precision
    refuse_other_run(out, have, wanted)
    return True


def _write_manifest(res: ComparisonResult, max_reps: int, confidence: float) -> Path:
    """``manifest.json``: the comparison's design plus the arms' sweep manifest."""
    arms = json.loads((res.out / ARMS_DIR / MANIFEST_FILE).read_text("utf-8"))
    manifest = {
        "command": "compare",
        "baseline": res.baseline,
        "alternatives": res.alternatives,
        "reps": res.reps,
        "seed": res.seed,
        "weeks": res.weeks,
        "pairing": "replicate i of every arm uses the same seed (common random numbers); "
        "the model draws from separate per-mechanism streams (sim.model.model.Streams)",
        "interval": {
            "method": res.method,
            "confidence": confidence,
            "description": (
                "Student's t on the per-replicate differences (scipy.stats.ttest_1samp)"
                if res.method == "t"
                else "BCa bootstrap of the mean per-replicate difference (scipy.stats.bootstrap)"
            ),
        },
        "precision": res.precision,
        "max_reps": max_reps if res.precision is not None else None,
        "rounds": res.rounds,
        "converged": res.converged,
        "at_weeks": res.at_weeks,
        "at_dates": [res.specs[res.baseline].date_of(w).isoformat() for w in res.at_weeks],
        "files": {
            "arms": f"{ARMS_DIR}/ (a sweep folder: runs.csv, front_series.csv, summary.csv, ...)",
            "comparison": COMPARISON_FILE,
            "differences": DIFFERENCES_FILE,
            "report": REPORT_FILE,
        },
        "failures": res.failures,
    }
    for key in ("scenarios", "overrides", "seeding", "first_seeds", "packages", "code"):
        manifest[key] = arms.get(key)
    path = res.out / MANIFEST_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


# -- figures and report ---------------------------------------------------------------------


def write_figures(
    res: ComparisonResult, overrides: Mapping[str, Any] | None = None
) -> dict[str, Path]:
    """Draw the comparison's figures into its folder; returns figure key -> path.

    ``overrides`` (the ``--set`` values applied to every arm) go into every title.
    """
    from sim.viz import plots

    paths = {k: res.out / name for k, name in FIGURES.items()}
    common = {"specs": res.specs, "overrides": dict(overrides or {})}
    plots.plot_outcome_probabilities(res.summary, paths["outcomes"], weeks=res.weeks, **common)
    plots.plot_difference_forest(
        res.table, res.differences, paths["forest"], weeks=res.weeks, **common
    )
    objective = res.specs[res.baseline].front.objective
    if len(res.sweep.front):
        plots.plot_front_overlay(
            res.sweep.front, paths["front"], objective=objective, means=res.front_mean, **common
        )
    else:
        paths.pop("front")
    if len(res.sweep.survival):
        plots.plot_survival(res.sweep.survival, paths["survival"], weeks=res.weeks, **common)
    else:
        paths.pop("survival")
    return paths


def _md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def _fmt(x: float, digits: int = 3) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.{digits}f}"


def _ci_digits(lo: float, hi: float, digits: int) -> int:
    """Enough decimals that no non-zero end of an interval rounds to ±0.

    Why: "[−0.056, −0.000]" (significant) beside "[−0.000, +0.055]" (not) hides
    which side of zero an end is on; more digits make sign and verdict agree.
    """
    for d in range(digits, 9):
        if all(x == 0 or round(abs(x), d) > 0 for x in (lo, hi)):
            return d
    return 8


def _ci_text(lo: float, hi: float, digits: int = 3) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "n/a"
    d = _ci_digits(lo, hi, digits)
    return f"[{_fmt_signed(lo, d)}, {_fmt_signed(hi, d)}]"


def _digits(values: Sequence[float]) -> int:
    """Decimals that suit a metric's size (weeks and km: 1, casualties: 0)."""
    big = max((abs(v) for v in values if np.isfinite(v)), default=0.0)
    return 0 if big >= 1000 else (1 if big >= 1 else 3)


def _run_states(runs: pd.DataFrame) -> dict[str, tuple[str, pd.Series]]:
    """Per-run facts, each as a short phrase, from the per-run columns of ``runs.csv``.

    Returns ``column -> (subject, phrase per run)``; e.g. ``left_wagner`` ->
    ("wagner", "stayed" / "left (pay)"), ``withdrew_uae`` -> ("uae", "stayed"
    / "withdrew"), ``objectives_week_GNA`` -> ("GNA", "held its objective" / ...).
    """
    out: dict[str, tuple[str, pd.Series]] = {}
    for col in runs.columns:
        v = runs[col]
        if col.startswith("left_"):
            phrase = v.map(
                lambda x: "stayed" if pd.isna(x) or x in ("", "stayed") else f"left ({x})"
            )
            out[col] = (col.removeprefix("left_"), phrase)
        elif col.startswith("withdrew_"):
            phrase = pd.to_numeric(v, errors="coerce").map(
                lambda x: "kept backing its client" if pd.isna(x) else "withdrew its support"
            )
            out[col] = (col.removeprefix("withdrew_"), phrase)
        elif col.startswith("objectives_week_"):
            phrase = pd.to_numeric(v, errors="coerce").map(
                lambda x: "never held its objectives" if pd.isna(x) else "held its objectives"
            )
            out[col] = (col.removeprefix("objectives_week_"), phrase)
        elif col == "start_line_week":
            phrase = pd.to_numeric(v, errors="coerce").map(
                lambda x: (
                    "was never pushed past its start line"
                    if pd.isna(x)
                    else "was pushed past its start line"
                )
            )
            out[col] = ("the attacker", phrase)
        elif col in ("vetoes", "ceasefires", "breakdowns"):
            phrase = (
                pd.to_numeric(v, errors="coerce")
                .fillna(0)
                .map(
                    lambda x, c=col: (
                        f"had no {c.removesuffix('s')}"
                        if x == 0
                        else f"had a {c.removesuffix('s')}"
                    )
                )
            )
            out[col] = ("the war", phrase)
    return out


def replicate_accounts(res: ComparisonResult, top: int = 2) -> list[str]:
    """Why a significant outcome difference happened, from the replicates that changed.

    For each significant row of the outcome table, take the pairs that moved in
    the row's direction (e.g. a GNA victory in the baseline but not under the
    alternative) and, for every per-run fact that differs between the arms of
    a pair (who left, backers' withdrawals, milestones), count how often that
    exact change occurs among those pairs and among the unchanged pairs. The
    changes most over-represented among the changed pairs are the account.
    """
    path = res.out / ARMS_DIR / RUNS_FILE
    if not path.exists() or not len(res.table):
        return []
    runs = analysis.ok_runs(read_runs(path))
    out = []
    for r in res.table.itertuples(index=False):
        if not r.significant:
            continue
        b = runs[runs["scenario"] == r.baseline].set_index("replicate")
        a = runs[runs["scenario"] == r.alternative].set_index("replicate")
        common = b.index.intersection(a.index)
        b, a = b.loc[common], a.loc[common]
        in_b, in_a = b["outcome"] == r.outcome, a["outcome"] == r.outcome
        lost = r.difference < 0
        moved = (in_b & ~in_a) if lost else (in_a & ~in_b)
        n = int(moved.sum())
        if n == 0:
            continue
        sb, sa = _run_states(b), _run_states(a)
        found = []
        for col, (who, pb) in sb.items():
            if col not in sa:
                continue
            pa = sa[col][1]
            change = (pb + " → " + pa).where(pb != pa)
            counts = change[moved].value_counts()
            if not len(counts):
                continue
            what, k = counts.index[0], int(counts.iloc[0])
            rest = change[~moved]
            base_rate = float((rest == what).mean()) if len(rest) else 0.0
            found.append((k / n - base_rate, k, who, what, base_rate))
        found.sort(reverse=True)
        verb = "lost" if lost else "gained"
        for lift, k, who, what, base_rate in found[:top]:
            if lift <= 0.1 or k / n < 0.25:
                continue
            before, after = what.split(" → ")
            out.append(
                f"{r.alternative} vs {r.baseline}, `{r.outcome}`: in {k} of the {n} pairs that "
                f"{verb} it, {who} {before} in the baseline but {after} under "
                f"{r.alternative} (against {base_rate:.0%} of the other pairs)."
            )
    return out


def write_report(res: ComparisonResult) -> Path:
    """Write ``comparison.md``: the question, the answer in words, tables and figures."""
    from sim.experiments.report import outcome_markdown

    base = res.baseline
    spec = res.specs[base]
    figs = {k: p.name for k, p in res.figures.items()}
    horizon = min(horizon_of(s, res.weeks) for s in res.specs.values())
    manifest = json.loads((res.out / MANIFEST_FILE).read_text("utf-8"))
    code = manifest.get("code") or {}
    rev = code.get("git_revision") or "unknown"
    if code.get("dirty"):
        rev += " (with uncommitted changes in sim/)"
    lines = [
        f"# Policy comparison: {', '.join(res.alternatives)} vs {base}",
        "",
        "**The question.** Does each what-if change the chance of each outcome of the war by "
        f"{spec.date_of(horizon).isoformat()} (week {horizon}) compared with `{base}`, "
        "and by how much?",
        "",
        f"- baseline `{base}`: {spec.description}",
    ]
    for alt in res.alternatives:
        lines.append(f"- what-if `{alt}`: {res.specs[alt].description}")
    lines += [
        "",
        f"Paired over {res.reps} replicates per arm (root seed {res.seed}; replicate *i* of "
        "every arm uses the same seed, and each mechanism draws from its own random stream, "
        "so the arms share their luck and a difference reflects the policy). "
        f"Code revision `{rev}`.",
        "",
    ]
    if res.precision is not None:
        verdict = "met" if res.converged else f"**not met** (stopped at --max-reps {res.reps})"
        steps = " → ".join(str(r["reps"]) for r in res.rounds)
        lines += [
            f"Adaptive precision: target half-width {res.precision:g} for every probability "
            f"difference, {verdict}; replicates per arm by batch: {steps}; "
            f"{res.runs} runs in all; largest half-width {_fmt(res.max_half_width)}.",
            "",
        ]
    from sim.analysis.outcomes import outcome_definitions

    lines += ["## The answer", ""]
    lines += [f"Significance: {SIGNIFICANCE_RULE}. {HOLM_NOTE}.", ""]
    lines += ["What each outcome means (the model's rules for ending a war):", ""]
    lines += [f"- `{k}`: {v}." for k, v in outcome_definitions(spec).items()]
    lines.append("")
    for alt in res.alternatives:
        sub = res.table[res.table["alternative"] == alt]
        lines.append(f"**{alt}:**")
        lines.append("")
        for r in sub.itertuples(index=False):
            lines.append(f"- {headline(r._asdict())}.")
        lines.append("")
    lines += [
        "## Outcome probabilities, paired differences",
        "",
        "`difference` = P(alternative) − P(baseline); the 95 % interval is for the paired "
        "difference (method: "
        + (
            "Student's t on the per-replicate differences"
            if res.method == "t"
            else "BCa bootstrap of the per-replicate differences"
        )
        + "). `changed` counts replicates that ended in this outcome in one arm only "
        "(baseline only / alternative only); `corr` is the per-replicate correlation of "
        "the two arms, which is what makes pairing pay.",
        "",
    ]
    t = res.table
    few = (t["only_baseline"] + t["only_alternative"] < FEW_DISCORDANT) & (
        t["ci_low"] != t["ci_high"]
    )
    lines.append(
        _md_table(
            pd.DataFrame(
                {
                    "alternative": t["alternative"],
                    "outcome": t["outcome"],
                    "P baseline": t["p_baseline"].map(_fmt),
                    "P alternative": t["p_alternative"].map(_fmt),
                    "difference": t["difference"].map(_fmt_signed),
                    "95 % CI": [
                        _ci_text(a, b) for a, b in zip(t["ci_low"], t["ci_high"], strict=True)
                    ],
                    "changed": [
                        f"{a} / {b}" + (" (few)" if f else "")
                        for a, b, f in zip(
                            t["only_baseline"], t["only_alternative"], few, strict=True
                        )
                    ],
                    "corr": t["correlation"].map(lambda x: _fmt(x, 2)),
                    "exact p": t["p_exact"].map(lambda x: f"{x:.3g}"),
                    "sig.": t["significant"].map({True: "yes", False: "no"}),
                    "sig. (Holm)": t["significant_holm"].map({True: "yes", False: "no"}),
                }
            )
        )
    )
    lines.append("")
    if few.any():
        lines += [
            "(few): fewer than ten replicates changed outcome, so the interval rests on a "
            "handful of discordant pairs and may be too narrow; add replicates "
            "(`--reps`, or `--precision`).",
            "",
        ]
    if (t["only_baseline"] + t["only_alternative"] == 0).any():
        lines += [
            "A row whose `changed` is 0 / 0 means no replicate changed outcome: with common "
            "random numbers the policy made no difference in any of these runs; the answer "
            "above gives the 95 % exact (Clopper–Pearson) bound on the share of replicates "
            "it would change.",
            "",
        ]
    why = replicate_accounts(res)
    if why:
        lines += ["## Why: the replicates behind each significant difference", ""]
        lines += [
            "For each significant outcome difference, the pairs that changed are compared "
            "with the pairs that did not on the per-run columns of `arms/runs.csv` (who left "
            "and when, backers' withdrawals, milestones): the differences between the arms "
            "most over-represented among the changed pairs.",
            "",
        ]
        lines += [f"- {w}" for w in why]
        lines.append("")
    if "forest" in figs:
        lines += [f"![Paired differences]({figs['forest']})", ""]
    lines += [
        "Each arm's outcome probabilities with 95 % Wilson intervals:",
        "",
        outcome_markdown(res.summary),
        "",
    ]
    if "outcomes" in figs:
        lines += [f"![Outcome probabilities]({figs['outcomes']})", ""]
    lines += [
        "## Time, casualties and the front line",
        "",
        "Paired mean differences (alternative − baseline) with 95 % intervals "
        "(`differences.csv`). War duration is capped at the horizon (runs still going "
        "count as lasting to it), i.e. the restricted mean duration. The front distance "
        f"is the road distance from {spec.places[spec.front.objective].name} to the "
        f"{spec.front.attacker}'s nearest place; smaller means the attacker is closer. "
        "'P(outcome by date)' is the chance the war has ended that way by that date; "
        "(few) marks an interval resting on fewer than ten replicates that changed.",
        "",
    ]
    d = res.differences
    rows = []
    for r in d.itertuples(index=False):
        digits = 3 if r.kind == "probability" else _digits([r.mean_baseline, r.mean_alternative])
        rows.append(
            {
                "alternative": r.alternative,
                "metric": r.metric,
                "baseline": _fmt(r.mean_baseline, digits),
                "alternative mean": _fmt(r.mean_alternative, digits),
                "medians": (
                    f"{_fmt(r.median_baseline, digits)} → {_fmt(r.median_alternative, digits)}"
                    if r.kind == "number"
                    else ""
                ),
                "difference": _fmt_signed(r.difference, digits) if r.changed else "none",
                "95 % CI": (
                    _ci_text(r.ci_low, r.ci_high, digits)
                    if r.changed
                    else f"no pair changed (of {r.pairs})"
                )
                + (" (few)" if r.kind == "probability" and 0 < r.changed < FEW_DISCORDANT else ""),
                "sig.": "yes" if r.significant else "no",
                "sig. (Holm)": "yes" if r.significant_holm else "no",
            }
        )
    lines += [_md_table(pd.DataFrame(rows)) if rows else "(no pairs)", ""]
    times = []
    for s in [base, *res.alternatives]:
        med = analysis.median_time(res.sweep.survival, s)
        times.append(
            {
                "arm": s,
                "median weeks to the end of the war (Kaplan–Meier)": "beyond the horizon"
                if not np.isfinite(med)
                else f"{med:.0f}",
            }
        )
    lines += [_md_table(pd.DataFrame(times)), ""]
    if "front" in figs:
        lines += [f"![Front line, arms overlaid]({figs['front']})", ""]
    if "survival" in figs:
        lines += [f"![Time to each outcome, arms overlaid]({figs['survival']})", ""]
    lines += [
        "## Files",
        "",
        f"- `{COMPARISON_FILE}`: the outcome table above (contract columns first)",
        f"- `{DIFFERENCES_FILE}`: durations, casualties, the front on chosen dates, and "
        "outcomes by those dates",
        f"- `{ARMS_DIR}/`: every run of every arm (a sweep folder; `--resume` reuses it)",
        f"- `{MANIFEST_FILE}`: scenario files and hashes, seeds, interval method, batches, "
        "package versions, code revision",
    ]
    if res.failures:
        lines += [
            "",
            f"**{res.failures} replication(s) failed**; their replicates are left out of every "
            f"paired statistic (see `{ARMS_DIR}/runs.csv`, columns `status` and `error`).",
        ]
    path = res.out / REPORT_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- the command line -----------------------------------------------------------------------


def format_comparison(res: ComparisonResult) -> str:
    """The outcome and number tables as aligned text (what ``compare`` prints)."""

    def align(head: Sequence[str], rows: list[Sequence[str]], left: int) -> list[str]:
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        fmt = "  ".join(f"{{:{'<' if i < left else '>'}{w}}}" for i, w in enumerate(widths))
        return [fmt.format(*r) for r in [head, *rows]]

    out: list[str] = []
    for alt in res.alternatives:
        t = res.table[res.table["alternative"] == alt]
        n = int(t["pairs"].max()) if len(t) else 0
        out.append(f"{alt} vs {res.baseline}: paired over {n} replicates (seed {res.seed})")
        rows = [
            (
                r.outcome,
                _fmt(r.p_baseline),
                _fmt(r.p_alternative),
                _fmt_signed(r.difference) if r.only_baseline + r.only_alternative else "none",
                (
                    _ci_text(r.ci_low, r.ci_high)
                    if r.only_baseline + r.only_alternative
                    else f"no pair changed; ≤{r.changed_share_max:.3f}"
                )
                + _marks(r),
                f"{r.only_baseline}/{r.only_alternative}"
                + (" few" if 0 < r.only_baseline + r.only_alternative < FEW_DISCORDANT else ""),
            )
            for r in t.itertuples(index=False)
        ]
        head = (
            "outcome",
            "P baseline",
            "P alternative",
            "difference",
            "95% CI (paired)",
            "changed",
        )
        out += align(head, rows, 1)
        d = res.differences[res.differences["alternative"] == alt]
        rows = []
        for r in d.itertuples(index=False):
            digits = (
                3 if r.kind == "probability" else _digits([r.mean_baseline, r.mean_alternative])
            )
            rows.append(
                (
                    r.metric,
                    _fmt(r.mean_baseline, digits),
                    _fmt(r.mean_alternative, digits),
                    _fmt_signed(r.difference, digits) if r.changed else "none",
                    (_ci_text(r.ci_low, r.ci_high, digits) if r.changed else "no pair changed")
                    + _marks(r),
                )
            )
        if rows:
            out.append("")
            out += align(
                ("metric (mean)", "baseline", "alternative", "difference", "95% CI"), rows, 1
            )
        out.append("")
    out.append(
        "* significant: the paired 95 % interval excludes 0 and the exact sign/McNemar test "
        "on the changed pairs gives p < 0.05; ** also after Holm's adjustment over all rows "
        "(many tests at once). changed: replicates that ended this way in the baseline only / "
        f"the alternative only; few: fewer than {FEW_DISCORDANT}, so the interval rests on a "
        "handful of pairs. 'no pair changed; ≤x': the 95 % exact bound on the share of "
        "replicates the policy changes."
    )
    if res.specs:
        from sim.analysis.outcomes import definitions_footer

        out += ["", definitions_footer({res.baseline: res.specs[res.baseline]})]
    return "\n".join(out)


def _marks(r: Any) -> str:
    """Mark a significant row: " *" by the one rule, " **" when it survives Holm too."""
    if not r.significant:
        return ""
    return " **" if r.significant_holm else " *"


def resume_command(args: argparse.Namespace) -> str:
    """The exact command that resumes the comparison described by ``args``."""
    from sim.experiments.sweep import program_words

    prog = program_words()
    cmd = [*prog, "compare", args.baseline, *args.alternative, "--reps", str(args.reps)]
    cmd += ["--seed", str(args.seed), "--out", str(args.out)]
    for flag in ("weeks", "workers", "precision"):
        value = getattr(args, flag, None)
        if value is not None:
            cmd += [f"--{flag}", str(value)]
    if getattr(args, "precision", None) is not None:
        cmd += ["--max-reps", str(args.max_reps)]
    for item in getattr(args, "set", None) or []:
        cmd += ["--set", item]
    if getattr(args, "ensemble", None):
        cmd += ["--ensemble", str(args.ensemble)]
    for item in getattr(args, "at_date", None) or []:
        cmd += ["--at-date", item]
    if getattr(args, "interval", "t") != "t":
        cmd += ["--interval", args.interval]
    return shlex.join([*cmd, "--resume"])


def _ensemble_arg(args: argparse.Namespace) -> list[dict[str, Any]] | None:
    """``--ensemble FILE`` as parameter sets (None without it); a bad file is a usage error."""
    path = getattr(args, "ensemble", None)
    if not path:
        return None
    from sim.experiments.history_matching import read_ensemble

    try:
        return read_ensemble(path)
    except ValueError as exc:  # one line, exit 2 (the layers keep sim.cli out of here)
        raise ScenarioError([f"--ensemble: {exc}"]) from None


def cmd_compare(args: argparse.Namespace) -> int:
    """``compare BASELINE ALTERNATIVE... --reps N --seed S --out DIR [--precision H]``.

    Prints the paired tables; exit status 0, 1 when some replications failed
    (recorded in ``arms/runs.csv``), 2 on bad input, 130 on Ctrl-C.
    """
    from sim.experiments.arguments import UsageError, parse_sets
    from sim.experiments.store import StoreError

    check_out_dir(args.out)  # before the runs: a bad --out is a bad argument, found at once
    try:
        res = compare(
            args.baseline,
            args.alternative,
            reps=args.reps,
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            precision=args.precision,
            max_reps=args.max_reps,
            weeks=args.weeks,
            progress=not getattr(args, "no_progress", False),
            at_dates=getattr(args, "at_date", None) or None,
            overrides=parse_sets(getattr(args, "set", None)),
            method=getattr(args, "interval", "t"),
            executor=getattr(args, "executor", "auto"),
            scheduler=getattr(args, "scheduler", None),
            resume=getattr(args, "resume", False),
            ensemble=_ensemble_arg(args),
            force=getattr(args, "force", False),
        )
    except SweepInterrupted as exc:
        how = f"to finish the comparison run:\n  {resume_command(args)}"
        return report_interrupted(exc, how)
    except (StoreError, ValueError, BadInputError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # a full disk: the arms' runs so far are whole on disk
        print(write_failure(exc, Path(args.out), resume_command(args)), file=sys.stderr)
        return 1

    print(format_comparison(res))
    if res.precision is not None:
        steps = " -> ".join(str(r["reps"]) for r in res.rounds)
        state = "met" if res.converged else "NOT met (--max-reps reached)"
        print(
            f"\nprecision {res.precision:g}: {state}; largest half-width "
            f"{_fmt(res.max_half_width)}; replicates per arm by batch {steps}"
        )
    print(
        f"\n{res.runs} runs ({1 + len(res.alternatives)} arms x {res.reps} reps) "
        f"in {res.elapsed:.1f} s"
    )
    names = [COMPARISON_FILE, DIFFERENCES_FILE, MANIFEST_FILE, f"{ARMS_DIR}/"]
    names += [p.name for p in res.figures.values()]
    if res.figures:
        names.append(REPORT_FILE)
    print(f"wrote {', '.join(names)} in {res.out}")
    if res.failures:
        print(
            f"{res.failures} replications failed and were left out of the pairs; "
            f"see {res.out / ARMS_DIR / 'runs.csv'}",
            file=sys.stderr,
        )
        return 1
    return 0
