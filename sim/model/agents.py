"""The actors: local factions, foreign backers and mercenary groups.

Each agent keeps its own state and makes its own weekly decision, and each kind
has its own module: :mod:`sim.model.faction`, :mod:`sim.model.backer` and
:mod:`sim.model.mercenary`. The mechanisms that connect them (combat, support
deliveries, pressure, termination) live in their own modules so a reader can
find each rule by name. This module gathers the three kinds under their old
import path.
"""

from sim.model.backer import Backer, ChannelState
from sim.model.faction import Faction
from sim.model.mercenary import MercenaryGroup

__all__ = ["Backer", "ChannelState", "Faction", "MercenaryGroup"]
