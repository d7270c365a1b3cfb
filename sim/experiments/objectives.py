"""Front distances per objective: one weekly series per faction in a war on sides.

Why a file of its own: a two-faction war has one front that matters (the
scenario's ``[front]``: the attacker's distance to the contested place), and
``front_series.csv``/``front.csv`` keep exactly that, byte for byte. A war of
three or more factions has as many fronts as factions: each faction's seat of
power (its ``home``) is threatened by its nearest enemy. Those series go into
two more files, written only when a sweep holds a many-sided scenario:

``front_objectives_series.csv``
    ``scenario, replicate, objective, w0..wN``: per run and objective, the
    weekly road distance (km) from the faction's home to the nearest place
    held by a faction at war with it (weeks ``0..N``, padded with the last
    value after the war ends, empty from the week the faction fell, or while
    no faction is at war with it).
``front_objectives.csv``
    ``scenario, objective, objective_name, week, date, q05..q95, at_war``:
    the weekly quantiles over the runs where the faction still stands and
    some faction is at war with it, and the share of runs in which that is
    so (``at_war``; it falls as factions fall or settle with all enemies).

The objective ids read ``home:<FACTION>``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis import summaries as analysis

if TYPE_CHECKING:
    from sim.model import ProxyWarModel
    from sim.scenario import ScenarioSpec

from sim.experiments.store import OBJECTIVES_KEY, OBJECTIVES_SERIES_FILE

__all__ = ["OBJECTIVES_KEY", "OBJECTIVES_SERIES_FILE", "objective_quantiles", "objective_series"]

OBJECTIVES_FILE = "front_objectives.csv"
OBJECTIVES_FIGURE = "front_objectives_fan.png"
#: what a fresh sweep removes from its folder first (a two-faction sweep writes none)
OUTPUT_FILES = (OBJECTIVES_SERIES_FILE, OBJECTIVES_FILE, OBJECTIVES_FIGURE)
PREFIX = "home:"


def objective_id(fid: str) -> str:
    """The id of faction ``fid``'s objective (its seat of power)."""
    return f"{PREFIX}{fid}"


def objective_names(spec: ScenarioSpec) -> dict[str, str]:
    """Objective id -> what its distance measures, in words (titles, ``objective_name``)."""
    out = {}
    for fid, f in spec.factions.items():
        place = spec.places[f.home].name if f.home in spec.places else f.home
        out[objective_id(fid)] = (
            f"{fid} (side {spec.side_of(fid)}): km by road from {place} "
            "to the nearest enemy-held place"
        )
    return out


def objective_starts(model: ProxyWarModel) -> dict[str, float] | None:
    """Each faction's front at week 0, or None in a two-faction war (nothing to record)."""
    if model.sides is None:
        return None
    return {f.fid: model.sides.front.get(f.fid, math.nan) for f in model.factions}


def objective_series(model: ProxyWarModel, starts: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Objective id -> weekly km, weeks ``0..horizon``, padded as the main front series.

    Why padded with the last value: the front stays where the war ended, so
    quantiles over runs that ended at different weeks still compare like with
    like (as in ``front_series.csv``).
    """
    out: dict[str, np.ndarray] = {}
    sides = model.sides
    if sides is None:
        return out
    for f in model.factions:
        series = sides.fronts[f.fid]
        arr = np.empty(model.horizon + 1, dtype=float)
        arr[0] = starts.get(f.fid, math.nan)
        n = min(len(series), model.horizon)
        arr[1 : n + 1] = series[:n]
        arr[n + 1 :] = series[n - 1] if n else arr[0]
        fell = sides.fallen.get(f.fid)
        if fell is not None:  # the week's front was taken before the fall: none from then on
            arr[fell:] = math.nan
        out[objective_id(f.fid)] = arr
    return out


def read_objective_series(
    path: str | Path, scenario: str | None = None
) -> Iterator[tuple[str, int, str, np.ndarray]]:
    """Yield ``(scenario, replicate, objective, weekly km)`` from the series file.

    Empty cells (a fallen faction) come back as NaN; the trailing cells past a
    scenario's horizon are dropped.
    """
    import csv

    p = Path(path)
    if p.is_dir():
        p = p / OBJECTIVES_SERIES_FILE
    with p.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        weeks = len(header) - 3
        for fields in reader:
            if len(fields) != weeks + 3:
                continue
            name, rep, obj = fields[0], fields[1], fields[2]
            if scenario is not None and name != scenario:
                continue
            yield name, int(rep), obj, _cells(fields[3:])


def _cells(cells: list[str]) -> np.ndarray:
    """Weekly cells: empty is NaN (a fallen faction) except past the horizon (dropped)."""
    return np.array([float(x) if x != "" else math.nan for x in cells])


def objective_quantiles(
    out: Path, specs: Mapping[str, ScenarioSpec], horizons: Mapping[str, int]
) -> pd.DataFrame | None:
    """Write ``front_objectives.csv`` from the series file; None when there is none.

    Args:
        out: the sweep folder.
        specs: scenario label -> scenario (names and dates).
        horizons: scenario label -> weeks run (the series' length minus one).
    """
    path = out / OBJECTIVES_SERIES_FILE
    if not path.exists():
        return None
    acc: dict[tuple[str, str], analysis.FrontQuantiles] = {}
    at_war: dict[tuple[str, str], np.ndarray] = {}
    runs: dict[tuple[str, str], int] = {}
    for name, _, obj, series in read_objective_series(path):
        if name not in specs:
            continue
        key = (name, obj)
        series = series[: horizons[name] + 1]
        acc.setdefault(key, analysis.FrontQuantiles()).add(series)
        up = np.isfinite(series).astype(np.int64)
        at_war[key] = at_war.get(key, 0) + up
        runs[key] = runs.get(key, 0) + 1
    frames = []
    for name, spec in specs.items():
        words = objective_names(spec)
        for obj, text in words.items():
            key = (name, obj)
            if key not in acc:
                continue
            df = analysis.front_quantiles(acc[key], name, date_of=spec.date_of)
            df.insert(1, "objective", obj)
            df.insert(2, "objective_name", text)
            df["at_war"] = at_war[key] / runs[key]
            frames.append(df)
    cols = ["scenario", "objective", "objective_name", "week", "date"]
    table = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[*cols, *analysis.FRONT_QUANTILES, "at_war"])
    )
    table.to_csv(out / OBJECTIVES_FILE, index=False, float_format="%.6g")
    return table


def load_objective_quantiles(out: str | Path) -> pd.DataFrame | None:
    """``front_objectives.csv`` of a sweep folder, or None when the sweep had none."""
    path = Path(out) / OBJECTIVES_FILE
    if not path.exists():
        return None
    return pd.read_csv(path, keep_default_na=False, na_values=[""])
