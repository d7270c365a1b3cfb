"""Figures: single-run plots (front over time, the map), outcome bars, forest and sensitivity.

The figures are split by job: :mod:`sim.viz.common` (palettes, titles, dates,
outcome notes, the Agg backend outside Jupyter), :mod:`sim.viz.fans` (fan
charts of the front, also one panel per objective in a war on sides),
:mod:`sim.viz.durations` (survival curves and static spells) and
:mod:`sim.viz.objective_forest` (each faction's front, paired, in a war on
sides). Their figures are re-exported here, so ``plots.plot_front_fan`` keeps
working.
"""

from __future__ import annotations

# isort: off
from sim.viz.common import (  # chooses the backend before pyplot is imported
    SCENARIO_COLOURS,
    _definitions,
    _finish,
    _scenario_colours,
    alternatives_legend,
    artist_size,
    centre_on_axes,
    fixed_margins,
    legend_width,
    manifest_overrides,
    overrides_note,
    save_kwargs,
)
from sim.viz.durations import plot_stalemate_durations, plot_survival
from sim.viz.fans import plot_front_fan, plot_front_overlay, plot_objective_fans
from sim.viz.objective_forest import plot_objective_forest

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.viz import mapdata
# isort: on

if TYPE_CHECKING:
    from matplotlib.artist import Artist

    from sim.model import ProxyWarModel
    from sim.scenario import ScenarioSpec

__all__ = [
    "SCENARIO_COLOURS",
    "manifest_overrides",
    "overrides_note",
    "plot_difference_forest",
    "plot_front_fan",
    "plot_front_overlay",
    "plot_front_timeline",
    "plot_map",
    "plot_objective_fans",
    "plot_objective_forest",
    "plot_outcome_probabilities",
    "plot_sensitivity",
    "plot_stalemate_durations",
    "plot_survival",
]


def _faction_colours(model: ProxyWarModel) -> dict[str, str]:
    """The map's palette (:func:`sim.viz.mapdata.faction_colours`), so markers match the map."""
    return mapdata.faction_colours(model)


def _timeline(model: ProxyWarModel) -> dict[str, list[Any]]:
    """Weekly front distance, stalemate and ceasefire flags, with dates.

    Why a fallback: a model run with ``collect=False`` keeps only the front
    series, so the flags are then unknown and the plot leaves them out.
    """
    if model.collect:
        df = model.datacollector.get_model_vars_dataframe()
        return {
            "week": [int(w) for w in df["week"]],
            "front_km": [float(x) for x in df["front_km"]],
            "stalemate": [bool(x) for x in df["stalemate"]],
            "ceasefire": [bool(x) for x in df["ceasefire"]],
        }
    weeks = list(range(1, len(model.front_series) + 1))
    return {
        "week": weeks,
        "front_km": list(model.front_series),
        "stalemate": [False] * len(weeks),
        "ceasefire": [False] * len(weeks),
    }


def _spans(weeks: list[int], flags: list[bool]) -> list[tuple[int, int]]:
    """Runs of consecutive flagged weeks as (first, last) pairs."""
    out: list[tuple[int, int]] = []
    for w, f in zip(weeks, flags, strict=True):
        if not f:
            continue
        if out and out[-1][1] == w - 1:
            out[-1] = (out[-1][0], w)
        else:
            out.append((w, w))
    return out


