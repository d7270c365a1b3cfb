"""The arms of the validation suite (baseline, what-ifs, levels) and their paired execution."""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from sim.experiments.design import replicate_seed
from sim.experiments.executors import mp_context
from sim.experiments.validation.records import (
    LockstepRecord,
    RunRecord,
    lockstep_record,
    run_record,
)
from sim.experiments.validation.settings import (
    CHUNK,
    GNA_ADDS,
    LEVEL_SHARE,
    LNA_CUTS,
    LNA_FIGHTERS,
    PAIRS,
    SEED,
    WAGNER_SIZES,
    WITHDRAWAL_DATE,
    WORKERS,
)
from sim.scenario import SCENARIO_DIR, ScenarioSpec, load_scenario

# -- the arms and their execution ----------------------------------------------------------


@dataclass(frozen=True)
class Arm:
    """One arm: a loaded scenario, how it was made, how many replicates, traced or not."""

    label: str
    spec: ScenarioSpec
    origin: str
    reps: int
    trace: bool = False


def _scenario(name: str) -> Path:
    return SCENARIO_DIR / f"{name}.toml"


def _withdraw_at(backer: str, date: dt.date) -> dict[str, Any]:
    return {
        "type": "withdraw",
        "backer": backer,
        "at": date,
        "description": f"{backer} ends all its support",
    }


def build_arms(pairs: int, level_runs: int) -> dict[str, Arm]:
    """Every arm the checks need, keyed by label (the scenario name)."""
    base = load_scenario(_scenario("libya_2019"))
    arms: dict[str, Arm] = {}

    def add(spec: ScenarioSpec, origin: str, reps: int, trace: bool = False) -> None:
        arms[spec.name] = Arm(spec.name, spec, origin, reps, trace)

    def rel(name: str) -> str:
        return f"`scenarios/{name}.toml`"

    add(base, rel("libya_2019"), pairs, trace=True)
    files = (
        *LNA_CUTS,
        *GNA_ADDS,
        "libya_berlin_conference",
        "libya_berlin_binding",
        "libya_one_sided_support",
        "libya_no_foreign_support",
        "libya_lna_backers_leave",
    )
    for name in files:
        add(
            load_scenario(_scenario(name)), rel(name), pairs, trace=name == "libya_wagner_sanctions"
        )
    for backer in ("uae", "turkey"):
        name = f"libya_{backer}_withdraws"
        iv = _withdraw_at(backer, WITHDRAWAL_DATE)
        spec = load_scenario(base, {"name": name, "interventions": [iv]})
        add(spec, f"baseline + `withdraw` of {backer} (all channels) on {WITHDRAWAL_DATE}", pairs)
    for x in LNA_FIGHTERS:
        spec = load_scenario(base, {"name": f"libya_lna_fighters_{x}", "factions.LNA.fighters": x})
        add(spec, f"baseline with `factions.LNA.fighters = {x}`", level_runs)
    for x in WAGNER_SIZES:
        spec = load_scenario(base, {"name": f"libya_wagner_size_{x}", "groups.wagner.size": x})
        add(spec, f"baseline with `groups.wagner.size = {x}`", level_runs)
    return arms


NO_WAGNER = "libya_no_wagner"


def no_wagner(base: ScenarioSpec) -> ScenarioSpec:
    """The baseline without Wagner (its contract size 0): the lockstep partner."""
    return load_scenario(base, {"name": NO_WAGNER, "groups.wagner.size": 0})


class Task(NamedTuple):
    """A chunk of work for one worker: ``kind`` is ``"run"`` or ``"lockstep"``."""

    kind: str
    arm: str
    replicates: tuple[int, ...]
    seed: int
    trace: bool


_WORKER_SPECS: dict[str, ScenarioSpec] | None = None


def _init_worker(specs: dict[str, ScenarioSpec]) -> None:
    """Process-pool initializer: the loaded scenarios, once per worker."""
    global _WORKER_SPECS
    _WORKER_SPECS = specs


