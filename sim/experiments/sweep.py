"""Monte Carlo sweeps: many replications of one or more scenarios, on any executor.

The module follows the EMA Workbench split:

* **experiment design** — which scenarios (loaded once, ``--set`` overrides
  applied and validated), how many replicates, and their seeds
  (:func:`replicate_seeds`);
* **execution** — chunks of replications sent to a ``concurrent.futures``
  executor: in-process, a local process pool, Dask distributed, or any
  ``concurrent.futures.Executor`` you pass in;
* **storage** — :class:`sim.experiments.store.RunStore`, append-only and resumable;
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

import argparse
import concurrent.futures as cf
import contextlib
import gc
import hashlib
import json
import logging
import math
import multiprocessing as mp
import os
import platform
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import summaries as analysis
from sim.analysis.outcomes import definitions_footer, outcome_labels
from sim.experiments import objectives
from sim.experiments.faults import (
    BadInputError,
    check_out_dir,
    check_scheduler,
    die_with_parent,
    folder_lock,
    read_manifest,
    refuse_other_run,
    watch_parent,
    write_failure,
)
from sim.experiments.store import FRONT_FILE, RUNS_FILE, RunStore, StoreError, load_front_matrix
from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioError, ScenarioSpec, load_scenario

log = logging.getLogger(__name__)

SUMMARY_FILE = "summary.csv"
FRONT_QUANTILE_FILE = "front.csv"
MANIFEST_FILE = "manifest.json"
FIGURES = {
    "outcomes": "outcomes.png",
    "front": "front_fan.png",
    "survival": "survival.png",
    "stalemates": "stalemates.png",
}
REPORT_FILE = "report.md"
BASE_COLUMNS = ["scenario", "replicate", "seed", "outcome", "end_week"]
TAIL_COLUMNS = ["stalemate_spells", "status", "error"]
SEEDING = (
    "replicate i: int(numpy.random.SeedSequence(seed, spawn_key=(i,)).generate_state(1, "
    "numpy.uint64)[0] >> 1), the same for every scenario (common random numbers)"
)

Job = tuple[str, int, int]  # (scenario label, replicate, seed)
Result = tuple[dict[str, Any], np.ndarray | None]


class SweepConfigError(ValueError):
    """A sweep asked for something impossible (bad input: exit status 2 on the CLI)."""


class SweepInterrupted(KeyboardInterrupt):  # noqa: N818 - it *is* a KeyboardInterrupt
    """Ctrl-C during a sweep: finished runs are on disk; ``--resume`` continues.

    Attributes:
        out: the output folder.
        saved: replications on disk (this call and earlier ones).
        total: replications the sweep needs.
    """

    def __init__(self, out: Path, saved: int, total: int):
        super().__init__(f"sweep interrupted: {saved} of {total} runs saved in {out}")
        self.out, self.saved, self.total = out, saved, total


class _ChunkInterrupted(KeyboardInterrupt):  # noqa: N818
    """Ctrl-C inside an in-process chunk, carrying the runs it had finished."""

    def __init__(self, results: list[Result]):
        super().__init__()
        self.results = results


# -- experiment design ----------------------------------------------------------------


def replicate_seed(seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` of a sweep with root ``seed``.

    Why ``SeedSequence`` with a spawn key rather than ``seed + i``: consecutive
    integer seeds are not guaranteed to give independent streams; spawned
    sequences are, and replicate ``i``'s seed does not depend on ``reps``, so
    adding replicates later (``--resume`` with more ``--reps``) keeps the old ones.
    """
    ss = np.random.SeedSequence(int(seed), spawn_key=(int(replicate),))
    return int(ss.generate_state(1, np.uint64)[0]) >> 1


def replicate_seeds(seed: int, reps: int, start: int = 0) -> list[int]:
    """Seeds of replicates ``start .. reps-1`` (see :func:`replicate_seed`)."""
    return [replicate_seed(seed, i) for i in range(start, reps)]


