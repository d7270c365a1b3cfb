"""What every figure shares: palettes, titles that name ``--set`` overrides, dates, outcome notes.

Why the Agg backend outside Jupyter: the CLI writes figures to files and
needs no display; inside a notebook kernel the inline backend is left alone so
that figures still show in the notebook. Every figure module imports this one
first, so the backend is chosen before pyplot is loaded.
"""

from __future__ import annotations

import sys

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")

import json  # noqa: E402
import textwrap  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from sim.analysis.outcomes import outcome_legend  # noqa: E402

if TYPE_CHECKING:
    from sim.scenario import ScenarioSpec


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
) -> Any:
    """Each outcome shown, defined in words from its scenario, under the figure.

    With ``at`` None the text is an "outside" legend at the lower left: a figure
    with ``layout="constrained"`` makes room for it, any other must leave room
    itself (:func:`fixed_margins`, its height from :func:`artist_size`);
    otherwise it is plain text with its bottom at figure height ``at``.

    Returns:
        The legend or text drawn, or None when there is nothing to define.
    """
    text = outcome_legend(_specs_list(specs), labels, weeks) if specs else ""
    if not text:
        return None
    width = max(40, int(fig.get_figwidth() * 72 / (0.5 * fontsize)))
    lines = [textwrap.fill(t, width, subsequent_indent="    ") for t in text.splitlines()]
    if at is not None:
        return fig.text(0.01, at, "\n".join(lines), fontsize=fontsize, va="bottom", ha="left")
    handles = [Line2D([], [], ls="none", label=t) for t in lines]
    return fig.legend(
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


SCENARIO_COLOURS = ("tab:blue", "tab:red", "tab:green", "tab:purple", "tab:orange", "tab:brown")


def alternatives_legend(
    fig: plt.Figure, alternatives: list[str], colours: Mapping[str, str]
) -> None:
    """One legend entry per alternative, right of the axes (only when there are several)."""
    if len(alternatives) > 1:
        fig.legend(
            handles=[Line2D([], [], color=colours[a], marker="o", label=a) for a in alternatives],
            fontsize=8,
            loc="outside right center",
            title="alternative",
        )


def _scenario_colours(names: list[str]) -> dict[str, str]:
    return {s: SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i, s in enumerate(names)}


#: zlib level of the PNGs written: the fastest. Why: at the default (6) compressing took
#: about a quarter of the time of drawing a sweep's figures, for files about 10 % smaller;
#: PNG is lossless, so the pixels are the same at every level (tuned)
PNG_COMPRESS_LEVEL = 1


def save_kwargs(path: str | Path) -> dict[str, Any]:
    """Extra ``savefig`` arguments for ``path``: fast compression for a PNG, none otherwise."""
    if Path(path).suffix.lower() == ".png":
        return {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}}
    return {}


def _finish(fig: plt.Figure, path: str | Path | None) -> plt.Figure:
    if path is not None:
        fig.savefig(path, dpi=110, **save_kwargs(path))
        plt.close(fig)
    return fig


def fixed_margins(
    fig: plt.Figure,
    *,
    left: float,
    right: float,
    top: float,
    bottom: float,
    between: float = 0.0,
    across: float = 0.0,
) -> None:
    """Place a figure's grid of axes by margins in inches, instead of a constrained layout.

    Why: a constrained layout measures every label of every axes twice before the
    figure is drawn, about 40 % of the time of a sweep figure; a figure whose
    labels and legend have a known size (or a legend measured once) needs no more.

    Args:
        fig: a figure of one grid of axes (``plt.subplots(rows, cols)``).
        left: from the figure's left edge to the axes, in inches.
        right: from the axes to the right edge (the legend's room), in inches.
        top: from the top edge (a title's room) to the axes, in inches.
        bottom: from the axes to the bottom edge, in inches.
        between: between two rows of axes, in inches.
        across: between two columns of axes, in inches.
    """
    w, h = fig.get_size_inches()
    spec = fig.axes[0].get_subplotspec() if fig.axes else None
    grid = spec.get_gridspec() if spec is not None else None
    rows, cols = (grid.nrows, grid.ncols) if grid is not None else (1, 1)
    height = max(1e-3, (h - top - bottom - between * (rows - 1)) / rows)
    width = max(1e-3, (w - left - right - across * (cols - 1)) / cols)
    fig.subplots_adjust(
        left=left / w,
        right=1 - right / w,
        top=1 - top / h,
        bottom=bottom / h,
        hspace=between / height,
        wspace=across / width,
    )


def legend_width(fig: plt.Figure, legend: Any) -> float:
    """A figure legend's width in inches, measured once (its texts' sizes are then cached)."""
    return artist_size(fig, legend)[0]


def artist_size(fig: plt.Figure, artist: Any) -> tuple[float, float]:
    """An artist's (width, height) in inches; (0, 0) for None."""
    if artist is None:
        return (0.0, 0.0)
    box = artist.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]  # Agg canvases have it; the base class stub does not
    return (float(box.width / fig.dpi), float(box.height / fig.dpi))


def centre_on_axes(fig: plt.Figure, legend: Any) -> None:
    """Centre a right-hand figure legend on the axes' height, as a constrained layout did."""
    sp = fig.subplotpars
    legend.set_bbox_to_anchor((0, sp.bottom, 1, sp.top - sp.bottom), transform=fig.transFigure)


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
