"""Measures and verdicts: paired differences, exact tests and Holm's adjustment."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.paired import paired_interval, paired_outcomes
from sim.experiments.validation.settings import ALPHA, FAIL, PASS, WRONG

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


# -- statistics (the paired machinery of sim.experiments.compare, exact tests from scipy) --


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
