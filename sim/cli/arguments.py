"""The command line's own argument errors and parsers.

Why here: only the command line turns text into values and errors into exit
codes. The engines (sweep, compare, sensitivity, calibrate) take values and
raise typed errors (``ScenarioError``, ``StoreError``, ``BadInputError``,
``ValueError``); the ``cmd_*`` functions in :mod:`sim.cli` turn those into
:class:`UsageError`, which :func:`sim.cli.main` reports with exit status 2.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.scenario import parse_value


class UsageError(Exception):
    """A bad command-line argument (exit status 2)."""


def parse_sets(items: Sequence[str] | None) -> dict[str, object]:
    """``KEY=VALUE`` strings to a dict of dotted key paths to TOML values."""
    out: dict[str, object] = {}
    for item in items or ():
        if "=" not in item:
            raise UsageError(f"--set: expected KEY=VALUE, found {item!r}")
        key, _, text = item.partition("=")
        if not key.strip():
            raise UsageError(f"--set: expected KEY=VALUE, found {item!r}")
        key, text = key.strip(), text.strip()
        value = parse_value(text)
        if isinstance(value, dict):
            # a table would replace every key of it (defaults included), silently
            raise UsageError(
                f"--set {key}: expected a single value, found a whole table {text!r}; "
                f"set its keys one by one (--set {key}.KEY=VALUE)"
            )
        out[key] = value
    return out