def load_specs(
    scenarios: Sequence[str | Path | ScenarioSpec], overrides: Mapping[str, Any] | None = None
) -> dict[str, ScenarioSpec]:
    """Load and validate each scenario once, keyed by its name (its label in every table).

    Raises:
        ScenarioError: a file or an override is invalid (one line per problem).
        SweepConfigError: two scenarios share a name (their rows could not be told apart).
    """
    specs: dict[str, ScenarioSpec] = {}
    for item in scenarios:
        spec = load_scenario(item, dict(overrides or {}))
        if spec.name in specs:
            raise SweepConfigError(
                f"{spec.source}: name: {spec.name!r} is also the name of "
                f"{specs[spec.name].source}; each scenario of a sweep needs its own name"
            )
        specs[spec.name] = spec
    return specs


def horizon_of(spec: ScenarioSpec, weeks: int | None) -> int:
    """The number of weeks a replication of ``spec`` runs at most."""
    return int(weeks) if weeks is not None else int(spec.horizon_weeks)


def run_columns(specs: Iterable[ScenarioSpec]) -> list[str]:
    """The ``runs.csv`` header for these scenarios.

    The extra columns are the keys of ``ProxyWarModel.summary()`` (which vary
    with the factions and groups of a scenario), found by building each model
    once without running it; a scenario lacking a column leaves it empty.
    """
    extra: dict[str, None] = {}
    for spec in specs:
        keys = ProxyWarModel(spec, rng=0, weeks=1, collect=False).summary()
        for k in keys:
            if k not in BASE_COLUMNS and k not in TAIL_COLUMNS:
                extra[k] = None
    return [*BASE_COLUMNS, *extra, *TAIL_COLUMNS]


# -- one replication ----------------------------------------------------------------


def run_replication(
    spec: ScenarioSpec, replicate: int, seed: int, weeks: int | None = None
) -> tuple[dict[str, Any], np.ndarray]:
    """Run one replication and return its ``runs.csv`` row and weekly front series.

    Args:
        spec: a loaded scenario.
        replicate: the replicate number (only recorded).
        seed: the model's seed (``rng``).
        weeks: horizon overriding the scenario's ``horizon_weeks``.

    Returns:
        ``(row, front)``: the row has ``scenario, replicate, seed``, every key of
        ``model.summary()``, ``stalemate_spells`` (``;``-separated spell
        lengths), ``status="ok"`` and ``error=""``; ``front`` has the front
        distance (km) for weeks ``0..horizon``, padded with its last value after
        an early end (and cut at the horizon if a ceasefire still being tested
        there made the run go on a few weeks).

    Raises:
        Exception: whatever the model raises (the sweep records it as a failure).
    """
    model = ProxyWarModel(spec, rng=seed, weeks=weeks, collect=False)
    start = model.front_km
    starts = objectives.objective_starts(model)  # None in a two-faction war
    model.run()
    row: dict[str, Any] = {"scenario": spec.name, "replicate": int(replicate), "seed": int(seed)}
    row.update(model.summary())
    if starts is not None:  # each faction's front, for the store only (not a runs.csv column)
        row[objectives.OBJECTIVES_KEY] = objectives.objective_series(model, starts)
    row["stalemate_spells"] = ";".join(str(int(s)) for s in model.termination.stalemate_spells)
    row["status"] = "ok"
    row["error"] = ""
    series = model.front_series
    front = np.empty(model.horizon + 1, dtype=float)
    front[0] = start
    n = min(len(series), model.horizon)
    front[1 : n + 1] = series[:n]
    front[n + 1 :] = series[n - 1] if n else start
    return row, front


def failed_row(scenario: str, replicate: int, seed: int, exc: BaseException) -> dict[str, Any]:
    """The ``runs.csv`` row of a replication that raised."""
    message = " ".join(f"{type(exc).__name__}: {exc}".split())
    return {
        "scenario": scenario,
        "replicate": int(replicate),
        "seed": int(seed),
        "status": "error",
        "error": message,
    }


# -- execution ------------------------------------------------------------------------

_WORKER_SPECS: dict[str, ScenarioSpec] | None = None


