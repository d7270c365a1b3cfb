"""proxywar: agent-based simulation of proxy wars on Mesa.

Public interface: :class:`ProxyWarModel`, :func:`load_scenario`, and
:func:`simulate` (one run as plain numbers, for outside tools).
"""

from sim.experiments.api import simulate
from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioError, ScenarioSpec, load_scenario

__all__ = ["ProxyWarModel", "ScenarioError", "ScenarioSpec", "load_scenario", "simulate"]
