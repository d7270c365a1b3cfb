"""Interactive dashboard: one war on a map, with the main policy levers (Mesa SolaraViz).

Start it with ``make dashboard`` (``solara run sim/viz/dashboard.py --host 127.0.0.1``)
and open http://127.0.0.1:8765. The sidebar holds Mesa's step / play / reset
controls and the levers; the page shows the theatre map (places coloured by
holder, the front line in red), the week's status and charts of the front
distance, the factions' strength and the support flowing to them.

Why a model subclass: SolaraViz rebuilds the model on *reset* by calling the
model class with the values of ``model_params``, so every lever has to be a
constructor argument. :class:`DashboardModel` turns the lever values into
scenario interventions (appended to the scenario's own) and then builds an
ordinary :class:`~sim.model.model.ProxyWarModel`, so the dashboard runs exactly the
war that ``proxywar run`` would run with the same interventions and seed. The
scenario argument is called ``scenario_file`` because Mesa's reset passes a
``mesa.experimental.scenarios.Scenario`` object to any model whose constructor
takes a ``scenario`` argument.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz

from sim.analysis.outcomes import outcome_definitions
from sim.model import ProxyWarModel
from sim.scenario import (
    SCENARIO_DIR,
    ScenarioError,
    ScenarioSpec,
    load_scenario,
)
from sim.viz import mapdata
from sim.viz.dashboard_charts import (
    draw_front,
    draw_morale,
    draw_strength,
    draw_support,
)
from sim.viz.dashboard_charts import faction_fronts as faction_fronts
from sim.viz.dashboard_charts import support_value as support_value

NONE = "none"
#: weeks between a sanction decision and its bite on money and logistics
#: (assumption, in line with the stylised fact that sanctions act with a lag)
SANCTION_LAG_WEEKS = 4
#: at most this many events in the status panel
N_EVENTS = 8

#: the lever values the page starts with (and the model's defaults)
DEFAULTS: dict[str, Any] = {
    "scenario_file": "libya_2019.toml",
    "rng": 2019,
    "sanction_group": NONE,
    "sanction_week": 26,
    "sanction_bite": 0.8,
    "withdraw_backer": NONE,
    "withdraw_week": 26,
    "embargo": 0.0,
}

ATTACKER_COLOUR = mapdata.ATTACKER_COLOUR
DEFENDER_COLOUR = mapdata.DEFENDER_COLOUR
FRONT_COLOUR = mapdata.FRONT_COLOUR


# --------------------------------------------------------------------------- levers


def scenario_names() -> list[str]:
    """The scenario files the picker offers (``scenarios/*.toml``)."""
    return sorted(p.name for p in SCENARIO_DIR.glob("*.toml"))


@lru_cache(maxsize=1)
def _actor_choices() -> tuple[tuple[str, ...], tuple[str, ...], int, tuple[str, ...]]:
    """Groups, backers, the longest horizon and the names of the valid scenarios.

    Why the union: SolaraViz's inputs are fixed when the page is built, while
    the scenario picker can change the cast; a lever naming an actor the chosen
    scenario lacks is ignored and the status panel says so.
    """
    groups: set[str] = set()
    backers: set[str] = set()
    horizon = 1
    valid = []
    for name in scenario_names():
        try:
            spec = load_scenario(SCENARIO_DIR / name)
        except ScenarioError:  # `proxywar validate` says why; the picker leaves it out
            continue
        valid.append(name)
        groups.update(spec.groups)
        backers.update(spec.backers)
        horizon = max(horizon, spec.horizon_weeks)
    return tuple(sorted(groups)), tuple(sorted(backers)), horizon, tuple(valid)


def parse_seed(value: Any) -> int:
    """The seed typed in the page (text) as an integer.

    Raises:
        ValueError: when it is not a whole number.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a whole-number seed, found {value!r}")
    if isinstance(value, int | np.integer):
        return int(value)
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"expected a whole-number seed, found {text!r}") from None


def lever_interventions(
    spec: ScenarioSpec,
    *,
    sanction_group: str = NONE,
    sanction_week: int = 26,
    sanction_bite: float = 0.8,
    withdraw_backer: str = NONE,
    withdraw_week: int = 26,
    embargo: float = 0.0,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Scenario interventions for the lever values, plus notes on levers ignored.

    Args:
        spec: the scenario the levers apply to (for its actors and horizon).
        sanction_group: mercenary group to sanction, or ``"none"``.
        sanction_week: week the sanction is decided; it bites
            :data:`SANCTION_LAG_WEEKS` later.
        sanction_bite: share of the group's financing and logistics blocked.
        withdraw_backer: backer that withdraws its support, or ``"none"``.
        withdraw_week: week of the withdrawal.
        embargo: interdiction probability on every route (sea, air, land) from
            week 1 for embargoed support; 0 leaves the scenario's embargo alone.

    Returns:
        ``(interventions, notes)``: interventions as scenario dicts, and one
        line per lever that could not be applied to this scenario.
    """
    out: list[dict[str, Any]] = []
    notes: list[str] = []
    last = spec.horizon_weeks

    def week_in_horizon(week: int, what: str) -> int:
        w = int(week)
        if not 1 <= w <= last:
            notes.append(f"{what}: week {w} moved into 1..{last}")
            w = min(max(w, 1), last)
        return w

    if sanction_group and sanction_group != NONE:
        if sanction_group in spec.groups:
            bite = float(sanction_bite)
            out.append(
                {
                    "type": "sanction",
                    "group": sanction_group,
                    "financial": bite,
                    "logistics": bite,
                    "lag_weeks": SANCTION_LAG_WEEKS,
                    "week": week_in_horizon(sanction_week, "sanction"),
                    "description": (
                        f"sanctions on {sanction_group} (dashboard lever, bite {bite:.2f})"
                    ),
                }
            )
        else:
            notes.append(f"sanction: {spec.name} has no group {sanction_group!r}; ignored")
    if withdraw_backer and withdraw_backer != NONE:
        if withdraw_backer in spec.backers:
            out.append(
                {
                    "type": "withdraw",
                    "backer": withdraw_backer,
                    "week": week_in_horizon(withdraw_week, "withdrawal"),
                    "description": f"{withdraw_backer} withdraws (dashboard lever)",
                }
            )
        else:
            notes.append(f"withdrawal: {spec.name} has no backer {withdraw_backer!r}; ignored")
    if embargo > 0:
        s = float(embargo)
        out.append(
            {
                "type": "embargo",
                "sea": s,
                "air": s,
                "land": s,
                "week": 1,
                "description": f"embargo enforced, {s:.0%} interdiction (dashboard lever)",
            }
        )
    return out, notes


def build_spec(scenario_file: str, **levers: Any) -> tuple[ScenarioSpec, list[str]]:
    """Load a scenario and append the levers' interventions to its own.

    Returns:
        The validated scenario and the notes of :func:`lever_interventions`.
    """
    spec = load_scenario(scenario_file)
    extra, notes = lever_interventions(spec, **levers)
    if not extra:
        return spec, notes
    existing = [iv.model_dump(exclude_unset=True) for iv in spec.interventions]
    return load_scenario(spec, overrides={"interventions": existing + extra}), notes


class DashboardModel(ProxyWarModel):
    """A :class:`ProxyWarModel` whose policy levers are constructor arguments.

    Args:
        scenario_file: scenario file name in ``scenarios/`` (or a path).
        rng: the seed (the page's text box gives a string).
        sanction_group, sanction_week, sanction_bite, withdraw_backer,
            withdraw_week, embargo: the levers, see :func:`lever_interventions`.
    """

    def __init__(
        self,
        scenario_file: str = DEFAULTS["scenario_file"],
        rng: Any = DEFAULTS["rng"],
        sanction_group: str = DEFAULTS["sanction_group"],
        sanction_week: int = DEFAULTS["sanction_week"],
        sanction_bite: float = DEFAULTS["sanction_bite"],
        withdraw_backer: str = DEFAULTS["withdraw_backer"],
        withdraw_week: int = DEFAULTS["withdraw_week"],
        embargo: float = DEFAULTS["embargo"],
    ):
        notes: list[str] = []
        try:
            seed = parse_seed(rng)
        except ValueError as exc:
            seed = DEFAULTS["rng"]
            notes.append(f"seed: {exc}; using {seed}")
        levers = {
            "sanction_group": sanction_group,
            "sanction_week": sanction_week,
            "sanction_bite": sanction_bite,
            "withdraw_backer": withdraw_backer,
            "withdraw_week": withdraw_week,
            "embargo": embargo,
        }
        spec, lever_notes = build_spec(scenario_file, **levers)
        super().__init__(scenario=spec, rng=seed, collect=True)
        # week 0 of each faction's own front (the model records weeks 1..; wars on sides)
        self.front_start = dict(self.sides.front) if self.sides is not None else None
        self.seed = seed
        self.scenario_file = scenario_file
        self.levers = levers
        self.lever_notes = notes + lever_notes


# --------------------------------------------------------------------------- drawing


def faction_colours(model: ProxyWarModel) -> dict[str, str]:
    """Attacker in sand, defender in blue: the palette of every map (:mod:`sim.viz.mapdata`)."""
    return mapdata.faction_colours(model)


def draw_map(model: ProxyWarModel, fig: Figure) -> None:
    """The theatre over its coastlines: the map of ``map.png`` (:mod:`sim.viz.mapdata`).

    The places near the objective get a zoomed inset in the emptiest corner,
    since at theatre scale the suburbs where the war is fought overlap.
    """
    th = model.theatre
    mapdata.draw_theatre_map(model, fig)
    fig.suptitle(
        f"Week {model.week} · {model.date:%d %b %Y} · front {model.front_km:.0f} km "
        f"from {th.places[model.objective].name}",
        fontsize=9,
        x=0.02,
        y=0.985,
        ha="left",
    )


def status_html(model: ProxyWarModel) -> str:
    """The week, the outcome so far, the levers and the last events, as HTML.

    Why HTML and not ``solara.Markdown``: Solara's Markdown component loads a
    diagram library from its CDN on every page, which an offline machine lacks.
    """
    spec = model.spec
    e = html.escape
    obj = e(model.theatre.places[model.objective].name)
    out = [
        f'<h3 class="pw-week">Week {model.week} of {model.horizon} · {model.date:%d %B %Y}</h3>',
        f"<p><b>{e(spec.name)}</b>: {e(spec.description)}</p>",
    ]
    if model.running:
        state = "fighting"
        if model.ceasefire_on:
            state = "ceasefire holding"
        elif model.termination.stalemate:
            state = "static front"
    else:
        end = model.end_week if model.end_week is not None else model.week
        state = f"<b>ended: {e(str(model.summary()['outcome']))}</b> in week {end}"
    out.append(
        f"<p>Front <b>{model.front_km:.0f} km</b> from {obj} · {state} · "
        f"casualties {model.total_casualties():,.0f}</p>"
    )
    if not model.running:  # the label in words: victory:COALITION means nothing alone
        label = str(model.summary()["outcome"])
        meaning = outcome_definitions(spec, model.horizon).get(label)
        if meaning:
            out.append(f"<p><i>{e(label)}: {e(meaning)}.</i></p>")
    out.append(_faction_table(model))
    levers = getattr(model, "levers", None)
    if levers is not None:
        parts = [f"seed {getattr(model, 'seed', '?')}"]
        if levers["sanction_group"] != NONE:
            parts.append(
                f"sanctions on {e(levers['sanction_group'])} from week "
                f"{levers['sanction_week']} (bite {levers['sanction_bite']:.2f}, "
                f"lag {SANCTION_LAG_WEEKS} weeks)"
            )
        if levers["withdraw_backer"] != NONE:
            parts.append(
                f"{e(levers['withdraw_backer'])} withdraws in week {levers['withdraw_week']}"
            )
        if levers["embargo"] > 0:
            parts.append(f"embargo {levers['embargo']:.0%} interdiction")
        out.append("<p><b>Levers:</b> " + "; ".join(parts) + "</p>")
        notes = getattr(model, "lever_notes", [])
        if notes:
            out.append("<ul>" + "".join(f"<li><i>{e(n)}</i></li>" for n in notes) + "</ul>")
    events = model.events_log[-N_EVENTS:]
    if events:
        items = "".join(
            f"<li>week {w} ({spec.date_of(w):%d %b %Y}): {e(text)}</li>"
            for w, text in reversed(events)
        )
        out.append(f"<p><b>Last events</b></p><ul>{items}</ul>")
    else:
        out.append("<p><i>No events yet.</i></p>")
    return "\n".join(out)


def _faction_table(model: ProxyWarModel) -> str:
    """One row per faction; in a war on sides also its side, its own front and whether it fell."""
    e = html.escape
    sides = model.sides
    head = ["faction", "places", "fighters", "contracted", "morale", "posture"]
    if sides is not None:
        head[1:1] = ["side", "own front"]
    tips = {"own front": "road km from its seat of power to the nearest enemy-held place"}
    rows = [
        "<tr>"
        + "".join(f'<th title="{tips[h]}">{h}</th>' if h in tips else f"<th>{h}</th>" for h in head)
        + "</tr>"
    ]
    colours = faction_colours(model)
    for f in model.factions:
        merc = model.mercenaries_deployed(f)
        cells = [
            f'<span style="color:{colours[f.fid]}">&#9632;</span> {e(f.fid)}',
            str(model.theatre.count(f.fid)),
            f"{f.fighters:,.0f}",
            f"{merc:,.0f}",
            f"{f.morale:.2f}",
            e(str(f.posture)),
        ]
        if sides is not None:
            km = sides.front.get(f.fid, float("nan"))
            fell = sides.fallen.get(f.fid)
            where = f"fell wk {fell}" if fell is not None else ("-" if km != km else f"{km:.0f} km")
            cells[1:1] = [e(sides.side[f.fid]), where]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    table = '<table class="pw-table">' + "".join(rows) + "</table>"
    if sides is not None and sides.settled:
        pairs = ", ".join(f"{a}–{b}" for a, b in sorted(sides.settled))
        table += f"<p>Ceasefires held between: {e(pairs)} (they fight no more).</p>"
    return table


STATUS_CSS = "font-size: 14px; line-height: 1.35; padding: 4px 8px;"
TABLE_CSS = """<style>
.pw-table { border-collapse: collapse; margin: 4px 0 8px 0; }
.pw-table th, .pw-table td { padding: 2px 10px; text-align: right; }
.pw-table th:first-child, .pw-table td:first-child,
.pw-table th:last-child, .pw-table td:last-child { text-align: left; }
.pw-table tr:first-child { border-bottom: 1px solid #999; }
.pw-week { margin: 0 0 6px 0; }
</style>"""


# --------------------------------------------------------------------------- page


def _figure_component(draw: Any, size: tuple[float, float]) -> Any:
    """A page component that draws one matplotlib figure of the model."""

    def component(model: ProxyWarModel) -> Any:
        fig = Figure(figsize=size, dpi=100)
        draw(model, fig)
        return solara.FigureMatplotlib(fig, format="png")

    component.__name__ = draw.__name__.replace("draw_", "").title() + "View"
    return component


def StatusView(model: ProxyWarModel) -> Any:  # noqa: N802 (a Solara component)
    """The week, outcome, levers and recent events."""
    return solara.HTML(tag="div", unsafe_innerHTML=TABLE_CSS + status_html(model), style=STATUS_CSS)


#: the page's panels, in the order they fill the grid (two per row)
COMPONENTS = [
    _figure_component(draw_map, (5.4, 4.2)),
    StatusView,
    _figure_component(draw_front, (5.4, 3.7)),
    _figure_component(draw_strength, (5.4, 3.7)),
    _figure_component(draw_support, (5.4, 3.7)),
    _figure_component(draw_morale, (5.4, 3.7)),
]


def model_params() -> dict[str, Any]:
    """SolaraViz inputs: the scenario picker, the levers and the seed."""
    groups, backers, horizon, valid = _actor_choices()
    scenarios = list(valid) or [DEFAULTS["scenario_file"]]
    return {
        "scenario_file": {
            "type": "Select",
            "value": DEFAULTS["scenario_file"]
            if DEFAULTS["scenario_file"] in scenarios
            else scenarios[0],
            "values": scenarios,
            "label": "Scenario",
        },
        "rng": {"type": "InputText", "value": str(DEFAULTS["rng"]), "label": "Seed"},
        "sanction_group": {
            "type": "Select",
            "value": DEFAULTS["sanction_group"],
            "values": [NONE, *groups],
            "label": "Sanction a mercenary group",
        },
        "sanction_week": Slider("Sanctions decided in week", DEFAULTS["sanction_week"], 1, horizon),
        "sanction_bite": Slider(
            "Sanction bite (money, logistics)", DEFAULTS["sanction_bite"], 0.0, 1.0, 0.05
        ),
        "withdraw_backer": {
            "type": "Select",
            "value": DEFAULTS["withdraw_backer"],
            "values": [NONE, *backers],
            "label": "Backer withdraws",
        },
        "withdraw_week": Slider("Withdrawal in week", DEFAULTS["withdraw_week"], 1, horizon),
        "embargo": Slider(
            "Embargo enforcement (interdiction)", DEFAULTS["embargo"], 0.0, 1.0, 0.05
        ),
    }


def _initial_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The constructor values matching the inputs' initial positions."""
    out = {}
    for key, opt in params.items():
        out[key] = opt.value if isinstance(opt, Slider) else opt["value"]
    return out


@solara.component
def Page() -> None:  # noqa: N802 (the name `solara run` looks for)
    """The dashboard; each browser session gets its own war."""
    params = solara.use_memo(model_params, [])
    model = solara.use_memo(lambda: DashboardModel(**_initial_params(params)), [])
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=params,
        name="proxywar: a proxy war, week by week",
        play_interval=150,
    )
