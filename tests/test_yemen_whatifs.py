"""Yemen 2015's what-ifs, paired over its calibrated ensemble: does each move the war its way?

Each test states the direction its mechanism predicts before measuring. The
runs are paired replicate by replicate (common random numbers) and replicate
``i`` runs parameter set ``i mod M`` of ``scenarios/ensembles/yemen_2015.csv``,
so the answers include the calibration's uncertainty. ``victory:AQAP+COALITION``
is the Houthis' fall (AQAP, neutral toward the coalition, is left standing).

Measured with 1,000 pairs (seed 0, `python run.py compare ... --ensemble
scenarios/ensembles/yemen_2015.csv`, the 337-set ensemble): the UAE's
withdrawal lowers the Houthis' fall by -0.161 [-0.184, -0.138] and lets them win
in 5 % of runs, but brings the front nearer Aden only at the horizon (-10.4 km
[-14.1, -6.8]; -0.5 [-4.4, +3.5] in March 2016); sanctions on the Colombians move
the front 1.1 km [0.0, 2.3] nearer Aden by March 2016 and the fall -0.015; Iran's
surge moves the front 5.7 km [2.1, 9.3] *away* from Aden by March 2016 (the wrong
sign) and does not change the fall (-0.001 [-0.018, +0.016]): Saudi Arabia's answer
outweighs it (tests/test_yemen_iran_surge.py; docs/yemen_2015.md).
The tests use fewer pairs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario
from sim.analysis.paired import paired_row
from sim.experiments.compare import compare
from sim.experiments.ensemble import read_ensemble

ROOT = Path(__file__).resolve().parent.parent
SCEN = ROOT / "scenarios"
REPS = 300
SEED = 0
FALL = "victory:AQAP+COALITION"  # the Houthis fell; AQAP, neutral to the coalition, stands
FRONT = "front distance (km) on 2016-03-24"


@pytest.fixture(scope="module")
def result():
    """The three what-ifs against the baseline, paired, over the calibrated ensemble."""
    base = load_scenario(SCEN / "yemen_2015.toml")
    members = read_ensemble(SCEN / "ensembles" / "yemen_2015.csv", base)
    alts = [
        SCEN / "yemen_uae_withdraws.toml",
        SCEN / "yemen_colombians_sanctioned.toml",
        SCEN / "yemen_iran_surge.toml",
    ]
    return compare(base, alts, reps=REPS, seed=SEED, workers=1, progress=False, ensemble=members)


def _row(res, alternative: str, outcome: str):
    t = res.table
    sub = t[(t["alternative"] == alternative) & (t["outcome"] == outcome)]
    assert len(sub) == 1, (alternative, outcome)
    return sub.iloc[0]


def _metric(res, alternative: str, metric: str):
    d = res.differences
    sub = d[(d["alternative"] == alternative) & (d["metric"] == metric)]
    assert len(sub) == 1, (alternative, metric)
    return sub.iloc[0]


def test_uae_withdrawal_lets_the_houthis_fall_less(result) -> None:
    """Expected: without the UAE the south weakens and the Houthis fall less often."""
    fall = _row(result, "yemen_uae_withdraws", FALL)
    assert fall["ci_high"] < 0, fall.to_dict()


@pytest.mark.xfail(
    strict=True,
    reason="measured (1,000 pairs over the 337-set ensemble): the front on 24 Mar 2016 "
    "-0.5 km [-4.4, +3.5]; the south breaks (it falls in 76 % of runs against 3 %) but the "
    "Houthis first push the enemy back from Sanaa (+37.4 km [+28.9, +45.8] at the horizon); "
    "the front comes nearer Aden only later (-10.4 km [-14.1, -6.8] at the horizon)",
)
def test_uae_withdrawal_brings_the_front_nearer_aden_by_march_2016(result) -> None:
    """Expected: with the south weakened the front comes nearer Aden within six months."""
    front = _metric(result, "yemen_uae_withdraws", FRONT)
    assert front["ci_high"] < 0, front.to_dict()


def test_sanctioning_the_colombians_is_small_and_never_the_wrong_way(result) -> None:
    """Expected: a 450-strong group's loss moves little, not significantly toward the coalition."""
    fall = _row(result, "yemen_colombians_sanctioned", FALL)
    front = _metric(result, "yemen_colombians_sanctioned", FRONT)
    assert fall["ci_low"] <= 0, fall.to_dict()  # not significantly toward the coalition
    assert front["ci_low"] < 0 <= front["ci_high"] or front["ci_high"] < 0, front.to_dict()
    assert abs(front["difference"]) < 10.0, front.to_dict()  # the UAE's own leaving: ~100 km


