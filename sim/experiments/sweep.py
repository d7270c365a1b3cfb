"""Monte Carlo sweeps: many replications of one or more scenarios, on any executor.

The sweep follows the EMA Workbench split; this module is the orchestration:

* **experiment design** (:mod:`sim.experiments.design`) — which scenarios
  (loaded once, ``--set`` overrides applied and validated), how many
  replicates, and their seeds (:func:`sim.experiments.design.replicate_seeds`);
* **execution** (:mod:`sim.experiments.executors`) — chunks of replications
  sent to a ``concurrent.futures`` executor: in-process, a local process pool,
  Dask distributed, or any ``concurrent.futures.Executor`` you pass in;
* **storage** — :class:`sim.experiments.store.RunStore`, append-only and
  resumable, and the manifest (:mod:`sim.experiments.manifest`) that says
  which run a folder holds;
* **analysis** — :mod:`sim.analysis.summaries`, figures in :mod:`sim.viz.plots`, the
  report in :mod:`sim.experiments.report`.

Reproducibility: replicate ``i`` gets its seed from
``numpy.random.SeedSequence(seed, spawn_key=(i,))`` (the ``i``-th child of
``SeedSequence(seed).spawn``), the same for every scenario of the sweep —
common random numbers, so scenarios are compared run by run. A replication
depends only on its scenario, its seed and the code, so results are identical
for every executor, worker count and chunking, and after ``--resume``.

The front series of a run is weekly, weeks ``0..horizon`` (week 0 = the
start). When a war ends early the front stays where it ended: the series is
padded to the horizon with its last value, so every run has the same length
and the fan chart shows settled outcomes as flat lines.

Python use (a notebook)::

    from sim.experiments.sweep import run_sweep
    res = run_sweep(["scenarios/libya_2019.toml"], reps=200, seed=1, out="results/nb")
    res.summary          # outcome probabilities with Wilson intervals
    res.front            # weekly front quantiles
    res.runs             # one row per replication (read from runs.csv)

In a script, put the call under ``if __name__ == "__main__":``: where worker
processes cannot be forked (threads running, macOS, Windows) they re-import
the main module, as with any ``multiprocessing`` code.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import logging
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import summaries as analysis
from sim.analysis.outcomes import outcome_labels
from sim.experiments import objectives
from sim.experiments.design import (
    SEEDING,
    SweepConfigError,
    check_ensemble_keys,
    horizon_of,
    load_specs,
    replicate_seed,
    run_columns,
)
from sim.experiments.design import replicate_seeds as replicate_seeds  # re-exported: its old home
from sim.experiments.executors import Plan, execute_jobs
from sim.experiments.executors import (
    SweepInterrupted as SweepInterrupted,  # re-exported: its old home
)
from sim.experiments.executors import (
    run_replication as run_replication,  # re-exported: its old home
)
from sim.experiments.faults import (
    check_out_dir,
    check_scheduler,
    folder_lock,
    read_manifest,
    refuse_other_run,
)
from sim.experiments.manifest import (
    MANIFEST_FILE,
    check_resume,
    git_revision,
    package_versions,
    sweep_design,
    sweep_identity,
    write_json_atomic,
)
from sim.experiments.store import FRONT_FILE, RUNS_FILE, RunStore, StoreError, load_front_matrix
from sim.scenario import ScenarioSpec, load_scenario

log = logging.getLogger(__name__)

SUMMARY_FILE = "summary.csv"
FRONT_QUANTILE_FILE = "front.csv"
FIGURES = {
    "outcomes": "outcomes.png",
    "front": "front_fan.png",
    "survival": "survival.png",
    "stalemates": "stalemates.png",
}
REPORT_FILE = "report.md"


# -- the result -------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What a finished sweep produced.

    Attributes:
        out: the output folder (a temporary one when ``run_sweep(out=None)``).
        scenarios: scenario labels in sweep order.
        specs: the loaded scenarios by label.
        reps, seed, weeks: the design.
        summary: outcome probabilities (``summary.csv``).
        front: weekly front quantiles (``front.csv``).
        survival: time-to-outcome curves (:func:`sim.analysis.summaries.survival_curves`).
        stalemates: stalemate spell durations (:func:`sim.analysis.summaries.stalemate_durations`).
        stalemate_stats: per scenario, how common and long stalemates are.
        failures: replications that raised.
        executed: replications run by this call (the rest came from ``--resume``).
        elapsed: wall time of this call (s).
    """

    out: Path
    scenarios: list[str]
    specs: dict[str, ScenarioSpec]
    reps: int
    seed: int
    weeks: int | None
    executed: int
    elapsed: float
    summary: pd.DataFrame
    front: pd.DataFrame
    survival: pd.DataFrame
    stalemates: pd.DataFrame
    stalemate_stats: pd.DataFrame
    failures: int
    figures: dict[str, Path] = field(default_factory=dict)
    _tmp: Any = field(default=None, repr=False)
    ensemble_members: int = 0  # parameter sets the replicates cycled through (0: point values)

    @property
    def total(self) -> int:
        """Replications in the sweep (scenarios x reps)."""
        return len(self.scenarios) * self.reps

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per replication, read from ``runs.csv`` on first use."""
        return read_runs(self.out / RUNS_FILE)

    def front_matrix(self, scenario: str) -> np.ndarray:
        """One scenario's front series, runs x weeks (loaded from disk on demand)."""
        return load_front_matrix(self.out / FRONT_FILE, scenario)


