"""Parameters to vary: a dotted scenario key and its range, checked against the scenario.

Why apart: the sensitivity analysis, the calibration and ``--ensemble`` all
name scenario values by the same dotted keys as ``--set``, and all must
refuse a key the scenario lacks before any run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.scenario import ScenarioError, ScenarioSpec, load_scenario


@dataclass(frozen=True)
class Param:
    """One parameter of the design: a dotted scenario key and its range.

    Attributes:
        key: dotted key path, as for ``--set`` (e.g. ``factions.RED.fighters``).
        low: lower end of the range.
        high: upper end of the range.
        integer: the scenario field holds whole numbers (values are rounded).
    """

    key: str
    low: float
    high: float
    integer: bool = False

    def value(self, x: float) -> float | int:
        """The scenario value for a design coordinate ``x`` in ``[low, high]``."""
        return int(round(x)) if self.integer else float(x)


def parse_param(text: str) -> tuple[str, float, float]:
    """``KEY=LOW:HIGH`` to ``(key, low, high)``.

    Raises:
        ValueError: a one-line message saying what was expected.
    """
    key, sep, rng = text.partition("=")
    low_t, sep2, high_t = rng.partition(":")
    if not sep or not sep2 or not key.strip():
        raise ValueError(f"--param: expected KEY=LOW:HIGH, found {text!r}")
    try:
        low, high = float(low_t), float(high_t)
    except ValueError:
        raise ValueError(
            f"--param {key.strip()}: expected numbers LOW:HIGH, found {rng!r}"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise ValueError(f"--param {key.strip()}: expected LOW < HIGH, found {low:g}:{high:g}")
    return key.strip(), low, high


def lookup(spec: ScenarioSpec, key: str) -> Any:
    """The current value at a dotted key of a loaded scenario (KeyError if absent)."""
    cur: Any = spec.model_dump()
    for part in key.split("."):
        if isinstance(cur, list):
            cur = cur[int(part)]
        elif isinstance(cur, dict):
            cur = cur[part]
        else:
            raise KeyError(key)
    return cur


def resolve_params(
    base: ScenarioSpec, items: Sequence[str | tuple[str, float, float] | Param]
) -> list[Param]:
    """Check each parameter against the scenario and its schema.

    The key must exist and hold a number; both ends of the range must give a
    valid scenario (so a range outside a field's bounds fails before any run).

    Raises:
        ScenarioError: a key that does not exist or does not hold a number, or
            a range end the schema rejects (one line naming the file and key).
        ValueError: a malformed ``KEY=LOW:HIGH`` or a key given twice.
    """
    params: list[Param] = []
    for item in items:
        if isinstance(item, Param):
            key, low, high = item.key, item.low, item.high
        elif isinstance(item, str):
            key, low, high = parse_param(item)
        else:
            key, low, high = item
        if any(p.key == key for p in params):
            raise ValueError(f"--param {key}: given twice")
        try:
            current = lookup(base, key)
        except (KeyError, IndexError, ValueError):
            raise ScenarioError(
                [f"{base.source}: {key}: expected an existing numeric key, found nothing there"]
            ) from None
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise ScenarioError(
                [f"{base.source}: {key}: expected a number to vary, found {current!r}"]
            )
        p = Param(key, float(low), float(high), isinstance(current, int))
        if p.integer and math.floor(p.high) < math.ceil(p.low):
            raise ValueError(f"--param {key}: expected a range holding a whole number")
        for end in (p.low, p.high):
            load_scenario(base, {key: p.value(end)})
        params.append(p)
    if not params:
        raise ValueError("--param: expected at least one KEY=LOW:HIGH")
    return params
