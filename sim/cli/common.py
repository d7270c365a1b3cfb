"""What the experiment commands share: ``--ensemble``, and an engine's errors as exits."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.cli.arguments import UsageError
from sim.cli.resume import resume_command
from sim.experiments.executors import SweepInterrupted
from sim.experiments.faults import BadInputError, write_failure
from sim.experiments.store import StoreError


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


def run_stored[T](
    command: str,
    args: argparse.Namespace,
    what: str,
    call: Callable[[], T],
    bad_input: tuple[type[Exception], ...] = (StoreError, ValueError, BadInputError),
) -> tuple[T | None, int]:
    """Run an engine that stores its runs in ``--out``; its errors as the command line's.

    Why one place: the sweep, the comparison and the sensitivity analysis fail
    the same ways. Bad input (``bad_input``) is exit 2 with its one-line
    message; Ctrl-C is 130 with what was saved and the command that resumes;
    a full disk or a lost mount is 1 with the file and the command that resumes.

    Returns:
        ``(result, 0)``, or ``(None, exit status)`` when the engine stopped.
    """
    try:
        return call(), 0
    except SweepInterrupted as exc:
        how = f"to finish the {what} run:\n  {resume_command(command, args)}"
        return None, report_interrupted(exc, how)
    except bad_input as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # the runs so far are whole on disk
        resume = resume_command(command, args)
        print(write_failure(exc, Path(args.out), resume), file=sys.stderr)
        return None, 1
