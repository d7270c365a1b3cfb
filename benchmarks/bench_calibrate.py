"""Calibration benchmarks: Libya (8 parameters, 3 waves) and a larger synthetic check.

``python benchmarks/bench_calibrate.py [--samples N] [--reps N] [--workers N]``
times a Libya 2019 calibration against ``scenarios/targets/libya_2019.toml``
(the issue's budget: at most 15 minutes on a 2-core machine) and writes its
outputs to ``results/bench_calibrate/libya``; ``--synthetic`` also runs the
teaching-theatre check of ``tests/test_calibrate.py`` with 4 parameters, more
points and more waves, and reports whether the truth is kept and how far each
range shrank.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.history_matching import _run_point, calibrate  # noqa: E402
from sim.experiments.sweep import replicate_seed  # noqa: E402
from sim.experiments.targets import horizon_for, load_targets  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

BUDGET_S = 15 * 60


def _emulators(cal) -> str:
    """How the emulators' checks went: targets widened or left to the runs, per wave."""
    e = cal.emulators
    if e.empty:
        return "emulators: none"
    wider = e[e["screens"].astype(bool) & (e["widening"] > 1.0)]
    left = e[~e["screens"].astype(bool)]
    return (
        f"emulators: {len(e)} target-waves, {len(wider)} with a wider cutoff "
        f"({', '.join(f'{t}@{w}' for w, t in zip(wider['wave'], wider['target'], strict=True))}),"
        f" {len(left)} left to the runs"
    )


def libya(args: argparse.Namespace) -> bool:
    """Time the Libya calibration; True when it met the budget."""
    t0 = time.perf_counter()
    cal = calibrate(
        "libya_2019.toml", ROOT / "scenarios/targets/libya_2019.toml", None,
        waves=3, samples=args.samples, reps=args.reps, seed=args.seed,
        workers=args.workers, out=args.out / "libya", progress=True,
    )  # fmt: skip
    took = time.perf_counter() - t0
    runs = int(cal.waves["runs"].sum())
    print(cal.waves.to_string(index=False))
    print(
        f"libya: {len(cal.params)} parameters, {len(cal.waves)} waves, {runs} runs, "
        f"{len(cal.ensemble)} accepted, {took:.0f} s ({runs / took:.0f} runs/s); "
        f"targets met {int(cal.table['point_met'].sum())} -> {int(cal.table['ensemble_met'].sum())}"
        f" of {len(cal.table)}; budget {BUDGET_S} s: {'met' if took <= BUDGET_S else 'NOT met'}"
    )
    print(_emulators(cal))
    return took <= BUDGET_S


TRUTH = {
    "combat.lethality": 0.06,
    "combat.cover_urban": 2.2,
    "combat.attacker_break": 0.1,
    "factions.RED.attack_odds": 0.5,
}
RANGES = [
    ("combat.lethality", 0.02, 0.14),
    ("combat.cover_urban", 1.2, 3.5),
    ("combat.attacker_break", 0.04, 0.15),
    ("factions.RED.attack_odds", 0.2, 1.0),
]
QUANTITIES = [
    ("casualties_13", 'quantity = "casualties"\ndate = 2021-04-08'),
    ("casualties_26", 'quantity = "casualties"\ndate = 2021-07-08'),
    ("front_spring", 'quantity = "front_km"\nwindow = [2021-03-04, 2021-05-06]'),
    ("front_summer", 'quantity = "front_km"\nwindow = [2021-05-06, 2021-07-08]'),
    ("red_fighters", 'quantity = "fighters"\nfaction = "RED"\ndate = 2021-07-08'),
    ("blue_fighters", 'quantity = "fighters"\nfaction = "BLUE"\ndate = 2021-07-08'),
]


def _targets(path: Path, values: list[float] | None) -> Path:
    lines = ['description = "synthetic benchmark"', 'observed_as = "mean"']
    for k, (tid, what) in enumerate(QUANTITIES):
        v = 0.0 if values is None else values[k]
        lines += ["[[target]]", f'id = "{tid}"', what, f"observed = {v!r}"]
        lines += [f"sd = {max(abs(v) * 0.05, 0.5)!r}", 'source = "synthetic"']
    path.write_text("\n".join(lines) + "\n")
    return path


def synthetic(args: argparse.Namespace) -> bool:
    """The larger synthetic check; True when the truth is kept by every parameter."""
    out = args.out / "synthetic"
    out.mkdir(parents=True, exist_ok=True)
    spec = load_scenario("teaching_line.toml")
    draft = load_targets(_targets(out / "draft.toml", None), spec)
    seeds = [replicate_seed(777, r) for r in range(400)]
    sims = _run_point(spec, TRUTH, seeds, draft, horizon_for(draft, spec))
    tg = _targets(out / "targets.toml", [float(v) for v in sims.mean(axis=0)])
    t0 = time.perf_counter()
    cal = calibrate(
        "teaching_line.toml", tg, RANGES, waves=4, samples=120, reps=10, seed=11,
        workers=args.workers, out=out / "run", progress=True,
    )  # fmt: skip
    print(cal.waves.to_string(index=False))
    kept = True
    for key, low, high in RANGES:
        v = cal.ensemble[key].to_numpy()
        lo, hi = np.quantile(v, [0.05, 0.95]) if len(v) else (np.nan, np.nan)
        inside = len(v) and v.min() <= TRUTH[key] <= v.max()
        kept &= bool(inside)
        print(
            f"{key}: truth {TRUTH[key]:g}; accepted {v.min():.3g}-{v.max():.3g} "
            f"(5-95 % {lo:.3g}-{hi:.3g}, {(hi - lo) / (high - low):.2f} of the prior range); "
            f"truth {'kept' if inside else 'LOST'}"
        )
    print(_emulators(cal))
    print(f"synthetic: {len(cal.ensemble)} accepted in {time.perf_counter() - t0:.0f} s")
    return kept


def main() -> int:
    """Run the benchmarks; exit status 1 when a check failed."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=150, help="design points per wave (Libya)")
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, default=ROOT / "results" / "bench_calibrate")
    p.add_argument("--synthetic", action="store_true", help="also the larger synthetic check")
    p.add_argument("--no-libya", action="store_true")
    args = p.parse_args()
    ok = True
    if not args.no_libya:
        ok &= libya(args)
    if args.synthetic:
        ok &= synthetic(args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
