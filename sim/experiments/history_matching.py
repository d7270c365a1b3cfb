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
the cutoff, 3 by Pukelsheim's three-sigma rule). Before they screen, a wave's
emulators are validated on held-out points and held to the wave's own
non-implausible points (:meth:`Emulator.check_runs`): a target they
mispredict is screened with a wider cutoff or judged on its runs only, so a
region the runs kept is not ruled out (``emulators.csv``). The accepted ensemble is the
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.experiments.calibrate_defaults import CUTOFF, DEFAULT_KEYS, POINT_REPS
from sim.experiments.design import replicate_seed
from sim.experiments.emulator import (
    CANDIDATES,
    Emulator,
    Observations,
    TargetCheck,
    implausibility,
    next_design,
    screen,
    summarise,
)
from sim.experiments.executors import mp_context
from sim.experiments.manifest import package_versions, write_json_atomic
from sim.experiments.parameters import Param, resolve_params
from sim.experiments.targets import Targets, horizon_for, load_targets, measure
from sim.model import ProxyWarModel
from sim.scenario import (
    PLAUSIBLE_RANGES,
    ScenarioSpec,
    load_scenario,
    plausible_ranges,
)

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
        cf.ProcessPoolExecutor(workers, mp_context=mp_context())
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
    emulators: pd.DataFrame = field(default_factory=pd.DataFrame)  # emulators.csv


_CHECK_COLUMNS = ["wave", "target", *(f.name for f in fields(TargetCheck))]


def _emulator_line(k: int, ids: list[str], emu: Emulator, fallback: str | None) -> str:
    """One log line: which targets this wave's emulators screen, and why not the others."""
    out = [t for t, s in zip(ids, emu.screens, strict=True) if not s]
    line = f"wave {k} emulators: {len(ids) - len(out)} of {len(ids)} targets screen"
    if fallback:
        return f"{line}; {fallback}"
    wider = [
        f"{t} x {c.widening:.2f}"
        for t, c in zip(ids, emu.checks, strict=True)
        if c.screens and c.widening > 1.0
    ]
    if wider:
        line += "; wider cutoff (it missed points passing on runs): " + ", ".join(wider)
    if out:
        why = "; ".join(
            f"{t} ({c.why})" for t, c in zip(ids, emu.checks, strict=True) if not c.screens
        )
        line += f"; judged on runs only: {why}"
    return line


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

        for key, v in design.items():
            if same(old.get(key)) != same(v):
                raise ValueError(
                    f"{mpath}: {key}: the calibration there used {old.get(key)!r}; resume with "
                    "the same arguments or use another --out"
                )
    elif not resume:
        for f in out_dir.glob("*_*.csv"):
            if f.name.startswith(("design_", "runs_")):
                f.unlink()
        (out_dir / "point_runs.csv").unlink(missing_ok=True)
    write_json_atomic(mpath, {**design, "status": "running", "packages": package_versions()})

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    lows = np.array([p.low for p in plist])
    highs = np.array([p.high for p in plist])
    emus: list[Emulator] = []
    rows: list[dict[str, Any]] = []
    last_u = last_sims = last_imp = None
    first_sims = None
    keep: np.ndarray | None = None  # the last wave's points non-implausible by their runs
    checks: list[dict[str, Any]] = []
    wave_times: list[float] = []
    for k in range(1, waves + 1):
        t0 = time.perf_counter()
        dpath = out_dir / f"design_{k}.csv"
        # computed even when resuming, so the random stream stays where a fresh run has it
        if k == 1:
            u, volume = qmc.LatinHypercube(d, seed=rng).random(samples), 1.0
        else:
            u, volume = next_design(emus, obs, d, samples, rng, cutoff, second_max, keep)
        if not len(u):
            _say(
                progress,
                f"wave {k}: no point of wave {k - 1} was non-implausible on its runs and the "
                "emulators leave no candidate either: the targets look out of reach within "
                "these ranges; stopping",
            )
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
            emu = Emulator.fit(u, sims, seed * 1000 + k, obs, cutoff)
            fallback = emu.check_runs(u[ok], obs, cutoff, second_max)
            emus.append(emu)
            keep = u[ok]
            checks += [
                {"wave": k, "target": t, **asdict(c)} for t, c in zip(ids, emu.checks, strict=True)
            ]
            rows[-1]["screening_targets"] = int(emu.screens.sum())
            _say(progress, _emulator_line(k, ids, emu, fallback))
            # the space left after this wave: uniform candidates that pass every emulator
            probe = qmc.Sobol(d, seed=np.random.default_rng([seed, k, 99])).random(CANDIDATES)
            rows[-1]["volume_after"] = float(screen(probe, emus, obs, cutoff, second_max).mean())
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
    assert first_sims is not None  # set with last_sims, by the first wave

    ok = summarise(last_imp, second_max) < cutoff
    acc_x = lows + last_u[ok] * (highs - lows)
    ensemble = pd.DataFrame({p.key: [p.value(v) for v in acc_x[:, i]] for i, p in enumerate(plist)})
    ensemble.to_csv(out_dir / "ensemble.csv", index=False, float_format="%.6g")
    waves_df = pd.DataFrame(rows)
    waves_df.to_csv(out_dir / "waves.csv", index=False, float_format="%.6g")
    checks_df = pd.DataFrame(checks, columns=_CHECK_COLUMNS)
    checks_df.to_csv(out_dir / "emulators.csv", index=False)

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
        elapsed=time.perf_counter() - started, emulators=checks_df,
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
            "emulators": "emulators.csv",
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
    write_json_atomic(mpath, m)
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


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, file=sys.stderr, flush=True)
