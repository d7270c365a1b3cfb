"""Checks 1-2: the Libya what-ifs against the baseline, and the stylised facts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.experiments.validation.arms import Runs
from sim.experiments.validation.measures import (
    CheckResult,
    Measure,
    _ci,
    _num,
    _p,
    directional,
    holm,
    paired_number,
    paired_share,
)
from sim.experiments.validation.settings import (
    ATTACKER,
    DEFENDER,
    FAIL,
    GNA_ADDS,
    LABELS,
    LNA_CUTS,
    PASS,
    V_GNA,
    V_LNA,
    WITHDRAWAL_DATE,
    WRONG,
)
from sim.scenario import ScenarioSpec

# -- 1. the Libya what-ifs ----------------------------------------------------------------------


def _toward_gna(runs: Runs, base: str, alt: str) -> list[Measure]:
    """The two measures of "the war moves away from the LNA": its victory share, the front."""
    return [
        paired_share(runs.outcomes(base), runs.outcomes(alt), V_LNA, "down"),
        paired_number(
            runs.front_end(base), runs.front_end(alt), "Δfront at the horizon", "km", "up"
        ),
    ]


def check_what_ifs(runs: Runs) -> list[CheckResult]:
    """Each Libya what-if against the baseline: support cut from the LNA, or added to the GNA."""
    base = "libya_2019"
    out: list[CheckResult] = []
    expect = (
        "P(victory:LNA) lower or the front farther from Tripoli at the horizon "
        "(significant), neither significantly the other way"
    )
    for alt in (*LNA_CUTS, *GNA_ADDS):
        ms = _toward_gna(runs, base, alt)
        ms.append(paired_share(runs.outcomes(base), runs.outcomes(alt), V_GNA, "up", False))
        verb = "adds support to the GNA" if alt in GNA_ADDS else "takes support from the LNA"
        out.append(
            CheckResult(
                "what-ifs",
                f"what_if:{alt}",
                f"`{alt}` vs baseline",
                f"{verb}: {expect}",
                tuple(ms),
                runs.pairs,
                directional(ms, "any"),
            )
        )
    conf, bind = "libya_berlin_conference", "libya_berlin_binding"
    ms = [paired_share(runs.outcomes(conf), runs.outcomes(bind), lab, "differ") for lab in LABELS]
    ms.append(
        paired_number(
            runs.end_weeks(conf), runs.end_weeks(bind), "Δwar duration", "weeks", "differ"
        )
    )
    adjusted = holm([m.p_value for m in ms])
    ms = [
        Measure(m.name, m.estimate, m.low, m.high, p, f"{m.test}; Holm", m.expect, m.unit)
        for m, p in zip(ms, adjusted, strict=True)
    ]
    out.append(
        CheckResult(
            "what-ifs",
            "what_if:libya_berlin_binding",
            f"`{bind}` vs `{conf}`",
            "binding the UAE and Russia (no vetoes) changes some outcome share or the war's "
            "duration (significant after Holm's correction over the five measures)",
            tuple(ms),
            runs.pairs,
            PASS if any(m.significant for m in ms) else FAIL,
        )
    )
    return out


# -- 2. stylised facts ----------------------------------------------------------------------


def bite_week(spec: ScenarioSpec) -> int:
    """The week a scenario's first sanction bites (its firing week plus its lag)."""
    for iv in spec.interventions:
        if iv.type == "sanction":
            if iv.week is not None:
                fired = iv.week
            elif iv.at is not None:
                fired = spec.week_of(iv.at)
            else:  # fired by a `when` condition: no week to read off the file
                raise ValueError(f"{spec.name}: the sanction fires on a condition, not a week")
            return int(fired + iv.lag_weeks)
    raise ValueError(f"{spec.name}: no sanction")


def _first_diff(a: np.ndarray, b: np.ndarray) -> int | None:
    diff = np.flatnonzero(a != b)
    return int(diff[0]) if diff.size else None


def _first_significant_week(d: np.ndarray) -> tuple[int | None, Measure | None]:
    """First week whose paired front difference is significant (either sign)."""
    for w in range(d.shape[1]):
        m = paired_number(np.zeros(d.shape[0]), d[:, w], f"Δfront in week {w}", "km", "up")
        if m.significant:
            return w, m
    return None, None


