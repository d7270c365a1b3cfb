"""History matching in waves: which parameter values could have produced what was observed.

Why history matching (Craig et al. 1997; Vernon et al. 2010; Andrianakis et
al. 2015) rather than a best fit or ABC: the model is stochastic, the
observations are few and coarse, and the question is which parameter values
are *not ruled out*, not which single value is best. Each wave runs a
space-filling design (``scipy.stats.qmc``) with replicates, scores every
target by its implausibility::

    I = |observed - E[sim]| / sqrt(var_obs + var_discrepancy + var_sim / reps)

and fits a Gaussian-process emulator per target (scikit-learn) on the wave's
point means. The emulators screen many candidate points cheaply (their own
variance is added to the denominator), so the next wave samples only the
region that every earlier wave left non-implausible (max implausibility below
the cutoff, 3 by Pukelsheim's three-sigma rule). The accepted ensemble is the
set of the final wave's run points that are non-implausible by their own runs.

Files in the output folder (all of them rebuilt from ``design_K.csv`` and
``runs_K.csv``, so ``--resume`` finishes a killed calibration):
``ensemble.csv``, ``waves.csv``, ``targets.csv``, ``calibration.md``,
``manifest.json``, ``ensemble_pairs.png``, ``targets.png``.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import hashlib
import json
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.experiments.sensitivity import Param, resolve_params
from sim.experiments.sweep import _mp_context, _versions, replicate_seed
from sim.experiments.targets import Targets, horizon_for, load_targets, measure
from sim.model import ProxyWarModel
from sim.scenario import (
    PLAUSIBLE_RANGES,
    ScenarioError,
    ScenarioSpec,
    load_scenario,
    plausible_ranges,
)

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
CANDIDATES = 1 << 14  # uniform candidates per wave for screening and the volume estimate
POINT_REPS = 100  # replicates of the scenario's own values (the "before" column)


# -- runs -------------------------------------------------------------------------------


def _run_point(
    spec: ScenarioSpec,
    overrides: dict[str, Any],
    seeds: list[int],
    targets: Targets,
    weeks: int,
) -> np.ndarray:
    """Replicates of one parameter set: an array (reps, targets)."""
    s = load_scenario(spec, overrides) if overrides else spec
    out = np.empty((len(seeds), len(targets.items)))
    for r, seed in enumerate(seeds):
        m = ProxyWarModel(s, rng=seed, weeks=weeks, collect=False)
        out[r] = measure(m, targets, s, weeks)
    return out


def _overrides(params: Sequence[Param], x: np.ndarray) -> dict[str, Any]:
    return {p.key: p.value(v) for p, v in zip(params, x, strict=True)}


def run_design(
    spec: ScenarioSpec,
    params: Sequence[Param],
    points: np.ndarray,
    seeds: list[int],
    targets: Targets,
    weeks: int,
    workers: int,
    done: Mapping[int, np.ndarray],
    save: Callable[[int, np.ndarray], None],
    desc: str,
    progress: bool = True,
) -> dict[int, np.ndarray]:
    """Run every design point not in ``done`` (``save`` is called as each finishes)."""
    from tqdm import tqdm

    results = dict(done)
    todo = [i for i in range(len(points)) if i not in results]
    # the pool before the bar: tqdm's monitor thread would make the pool fork a threaded process
    pool = (
        cf.ProcessPoolExecutor(workers, mp_context=_mp_context())
        if workers > 1 and len(todo) > 1
        else None
    )
    bar = tqdm(total=len(points), initial=len(points) - len(todo), desc=desc, unit="pt",
               file=sys.stderr, disable=not progress, dynamic_ncols=True)  # fmt: skip
    try:
        if pool is None:
            for i in todo:
                results[i] = _run_point(spec, _overrides(params, points[i]), seeds, targets, weeks)
                save(i, results[i])
                bar.update()
        else:
            futs = {
                pool.submit(
                    _run_point, spec, _overrides(params, points[i]), seeds, targets, weeks
                ): i
                for i in todo
            }
            for fut in cf.as_completed(futs):
                i = futs[fut]
                results[i] = fut.result()
                save(i, results[i])
                bar.update()
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return results


# -- implausibility and emulators ---------------------------------------------------------


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


def _screen(u: np.ndarray, emus: list[Emulator], obs: Observations, cutoff: float, second: bool):
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
    ok = _screen(cand, emus, obs, cutoff, second)
    volume = float(ok.mean())
    pool = cand[ok]
    for _ in range(8):
        if len(pool) >= 4 * n or not len(pool):
            break
        sd = np.maximum(pool.std(axis=0), 0.02) * 0.5
        base = pool[rng.integers(len(pool), size=CANDIDATES // 4)]
        more = np.clip(base + rng.normal(0.0, sd, base.shape), 0.0, 1.0)
        pool = np.vstack([pool, more[_screen(more, emus, obs, cutoff, second)]])
    if not len(pool):
        return np.empty((0, d)), volume
    if len(pool) <= n:
        return pool, volume
    # a uniform draw from the region (what the accepted sets' spread should reflect);
    # a maximin pick would push the design to the region's edges
    return pool[np.sort(rng.choice(len(pool), size=n, replace=False))], volume


# -- the calibration ----------------------------------------------------------------------


@dataclass
class Calibration:
    """What a calibration produced (also written to its folder)."""

    out: Path
    params: list[Param]
    targets: Targets
    waves: pd.DataFrame
    ensemble: pd.DataFrame
    table: pd.DataFrame
    point_sims: np.ndarray
    ensemble_sims: np.ndarray
    elapsed: float = 0.0
    figures: dict[str, Path] = field(default_factory=dict)


def default_params(spec: ScenarioSpec) -> list[tuple[str, float, float]]:
    """The plausible ranges of :data:`DEFAULT_KEYS` for this scenario."""
    return plausible_ranges(spec, [k for k in DEFAULT_KEYS if k in PLAUSIBLE_RANGES])


def _rel(path: str | Path | None) -> str:
    """A path relative to the working directory when inside it (manifests travel)."""
    p = Path(path or "")
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_runs(path: Path, n_targets: int, reps: int) -> dict[int, np.ndarray]:
    """Finished points of a wave (a partial last line, from a kill, is ignored)."""
    done: dict[int, list[list[float]]] = {}
    if not path.exists():
        return {}
    with path.open() as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        if len(row) != 2 + n_targets:
            continue
        try:
            done.setdefault(int(row[0]), []).append([float(v) for v in row[2:]])
        except ValueError:
            continue
    return {i: np.array(v) for i, v in done.items() if len(v) == reps}


def _appender(path: Path, ids: list[str], seeds: list[int]) -> Callable[[int, np.ndarray], None]:
    if not path.exists():
        path.write_text(",".join(["point", "seed", *ids]) + "\n")

    def save(i: int, sims: np.ndarray) -> None:
        with path.open("a") as fh:
            for seed, row in zip(seeds, sims, strict=True):
                fh.write(",".join([str(i), str(seed), *(f"{v:.6g}" for v in row)]) + "\n")

    return save


def calibrate(
    scenario: str | Path | ScenarioSpec,
    targets: str | Path,
    params: Sequence[str | tuple[str, float, float] | Param] | None = None,
    waves: int = 3,
    samples: int = 100,
    reps: int = 10,
    seed: int = 0,
    workers: int | None = None,
    out: str | Path = "results/calibrate",
    resume: bool = False,
    cutoff: float = CUTOFF,
    second_max: bool = False,
    progress: bool = True,
    report: bool = True,
    point_reps: int = POINT_REPS,
) -> Calibration:
    """History-match ``scenario`` against ``targets`` in ``waves`` waves.

    Args:
        scenario: the scenario file (or a loaded spec).
        targets: a targets TOML file (:mod:`sim.experiments.targets`).
        params: ``KEY=LOW:HIGH`` strings or tuples; default :func:`default_params`.
        waves: waves of runs (each refocuses on what the last left).
        samples: design points per wave.
        reps: replicates per design point (the same seeds at every point).
        seed: root seed of designs and replicates.
        workers: processes (default: the CPU count).
        out: output folder.
        resume: keep the points already run in ``out`` (same arguments required).
        cutoff: implausibility above which a point is ruled out.
        second_max: judge points by their second-largest implausibility.
        progress: progress bars and a per-wave line with the time left.
        report: write the figures and ``calibration.md``.
        point_reps: replicates of the scenario's own values (the "before" column).

    Raises:
        ScenarioError: the scenario, targets file or a parameter is invalid.
        ValueError: a malformed parameter, or ``--resume`` into another calibration.
    """
    started = time.perf_counter()
    spec = load_scenario(scenario)
    tg = load_targets(targets, spec)
    plist = resolve_params(spec, list(params) if params else default_params(spec))
    weeks = horizon_for(tg, spec)
    obs = Observations.of(tg, spec)
    d, ids = len(plist), tg.ids
    workers = workers or os.cpu_count() or 1
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = [replicate_seed(seed, r) for r in range(reps)]
    design = {
        "command": "calibrate",
        "scenario": {"name": spec.name, "source": _rel(spec.source), "sha256": spec.sha256},
        "targets": {"file": _rel(tg.path), "sha256": _sha(tg.path), "ids": ids},
        "params": [{"key": p.key, "low": p.low, "high": p.high} for p in plist],
        "waves": waves,
        "samples": samples,
        "reps": reps,
        "seed": seed,
        "cutoff": cutoff,
        "second_max": second_max,
        "point_reps": point_reps,
    }
    mpath = out_dir / "manifest.json"
    if resume and mpath.exists():
        old = json.loads(mpath.read_text())

        def same(a: Any) -> Any:  # a file named another way is the same file: by content
            a = json.loads(json.dumps(a))
            return (
                {x: y for x, y in a.items() if x not in ("file", "source")}
                if isinstance(a, dict)
                else a
            )

        for k, v in design.items():
            if same(old.get(k)) != same(v):
                raise ValueError(
                    f"{mpath}: {k}: the calibration there used {old.get(k)!r}; resume with "
                    "the same arguments or use another --out"
                )
    elif not resume:
        for f in out_dir.glob("*_*.csv"):
            if f.name.startswith(("design_", "runs_")):
                f.unlink()
        (out_dir / "point_runs.csv").unlink(missing_ok=True)
    _write(mpath, {**design, "status": "running", "packages": _versions()})

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    lows = np.array([p.low for p in plist])
    highs = np.array([p.high for p in plist])
    emus: list[Emulator] = []
    rows: list[dict[str, Any]] = []
    last_u = last_sims = last_imp = None
    first_sims = None
    wave_times: list[float] = []
    for k in range(1, waves + 1):
        t0 = time.perf_counter()
        dpath = out_dir / f"design_{k}.csv"
        # computed even when resuming, so the random stream stays where a fresh run has it
        if k == 1:
            u, volume = qmc.LatinHypercube(d, seed=rng).random(samples), 1.0
        else:
            u, volume = next_design(emus, obs, d, samples, rng, cutoff, second_max)
        if not len(u):
            _say(progress, f"wave {k}: the emulators rule out the whole box; stopping")
            break
        if resume and dpath.exists():
            u = (pd.read_csv(dpath).to_numpy(dtype=float)[:, :d] - lows) / (highs - lows)
        else:
            pd.DataFrame(lows + u * (highs - lows), columns=[p.key for p in plist]).to_csv(
                dpath, index=False, float_format="%.10g"
            )
        x = lows + u * (highs - lows)
        rpath = out_dir / f"runs_{k}.csv"
        done = _read_runs(rpath, len(ids), reps) if resume else {}
        res = run_design(
            spec, plist, x, seeds, tg, weeks, workers, done,
            _appender(rpath, ids, seeds), f"wave {k}/{waves}", progress,
        )  # fmt: skip
        sims = np.stack([res[i] for i in range(len(x))])
        imp = implausibility(sims, obs)
        ok = summarise(imp, second_max) < cutoff
        if first_sims is None:
            first_sims = sims
        wave_times.append(time.perf_counter() - t0)
        rows.append(
            {
                "wave": k,
                "points": len(x),
                "runs": len(x) * reps,
                "non_implausible": int(ok.sum()),
                "share_non_implausible": round(float(ok.mean()), 4),
                "volume_before": volume,
                "seconds": round(wave_times[-1], 1),
            }
        )
        last_u, last_sims, last_imp = u, sims, imp
        if k < waves:
            emus.append(Emulator.fit(u, sims, seed * 1000 + k))
            # the space left after this wave: uniform candidates that pass every emulator
            probe = qmc.Sobol(d, seed=np.random.default_rng([seed, k, 99])).random(CANDIDATES)
            rows[-1]["volume_after"] = float(_screen(probe, emus, obs, cutoff, second_max).mean())
        else:
            rows[-1]["volume_after"] = float(ok.mean()) * (volume if volume == volume else 1.0)
        left = (waves - k) * float(np.mean(wave_times))
        _say(
            progress,
            f"wave {k}/{waves}: {len(x)} points x {reps} reps, {int(ok.sum())} non-implausible "
            f"({ok.mean():.0%}); space left {rows[-1]['volume_after']:.3g} of the box; "
            f"{wave_times[-1]:.0f} s, about {left:.0f} s left",
        )
    assert last_u is not None and last_sims is not None and last_imp is not None

    ok = summarise(last_imp, second_max) < cutoff
    acc_x = lows + last_u[ok] * (highs - lows)
    ensemble = pd.DataFrame({p.key: [p.value(v) for v in acc_x[:, i]] for i, p in enumerate(plist)})
    ensemble.to_csv(out_dir / "ensemble.csv", index=False, float_format="%.6g")
    waves_df = pd.DataFrame(rows)
    waves_df.to_csv(out_dir / "waves.csv", index=False, float_format="%.6g")

    # before: the scenario's own values, many replicates (kept in point_runs.csv)
    pseeds = [replicate_seed(seed + 1, r) for r in range(point_reps)]
    ppath = out_dir / "point_runs.csv"
    pdone = _read_runs(ppath, len(ids), point_reps) if resume else {}
    pres = run_design(
        spec, [], np.zeros((1, 0)), pseeds, tg, weeks, 1, pdone,
        _appender(ppath, ids, pseeds), "point estimate", progress,
    )  # fmt: skip
    point_sims = pres[0]
    ens_sims = last_sims[ok].reshape(-1, len(ids)) if ok.any() else np.empty((0, len(ids)))
    table = _target_table(tg, spec, obs, point_sims, first_sims, ens_sims, last_imp[ok])
    table.to_csv(out_dir / "targets.csv", index=False, float_format="%.6g")

    cal = Calibration(
        out_dir, plist, tg, waves_df, ensemble, table, point_sims, ens_sims,
        elapsed=time.perf_counter() - started,
    )  # fmt: skip
    m = json.loads(mpath.read_text())
    m.update(
        status="complete",
        accepted=len(ensemble),
        seconds=round(cal.elapsed, 1),
        files={
            "ensemble": "ensemble.csv",
            "waves": "waves.csv",
            "targets": "targets.csv",
            "runs": [f"runs_{k}.csv" for k in range(1, len(rows) + 1)],
            "designs": [f"design_{k}.csv" for k in range(1, len(rows) + 1)],
        },
    )
    if report:
        from sim.experiments.calibration_report import write_figures, write_report

        cal.figures = write_figures(cal)
        write_report(cal, spec)
        m["files"]["report"] = "calibration.md"
        m["files"]["figures"] = [p.name for p in cal.figures.values()]
    _write(mpath, m)
    return cal


def _interval(v: np.ndarray) -> tuple[float, float, float]:
    if not len(v):
        return math.nan, math.nan, math.nan
    return float(np.mean(v)), float(np.quantile(v, 0.05)), float(np.quantile(v, 0.95))


def _target_table(
    tg: Targets,
    spec: ScenarioSpec,
    obs: Observations,
    point: np.ndarray,
    wave1: np.ndarray,
    ens: np.ndarray,
    ens_imp: np.ndarray,
) -> pd.DataFrame:
    """Per target: observed, before (point values; wave-1 design), after (ensemble)."""
    rows = []
    pimp = implausibility(point[None], obs)[0]
    w1 = wave1.reshape(-1, wave1.shape[-1])
    for j, t in enumerate(tg.items):
        pm, plo, phi = _interval(point[:, j])
        wm, wlo, whi = _interval(w1[:, j])
        em, elo, ehi = _interval(ens[:, j]) if len(ens) else (math.nan,) * 3
        rows.append(
            {
                "target": t.id,
                "what": t.describe(),
                "observed": obs.value[j],
                "obs_sd": math.sqrt(obs.var_obs[j]),
                "discrepancy_sd": math.sqrt(obs.var_disc[j]),
                "point_mean": pm,
                "point_p05": plo,
                "point_p95": phi,
                "point_implausibility": float(pimp[j]),
                "point_met": bool(t.met_by(pm, spec)),
                "wave1_mean": wm,
                "wave1_p05": wlo,
                "wave1_p95": whi,
                "ensemble_mean": em,
                "ensemble_p05": elo,
                "ensemble_p95": ehi,
                "ensemble_implausibility_median": float(np.median(ens_imp[:, j]))
                if len(ens_imp)
                else math.nan,
                "ensemble_met": bool(t.met_by(em, spec)) if len(ens) else False,
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, file=sys.stderr, flush=True)


# -- ensembles ------------------------------------------------------------------------------


def read_ensemble(path: str | Path, spec: ScenarioSpec | None = None) -> list[dict[str, Any]]:
    """An ``ensemble.csv`` as a list of ``--set`` override dicts (one per member).

    Raises:
        ValueError: a missing, empty or malformed file (one line naming it).
    """
    p = Path(path)
    try:
        df = pd.read_csv(p)
    except FileNotFoundError:
        raise ValueError(f"{p}: file not found") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"{p}: expected a CSV of parameter sets, found {exc}") from None
    if df.empty or not len(df.columns):
        raise ValueError(f"{p}: expected at least one parameter set, found none")
    bad = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if bad:
        raise ValueError(f"{p}: {bad[0]}: expected numbers, found {df[bad[0]].iloc[0]!r}")
    if df.isna().any().any():
        raise ValueError(f"{p}: expected a value in every cell, found an empty one")
    members = []
    for _, row in df.iterrows():
        members.append(
            {
                k: (int(v) if pd.api.types.is_integer_dtype(df[k]) else float(v))
                for k, v in row.items()
            }
        )
    if spec is not None:
        load_scenario(spec, members[0])  # a key the scenario lacks fails here, named
    return members


# -- the command line ------------------------------------------------------------------------


def add_parser(sub: Any, positive_int: Any, seed_type: Any) -> None:
    """The ``calibrate`` subcommand's arguments (called by :func:`sim.cli.build_parser`)."""
    a = sub.add_parser("calibrate", help="history matching against observed targets")
    a.add_argument("scenario")
    a.add_argument("--targets", required=True, help="targets TOML (scenarios/targets/)")
    a.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=LOW:HIGH",
        help="a parameter and its range (default: "
        + ", ".join(DEFAULT_KEYS)
        + " over their plausible ranges)",
    )
    a.add_argument("--waves", type=positive_int, default=3)
    a.add_argument("--samples", type=positive_int, default=100, help="design points per wave")
    a.add_argument("--reps", type=positive_int, default=10, help="replicates per point")
    a.add_argument("--seed", type=seed_type, default=0)
    a.add_argument("--workers", type=positive_int, default=None)
    a.add_argument("--out", default="results/calibrate")
    a.add_argument("--cutoff", type=float, default=CUTOFF, help="implausibility cutoff (3)")
    a.add_argument("--second-max", action="store_true", help="judge by the 2nd-largest I")
    a.add_argument("--resume", action="store_true")
    a.add_argument("--no-progress", action="store_true")


