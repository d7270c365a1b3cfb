"""Running replications: one run, chunks of runs, and the executors they run on.

Why apart from the sweep's bookkeeping: an executor only turns jobs
(scenario, replicate, seed) into result rows; in-process, a local process
pool, Dask distributed or any ``concurrent.futures.Executor`` give the same
rows, because a replication depends only on its scenario and seed.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import logging
import math
import multiprocessing as mp
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments import objectives
from sim.experiments.design import (
    Job,
    SweepConfigError,
    replicate_seed,
)
from sim.experiments.faults import (
    die_with_parent,
    watch_parent,
)
from sim.experiments.store import RunStore
from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioSpec

Result = tuple[dict[str, Any], np.ndarray | None]

#: ``executor="auto"`` runs fewer replications than this in-process: starting and
#: stopping a pool costs about what 20-25 Libya runs save on 2 workers (about 18 ms a
#: run, benchmarks/bench_sweep.py), and results are the same on every executor (tuned)
INLINE_BELOW = 24


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


def mp_context() -> mp.context.BaseContext:
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
    n_runs: int | None = None,
) -> _Backend:
    """Start the executor the sweep will use.

    Args:
        executor: ``"inline"``, ``"process"``, ``"dask"``, ``"auto"`` (Dask if a
            scheduler is given, in-process for one worker or fewer than
            :data:`INLINE_BELOW` runs, else a process pool), or any
            ``concurrent.futures.Executor`` (tasks then carry the scenarios;
            the caller shuts it down).
        specs: the loaded scenarios.
        workers: worker processes (default: the CPU count).
        scheduler: ``tcp://HOST:PORT`` of an existing Dask scheduler.
        n_chunks: number of tasks, to avoid starting idle workers.
        n_runs: replications to run (``"auto"`` runs a few in-process).
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
        small = n_runs is not None and n_runs < INLINE_BELOW
        kind = "dask" if scheduler else ("inline" if workers == 1 or small else "process")
    if kind == "inline":
        return _Backend("inline", InlineExecutor(), specs, 1, lambda: None)
    if kind == "process":
        n = max(1, min(workers, n_chunks or workers))
        ctx = mp_context()
        forked = ctx.get_start_method() == "fork"
        if forked:
            # Objects inherited by forked workers stay shared only while nobody writes
            # to their pages; the cyclic GC writes to every object it visits. Freezing
            # moves what exists now out of its reach, in parent and workers alike.
            # No collection first (the gc.freeze documentation's advice): it would walk
            # every imported object once more (0.1-0.5 s before the first run starts)
            # and leave freed holes in shared pages for the next allocations to write
            # into; the little garbage frozen now is collected after gc.unfreeze().
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
class Plan:
    """The replications still to run, generated lazily (no per-run list in memory)."""

    labels: list[str]
    reps: int
    seed: int
    done: dict[str, np.ndarray]
    todo: int

    def chunks(self, size: int, workers: int = 0) -> Iterator[list[Job]]:
        """Chunks of ``size`` jobs, replicate-major; with ``workers``, smaller at the end.

        Why replicate-major: an interrupted sweep then has every scenario
        equally far along, so its runs still pair up across scenarios.
        Why smaller at the end: the sweep ends when its last chunk does, so with
        ``workers`` a chunk holds at most the jobs left over twice the workers,
        down to one job: the workers then finish within about a run of each
        other instead of one idling while the other works through a whole chunk
        (up to ``size`` runs). Results do not depend on the chunks.
        """
        left = self.todo
        limit = self._limit(size, workers, left)
        batch: list[Job] = []
        for i in range(self.reps):
            pending = [s for s in self.labels if not (i < len(self.done[s]) and self.done[s][i])]
            if not pending:
                continue
            rs = replicate_seed(self.seed, i)
            for s in pending:
                batch.append((s, i, rs))
                if len(batch) == limit:
                    yield batch
                    left -= len(batch)
                    limit = self._limit(size, workers, left)
                    batch = []
        if batch:
            yield batch

    @staticmethod
    def _limit(size: int, workers: int, left: int) -> int:
        """The next chunk's size: ``size``, or less once few jobs are left (see :meth:`chunks`)."""
        if workers <= 1:
            return size
        return max(1, min(size, math.ceil(left / (2 * workers))))


def execute_jobs(
    plan: Plan,
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
    backend = open_backend(
        executor, specs, workers, scheduler, math.ceil(plan.todo / size), n_runs=plan.todo
    )
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
    # a given chunk size is kept; the automatic one shrinks at the end for the pool's workers
    feed = plan.chunks(size, backend.workers if chunk is None else 0)

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