def _init_worker(specs: dict[str, ScenarioSpec], parent: int | None = None) -> None:
    """Process-pool initializer: receive the loaded scenarios once per worker.

    Workers ignore SIGINT so that Ctrl-C reaches only the parent, which shuts
    the pool down and keeps what finished; they end when the parent dies
    (``kill -9`` included), so no orphan keeps computing.
    """
    global _WORKER_SPECS
    _WORKER_SPECS = specs
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def run_chunk(
    specs: Mapping[str, ScenarioSpec] | None, jobs: Sequence[Job], weeks: int | None
) -> list[Result]:
    """Run a chunk of replications; a replication that raises becomes an error row.

    Args:
        specs: scenario label -> loaded scenario, or None in a process-pool
            worker (which got them from its initializer).
        jobs: ``(scenario, replicate, seed)`` triples.
        weeks: horizon override.
    """
    table = specs if specs is not None else _WORKER_SPECS
    if table is None:
        raise RuntimeError("run_chunk: no scenarios (worker not initialised)")
    out: list[Result] = []
    try:
        for label, rep, seed in jobs:
            try:
                spec = table[label]
                if isinstance(spec, tuple):  # an ensemble: replicate i runs member i mod M
                    spec = spec[rep % len(spec)]
                out.append(run_replication(spec, rep, seed, weeks))
            except Exception as exc:  # noqa: BLE001 - recorded in runs.csv, the sweep goes on
                out.append((failed_row(label, rep, seed, exc), None))
    except KeyboardInterrupt:
        raise _ChunkInterrupted(out) from None
    return out


class InlineExecutor(cf.Executor):
    """A ``concurrent.futures.Executor`` that runs each task at once, in this process.

    Why: one code path for every backend; with one worker there is nothing to
    gain from a pool, and tracebacks and monkeypatching work as usual.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Run ``fn(*args, **kwargs)`` now; Ctrl-C propagates immediately."""
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - delivered through the future
            fut.set_exception(exc)
        return fut


def _mp_context() -> mp.context.BaseContext:
    """An explicit start method, independent of the global default.

    ``mesa.batch_run`` forces the global start method to "spawn"; using our own
    context keeps results and start-up cost the same whatever ran before.
    On Linux, when this process has no other Python thread (the command
    line), workers are forked: they start at once and share the parent's
    imported modules copy-on-write. Otherwise (a notebook, a Dask client, a
    GUI: threads that a fork could catch holding a lock) ``forkserver`` forks
    them from a clean server that has imported the model once; ``spawn``
    where neither exists.
    """
    methods = mp.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.experiments.sweep"])
        return ctx
    return mp.get_context("spawn")


@dataclass
class _Backend:
    """An executor plus what its tasks need to find the scenarios."""

    name: str
    executor: cf.Executor
    specs_arg: Any
    workers: int
    close: Callable[[], None]


def _dask_die_with_parent() -> None:
    """Dask nanny/worker: end when the parent does (watchdog only, see below).

    Why no ``PR_SET_PDEATHSIG`` here: it fires when the *thread* that started
    the process ends, and Dask starts nannies from its event-loop thread.
    """
    watch_parent(os.getppid())


def _dask_backend(specs: dict[str, ScenarioSpec], workers: int, scheduler: str | None) -> _Backend:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - the dask extra is installed in dev
        raise RuntimeError(
            "the Dask executor needs the optional extra: pip install 'proxywar[dask]'"
        ) from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (ValueError, TypeError) as exc:
            raise SweepConfigError(f"--scheduler {scheduler}: {exc}") from None
        except OSError as exc:
            raise RuntimeError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        # our own cluster: its nannies and workers end when this process dies
        client.run(_dask_die_with_parent, nanny=True)
        client.run(_dask_die_with_parent)
    n = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or workers
    ref = client.scatter([specs], broadcast=True)[0]

    def close() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return _Backend("dask", client.get_executor(pure=False), ref, max(1, n), close)


