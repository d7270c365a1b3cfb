"""``validate-model`` (and ``python -m sim.experiments.validation``): the validation suite."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sim.experiments.validation.report import run_validation, summary_lines, write_report
from sim.experiments.validation.settings import OUT, PAIRS, SEED, WORKERS


def build_parser() -> argparse.ArgumentParser:
    """``python -m sim.experiments.validation`` arguments (as ``run.py validate-model``)."""
    p = argparse.ArgumentParser(
        prog="python -m sim.experiments.validation",
        description="Paired checks that the model's policy answers have the right sign; "
        "writes a markdown report.",
    )
    p.add_argument("--pairs", type=int, default=None, help=f"pairs per check (default {PAIRS})")
    p.add_argument(
        "--workers", type=int, default=None, help=f"worker processes (default {WORKERS})"
    )
    p.add_argument("--seed", type=int, default=None, help=f"root seed (default {SEED})")
    p.add_argument("--out", default=None, help=f"report path (default {OUT})")
    return p


def cmd_validate_model(args: argparse.Namespace) -> int:
    """Run the suite, print one line per check, write the report; 0 when written, 2 bad input."""
    pairs = args.pairs if args.pairs is not None else PAIRS
    workers = args.workers if args.workers is not None else min(WORKERS, os.cpu_count() or 1)
    seed = args.seed if args.seed is not None else SEED
    if pairs < 2 or workers < 1 or seed < 0:
        print("validate-model: expected --pairs >= 2, --workers >= 1, --seed >= 0", file=sys.stderr)
        return 2
    report = run_validation(
        pairs, workers, seed, progress=lambda s: print(s, file=sys.stderr, flush=True)
    )
    for line in summary_lines(report):
        print(line)
    path = write_report(report, args.out if args.out is not None else OUT)
    print(f"wrote {path} ({report.seconds:.0f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m sim.experiments.validation``."""
    return cmd_validate_model(build_parser().parse_args(argv))
