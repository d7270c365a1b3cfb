"""History matching's statistics: implausibility, emulators, the next wave's design.

Why apart from :mod:`sim.experiments.history_matching`: these are the method
(Craig et al. 1997; Vernon et al. 2010; Andrianakis et al. 2015), which does not
depend on how the model is run or where the waves are stored.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
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


VALIDATION_SHARE = 0.2  # share of a wave's points held out to validate its emulators
MIN_VALIDATION = 25  # fewer points than this: no hold-out (too few to fit and to judge)
MAX_OUTLIERS = 0.1  # held-out |standardised error| > 3: at most this share (5 % expected)
MAX_FALSE_REJECTIONS = 0.1  # points passing on their runs an emulator may reject
MIN_KEPT = 0.5  # the screen must keep at least this share of a wave's passing points
MAX_WIDENING = 2.0  # a target needing a cutoff more than this many times wider is left out


@dataclass
class TargetCheck:
    """How one target's emulator did on held-out points and on the wave's own runs.

    Why kept: an emulator that mispredicts (a censored event week fitted as a
    constant, a binary share fitted as smooth) rules out regions the runs show
    are fine; such a target is left out of screening and judged on runs only.
    """

    held_out: int = 0  # held-out points
    outliers: int = 0  # of them, |observed mean - emulated| > 3 predictive sd
    passing: int = 0  # held-out points non-implausible for this target on their runs
    rejected: int = 0  # of them, ruled out by the emulator
    own_passing: int = 0  # the wave's points non-implausible on every target by their runs
    own_rejected: int = 0  # of them, ruled out by this target's emulator
    widening: float = 1.0  # the target's emulated implausibility is screened at cutoff x this
    screens: bool = True
    why: str = ""


def _gp(d: int, alpha: np.ndarray, seed: int, kernel: Any = None) -> Any:
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    if kernel is None:
        # initial length 1 (the unit cube's side): in 11-D a shorter start lets the
        # optimiser drift to "no signal" (every length at its upper bound)
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(d, 1.0), (0.03, 30.0)) + (
            WhiteKernel(1e-2, (1e-6, 1.0))
        )
        return GaussianProcessRegressor(
            kernel, alpha=alpha, normalize_y=True, random_state=seed, n_restarts_optimizer=1
        )
    return GaussianProcessRegressor(kernel, alpha=alpha, normalize_y=True, optimizer=None)


def _emulated(
    mu: np.ndarray, sd: np.ndarray, j: int, var_sim: float, reps: int, obs: Observations
) -> np.ndarray:
    """Target ``j``'s implausibility from an emulated mean and its predictive sd."""
    stoch = var_sim * (obs.one_run + 1.0 / reps)
    denom = obs.var_obs[j] + obs.var_disc[j] + sd**2 + stoch
    return np.abs(obs.value[j] - mu) / np.sqrt(np.maximum(denom, 1e-12))


