"""Why Iran's surge does not help the Houthis in the model: the coalition's answer, paid in cash.

Iran's surge (``scenarios/yemen_iran_surge.toml``) raises the Houthis' quality, but
the front ends *farther* from Aden (docs/yemen_2015.md, "Iran's surge, diagnosed").
The cause is not the Houthis' own decisions (they assault less, not more, with the
surge) but Saudi Arabia's need rule (ODD 7.5): the surge lowers the government's
power ratio, so Saudi Arabia cuts its support more slowly while its client is ahead,
and the government, whose income and Saudi funds sit near its wage bill, goes unpaid
less often and loses fewer deserters. These tests pin that chain, paired replicate
by replicate over the calibrated ensemble (replicate ``i`` runs set ``i mod M`` with
the seed ``compare`` gives it), with few pairs to stay cheap (~10 s).

Measured with 1,000 pairs (seed 0): Saudi Arabia's level at the horizon +0.113
[+0.101, +0.125]; the government's unpaid weeks -3.2 [-3.8, -2.6], its deserters
-2,489 [-2,832, -2,147]; with Saudi Arabia's ``responsiveness`` at 0 in both arms
the surge helps (the Houthis' fall -0.023 [-0.040, -0.006], the front on
24 Mar 2016 -0.1 km [-3.3, +3.1]).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import load_scenario
from sim.analysis.paired import paired_row
from sim.experiments.design import replicate_seed
from sim.experiments.ensemble import read_ensemble
from sim.model.model import ProxyWarModel

ROOT = Path(__file__).resolve().parent.parent
SCEN = ROOT / "scenarios"
PAIRS = 200
SEED = 0


def _run(path: Path, member: dict, seed: int) -> dict[str, float]:
    """One run: the Saudi level at the end, the government's unpaid weeks and deserters."""
    model = ProxyWarModel(load_scenario(path, member), rng=seed, collect=False)
    gov = model.factions_by_id["GOV"]
    unpaid = 0
    while model.running:
        model.step()
        unpaid += gov.funds <= 0.0  # its economy left nothing: the week's pay fell short
    return {
        "saudi_level": model.backers_by_id["saudi"].level,
        "gov_unpaid_weeks": float(unpaid),
        "gov_deserted": gov.deserted,
        "front_week52": model.front_series[min(51, len(model.front_series) - 1)],
    }


def _paired(overrides: dict[str, float]) -> dict[str, dict]:
    """Paired differences (surge - baseline) of each measure over ``PAIRS`` replicates."""
    base = load_scenario(SCEN / "yemen_2015.toml")
    members = read_ensemble(SCEN / "ensembles" / "yemen_2015.csv", base)
    rows: dict[str, list[dict[str, float]]] = {"base": [], "alt": []}
    for i in range(PAIRS):
        member = {**members[i % len(members)], **overrides}
        seed = replicate_seed(SEED, i)
        rows["base"].append(_run(SCEN / "yemen_2015.toml", member, seed))
        rows["alt"].append(_run(SCEN / "yemen_iran_surge.toml", member, seed))
    out = {}
    for key in rows["base"][0]:
        b = np.array([r[key] for r in rows["base"]])
        a = np.array([r[key] for r in rows["alt"]])
        out[key] = paired_row(b, a, 0.95, "t", 0)
    return out


@pytest.fixture(scope="module")
def default_rules():
    """The surge against the baseline, as the scenarios stand."""
    return _paired({})


@pytest.fixture(scope="module")
def saudi_need_off():
    """The same with Saudi Arabia's need rule off (``responsiveness`` 0) in both arms."""
    return _paired({"backers.saudi.responsiveness": 0.0})


def test_surge_slows_the_saudi_cut_and_keeps_the_government_paid(default_rules) -> None:
    """Expected: Saudi Arabia ends higher; the government is unpaid less, loses fewer deserters."""
    level = default_rules["saudi_level"]
    unpaid = default_rules["gov_unpaid_weeks"]
    deserted = default_rules["gov_deserted"]
    assert level["ci_low"] > 0, level
    assert unpaid["ci_high"] < 0, unpaid
    assert deserted["ci_high"] < 0, deserted


def test_without_the_saudi_answer_the_surge_stops_pushing_the_front_from_aden(
    default_rules, saudi_need_off
) -> None:
    """Expected: with Saudi Arabia's need rule off the government's desertion hardly moves and
    the front on 24 Mar 2016 is not pushed away from Aden; with it on, it is pushed farther."""
    on, off = default_rules["front_week52"], saudi_need_off["front_week52"]
    assert off["ci_low"] <= 0, off  # not significantly away from Aden
    assert off["difference"] < on["difference"], (on, off)
    d_on, d_off = default_rules["gov_deserted"], saudi_need_off["gov_deserted"]
    assert abs(d_off["difference"]) < 0.5 * abs(d_on["difference"]), (d_on, d_off)
