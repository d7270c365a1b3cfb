"""Benchmark: how much narrower a paired comparison's intervals are than unpaired ones.

For each comparison (a baseline and a what-if) with ``n`` runs per arm:

* **paired**: :func:`sim.experiments.compare.compare` — replicate ``i`` of both arms uses
  the same seed (common random numbers); the interval is Student's t on the
  per-replicate differences;
* **unpaired**: the same baseline runs against the what-if run with an
  independent root seed (``seed + 1``), so the arms share no luck; the interval
  is Welch's t on the two samples (``scipy.stats.ttest_ind(equal_var=False)``),
  the same family as the paired one, so the ratio measures pairing only.

Printed per outcome probability and per number (war duration, casualties, the
front distance one year in and at the horizon): both 95 % interval widths,
their ratio (target: <= 0.5) and the per-replicate correlation of the paired
arms (the ratio is about ``sqrt(1 - correlation)`` when the arms' variances
are equal).

Why the target can be out of reach: pairing removes the luck the arms share,
not the policy's own effect. If a policy changes the outcome of a share ``q``
of the replicates, all in one direction, the paired differences have variance
``q (1 - q)`` however well the runs are paired; ``floor_width`` is that
smallest possible paired interval, and ``changed`` the share of pairs that
actually differ (``changed`` much larger than ``|paired_diff|`` means the
policy re-shuffles outcomes both ways, which is where the model, not the
pairing, sets the width). ``floor_ratio`` is ``floor_width / unpaired_width``:
the best ratio any pairing could reach for the effect measured, so a
probability whose ``floor_ratio`` is above the target cannot meet it (the
policy's effect is too large, not the pairing too weak). Each quantity's
``verdict`` says which case it is: ``met``; ``floor`` (paired width within 5 %
of its floor: nothing left to gain); ``diverges`` (above the floor: the arms
decorrelate after the policy acts).

Alignment check (``--lockstep N``, default 40): N pairs are run week by week
with the weekly DataCollector series, and the first week in which the two arms
of a pair differ in any series is set beside the week the policy first acts
(its date, or its date plus ``lag_weeks``). If any pair differs *before* the
policy acts, the random streams are misaligned between the arms (a
mechanism's draws shifted by the policy) and pairing is losing width for a
reason the code could fix; if none does, what remains is the policy's own
effect and how the model's dynamics amplify it.

With ``--repeats K`` the whole design is repeated with K root seeds
(``--repeat-reps`` runs per arm each) and the empirical standard deviation of
the estimated difference is set beside the standard error the intervals
claim: it checks that the narrower paired interval is honest, not an artefact
(use K >= 20: a standard deviation from fewer is itself noisy). The repeats
also give a steadier width ratio (mean paired width over mean unpaired width).

    python benchmarks/bench_paired.py [--reps N] [--libya-reps N] [--workers W]
        [--lockstep N] [--repeats K [--repeat-reps N]]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import ProxyWarModel, load_scenario  # noqa: E402
from sim.experiments.compare import compare  # noqa: E402
from sim.experiments.sweep import replicate_seed, run_sweep  # noqa: E402

SCENARIOS = ROOT / "scenarios"
COMPARISONS = {
    "teaching": ("teaching_line.toml", "teaching_line_sanctions.toml"),
    "libya": ("libya_2019.toml", "libya_wagner_sanctions.toml"),
}
TARGET = 0.5
AT_FLOOR = 1.05  # a paired width within 5 % of its floor has nothing left to gain
NUMBERS = {
    "end_week": "war duration (weeks)",
    "casualties": "casualties",
}


def _welch_width(a: np.ndarray, b: np.ndarray) -> float:
    """Width of Welch's 95 % interval for mean(a) - mean(b) (0 when both are constant)."""
    if np.std(a) == 0 and np.std(b) == 0:
        return 0.0
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval()
    return float(ci.high - ci.low)