@dataclass
class Emulator:
    """Gaussian-process emulators of each target's mean, fitted on one wave's points."""

    models: list[Any]
    var_sim: np.ndarray  # pooled run-to-run variance per target
    reps: int
    checks: list[TargetCheck] = field(default_factory=list)

    @property
    def screens(self) -> np.ndarray:
        """Per target: whether its emulator takes part in screening."""
        if not self.checks:
            return np.ones(len(self.models), bool)
        return np.array([c.screens for c in self.checks])

    @classmethod
    def fit(
        cls,
        u: np.ndarray,
        sims: np.ndarray,
        seed: int,
        obs: Observations | None = None,
        cutoff: float = 3.0,
    ) -> Emulator:
        """Fit one GP per target on unit-cube inputs ``u`` and the replicate means.

        Each point's mean carries its Monte Carlo variance (``var / reps``) as
        the GP's per-point noise, so the emulator does not chase the dice; a
        point whose replicates all agree (a place always held, an event never
        seen by the horizon) gets at least half the pooled variance, since ten
        equal runs do not make the true variance zero and a zero noise there
        forces the GP to fit a step exactly (it then gives up: a constant with
        no predictive variance that rules everything out).

        With ``obs`` and at least :data:`MIN_VALIDATION` points, a share
        :data:`VALIDATION_SHARE` is held out: the kernel is fitted on the rest,
        checked on the held-out points (standardised errors, Bastos and O'Hagan
        2009; how many points passing on their runs it would rule out), then
        conditioned on every point with the fitted kernel kept. A target that
        fails is left out of screening (:attr:`checks`).
        """
        from sklearn.exceptions import ConvergenceWarning

        n, reps, m = sims.shape
        d = u.shape[1]
        mean = sims.mean(axis=1)
        var = sims.var(axis=1, ddof=1) if reps > 1 else np.zeros_like(mean)
        pooled = np.nanmean(var, axis=0)
        noise = np.maximum(var, 0.5 * pooled) / reps
        n_test = int(round(VALIDATION_SHARE * n)) if obs is not None and n >= MIN_VALIDATION else 0
        perm = np.random.default_rng(seed).permutation(n)
        test, train = np.sort(perm[:n_test]), np.sort(perm[n_test:])
        models, checks = [], []
        for j in range(m):
            y = mean[:, j]
            scale = float(np.std(y[train])) or 1.0
            alpha = np.maximum(noise[:, j], 1e-10) / scale**2
            gp = _gp(d, alpha[train], seed + j)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gp.fit(u[train], y[train])
            check = TargetCheck()
            if n_test and obs is not None:
                mu, sd = gp.predict(u[test], return_std=True)
                z = (y[test] - mu) / np.sqrt(sd**2 + noise[test, j])
                run_imp = implausibility(sims[test][:, :, j : j + 1], _one(obs, j))[:, 0]
                emu_imp = _emulated(mu, sd, j, float(pooled[j]), reps, obs)
                ok = run_imp < cutoff
                check = TargetCheck(
                    held_out=n_test,
                    outliers=int((np.abs(z) > 3.0).sum()),
                    passing=int(ok.sum()),
                    rejected=int((emu_imp[ok] >= cutoff).sum()),
                )
                check.widening = _widening(z, emu_imp[ok], cutoff)
                check.screens = check.widening <= MAX_WIDENING
                if check.widening > 1.0:
                    check.why = (
                        f"held out: {check.outliers} of {n_test} off by > 3 sd, rejects "
                        f"{check.rejected} of {check.passing} passing on their runs; "
                        + (
                            f"cutoff x {check.widening:.2f}"
                            if check.screens
                            else f"would need cutoff x {check.widening:.1f}"
                        )
                    )
                scale = float(np.std(y)) or 1.0
                gp = _gp(d, np.maximum(noise[:, j], 1e-10) / scale**2, seed + j, gp.kernel_)
                gp.fit(u, y)
            models.append(gp)
            checks.append(check)
        return cls(models, pooled, reps, checks if obs is not None else [])

    def implausibility(self, u: np.ndarray, obs: Observations) -> np.ndarray:
        """Emulated implausibility (points, targets), the emulator's variance included.

        Targets left out of screening score 0 (they are judged on runs only).
        """
        out = np.zeros((len(u), len(self.models)))
        for j, gp in enumerate(self.models):
            if not self.screens[j]:
                continue
            mu, sd = gp.predict(u, return_std=True)
            out[:, j] = _emulated(mu, sd, j, float(self.var_sim[j]), self.reps, obs)
            if self.checks:
                out[:, j] /= self.checks[j].widening
        return out

    def check_runs(
        self, u_ok: np.ndarray, obs: Observations, cutoff: float, second: bool
    ) -> str | None:
        """Hold the emulators to the wave's own points that passed on their runs.

        A region with points non-implausible by their own runs must not be
        ruled out. A target whose emulator rejects more than
        :data:`MAX_FALSE_REJECTIONS` of them is screened with a wider cutoff
        (up to :data:`MAX_WIDENING` times), or else leaves screening; if the rest
        together still reject more than ``1 - MIN_KEPT`` of them, none of
        this wave's emulators screens. Returns a message for the log when
        that fallback was taken, else None.
        """
        if not len(u_ok):
            return None
        if not self.checks:
            self.checks = [TargetCheck() for _ in self.models]
        imp = self.implausibility(u_ok, obs)
        for j, c in enumerate(self.checks):
            c.own_passing = len(u_ok)
            c.own_rejected = int((imp[:, j] >= cutoff).sum())
            if c.screens and c.own_rejected > MAX_FALSE_REJECTIONS * len(u_ok):
                wider = c.widening * _widening(np.empty(0), imp[:, j], cutoff)
                own = f"rejects {c.own_rejected} of the wave's {len(u_ok)} passing points"
                c.screens = wider <= MAX_WIDENING
                c.widening = wider if c.screens else c.widening
                c.why = "; ".join(
                    [x for x in (c.why, own) if x]
                    + [f"cutoff x {wider:.2f}" if c.screens else f"would need x {wider:.1f}"]
                )
        kept = float((summarise(self.implausibility(u_ok, obs), second) < cutoff).mean())
        if kept >= MIN_KEPT:
            return None
        for c in self.checks:
            if c.screens:
                c.screens, c.why = False, "fallback: the emulators together reject too many"
        return (
            f"the emulators together keep only {kept:.0%} of the {len(u_ok)} points that "
            "passed on their runs; this wave's emulators are not used for screening "
            "(the next wave samples the region the earlier waves left)"
        )


