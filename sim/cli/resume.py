"""The one command that resumes a sweep, a comparison or a sensitivity analysis.

Why one: the three commands store their runs the same way and resume the same
way (``--resume``), so the printed command differs only in which arguments
describe the run. Each command's arguments are listed once, in :data:`RESUME_ARGS`.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path

#: per command: its positional arguments, then ``(option, attribute, rule)`` in the printed
#: order. Rules: ``always``; ``given`` (not None and not empty); ``each`` (repeated, a
#: list); ``not:X`` (printed unless it equals X); ``with:ATTR`` (when ATTR is given).
RESUME_ARGS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    "sweep": (
        ("scenario",),
        (
            ("--reps", "reps", "always"),
            ("--seed", "seed", "always"),
            ("--out", "out", "always"),
            ("--weeks", "weeks", "given"),
            ("--set", "set", "each"),
            ("--ensemble", "ensemble", "given"),
            ("--workers", "workers", "given"),
            ("--executor", "executor", "not:auto"),
            ("--scheduler", "scheduler", "given"),
        ),
    ),
    "compare": (
        ("baseline", "alternative"),
        (
            ("--reps", "reps", "always"),
            ("--seed", "seed", "always"),
            ("--out", "out", "always"),
            ("--weeks", "weeks", "given"),
            ("--workers", "workers", "given"),
            ("--precision", "precision", "given"),
            ("--max-reps", "max_reps", "with:precision"),
            ("--set", "set", "each"),
            ("--ensemble", "ensemble", "given"),
            ("--at-date", "at_date", "each"),
            ("--interval", "interval", "not:t"),
        ),
    ),
    "sensitivity": (
        ("scenario",),
        (
            ("--param", "param", "each"),
            ("--samples", "samples", "always"),
            ("--reps", "reps", "always"),
            ("--seed", "seed", "always"),
            ("--out", "out", "always"),
            ("--workers", "workers", "given"),
            ("--weeks", "weeks", "given"),
            ("--set", "set", "each"),
            ("--executor", "executor", "not:auto"),
        ),
    ),
}


def program_words() -> list[str]:
    """How this process was started, so a printed command works when pasted.

    A bare ``python`` may be another interpreter without the project, so
    ``run.py`` is run with the running interpreter (``sys.executable``); the
    ``proxywar`` console script is named as such when it is the one on
    ``PATH``, else by its full path; anything else (``python -m``, a test)
    falls back to the running interpreter and ``run.py`` in the repository.
    """
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("")
    if argv0.name == "run.py":
        return [sys.executable, str(argv0)]
    if argv0.name == "proxywar":
        found = shutil.which("proxywar")
        same = found is not None and Path(found).resolve() == argv0.resolve()
        return ["proxywar"] if same else [str(argv0.resolve())]
    run_py = Path(__file__).resolve().parents[2] / "run.py"
    return [sys.executable, str(run_py)]


def _given(value: object) -> bool:
    return value is not None and value != "" and value != []


def resume_command(command: str, args: argparse.Namespace) -> str:
    """The exact command that resumes the run of ``command`` described by ``args``."""
    positionals, options = RESUME_ARGS[command]
    words = [*program_words(), command]
    for name in positionals:
        value = getattr(args, name)
        words += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    defaults = {"reps": 8}  # sensitivity's, for a namespace built without it
    for option, attr, rule in options:
        value = getattr(args, attr, defaults.get(attr))
        if rule == "each":
            for item in value or []:
                words += [option, str(item)]
            continue
        if rule == "always":
            show = True
        elif rule == "given":
            show = _given(value)
        elif rule.startswith("not:"):
            show = _given(value) and str(value) != rule[4:]
        else:  # with:ATTR
            show = _given(getattr(args, rule[5:], None))
        if show:
            words += [option, str(value)]
    return shlex.join([*words, "--resume"])
