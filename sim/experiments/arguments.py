"""Errors and parsers of arguments that the experiment commands share with the CLI.

Why here and not in ``sim.cli``: the engines (sweep, compare, sensitivity,
calibrate) check their own arguments and raise :class:`UsageError`; the CLI
above them turns it into exit status 2. Living below both, nothing in the
experiment layer imports the command line.
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
