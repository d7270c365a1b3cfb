"""The dashboard's charts: the fronts, the factions' strength, support, morale.

Why a module of its own: the page (:mod:`sim.viz.dashboard`) holds the levers,
the status panel and the Solara wiring; these functions only draw a model's
weekly data onto a matplotlib figure, so tests and notebooks can call them
without Solara. Every faction gets its map colour (:mod:`sim.viz.mapdata`),
however many there are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.scenario import CHANNELS
from sim.viz import mapdata

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.model import ProxyWarModel

FRONT_COLOUR = mapdata.FRONT_COLOUR
#: chart margins (fixed: tight_layout on every step is slow)
CHART_MARGINS = {"left": 0.14, "right": 0.97, "top": 0.9, "bottom": 0.14}


def _weekly(model: ProxyWarModel) -> Any:
    """The DataCollector's weekly table (one row per week, from week 0)."""
    return model.datacollector.get_model_vars_dataframe()


def _time_axis(model: ProxyWarModel, ax: Any, ylabel: str) -> None:
    """Weeks on the axis, labelled with their dates (as in the CLI figures)."""
    ax.set_xlim(0, model.horizon)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda w, _: f"{model.spec.date_of(round(w)):%b %Y}\nwk {round(w)}")
    )
    ax.tick_params(axis="x", labelsize=7)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    for iv in model.interventions:
        # dated ones at the week they are in force from; conditional ones when they fired
        week = iv.week()
        if week is None:
            week = iv.fired_week
        if week is None:
            continue
        fired = iv.fired_week is not None
        ax.axvline(week, color="#444444", lw=0.9, ls="-" if fired else ":", alpha=0.8)
        ax.annotate(
            iv.label(),
            (week, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, 3),
            textcoords="offset points",
            rotation=90,
            va="bottom",
            fontsize=7,
            color="#444444",
        )


def draw_front(model: ProxyWarModel, fig: Figure) -> None:
    """Front distance over time, with static weeks and ceasefire weeks shaded.

    In a war on sides each faction's own front (the road km from its seat of
    power to the nearest enemy-held place) is drawn too, in its map colour, so
    the threat to every capital is visible, not only the scenario's objective.
    """
    ax = fig.subplots()
    df = _weekly(model)
    weeks = df["week"].to_numpy()
    ax.plot(weeks, df["front_km"].to_numpy(), color=FRONT_COLOUR, lw=2, label="front")
    sides = faction_fronts(model)
    tops = [float(df["front_km"].max())]
    tops += [float(np.nanmax(v)) for _, v in sides.values() if np.isfinite(v).any()]
    top = max(max(tops), 1.0) * 1.1
    for col, colour, label in (
        ("stalemate", "#999999", "static weeks"),
        ("ceasefire", "#5aa469", "ceasefire"),
    ):
        flag = df[col].to_numpy(dtype=bool)
        if flag.any():
            ax.fill_between(weeks, 0, top, where=flag, step="mid", color=colour, alpha=0.25)
            ax.plot([], [], color=colour, alpha=0.4, lw=6, label=label)
    colours = mapdata.faction_colours(model)
    for fid, (w, km) in sides.items():
        ax.plot(w, km, color=colours[fid], lw=1.3, ls="--", label=f"{fid}: home to enemy")
    ax.set_ylim(0, top)
    place = model.theatre.places[model.objective].name
    if sides:
        _time_axis(model, ax, "km by road")
        ax.set_title(
            f"Fronts: {model.attacker_id} from {place} (solid), each faction's home (dashed)",
            fontsize=9,
        )
    else:
        _time_axis(model, ax, f"km from {place}")
        ax.set_title(f"Front line: distance of {model.attacker_id} from the objective", fontsize=10)
    if sides:  # many lines: two columns wherever they cover least
        ax.legend(loc="best", fontsize=6.5, ncol=2, framealpha=0.85)
    else:
        ax.legend(loc="upper right", fontsize=7, framealpha=0.85)
    fig.subplots_adjust(**CHART_MARGINS)