def open_backend(
    executor: str | cf.Executor,
    specs: dict[str, ScenarioSpec],
    workers: int | None = None,
    scheduler: str | None = None,
    n_chunks: int | None = None,
) -> _Backend:
    """Start the executor the sweep will use.

    Args:
        executor: ``"inline"``, ``"process"``, ``"dask"``, ``"auto"`` (Dask if a
            scheduler is given, in-process for one worker, else a process
            pool), or any ``concurrent.futures.Executor`` (tasks then carry
            the scenarios; the caller shuts it down).
        specs: the loaded scenarios.
        workers: worker processes (default: the CPU count).
        scheduler: ``tcp://HOST:PORT`` of an existing Dask scheduler.
        n_chunks: number of tasks, to avoid starting idle workers.
    """
    if isinstance(executor, cf.Executor):
        return _Backend("custom", executor, specs, workers or os.cpu_count() or 1, lambda: None)
    workers = workers or os.cpu_count() or 1
    kind = executor
    if scheduler and kind not in ("auto", "dask"):
        raise SweepConfigError(
            f"--scheduler {scheduler}: a Dask scheduler needs --executor dask (or auto), not {kind}"
        )
    if kind == "auto":
        kind = "dask" if scheduler else ("inline" if workers == 1 else "process")
    if kind == "inline":
        return _Backend("inline", InlineExecutor(), specs, 1, lambda: None)
    if kind == "process":
        n = max(1, min(workers, n_chunks or workers))
        ctx = _mp_context()
        forked = ctx.get_start_method() == "fork"
        if forked:
            # Objects inherited by forked workers stay shared only while nobody writes
            # to their pages; the cyclic GC writes to every object it visits. Freezing
            # moves what exists now out of its reach, in parent and workers alike.
            gc.collect()
            gc.freeze()
        # a forked worker's parent is this process; a forkserver's child's is the server
        parent = os.getpid() if forked else None
        pool = cf.ProcessPoolExecutor(
            max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(specs, parent)
        )
        # start the workers now, before the progress bar starts its monitor thread
        pool.submit(int).result()

        def close() -> None:
            pool.shutdown(wait=True)
            if forked:
                gc.unfreeze()

        return _Backend("process", pool, None, n, close)
    if kind == "dask":
        return _dask_backend(specs, workers, scheduler)
    raise SweepConfigError(f"executor: expected auto, inline, process or dask, found {executor!r}")


def chunk_size(n_jobs: int, workers: int, cap: int = 20) -> int:
    """Runs per task: ~8 tasks per worker for load balance, at most ``cap`` each."""
    return max(1, min(cap, math.ceil(n_jobs / max(1, workers * 8))))


# -- the manifest ---------------------------------------------------------------------


