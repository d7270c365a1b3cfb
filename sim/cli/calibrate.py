"""``calibrate``: history matching against observed targets, from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.arguments import UsageError
from sim.experiments.calibrate_defaults import CUTOFF, DEFAULT_KEYS


def add_parser(sub: Any, positive_int: Any, seed_type: Any) -> None:
    """The ``calibrate`` subcommand's arguments (called by :func:`sim.cli.build_parser`)."""
    a = sub.add_parser("calibrate", help="history matching against observed targets")
    a.add_argument("scenario")
    a.add_argument("--targets", required=True, help="targets TOML (scenarios/targets/)")
    a.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=LOW:HIGH",
        help="a parameter and its range (default: "
        + ", ".join(DEFAULT_KEYS)
        + " over their plausible ranges)",
    )
    a.add_argument("--waves", type=positive_int, default=3)
    a.add_argument("--samples", type=positive_int, default=100, help="design points per wave")
    a.add_argument("--reps", type=positive_int, default=10, help="replicates per point")
    a.add_argument("--seed", type=seed_type, default=0)
    a.add_argument("--workers", type=positive_int, default=None)
    a.add_argument("--out", default="results/calibrate")
    a.add_argument("--cutoff", type=float, default=CUTOFF, help="implausibility cutoff (3)")
    a.add_argument("--second-max", action="store_true", help="judge by the 2nd-largest I")
    a.add_argument("--resume", action="store_true")
    a.add_argument("--no-progress", action="store_true")


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``calibrate SCENARIO --targets FILE ...``: run the waves, print the tables.

    Exit status 0; 1 when no parameter set is non-implausible; 2 on bad input.
    """
    from sim.experiments.calibration_report import targets_markdown, waves_markdown
    from sim.experiments.history_matching import calibrate

    if args.reps < 2:
        raise UsageError("--reps: expected at least 2 replicates (the run variance needs two)")
    try:
        cal = calibrate(
            args.scenario,
            args.targets,
            args.param or None,
            waves=args.waves,
            samples=args.samples,
            reps=args.reps,
            seed=args.seed,
            workers=args.workers,
            out=args.out,
            resume=args.resume,
            cutoff=args.cutoff,
            second_max=args.second_max,
            progress=not args.no_progress,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(waves_markdown(cal))
    print()
    print(targets_markdown(cal))
    print(
        f"\n{len(cal.ensemble)} accepted parameter sets in {cal.elapsed:.0f} s; wrote "
        f"ensemble.csv, waves.csv, targets.csv, emulators.csv, calibration.md, manifest.json "
        f"and figures in {cal.out}"
    )
    if not cal.emulators.empty and not cal.emulators["screens"].all():
        left = cal.emulators.loc[~cal.emulators["screens"].astype(bool)]
        print(
            "targets left out of screening (judged on runs only): "
            + ", ".join(
                f"{t} (wave {w})" for w, t in zip(left["wave"], left["target"], strict=True)
            )
            + "; see emulators.csv",
            file=sys.stderr,
        )
    if cal.ensemble.empty:
        print("no parameter set is non-implausible: see targets.csv", file=sys.stderr)
        return 1
    return 0
