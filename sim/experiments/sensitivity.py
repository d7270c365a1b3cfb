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

import argparse
import json
import math
import os
import shlex
import sys
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
    BadInputError,
    check_out_dir,
    folder_lock,
    read_manifest,
    refuse_other_run,
    write_failure,
)
from sim.experiments.sweep import (
    MANIFEST_FILE,
    SweepInterrupted,
    SweepResult,
    output_dir,
    report_interrupted,
    run_sweep,
)
from sim.scenario import ScenarioError, ScenarioSpec, load_scenario

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


@dataclass(frozen=True)
class Param:
    """One parameter of the design: a dotted scenario key and its range.

    Attributes:
        key: dotted key path, as for ``--set`` (e.g. ``factions.RED.fighters``).
        low: lower end of the range.
        high: upper end of the range.
        integer: the scenario field holds whole numbers (values are rounded).
    """

    key: str
    low: float
    high: float
    integer: bool = False

    def value(self, x: float) -> float | int:
        """The scenario value for a design coordinate ``x`` in ``[low, high]``."""
        return int(round(x)) if self.integer else float(x)


def parse_param(text: str) -> tuple[str, float, float]:
    """``KEY=LOW:HIGH`` to ``(key, low, high)``.

    Raises:
        ValueError: a one-line message saying what was expected.
    """
    key, sep, rng = text.partition("=")
    low_t, sep2, high_t = rng.partition(":")
    if not sep or not sep2 or not key.strip():
        raise ValueError(f"--param: expected KEY=LOW:HIGH, found {text!r}")
    try:
        low, high = float(low_t), float(high_t)
    except ValueError:
        raise ValueError(
            f"--param {key.strip()}: expected numbers LOW:HIGH, found {rng!r}"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise ValueError(f"--param {key.strip()}: expected LOW < HIGH, found {low:g}:{high:g}")
    return key.strip(), low, high


def _lookup(spec: ScenarioSpec, key: str) -> Any:
    """The current value at a dotted key of a loaded scenario (KeyError if absent)."""
    cur: Any = spec.model_dump()
    for part in key.split("."):
        if isinstance(cur, list):
            cur = cur[int(part)]
        elif isinstance(cur, dict):
            cur = cur[part]
        else:
            raise KeyError(key)
    return cur


def resolve_params(
    base: ScenarioSpec, items: Sequence[str | tuple[str, float, float] | Param]
) -> list[Param]:
    """Check each parameter against the scenario and its schema.

    The key must exist and hold a number; both ends of the range must give a
    valid scenario (so a range outside a field's bounds fails before any run).

    Raises:
        ScenarioError: a key that does not exist or does not hold a number, or
            a range end the schema rejects (one line naming the file and key).
        ValueError: a malformed ``KEY=LOW:HIGH`` or a key given twice.
    """
    params: list[Param] = []
    for item in items:
        if isinstance(item, Param):
            key, low, high = item.key, item.low, item.high
        elif isinstance(item, str):
            key, low, high = parse_param(item)
        else:
            key, low, high = item
        if any(p.key == key for p in params):
            raise ValueError(f"--param {key}: given twice")
        try:
            current = _lookup(base, key)
        except (KeyError, IndexError, ValueError):
            raise ScenarioError(
                [f"{base.source}: {key}: expected an existing numeric key, found nothing there"]
            ) from None
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise ScenarioError(
                [f"{base.source}: {key}: expected a number to vary, found {current!r}"]
            )
        p = Param(key, float(low), float(high), isinstance(current, int))
        if p.integer and math.floor(p.high) < math.ceil(p.low):
            raise ValueError(f"--param {key}: expected a range holding a whole number")
        for end in (p.low, p.high):
            load_scenario(base, {key: p.value(end)})
        params.append(p)
    if not params:
        raise ValueError("--param: expected at least one KEY=LOW:HIGH")
    return params


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
        executor: see :func:`sim.experiments.sweep.open_backend`.
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
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _f(x: float, digits: int = 2) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.{digits}f}"


