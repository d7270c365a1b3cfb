"""Tables and numbers as text: the one set of helpers every printed table and report uses.

Why one place: the sweep, comparison, sensitivity and calibration reports print
the same kinds of tables (aligned text in the terminal, GitHub markdown in the
reports) and the same kinds of numbers (probabilities, signed differences,
intervals); written once, they look the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def md_rows(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows of cells as a GitHub-flavoured markdown table."""
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def md_table(df: pd.DataFrame) -> str:
    """A DataFrame as a GitHub-flavoured markdown table (no extra dependency)."""
    return md_rows(list(df.columns), df.itertuples(index=False))


def aligned(head: Sequence[str], rows: Sequence[Sequence[str]], left: int) -> list[str]:
    """Rows of text cells as aligned lines: the first ``left`` columns left, the rest right."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'<' if i < left else '>'}{w}}}" for i, w in enumerate(widths))
    return [fmt.format(*r) for r in [head, *rows]]


def fmt(x: float, digits: int = 3) -> str:
    """A number with ``digits`` decimals, ``n/a`` when not finite."""
    return "n/a" if not np.isfinite(x) else f"{x:.{digits}f}"


def fmt_signed(x: float, digits: int = 3) -> str:
    """A signed number (a typographic minus), ``n/a`` when not finite."""
    return "n/a" if not np.isfinite(x) else f"{x:+.{digits}f}".replace("-", "−")


def ci_digits(lo: float, hi: float, digits: int) -> int:
    """Enough decimals that no non-zero end of an interval rounds to ±0.

    Why: "[−0.056, −0.000]" (significant) beside "[−0.000, +0.055]" (not) hides
    which side of zero an end is on; more digits make sign and verdict agree.
    """
    for d in range(digits, 9):
        if all(x == 0 or round(abs(x), d) > 0 for x in (lo, hi)):
            return d
    return 8


def ci_text(lo: float, hi: float, digits: int = 3) -> str:
    """An interval as ``[−0.050, +0.020]``, never rounding a non-zero end to zero."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "n/a"
    d = ci_digits(lo, hi, digits)
    return f"[{fmt_signed(lo, d)}, {fmt_signed(hi, d)}]"


def digits_for(values: Sequence[float]) -> int:
    """Decimals that suit a metric's size (weeks and km: 1, casualties: 0)."""
    big = max((abs(v) for v in values if np.isfinite(v)), default=0.0)
    return 0 if big >= 1000 else (1 if big >= 1 else 3)
