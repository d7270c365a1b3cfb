"""Checks 3-5: monotone in strength, a war that can turn, and the calibration targets."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from sim.experiments.calibration import FRONT_BAND_KM, TARGET_DATE, WHO_CASUALTIES_13_WEEKS
from sim.experiments.validation.arms import Runs
from sim.experiments.validation.measures import (
    CheckResult,
    Measure,
    _day,
    paired_share,
    wilson_share,
)
from sim.experiments.validation.records import weeks_by
from sim.experiments.validation.settings import (
    BAND_SHARE,
    DEFENDER,
    FAIL,
    GHARYAN,
    GHARYAN_BY,
    GHARYAN_SHARE,
    LNA_FIGHTERS,
    LNA_WIN_SHARE,
    NOT_FALLEN_SHARE,
    PASS,
    START_LINE_KM,
    SUBURBS_KM,
    SUBURBS_SHARE,
    SUBURBS_WEEKS,
    TURN_SHARE,
    V_GNA,
    V_LNA,
    WAGNER_BAND,
    WAGNER_BY,
    WAGNER_SHARE,
    WAGNER_SIZES,
    WHO_DATE,
    WHO_FACTOR,
    WRONG,
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
