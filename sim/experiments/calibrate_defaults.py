"""The calibration's defaults: what it varies, its cutoff, its point replicates.

Why apart from :mod:`sim.experiments.history_matching`: the command line
shows them in ``calibrate --help`` and must not import the method (scipy,
pandas, the emulators) just to build its parser.
"""

from __future__ import annotations

#: what calibrate varies when no --param is given (PLAUSIBLE_RANGES keys): the
#: combat constants that set how fast and how far the front moves, each side's
#: risk tolerance, and the mercenary groups' sizes (8 parameters for Libya).
DEFAULT_KEYS: tuple[str, ...] = (
    "combat.lethality",
    "combat.noise_sigma",
    "combat.cover_urban",
    "combat.attacker_break",
    "factions.*.attack_odds",
    "groups.*.size",
)
CUTOFF = 3.0  # Pukelsheim (1994): 95 % of any unimodal distribution lies within 3 sd
POINT_REPS = 100  # replicates of the scenario's own values (the "before" column)
