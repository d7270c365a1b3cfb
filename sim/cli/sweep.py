"""``sweep``: Monte Carlo replications of each scenario, from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.arguments import parse_sets
from sim.cli.common import ensemble_arg, run_stored
from sim.experiments import objectives
from sim.experiments.design import SweepConfigError, check_ensemble_keys, load_specs
from sim.experiments.faults import BadInputError
from sim.experiments.manifest import MANIFEST_FILE
from sim.experiments.report import POINT_ESTIMATE_DIR
from sim.experiments.store import FRONT_FILE, RUNS_FILE, StoreError
from sim.experiments.sweep import (
    FRONT_QUANTILE_FILE,
    REPORT_FILE,
    SUMMARY_FILE,
    SweepResult,
    run_sweep,
)


def cmd_sweep(args: argparse.Namespace) -> int:
    """``sweep SCENARIO... --reps N --seed S --workers W --out DIR [--resume] [--set K=V]``.

    Prints the outcome table; exit status 0, 1 when some replications failed
    (they are recorded in runs.csv), 2 on bad input, 130 on Ctrl-C (with the
    command that resumes).
    """
    overrides = parse_sets(args.set)
    ensemble = ensemble_arg(args)

    def both() -> SweepResult:
        if ensemble:  # the point-estimate run too, for the report's side-by-side table
            check_ensemble_keys(load_specs(args.scenario, overrides), ensemble[0])
            run_sweep(
                args.scenario, reps=args.reps, seed=args.seed,
                out=Path(args.out) / POINT_ESTIMATE_DIR, workers=args.workers,
                executor=getattr(args, "executor", "auto"), resume=args.resume,
                overrides=overrides, weeks=args.weeks,
                progress=not getattr(args, "no_progress", False),
                scheduler=getattr(args, "scheduler", None), report=False,
            )  # fmt: skip
        return run_sweep(
            args.scenario,
            reps=args.reps,
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            executor=getattr(args, "executor", "auto"),
            resume=args.resume,
            overrides=overrides,
            weeks=args.weeks,
            progress=(
                False
                if getattr(args, "no_progress", False)
                else f"sweep: {len(args.scenario)} scenario(s) x {args.reps} reps"
            ),
            scheduler=getattr(args, "scheduler", None),
            ensemble=ensemble,
            force=getattr(args, "force", False),
        )

    bad_input = (StoreError, SweepConfigError, BadInputError)
    res, status = run_stored("sweep", args, "sweep", both, bad_input)
    if res is None:
        return status

    from sim.analysis.outcomes import definitions_footer
    from sim.analysis.summaries import format_outcome_table

    print(format_outcome_table(res.summary))
    if ensemble:
        print(
            f"\nthese probabilities include parameter uncertainty: replicate i ran with "
            f"parameter set i mod {len(ensemble)} of {args.ensemble}; the point-estimate "
            f"run is in {Path(args.out) / POINT_ESTIMATE_DIR} (report.md shows both)"
        )
    print()
    print(definitions_footer(res.specs))
    resumed = res.total - res.executed
    note = f" ({resumed} resumed)" if args.resume and resumed else ""
    print(
        f"\n{res.total} runs{note} of {len(res.scenarios)} scenario(s) x {res.reps} reps "
        f"in {res.elapsed:.1f} s"
    )
    names = [RUNS_FILE, SUMMARY_FILE, FRONT_QUANTILE_FILE, FRONT_FILE, MANIFEST_FILE]
    names += [n for n in objectives.OUTPUT_FILES[:2] if (res.out / n).exists()]
    names += [p.name for p in res.figures.values()]
    if res.figures:
        names.append(REPORT_FILE)
    print(f"wrote {', '.join(names)} in {res.out}")
    if res.failures:
        print(
            f"{res.failures} of {res.total} replications failed; "
            f"see the status and error columns of {res.out / RUNS_FILE}",
            file=sys.stderr,
        )
        return 1
    return 0