def hazard_ratio(outcomes: Sequence[str], end_weeks: Sequence[int], horizon: int) -> Measure:
    """Victories per war-week at risk, first half of the horizon over the second.

    A war is at risk from week 1 until the week it ends. Under equal hazards,
    the victories of the first half are binomial given all victories, with the
    first half's share of the war-weeks as probability: the exact conditional
    test of two Poisson rates; the rate ratio's interval comes from the
    Clopper-Pearson interval of that share.
    """
    half = horizon // 2
    e = np.minimum(np.asarray(end_weeks, dtype=float), horizon)
    won = np.array([o.startswith("victory:") for o in outcomes])
    t1, t2 = float(np.minimum(e, half).sum()), float(np.maximum(e - half, 0).sum())
    v1, v2 = int((won & (e <= half)).sum()), int((won & (e > half)).sum())
    n = v1 + v2
    text = f"{v1} victories in {t1:.0f} war-weeks (weeks 1-{half}), {v2} in {t2:.0f} (after)"
    if n == 0 or t1 == 0 or t2 == 0:
        return Measure(
            "hazard ratio",
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            "",
            "up",
            "ratio",
            text=f"n/a ({text})",
            null=1.0,
        )
    share = t1 / (t1 + t2)
    res = stats.binomtest(v1, n, share)
    ci = res.proportion_ci(method="exact")
    odds = t2 / t1

    def rr(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * odds

    est = rr(v1 / n)
    return Measure(
        "hazard ratio, first half / second half",
        est,
        rr(float(ci.low)),
        rr(float(ci.high)),
        float(res.pvalue),
        "exact conditional binomial",
        "up",
        "ratio",
        text=f"{est:.2f} [{rr(float(ci.low)):.2f}, {rr(float(ci.high)):.2f}]; {text}",
        null=1.0,
    )


def check_stylised_facts(runs: Runs) -> list[CheckResult]:
    """Stylised facts 1-5 as paired tests on Libya."""
    base = "libya_2019"
    sec = "stylised facts"
    out: list[CheckResult] = []
    # 1. support to both sides lengthens wars and raises the share of stalemates
    for ref, what in (
        ("libya_one_sided_support", "one-sided support (the LNA's backers only)"),
        ("libya_no_foreign_support", "no foreign support (reference)"),
    ):
        ms = [
            paired_number(runs.end_weeks(ref), runs.end_weeks(base), "Δwar duration", "weeks"),
            paired_share(runs.outcomes(ref), runs.outcomes(base), "stalemate", "up"),
        ]
        out.append(
            CheckResult(
                sec,
                f"fact1:{ref}",
                f"1. support to both sides vs {what}",
                "with both sides supported (the baseline) the war lasts longer and ends in "
                f"stalemate more often than with `{ref}` (both significant)",
                tuple(ms),
                runs.pairs,
                directional(ms, "all"),
            )
        )
    # 2. withdrawal of a major backer shifts outcomes toward the other side
    for backer, side, other in (("uae", ATTACKER, DEFENDER), ("turkey", DEFENDER, ATTACKER)):
        alt = f"libya_{backer}_withdraws"
        b, a = runs.outcomes(base), runs.outcomes(alt)
        toward = "up" if other == DEFENDER else "down"
        ms = [
            paired_share(b, a, f"victory:{other}", "up"),
            paired_share(b, a, f"victory:{side}", "down"),
            paired_number(
                runs.front_end(base), runs.front_end(alt), "Δfront at the horizon", "km", toward
            ),
        ]
        out.append(
            CheckResult(
                sec,
                f"fact2:{backer}",
                f"2. {backer.upper() if backer == 'uae' else backer.title()} ({side}'s backer) "
                f"withdraws on {WITHDRAWAL_DATE}",
                f"outcomes shift toward the {other}: P(victory:{other}) higher, "
                f"P(victory:{side}) lower or the front moved in the {other}'s favour "
                "(one significant, none significantly the other way)",
                tuple(ms),
                runs.pairs,
                directional(ms, "any"),
            )
        )
    out.append(_fact3(runs))
    out.append(_fact4(runs))
    # 5. victory hazard higher early
    recs = runs.records[base]
    horizon = recs[0].front.size - 1
    m = hazard_ratio([r.outcome for r in recs], [r.end_week for r in recs], horizon)
    out.append(
        CheckResult(
            sec,
            "fact5:hazard",
            "5. victory hazard falls with time",
            "victories per war-week at risk higher in the first half of the horizon than "
            "in the second (rate ratio > 1, significant)",
            (m,),
            len(recs),
            directional([m]),
            "Baseline runs; victory of either side; ceasefire weeks count as at risk.",
        )
    )
    return out


def _fact3(runs: Runs) -> CheckResult:
    """Stylised fact 3: Wagner multiplies force at its own place, not elsewhere."""
    got = [r for r in runs.lockstep if r.week is not None]
    clean = [r for r in got if not r.diverged]
    ms: list[Measure] = []
    if clean:
        ms = [
            paired_number(
                [r.enemy_loss[1] for r in clean],
                [r.enemy_loss[0] for r in clean],
                "ΔGNA losses at Wagner's place",
                "fighters",
                "up",
            ),
            paired_share(
                ["taken" if r.taken[1] else "-" for r in clean],
                ["taken" if r.taken[0] else "-" for r in clean],
                "taken",
                "up",
                decides=False,
                name="ΔP(LNA takes Wagner's place)",
            ),
            paired_number(
                [r.elsewhere[1] for r in clean],
                [r.elsewhere[0] for r in clean],
                "ΔGNA losses elsewhere",
                "fighters",
                "none",
                decides=False,
            ),
        ]
    weeks = [r.week for r in clean if r.week is not None]  # all of them (`got`)
    places = pd.Series([r.place for r in clean]).value_counts()
    note = (
        f"Lockstep pairs: the baseline and the baseline with `groups.wagner.size = 0`, stepped "
        f"together to Wagner's first week of fighting; {len(got)} of {len(runs.lockstep)} "
        f"replicates reached it, {len(got) - len(clean)} excluded because the runs already "
        f"differed. First fight: weeks {min(weeks, default=0)}-{max(weeks, default=0)}, "
        f"at {', '.join(f'{p} ({n})' for p, n in places.items())}."
    )
    return CheckResult(
        "stylised facts",
        "fact3:wagner",
        "3. Wagner is a force multiplier where it fights",
        "in the week Wagner first fights, the GNA loses more fighters at Wagner's place than "
        "it does there without Wagner (significant); the capture of that place and the GNA's "
        "losses elsewhere that week are shown for context",
        tuple(ms),
        len(clean),
        directional(ms) if ms else FAIL,
        note,
    )


def _fact4(runs: Runs) -> CheckResult:
    """Stylised fact 4: a sanction changes nothing before it bites; the front moves later."""
    base, alt = "libya_2019", "libya_wagner_sanctions"
    bite = bite_week(runs.arms[alt].spec)
    firsts = [
        _first_diff(b.trace, a.trace)
        for b, a in zip(runs.records[base], runs.records[alt], strict=True)
        if b.trace is not None and a.trace is not None
    ]
    changed = [w for w in firsts if w is not None]
    early = sum(w < bite for w in changed)
    d = np.array([a.front for a in runs.records[alt]]) - np.array(
        [b.front for b in runs.records[base]]
    )
    w_front, m_front = _first_significant_week(d)
    first = min(changed, default=None)
    m1 = Measure(
        "first week the arms differ",
        float(first) if first is not None else math.nan,
        math.nan,
        math.nan,
        math.nan,
        "",
        "up",
        "",
        text=(
            f"week {first} (bite: week {bite}); {early} of {len(firsts)} pairs differ "
            f"before the bite, {len(changed)} differ at all"
        ),
    )
    if m_front is None:
        m2_text = "never significant by the horizon"
    else:
        m2_text = (
            f"week {w_front}: {_num(m_front.estimate, 'km')} "
            f"[{_ci(m_front.low, m_front.high, 'km')}], {_p(m_front.p_value)}"
        )
    m2 = Measure(
        "first significant Δfront",
        float(w_front) if w_front is not None else math.nan,
        math.nan,
        math.nan,
        m_front.p_value if m_front else math.nan,
        "paired t, week by week",
        "up",
        "",
        text=m2_text,
    )
    if early or first is None or m_front is None:
        verdict = FAIL
    elif m_front.estimate < 0:
        verdict = WRONG
    else:
        verdict = PASS if w_front is not None and w_front > bite else FAIL
    return CheckResult(
        "stylised facts",
        "fact4:sanctions_lag",
        "4. sanctions act with a lag (`libya_wagner_sanctions`)",
        f"the paired arms are identical until the sanction bites (week {bite}); the front "
        "moves away from Tripoli significantly only later",
        (m1, m2),
        len(firsts),
        verdict,
        "Arms compared by a hash of the whole state each week (factions, groups, backers, "
        "map). The front test is repeated every week (no correction for the repetition).",
    )