def cmd_calibrate(args: Any) -> int:
    """``calibrate SCENARIO --targets FILE ...``: run the waves, print the tables."""
    from sim.experiments.calibration_report import targets_markdown, waves_markdown

    # bad input is a ScenarioError: one line, exit 2 (the layers keep sim.cli out of here)
    if args.reps < 2:
        raise ScenarioError(["--reps: expected at least 2 replicates (the run variance needs two)"])
    try:
        cal = calibrate(
            args.scenario,
            args.targets,
            args.param or None,
            waves=args.waves,
            samples=args.samples,
            reps=args.reps,
            seed=args.seed,
            workers=args.workers,
            out=args.out,
            resume=args.resume,
            cutoff=args.cutoff,
            second_max=args.second_max,
            progress=not args.no_progress,
        )
    except ValueError as exc:
        raise ScenarioError([str(exc)]) from None
    print(waves_markdown(cal))
    print()
    print(targets_markdown(cal))
    print(
        f"\n{len(cal.ensemble)} accepted parameter sets in {cal.elapsed:.0f} s; wrote "
        f"ensemble.csv, waves.csv, targets.csv, calibration.md, manifest.json and figures "
        f"in {cal.out}"
    )
    if cal.ensemble.empty:
        print("no parameter set is non-implausible: see targets.csv", file=sys.stderr)
        return 1
    return 0
