"""Sweep benchmarks: printed figures, not timed tests.

On the same model and seeds, this prints:

0. the fixed cost: a whole ``python run.py sweep SCENARIO --reps 10`` process
   (interpreter start-up, imports, runs, analysis, four figures, report),
   started several times, its median wall time (target: <= 1.5 s);
1. ``sweep`` against ``mesa.batch_run``, both with 2 processes: wall time and
   peak memory (targets: >= 1.5x faster, <= 0.5x the memory);
2. the speed-up of ``sweep`` from 1 to 2 workers (target: >= 1.8x);
3. the peak memory of a sweep at 1,000 and at 20,000 runs (target: within
   20 % of each other).

With ``--repeats K`` parts [1] and [2] measure each side K times, alternating,
and keep each side's fastest run: on a machine shared with other work, load
only ever adds time, and alternating gives both sides the same chances.

Each measurement runs in a fresh Python process; a sampler in this process
polls (Linux ``/proc``) the whole process tree (the run and its workers) every 50 ms and
records the peak of the summed PSS (proportional set size: shared pages split
between the processes sharing them, so forked workers are not counted twice)
and of the summed RSS. Wall times are of the call itself (pool start-up
included, interpreter start-up and imports not). Beside them, the CPU time of
the whole process tree (imports included, and workers' own start-up): less
swayed than wall time by other work on a shared machine.

Usage::

    python benchmarks/bench_sweep.py                      # everything, default sizes
    python benchmarks/bench_sweep.py --runs 400 --speedup-runs 1000 \\
        --memory-runs 1000 20000 --weeks 52               # what the report quotes
    python benchmarks/bench_sweep.py --only batch         # one part: small, batch, speedup, memory
    python benchmarks/bench_sweep.py --only batch --runs 3000 --repeats 3   # fastest of 3 each
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


# -- measurement ---------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """All descendants of a process (Linux /proc; no extra dependency)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces: the fields after its closing paren
        fields = stat[stat.rfind(")") + 2 :].split()
        parent[int(entry.name)] = int(fields[1])
    out, frontier = [], [pid]
    while frontier:
        cur = frontier.pop()
        kids = [p for p, pp in parent.items() if pp == cur]
        out += kids
        frontier += kids
    return out


def _tree_memory(pids: list[int]) -> tuple[int, int]:
    """Summed (PSS, RSS) of these processes, in bytes."""
    pss = rss = 0
    for p in pids:
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key == "Pss":
                pss += int(value.split()[0]) * 1024
            elif key == "Rss":
                rss += int(value.split()[0]) * 1024
    return pss, rss


