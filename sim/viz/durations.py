"""How long wars last and fronts stay static: survival curves and static spells."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

# isort: off
from sim.viz.common import (  # chooses the backend before pyplot is imported
    _date_axis,
    _definitions,
    _finish,
    _scenario_colours,
    artist_size,
    centre_on_axes,
    fixed_margins,
    legend_width,
    _week_dates,
    overrides_note,
)

import matplotlib.pyplot as plt
# isort: on

if TYPE_CHECKING:
    from sim.scenario import ScenarioSpec


def plot_survival(
    survival: Any,
    path: str | Path | None = None,
    *,
    specs: Mapping[str, ScenarioSpec] | None = None,
    overrides: Mapping[str, Any] | None = None,
    weeks: int | None = None,
) -> plt.Figure:
    """Time to each outcome: the war's survival curve and each outcome's incidence.

    First panel: probability the war is still going (Kaplan-Meier from
    ``scipy.stats.ecdf``, runs undecided at the horizon censored, with its
    95 % band). Then one panel per outcome: the share of runs that ended that
    way by each date (the cumulative incidence, which, unlike 1 - a
    cause-specific survival, accounts for the competing outcomes). The time
    axis is dated from each scenario's start when ``specs`` are given.
    """
    scenarios = list(dict.fromkeys(survival["scenario"]))
    outcomes = [o for o in dict.fromkeys(survival["outcome"]) if o != "ended"]
    colours = _scenario_colours(scenarios)
    dated = specs is not None and all(s in specs for s in scenarios)
    n = 1 + len(outcomes)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(4.4 * cols + 1.5, 3.3 * rows + 0.6),
        squeeze=False,
    )
    flat = list(axes.ravel())

    def xs(c: Any, s: str) -> Any:
        return _week_dates(c["week"], s, specs) if dated else c["week"]

    # the first scenario widest, so curves that coincide stay visible
    widths = {s: max(1.2, 3.0 - 0.8 * k) for k, s in enumerate(scenarios)}
    ax = flat[0]
    for s in scenarios:
        c = survival[(survival["scenario"] == s) & (survival["outcome"] == "ended")]
        ax.step(xs(c, s), c["survival"], where="post", color=colours[s], lw=widths[s], label=s)
        ax.fill_between(
            xs(c, s),
            c["ci_low"].astype(float),
            c["ci_high"].astype(float),
            step="post",
            color=colours[s],
            alpha=0.15,
            lw=0,
        )
    ax.set_title("war still going (95 % band)", fontsize=10)
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1.02)
    for ax, label in zip(flat[1:], outcomes, strict=False):
        top = 0.0
        for s in scenarios:
            c = survival[(survival["scenario"] == s) & (survival["outcome"] == label)]
            if len(c):
                inc = c["incidence"].astype(float)
                top = max(top, float(inc.max()))
                ax.step(xs(c, s), inc, where="post", color=colours[s], lw=widths[s], label=s)
        ax.set_title(f"ended in {label} by then", fontsize=10)
        ax.set_ylabel("share of runs")
        # scaled to the data (rare outcomes stay readable), never past 1
        ax.set_ylim(0, min(1.02, max(0.1, 1.2 * top)))
    for ax in flat[:n]:
        if dated:
            _date_axis(ax)
        else:
            ax.set_xlabel("weeks since the start")
        ax.grid(alpha=0.3)
    for ax in flat[n:]:
        ax.set_visible(False)
    legend = fig.legend(
        *flat[0].get_legend_handles_labels(),
        fontsize=8,
        loc="center right",
        title="scenario",
    )
    fig.suptitle(f"Time to each outcome{overrides_note(overrides)}")
    below = _definitions(fig, specs, outcomes, weeks)
    # shares and dates have a known size; the legend and the definitions are measured once
    fixed_margins(
        fig,
        left=0.72,
        right=legend_width(fig, legend) + 0.15,
        top=0.55,
        bottom=artist_size(fig, below)[1] + 0.33,
        between=0.6,
        across=0.8,
    )
    centre_on_axes(fig, legend)
    return _finish(fig, path)


def plot_stalemate_durations(
    durations: Any,
    path: str | Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """How long the front stays static: spells of static weeks, one step line per scenario.

    A static week is one in which the front moved less than the scenario's
    threshold over its window (the weekly flag, not the ``stalemate`` outcome).
    """
    scenarios = list(dict.fromkeys(durations["scenario"]))
    colours = _scenario_colours(scenarios)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    for s in scenarios:
        sub = durations[durations["scenario"] == s].sort_values("duration")
        ax.step(
            sub["duration"],
            sub["share"],
            where="mid",
            color=colours[s],
            label=f"{s} ({int(sub['spells'].sum())} spells)",
        )
    if not scenarios:
        ax.text(0.5, 0.5, "no static spells", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("length of a spell of static weeks (weeks)")
    ax.set_ylabel("share of spells")
    ax.set_title(f"How long the front stays static{overrides_note(overrides)}")
    ax.grid(alpha=0.3)
    right = 0.25
    if scenarios:
        legend = fig.legend(fontsize=8, loc="center right", title="scenario")
        right += legend_width(fig, legend)
    # one axes, shares on the y axis (room for 6-character ticks): only the legend's width
    # varies, so it is measured once
    fixed_margins(fig, left=0.85, right=right, top=0.3, bottom=0.5)
    return _finish(fig, path)
