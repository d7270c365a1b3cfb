"""Fan charts of the front line: per scenario, arms overlaid, and per objective.

Why per objective: a two-faction war has one front that matters (the
scenario's ``[front]``); in a war of three or more factions each faction's
seat of power has its own front, and one panel per faction shows which of
them is under threat (``front_objectives.csv``, :mod:`sim.experiments.objectives`).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

# isort: off
from sim.viz.common import (  # chooses the backend before pyplot is imported
    _date_axis,
    _finish,
    _place_name,
    _scenario_colours,
    fixed_margins,
    overrides_note,
)

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
# isort: on

if TYPE_CHECKING:
    from sim.scenario import ScenarioSpec


def plot_front_fan(
    front: Any,
    path: str | Path | None = None,
    objective: str | None = None,
    *,
    specs: Mapping[str, ScenarioSpec] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Fan chart of the front line: median, 50 % and 90 % bands, dated axis.

    One panel per scenario, each scaled to its own 90 % band (a shared scale
    cut off the bands of wider scenarios). The distance is by road from the
    contested objective (named from ``specs``) to the attacker's nearest
    place; after a war ends its front stays where it ended.
    """
    import numpy as np

    scenarios = list(dict.fromkeys(front["scenario"]))
    colours = _scenario_colours(scenarios)
    place = _place_name(objective, specs)
    fig, axes = plt.subplots(
        len(scenarios),
        1,
        figsize=(10, 2.6 * len(scenarios) + 1.0),
        sharex=True,
        squeeze=False,
    )
    for ax, s in zip(axes[:, 0], scenarios, strict=True):
        sub = front[front["scenario"] == s]
        dates = [dt.date.fromisoformat(str(d)) for d in sub["date"]]
        q = {
            c: np.where(np.isfinite(sub[c].astype(float)), sub[c].astype(float), np.nan)
            for c in ("q05", "q25", "q50", "q75", "q95")
        }
        c = colours[s]
        ax.fill_between(dates, q["q05"], q["q95"], color=c, alpha=0.18, lw=0, label="90 % band")
        ax.fill_between(dates, q["q25"], q["q75"], color=c, alpha=0.38, lw=0, label="50 % band")
        ax.plot(dates, q["q50"], color=c, lw=2, label="median")
        ax.set_title(s, fontsize=10, loc="left")
        ax.set_ylabel(f"km by road\nfrom {place}")
        top = float(np.nanmax(np.append(q["q95"], 0.0)))
        ax.set_ylim(0, top * 1.08 if top > 0 else 1.0)
        ax.grid(alpha=0.3)
        _date_axis(ax)
        ax.xaxis.set_tick_params(labelbottom=True)
    handles = [
        Patch(color="0.5", alpha=0.25, label="90 % of runs"),
        Patch(color="0.5", alpha=0.5, label="50 % of runs"),
        Line2D([], [], color="0.3", lw=2, label="median"),
    ]
    fig.legend(handles=handles, fontsize=8, loc="center right")
    fig.suptitle(f"Front line over time (median, 50 % and 90 % of runs){overrides_note(overrides)}")
    # every label has a known size (a fixed legend, a two-line axis label, km up to 4
    # digits, dates), so fixed margins give what a constrained layout gave, faster
    fixed_margins(fig, left=0.85, right=1.25, top=0.55, bottom=0.3, between=0.5)
    return _finish(fig, path)