def measure(args: list[str]) -> dict:
    """Run ``bench_sweep.py _child ARGS`` and return its report plus peak memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = {"pss": 0, "rss": 0}
    stop = threading.Event()

    def sample() -> None:
        tree, listed = [proc.pid], 0.0
        while not stop.is_set():
            now = time.monotonic()
            if now - listed > 0.5:  # listing /proc is the costly part: twice a second
                tree, listed = [proc.pid, *_children(proc.pid)], now
            pss, rss = _tree_memory(tree)
            peak["pss"] = max(peak["pss"], pss)
            peak["rss"] = max(peak["rss"], rss)
            stop.wait(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    stop.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child {args} failed:\n{err.decode()[-2000:]}")
    report = json.loads(out.decode().strip().splitlines()[-1])
    report["peak_pss_mb"] = peak["pss"] / MB
    report["peak_rss_mb"] = peak["rss"] / MB
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and its reaped workers
    report["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return report


# -- what the child processes run ------------------------------------------------------


def child(argv: list[str]) -> None:
    """One measured job; prints a JSON line with its wall time and a result digest."""
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=("batch", "sweep"))
    p.add_argument("--scenario", required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--weeks", type=int, default=None)
    p.add_argument("--report", action="store_true")
    p.add_argument("--digest", action="store_true", help="return each run's final front")
    a = p.parse_args(argv)

    from sim.experiments.sweep import replicate_seeds

    seeds = replicate_seeds(a.seed, a.runs)
    if a.kind == "batch":
        import mesa
        import pandas as pd

        from sim import ProxyWarModel

        params: dict = {"scenario": a.scenario}
        if a.weeks is not None:
            params["weeks"] = a.weeks
        t0 = time.perf_counter()
        results = mesa.batch_run(
            ProxyWarModel,
            params,
            rng=seeds,
            max_steps=10_000,  # the model stops itself at the end of the war or the horizon
            number_processes=a.workers,
            data_collection_period=-1,
            display_progress=False,
        )
        df = pd.DataFrame(results)
        wall = time.perf_counter() - t0
        # the seed sits in the "rng" column; order by it to compare with the sweep
        df = df.sort_values("rng")
        digest = [float(x) for x in df["front_km"]]
        seeds_sorted = [int(s) for s in df["rng"]]
    else:
        from sim.experiments.sweep import read_runs, run_sweep

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            run_sweep(
                [a.scenario],
                reps=a.runs,
                seed=a.seed,
                out=tmp,
                workers=a.workers,
                weeks=a.weeks,
                progress=False,
                report=a.report,
            )
            wall = time.perf_counter() - t0
            digest, seeds_sorted = [], []
            if a.digest:
                runs = read_runs(Path(tmp) / "runs.csv").sort_values("seed")
                digest = [float(x) for x in runs["front_km"]]
                seeds_sorted = [int(s) for s in runs["seed"]]
    print(
        json.dumps(
            {
                "wall": wall,
                "runs": a.runs,
                "front": digest,
                "seeds": seeds_sorted,
            }
        )
    )


def small_sweep(scenario: str, reps: int, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times of whole ``run.py sweep`` processes, as a user starts them.

    Why whole processes: what a small sweep costs is mostly starting Python and
    importing Mesa, pandas, scipy and matplotlib, which an in-process timer misses.
    One run first, not counted, so the file cache is warm and, as on a user's
    machine, Python has written the bytecode of ``sim/`` (``make`` compiles it
    on install; ``PYTHONDONTWRITEBYTECODE`` is dropped here for the same reason).
    The CPU time is that of the process and its helpers: less swayed by other
    work on a shared machine than the wall time, but it counts both cores.
    """
    walls, cpus = [], []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, str(ROOT / "run.py"), "sweep", scenario, "--reps", str(reps)]
        cmd += ["--out", tmp, "--force", "--no-progress"]
        for i in range(repeats + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, env=env)
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                raise SystemExit(f"small sweep failed:\n{done.stderr.decode()[-2000:]}")
            if i:
                walls.append(wall)
                cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return walls, cpus


def fastest_pair(a: list[str], b: list[str], repeats: int) -> tuple[dict, dict]:
    """Measure ``a`` and ``b`` alternately ``repeats`` times; each one's fastest run.

    Why: on a shared machine other work only adds wall time, so the fastest of
    several runs is the closest to what the code costs, and alternating lets
    both sides meet the same load.
    """
    first, second = measure(a), measure(b)
    for _ in range(max(1, repeats) - 1):
        first = min(first, measure(a), key=lambda r: r["wall"])
        second = min(second, measure(b), key=lambda r: r["wall"])
    return first, second


# -- the report ------------------------------------------------------------------------


def _line(label: str, r: dict) -> str:
    return (
        f"    {label:<22} wall {r['wall']:7.2f} s   peak memory {r['peak_pss_mb']:7.1f} MB PSS "
        f"({r['peak_rss_mb']:.1f} MB RSS)   cpu {r['cpu']:7.1f} s"
    )


def _verdict(value: float, target: float, higher: bool) -> str:
    ok = value >= target if higher else value <= target
    return "meets target" if ok else "MISSES target"