def run_task(task: Task, specs: Mapping[str, ScenarioSpec] | None = None) -> list[Any]:
    """Run a chunk of replications (in a worker, or here when ``specs`` is given)."""
    table = specs if specs is not None else _WORKER_SPECS
    if table is None:
        raise RuntimeError("run_task: no scenarios (worker not initialised)")
    out: list[Any] = []
    for rep in task.replicates:
        seed = replicate_seed(task.seed, rep)
        if task.kind == "lockstep":
            out.append(lockstep_record(table[task.arm], table[NO_WAGNER], rep, seed))
        else:
            out.append(run_record(table[task.arm], task.arm, rep, seed, task.trace))
    return out


@dataclass
class Runs:
    """Every recorded run, by arm and replicate, and the lockstep pairs."""

    arms: dict[str, Arm]
    records: dict[str, list[RunRecord]]
    lockstep: list[LockstepRecord]
    pairs: int
    level_runs: int
    seed: int

    def outcomes(self, arm: str) -> list[str]:
        """Outcomes of an arm's runs, by replicate."""
        return [r.outcome for r in self.records[arm]]

    def front_end(self, arm: str) -> np.ndarray:
        """Front distance (km) at the horizon (the end of the run when it ended earlier)."""
        return np.array([r.front[-1] for r in self.records[arm]])

    def end_weeks(self, arm: str) -> np.ndarray:
        """War duration (weeks, capped at the horizon)."""
        return np.array([r.end_week for r in self.records[arm]], dtype=float)


def _tasks(arms: Mapping[str, Arm], pairs: int, seed: int) -> list[Task]:
    tasks: list[Task] = []
    for arm in arms.values():
        for lo in range(0, arm.reps, CHUNK):
            reps = tuple(range(lo, min(arm.reps, lo + CHUNK)))
            tasks.append(Task("run", arm.label, reps, seed, arm.trace))
    base = next(iter(arms))
    for lo in range(0, pairs, CHUNK):
        tasks.append(Task("lockstep", base, tuple(range(lo, min(pairs, lo + CHUNK))), seed, False))
    return tasks


def collect(
    pairs: int = PAIRS,
    seed: int = SEED,
    workers: int = WORKERS,
    level_runs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Runs:
    """Run every arm (``workers`` processes at most) and gather the records by replicate.

    The result does not depend on ``workers``: each replication depends only
    on its scenario and seed, and records are put back in replicate order.
    """
    level_runs = level_runs if level_runs is not None else max(2, round(pairs * LEVEL_SHARE))
    arms = build_arms(pairs, level_runs)
    base = next(iter(arms.values())).spec
    specs = {label: a.spec for label, a in arms.items()}
    specs[NO_WAGNER] = no_wagner(base)
    tasks = _tasks(arms, pairs, seed)
    results: list[list[Any]] = [[] for _ in tasks]
    done = 0
    if workers <= 1:
        for i, t in enumerate(tasks):
            results[i] = run_task(t, specs)
            done += 1
            if progress and done % 40 == 0:
                progress(f"{done}/{len(tasks)} tasks")
    else:
        with cf.ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            mp_context=mp_context(),
            initializer=_init_worker,
            initargs=(specs,),
        ) as pool:
            futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
            for fut in cf.as_completed(futures):
                results[futures[fut]] = fut.result()
                done += 1
                if progress and done % 40 == 0:
                    progress(f"{done}/{len(tasks)} tasks")
    records: dict[str, list[RunRecord]] = {label: [] for label in arms}
    lockstep: list[LockstepRecord] = []
    for t, res in zip(tasks, results, strict=True):
        if t.kind == "lockstep":
            lockstep += res
        else:
            records[t.arm] += res
    for recs in records.values():
        recs.sort(key=lambda r: r.replicate)
    lockstep.sort(key=lambda r: r.replicate)
    return Runs(arms, records, lockstep, pairs, level_runs, seed)
