"""Typed rows of a comparison's tables (``comparison.csv`` and ``differences.csv``).

Why: pandas types a cell read out of an ``itertuples`` row as the union of every
scalar a frame can hold, so arithmetic and formatting on it cannot be
type-checked. The comparison report reads each row once into one of these
records, converting every column to the type the table holds (see
:func:`sim.analysis.paired.paired_outcomes` and
:func:`sim.experiments.pairing.analyse_pairs`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from sim.analysis.frames import records

#: how a column is read, by the type its field is declared with
_READ: dict[str, Any] = {"str": str, "float": float, "int": int, "bool": bool}


def _read_rows(cls: Any, df: pd.DataFrame) -> list[Any]:
    """Every row of ``df`` as a ``cls``, each column converted to its field's declared type."""
    read = [(f.name, _READ[str(f.type)]) for f in fields(cls)]
    return [cls(**{name: conv(r[name]) for name, conv in read}) for r in records(df)]


@dataclass(frozen=True)
class OutcomeRow:
    """One row of ``comparison.csv``: an outcome's paired difference between two arms."""

    baseline: str
    alternative: str
    outcome: str
    p_baseline: float
    p_alternative: float
    difference: float
    ci_low: float
    ci_high: float
    pairs: int
    only_baseline: int
    only_alternative: int
    correlation: float
    significant: bool
    p_exact: float
    significant_holm: bool
    changed_share_max: float

    @classmethod
    def of(cls, df: pd.DataFrame) -> list[OutcomeRow]:
        """Every row of an outcome table, in order."""
        return _read_rows(cls, df)

    @property
    def changed(self) -> int:
        """Replicates that ended this way in one arm only."""
        return self.only_baseline + self.only_alternative


@dataclass(frozen=True)
class DifferenceRow:
    """One row of ``differences.csv``: a metric's paired mean difference between two arms.

    ``week`` and ``date`` are left out: the reports name a metric by ``metric``,
    which already says its date.
    """

    baseline: str
    alternative: str
    metric: str
    kind: str
    mean_baseline: float
    mean_alternative: float
    median_baseline: float
    median_alternative: float
    difference: float
    ci_low: float
    ci_high: float
    pairs: int
    changed: int
    correlation: float
    significant: bool
    p_exact: float
    significant_holm: bool

    @classmethod
    def of(cls, df: pd.DataFrame) -> list[DifferenceRow]:
        """Every row of a differences table, in order."""
        return _read_rows(cls, df)
