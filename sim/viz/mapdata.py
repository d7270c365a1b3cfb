"""The theatre map, drawn once for CLI figures and the dashboard, over Natural Earth.

Why one module: ``map.png`` and the dashboard showed the same war with two
palettes and two zoom rules. Here is the one palette (:func:`faction_colours`),
the one zoom rule (:func:`zoom_places`: the places within :data:`ZOOM_KM` of
the objective by road, when there are at least three, get an inset) and the
one drawer (:func:`draw_theatre_map`), which works on a bare
``matplotlib.figure.Figure`` (no pyplot), so the dashboard can use it too.

The basemap is public-domain Natural Earth 1:50m (land, coastlines, country
borders and names), clipped to the regions of the real theatres and stored as
plain coordinates in ``sim/data/naturalearth/`` (see its README). A theatre
whose places do not lie on land inside a stored region (the abstract teaching
theatre on the equator) is drawn without one.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import LegendLocType

    from sim.model import ProxyWarModel
    from sim.scenario import ScenarioSpec

#: the Natural Earth terms of use ask for no attribution; we give it anyway
ATTRIBUTION = "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com"
DATA_FILE = "data/naturalearth/regions-50m.json"

# -- palette -------------------------------------------------------------------------
ATTACKER_COLOUR = "#d08c2e"  # sand
DEFENDER_COLOUR = "#2c6fbb"  # blue
#: further factions (a third party), in scenario order
OTHER_COLOURS = ("#3a9a4a", "#8e5ab5", "#8c564b")
FRONT_COLOUR = "#d62728"
FRONT_DASH = (0, (3, 1.5))
ROAD_COLOUR = "#9a9a9a"
SEA_COLOUR = "#dde9f2"
LAND_COLOUR = "#f6f3ec"
COAST_COLOUR = "#6f8fa8"
BORDER_COLOUR = "#8a8a8a"
COUNTRY_COLOUR = "#9b9484"

#: places within this road distance (km) of the objective get the zoomed inset
ZOOM_KM = 50.0


def faction_colours(model_or_spec: ProxyWarModel | ScenarioSpec) -> dict[str, str]:
    """Attacker in sand, the first other faction in blue, the rest in order.

    Why by role, not order: the same side keeps its colour in every figure,
    the dashboard and every scenario of the theatre.
    """
    spec = getattr(model_or_spec, "spec", model_or_spec)
    attacker = spec.front.attacker
    out = {attacker: ATTACKER_COLOUR}
    others = iter((DEFENDER_COLOUR, *OTHER_COLOURS))
    for fid in spec.factions:
        if fid not in out:
            out[fid] = next(others, "#777777")
    return out


def zoom_places(model: ProxyWarModel) -> list[int]:
    """Places within :data:`ZOOM_KM` of the objective by road, when at least three are."""
    th = model.theatre
    near = [i for i in range(len(th.ids)) if th.dist[model.objective, i] <= ZOOM_KM]
    return near if len(near) >= 3 else []


# -- basemap -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _regions() -> dict[str, Any]:
    text = resources.files("sim").joinpath(DATA_FILE).read_text("utf-8")
    return json.loads(text)["regions"]


def basemap_for(lons: list[float], lats: list[float]) -> dict[str, Any] | None:
    """The stored region that holds the theatre, or None for an abstract theatre.

    A region qualifies when its box holds every place and most places lie on
    its land: the teaching theatre's made-up coordinates (0 deg, 0 deg, in the
    Gulf of Guinea) are outside every region and at sea.
    """
    if not lons:
        return None
    pts = np.column_stack([lons, lats])
    for region in _regions().values():
        x0, y0, x1, y1 = region["bbox"]
        if not (x0 <= min(lons) and max(lons) <= x1 and y0 <= min(lats) and max(lats) <= y1):
            continue
        on_land = np.zeros(len(lons), dtype=bool)
        for ring in region["land"]:
            on_land |= MplPath(ring).contains_points(pts, radius=0.05)
        if on_land.mean() >= 0.5:
            return region
    return None


def draw_basemap(ax: Axes, region: dict[str, Any]) -> None:
    """Sea, land, coastlines and borders under the theatre."""
    ax.set_facecolor(SEA_COLOUR)
    ax.add_collection(
        PolyCollection(region["land"], facecolors=LAND_COLOUR, edgecolors="none", zorder=0)
    )
    ax.add_collection(LineCollection(region["coast"], colors=COAST_COLOUR, lw=0.8, zorder=0.5))
    ax.add_collection(
        LineCollection(
            region["borders"], colors=BORDER_COLOUR, lw=0.8, linestyles=(0, (4, 2)), zorder=0.5
        )
    )


# -- the theatre -----------------------------------------------------------------------


def _frame(
    ax: Axes, lons: list[float], lats: list[float], pad: float, box: float | None = None
) -> None:
    """Equal-distance aspect at this latitude, a margin round the places, the axes filled.

    Why widen the view: the map then fills its axes with more of the land
    round the theatre instead of white bands beside it.
    """
    aspect = 1.0 / max(0.2, math.cos(math.radians(float(np.mean(lats)))))
    x0, x1 = min(lons) - pad, max(lons) + pad
    y0, y1 = min(lats) - pad, max(lats) + pad
    if box is None:  # width / height of the axes
        pos = ax.get_position()
        fig = cast("Figure", ax.figure)  # a map's axes sit on a figure, not a subfigure
        box = (pos.width * fig.get_figwidth()) / (pos.height * fig.get_figheight())
    dx, dy = x1 - x0, y1 - y0
    if dx / (dy * aspect) < box:  # too tall: widen
        grow = (box * dy * aspect - dx) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:  # too wide: heighten
        grow = (dx / (aspect * box) - dy) / 2
        y0, y1 = y0 - grow, y1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)


def _draw_network(
    model: ProxyWarModel, ax: Axes, keep: set[int], size: float, colours: dict[str, str]
) -> None:
    """Roads, front edges (red dashes), places coloured by holder, the objective ringed."""
    th = model.theatre
    front = set(th.front_edges())
    roads: list[list[tuple[float, float]]] = []
    front_segs: list[list[tuple[float, float]]] = []
    for a, b in th.edges:
        if a not in keep and b not in keep:
            continue
        pa, pb = th.places[a], th.places[b]
        seg = [(pa.lon, pa.lat), (pb.lon, pb.lat)]
        (front_segs if (a, b) in front else roads).append(seg)
    ax.add_collection(LineCollection(roads, colors=ROAD_COLOUR, linewidths=1.3, zorder=1))
    ax.add_collection(
        LineCollection(
            front_segs,
            colors=FRONT_COLOUR,
            linewidths=3.0,
            linestyles=FRONT_DASH,
            zorder=2,
            label="front line",
        )
    )
    idx = sorted(keep)
    value = np.asarray(model.place_value, dtype=float)[idx]
    ax.scatter(
        [th.places[i].lon for i in idx],
        [th.places[i].lat for i in idx],
        s=size * (1.0 + 1.5 * value),
        c=[colours.get(th.holder[i], "#777777") for i in idx],
        edgecolors="black",
        linewidths=0.7,
        zorder=3,
    )
    if model.objective in keep:
        obj = th.places[model.objective]
        ax.scatter(
            [obj.lon], [obj.lat], s=size * 5.0, marker="*", facecolors="none",
            edgecolors="black", linewidths=1.0, zorder=4,
        )  # fmt: skip


#: label offsets tried in turn (points; ha, va): right, left, above, below, diagonals
_OFFSETS = (
    ((5, 2), "left", "bottom"),
    ((-5, 2), "right", "bottom"),
    ((5, -3), "left", "top"),
    ((-5, -3), "right", "top"),
    ((0, 7), "center", "bottom"),
    ((0, -8), "center", "top"),
    ((9, 0), "left", "center"),
    ((-9, 0), "right", "center"),
)


def _label_box(
    x: float, y: float, text: str, fs: float, off: tuple[tuple[float, float], str, str], k: float
) -> tuple[float, float, float, float]:
    """The pixel box of a label at pixel (x, y) with an offset (k: pixels per point)."""
    (dx, dy), ha, va = off
    w = 0.56 * fs * len(text) * k
    h = 1.25 * fs * k
    x0 = x + dx * k - {"left": 0, "right": w, "center": w / 2}[ha]
    y0 = y + dy * k - {"bottom": 0, "top": h, "center": h / 2}[va]
    return x0, y0, x0 + w, y0 + h


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _place_labels(
    model: ProxyWarModel, ax: Axes, shown: list[int], fs: float, avoid: list[tuple[float, ...]]
) -> list[tuple[float, ...]]:
    """Name the places without overlaps: the most valuable first, each at its first free spot.

    Why by hand: a label is tried right, left, above and below its place (and
    diagonally) and takes the first spot that hides no other name or place;
    a name that finds none is left out (the zoom inset shows the crowded ones).
    """
    th = model.theatre
    fig = ax.figure
    ax.apply_aspect()
    k = fig.dpi / 72.0
    bbox = ax.get_window_extent()
    inside = (bbox.x0, bbox.y0, bbox.x1, bbox.y1)
    pix = ax.transData.transform([(p.lon, p.lat) for p in th.places])
    r = 4.0 * k  # a place marker's half-width
    taken = list(avoid) + [
        (px - r, py - r, px + r, py + r)
        for i, (px, py) in enumerate(pix)
        if inside[0] <= px <= inside[2] and inside[1] <= py <= inside[3]
    ]
    value = model.place_value
    order = sorted(shown, key=lambda i: (i != model.objective, -float(value[i]), i))
    for i in order:
        name = th.places[i].name.split(" (")[0]
        x, y = pix[i]
        for off in _OFFSETS:
            box = _label_box(x, y, name, fs, off, k)
            fits = (
                box[0] >= inside[0]
                and box[2] <= inside[2]
                and box[1] >= inside[1]
                and box[3] <= inside[3]
            )
            own = (x - r, y - r, x + r, y + r)
            if fits and not any(_overlap(box, t) > 0 for t in taken if t != own):
                taken.append(box)
                (dx, dy), ha, va = off
                ax.annotate(
                    name,
                    (th.places[i].lon, th.places[i].lat),
                    xytext=(dx, dy),
                    textcoords="offset points",
                    ha=ha,
                    va=va,
                    fontsize=fs,
                    color="#222222",
                    zorder=5,
                    gid="place",
                )
                break
    return taken


def _country_names(ax: Axes, region: dict[str, Any], avoid: list[tuple[float, ...]]) -> None:
    """Country names where they hide no place, name or legend."""
    k = ax.figure.dpi / 72.0
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bb = ax.get_window_extent()
    taken = list(avoid)
    for name, spots in region["countries"]:
        for x, y in spots:  # the centroid first, then points inside the country
            if not (x0 < x < x1 and y0 < y < y1):
                continue
            px, py = ax.transData.transform((x, y))
            box = _label_box(px, py, name.upper(), 9.5, ((0, 0), "center", "center"), k)
            if box[0] < bb.x0 or box[2] > bb.x1 or box[1] < bb.y0 or box[3] > bb.y1:
                continue
            if any(_overlap(box, t) > 0 for t in taken):
                continue
            taken.append(box)
            ax.text(
                x, y, name.upper(), fontsize=9.5, color=COUNTRY_COLOUR, style="italic",
                ha="center", va="center", zorder=0.6, gid="country",
            )  # fmt: skip
            break


#: corners of the map (axes fractions) for the zoom inset and the legend
CORNERS = {
    "lower left": (0.01, 0.01),
    "lower right": (0.57, 0.01),
    "upper left": (0.01, 0.57),
    "upper right": (0.57, 0.57),
}
INSET = 0.42


def _emptiest_corners(ax: Axes, lons: list[float], lats: list[float]) -> list[str]:
    """Corners of the map ordered by how few places they would hide."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    fx = (np.asarray(lons) - x0) / (x1 - x0)
    fy = (np.asarray(lats) - y0) / (y1 - y0)

    def hidden(corner: str) -> int:
        cx, cy = CORNERS[corner]
        return int(np.sum((fx >= cx) & (fx <= cx + INSET) & (fy >= cy) & (fy <= cy + INSET)))

    return sorted(CORNERS, key=hidden)  # stable: ties keep the listed order