@pytest.mark.xfail(
    strict=True,
    reason="measured (1,000 pairs over the 337-set ensemble, seed 0): the surge raises Houthi "
    "quality (+0.20 by March 2016) but the front on 24 Mar 2016 moves 5.7 km [+2.1, +9.3] away "
    "from Aden and the fall is unchanged (0.234 -> 0.233): Saudi Arabia's need rule answers the "
    "government's lower power ratio by cutting its support more slowly (level at the horizon "
    "+0.113 [+0.101, +0.125]), so the government, whose income and Saudi funds sit near its wage "
    "bill, is unpaid 3.2 weeks less and loses 2,489 [2,147, 2,832] fewer deserters, and the "
    "Houthis' late advances on Lahij, Aden, Marib and Ataq happen half as often. The Houthis "
    "assault less, not more (no aggressiveness trap). With backers.saudi.responsiveness = 0 in "
    "both arms the surge helps: fall -0.023 [-0.040, -0.006], front -0.1 km [-3.3, +3.1] "
    "(docs/yemen_2015.md, 'Iran's surge, diagnosed'; tests/test_yemen_iran_surge.py)",
)
def test_iran_surge_helps_the_houthis(result) -> None:
    """Expected: better armed and advised, the Houthis fall less often or hold nearer Aden."""
    fall = _row(result, "yemen_iran_surge", FALL)
    front = _metric(result, "yemen_iran_surge", FRONT)
    assert fall["ci_low"] <= 0 and front["ci_low"] <= 0
    assert fall["ci_high"] < 0 or front["ci_high"] < 0


# -- a faction changes side: the Southern Resistance turns on the government (Oct 2015) -------
#
# Measured with 1,000 pairs over the 337-set ensemble (seed 0; docs/yemen_2015.md): the
# Houthis' fall with the coalition standing -0.233 [-0.259, -0.207], stalemate +0.234
# [+0.208, +0.260], the government's front from Aden -60.9 km [-64.4, -57.5] at the
# horizon; the Houthis fall in 7.7 % of runs against 23.4 %; the government in 2.3 %
# against 12.0 %, the south in 2.6 % against 2.8 %.
SOUTH_REPS = 200
SOUTH = "yemen_south_turns"


@pytest.fixture(scope="module")
def south_turns():
    """The realign what-if against the baseline, paired, over the calibrated ensemble."""
    base = load_scenario(SCEN / "yemen_2015.toml")
    members = read_ensemble(SCEN / "ensembles" / "yemen_2015.csv", base)
    return compare(
        base,
        SCEN / "yemen_south_turns.toml",
        reps=SOUTH_REPS,
        seed=SEED,
        workers=1,
        progress=False,
        ensemble=members,
    )


def _objective(res, faction: str):
    o = res.objective_differences
    sub = o[(o["alternative"] == SOUTH) & (o["faction"] == faction)]
    assert len(sub) == 1, faction
    return sub.iloc[0]


def _fell(res, faction: str) -> dict:
    """The paired difference in the share of runs in which ``faction`` fell."""
    pairs = res.pairs(SOUTH)
    b = pairs[f"fallen_{faction}_base"].notna().to_numpy(dtype=float)
    a = pairs[f"fallen_{faction}_alt"].notna().to_numpy(dtype=float)
    return paired_row(b, a, 0.95, "t", 0)


def test_south_turning_splits_the_coalition(south_turns) -> None:
    """Expected: the war goes on (the Houthis' fall with the coalition standing is rarer,
    stalemate commoner), the Houthis fall less often, and the enemy comes nearer Aden."""
    fall = _row(south_turns, SOUTH, FALL)
    stalemate = _row(south_turns, SOUTH, "stalemate")
    aden = _objective(south_turns, "GOV")
    houthis = _fell(south_turns, "HOUTHI")
    assert fall["ci_high"] < 0 and fall["significant"], fall.to_dict()
    assert stalemate["ci_low"] > 0 and stalemate["significant"], stalemate.to_dict()
    assert aden["metric"] == "front from Aden (km)"
    assert aden["ci_high"] < 0 and aden["significant"], aden.to_dict()
    assert houthis["ci_high"] < 0, houthis


@pytest.mark.xfail(
    strict=True,
    reason="measured (1,000 pairs over the 337-set ensemble): the split does not let the "
    "Houthis win (no victory:HOUTHI in either arm), though they fall far less often (7.7 % of "
    "runs against 23.4 %): the war between the government and the south drags on (stalemate "
    "0.998) and the enemy's front from Sanaa does not move (-1.9 km [-4.8, +0.9])",
)
def test_south_turning_lets_the_houthis_win(south_turns) -> None:
    """Expected (the analysts' worry): the Houthis exploit the split and win more often."""
    win = _row(south_turns, SOUTH, "victory:HOUTHI")
    assert win["ci_low"] > 0, win.to_dict()
