"""Parameter ensembles: a calibration's accepted parameter sets, read back as ``--set`` overrides.

Why apart: ``sweep``, ``compare`` and ``sensitivity --ensemble`` read the
file a calibration writes, without needing the calibration's machinery.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.scenario import (
    ScenarioSpec,
    load_scenario,
)


def read_ensemble(path: str | Path, spec: ScenarioSpec | None = None) -> list[dict[str, Any]]:
    """An ``ensemble.csv`` as a list of ``--set`` override dicts (one per member).

    Raises:
        ValueError: a missing, empty or malformed file (one line naming it).
    """
    p = Path(path)
    try:
        df = pd.read_csv(p)
    except FileNotFoundError:
        raise ValueError(f"{p}: file not found") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"{p}: expected a CSV of parameter sets, found {exc}") from None
    if df.empty or not len(df.columns):
        raise ValueError(f"{p}: expected at least one parameter set, found none")
    bad = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if bad:
        raise ValueError(f"{p}: {bad[0]}: expected numbers, found {df[bad[0]].iloc[0]!r}")
    if df.isna().any().any():
        raise ValueError(f"{p}: expected a value in every cell, found an empty one")
    members: list[dict[str, Any]] = []
    for _, row in df.iterrows():
        members.append(
            {
                str(k): (int(v) if pd.api.types.is_integer_dtype(df[k]) else float(v))
                for k, v in row.items()
            }
        )
    if spec is not None:
        load_scenario(spec, members[0])  # a key the scenario lacks fails here, named
    return members