def one_design(base: Path, alt: Path, reps: int, seed: int, workers: int) -> pd.DataFrame:
    """Paired and unpaired interval widths for every outcome and number of one comparison."""
    paired = compare(base, alt, reps=reps, seed=seed, workers=workers, progress=False)
    runs = paired.sweep.runs
    b_name, a_name = paired.baseline, paired.alternatives[0]
    indep = run_sweep([alt], reps=reps, seed=seed + 1, workers=workers, progress=False)
    ind = indep.runs[indep.runs["status"] == "ok"]
    base_runs = runs[(runs["scenario"] == b_name) & (runs["status"] == "ok")]
    rows = []
    for r in paired.table.itertuples(index=False):
        xb = (base_runs["outcome"] == r.outcome).to_numpy(dtype=float)
        xa = (ind["outcome"] == r.outcome).to_numpy(dtype=float)
        changed = (r.only_baseline + r.only_alternative) / r.pairs
        # the narrowest paired interval the true effect allows: only the pairs the policy
        # must change differ, all in one direction (a monotone effect)
        q = abs(r.difference)
        t = stats.t.ppf(0.975, r.pairs - 1)
        rows.append(
            {
                "quantity": f"P({r.outcome})",
                "p_base": r.p_baseline,
                "paired_diff": r.difference,
                "paired_width": r.ci_high - r.ci_low,
                "floor_width": 2 * t * math.sqrt(q * (1 - q) / r.pairs),
                "changed": changed,
                "unpaired_diff": xa.mean() - xb.mean(),
                "unpaired_width": _welch_width(xa, xb),
                "correlation": r.correlation,
            }
        )
    d = paired.differences.set_index("metric")
    for col, label in NUMBERS.items():
        row = d[d.index.str.startswith(label.split(" ")[0])].iloc[0]
        xb = base_runs[col].to_numpy(dtype=float)
        xa = ind[col].to_numpy(dtype=float)
        rows.append(
            {
                "quantity": label,
                "p_base": math.nan,
                "paired_diff": row["difference"],
                "paired_width": row["ci_high"] - row["ci_low"],
                "floor_width": math.nan,
                "changed": math.nan,
                "unpaired_diff": xa.mean() - xb.mean(),
                "unpaired_width": _welch_width(xa, xb),
                "correlation": row["correlation"],
            }
        )
    table = pd.DataFrame(rows)
    table["ratio"] = table["paired_width"] / table["unpaired_width"]
    table["floor_ratio"] = table["floor_width"] / table["unpaired_width"]
    table["verdict"] = [_verdict(r) for r in table.itertuples(index=False)]
    table.attrs["label"] = f"{a_name} vs {b_name}"
    return table


def _verdict(r) -> str:
    """``met``, ``floor`` (no pairing could do better for this effect) or ``diverges``."""
    if not (np.isfinite(r.ratio) and r.unpaired_width > 0):
        return ""
    if r.ratio <= TARGET:
        return "met"
    if np.isfinite(r.floor_width) and r.paired_width <= AT_FLOOR * r.floor_width:
        return "floor"
    return "diverges"


def policy_weeks(path: Path) -> list[int]:
    """Weeks in which the scenario's dated interventions first act (date plus lag)."""
    spec = load_scenario(path)
    weeks = []
    for iv in spec.interventions:
        if iv.week is not None:
            start = iv.week
        elif iv.at is not None:
            start = spec.week_of(iv.at)
        else:
            continue  # conditional: no fixed week
        weeks.append(start + iv.lag_weeks)
    return weeks


