"""Emulators that screen the next wave must not rule out what the runs kept.

A recorded regression (``tests/fixtures/yemen_wave1_*.csv``: 100 points of a
Yemen 2015 wave 1 over 11 parameters, 10 replicates each, two targets: the
week Al Anad is retaken, censored at 41 when it is not by week 40, and the
front in December): 8 of the points are non-implausible on their own runs,
yet an emulator fitted the way the calibration used to (each point's own
replicate variance as its noise, zero where the ten runs agree) flattens to
a constant with no predictive variance and rules out all of them, and with
them the whole box. And a synthetic check where the truth is known.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments.emulator import (
    Emulator,
    Observations,
    implausibility,
    next_design,
    screen,
    summarise,
)

FIXTURES = Path(__file__).parent / "fixtures"
CUTOFF = 3.0
# scenarios/targets/yemen_2015.toml as recorded with the runs: Al Anad retaken in
# week 19 (sd 3 weeks); the front 90-170 km (a 95 % range) with a 15 km discrepancy
YEMEN = Observations(
    np.array([19.0, 130.0]), np.array([3.0**2, 20.0**2]), np.array([0.0, 15.0**2]), 0.0
)


@pytest.fixture(scope="module")
def recorded() -> tuple[np.ndarray, np.ndarray]:
    design = pd.read_csv(FIXTURES / "yemen_wave1_design.csv").sort_values("point")
    runs = pd.read_csv(FIXTURES / "yemen_wave1_runs.csv").sort_values(["point", "rep"])
    u = design.drop(columns="point").to_numpy(float)
    sims = runs[["al_anad_retaken", "front_dec_2015"]].to_numpy(float).reshape(len(u), -1, 2)
    return u, sims


def _old_fit(u: np.ndarray, sims: np.ndarray) -> list:
    """The emulators as fitted before: own replicate variance as noise, 0 where runs agree."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    reps = sims.shape[1]
    mean, var = sims.mean(axis=1), sims.var(axis=1, ddof=1) / reps
    models = []
    for j in range(sims.shape[2]):
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(
            np.full(u.shape[1], 0.5), (0.03, 30.0)
        ) + WhiteKernel(1e-2, (1e-6, 1.0))
        alpha = np.maximum(var[:, j], 1e-10) / float(np.std(mean[:, j])) ** 2
        gp = GaussianProcessRegressor(kernel, alpha=alpha, normalize_y=True, random_state=j)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            models.append(gp.fit(u, mean[:, j]))
    return models


@pytest.fixture(scope="module")
def old_models(recorded) -> list:
    return _old_fit(*recorded)


def _old(sims: np.ndarray, models: list) -> Emulator:
    return Emulator(models, sims.var(axis=1, ddof=1).mean(axis=0), sims.shape[1])


def test_recorded_wave_runs_pass_but_the_old_emulators_reject_them_all(recorded, old_models):
    u, sims = recorded
    ok = summarise(implausibility(sims, YEMEN)) < CUTOFF
    assert ok.sum() == 8  # the runs keep some points ...
    old = _old(sims, old_models)
    # ... and the emulators fitted as before keep (almost) none of them: the defect
    kept = screen(u[ok], [old], YEMEN, CUTOFF, False)
    assert kept.mean() < 0.2, kept.mean()


def test_recorded_wave_fixed_emulators_keep_the_passing_points(recorded):
    u, sims = recorded
    ok = summarise(implausibility(sims, YEMEN)) < CUTOFF
    emu = Emulator.fit(u, sims, 1, YEMEN, CUTOFF)
    assert all(c.held_out == 20 for c in emu.checks)  # validated on held-out points
    assert emu.check_runs(u[ok], YEMEN, CUTOFF, False) is None  # no fallback needed
    kept = screen(u[ok], [emu], YEMEN, CUTOFF, False)
    assert kept.mean() >= 0.9, [c.why for c in emu.checks]
    # the next wave has somewhere to go, and it is smaller than the box
    design, volume = next_design([emu], YEMEN, u.shape[1], 50, np.random.default_rng(0),
                                 CUTOFF, False, keep=u[ok])  # fmt: skip
    assert len(design) == 50
    assert 0.0 < volume < 0.9, volume


def test_fallback_when_the_emulators_reject_most_passing_points(recorded, old_models):
    u, sims = recorded
    ok = summarise(implausibility(sims, YEMEN)) < CUTOFF
    old = _old(sims, old_models)
    message = old.check_runs(u[ok], YEMEN, CUTOFF, False)
    # the constant Al Anad emulator would need a cutoff far beyond 2x: left to the runs
    assert not old.screens[0]
    assert message is None or "not used for screening" in message
    assert screen(u[ok], [old], YEMEN, CUTOFF, False).mean() >= 0.5


def _truth_model(u: np.ndarray, rng: np.random.Generator, reps: int) -> np.ndarray:
    """A stochastic toy with a known truth at (0.3, 0.7, any...): a smooth and a censored target."""
    smooth = 10.0 * u[:, 0] + 5.0 * u[:, 1] ** 2
    week = 5.0 + 30.0 * np.abs(u[:, 0] - 0.3) + 20.0 * np.abs(u[:, 1] - 0.7)
    out = np.empty((len(u), reps, 2))
    out[:, :, 0] = smooth[:, None] + rng.normal(0.0, 0.5, (len(u), reps))
    out[:, :, 1] = np.minimum(week[:, None] + rng.normal(0.0, 3.0, (len(u), reps)), 21.0)
    return out


def test_later_waves_keep_the_truth_and_the_points_wave_one_kept():
    from scipy.stats import qmc

    rng = np.random.default_rng(42)
    d = 4  # two inert dimensions, as many calibrations have
    truth = np.array([[0.3, 0.7, 0.5, 0.5]])
    obs = Observations(
        _truth_model(truth, rng, 400).mean(axis=1)[0], np.array([0.3**2, 1.5**2]),
        np.zeros(2), 0.0,
    )  # fmt: skip
    u = qmc.LatinHypercube(d, seed=1).random(60)
    sims = _truth_model(u, rng, 5)
    ok = summarise(implausibility(sims, obs)) < CUTOFF
    assert ok.any()
    emus = [Emulator.fit(u, sims, 7, obs, CUTOFF)]
    emus[0].check_runs(u[ok], obs, CUTOFF, False)
    assert screen(truth, emus, obs, CUTOFF, False).all()  # the truth survives the screen
    assert screen(u[ok], emus, obs, CUTOFF, False).mean() >= 0.9
    u2, volume = next_design(emus, obs, d, 40, rng, CUTOFF, False, keep=u[ok])
    assert volume < 0.5  # and the region shrank
    sims2 = _truth_model(u2, rng, 5)
    ok2 = summarise(implausibility(sims2, obs)) < CUTOFF
    assert ok2.mean() > ok.mean()  # wave 2 is better focused than wave 1
    emus.append(Emulator.fit(u2, sims2, 8, obs, CUTOFF))
    emus[1].check_runs(u2[ok2], obs, CUTOFF, False)
    assert screen(truth, emus, obs, CUTOFF, False).all()
    assert screen(u[ok], emus, obs, CUTOFF, False).mean() >= 0.8