def read_runs(path: str | Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a ``runs.csv`` (empty cells stay missing; outcome labels stay strings)."""
    return pd.read_csv(
        path,
        usecols=list(columns) if columns else None,
        keep_default_na=False,
        na_values=[""],
        dtype={
            "scenario": str,
            "outcome": str,
            "status": str,
            "error": str,
            "stalemate_spells": str,  # "3;5", or a lone "3" that must not become 3.0
        },
    )


# -- analysis of a finished sweep -------------------------------------------------------


def _front_accumulators(
    path: Path, labels: Sequence[str], batch: int = 512
) -> dict[str, analysis.FrontQuantiles]:
    """Stream ``front_series.csv`` once into one quantile accumulator per scenario."""
    from sim.experiments.store import read_front_series

    acc = {s: analysis.FrontQuantiles() for s in labels}
    pending: dict[str, list[np.ndarray]] = {s: [] for s in labels}
    for name, _, series in read_front_series(path):
        if name not in pending:
            continue
        pending[name].append(series)
        if len(pending[name]) >= batch:
            acc[name].add(np.vstack(pending[name]))
            pending[name].clear()
    for name, rows in pending.items():
        if rows:
            acc[name].add(np.vstack(rows))
    return acc


def analyse(out: Path, specs: Mapping[str, ScenarioSpec], weeks: int | None) -> dict[str, Any]:
    """Summary, front quantiles, survival curves, stalemate durations and failures.

    Reads the finished store back (a few columns of ``runs.csv``, the front
    file streamed), so memory does not grow with the number of runs beyond
    those few columns, and writes ``summary.csv`` and ``front.csv``.
    """
    labels = list(specs)
    cols = ["scenario", "replicate", "outcome", "end_week", "stalemate_weeks"]
    cols += ["longest_stalemate", "stalemate_spells", "status"]
    header = pd.read_csv(out / RUNS_FILE, nrows=0).columns
    runs = read_runs(out / RUNS_FILE, [c for c in cols if c in header])
    # every outcome each scenario can produce is listed, also with 0 runs, and
    # only its own factions' victories (a mixed sweep has no victory:RED for Libya)
    possible = {s: outcome_labels(spec) for s, spec in specs.items()}
    summary = analysis.outcome_summary(runs, scenarios=labels, outcomes=possible)
    summary.to_csv(out / SUMMARY_FILE, index=False, float_format="%.6g")
    acc = _front_accumulators(out / FRONT_FILE, labels)
    fronts = [
        analysis.front_quantiles(acc[s], s, date_of=specs[s].date_of)
        for s in labels
        if acc[s].n > 0
    ]
    front = (
        pd.concat(fronts, ignore_index=True)
        if fronts
        else pd.DataFrame(columns=["scenario", "week", "date", *analysis.FRONT_QUANTILES])
    )
    front.to_csv(out / FRONT_QUANTILE_FILE, index=False, float_format="%.6g")
    horizons = {s: horizon_of(specs[s], weeks) for s in labels}
    objectives.objective_quantiles(out, specs, horizons)  # wars on sides only
    survival = analysis.survival_curves(runs, horizons, scenarios=labels)
    return {
        "summary": summary,
        "front": front,
        "survival": survival,
        "stalemates": analysis.stalemate_durations(runs, scenarios=labels),
        "stalemate_stats": analysis.stalemate_stats(runs, scenarios=labels),
        "failures": int((runs["status"].fillna("error") != "ok").sum()),
    }


# -- the sweep --------------------------------------------------------------------------


def output_dir(
    out: str | Path | None, prefix: str, report: bool
) -> tuple[Path, tempfile.TemporaryDirectory | None, bool]:
    """The folder results go to: ``out``, or a temporary one (and no report) when None.

    Why: notebooks and tests call the engines with ``out=None`` to get results
    in memory; the files still go somewhere, so the store works the same way.

    Returns:
        ``(folder, the temporary directory to clean up or None, whether to write a report)``.
    """
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix=prefix)
        out_dir = Path(tmp.name)
        report = False
    else:
        out_dir = check_out_dir(out)
    return out_dir, tmp, report


def run_sweep(
    scenarios: Sequence[str | Path | ScenarioSpec],
    reps: int,
    seed: int = 0,
    out: str | Path | None = None,
    workers: int | None = None,
    executor: str | cf.Executor = "auto",
    resume: bool = False,
    overrides: Mapping[str, Any] | None = None,
    weeks: int | None = None,
    progress: bool | str = True,
    scheduler: str | None = None,
    report: bool = True,
    chunk: int | None = None,
    ensemble: Sequence[Mapping[str, Any]] | None = None,
    force: bool = False,
) -> SweepResult:
    """Run ``reps`` replications of every scenario and analyse them.

    Args:
        scenarios: scenario files (or loaded scenarios); labels are their names.
        reps: replications per scenario.
        seed: root seed; replicate ``i`` uses :func:`replicate_seed` (seed, i)
            in every scenario.
        out: output folder; None for a temporary one (no figures or report).
        workers: worker processes (default: the CPU count).
        executor: see :func:`sim.experiments.executors.open_backend`.
        resume: keep the runs already in ``out`` and run only the missing
            (or failed) replicates.
        overrides: ``{"dotted.key": value}`` applied to every scenario.
        weeks: horizon overriding each scenario's ``horizon_weeks``.
        progress: show a tqdm progress bar (runs/s, time left) on stderr; a
            string shows the bar and names it by what it runs (e.g.
            ``"compare: baseline + 2 what-ifs"``).
        scheduler: address of a Dask scheduler (implies the Dask executor).
        report: write the figures and ``report.md`` (when ``out`` is given).
        chunk: replications per task (default: :func:`chunk_size`).
        ensemble: parameter sets (``--set`` override dicts, e.g. a calibration's
            ``ensemble.csv``); replicate ``i`` runs member ``i mod M`` in every
            scenario, so the probabilities carry parameter uncertainty and runs
            still pair across scenarios.
        force: start afresh even when ``out`` holds a different run (its
            files are replaced); without it that is refused.

    Returns:
        A :class:`SweepResult`; ``failures`` counts replications that raised.

    Raises:
        ScenarioError: a scenario or override is invalid.
        BadInputError: ``out`` unusable, in use by another command (``FolderBusyError``),
            or holding a different run without ``resume``/``force`` (``OtherRunError``).
        StoreError: ``resume`` into a folder holding a different sweep.
        SweepInterrupted: Ctrl-C; everything finished is on disk.
    """
    started = time.perf_counter()
    if scheduler and executor not in ("auto", "dask"):
        raise SweepConfigError(
            f"--scheduler {scheduler}: a Dask scheduler needs --executor dask (or auto)"
        )
    check_scheduler(scheduler)
    overrides = dict(overrides or {})
    specs = load_specs(scenarios, overrides)
    out_dir, tmp, report = output_dir(out, "proxywar-sweep-", report)
    with folder_lock(out_dir, "sweep"):
        return _run_sweep_locked(
            specs, reps, seed, out_dir, tmp, report, workers, executor, resume, force,
            overrides, weeks, progress, scheduler, chunk, started, ensemble,
        )  # fmt: skip


def _run_sweep_locked(
    specs: dict[str, ScenarioSpec],
    reps: int,
    seed: int,
    out_dir: Path,
    tmp: tempfile.TemporaryDirectory | None,
    report: bool,
    workers: int | None,
    executor: str | cf.Executor,
    resume: bool,
    force: bool,
    overrides: dict[str, Any],
    weeks: int | None,
    progress: bool | str,
    scheduler: str | None,
    chunk: int | None,
    started: float,
    ensemble: Sequence[Mapping[str, Any]] | None = None,
) -> SweepResult:
    """:func:`run_sweep` once it holds the folder's lock."""
    labels = list(specs)
    design = sweep_design(specs, seed, weeks, overrides)
    run_specs: dict[str, Any] = dict(specs)
    if ensemble:
        members = [dict(m) for m in ensemble]
        check_ensemble_keys(specs, members[0])
        # replicate i < reps runs member i mod M, so only the first min(reps, M) members
        # ever run, and only they are validated (about 1.5 ms each): a sensitivity design
        # of 64 points at --reps 8 validates 64 x 8 scenarios, not 64 x M. Indexing the
        # shorter tuple by i mod its length picks the same member, as i < reps.
        used = members[: min(len(members), int(reps))]
        run_specs = {k: tuple(load_scenario(s, m) for m in used) for k, s in specs.items()}
        design["ensemble"] = {
            "members": len(members),
            "rule": "replicate i runs member i mod members",
            "sha256": hashlib.sha256(json.dumps(members, sort_keys=True).encode()).hexdigest(),
        }
    manifest_path = out_dir / MANIFEST_FILE
    if resume:
        check_resume(manifest_path, design, reps)
        if manifest_path.exists():
            was = json.loads(manifest_path.read_text("utf-8")).get("ensemble")
            if was != design.get("ensemble"):
                raise StoreError(
                    f"{manifest_path}: ensemble: the sweep there ran with another ensemble "
                    "(or none); resume with the same --ensemble or use another --out"
                )
    else:
        if not force:
            old = read_manifest(manifest_path)
            wanted = sweep_identity({"command": "sweep", **design, "reps": int(reps)})
            refuse_other_run(
                out_dir, sweep_identity(old) if old else None, wanted, (RUNS_FILE, FRONT_FILE)
            )
        for name in [SUMMARY_FILE, FRONT_QUANTILE_FILE, REPORT_FILE, *FIGURES.values()]:
            (out_dir / name).unlink(missing_ok=True)
        for name in objectives.OUTPUT_FILES:
            (out_dir / name).unlink(missing_ok=True)
    manifest = {
        "command": "sweep",
        **design,
        "reps": int(reps),
        "seeding": SEEDING,
        # the rule above gives every seed; a list would grow with --reps (25 MB at 10^6)
        "first_seeds": [replicate_seed(seed, i) for i in range(min(int(reps), 3))],
        "files": {
            "runs": RUNS_FILE,
            "front_series": FRONT_FILE,
            "summary": SUMMARY_FILE,
            "front": FRONT_QUANTILE_FILE,
        },
        "front_series_format": (
            "scenario, replicate, front_km: weekly front distance (km), weeks 0..horizon, padded "
            "with the last value after the war ends; run-length encoded as space-separated "
            "value*count tokens"
        ),
        "packages": package_versions(),
        "code": git_revision(),
        "status": "running",
    }
    write_json_atomic(manifest_path, manifest)
    del manifest  # re-read at the end: nothing per run stays in memory

    # one front column per week up to the longest horizon (docs/outputs.md)
    longest = max(horizon_of(sp, weeks) for sp in specs.values())
    # each faction's front in a war on sides (sim.experiments.objectives): lines per run
    sides = {s: len(sp.factions) for s, sp in specs.items() if sp.multi_side}
    store = RunStore(out_dir, run_columns(specs.values()), weeks=longest, objectives=sides)
    store.open(resume=resume)
    empty = np.zeros(0, dtype=bool)
    done = store.done_prefix(labels, reps) if resume else {s: empty for s in labels}
    for name, dropped in store.dropped_bytes_by_file.items():
        print(
            f"{out_dir / name}: repaired a torn last line ({dropped} bytes cut, left by an "
            "interrupted write); its replicate runs again",
            file=sys.stderr,
        )
    for line in store.damage_report():
        print(line, file=sys.stderr)
    already = sum(int(d.sum()) for d in done.values())
    todo = len(labels) * reps - already

    executed = 0
    if todo:
        executed = execute_jobs(
            Plan(labels, reps, seed, done, todo),
            run_specs, store, executor, workers, scheduler, weeks, progress, chunk,
        )  # fmt: skip
    store.finalize(labels)

    tables = analyse(out_dir, specs, weeks)
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest.update(status="complete", runs=len(labels) * reps, failures=tables["failures"])
    write_json_atomic(manifest_path, manifest)
    result = SweepResult(
        out=out_dir,
        scenarios=labels,
        specs=specs,
        reps=reps,
        seed=seed,
        weeks=weeks,
        executed=executed,
        elapsed=0.0,
        _tmp=tmp,
        **tables,
    )
    result.ensemble_members = len(ensemble) if ensemble else 0
    if report:
        from sim.experiments.report import write_figures, write_report

        result.figures = write_figures(result)
        write_report(result)
    result.elapsed = time.perf_counter() - started
    return result
