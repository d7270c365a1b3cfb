"""Global sensitivity analysis: which parameters move the outcome probabilities and the front.

``python run.py sensitivity SCENARIO --param KEY=LOW:HIGH ... --samples N``

Design (Saltelli 2010, as in ``scipy.stats.sobol_indices``): a scrambled
Sobol' sequence from ``scipy.stats.qmc`` with ``2 d`` columns gives two
independent ``N x d`` matrices A and B over the parameter box; the matrices
``AB_i`` are A with column ``i`` taken from B. The model is evaluated at the
``N (d + 2)`` points, each point being the scenario with those ``--set``
overrides. ``scipy.stats.sobol_indices`` turns the evaluations into first-order
(``S1``: the share of output variance a parameter explains alone) and total
(``ST``: alone and through interactions) indices.

Noisy outputs. A replication is random, so each design point is run ``reps``
times and the output is the mean (an outcome probability, a mean distance).
Every point uses the *same* replicate seeds (the sweep engine's common random
numbers), which makes the estimated response a smooth function of the
parameters: a parameter that changes nothing gives exactly the same output at
every point, hence indices of exactly zero, instead of indices made of noise.
What noise is left is reported per output as ``noise_share``, the Monte Carlo
variance of a point's mean (``var / reps``, averaged over points) over the
output's variance across points; above about 0.2 the indices are unreliable
and ``--reps`` should go up. As a noise-robust complement that also gives the
*direction* of an effect, each parameter's Spearman rank correlation with the
output over the A and B points is reported (``scipy.stats.spearmanr``).

Intervals on the indices: percentile bootstrap over the ``N`` base samples
(``scipy.stats.bootstrap``, seeded, so reruns give the same numbers).

Files in ``--out``: ``runs/`` (the sweep of every design point, resumable),
``design.csv`` (every point: its matrix, parameter values and outputs),
``sensitivity.csv`` (one row per output and parameter), ``sensitivity.png``
(bar chart of the indices, largest first), ``sensitivity.md`` and
``manifest.json``.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from sim.analysis import summaries as analysis
from sim.experiments.faults import (
    folder_lock,
    read_manifest,
    refuse_other_run,
)
from sim.experiments.manifest import MANIFEST_FILE, write_json_atomic
from sim.experiments.parameters import (
    Param,
    parse_param,  # noqa: F401 - its old home
    resolve_params,
)
from sim.experiments.sweep import SweepResult, output_dir, run_sweep
from sim.scenario import ScenarioSpec, load_scenario

RUNS_DIR = "runs"
DESIGN_FILE = "design.csv"
INDICES_FILE = "sensitivity.csv"
FIGURE_FILE = "sensitivity.png"
REPORT_FILE = "sensitivity.md"
INDEX_COLUMNS = [
    "output",
    "parameter",
    "low",
    "high",
    "S1",
    "S1_low",
    "S1_high",
    "ST",
    "ST_low",
    "ST_high",
    "spearman",
    "spearman_p",
    "output_mean",
    "output_sd",
    "noise_share",
]
#: noise share above which an output's indices are flagged as unreliable
NOISY = 0.2


def design(params: Sequence[Param], samples: int, seed: int) -> tuple[np.ndarray, list[str]]:
    """The ``N (d + 2)`` design points: A, B, then each ``AB_i`` (parameter units).

    Returns:
        ``(points, blocks)``: points is ``N (d + 2) x d``; blocks names the
        matrix of each point (``"A"``, ``"B"``, ``"AB:<key>"``).
    """
    d = len(params)
    sob = qmc.Sobol(d=2 * d, scramble=True, rng=np.random.default_rng(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # balance warning when N is not 2^m
        u = sob.random(samples)
    lows = [p.low for p in params] * 2
    highs = [p.high for p in params] * 2
    x = qmc.scale(u, lows, highs)
    a, b = x[:, :d], x[:, d:]
    blocks = ["A"] * samples + ["B"] * samples
    parts = [a, b]
    for i, p in enumerate(params):
        ab = a.copy()
        ab[:, i] = b[:, i]
        parts.append(ab)
        blocks += [f"AB:{p.key}"] * samples
    points = np.vstack(parts)
    for i, p in enumerate(params):
        if p.integer:
            points[:, i] = np.round(points[:, i])
    return points, blocks


def _outputs(runs: pd.DataFrame, names: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Per design point: outcome probabilities, mean front, mean duration, and their variances.

    Columns ``<output>`` (the mean over the point's replicates) and
    ``<output>:var`` (the variance over them), indexed by scenario name.
    """
    good = analysis.ok_runs(runs).copy()
    cols: dict[str, pd.Series] = {}
    for label in labels:
        good[f"P({label})"] = (good["outcome"] == label).astype(float)
    good["front_km"] = good["front_km"].astype(float)
    good["end_week"] = good["end_week"].astype(float)
    keys = [f"P({label})" for label in labels] + ["front_km", "end_week"]
    grouped = good.groupby("scenario")
    for k in keys:
        cols[k] = grouped[k].mean()
        cols[f"{k}:var"] = grouped[k].var(ddof=1)
    cols["runs"] = grouped.size()
    return pd.DataFrame(cols).reindex(list(names))