def main() -> None:
    """Parse the sizes and print the three benchmarks."""
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child(sys.argv[2:])
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default=str(ROOT / "scenarios" / "libya_2019.toml"))
    p.add_argument("--weeks", type=int, default=None, help="horizon override (default: file's)")
    p.add_argument("--runs", type=int, default=400, help="runs for sweep vs batch_run")
    p.add_argument("--speedup-runs", type=int, default=1000, help="runs for 1 vs 2 workers")
    p.add_argument("--memory-runs", type=int, nargs=2, default=[1000, 20000])
    p.add_argument("--small-reps", type=int, default=10, help="runs of the small sweep")
    p.add_argument("--small-repeats", type=int, default=5, help="times the small sweep is timed")
    p.add_argument("--only", choices=("small", "batch", "speedup", "memory"), action="append")
    p.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="[1] and [2]: measure each side K times, keep the fastest",
    )
    a = p.parse_args()
    parts = a.only or ["small", "batch", "speedup", "memory"]
    common = ["--scenario", a.scenario] + (["--weeks", str(a.weeks)] if a.weeks else [])

    from sim import load_scenario

    spec = load_scenario(a.scenario)
    horizon = a.weeks or spec.horizon_weeks
    print(
        f"model: {spec.name} ({a.scenario}), horizon {horizon} weeks; seeds: sim.experiments.sweep"
    )
    print("       replicate_seeds(1, N) (numpy SeedSequence children), the same for every tool")

    if "small" in parts:
        n, k = a.small_reps, a.small_repeats
        print(f"\n[0] fixed cost: a whole `run.py sweep --reps {n}` process, {k} times")
        walls, cpus = small_sweep(a.scenario, n, k)
        times = sorted(walls)
        median = statistics.median(times)
        print(f"    wall min {times[0]:.2f} s, median {median:.2f} s, max {times[-1]:.2f} s")
        print(
            f"    cpu  min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s (both cores)"
        )
        print(f"    median (target <= 1.5 s: {_verdict(median, 1.5, False)})")
        cores = os.cpu_count()
        print(f"    load average at the end {os.getloadavg()[0]:.1f} on {cores} cores")

    if "batch" in parts:
        each = f", fastest of {a.repeats}" if a.repeats > 1 else ""
        print(f"\n[1] sweep vs mesa.batch_run, {a.runs} runs, 2 processes each{each}")
        batch, sweep = fastest_pair(
            ["batch", *common, "--runs", str(a.runs), "--workers", "2"],
            ["sweep", *common, "--runs", str(a.runs), "--workers", "2", "--digest"],
            a.repeats,
        )
        print(_line("mesa.batch_run", batch))
        print(_line("sweep (files+summary)", sweep))
        speed = batch["wall"] / sweep["wall"]
        mem = sweep["peak_pss_mb"] / batch["peak_pss_mb"]
        same = batch["seeds"] == sweep["seeds"] and batch["front"] == sweep["front"]
        print(f"    speed-up {speed:.2f}x (target >= 1.5x: {_verdict(speed, 1.5, True)})")
        print(f"    memory   {mem:.2f}x (target <= 0.5x: {_verdict(mem, 0.5, False)})")
        print(f"    same final front line for every seed: {'yes' if same else 'NO'}")

    if "speedup" in parts:
        n = a.speedup_runs
        each = f", fastest of {a.repeats}" if a.repeats > 1 else ""
        print(f"\n[2] sweep speed-up from 1 to 2 workers, {n} runs{each}")
        one, two = fastest_pair(
            ["sweep", *common, "--runs", str(n), "--workers", "1", "--digest"],
            ["sweep", *common, "--runs", str(n), "--workers", "2", "--digest"],
            a.repeats,
        )
        print(_line("1 worker (in-process)", one))
        print(_line("2 workers (processes)", two))
        s = one["wall"] / two["wall"]
        print(f"    speed-up {s:.2f}x (target >= 1.8x: {_verdict(s, 1.8, True)})")
        print(f"    identical results: {'yes' if one['front'] == two['front'] else 'NO'}")

    if "memory" in parts:
        small, large = a.memory_runs
        print("\n[3] peak memory of a full sweep (files, summary, figures, report), 2 workers")
        lo = measure(["sweep", *common, "--runs", str(small), "--workers", "2", "--report"])
        hi = measure(["sweep", *common, "--runs", str(large), "--workers", "2", "--report"])
        print(_line(f"{small} runs", lo))
        print(_line(f"{large} runs", hi))
        growth = hi["peak_pss_mb"] / lo["peak_pss_mb"] - 1
        print(
            f"    growth {growth * 100:+.1f} % PSS, "
            f"{(hi['peak_rss_mb'] / lo['peak_rss_mb'] - 1) * 100:+.1f} % RSS "
            f"(target within 20 %: {_verdict(abs(growth), 0.2, False)})"
        )


if __name__ == "__main__":
    main()