def plot_front_timeline(
    model: ProxyWarModel,
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """The front line's road distance from the objective, week by week.

    Static weeks (the front moved less than the scenario's threshold) are
    shaded grey, ceasefires green; interventions that fired are dotted
    vertical lines with their label, captures triangles on the curve in the
    capturing faction's colour (the map's palette). Returns the figure (also saved to
    ``path`` when given). The title carries the ``--set`` ``overrides`` and
    the outcome, defined in words under the plot.
    """
    spec = model.spec
    tl = _timeline(model)
    # Any: matplotlib plots dates (its date converter); its stubs type x as numbers
    dates: list[Any] = [spec.date_of(w) for w in tl["week"]]
    half = dt.timedelta(days=3.5)
    fig, ax = plt.subplots(figsize=(10, 4.8), layout="constrained")
    ax.step(dates, tl["front_km"], where="post", color="black", linewidth=1.8)
    for flags, colour in ((tl["stalemate"], "0.6"), (tl["ceasefire"], "tab:green")):
        for a, b in _spans(tl["week"], flags):
            x0: Any = spec.date_of(a) - half  # a date, as `dates` above
            x1: Any = spec.date_of(b) + half
            ax.axvspan(x0, x1, color=colour, alpha=0.3, lw=0)
    # interventions and events that fired, labelled at the top of the plot
    top = max(tl["front_km"], default=1.0) or 1.0
    fired = [(iv.fired_week, iv.spec.description or iv.label()) for iv in model.interventions]
    marks = [(w, text) for w, text in fired if w is not None]
    for k, (w, text) in enumerate(sorted(marks)):
        x: Any = spec.date_of(w)  # a date, as `dates` above
        ax.axvline(x, color="tab:purple", linestyle=":", linewidth=1.5)
        ax.annotate(
            text[:40],
            (x, top * (0.97 - 0.09 * (k % 4))),
            xytext=(3, 0),
            textcoords="offset points",
            fontsize=8,
            color="tab:purple",
            va="top",
        )
    # captures, one marker per week and capturing faction, in the faction's map colour
    front = dict(zip(tl["week"], tl["front_km"], strict=True))
    colours = _faction_colours(model)
    captures: dict[str, list[int]] = {}
    for w, text in model.events_log:
        who, sep, _ = text.partition(" takes ")
        if sep and w in front and who in colours and w not in captures.get(who, []):
            captures.setdefault(who, []).append(w)
    for who, weeks in captures.items():
        capture_dates: list[Any] = [spec.date_of(w) for w in weeks]  # as `dates` above
        ax.plot(
            capture_dates,
            [front[w] for w in weeks],
            "v",
            color=colours[who],
            mec="black",
            markersize=7,
            zorder=3,
        )
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"km by road from {spec.places[spec.front.objective].name} to the front")
    attacker = spec.factions[spec.front.attacker].name
    outcome = model.outcome or ("running" if model.running else "stalemate")
    ax.set_title(
        f"{spec.name}{overrides_note(overrides)}: {attacker}'s front line "
        f"(outcome: {outcome}, week {model.week})",
        fontsize=11,
    )
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=5, maxticks=12))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(alpha=0.3)
    handles: list[Artist] = [Line2D([], [], color="black", linewidth=1.8, label="front distance")]
    if any(tl["stalemate"]):
        handles.append(Patch(color="0.6", alpha=0.3, label="static weeks (front not moving)"))
    if any(tl["ceasefire"]):
        handles.append(Patch(color="tab:green", alpha=0.3, label="ceasefire"))
    if marks:
        handles.append(Line2D([], [], color="tab:purple", linestyle=":", label="intervention"))
    for who in captures:
        handles.append(
            Line2D(
                [],
                [],
                marker="v",
                color=colours[who],
                mec="black",
                ls="none",
                label=f"{who} takes a place",
            )
        )
    ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    if model.outcome is not None:
        _definitions(fig, {spec.name: spec}, [model.outcome], model.horizon)
    if path is not None:
        fig.savefig(path, dpi=120, **save_kwargs(path))
        plt.close(fig)
    return fig


