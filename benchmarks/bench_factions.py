"""Benchmark: step time of a many-sided war with 3, 5 and 8 factions on a 60-place map.

The map is generated: a 6 x 10 grid of places 50 km apart, cut into as many
contiguous strips (in snake order) as there are factions, each a side of its
own with its home at the strip's first place; no backers or groups, so the
time is the factions', the combat's and the sides' (docs/ODD.md 7.11). Every
war runs ``--weeks`` weeks (collapse and ceasefires are switched off so wars
do not end early) for ``--reps`` seeds; the script prints the mean time per
step and the ratios between sizes, measured in the same run. Cost should grow
about linearly in the factions: the 8-faction step should cost about 8/3 of
the 3-faction step (the pair ceasefires grow with the pairs, but are cheap).

    python benchmarks/bench_factions.py [--reps N] [--weeks W]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import ProxyWarModel  # noqa: E402
from sim.scenario import ScenarioSpec  # noqa: E402

ROWS, COLS, KM = 6, 10, 50.0


def generated_spec(n_factions: int, weeks: int) -> ScenarioSpec:
    """A 60-place grid war of ``n_factions`` factions, each holding one strip."""
    order = [(r, c if r % 2 == 0 else COLS - 1 - c) for r in range(ROWS) for c in range(COLS)]
    pid = {rc: f"p{rc[0]}_{rc[1]}" for rc in order}
    owner = {rc: f"F{i * n_factions // len(order)}" for i, rc in enumerate(order)}
    places = {
        pid[rc]: {
            "name": pid[rc],
            "lon": rc[1] * 0.45,
            "lat": rc[0] * 0.45,
            "terrain": "open",
            "holder": owner[rc],
            "value": {"population": 0.2},
        }
        for rc in order
    }
    roads = []
    for r in range(ROWS):
        for c in range(COLS):
            if c + 1 < COLS:
                roads.append((pid[r, c], pid[r, c + 1], KM))
            if r + 1 < ROWS:
                roads.append((pid[r, c], pid[r + 1, c], KM))
    homes: dict[str, str] = {}
    for rc in order:
        homes.setdefault(owner[rc], pid[rc])
    factions = {
        f: {
            "name": f,
            "fighters": 5000.0,
            "objective": [homes[f"F{(int(f[1:]) + 1) % n_factions}"]],
            "home": home,
            "posture": "attack",
            "morale": 0.7,
            "cohesion": 0.9,
        }
        for f, home in homes.items()
    }
    data = {
        "name": f"bench_{n_factions}_factions",
        "description": "generated benchmark war",
        "start_date": dt.date(2020, 1, 2),
        "horizon_weeks": weeks,
        "front": {"objective": homes["F0"], "attacker": "F1"},
        "termination": {"collapse_share": 0.0, "collapse_cohesion": 0.0, "base_hazard": 0.0},
        "places": places,
        "roads": roads,
        "factions": factions,
    }
    return ScenarioSpec.model_validate(data)


def step_time(n_factions: int, reps: int, weeks: int) -> float:
    """Mean seconds per step over ``reps`` seeded wars."""
    spec = generated_spec(n_factions, weeks)
    ProxyWarModel(spec, rng=0, collect=False).run()  # warm the map cache
    steps = 0
    t0 = time.perf_counter()
    for seed in range(reps):
        m = ProxyWarModel(spec, rng=seed, collect=False).run()
        steps += m.week
    return (time.perf_counter() - t0) / max(1, steps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--weeks", type=int, default=52)
    args = ap.parse_args()
    sizes = (3, 5, 8)
    times = {n: step_time(n, args.reps, args.weeks) for n in sizes}
    for n in sizes:
        print(f"{n} factions: {times[n] * 1e3:.3f} ms per step")
    base = times[sizes[0]]
    for n in sizes[1:]:
        print(
            f"{n} vs {sizes[0]} factions: x{times[n] / base:.2f} "
            f"(linear would be x{n / sizes[0]:.2f})"
        )


if __name__ == "__main__":
    main()
