"""The smooth gates the model's decisions are built from (no knife edges).

Why one home: factions' assaults, backers' need, vetoes and ripeness all use
the same logistic; it must behave the same everywhere (and never overflow).
"""

from __future__ import annotations

import math


def logistic(x: float) -> float:
    """The logistic function ``1 / (1 + exp(-x))``, safe for large ``|x|``."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
