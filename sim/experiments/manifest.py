"""A sweep's manifest: what was asked, by which code, and whether a folder holds the same run.

Why apart: provenance (git revision, package versions) and the check that
``--resume`` continues the same sweep are read by every command that stores
runs, and the one atomic JSON write lives here.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.experiments.design import (
    horizon_of,
)
from sim.experiments.store import FRONT_FILE, RUNS_FILE, StoreError
from sim.scenario import ScenarioSpec

MANIFEST_FILE = "manifest.json"


def git_revision() -> dict[str, Any]:
    """The checkout's commit and whether ``sim/`` has uncommitted changes (None outside git)."""
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


def package_versions() -> dict[str, str]:
    """Python's and the scientific packages' versions: results depend on them too."""
    out = {"python": platform.python_version()}
    for pkg in ("proxywar", "mesa", "numpy", "scipy", "pandas", "pydantic", "matplotlib"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def sweep_design(
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


def check_resume(path: Path, design: dict[str, Any], reps: int) -> None:
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


def write_json_atomic(path: Path, data: Mapping[str, Any]) -> None:
    """Write JSON so that a reader sees the old file or the new one, never half of one.

    Why: a manifest is how ``--resume`` knows the folder's run; a crash while
    writing it must not leave a file that refuses every later command.
    """
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


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