OUTPUT_NAMES = {
    "front_km": "front distance at the end (km, mean)",
    "end_week": "war duration (weeks, mean)",
}


def _indices(
    f: np.ndarray, samples: int, d: int, confidence: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sobol indices and their percentile-bootstrap intervals for one output.

    Args:
        f: the output at every design point (A, B, then the AB blocks).
        samples: N.
        d: number of parameters.
        confidence: interval level.
        seed: bootstrap seed.

    Returns:
        ``(S1, ST, low, high)``; ``low``/``high`` are ``2 x d`` (S1 row, ST row).
    """
    f_a, f_b = f[:samples], f[samples : 2 * samples]
    f_ab = f[2 * samples :].reshape(d, samples)

    # scipy's sobol_indices fails for one parameter (its index array collapses to a
    # scalar); a dummy parameter that changes nothing (its AB block is A itself) has
    # indices 0 and leaves the real one's estimators as they are (each index reads
    # only f_A, f_B and its own AB block), so one parameter is run as two
    blocks = f_ab if d > 1 else np.vstack([f_ab, f_a[None, :]])

    def indices(idx: np.ndarray) -> np.ndarray:
        res = stats.sobol_indices(
            func={"f_A": f_a[None, idx], "f_B": f_b[None, idx], "f_AB": blocks[:, None, idx]},
            n=idx.size,
        )
        first, total = np.ravel(res.first_order)[:d], np.ravel(res.total_order)[:d]
        return np.concatenate([first, total])

    full = indices(np.arange(samples))
    if np.var(np.concatenate([f_a, f_b])) == 0:
        nan = np.full((2, d), np.nan)
        return np.full(d, np.nan), np.full(d, np.nan), nan, nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = stats.bootstrap(
            (np.arange(samples),),
            indices,
            method="percentile",
            n_resamples=499,
            confidence_level=confidence,
            vectorized=False,
            rng=np.random.default_rng(seed),
        )
    low = np.asarray(boot.confidence_interval.low).reshape(2, d)
    high = np.asarray(boot.confidence_interval.high).reshape(2, d)
    return full[:d], full[d:], low, high


@dataclass
class SensitivityResult:
    """What a finished sensitivity analysis produced.

    Attributes:
        out: the output folder (temporary when ``sensitivity(out=None)``).
        scenario: the scenario's name.
        params: the parameters and their ranges.
        samples: N, the number of base samples (a power of 2).
        reps: replicates per design point.
        seed: root seed (design scrambling, replicate seeds, bootstrap).
        indices: ``sensitivity.csv``.
        design: ``design.csv``: every point's matrix, parameter values and outputs.
        sweep: the sweep of all design points.
        elapsed: wall time (s).
        figures: figure key -> path.
    """

    out: Path
    scenario: str
    params: list[Param]
    samples: int
    reps: int
    seed: int
    indices: pd.DataFrame
    design: pd.DataFrame
    sweep: SweepResult
    elapsed: float = 0.0
    figures: dict[str, Path] = field(default_factory=dict)
    _tmp: Any = field(default=None, repr=False)

    @property
    def runs(self) -> int:
        """Model runs in the analysis."""
        return len(self.design) * self.reps

    def ranking(self, output: str) -> list[str]:
        """Parameters by total index for one output, most influential first."""
        sub = self.indices[self.indices["output"] == output]
        return list(sub.sort_values("ST", ascending=False, na_position="last")["parameter"])


def sensitivity(
    scenario: str | Path | ScenarioSpec,
    params: Sequence[str | tuple[str, float, float] | Param],
    samples: int = 64,
    reps: int = 8,
    seed: int = 0,
    out: str | Path | None = None,
    workers: int | None = None,
    weeks: int | None = None,
    progress: bool = True,
    *,
    overrides: Mapping[str, Any] | None = None,
    confidence: float = 0.95,
    executor: str = "auto",
    resume: bool = False,
    report: bool = True,
    ensemble: Sequence[Mapping[str, Any]] | None = None,
    force: bool = False,
) -> SensitivityResult:
    """Sobol sensitivity of outcome probabilities, front distance and war duration.

    Args:
        scenario: the scenario (file or loaded spec).
        params: ``"KEY=LOW:HIGH"`` strings, ``(key, low, high)`` tuples or :class:`Param`.
        samples: N base samples; rounded up to a power of 2 (Sobol' balance).
        reps: replicates per design point (the same seeds at every point).
        seed: root seed.
        out: output folder; None for a temporary one (no figure or report).
        workers: worker processes (default: the CPU count).
        weeks: horizon overriding the scenario's.
        progress: show the sweep's progress bar.
        overrides: fixed ``{"dotted.key": value}`` applied before the design.
        confidence: level of the bootstrap intervals.
        executor: see :func:`sim.experiments.executors.open_backend`.
        resume: keep design points already run in ``out/runs``.
        report: write ``sensitivity.png`` and ``sensitivity.md`` (when ``out`` is given).
        ensemble: calibrated parameter sets; replicate ``i`` runs set ``i mod M``
            (the same set in every arm or design point, so pairing holds).
        force: start afresh even when ``out`` holds a different run.

    Raises:
        ScenarioError: the scenario, an override or a parameter is invalid.
        ValueError: a malformed parameter.
        RuntimeError: every replication of some design point failed.
    """
    started = time.perf_counter()
    base = load_scenario(scenario, dict(overrides or {}))
    plist = resolve_params(base, params)
    n = 1 << max(1, math.ceil(math.log2(max(2, int(samples)))))
    d = len(plist)
    points, blocks = design(plist, n, seed)
    names = [f"{base.name}@{j:05d}" for j in range(len(points))]
    specs = [
        load_scenario(
            base, {"name": name, **{p.key: p.value(x) for p, x in zip(plist, row, strict=True)}}
        )
        for name, row in zip(names, points, strict=True)
    ]

    out_dir, tmp, report = output_dir(out, "proxywar-sensitivity-", report)
    with folder_lock(out_dir, "sensitivity"):
        if not (resume or force):  # the design points' sweep checks the rest
            old = read_manifest(out_dir / MANIFEST_FILE)
            if old is not None:
                refuse_other_run(out_dir, old, {"command": "sensitivity"})
        sweep = run_sweep(
            specs,
            reps=reps,
            seed=seed,
            out=out_dir / RUNS_DIR,
            workers=workers,
            executor=executor,
            resume=resume,
            force=force,
            weeks=weeks,
            progress=(
                f"sensitivity: {len(specs)} design points x {reps} reps" if progress else False
            ),
            report=False,
            ensemble=ensemble,
        )
        runs = sweep.runs
        labels = analysis.outcome_order(analysis.ok_runs(runs)["outcome"].dropna().unique())
        outs = _outputs(runs, names, labels)
        empty = outs["runs"].isna() | (outs["runs"].fillna(0) == 0)
        if empty.any():
            first = outs.index[empty.to_numpy()][0]
            where = out_dir / RUNS_DIR / "runs.csv"
            raise RuntimeError(f"every replication of design point {first} failed; see {where}")
        keys = [f"P({label})" for label in labels] + list(OUTPUT_NAMES)

        table = pd.DataFrame({"point": names, "block": blocks})
        for i, p in enumerate(plist):
            table[p.key] = points[:, i]
        for k in keys:
            table[k] = outs[k].to_numpy()
        table["runs"] = outs["runs"].to_numpy().astype(int)

        rows = []
        ab = slice(0, 2 * n)
        for j, k in enumerate(keys):
            f = outs[k].to_numpy(dtype=float)
            s1, st, low, high = _indices(f, n, d, confidence, seed * 7919 + j)
            spread = float(np.var(f[ab], ddof=1))
            mc = float(np.nanmean(outs[f"{k}:var"].to_numpy(dtype=float)[ab]) / reps)
            noise = mc / spread if spread > 0 else math.nan
            for i, p in enumerate(plist):
                x = points[ab, i]
                if spread > 0 and np.ptp(x) > 0:
                    rho, pval = stats.spearmanr(x, f[ab])
                else:
                    rho, pval = math.nan, math.nan
                rows.append(
                    {
                        "output": OUTPUT_NAMES.get(k, k),
                        "parameter": p.key,
                        "low": p.low,
                        "high": p.high,
                        "S1": s1[i],
                        "S1_low": low[0, i],
                        "S1_high": high[0, i],
                        "ST": st[i],
                        "ST_low": low[1, i],
                        "ST_high": high[1, i],
                        "spearman": float(rho),
                        "spearman_p": float(pval),
                        "output_mean": float(np.mean(f[ab])),
                        "output_sd": math.sqrt(spread),
                        "noise_share": noise,
                    }
                )
        indices = pd.DataFrame(rows, columns=INDEX_COLUMNS)
        result = SensitivityResult(
            out=out_dir,
            scenario=base.name,
            params=plist,
            samples=n,
            reps=reps,
            seed=int(seed),
            indices=indices,
            design=table,
            sweep=sweep,
            _tmp=tmp,
        )
        table.to_csv(out_dir / DESIGN_FILE, index=False, float_format="%.6g")
        indices.to_csv(out_dir / INDICES_FILE, index=False, float_format="%.6g")
        _write_manifest(result, base, samples, confidence)
        if report:
            from sim.viz import plots

            path = out_dir / FIGURE_FILE
            plots.plot_sensitivity(
                indices, path, scenario=base.name, overrides=overrides, spec=base, weeks=weeks
            )
            result.figures = {"indices": path}
            from sim.experiments.sensitivity_report import write_report

            write_report(result, base)
        result.elapsed = time.perf_counter() - started
        return result


def _write_manifest(
    res: SensitivityResult, base: ScenarioSpec, asked: int, confidence: float
) -> Path:
    runs_manifest = json.loads((res.out / RUNS_DIR / MANIFEST_FILE).read_text("utf-8"))
    manifest = {
        "command": "sensitivity",
        "scenario": {
            "name": base.name,
            "source": base.source,
            "files": list(base.files),
            "sha256": base.sha256,
        },
        "params": [
            {"key": p.key, "low": p.low, "high": p.high, "integer": p.integer} for p in res.params
        ],
        "samples": res.samples,
        "samples_asked": int(asked),
        "points": len(res.design),
        "reps_per_point": res.reps,
        "seed": res.seed,
        "design": "Saltelli 2010: scrambled Sobol' (scipy.stats.qmc.Sobol, 2d columns, seeded) "
        "split into A and B; AB_i = A with column i from B",
        "indices": "scipy.stats.sobol_indices (saltelli_2010) on the per-point means; "
        f"percentile bootstrap ({confidence:g}, 499 resamples, seeded) over the base samples",
        "pairing": "every design point uses the same replicate seeds (common random numbers)",
        "files": {
            "runs": f"{RUNS_DIR}/",
            "design": DESIGN_FILE,
            "indices": INDICES_FILE,
            "figure": FIGURE_FILE,
            "report": REPORT_FILE,
        },
        "failures": int(res.sweep.failures),
    }
    for key in ("overrides", "weeks", "seeding", "packages", "code"):
        manifest[key] = runs_manifest.get(key)
    path = res.out / MANIFEST_FILE
    write_json_atomic(path, manifest)
    return path
