"""Figures: single-run plots (front over time, the map) and sweep/comparison figures.

Why the Agg backend outside Jupyter: the CLI writes figures to files and
needs no display; inside a notebook kernel the inline backend is left alone so
that figures still show in the notebook.
"""

from __future__ import annotations

import sys

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")

import datetime as dt  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import textwrap  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from sim.analysis.outcomes import outcome_legend  # noqa: E402
from sim.viz import mapdata  # noqa: E402

if TYPE_CHECKING:
    from sim.model import ProxyWarModel
    from sim.scenario import ScenarioSpec


def _faction_colours(model: ProxyWarModel) -> dict[str, str]:
    """The map's palette (:func:`sim.viz.mapdata.faction_colours`), so markers match the map."""
    return mapdata.faction_colours(model)


# -- shared by every figure ---------------------------------------------------------------


def overrides_note(overrides: Mapping[str, Any] | None) -> str:
    """``" (key=value, ...)"`` for a title, or ``""``: a figure made with ``--set`` says so."""
    if not overrides:
        return ""
    return " (" + ", ".join(f"{k}={v}" for k, v in sorted(overrides.items())) + ")"


def manifest_overrides(folder: str | Path) -> dict[str, Any]:
    """The ``--set`` overrides recorded in a finished run's ``manifest.json`` (none: {})."""
    path = Path(folder) / "manifest.json"
    try:
        return dict(json.loads(path.read_text("utf-8")).get("overrides") or {})
    except (OSError, ValueError, AttributeError):
        return {}


def _specs_list(specs: Mapping[str, ScenarioSpec] | None) -> list[ScenarioSpec]:
    return list((specs or {}).values())


def _place_name(objective: str | None, specs: Mapping[str, ScenarioSpec] | None) -> str:
    """The objective's place name ("Central Tripoli"), not its id ("tripoli")."""
    for spec in _specs_list(specs):
        if objective in spec.places:
            return spec.places[objective].name
    return objective or "the objective"


def _definitions(
    fig: plt.Figure,
    specs: Mapping[str, ScenarioSpec] | None,
    labels: list[str],
    weeks: int | None = None,
    fontsize: float = 7.5,
    at: float | None = None,
) -> None:
    """Each outcome shown, defined in words from its scenario, under the figure.

    With ``at`` None the figure must use ``layout="constrained"``: the text is
    an "outside" legend, so the layout makes room for it instead of covering
    the axes; otherwise it is plain text with its bottom at figure height ``at``.
    """
    text = outcome_legend(_specs_list(specs), labels, weeks) if specs else ""
    if not text:
        return
    width = max(40, int(fig.get_figwidth() * 72 / (0.5 * fontsize)))
    lines = [textwrap.fill(t, width, subsequent_indent="    ") for t in text.splitlines()]
    if at is not None:
        fig.text(0.01, at, "\n".join(lines), fontsize=fontsize, va="bottom", ha="left")
        return
    handles = [Line2D([], [], ls="none", label=t) for t in lines]
    fig.legend(
        handles=handles,
        loc="outside lower left",
        fontsize=fontsize,
        handlelength=0,
        handletextpad=0,
        frameon=False,
        title="Outcomes",
        title_fontsize=fontsize + 0.5,
        alignment="left",
    )


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
    dates = [spec.date_of(w) for w in tl["week"]]
    half = dt.timedelta(days=3.5)
    fig, ax = plt.subplots(figsize=(10, 4.8), layout="constrained")
    ax.step(dates, tl["front_km"], where="post", color="black", linewidth=1.8)
    for flags, colour in ((tl["stalemate"], "0.6"), (tl["ceasefire"], "tab:green")):
        for a, b in _spans(tl["week"], flags):
            x0, x1 = spec.date_of(a) - half, spec.date_of(b) + half
            ax.axvspan(x0, x1, color=colour, alpha=0.3, lw=0)
    # interventions and events that fired, labelled at the top of the plot
    top = max(tl["front_km"], default=1.0) or 1.0
    marks = [(iv.fired_week, iv.spec.description or iv.label()) for iv in model.interventions]
    marks = [(w, text) for w, text in marks if w is not None]
    for k, (w, text) in enumerate(sorted(marks)):
        x = spec.date_of(w)
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
        ax.plot(
            [spec.date_of(w) for w in weeks],
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
    handles = [Line2D([], [], color="black", linewidth=1.8, label="front distance")]
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
        fig.savefig(path, dpi=120)
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
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig


# -- sweep figures (sim.experiments.sweep / sim.experiments.report) ----------------------------
#
# These take the DataFrames of sim.analysis.summaries (the same shapes as summary.csv,
# front.csv and analysis.survival_curves / stalemate_durations), so notebooks
# can redraw them from a finished sweep's files.

SCENARIO_COLOURS = ("tab:blue", "tab:red", "tab:green", "tab:purple", "tab:orange", "tab:brown")


def _scenario_colours(names: list[str]) -> dict[str, str]:
    return {s: SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i, s in enumerate(names)}


def _finish(fig: plt.Figure, path: str | Path | None) -> plt.Figure:
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig


def _date_axis(ax: plt.Axes) -> None:
    """Concise dates on a time axis (``2019 Jul Oct 2020``)."""
    loc = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _week_dates(
    weeks: Any, scenario: str, specs: Mapping[str, ScenarioSpec] | None
) -> list[Any] | None:
    """The dates of a scenario's weeks, or None when its scenario is not known."""
    spec = (specs or {}).get(scenario)
    if spec is None:
        return None
    return [spec.date_of(int(w)) for w in weeks]


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
    colours = _scenario_colours(scenarios)
    height = 0.8 / max(1, len(scenarios))
    fig, ax = plt.subplots(
        figsize=(10, 1.6 + 0.5 * len(outcomes) * max(1, len(scenarios)) ** 0.7),
        layout="constrained",
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
    fig.legend(
        *ax.get_legend_handles_labels(), fontsize=8, loc="outside right center", title="scenario"
    )
    _definitions(fig, specs, outcomes, weeks)
    return _finish(fig, path)


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
        layout="constrained",
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
    fig.legend(handles=handles, fontsize=8, loc="outside right center")
    fig.suptitle(f"Front line over time (median, 50 % and 90 % of runs){overrides_note(overrides)}")
    return _finish(fig, path)


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
        layout="constrained",
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
    fig.legend(
        *flat[0].get_legend_handles_labels(),
        fontsize=8,
        loc="outside right center",
        title="scenario",
    )
    fig.suptitle(f"Time to each outcome{overrides_note(overrides)}")
    _definitions(fig, specs, outcomes, weeks)
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
    fig, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
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
    if scenarios:
        fig.legend(fontsize=8, loc="outside right center", title="scenario")
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
    if len(alternatives) > 1:
        fig.legend(
            handles=[Line2D([], [], color=colours[a], marker="o", label=a) for a in alternatives],
            fontsize=8,
            loc="outside right center",
            title="alternative",
        )
    outcomes = list(dict.fromkeys(str(o) for o in table["outcome"])) if len(table) else []
    _definitions(fig, specs, outcomes, weeks)
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
        dates = [dt.date.fromisoformat(str(d)) for d in sub["date"]]
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
                mdates_ = [dt.date.fromisoformat(str(d)) for d in m["date"]]
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
