"""Paired statistics: intervals, exact tests and the Holm adjustment for paired runs.

Why in analysis: the comparison command, the validation suite and notebooks
all ask the same question of two arms run with common random numbers (how
much did the policy move this, and is that more than luck?); the answer
depends only on the per-replicate values, not on how they were run.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis import summaries as analysis
from sim.analysis.tables import ci_text, fmt_signed

#: the first columns of ``comparison.csv`` (the contract a reader can rely on)
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
#: every column of ``comparison.csv``
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


METHODS = ("t", "bca")


FEW_DISCORDANT = 10


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


def paired_row(
    base: np.ndarray, alt: np.ndarray, confidence: float, method: str, seed: int
) -> dict[str, Any]:
    """The paired statistics of one measure: means, difference, interval, exact test.

    Why one function: outcome shares and numbers (duration, casualties, the
    front) are tested the same way, so every row of the tables says the same things.
    """
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
        "significant_holm": False,  # set over the whole table by holm_columns
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
        r = paired_row(b, a, confidence, method, seed)
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


def holm_columns(df: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
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
        f"P({row['outcome']}) changes by {fmt_signed(row['difference'])} "
        f"{ci_text(lo, hi)} under {row['alternative']} vs "
        f"{row['baseline']} ({row['p_baseline']:.3f} → {row['p_alternative']:.3f}), "
        f"paired over {row['pairs']} replicates, {changed} changed; {ptext}{verdict}{few}"
    )
