"""proxywar: agent-based simulation of proxy wars on Mesa.

Public interface: :class:`ProxyWarModel` and :func:`load_scenario`.
"""

from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioError, ScenarioSpec, load_scenario

__all__ = ["ProxyWarModel", "ScenarioError", "ScenarioSpec", "load_scenario"]
