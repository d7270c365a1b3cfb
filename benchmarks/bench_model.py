"""Benchmark: one Libya 2019 replication against a bare Mesa model of the same size.

Prints the median wall time of one replication of ``scenarios/libya_2019.toml``
(104-week horizon), with and without the weekly DataCollector, next to a bare
Mesa model with the same number of agents (factions + backers + groups), the
same number of steps (the replication's own, since a war may end early) and,
in one variant, a DataCollector with the same number of model reporters.

Targets (issue): median <= 10 ms per replication on the 2-core CI machine, and
<= 3x the bare model.

    python benchmarks/bench_model.py [--reps N] [--repeat K] [--profile] [--check]
                                     [--instructions N]

Wall times need a quiet machine. ``--instructions N`` also counts the machine
instructions of N replications of each model under valgrind's callgrind (about
a minute per replication): a count does not change with the load on the other
core, so it tracks progress on a busy machine, though instructions are not
time (the real model runs fewer instructions per cycle than the bare one).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import mesa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import ProxyWarModel, load_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "libya_2019.toml"
TARGET_MS = 10.0
TARGET_RATIO = 3.0


class BareAgent(mesa.Agent):
    """An agent whose weekly step does trivial work."""

    def __init__(self, model: mesa.Model):
        super().__init__(model)
        self.value = 0.0

    def step(self) -> None:
        self.value += self.model.random.random()


class BareModel(mesa.Model):
    """The same number of agents and reporters as the real model, and nothing else."""

    def __init__(self, n_agents: int, n_reporters: int, collect: bool, rng: int | None = None):
        super().__init__(rng=rng)
        for _ in range(n_agents):
            BareAgent(self)
        self.total = 0.0
        self.collect = collect
        reporters = {f"r{i}": (lambda m: m.total) for i in range(n_reporters)}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        if collect:
            self.datacollector.collect(self)

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.total = sum(a.value for a in self.agents)
        if self.collect:
            self.datacollector.collect(self)


def time_model(scenario, seed: int, collect: bool) -> tuple[float, float, int]:
    """Wall and CPU seconds for one replication (construction included), and its steps."""
    w0, c0 = time.perf_counter(), time.process_time()
    m = ProxyWarModel(scenario, rng=seed, collect=collect)
    m.run()
    return time.perf_counter() - w0, time.process_time() - c0, m.steps


def time_bare(
    n_agents: int, n_reporters: int, steps: int, seed: int, collect: bool
) -> tuple[float, float]:
    """Wall and CPU seconds for the bare model over the same number of steps."""
    w0, c0 = time.perf_counter(), time.process_time()
    m = BareModel(n_agents, n_reporters, collect, rng=seed)
    for _ in range(steps):
        m.step()
    return time.perf_counter() - w0, time.process_time() - c0


def _run_for_callgrind(what: str, n: int, collect: bool) -> None:
    """The measured part of an instruction count: ``n`` replications of one model.

    ``what`` is ``model``, ``bare`` (after finding each replication's number of
    steps) or ``steps`` (only that: the baseline subtracted from ``bare``).
    """
    spec = load_scenario(SCENARIO)
    probe = ProxyWarModel(spec, rng=0)
    n_agents, n_reporters = len(probe.agents), len(probe.datacollector.model_reporters)
    if what == "model":
        for seed in range(n):
            ProxyWarModel(spec, rng=seed, collect=collect).run()
        return
    steps = [ProxyWarModel(spec, rng=s, collect=False).run().steps for s in range(n)]
    if what == "bare":
        for seed in range(n):
            time_bare(n_agents, n_reporters, steps[seed], seed, collect)


def _instructions(what: str, n: int, collect: bool) -> int:
    """Instructions callgrind counts for this script doing ``n`` replications."""
    cmd = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--_callgrind", what, str(n), "1" if collect else "0",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    found = re.search(r"Collected : (\d+)", out)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(found.group(1))


def instruction_counts(n: int) -> None:
    """Print instructions per replication, model against bare (set-up subtracted)."""
    if shutil.which("valgrind") is None:
        print("\n--instructions: valgrind is not installed; skipped")
        return
    print(f"\ninstructions per replication (callgrind, {n} replications each, set-up subtracted):")
    for collect in (True, False):
        model = (_instructions("model", n, collect) - _instructions("model", 0, collect)) / n
        bare = (_instructions("bare", n, collect) - _instructions("steps", n, collect)) / n
        print(
            f"  collect={collect!s:5}: model {model / 1e6:6.1f} M, bare {bare / 1e6:6.1f} M "
            f"({model / bare:.2f}x)"
        )


def _ms(xs: list[float]) -> str:
    q = statistics.quantiles(xs, n=10)
    med = 1e3 * statistics.median(xs)
    return f"median {med:7.2f} ms  (p10 {1e3 * q[0]:6.2f}, p90 {1e3 * q[-1]:6.2f})"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (exit 1 on a missed target with --check)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=60, help="replications (seeds) per variant")
    ap.add_argument(
        "--repeat", type=int, default=3, help="timings per seed; the fastest is kept (default 3)"
    )
    ap.add_argument("--profile", action="store_true", help="also print cProfile hotspots")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument(
        "--instructions",
        type=int,
        default=0,
        metavar="N",
        help="also count instructions of N replications under callgrind (slow)",
    )
    ap.add_argument("--_callgrind", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._callgrind:
        what, n, collect = args._callgrind
        _run_for_callgrind(what, int(n), collect == "1")
        return 0

    spec = load_scenario(SCENARIO)
    probe = ProxyWarModel(spec, rng=0)
    n_agents = len(probe.agents)
    n_reporters = len(probe.datacollector.model_reporters)
    for seed in range(3):  # warm-up: imports, cached road distances
        time_model(spec, seed, True)
        time_bare(n_agents, n_reporters, 104, seed, True)

    print(
        f"{SCENARIO.name}: horizon {spec.horizon_weeks} weeks, {n_agents} agents "
        f"({len(spec.factions)} factions, {len(spec.backers)} backers, {len(spec.groups)} "
        f"groups), {n_reporters} model reporters; {args.reps} seeds per variant, the fastest "
        f"of {args.repeat} timings each"
    )
    ok = True
    for collect in (True, False):
        runs: dict[str, list[float]] = {k: [] for k in ("path", "spec", "bare", "cpu", "cpu_bare")}
        steps = []
        for seed in range(args.reps):
            # each seed `--repeat` times, interleaved, keeping the fastest of each: a
            # shared machine only ever adds time, so the minimum is the least disturbed
            best = dict.fromkeys(runs, float("inf"))
            for _ in range(args.repeat):
                wall, cpu, n = time_model(SCENARIO, seed, collect)
                best["path"], best["cpu"] = min(best["path"], wall), min(best["cpu"], cpu)
                best["spec"] = min(best["spec"], time_model(spec, seed, collect)[0])
                wall, cpu = time_bare(n_agents, n_reporters, n, seed, collect)
                best["bare"], best["cpu_bare"] = min(best["bare"], wall), min(best["cpu_bare"], cpu)
            for k, v in best.items():
                runs[k].append(v)
            steps.append(n)
        label = "collect=True " if collect else "collect=False"
        med = 1e3 * statistics.median(runs["path"])
        ratio = statistics.median(runs["path"]) / statistics.median(runs["bare"])
        cpu_ratio = statistics.median(runs["cpu"]) / statistics.median(runs["cpu_bare"])
        dc = "with" if collect else "without"
        print(f"\n{label} (mean {statistics.fmean(steps):.1f} steps per replication)")
        print(f"  ProxyWarModel(path)   {_ms(runs['path'])}")
        print(f"  ProxyWarModel(spec)   {_ms(runs['spec'])}   (scenario loaded once, as sweeps do)")
        print(f"  bare Mesa model       {_ms(runs['bare'])}   ({dc} a DataCollector)")
        print(
            f"  CPU time: model(path) {1e3 * statistics.median(runs['cpu']):.2f} ms, bare "
            f"{1e3 * statistics.median(runs['cpu_bare']):.2f} ms ({cpu_ratio:.2f}x)"
        )
        hit_ms, hit_ratio = med <= TARGET_MS, ratio <= TARGET_RATIO
        ok = ok and hit_ms and hit_ratio
        print(
            f"  target <= {TARGET_MS:.0f} ms: {'met' if hit_ms else 'MISSED'} ({med:.2f} ms); "
            f"target <= {TARGET_RATIO:.0f}x bare: {'met' if hit_ratio else 'MISSED'} "
            f"({ratio:.2f}x)"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nload average at the end: {load:.2f} on {os.cpu_count()} CPUs "
        "(wall times need a quiet machine)"
    )

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for seed in range(args.reps):
            time_model(spec, seed, True)
        prof.disable()
        print("\ncProfile, collect=True, scenario loaded once (top 20 by own time):")
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    if args.instructions > 0:
        instruction_counts(args.instructions)
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
