"""History matching's statistics: implausibility, emulators, the next wave's design.

Why apart from :mod:`sim.experiments.history_matching`: these are the method
(Craig et al. 1997; Vernon et al. 2010; Andrianakis et al. 2015), which does not
depend on how the model is run or where the waves are stored.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc

from sim.experiments.targets import Targets
from sim.scenario import ScenarioSpec

CANDIDATES = 1 << 14  # uniform candidates per wave for screening and the volume estimate


@dataclass
class Observations:
    """Observed values, their variances and the model discrepancy, per target."""

    value: np.ndarray
    var_obs: np.ndarray
    var_disc: np.ndarray
    one_run: float = 1.0  # 1: history is one realisation, the run variance counts in full

    @classmethod
    def of(cls, targets: Targets, spec: ScenarioSpec) -> Observations:
        """Each target's observation in model units."""
        obs = [t.observation(spec) for t in targets.items]
        return cls(
            np.array([o[0] for o in obs]),
            np.array([o[1] ** 2 for o in obs]),
            np.array([t.discrepancy**2 for t in targets.items]),
            1.0 if targets.observed_as == "one_run" else 0.0,
        )


def implausibility(sims: np.ndarray, obs: Observations) -> np.ndarray:
    """Per point and target, from replicate runs ``sims`` (points, reps, targets).

    The denominator adds the variance of the mean of ``reps`` runs and, when
    the observations are one realisation (history), the run variance itself.
    """
    reps = sims.shape[1]
    mean = sims.mean(axis=1)
    var = sims.var(axis=1, ddof=1) if reps > 1 else np.zeros_like(mean)
    denom = obs.var_obs + obs.var_disc + var * (obs.one_run + 1.0 / reps)
    return np.abs(obs.value - mean) / np.sqrt(np.maximum(denom, 1e-12))


@dataclass
class Emulator:
    """Gaussian-process emulators of each target's mean, fitted on one wave's points."""

    models: list[Any]
    var_sim: np.ndarray  # pooled run-to-run variance per target
    reps: int

    @classmethod
    def fit(cls, u: np.ndarray, sims: np.ndarray, seed: int) -> Emulator:
        """Fit one GP per target on unit-cube inputs ``u`` and the replicate means.

        Each point's mean carries its Monte Carlo variance (``var / reps``) as
        the GP's per-point noise, so the emulator does not chase the dice.
        """
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

        d = u.shape[1]
        reps = sims.shape[1]
        mean = sims.mean(axis=1)
        var = sims.var(axis=1, ddof=1) / reps if reps > 1 else np.zeros_like(mean)
        models = []
        for j in range(mean.shape[1]):
            y = mean[:, j]
            scale = float(np.std(y)) or 1.0
            kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(
                np.full(d, 0.5), (0.03, 30.0)
            ) + WhiteKernel(1e-2, (1e-6, 1.0))
            gp = GaussianProcessRegressor(
                kernel,
                alpha=np.maximum(var[:, j], 1e-10) / scale**2,
                normalize_y=True,
                random_state=seed + j,
                n_restarts_optimizer=1,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gp.fit(u, y)
            models.append(gp)
        return cls(models, np.nanmean(var, axis=0) * reps, reps)

    def implausibility(self, u: np.ndarray, obs: Observations) -> np.ndarray:
        """Emulated implausibility (points, targets), the emulator's variance included."""
        out = np.empty((len(u), len(self.models)))
        for j, gp in enumerate(self.models):
            mu, sd = gp.predict(u, return_std=True)
            stoch = self.var_sim[j] * (obs.one_run + 1.0 / self.reps)
            denom = obs.var_obs[j] + obs.var_disc[j] + sd**2 + stoch
            out[:, j] = np.abs(obs.value[j] - mu) / np.sqrt(np.maximum(denom, 1e-12))
        return out


def summarise(imp: np.ndarray, second: bool = False) -> np.ndarray:
    """The max (or second-max, more forgiving with many targets) implausibility per point."""
    if imp.shape[1] == 0:
        return np.zeros(len(imp))
    if second and imp.shape[1] > 1:
        return np.sort(imp, axis=1)[:, -2]
    return imp.max(axis=1)


def screen(u: np.ndarray, emus: list[Emulator], obs: Observations, cutoff: float, second: bool):
    """Which candidate points every emulator leaves non-implausible (a boolean mask)."""
    ok = np.ones(len(u), bool)
    for e in emus:
        idx = np.flatnonzero(ok)
        if not len(idx):
            break
        ok[idx] = summarise(e.implausibility(u[idx], obs), second) < cutoff
    return ok


def next_design(
    emus: list[Emulator],
    obs: Observations,
    d: int,
    n: int,
    rng: np.random.Generator,
    cutoff: float,
    second: bool,
) -> tuple[np.ndarray, float]:
    """``n`` unit-cube points in the non-implausible region, and its volume share.

    Uniform Sobol candidates over the box estimate the volume; when too few
    pass, more are drawn around those that did (Gaussian steps, screened
    again). The wave's points are a uniform random pick from those that pass.
    """
    sob = qmc.Sobol(d, seed=rng)
    cand = sob.random(CANDIDATES)
    ok = screen(cand, emus, obs, cutoff, second)
    volume = float(ok.mean())
    pool = cand[ok]
    for _ in range(8):
        if len(pool) >= 4 * n or not len(pool):
            break
        sd = np.maximum(pool.std(axis=0), 0.02) * 0.5
        base = pool[rng.integers(len(pool), size=CANDIDATES // 4)]
        more = np.clip(base + rng.normal(0.0, sd, base.shape), 0.0, 1.0)
        pool = np.vstack([pool, more[screen(more, emus, obs, cutoff, second)]])
    if not len(pool):
        return np.empty((0, d)), volume
    if len(pool) <= n:
        return pool, volume
    # a uniform draw from the region (what the accepted sets' spread should reflect);
    # a maximin pick would push the design to the region's edges
    return pool[np.sort(rng.choice(len(pool), size=n, replace=False))], volume
