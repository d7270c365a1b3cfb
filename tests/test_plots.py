"""Figures: outcome definitions, the shared map over Natural Earth, scales, dates, titles.

Each test draws a figure from a small seeded run or a hand-made table and
checks what a reader would see: every band inside its panel, dates on time
axes, place names, the ``--set`` overrides in titles, legends beside the
bars, labels that do not overlap, coastlines under Libya and none under the
abstract teaching theatre.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim import ProxyWarModel, load_scenario  # noqa: E402
from sim.analysis.outcomes import outcome_definitions, outcome_legend  # noqa: E402
from sim.viz import (
    mapdata,
    plots,  # noqa: E402
)


@pytest.fixture(scope="module")
def libya_model():
    m = ProxyWarModel(load_scenario("libya_2019.toml"), rng=7, weeks=12)
    m.run()
    return m


@pytest.fixture(scope="module")
def teaching_model():
    m = ProxyWarModel(load_scenario("teaching_line.toml"), rng=3, weeks=8)
    m.run()
    return m


def _texts(fig) -> str:
    out = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(out)


# --------------------------------------------------------------------------- outcomes


def test_outcome_definitions_follow_the_scenario_and_the_termination_rules():
    spec = load_scenario("libya_2019.toml")
    d = outcome_definitions(spec)
    assert set(d) == {"victory:LNA", "victory:GNA", "ceasefire", "stalemate"}
    # victory: the enemy's seat of power (home), or its forces / coalition break
    assert "Central Tripoli" in d["victory:LNA"] and "GNA's forces break" in d["victory:LNA"]
    assert "Benghazi" in d["victory:GNA"] and "30 %" in d["victory:GNA"]
    assert "8 weeks" in d["ceasefire"]
    assert "no decision by the horizon" in d["stalemate"] and "week 104" in d["stalemate"]
    # the words follow the numbers: another collapse share, another horizon
    other = load_scenario("libya_2019.toml", {"termination.collapse_share": 0.2})
    assert "20 %" in outcome_definitions(other)["victory:GNA"]
    assert "week 30" in outcome_definitions(spec, weeks=30)["stalemate"]


def test_outcome_legend_names_the_scenario_when_definitions_differ():
    libya = load_scenario("libya_2019.toml")
    short = load_scenario("libya_2019.toml", {"name": "short", "horizon_weeks": 52})
    text = outcome_legend([libya, short], ["stalemate", "victory:LNA"])
    assert text.count("stalemate —") == 2 and "[short]" in text and "[libya_2019]" in text
    assert text.count("victory:LNA —") == 1  # the same words: said once


# --------------------------------------------------------------------------- the map


def test_natural_earth_data_is_small_and_attributed():
    root = resources.files("sim") / "data" / "naturalearth"
    data = (root / "regions-50m.json").read_bytes()
    assert len(data) < 300_000
    regions = json.loads(data)["regions"]
    assert {"north_africa", "levant", "arabia"} <= set(regions)
    assert "Made with Natural Earth" in (root / "README.md").read_text("utf-8")


def test_basemap_under_libya_and_none_under_the_abstract_theatre(libya_model, teaching_model):
    for model, expect in ((libya_model, True), (teaching_model, False)):
        fig = Figure(figsize=(8, 6))
        ax = mapdata.draw_theatre_map(model, fig)
        land = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert bool(land) is expect
        assert (mapdata.ATTRIBUTION in _texts(fig)) is expect
    th = libya_model.theatre
    region = mapdata.basemap_for([p.lon for p in th.places], [p.lat for p in th.places])
    assert region is not None and region["bbox"][0] < 13.19 < region["bbox"][2]
    # Syria and Yemen fall in their own stored regions
    assert mapdata.basemap_for([36.3, 37.2], [33.5, 36.2]) is not None  # Damascus, Aleppo
    assert mapdata.basemap_for([44.2, 45.0], [15.4, 12.8]) is not None  # Sanaa, Aden


def test_map_labels_do_not_overlap(libya_model, tmp_path):
    fig = plots.plot_map(libya_model, overrides={"combat.noise_sigma": 0.4})
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [
            t.get_window_extent(r)
            for t in ax.texts
            if t.get_gid() in ("place", "country") and t.get_visible()
        ]
        assert len(boxes) >= 3
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b), "two map labels overlap"
    assert "(combat.noise_sigma=0.4)" in fig.get_suptitle()
    plt.close(fig)


def test_cli_map_and_dashboard_share_palette_and_zoom(libya_model):
    from sim.viz import dashboard

    assert dashboard.faction_colours(libya_model) == plots._faction_colours(libya_model)
    assert mapdata.faction_colours(libya_model)["LNA"] == mapdata.ATTACKER_COLOUR
    near = mapdata.zoom_places(libya_model)
    assert libya_model.objective in near and len(near) >= 3
    fig = Figure()
    dashboard.draw_map(libya_model, fig)
    assert len(fig.axes[0].child_axes) == 1  # the zoom inset
    assert f"Week {libya_model.week}" in fig.get_suptitle()


# --------------------------------------------------------------------------- sweep figures


def _front(scales: dict[str, float]) -> pd.DataFrame:
    rows = []
    start = dt.date(2019, 4, 4)
    for s, top in scales.items():
        for w in range(20):
            x = top * w / 19
            rows.append(
                {
                    "scenario": s,
                    "week": w,
                    "date": (start + dt.timedelta(days=7 * w)).isoformat(),
                    "q05": 0.0,
                    "q25": x / 4,
                    "q50": x / 2,
                    "q75": 3 * x / 4,
                    "q95": x,
                }
            )
    return pd.DataFrame(rows)


def test_front_fan_shows_every_panels_whole_band_with_dates_and_place_name():
    spec = load_scenario("libya_2019.toml")
    fig = plots.plot_front_fan(
        _front({"a": 100.0, "b": 1000.0}),
        objective="tripoli",
        specs={"a": spec, "b": spec},
        overrides={"combat.noise_sigma": 0.4},
    )
    tops = [ax.get_ylim()[1] for ax in fig.axes if ax.get_title(loc="left") in ("a", "b")]
    assert tops[0] >= 100 and tops[1] >= 1000 and tops[0] < 500  # each panel its own scale
    for ax in fig.axes[:2]:
        assert "Central Tripoli" in ax.get_ylabel() and "tripoli" not in ax.get_ylabel()
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert "(combat.noise_sigma=0.4)" in fig.get_suptitle()
    plt.close(fig)


def _summary() -> pd.DataFrame:
    rows = []
    for s in ("libya_2019", "libya_wagner_sanctions"):
        for o, p in (("victory:LNA", 0.05), ("stalemate", 0.9), ("ceasefire", 0.05)):
            rows.append(
                {
                    "scenario": s,
                    "outcome": o,
                    "runs": round(60 * p),
                    "probability": p,
                    "ci_low": max(0.0, p - 0.05),
                    "ci_high": min(1.0, p + 0.05),
                    "total": 60,
                }
            )
    return pd.DataFrame(rows)


def test_outcome_bars_keep_the_legend_off_the_bars_and_define_the_outcomes():
    spec = load_scenario("libya_2019.toml")
    specs = {"libya_2019": spec, "libya_wagner_sanctions": spec}
    fig = plots.plot_outcome_probabilities(
        _summary(), specs=specs, overrides={"combat.noise_sigma": 0.4}
    )
    fig.canvas.draw()
    ax = fig.axes[0]
    axes_box = ax.get_window_extent()
    for legend in fig.legends:
        assert not legend.get_window_extent().overlaps(axes_box)
    text = _texts(fig)
    assert "victory:LNA — LNA takes Central Tripoli" in text.replace("\n", " ")
    assert "(combat.noise_sigma=0.4)" in ax.get_title()
    plt.close(fig)


def test_survival_time_axes_are_dated():
    spec = load_scenario("libya_2019.toml")
    rows = []
    for w in range(0, 30):
        rows.append(
            {
                "scenario": "libya_2019",
                "outcome": "ended",
                "week": w,
                "survival": 1 - w / 100,
                "ci_low": 0.9 - w / 100,
                "ci_high": 1.0,
                "incidence": float("nan"),
            }
        )
        rows.append(
            {
                "scenario": "libya_2019",
                "outcome": "victory:LNA",
                "week": w,
                "survival": 1 - w / 200,
                "ci_low": 0.9,
                "ci_high": 1.0,
                "incidence": w / 200,
            }
        )
    fig = plots.plot_survival(pd.DataFrame(rows), specs={"libya_2019": spec})
    shown = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert len(shown) == 2
    for ax in shown:
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
        lo, hi = ax.get_xlim()
        assert mdates.num2date(lo).year == 2019  # weeks became dates from the start date
    plt.close(fig)


def test_sensitivity_axes_are_labelled_and_show_each_effects_sign():
    rows = []
    for out in ("P(victory:RED)", "war duration (weeks, mean)"):
        for par, rho, p in (("a", 0.6, 0.001), ("b", -0.5, 0.01), ("c", 0.05, 0.7)):
            rows.append(
                {
                    "output": out,
                    "parameter": par,
                    "S1": 0.3,
                    "ST": 0.4,
                    "ST_low": 0.3,
                    "ST_high": 0.5,
                    "spearman": rho,
                    "spearman_p": p,
                }
            )
    spec = load_scenario("teaching_line.toml")
    fig = plots.plot_sensitivity(
        pd.DataFrame(rows), scenario="teaching_line", overrides={"x.y": 1}, spec=spec
    )
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == 2
    for ax in panels:
        assert "share of the output's variance" in ax.get_xlabel()
        notes = sorted(t.get_text() for t in ax.texts)
        assert notes == ["ρ +0.05 n.s.", "ρ +0.60", "ρ −0.50"]
    assert "(x.y=1)" in fig.get_suptitle()
    assert "victory:RED — RED takes" in _texts(fig)
    plt.close(fig)


def test_front_timeline_title_names_overrides_and_axis_the_place(libya_model):
    fig = plots.plot_front_timeline(libya_model, overrides={"combat.noise_sigma": 0.4})
    ax = fig.axes[0]
    assert "(combat.noise_sigma=0.4)" in ax.get_title()
    assert "Central Tripoli" in ax.get_ylabel()
    plt.close(fig)