def _places(n: int) -> str:
    return f"{n} place" if n == 1 else f"{n} places"


def draw_theatre_map(
    model: ProxyWarModel,
    fig: Figure,
    rect: tuple[float, float, float, float] = (0.01, 0.01, 0.98, 0.9),
    fontsize: float = 6.5,
    size: float = 40.0,
    ticks: bool = False,
) -> Axes:
    """The theatre over its basemap: holders, roads, the front, names, zoom inset, legend.

    Args:
        model: the model, at the week to show.
        fig: a figure to draw on (pyplot or a bare ``Figure``).
        rect: the map's axes in figure fractions.
        fontsize: place names' size (points).
        size: marker size of a place of value 0.
        ticks: whether to show longitude and latitude ticks.

    Returns:
        The map's axes (the first of the figure's axes it adds).
    """
    th = model.theatre
    colours = faction_colours(model)
    lons = [p.lon for p in th.places]
    lats = [p.lat for p in th.places]
    zoom = zoom_places(model)
    ax = fig.add_axes(rect)
    ax.set_in_layout(False)
    span = max(max(lons) - min(lons), max(lats) - min(lats), 1e-6)
    _frame(ax, lons, lats, max(0.08 * span, 0.05))
    region = basemap_for(lons, lats)
    if region is not None:
        draw_basemap(ax, region)
    else:
        ax.set_facecolor(LAND_COLOUR)
    _draw_network(model, ax, set(range(len(th.ids))), size, colours)
    if ticks:
        ax.set_xlabel("longitude (°E)", fontsize=8)
        ax.set_ylabel("latitude (°N)", fontsize=8)
        ax.tick_params(labelsize=7)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    corners = _emptiest_corners(ax, lons, lats)
    avoid: list[tuple[float, ...]] = []
    ax.apply_aspect()

    def corner_box(corner: str, w: float = INSET, h: float = INSET) -> tuple[float, ...]:
        cx, cy = CORNERS[corner]
        (a, b), (c, d) = ax.transAxes.transform([(cx, cy), (cx + w, cy + h)])
        return (a, b, c, d)

    labels = set(range(len(th.ids))) - set(zoom)
    if zoom:
        labels.add(model.objective)
        corner = corners.pop(0)
        avoid.append(corner_box(corner, INSET, INSET + 0.05))  # with its title
        cx, cy = CORNERS[corner]
        axz = ax.inset_axes((cx, cy, INSET, INSET))
        zl = [lons[i] for i in zoom]
        za = [lats[i] for i in zoom]
        zspan = max(max(zl) - min(zl), max(za) - min(za), 0.02)
        main = ax.get_position()
        ratio = (main.width * fig.get_figwidth()) / (main.height * fig.get_figheight())
        _frame(axz, zl, za, 0.18 * zspan, ratio)
        if region is not None:
            draw_basemap(axz, region)
        else:
            axz.set_facecolor(LAND_COLOUR)
        _draw_network(model, axz, set(zoom), size * 1.4, colours)
        axz.set_xticks([])
        axz.set_yticks([])
        zx0, zx1 = axz.get_xlim()
        zy0, zy1 = axz.get_ylim()
        ax.indicate_inset((zx0, zy0, zx1 - zx0, zy1 - zy0), edgecolor="#555555", alpha=0.8)
        axz.set_title(
            f"≤ {ZOOM_KM:.0f} km by road from {th.places[model.objective].name}",
            fontsize=fontsize + 0.5,
            pad=2,
        )
        _place_labels(model, axz, sorted(zoom), fontsize, [])
    handles: list[Any] = [
        Patch(fc=colours[f.fid], ec="black", label=f"{f.fid}: {_places(th.count(f.fid))}")
        for f in model.factions
    ]
    handles += [
        Line2D([], [], color=FRONT_COLOUR, lw=2.5, ls=FRONT_DASH, label="front line"),
        Line2D([], [], color=ROAD_COLOUR, lw=1.3, label="road"),
        Line2D([], [], marker="*", color="black", mfc="none", ls="none", ms=10, label="objective"),
    ]
    if region is not None:
        handles.append(Line2D([], [], color=BORDER_COLOUR, lw=0.8, ls=(0, (4, 2)), label="border"))
    loc = cast("LegendLocType", corners[0])  # one of CORNERS, all legend locations
    legend = ax.legend(handles=handles, loc=loc, fontsize=fontsize + 0.5, framealpha=0.9)
    lb = legend.get_window_extent()
    avoid.append((lb.x0, lb.y0, lb.x1, lb.y1))
    taken = _place_labels(model, ax, sorted(labels), fontsize, avoid)
    if region is not None:
        _country_names(ax, region, taken)
        ax.text(
            1.0, 1.005, ATTRIBUTION, transform=ax.transAxes, ha="right", va="bottom",
            fontsize=5.5, color="#555555",
        )  # fmt: skip
    return ax
