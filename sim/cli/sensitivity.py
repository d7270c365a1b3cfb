"""``sensitivity``: how outcomes depend on chosen parameters, from the command line."""

from __future__ import annotations

import argparse

from sim.cli.arguments import parse_sets
from sim.cli.common import ensemble_arg, run_stored
from sim.experiments.faults import check_out_dir
from sim.experiments.manifest import MANIFEST_FILE
from sim.experiments.sensitivity import (
    DESIGN_FILE,
    FIGURE_FILE,
    INDICES_FILE,
    NOISY,
    REPORT_FILE,
    RUNS_DIR,
    sensitivity,
)
from sim.experiments.sensitivity_report import format_indices
from sim.scenario import load_scenario


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``sensitivity SCENARIO --param KEY=LOW:HIGH ... --samples N --out DIR``.

    Exit status 0; 2 on bad input (a malformed or unknown parameter, a bad
    scenario); 1 when replications failed; 130 on Ctrl-C.
    """
    check_out_dir(args.out)  # before the runs: a bad --out is a bad argument, found at once
    res, status = run_stored(
        "sensitivity",
        args,
        "analysis",
        lambda: sensitivity(
            args.scenario,
            args.param,
            samples=args.samples,
            reps=getattr(args, "reps", 8),
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            weeks=args.weeks,
            progress=not getattr(args, "no_progress", False),
            overrides=parse_sets(getattr(args, "set", None)),
            executor=getattr(args, "executor", "auto"),
            resume=getattr(args, "resume", False),
            ensemble=ensemble_arg(args),
            force=getattr(args, "force", False),
        ),
    )
    if res is None:
        return status
    print(format_indices(res.indices))
    from sim.analysis.outcomes import definitions_footer

    spec = load_scenario(args.scenario, parse_sets(getattr(args, "set", None)) or None)
    print()
    print(definitions_footer({spec.name: spec}))
    noisy = res.indices.groupby("output")["noise_share"].first()
    noisy = noisy[noisy > NOISY]
    if len(noisy):
        print(
            f"\nnoisy outputs (Monte Carlo share > {NOISY:g}; raise --reps): "
            + ", ".join(noisy.index)
        )
    if res.samples != args.samples:
        print(f"\n--samples {args.samples} rounded up to {res.samples} (a power of 2)")
    print(
        f"\n{res.runs} runs ({len(res.design)} design points x {res.reps} reps) "
        f"in {res.elapsed:.1f} s"
    )
    names = [INDICES_FILE, DESIGN_FILE, MANIFEST_FILE, f"{RUNS_DIR}/"]
    if res.figures:
        names += [FIGURE_FILE, REPORT_FILE]
    print(f"wrote {', '.join(names)} in {res.out}")
    if res.sweep.failures:
        print(f"{res.sweep.failures} replications failed; see {res.out / RUNS_DIR}/runs.csv")
        return 1
    return 0
