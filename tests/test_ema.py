"""EMA Workbench as a client: ``sim.simulate`` behind ``ema_workbench.Model``.

The wrapper is the one docs/ema.md shows. Both evaluators run the same Latin
hypercube of 20 sanction designs (3 levers, seeded sampler) under one sampled
seed (the model's one uncertainty: its luck); a run depends only on its
scenario, overrides and seed, so the sequential and the multiprocessing
results must be identical, number for number.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from sim import simulate

with warnings.catch_warnings():  # "ipyparallel not installed": an evaluator not used here
    warnings.simplefilter("ignore", UserWarning)
    ema = pytest.importorskip("ema_workbench")  # the `ema` extra; `make test` installs it

# EMA's pool forks while its logging thread runs: harmless here (the children only simulate)
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")

#: EMA's names (identifiers) for the scenario keys they set
LEVERS = {
    "sanctions_week": "interventions.wagner_sanctions.week",
    "pay_blocked": "interventions.wagner_sanctions.financial",
    "rotations_cut": "interventions.wagner_sanctions.logistics",
}
OUTCOMES = ["outcome_victory_LNA", "outcome_ceasefire", "casualties", "front_km_2020_06_01"]


def proxywar(seed=0, **levers):
    """One run of the Wagner sanctions what-if with EMA's lever values."""
    overrides = {LEVERS[name]: value for name, value in levers.items()}
    return simulate(
        "libya_wagner_sanctions.toml", seed=seed, overrides=overrides, at_dates=["2020-06-01"]
    )


def make_model():
    model = ema.Model("proxywar", function=proxywar)
    model.levers = [
        ema.IntegerParameter("sanctions_week", 20, 60),
        ema.RealParameter("pay_blocked", 0.2, 1.0),
        ema.RealParameter("rotations_cut", 0.0, 1.0),
    ]
    # the luck of the war: one seed drawn for all designs (common random numbers)
    model.uncertainties = [ema.IntegerParameter("seed", 0, 2**31 - 1)]
    model.outcomes = [ema.ScalarOutcome(name) for name in OUTCOMES]
    return model


def run(evaluator_class, **kwargs):
    model = make_model()
    with evaluator_class(model, **kwargs) as evaluator:
        return evaluator.perform_experiments(
            scenarios=1,
            policies=20,
            uncertainty_sampling_kwargs={"rng": 7},
            lever_sampling=ema.Samplers.LHS,
            lever_sampling_kwargs={"rng": 42},
        )


def test_sequential_and_multiprocessing_evaluators_agree_exactly():
    seq_exp, seq_out = run(ema.SequentialEvaluator)
    mp_exp, mp_out = run(ema.MultiprocessingEvaluator, n_processes=2)
    assert len(seq_exp) == len(mp_exp) == 20
    levers = list(LEVERS)
    pd.testing.assert_frame_equal(seq_exp[levers], mp_exp[levers])
    # a Latin hypercube: each lever's 20 values fall one in each twentieth of its range
    bins = np.floor((seq_exp["pay_blocked"] - 0.2) / 0.8 * 20).astype(int)
    assert sorted(bins) == list(range(20))
    for name in OUTCOMES:
        assert np.array_equal(seq_out[name], mp_out[name], equal_nan=True), name
    # each experiment is the direct call with the same levers and seed
    row = seq_exp.iloc[3]
    assert seq_exp["seed"].nunique() == 1  # one draw of luck, shared by all 20 designs
    direct = proxywar(seed=row["seed"], **{k: row[k] for k in levers})
    assert seq_out["casualties"][3] == direct["casualties"]
    # and the levers matter: 20 designs do not all give the same war
    assert len(set(seq_out["casualties"])) > 1
    flags = seq_out["outcome_victory_LNA"] + seq_out["outcome_ceasefire"]
    assert set(np.unique(flags)) <= {0, 1}
