"""The model layer: the Mesa model, its agents and the rules of each weekly step.

Imports only the scenario layer.
"""

from sim.model.model import ProxyWarModel

__all__ = ["ProxyWarModel"]