def _widening(z: np.ndarray, passing_imp: np.ndarray, cutoff: float) -> float:
    """How much wider a target's cutoff must be for its emulator to pass the hold-out.

    Two conditions (Vernon et al. 2010 screen with a larger cutoff where an
    emulator is less trusted): at most :data:`MAX_OUTLIERS` of the held-out
    standardised errors beyond 3, and at most :data:`MAX_FALSE_REJECTIONS` of
    the held-out points passing on their runs ruled out.
    """
    need = 1.0
    if len(z):
        need = max(need, float(np.quantile(np.abs(z), 1.0 - MAX_OUTLIERS)) / 3.0)
    if len(passing_imp):
        allowed = int(MAX_FALSE_REJECTIONS * len(passing_imp))
        worst = np.sort(passing_imp)[::-1][allowed]  # the largest once `allowed` are let go
        need = max(need, float(worst) / cutoff * 1.0001)
    return need


def _one(obs: Observations, j: int) -> Observations:
    """Target ``j``'s observation alone."""
    return Observations(
        obs.value[j : j + 1], obs.var_obs[j : j + 1], obs.var_disc[j : j + 1], obs.one_run
    )


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
    keep: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """``n`` unit-cube points in the non-implausible region, and its volume share.

    Uniform Sobol candidates over the box estimate the volume; when too few
    pass, more are drawn around those that did (Gaussian steps, screened
    again). The wave's points are a uniform random pick from those that pass.
    ``keep``: the last wave's points non-implausible by their own runs; those the
    screen passes also seed the search, so a small region the runs found is
    not lost because no uniform candidate fell in it.
    """
    sob = qmc.Sobol(d, seed=rng)
    cand = sob.random(CANDIDATES)
    ok = screen(cand, emus, obs, cutoff, second)
    volume = float(ok.mean())
    pool = cand[ok]
    seeds = np.empty((0, d)) if keep is None or not len(keep) else keep
    seeds = seeds[screen(seeds, emus, obs, cutoff, second)] if len(seeds) else seeds
    for _ in range(8):
        src = np.vstack([pool, seeds])
        if len(pool) >= 4 * n or not len(src):
            break
        sd = np.maximum(src.std(axis=0), 0.02) * 0.5 if len(src) > 1 else np.full(d, 0.05)
        base = src[rng.integers(len(src), size=CANDIDATES // 4)]
        more = np.clip(base + rng.normal(0.0, sd, base.shape), 0.0, 1.0)
        pool = np.vstack([pool, more[screen(more, emus, obs, cutoff, second)]])
    if not len(pool):
        return np.empty((0, d)), volume
    if len(pool) <= n:
        return pool, volume
    # a uniform draw from the region (what the accepted sets' spread should reflect);
    # a maximin pick would push the design to the region's edges
    return pool[np.sort(rng.choice(len(pool), size=n, replace=False))], volume
