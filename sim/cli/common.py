"""What the experiment commands share: the ``--ensemble`` file and the Ctrl-C message."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.arguments import UsageError
from sim.experiments.executors import SweepInterrupted


def ensemble_arg(args: argparse.Namespace) -> list[dict[str, Any]] | None:
    """``--ensemble FILE`` as parameter sets (None without it); a bad file is a usage error."""
    path = getattr(args, "ensemble", None)
    if not path:
        return None
    from sim.experiments.ensemble import read_ensemble

    try:
        return read_ensemble(path)
    except ValueError as exc:
        raise UsageError(f"--ensemble: {exc}") from None


def report_interrupted(exc: SweepInterrupted, how_to_finish: str) -> int:
    """Tell the user what was saved and how to finish; the Ctrl-C exit status (130)."""
    print(
        f"\ninterrupted: {exc.saved} of {exc.total} runs are saved in {exc.out}; {how_to_finish}",
        file=sys.stderr,
    )
    return 130
