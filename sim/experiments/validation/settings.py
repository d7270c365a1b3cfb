"""What the validation suite runs: its arms, levels, seeds and the calibration targets.

Every number here is a setting of the suite (pairs, seeds) or a target known by
5 December 2019, with its source beside it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

#: pairs (replicates per arm) per check
PAIRS = 1000
#: runs per level of a monotonicity check, as a share of ``pairs`` (400 of 1,000)
LEVEL_SHARE = 0.4
#: root seed of every arm
SEED = 2019
#: worker processes by default (the machine is shared)
WORKERS = 2
#: the report's default path, relative to the repository
OUT = Path("docs") / "validation.md"
#: replicates per task sent to a worker
CHUNK = 25
ALPHA = 0.05

PASS, FAIL, WRONG = "PASS", "FAIL", "WRONG SIGN"
VERDICTS = (PASS, FAIL, WRONG)

BASELINE = "libya_2019.toml"
ATTACKER, DEFENDER = "LNA", "GNA"
V_LNA, V_GNA = "victory:LNA", "victory:GNA"
LABELS = (V_LNA, V_GNA, "ceasefire", "stalemate")

#: what-ifs that take support away from the LNA
LNA_CUTS = (
    "libya_wagner_withdrawal",
    "libya_wagner_pullback",
    "libya_wagner_sanctions",
    "libya_uae_drones_halt",
    "libya_france_egypt_step_back",
)
#: what-ifs that add support to the GNA
GNA_ADDS = ("libya_turkey_surge",)
#: the monotonicity levels: LNA fighters, and Wagner's contracted size
LNA_FIGHTERS = (15000, 20000, 25000, 30000, 35000)
WAGNER_SIZES = (0, 600, 1200, 1800, 2400)
#: the date of the withdrawals built here (as the other January 2020 what-ifs)
WITHDRAWAL_DATE = dt.date(2020, 1, 6)

# calibration targets, known by 5 December 2019
#: the LNA reaches Tripoli's southern suburbs (the airport, ~25 km) within weeks
SUBURBS_KM, SUBURBS_WEEKS, SUBURBS_SHARE = 30.0, 6, 0.5
#: the GNA retook Gharyan on 26 June 2019; target: by the end of August in >= 30 %
GHARYAN, GHARYAN_BY, GHARYAN_SHARE = "gharyan", dt.date(2019, 8, 31), 0.3
#: on 5 December 2019: the front 10-40 km from the centre, Tripoli not fallen
BAND_SHARE, NOT_FALLEN_SHARE = 0.6, 0.85
#: WHO, early July 2019: 1,048 killed and 5,558 wounded; a median within a factor 2
WHO_DATE, WHO_FACTOR = dt.date(2019, 7, 4), 2.0
#: US DoD IG: 800-1,400 Wagner fighters at the front by the end of 2019
WAGNER_BY, WAGNER_BAND, WAGNER_SHARE = dt.date(2019, 12, 31), (800.0, 1400.0), 0.6
#: the LNA can win: P(victory:LNA) over the horizon at least this
LNA_WIN_SHARE = 0.05
#: a war can turn: the front pushed back to 80 km (Gharyan) or more in most runs
START_LINE_KM, TURN_SHARE = 80.0, 0.5