def faction_fronts(model: ProxyWarModel) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Faction id -> (weeks, km from its home to the nearest enemy) in a war on sides; else {}.

    The model records these from week 1 (:attr:`sim.model.sides.Sides.fronts`);
    week 0 comes from :attr:`DashboardModel.front_start` when the model kept it.
    A fallen faction's weeks are NaN (a gap in the line).
    """
    sides = model.sides
    if sides is None:
        return {}
    start = getattr(model, "front_start", None) or {}
    out = {}
    for f in model.factions:
        km = list(sides.fronts[f.fid])
        weeks = list(range(1, len(km) + 1))
        if f.fid in start:
            weeks.insert(0, 0)
            km.insert(0, start[f.fid])
        out[f.fid] = (np.asarray(weeks), np.asarray(km, dtype=float))
    return out


def draw_strength(model: ProxyWarModel, fig: Figure) -> None:
    """Fighters of each faction over time (contracted fighters dashed)."""
    ax = fig.subplots()
    df = _weekly(model)
    colours = mapdata.faction_colours(model)
    for f in model.factions:
        c = colours[f.fid]
        ax.plot(df["week"], df[f"fighters_{f.fid}"], color=c, lw=2, label=f"{f.fid} fighters")
        merc = df[f"mercenaries_{f.fid}"]
        if merc.max() > 0:
            ax.plot(df["week"], merc, color=c, lw=1.4, ls="--", label=f"{f.fid} contracted")
    ax.set_ylim(bottom=0)
    _time_axis(model, ax, "fighters")
    ax.set_title("Faction strength", fontsize=10)
    ax.legend(loc="lower right", fontsize=7, framealpha=0.85)
    fig.subplots_adjust(**CHART_MARGINS)


def support_value(model: ProxyWarModel) -> dict[str, np.ndarray]:
    """Support delivered to each faction per week, in MUSD-equivalent.

    Why not a plain sum over channels: the channels have different units
    (MUSD, an arms index, drones, advisers); weighting each by its unit cost
    (the mean over the faction's backers) makes them addable, and matches the
    "shipped" value the support network records, so the gap shows shipments
    intercepted by an embargo or still in transit.
    """
    df = _weekly(model)
    out: dict[str, np.ndarray] = {}
    for f in model.factions:
        total = np.zeros(len(df))
        for ch in CHANNELS:
            costs = [
                b.channels[ch].unit_cost
                for b in model.backers
                if b.client is f and ch in b.channels
            ]
            cost = max(float(np.mean(costs)), 1e-3) if costs else 1e-3
            total += df[f"support_{f.fid}_{ch}"].to_numpy(dtype=float) * cost
        out[f.fid] = total
    return out


def draw_support(model: ProxyWarModel, fig: Figure) -> None:
    """Support per faction and week: delivered (solid) and shipped (dotted)."""
    ax = fig.subplots()
    df = _weekly(model)
    colours = mapdata.faction_colours(model)
    delivered = support_value(model)
    shipped = model.support.value_by_week
    for f in model.factions:
        c = colours[f.fid]
        ax.plot(df["week"], delivered[f.fid], color=c, lw=2, label=f"{f.fid} delivered")
        s = shipped.get(f.fid, [])
        if s:
            ax.plot(range(1, len(s) + 1), s, color=c, lw=1.2, ls=":", label=f"{f.fid} shipped")
    ax.set_ylim(bottom=0)
    _time_axis(model, ax, "MUSD-equivalent / week")
    ax.set_title("Support from foreign backers", fontsize=10)
    ax.legend(loc="lower right", fontsize=7, ncol=2, framealpha=0.85)
    fig.subplots_adjust(**CHART_MARGINS)


def draw_morale(model: ProxyWarModel, fig: Figure) -> None:
    """Morale (solid) and coalition cohesion (dashed) of each faction."""
    ax = fig.subplots()
    df = _weekly(model)
    colours = mapdata.faction_colours(model)
    for f in model.factions:
        c = colours[f.fid]
        ax.plot(df["week"], df[f"morale_{f.fid}"], color=c, lw=2, label=f"{f.fid} morale")
        ax.plot(df["week"], df[f"cohesion_{f.fid}"], color=c, lw=1.2, ls="--", label="cohesion")
    ax.set_ylim(0, 1.02)
    _time_axis(model, ax, "0-1")
    ax.set_title("Morale and cohesion", fontsize=10)
    ax.legend(loc="lower right", fontsize=7, ncol=2, framealpha=0.85)
    fig.subplots_adjust(**CHART_MARGINS)
