"""``compare``: a policy what-if, alternatives against a baseline, from the command line."""

from __future__ import annotations

import argparse
import sys

from sim.cli.arguments import parse_sets
from sim.cli.common import ensemble_arg, run_stored
from sim.experiments.compare import (
    ARMS_DIR,
    COMPARISON_FILE,
    DIFFERENCES_FILE,
    MANIFEST_FILE,
    REPORT_FILE,
    compare,
)
from sim.experiments.compare_report import fmt, format_comparison
from sim.experiments.faults import check_out_dir


def cmd_compare(args: argparse.Namespace) -> int:
    """``compare BASELINE ALTERNATIVE... --reps N --seed S --out DIR [--precision H]``.

    Prints the paired tables; exit status 0, 1 when some replications failed
    (recorded in ``arms/runs.csv``), 2 on bad input, 130 on Ctrl-C.
    """
    check_out_dir(args.out)  # before the runs: a bad --out is a bad argument, found at once
    res, status = run_stored(
        "compare",
        args,
        "comparison",
        lambda: compare(
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
            ensemble=ensemble_arg(args),
            force=getattr(args, "force", False),
        ),
    )
    if res is None:
        return status

    print(format_comparison(res))
    if res.precision is not None:
        steps = " -> ".join(str(r["reps"]) for r in res.rounds)
        state = "met" if res.converged else "NOT met (--max-reps reached)"
        print(
            f"\nprecision {res.precision:g}: {state}; largest half-width "
            f"{fmt(res.max_half_width)}; replicates per arm by batch {steps}"
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