def plot_front_overlay(
    front: Any,
    path: str | Path | None = None,
    objective: str | None = None,
    means: Any = None,
    *,
    specs: Mapping[str, ScenarioSpec] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Fan charts of several scenarios overlaid on one axis.

    Per scenario: the median (solid; the first scenario, a comparison's
    baseline, drawn widest so that a coinciding median stays visible), the
    50 % band (shaded), the 5th and 95th percentiles (dotted) and, when
    ``means`` is given (``scenario, week, date, mean``), the mean (dashed). Why
    the mean: on a theatre with few places the quantiles move in steps, and two
    arms' medians often coincide while their means differ.
    """
    import numpy as np

    scenarios = list(dict.fromkeys(front["scenario"]))
    colours = _scenario_colours(scenarios)
    fig, ax = plt.subplots(figsize=(11, 4.8), layout="constrained")
    for k, s in enumerate(scenarios):
        sub = front[front["scenario"] == s]
        # Any: matplotlib plots dates (its date converter); its stubs type x as numbers
        dates: list[Any] = [dt.date.fromisoformat(str(d)) for d in sub["date"]]
        q = {
            c: np.where(np.isfinite(sub[c].astype(float)), sub[c].astype(float), np.nan)
            for c in ("q05", "q25", "q50", "q75", "q95")
        }
        c = colours[s]
        ax.fill_between(dates, q["q25"], q["q75"], color=c, alpha=0.2, lw=0)
        ax.plot(dates, q["q50"], color=c, lw=4.0 if k == 0 else 1.8, label=f"{s}: median")
        ax.plot(dates, q["q05"], color=c, lw=0.9, ls=":")
        ax.plot(dates, q["q95"], color=c, lw=0.9, ls=":")
        if means is not None and len(means):
            m = means[means["scenario"] == s]
            if len(m):
                mdates_: list[Any] = [dt.date.fromisoformat(str(d)) for d in m["date"]]
                ax.plot(mdates_, m["mean"].astype(float), color=c, lw=1.4, ls="--")
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"km by road from {_place_name(objective, specs)}")
    _date_axis(ax)
    ax.grid(alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(color="0.5", alpha=0.3, label="50 % band"))
    if means is not None and len(means):
        handles.append(Line2D([], [], color="0.4", lw=1.4, ls="--", label="mean"))
    handles.append(Line2D([], [], color="0.4", lw=0.9, ls=":", label="5th and 95th percentiles"))
    fig.legend(handles=handles, fontsize=8, loc="outside right center")
    ax.set_title(f"Front line over time, arms overlaid{overrides_note(overrides)}")
    return _finish(fig, path)


def plot_objective_fans(
    objectives: Any,
    path: str | Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """One fan panel per objective of a war on sides (``front_objectives.csv``).

    Each panel is one faction's front: the road distance from its seat of
    power to the nearest place an enemy holds, over the runs where it still
    stands and is at war (median, 50 % and 90 % bands), titled in words; a grey line on a
    second axis gives the share of runs in which the faction still stands and
    has an enemy, so a band that only reflects fallen or settled factions is
    not misread. Rows
    are scenarios, columns objectives (factions).
    """
    import numpy as np

    scenarios = list(dict.fromkeys(objectives["scenario"]))
    per = {
        s: list(dict.fromkeys(objectives[objectives["scenario"] == s]["objective"]))
        for s in scenarios
    }
    ncols = max((len(v) for v in per.values()), default=1)
    colours = _scenario_colours(scenarios)
    fig, axes = plt.subplots(
        max(1, len(scenarios)),
        ncols,
        figsize=(4.2 * ncols + 1.5, 3.3 * max(1, len(scenarios)) + 1.0),
        squeeze=False,
        layout="constrained",
    )
    for r, s in enumerate(scenarios):
        for c in range(ncols):
            ax = axes[r, c]
            if c >= len(per[s]):
                ax.set_visible(False)
                continue
            obj = per[s][c]
            sub = objectives[(objectives["scenario"] == s) & (objectives["objective"] == obj)]
            dates = [dt.date.fromisoformat(str(d)) for d in sub["date"]]
            q = {k: sub[k].astype(float).to_numpy() for k in ("q05", "q25", "q50", "q75", "q95")}
            colour = colours[s]
            ax.fill_between(dates, q["q05"], q["q95"], color=colour, alpha=0.18, lw=0)
            ax.fill_between(dates, q["q25"], q["q75"], color=colour, alpha=0.38, lw=0)
            ax.plot(dates, q["q50"], color=colour, lw=2)
            top = float(np.nanmax(np.append(q["q95"], 0.0)))
            ax.set_ylim(0, top * 1.1 if top > 0 else 1.0)
            ax.set_ylabel("km by road to the nearest enemy", fontsize=8)
            ax.grid(alpha=0.3)
            _date_axis(ax)
            name = str(sub["objective_name"].iloc[0]) if len(sub) else obj
            head = f"{s}: " if len(scenarios) > 1 else ""
            ax.set_title(textwrap.fill(head + name, 46), fontsize=8.5, loc="left")
            share = ax.twinx()
            share.plot(dates, sub["at_war"].astype(float), color="0.45", lw=1, ls="--")
            share.set_ylim(0, 1.05)
            share.tick_params(labelsize=7, colors="0.35")
            if c == len(per[s]) - 1:
                share.set_ylabel("share of runs it is at war", fontsize=8, color="0.35")
    handles = [
        Patch(color="0.5", alpha=0.25, label="90 % of runs"),
        Patch(color="0.5", alpha=0.5, label="50 % of runs"),
        Line2D([], [], color="0.3", lw=2, label="median"),
        Line2D(
            [],
            [],
            color="0.45",
            lw=1,
            ls="--",
            label="share of runs\nthe faction is\nat war (right axis)",
        ),
    ]
    fig.legend(handles=handles, fontsize=8, loc="outside right center")
    fig.suptitle(
        "Each faction's front: km by road from its seat of power to the nearest enemy-held "
        f"place (runs where it still stands and is at war){overrides_note(overrides)}",
        fontsize=10,
    )
    return _finish(fig, path)
