"""proxywar: agent-based simulation of proxy wars on Mesa.

Public interface: :class:`ProxyWarModel`, :func:`load_scenario`, and
:func:`simulate` (one run as plain numbers, for outside tools).

The names are loaded when first used (PEP 562), so that ``import sim.cli``
(``proxywar list``, ``validate``, ``--help``, a bad argument) does not pay for
Mesa and the model; ``from sim import ProxyWarModel`` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.experiments.api import simulate
    from sim.model.model import ProxyWarModel
    from sim.scenario import ScenarioError, ScenarioSpec, load_scenario

__all__ = ["ProxyWarModel", "ScenarioError", "ScenarioSpec", "load_scenario", "simulate"]

_HOMES = {
    "ProxyWarModel": "sim.model.model",
    "ScenarioError": "sim.scenario",
    "ScenarioSpec": "sim.scenario",
    "load_scenario": "sim.scenario",
    "simulate": "sim.experiments.api",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use."""
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