def plot_map(
    model: ProxyWarModel,
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """The theatre at the end of the run over its coastlines: who holds what, where the front is.

    The same map as the dashboard's (:func:`sim.viz.mapdata.draw_theatre_map`):
    places at their lon/lat over Natural Earth land and borders, coloured by
    holder (size by value), roads grey, front edges red dashes, the objective
    a star, and an inset on the places near the objective.
    """
    th = model.theatre
    spec = model.spec
    fig = plt.figure(figsize=(11, 8))
    mapdata.draw_theatre_map(model, fig, rect=(0.06, 0.08, 0.92, 0.84), fontsize=8, size=55)
    outcome = model.outcome or ("running" if model.running else "stalemate")
    fig.suptitle(
        f"{spec.name}{overrides_note(overrides)}, week {model.week} ({model.date.isoformat()}): "
        f"{outcome}; front {model.front_km:.0f} km by road from {th.places[model.objective].name}",
        fontsize=12,
    )
    if model.outcome is not None:
        _definitions(fig, {spec.name: spec}, [model.outcome], model.horizon, at=0.01)
    if path is not None:
        fig.savefig(path, dpi=110, **save_kwargs(path))
        plt.close(fig)
    return fig


# -- sweep figures (sim.experiments.sweep / sim.experiments.report) ----------------------------
#
# These take the DataFrames of sim.analysis.summaries (the same shapes as summary.csv,
# front.csv and analysis.survival_curves / stalemate_durations), so notebooks
# can redraw them from a finished sweep's files.


def plot_outcome_probabilities(
    summary: Any,
    path: str | Path | None = None,
    *,
    specs: Mapping[str, ScenarioSpec] | None = None,
    overrides: Mapping[str, Any] | None = None,
    weeks: int | None = None,
) -> plt.Figure:
    """Outcome probabilities per scenario, with their 95 % Wilson intervals.

    One group of horizontal bars per outcome, one bar per scenario, so a
    policy's shift of the distribution reads across a row. The legend sits
    beside the axes (never over a bar) and, given the scenarios ``specs``,
    each outcome is defined in words under the figure.
    """
    scenarios = list(dict.fromkeys(summary["scenario"]))
    outcomes = list(dict.fromkeys(summary["outcome"]))
    if any(sp.multi_side for sp in (specs or {}).values()):
        # a war on sides beside another: every victory:<SIDE> first, then ceasefire, stalemate
        wins = [o for o in outcomes if o.startswith("victory:")]
        outcomes = wins + [o for o in outcomes if o not in wins]
    colours = _scenario_colours(scenarios)
    height = 0.8 / max(1, len(scenarios))
    fig, ax = plt.subplots(
        figsize=(10, 1.6 + 0.5 * len(outcomes) * max(1, len(scenarios)) ** 0.7),
    )
    for j, s in enumerate(scenarios):
        sub = summary[summary["scenario"] == s].set_index("outcome").reindex(outcomes)
        y = [i + (j - (len(scenarios) - 1) / 2) * height for i in range(len(outcomes))]
        p = sub["probability"].astype(float).fillna(0.0)
        err = [
            (p - sub["ci_low"].astype(float)).clip(lower=0).fillna(0.0),
            (sub["ci_high"].astype(float) - p).clip(lower=0).fillna(0.0),
        ]
        ax.barh(y, p, height=height * 0.9, color=colours[s], alpha=0.8, label=s)
        ax.errorbar(p, y, xerr=err, fmt="none", ecolor="black", elinewidth=1, capsize=3)
    ax.set_yticks(range(len(outcomes)), outcomes)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability (bars: estimate; whiskers: 95 % Wilson interval)")
    n = summary.groupby("scenario")["total"].first() if "total" in summary else None
    runs = f", {int(n.min())} runs per scenario" if n is not None and len(n) else ""
    ax.set_title(f"Outcome probabilities{runs}{overrides_note(overrides)}")
    ax.grid(axis="x", alpha=0.3)
    legend = fig.legend(
        *ax.get_legend_handles_labels(), fontsize=8, loc="center right", title="scenario"
    )
    below = _definitions(fig, specs, outcomes, weeks)
    # what varies is measured once: the outcome labels, the legend, the definitions
    labels = max((artist_size(fig, t)[0] for t in ax.get_yticklabels()), default=0.0)
    fixed_margins(
        fig,
        left=labels + 0.15,
        right=legend_width(fig, legend) + 0.25,
        top=0.3,
        bottom=artist_size(fig, below)[1] + 0.56,
    )
    centre_on_axes(fig, legend)
    return _finish(fig, path)


# -- comparison figures (sim.experiments.compare) -------------------------------------------
#
# These take the tables of sim.experiments.compare (comparison.csv, differences.csv) and of
# the arms' sweep (front.csv), so notebooks can redraw them from the files.


def plot_difference_forest(
    table: Any,
    differences: Any = None,
    path: str | Path | None = None,
    *,
    specs: Mapping[str, ScenarioSpec] | None = None,
    overrides: Mapping[str, Any] | None = None,
    weeks: int | None = None,
) -> plt.Figure:
    """Forest plot of paired differences in outcome probabilities, with 95 % intervals.

    One row per alternative and outcome (``comparison.csv``), plus the
    "P(outcome by date)" rows of ``differences.csv`` when given; a dot is the
    paired difference (alternative - baseline), the whiskers its interval, and
    a filled dot means the interval excludes zero. Given ``specs``, the
    outcomes are defined in words under the figure.
    """
    rows = [
        (r.alternative, f"P({r.outcome})", r.difference, r.ci_low, r.ci_high, r.significant)
        for r in table.itertuples(index=False)
    ]
    if differences is not None and len(differences):
        probs = differences[differences["kind"] == "probability"]
        rows += [
            (r.alternative, r.metric, r.difference, r.ci_low, r.ci_high, r.significant)
            for r in probs.itertuples(index=False)
        ]
    alternatives = list(dict.fromkeys(r[0] for r in rows))
    colours = {
        a: SCENARIO_COLOURS[(i + 1) % len(SCENARIO_COLOURS)] for i, a in enumerate(alternatives)
    }
    fig, ax = plt.subplots(figsize=(10, 1.8 + 0.32 * max(1, len(rows))), layout="constrained")
    labels = []
    for y, (alt, label, diff, low, high, sig) in enumerate(rows):
        c = colours[alt]
        if math.isfinite(low) and math.isfinite(high):
            ax.plot([low, high], [y, y], color=c, lw=2)
        ax.plot([diff], [y], "o", color=c, mfc=c if sig else "white", ms=6, zorder=3)
        labels.append(f"{label}" if len(alternatives) == 1 else f"{alt}: {label}")
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("paired difference in probability (alternative − baseline), 95 % interval")
    base = table["baseline"].iloc[0] if len(table) else ""
    ax.set_title(
        f"What each policy changes, against {base}{overrides_note(overrides)}\n"
        "(filled dot: the interval excludes 0)",
        fontsize=11,
    )
    ax.grid(axis="x", alpha=0.3)
    alternatives_legend(fig, alternatives, colours)
    outcomes = list(dict.fromkeys(str(o) for o in table["outcome"])) if len(table) else []
    _definitions(fig, specs, outcomes, weeks)
    return _finish(fig, path)


# -- sensitivity figure (sim.experiments.sensitivity) ---------------------------------------


def plot_sensitivity(
    indices: Any,
    path: str | Path | None = None,
    *,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    spec: ScenarioSpec | None = None,
    weeks: int | None = None,
) -> plt.Figure:
    """Sobol indices per output: a tornado-style bar chart, most influential parameter on top.

    One panel per output (``sensitivity.csv`` rows): a light bar for the total
    index ST with its bootstrap interval, a dark bar inside it for the
    first-order index S1, and beside each bar the direction of the effect:
    the Spearman correlation of the parameter with the output (``ρ +0.42``:
    raising the parameter raises the output), marked "n.s." when not
    significant at 5 %. Outputs that never vary get a panel saying so; given
    the scenario ``spec``, the outcomes of ``P(outcome)`` outputs are defined
    in words under the figure.
    """
    import numpy as np

    outputs = list(dict.fromkeys(indices["output"]))
    n = max(1, len(outputs))
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    params = list(dict.fromkeys(indices["parameter"]))
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(7.0 * cols, 1.4 + (0.45 * len(params) + 1.1) * rows),
        squeeze=False,
        layout="constrained",
    )
    flat = list(axes.ravel())
    for ax, out in zip(flat, outputs, strict=False):
        sub = indices[indices["output"] == out].copy()
        sub["order"] = sub["ST"].astype(float).fillna(-1.0)
        sub = sub.sort_values("order", ascending=True)
        y = np.arange(len(sub))
        st = sub["ST"].astype(float).to_numpy()
        s1 = sub["S1"].astype(float).to_numpy()
        constant = not np.isfinite(st).any()
        if constant:
            ax.text(
                0.5,
                0.5,
                "constant: no parameter moves it",
                ha="center",
                va="center",
                transform=ax.transAxes,
                fontsize=9,
            )
        lo = np.clip(st - sub["ST_low"].astype(float).to_numpy(), 0, None)
        hi = np.clip(sub["ST_high"].astype(float).to_numpy() - st, 0, None)
        ax.barh(y, np.nan_to_num(st), color="tab:blue", alpha=0.35, height=0.7, label="ST (total)")
        ax.barh(
            y,
            np.nan_to_num(np.clip(s1, 0, None)),
            color="tab:blue",
            height=0.35,
            label="S1 (first order)",
        )
        ax.errorbar(
            np.nan_to_num(st),
            y,
            xerr=[np.nan_to_num(lo), np.nan_to_num(hi)],
            fmt="none",
            ecolor="black",
            elinewidth=1,
            capsize=3,
        )
        right = max(1.0, float(np.nanmax(np.append(st + hi, 0))) * 1.05)
        for k, r in enumerate(sub.itertuples(index=False)):
            if constant or not np.isfinite(r.spearman):
                continue
            sig = np.isfinite(r.spearman_p) and r.spearman_p < 0.05
            end = float(np.nan_to_num(st[k] + hi[k]))
            ax.annotate(
                f"ρ {r.spearman:+.2f}".replace("-", "−") + ("" if sig else " n.s."),
                (end, k),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
                color=("tab:green" if r.spearman > 0 else "tab:red") if sig else "0.45",
                fontweight="bold" if sig else "normal",
            )
        ax.set_yticks(y, [str(r.parameter) for r in sub.itertuples(index=False)], fontsize=8)
        ax.set_xlim(0, right * 1.25)
        ax.set_xlabel("Sobol index: share of the output's variance", fontsize=8.5)
        ax.set_title(str(out), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    for ax in flat[len(outputs) :]:
        ax.set_visible(False)
    handles, labels = flat[0].get_legend_handles_labels()
    handles += [
        Line2D(
            [], [], color="black", marker="|", ls="-", lw=1, label="95 % bootstrap interval of ST"
        ),
        Line2D(
            [], [], color="tab:green", ls="none", marker="$ρ$", label="ρ > 0: raises the output"
        ),
        Line2D([], [], color="tab:red", ls="none", marker="$ρ$", label="ρ < 0: lowers it"),
        Line2D([], [], color="0.45", ls="none", marker="$ρ$", label="n.s.: not significant at 5 %"),
    ]
    spare = flat[len(outputs) :]
    if spare:  # an empty panel holds the key
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles=handles, fontsize=8.5, loc="center", title="key")
    else:
        fig.legend(handles=handles, fontsize=8, loc="outside right center")
    if spec is not None:
        shown = [o[2:-1] for o in map(str, outputs) if o.startswith("P(") and o.endswith(")")]
        _definitions(fig, {spec.name: spec}, shown, weeks)
    what = f" of {scenario}" if scenario else ""
    fig.suptitle(
        f"Sobol sensitivity indices{what}{overrides_note(overrides)}; "
        "ρ: Spearman correlation with the output (direction of the effect)",
        fontsize=10,
    )
    return _finish(fig, path)