def write_report(res: SensitivityResult, base: ScenarioSpec) -> Path:
    """``sensitivity.md``: the design, a ranking per output and the caveats."""
    lines = [
        f"# Sensitivity analysis: {res.scenario}",
        "",
        f"{base.description}",
        "",
        "Parameters varied (uniform over the range): "
        + ", ".join(f"`{p.key}` {p.low:g}–{p.high:g}" for p in res.params)
        + f". {res.samples} base samples x ({len(res.params)} + 2) = {len(res.design)} design "
        f"points, {res.reps} replicates each (the same seeds at every point), "
        f"{res.runs} runs; root seed {res.seed}.",
        "",
        "S1: share of the output's variance the parameter explains alone; ST: alone and "
        "through interactions (Sobol' indices, `scipy.stats.sobol_indices`, with 95 % "
        "bootstrap intervals). Spearman: rank correlation of the parameter with the output "
        "(its sign is the direction of the effect). noise: Monte Carlo share of the "
        f"output's variance; above {NOISY:g} the indices are unreliable (raise `--reps`).",
        "",
        "`P(outcome)` is the share of a design point's replicates that ended in that "
        "outcome; what each outcome means (the model's rules for ending a war):",
        "",
    ]
    from sim.analysis.outcomes import outcome_definitions

    lines += [f"- `{k}`: {v}." for k, v in outcome_definitions(base).items()]
    lines.append("")
    if res.figures:
        lines += [f"![Sobol indices]({FIGURE_FILE})", ""]
    for output, sub in res.indices.groupby("output", sort=False):
        sub = sub.sort_values("ST", ascending=False, na_position="last")
        noise = sub["noise_share"].iloc[0]
        flag = " — noisy, read with care" if np.isfinite(noise) and noise > NOISY else ""
        if not np.isfinite(sub["output_sd"].iloc[0]) or sub["output_sd"].iloc[0] == 0:
            lines += [f"## {output}", "", "Constant over the design: no parameter moves it.", ""]
            continue
        lines += [
            f"## {output}",
            "",
            f"Mean {_f(sub['output_mean'].iloc[0], 3)}, sd {_f(sub['output_sd'].iloc[0], 3)} "
            f"across the design; noise share {_f(noise)}{flag}.",
            "",
            "| parameter | range | ST [95 % CI] | S1 [95 % CI] | Spearman |",
            "|---|---|---|---|---|",
        ]
        for r in sub.itertuples(index=False):
            lines.append(
                f"| `{r.parameter}` | {r.low:g}–{r.high:g} | {_f(r.ST)} [{_f(r.ST_low)}, "
                f"{_f(r.ST_high)}] | {_f(r.S1)} [{_f(r.S1_low)}, {_f(r.S1_high)}] | "
                f"{_f(r.spearman)} |"
            )
        lines.append("")
    lines += [
        "## Files",
        "",
        f"- `{INDICES_FILE}`: the indices above; `{DESIGN_FILE}`: every design point with "
        "its outputs",
        f"- `{RUNS_DIR}/`: every run (a sweep folder); `{MANIFEST_FILE}`: the design and versions",
    ]
    path = res.out / REPORT_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def format_indices(indices: pd.DataFrame) -> str:
    """The indices as aligned text, grouped by output (what the command prints)."""
    head = ("output", "parameter", "ST", "95% CI", "S1", "Spearman")
    rows = []
    for _, sub in indices.groupby("output", sort=False):
        sub = sub.sort_values("ST", ascending=False, na_position="last")
        for r in sub.itertuples(index=False):
            rows.append(
                (
                    r.output,
                    r.parameter,
                    _f(r.ST),
                    f"[{_f(r.ST_low)}, {_f(r.ST_high)}]",
                    _f(r.S1),
                    _f(r.spearman),
                )
            )
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*x) for x in [head, *rows])


def resume_command(args: argparse.Namespace) -> str:
    """The exact command that resumes the analysis described by ``args`` (works as printed)."""
    from sim.experiments.sweep import program_words

    cmd = [*program_words(), "sensitivity", str(args.scenario)]
    for item in args.param:
        cmd += ["--param", item]
    cmd += ["--samples", str(args.samples), "--reps", str(getattr(args, "reps", 8))]
    cmd += ["--seed", str(args.seed), "--out", str(args.out)]
    if args.workers is not None:
        cmd += ["--workers", str(args.workers)]
    if args.weeks is not None:
        cmd += ["--weeks", str(args.weeks)]
    for item in getattr(args, "set", None) or []:
        cmd += ["--set", item]
    if getattr(args, "executor", "auto") != "auto":
        cmd += ["--executor", args.executor]
    return shlex.join([*cmd, "--resume"])


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``sensitivity SCENARIO --param KEY=LOW:HIGH ... --samples N --out DIR``.

    Exit status 0; 2 on bad input (a malformed or unknown parameter, a bad
    scenario); 1 when replications failed; 130 on Ctrl-C.
    """
    from sim.experiments.arguments import UsageError, parse_sets
    from sim.experiments.compare import _ensemble_arg
    from sim.experiments.store import StoreError

    check_out_dir(args.out)  # before the runs: a bad --out is a bad argument, found at once
    try:
        res = sensitivity(
            args.scenario,
            args.param,
            samples=args.samples,
            reps=getattr(args, "reps", 8),
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            weeks=args.weeks,
            progress=not getattr(args, "no_progress", False),
            overrides=parse_sets(getattr(args, "set", None)),
            executor=getattr(args, "executor", "auto"),
            resume=getattr(args, "resume", False),
            ensemble=_ensemble_arg(args),
            force=getattr(args, "force", False),
        )
    except SweepInterrupted as exc:
        return report_interrupted(exc, f"to finish the analysis run:\n  {resume_command(args)}")
    except (StoreError, ValueError, BadInputError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # a full disk: the runs so far are whole on disk
        print(write_failure(exc, Path(args.out), resume_command(args)), file=sys.stderr)
        return 1
    print(format_indices(res.indices))
    from sim.analysis.outcomes import definitions_footer

    spec = load_scenario(args.scenario, parse_sets(getattr(args, "set", None)) or None)
    print()
    print(definitions_footer({spec.name: spec}))
    noisy = res.indices.groupby("output")["noise_share"].first()
    noisy = noisy[noisy > NOISY]
    if len(noisy):
        print(
            f"\nnoisy outputs (Monte Carlo share > {NOISY:g}; raise --reps): "
            + ", ".join(noisy.index)
        )
    if res.samples != args.samples:
        print(f"\n--samples {args.samples} rounded up to {res.samples} (a power of 2)")
    print(
        f"\n{res.runs} runs ({len(res.design)} design points x {res.reps} reps) "
        f"in {res.elapsed:.1f} s"
    )
    names = [INDICES_FILE, DESIGN_FILE, MANIFEST_FILE, f"{RUNS_DIR}/"]
    if res.figures:
        names += [FIGURE_FILE, REPORT_FILE]
    print(f"wrote {', '.join(names)} in {res.out}")
    if res.sweep.failures:
        print(f"{res.sweep.failures} replications failed; see {res.out / RUNS_DIR}/runs.csv")
        return 1
    return 0