def _git_revision() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "sim"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return {"git_revision": None, "dirty": None}
    if rev.returncode != 0:
        return {"git_revision": None, "dirty": None}
    return {"git_revision": rev.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("proxywar", "mesa", "numpy", "scipy", "pandas", "pydantic", "matplotlib"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _design(
    specs: Mapping[str, ScenarioSpec], seed: int, weeks: int | None, overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """What must match for ``--resume`` to continue a sweep."""
    return {
        "scenarios": [
            {
                "name": name,
                "source": s.source,
                "files": list(s.files),
                "sha256": s.sha256,
                "description": s.description,
                "start_date": s.start_date.isoformat(),
                "horizon_weeks": horizon_of(s, weeks),
            }
            for name, s in specs.items()
        ],
        "seed": int(seed),
        "weeks": weeks,
        "overrides": {k: v for k, v in sorted(dict(overrides).items())},
    }


def _check_resume(path: Path, design: dict[str, Any], reps: int) -> None:
    """Refuse to resume a sweep made with other scenarios, seed or overrides.

    Without a manifest nobody can tell which sweep the rows on file belong to:
    resuming would keep them under this sweep's name, so that is refused too.
    """
    if not path.exists():
        present = [n for n in (RUNS_FILE, FRONT_FILE) if (path.parent / n).exists()]
        if present:
            raise StoreError(
                f"{path}: missing, so the runs in {path.parent / present[0]} cannot be matched "
                "to this sweep; restore manifest.json, or start afresh with --force (without "
                "--resume)"
            )
        return
    try:
        old = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise StoreError(f"{path}: unreadable manifest; start afresh without --resume") from None
    for key in ("seed", "weeks", "overrides"):
        if old.get(key) != json.loads(json.dumps(design[key])):
            raise StoreError(
                f"{path}: {key}: the sweep there used {old.get(key)!r}, this one "
                f"{design[key]!r}; resume with the same arguments or use another --out"
            )
    was = [(s["name"], s["sha256"]) for s in old.get("scenarios", [])]
    now = [(s["name"], s["sha256"]) for s in design["scenarios"]]
    if was != now:
        raise StoreError(
            f"{path}: scenarios: the sweep there ran {[n for n, _ in was]} from other files or "
            "versions; resume with the same scenario files or use another --out"
        )
    if int(old.get("reps", 0)) > reps:
        raise StoreError(
            f"{path}: reps: the sweep there has {old['reps']} replicates; "
            f"resume with --reps {old['reps']} or more"
        )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


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


def report_interrupted(exc: SweepInterrupted, how_to_finish: str) -> int:
    """Tell the user what was saved and how to finish; the Ctrl-C exit status (130)."""
    print(
        f"\ninterrupted: {exc.saved} of {exc.total} runs are saved in {exc.out}; {how_to_finish}",
        file=sys.stderr,
    )
    return 130


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
        executor: see :func:`open_backend`.
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


def sweep_identity(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """What makes two sweeps the same run: command, scenarios, seed, horizon, overrides, reps."""
    return {
        "command": manifest.get("command"),
        "scenarios": [[s.get("name"), s.get("sha256")] for s in manifest.get("scenarios") or []],
        "seed": manifest.get("seed"),
        "weeks": manifest.get("weeks"),
        "overrides": manifest.get("overrides"),
        "reps": manifest.get("reps"),
    }


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
    progress: bool,
    scheduler: str | None,
    chunk: int | None,
    started: float,
    ensemble: Sequence[Mapping[str, Any]] | None = None,
) -> SweepResult:
    """:func:`run_sweep` once it holds the folder's lock."""
    labels = list(specs)
    design = _design(specs, seed, weeks, overrides)
    run_specs: dict[str, Any] = dict(specs)
    if ensemble:
        members = [dict(m) for m in ensemble]
        _check_ensemble_keys(specs, members[0])
        run_specs = {k: tuple(load_scenario(s, m) for m in members) for k, s in specs.items()}
        design["ensemble"] = {
            "members": len(members),
            "rule": "replicate i runs member i mod members",
            "sha256": hashlib.sha256(json.dumps(members, sort_keys=True).encode()).hexdigest(),
        }
    manifest_path = out_dir / MANIFEST_FILE
    if resume:
        _check_resume(manifest_path, design, reps)
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
        "packages": _versions(),
        "code": _git_revision(),
        "status": "running",
    }
    _write_json(manifest_path, manifest)
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
        executed = _execute(
            _Plan(labels, reps, seed, done, todo),
            run_specs, store, executor, workers, scheduler, weeks, progress, chunk,
        )  # fmt: skip
    store.finalize(labels)

    tables = analyse(out_dir, specs, weeks)
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest.update(status="complete", runs=len(labels) * reps, failures=tables["failures"])
    _write_json(manifest_path, manifest)
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


def _check_ensemble_keys(specs: Mapping[str, ScenarioSpec], member: Mapping[str, Any]) -> None:
    """An ensemble made for another scenario fails in one line naming the key."""
    from sim.experiments.sensitivity import _lookup

    for spec in specs.values():
        for key in member:
            try:
                _lookup(spec, key)
            except (KeyError, IndexError, ValueError):
                raise ScenarioError(
                    [f"--ensemble: {key}: expected a key of {spec.name}, found none there"]
                ) from None


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C while a batch is written, so a batch is on disk whole or not at all.

    The signal stays pending and is delivered when the block ends. Only the
    main thread of a POSIX process can do this; elsewhere the store's repair
    of a partial last line covers the gap.
    """
    can = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
    if can:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if can:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class _NoBar:
    """Stands in for the progress bar when there is none."""

    def update(self, n: int = 1) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to close."""


@dataclass
class _Plan:
    """The replications still to run, generated lazily (no per-run list in memory)."""

    labels: list[str]
    reps: int
    seed: int
    done: dict[str, np.ndarray]
    todo: int

    def chunks(self, size: int) -> Iterator[list[Job]]:
        """Chunks of ``size`` jobs, replicate-major.

        Why replicate-major: an interrupted sweep then has every scenario
        equally far along, so its runs still pair up across scenarios.
        """
        batch: list[Job] = []
        for i in range(self.reps):
            pending = [s for s in self.labels if not (i < len(self.done[s]) and self.done[s][i])]
            if not pending:
                continue
            rs = replicate_seed(self.seed, i)
            for s in pending:
                batch.append((s, i, rs))
                if len(batch) == size:
                    yield batch
                    batch = []
        if batch:
            yield batch


def _execute(
    plan: _Plan,
    specs: dict[str, ScenarioSpec],
    store: RunStore,
    executor: str | cf.Executor,
    workers: int | None,
    scheduler: str | None,
    weeks: int | None,
    progress: bool | str,
    chunk: int | None,
) -> int:
    """Send the jobs in chunks through the executor, appending results as they come.

    At most a few chunks per worker are in flight and the jobs are generated
    as they are sent, so memory does not grow with the number of runs.
    Returns how many replications were stored.
    """
    from tqdm import tqdm

    guess = workers or os.cpu_count() or 1
    size = chunk or chunk_size(plan.todo, guess)
    backend = open_backend(executor, specs, workers, scheduler, math.ceil(plan.todo / size))
    if chunk is None and backend.workers != guess:
        size = chunk_size(plan.todo, backend.workers)
    window = max(2, backend.workers * 3)
    labels, reps = plan.labels, plan.reps
    already = len(labels) * reps - plan.todo
    total = len(labels) * reps
    # no tqdm object at all without a bar: even a disabled one starts a monitor thread,
    # and a thread in the process makes the next pool use forkserver instead of fork
    bar: Any = (
        tqdm(
            total=plan.todo,
            unit="run",
            desc=(progress if isinstance(progress, str) else "sweep")
            + (f" ({already} resumed)" if already else ""),
            file=sys.stderr,
            smoothing=0.05,
            dynamic_ncols=True,
        )
        if progress
        else _NoBar()
    )
    stored = 0
    pending: dict[cf.Future, list[Job]] = {}
    feed = plan.chunks(size)

    def save(results: list[Result]) -> None:
        nonlocal stored
        with _sigint_deferred():
            stored += store.append(results)
        bar.update(len(results))

    def take(fut: cf.Future, chunk_jobs: list[Job]) -> None:
        try:
            results = fut.result()
        except BrokenProcessPool:
            raise
        except Exception as exc:  # noqa: BLE001 - the task itself failed (e.g. pickling)
            results = [((failed_row(s, r, sd, exc)), None) for s, r, sd in chunk_jobs]
        save(results)

    def fill() -> None:
        while len(pending) < window:
            nxt = next(feed, None)
            if nxt is None:
                return
            pending[backend.executor.submit(run_chunk, backend.specs_arg, nxt, weeks)] = nxt

    try:
        try:
            fill()
            while pending:
                finished, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
                for fut in finished:
                    take(fut, pending.pop(fut))
                fill()
        except KeyboardInterrupt as exc:
            if isinstance(exc, _ChunkInterrupted):
                save(exc.results)
            for fut in pending:
                fut.cancel()
            # chunks already running finish quickly; keep what they produce
            if backend.name == "process":
                backend.executor.shutdown(wait=True, cancel_futures=True)
            for fut, chunk_jobs in list(pending.items()):
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    take(fut, chunk_jobs)
            store.close()
            saved = sum(int(d.sum()) for d in store.done_prefix(labels, reps).values())
            raise SweepInterrupted(store.out, saved, total) from None
        except BrokenProcessPool as exc:
            # a worker died (killed, out of memory): what finished is on disk
            raise RuntimeError(
                f"a worker process died ({exc}); the finished runs are saved in "
                f"{store.out}: run the same command with --resume to finish"
            ) from None
    finally:
        bar.close()
        store.close()
        backend.close()
    return stored


# -- the command line -------------------------------------------------------------------


def program_words() -> list[str]:
    """How this process was started, so a printed command works when pasted.

    A bare ``python`` may be another interpreter without the project, so
    ``run.py`` is run with the running interpreter (``sys.executable``); the
    ``proxywar`` console script is named as such when it is the one on
    ``PATH``, else by its full path; anything else (``python -m``, a test)
    falls back to the running interpreter and ``run.py`` in the repository.
    """
    import shutil

    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("")
    if argv0.name == "run.py":
        return [sys.executable, str(argv0)]
    if argv0.name == "proxywar":
        found = shutil.which("proxywar")
        same = found is not None and Path(found).resolve() == argv0.resolve()
        return ["proxywar"] if same else [str(argv0.resolve())]
    run_py = Path(__file__).resolve().parents[2] / "run.py"
    return [sys.executable, str(run_py)]


def resume_command(args: argparse.Namespace) -> str:
    """The exact command that resumes the sweep described by ``args``."""
    prog = program_words()
    cmd = [*prog, "sweep", *args.scenario, "--reps", str(args.reps), "--seed", str(args.seed)]
    cmd += ["--out", str(args.out)]
    if args.weeks is not None:
        cmd += ["--weeks", str(args.weeks)]
    for item in args.set or []:
        cmd += ["--set", item]
    if getattr(args, "ensemble", None):
        cmd += ["--ensemble", str(args.ensemble)]
    if args.workers is not None:
        cmd += ["--workers", str(args.workers)]
    if getattr(args, "executor", "auto") != "auto":
        cmd += ["--executor", args.executor]
    if getattr(args, "scheduler", None):
        cmd += ["--scheduler", args.scheduler]
    return shlex.join([*cmd, "--resume"])


def cmd_sweep(args: argparse.Namespace) -> int:
    """``sweep SCENARIO... --reps N --seed S --workers W --out DIR [--resume] [--set K=V]``.

    Prints the outcome table; exit status 0, 1 when some replications failed
    (they are recorded in runs.csv), 2 on bad input, 130 on Ctrl-C (with the
    command that resumes).
    """
    from sim.experiments.arguments import UsageError, parse_sets
    from sim.experiments.compare import _ensemble_arg
    from sim.experiments.report import POINT_ESTIMATE_DIR

    overrides = parse_sets(args.set)
    ensemble = _ensemble_arg(args)
    try:
        if ensemble:  # the point-estimate run too, for the report's side-by-side table
            _check_ensemble_keys(load_specs(args.scenario, overrides), ensemble[0])
            run_sweep(
                args.scenario, reps=args.reps, seed=args.seed,
                out=Path(args.out) / POINT_ESTIMATE_DIR, workers=args.workers,
                executor=getattr(args, "executor", "auto"), resume=args.resume,
                overrides=overrides, weeks=args.weeks,
                progress=not getattr(args, "no_progress", False),
                scheduler=getattr(args, "scheduler", None), report=False,
            )  # fmt: skip
        res = run_sweep(
            args.scenario,
            reps=args.reps,
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            executor=getattr(args, "executor", "auto"),
            resume=args.resume,
            overrides=overrides,
            weeks=args.weeks,
            progress=(
                False
                if getattr(args, "no_progress", False)
                else f"sweep: {len(args.scenario)} scenario(s) x {args.reps} reps"
            ),
            scheduler=getattr(args, "scheduler", None),
            ensemble=ensemble,
            force=getattr(args, "force", False),
        )
    except SweepInterrupted as exc:
        return report_interrupted(exc, f"to finish the sweep run:\n  {resume_command(args)}")
    except (StoreError, SweepConfigError, BadInputError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # a full disk, a lost mount: the runs so far are whole on disk
        print(write_failure(exc, Path(args.out), resume_command(args)), file=sys.stderr)
        return 1

    print(analysis.format_outcome_table(res.summary))
    if ensemble:
        print(
            f"\nthese probabilities include parameter uncertainty: replicate i ran with "
            f"parameter set i mod {len(ensemble)} of {args.ensemble}; the point-estimate "
            f"run is in {Path(args.out) / POINT_ESTIMATE_DIR} (report.md shows both)"
        )
    print()
    print(definitions_footer(res.specs))
    resumed = res.total - res.executed
    note = f" ({resumed} resumed)" if args.resume and resumed else ""
    print(
        f"\n{res.total} runs{note} of {len(res.scenarios)} scenario(s) x {res.reps} reps "
        f"in {res.elapsed:.1f} s"
    )
    names = [RUNS_FILE, SUMMARY_FILE, FRONT_QUANTILE_FILE, FRONT_FILE, MANIFEST_FILE]
    names += [n for n in objectives.OUTPUT_FILES[:2] if (res.out / n).exists()]
    names += [p.name for p in res.figures.values()]
    if res.figures:
        names.append(REPORT_FILE)
    print(f"wrote {', '.join(names)} in {res.out}")
    if res.failures:
        print(
            f"{res.failures} of {res.total} replications failed; "
            f"see the status and error columns of {res.out / RUNS_FILE}",
            file=sys.stderr,
        )
        return 1
    return 0
