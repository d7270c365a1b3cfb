"""Dump what a refactor must not change, to compare two trees run for run.

Why: a move or split of code must leave every result bit-identical. This runs
four scenarios (baseline, a sanction, a binding mediation, a teaching theatre)
for six seeds each and writes every per-run summary column, the weekly front
series and the event log to a JSON file; run it on the old tree and the new one
and compare the two files (``cmp``, or the mismatch count it prints with
``--against``).

Usage::

    python tools/identity_check.py before.json            # on the old tree
    python tools/identity_check.py after.json --against before.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sim import ProxyWarModel, load_scenario

SCENARIOS = [
    "libya_2019.toml",
    "libya_wagner_sanctions.toml",
    "libya_berlin_binding.toml",
    "teaching_line.toml",
]


def fingerprint(seeds: int = 6) -> dict[str, dict[str, str]]:
    """Every run's summary, front series and event log, as text, keyed ``file:seed``."""
    out: dict[str, dict[str, str]] = {}
    for name in SCENARIOS:
        spec = load_scenario(name)
        for seed in range(seeds):
            m = ProxyWarModel(spec, rng=seed)
            m.run()
            row = {k: str(v) for k, v in m.summary().items()}
            row["front"] = str(list(m.front_series))
            row["events"] = str(m.events_log)
            out[f"{name}:{seed}"] = row
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the fingerprint; with ``--against``, count the values that differ (exit 1 if any)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--against", type=Path, help="an earlier fingerprint to compare with")
    p.add_argument("--seeds", type=int, default=6)
    args = p.parse_args(argv)
    new = fingerprint(args.seeds)
    args.out.write_text(json.dumps(new, indent=0, sort_keys=True))
    if args.against is None:
        return 0
    old = json.loads(args.against.read_text())
    bad = [
        (run, key)
        for run in sorted(set(old) | set(new))
        for key in sorted(set(old.get(run, {})) | set(new.get(run, {})))
        if old.get(run, {}).get(key) != new.get(run, {}).get(key)
    ]
    values = sum(len(v) for v in new.values())
    print(f"{len(new)} runs, {values} values, {len(bad)} mismatches")
    for run, key in bad[:20]:
        print(f"  {run} {key}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