def first_divergence(base: Path, alt: Path, pairs: int, seed: int) -> list[int | None]:
    """For each of ``pairs`` replicates, the first week the two arms' weekly series differ.

    Both arms are run with the replicate's seed and their DataCollector series
    (front, casualties, mercenaries, every faction's fighters, morale,
    cohesion, posture, drones, support received...) compared week by week;
    ``None`` when the pair never differs.
    """
    out: list[int | None] = []
    for i in range(pairs):
        s = replicate_seed(seed, i)
        frames = [
            ProxyWarModel(p, rng=s).run().datacollector.get_model_vars_dataframe()
            for p in (base, alt)
        ]
        b, a = (f.drop(columns=["date"], errors="ignore") for f in frames)
        n = min(len(b), len(a))
        week = None
        for w in range(n):
            rb, ra = b.iloc[w], a.iloc[w]
            if any(
                (x != y) if isinstance(x, str) or isinstance(y, str) else not np.isclose(x, y)
                for x, y in zip(rb, ra, strict=True)
            ):
                week = int(rb["week"])
                break
        if week is None and len(b) != len(a):
            week = int(b.iloc[n - 1]["week"]) + 1
        out.append(week)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=400, help="runs per arm, teaching theatre")
    p.add_argument("--libya-reps", type=int, default=200, help="runs per arm, Libya (0: skip)")
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--lockstep", type=int, default=40, help="pairs in the alignment check")
    p.add_argument("--repeats", type=int, default=0, help="repeat with K seeds (empirical SD)")
    p.add_argument("--repeat-reps", type=int, default=100, help="runs per arm in each repeat")
    args = p.parse_args(argv)
    plan = [("teaching", args.reps)]
    if args.libya_reps > 0:
        plan.append(("libya", args.libya_reps))
    pd.set_option("display.width", 140)
    for key, reps in plan:
        base, alt = (SCENARIOS / f for f in COMPARISONS[key])
        t0 = time.perf_counter()
        table = one_design(base, alt, reps, args.seed, args.workers)
        print(
            f"\n== {table.attrs['label']}: {reps} runs per arm, seed {args.seed} "
            f"({time.perf_counter() - t0:.0f} s)"
        )
        shown = table.copy()
        for c in (
            "p_base",
            "paired_diff",
            "paired_width",
            "floor_width",
            "changed",
            "unpaired_diff",
            "unpaired_width",
        ):
            shown[c] = shown[c].map(lambda x: "" if not np.isfinite(x) else f"{x:.4g}")
        shown["correlation"] = shown["correlation"].map(lambda x: f"{x:.2f}")
        for c in ("ratio", "floor_ratio"):
            shown[c] = shown[c].map(lambda x: "" if not np.isfinite(x) else f"{x:.2f}")
        print(shown.to_string(index=False))
        informative = table[table["verdict"] != ""]
        met = (informative["verdict"] == "met").sum()
        floor = (informative["verdict"] == "floor").sum()
        print(
            f"paired/unpaired width: median {informative['ratio'].median():.2f}, "
            f"max {informative['ratio'].max():.2f}; <= {TARGET} for {met} of "
            f"{len(informative)} quantities; {floor} more at the floor their effect sets"
        )
        if args.lockstep > 0:
            acts = policy_weeks(alt)
            first = first_divergence(base, alt, args.lockstep, args.seed)
            differ = [w for w in first if w is not None]
            start = min(acts) if acts else None
            early = [w for w in differ if start is not None and w < start]
            print(
                f"alignment: {len(differ)} of {len(first)} pairs differ at all; the earliest "
                f"in week {min(differ) if differ else '-'}, the policy first acts in week "
                f"{start if start is not None else '-'}; "
                + (
                    f"{len(early)} pairs differ BEFORE it: random streams misaligned"
                    if early
                    else "no pair differs before it: the streams are aligned"
                )
            )
        if args.repeats > 1:
            parts = []
            for k in range(args.repeats):
                t = one_design(
                    base, alt, args.repeat_reps, args.seed + 1000 * (k + 1), args.workers
                )
                parts.append(t.set_index("quantity"))
            all_ = pd.concat(parts, keys=range(args.repeats))
            g = all_.groupby(level=1, sort=False)
            z = 2 * stats.norm.ppf(0.975)
            check = pd.DataFrame(
                {
                    "sd_paired": g["paired_diff"].std(),
                    "paired_width/3.92": g["paired_width"].mean() / z,
                    "sd_unpaired": g["unpaired_diff"].std(),
                    "unpaired_width/3.92": g["unpaired_width"].mean() / z,
                }
            )
            check["sd_ratio"] = check["sd_paired"] / check["sd_unpaired"]
            check["width_ratio"] = g["paired_width"].mean() / g["unpaired_width"].mean()
            check["floor_ratio"] = g["floor_width"].mean() / g["unpaired_width"].mean()
            print(
                f"\nover {args.repeats} independent seeds, {args.repeat_reps} runs per arm: the "
                "spread of the estimated difference, and the standard error the intervals claim"
            )
            print(check.round(4).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
