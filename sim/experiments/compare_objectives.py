"""Each faction's front at the horizon, paired between the arms of a comparison (wars on sides).

Why: in a war of three or more factions the scenario's one ``[front]`` says
little (in Yemen, the Houthis' distance to Aden); a policy may move one
faction's front and not another's. Each faction's objective is its seat of
power (``home:X``, see :mod:`sim.experiments.objectives`); this module takes
its front at the horizon from each arm's ``front_objectives_series.csv`` and
asks the same question as ``differences.csv`` asks of the main front: the
paired mean difference (alternative − baseline) with its interval, from
:func:`sim.analysis.paired.paired_row` (the very statistics of every other
row of a comparison).

Which pairs count: a faction has no front once it has fallen, or while no
faction is at war with it (the series' empty cells). A pair enters an
objective's row only when the faction has a front at the horizon in *both*
arms; ``no_front_baseline`` and ``no_front_alternative`` count the paired
replicates left out because it had none in that arm. Read a row as "among
the replicates in which X still stands and fights in both arms".

The Holm adjustment runs over this table's rows (a family of its own), so
``differences.csv`` and its adjustment stay as they are. A two-faction
comparison has no such table (the file is not written).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.paired import holm_columns, pair_runs, paired_row
from sim.experiments import objectives
from sim.experiments.comparison_rows import DifferenceRow
from sim.experiments.pairing import DIFFERENCE_COLUMNS
from sim.scenario import ScenarioSpec

#: differences.csv's columns, with whose front it is and the pairs left out for want of one
OBJECTIVE_DIFFERENCE_COLUMNS = [
    *DIFFERENCE_COLUMNS[:2],
    "objective",
    "faction",
    *DIFFERENCE_COLUMNS[2:],
    "no_front_baseline",
    "no_front_alternative",
]


@dataclass(frozen=True)
class ObjectiveRow(DifferenceRow):
    """One row of ``objective_differences.csv``: a ``differences.csv`` row and whose front it is."""

    objective: str
    faction: str
    no_front_baseline: int
    no_front_alternative: int

    @classmethod
    def rows_of(cls, df: pd.DataFrame) -> list[ObjectiveRow]:
        """Every row of an objective table, in order (each column read as its field's type)."""
        return [r for r in cls.of(df) if isinstance(r, ObjectiveRow)]

    @property
    def label(self) -> str:
        """The row's name in the tables: the objective in words and the faction."""
        return f"{self.metric}, {self.faction}"


def objective_metric_names(spec: ScenarioSpec) -> dict[str, str]:
    """Objective id -> its row's name in words, e.g. ``front from Aden (km)``.

    Two factions with one seat (possible, if odd) get their ids appended, so
    every row's name is unique.
    """
    names = {}
    for fid, f in spec.factions.items():
        place = spec.places[f.home].name if f.home in spec.places else f.home
        names[objectives.objective_id(fid)] = f"front from {place} (km)"
    counts = pd.Series(list(names.values())).value_counts()
    return {
        obj: (f"{text[:-1]}, {obj.removeprefix(objectives.PREFIX)})" if counts[text] > 1 else text)
        for obj, text in names.items()
    }


def objective_fronts_at(path: Path, labels: Sequence[str], week: int) -> dict[str, pd.DataFrame]:
    """Each arm's front per objective at ``week``: replicates x objectives (km, NaN: no front).

    Streams ``front_objectives_series.csv`` once.
    """
    cells: dict[str, dict[str, dict[int, float]]] = {s: {} for s in labels}
    for name, rep, obj, series in objectives.read_objective_series(path):
        if name not in cells:
            continue
        value = float(series[min(week, series.size - 1)]) if series.size else math.nan
        cells[name].setdefault(obj, {})[rep] = value
    out = {}
    for s in labels:
        df = pd.DataFrame(cells[s])
        df.index.name = "replicate"
        out[s] = df.sort_index()
    return out


def objective_differences(
    arms: Path,
    runs: pd.DataFrame,
    specs: Mapping[str, ScenarioSpec],
    baseline: str,
    alternatives: Sequence[str],
    week: int,
    confidence: float = 0.95,
    method: str = "t",
    seed: int = 0,
) -> pd.DataFrame:
    """The paired difference of each faction's front at ``week`` (``objective_differences.csv``).

    Args:
        arms: the arms' sweep folder (holding ``front_objectives_series.csv``).
        runs: the arms' ``runs.csv`` (only replicates successful in both arms are paired).
        specs: arm label -> scenario (the baseline's names the objectives).
        baseline: the baseline's label.
        alternatives: the alternatives' labels, in table order.
        week: the week compared (the comparison's horizon).
        confidence: interval level.
        method: interval method (see :func:`sim.analysis.paired.paired_interval`).
        seed: root seed; alternative ``k``'s bootstrap seed is ``seed * 1009 + k``, as in
            ``differences.csv``.

    Returns:
        One row per alternative and objective, in the baseline's faction order;
        empty (with the columns) when the sweep holds no war on sides.
    """
    path = arms / objectives.OBJECTIVES_SERIES_FILE
    if not path.exists():
        return pd.DataFrame(columns=OBJECTIVE_DIFFERENCE_COLUMNS)
    spec = specs[baseline]
    names = objective_metric_names(spec)
    fronts = objective_fronts_at(path, [baseline, *alternatives], week)
    day = spec.date_of(week).isoformat()
    rows: list[dict[str, Any]] = []
    for k, alt in enumerate(alternatives):
        paired = pair_runs(runs, baseline, alt).index
        fb, fa = fronts[baseline], fronts[alt]
        common = paired.intersection(fb.index).intersection(fa.index)
        for obj, metric in names.items():
            if obj not in fb or obj not in fa:
                continue
            b_all = fb.loc[common, obj].to_numpy(dtype=float)
            a_all = fa.loc[common, obj].to_numpy(dtype=float)
            both = np.isfinite(b_all) & np.isfinite(a_all)
            b, a = b_all[both], a_all[both]
            rows.append(
                {
                    "baseline": baseline,
                    "alternative": alt,
                    "objective": obj,
                    "faction": obj.removeprefix(objectives.PREFIX),
                    "metric": metric,
                    "kind": "number",  # as in differences.csv, so the two tables concatenate
                    "week": int(week),
                    "date": day,
                    **paired_row(b, a, confidence, method, seed * 1009 + k),
                    "median_baseline": float(np.median(b)) if b.size else math.nan,
                    "median_alternative": float(np.median(a)) if a.size else math.nan,
                    "no_front_baseline": int((~np.isfinite(b_all)).sum()),
                    "no_front_alternative": int((~np.isfinite(a_all)).sum()),
                }
            )
    table = pd.DataFrame(rows, columns=OBJECTIVE_DIFFERENCE_COLUMNS)
    return holm_columns(table, 1 - confidence)
