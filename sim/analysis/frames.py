"""Reading a DataFrame's rows with types a checker can follow.

Why: pandas types a cell read out of an ``itertuples`` row as the union of
every scalar a frame can hold, so arithmetic and formatting on it cannot be
type-checked. :func:`records` hands the rows over as plain mappings; the caller
converts each value it uses to the type its table holds (``float(r["p"])``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd


def records(df: pd.DataFrame) -> list[dict[Hashable, Any]]:
    """The frame's rows as column -> value mappings, in order (values as Python scalars)."""
    return df.to_dict("records")
