"""Forest of each faction's front at the horizon, paired between arms (wars on sides).

Why a figure of its own: ``comparison_forest.png`` shows probabilities (0–1);
fronts are in km, and in a war on sides there is one per faction
(``objective_differences.csv``, :mod:`sim.experiments.compare_objectives`),
so they get their own axis rather than a second scale squeezed into the first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# isort: off
from sim.viz.common import (  # chooses the backend before pyplot is imported
    SCENARIO_COLOURS,
    _finish,
    alternatives_legend,
    overrides_note,
)

import matplotlib.pyplot as plt
# isort: on


def plot_objective_forest(
    table: Any,
    path: str | Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Forest plot of each faction's front at the horizon: paired difference in km.

    One row per alternative and objective (``objective_differences.csv``): the
    dot is the paired mean difference (alternative − baseline), the whiskers
    its interval, a filled dot means significant. Negative: the nearest enemy
    is nearer that faction's seat. The right margin says over how many pairs
    (the faction stands and fights in both arms) and how many had no front in
    either arm.
    """
    rows = list(table.itertuples(index=False))
    alternatives = list(dict.fromkeys(str(r.alternative) for r in rows))
    colours = {
        a: SCENARIO_COLOURS[(i + 1) % len(SCENARIO_COLOURS)] for i, a in enumerate(alternatives)
    }
    fig, ax = plt.subplots(figsize=(10, 1.9 + 0.36 * max(1, len(rows))), layout="constrained")
    labels, notes = [], []
    for y, r in enumerate(rows):
        c = colours[str(r.alternative)]
        low, high, diff = float(r.ci_low), float(r.ci_high), float(r.difference)
        if math.isfinite(low) and math.isfinite(high):
            ax.plot([low, high], [y, y], color=c, lw=2)
        if math.isfinite(diff):
            ax.plot([diff], [y], "o", color=c, mfc=c if r.significant else "white", ms=6, zorder=3)
        label = f"{r.metric}, {r.faction}"
        labels.append(label if len(alternatives) == 1 else f"{r.alternative}: {label}")
        notes.append(
            f"{int(r.pairs)} pairs; no front {int(r.no_front_baseline)} / "
            f"{int(r.no_front_alternative)}"
        )
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    right = ax.secondary_yaxis("right")
    right.set_yticks(range(len(rows)), notes, fontsize=7, color="0.3")
    ax.set_xlabel(
        "paired difference in km (alternative − baseline), 95 % interval; "
        "negative: the nearest enemy is nearer"
    )
    base = str(rows[0].baseline) if rows else ""
    day = f" on {rows[0].date}" if rows else ""
    ax.set_title(
        f"Each faction's front at the horizon{day}, against {base}{overrides_note(overrides)}\n"
        "km by road from its seat of power to the nearest enemy-held place, over the pairs in "
        "which it stands and fights in both arms\n(filled dot: significant; right: pairs used, "
        "and pairs with no front in the baseline / alternative)",
        fontsize=10,
    )
    ax.grid(axis="x", alpha=0.3)
    alternatives_legend(fig, alternatives, colours)
    return _finish(fig, path)
