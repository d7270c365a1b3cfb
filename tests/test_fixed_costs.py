"""The fixed costs of a sweep cut without changing what it gives.

Why: the fan chart and the static-spells figure are placed by fixed margins
instead of a constrained layout, and PNGs are written at the fastest zlib
level; a reader must see the same thing as before. Each figure test draws from a
hand-made table and checks what a reader would see. The command line's entry
point skips the collector's last walk over every object at exit (tests call
``main``, which must not), and an ensemble sweep validates only the members its
replicates run.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from PIL import Image  # noqa: E402

from sim import load_scenario  # noqa: E402
from sim.viz import plots  # noqa: E402
from sim.viz.common import PNG_COMPRESS_LEVEL, save_kwargs  # noqa: E402

LONG = "libya_wagner_sanctions_and_a_very_long_scenario_name"


def _front(names: list[str]) -> pd.DataFrame:
    rows = []
    for k, s in enumerate(names):
        for w in range(60):
            d = dt.date(2019, 4, 4) + dt.timedelta(weeks=w)
            mid = (40.0 + 9.0 * w) * (1 + k)  # the third panel reaches four-digit ticks
            rows.append(
                {
                    "scenario": s,
                    "week": w,
                    "date": d.isoformat(),
                    "q05": mid * 0.5,
                    "q25": mid * 0.8,
                    "q50": mid,
                    "q75": mid * 1.2,
                    "q95": mid * 1.5,
                }
            )
    return pd.DataFrame(rows)


def _inside(inner, outer) -> bool:
    return (
        inner.x0 >= outer.x0 - 1
        and inner.x1 <= outer.x1 + 1
        and inner.y0 >= outer.y0 - 1
        and inner.y1 <= outer.y1 + 1
    )


def _check_legends_beside_axes(fig) -> None:
    fig.canvas.draw()
    frame = fig.bbox
    # each panel, its tick labels, axis labels and title
    boxes = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        boxes.append(ax.get_window_extent())
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label]
        texts += [*ax.get_xticklabels(), *ax.get_yticklabels()]
        boxes += [t.get_window_extent() for t in texts if t.get_visible() and t.get_text()]
    assert fig.legends, "the figure has its legend"
    for legend in fig.legends:
        box = legend.get_window_extent()
        assert _inside(box, frame), "the legend is cut by the figure's edge"
        for axes_box in boxes:
            assert not box.overlaps(axes_box), "the legend covers a panel or its labels"
    for ax in fig.axes:
        if not ax.get_visible():  # a spare panel of the grid
            continue
        tight = ax.get_tightbbox()
        assert _inside(tight, frame), "a panel's labels are cut by the figure's edge"


def test_png_written_fast_has_the_same_pixels(tmp_path):
    """Expected: identical pixels at zlib level 1 and at the default level."""
    spec = load_scenario("libya_2019.toml")
    fig = plots.plot_front_fan(_front(["libya_2019"]), objective="tripoli", specs={"x": spec})
    fast, default = tmp_path / "fast.png", tmp_path / "default.png"
    fig.savefig(fast, dpi=110, **save_kwargs(fast))
    fig.savefig(default, dpi=110)
    plt.close(fig)
    assert save_kwargs(fast) == {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}}
    assert save_kwargs(tmp_path / "f.pdf") == {}  # only PIL formats take pil_kwargs
    a, b = np.asarray(Image.open(fast)), np.asarray(Image.open(default))
    assert a.shape == b.shape and (a == b).all()


def test_fan_chart_keeps_the_legend_beside_every_panel():
    """Expected: with one and with three panels (a long name), no legend over a panel."""
    spec = load_scenario("libya_2019.toml")
    for names in (["libya_2019"], ["libya_2019", LONG, "third"]):
        fig = plots.plot_front_fan(_front(names), objective="tripoli", specs={"x": spec})
        _check_legends_beside_axes(fig)
        # the suptitle sits above the first panel's title
        title_box = fig._suptitle.get_window_extent()
        first = fig.axes[0].title.get_window_extent()
        assert title_box.y0 >= first.y1 - 1
        plt.close(fig)


def test_static_spells_legend_grows_with_the_names_and_stays_off_the_axes():
    """Expected: a longer scenario name gives a narrower axes, never a covered one."""
    widths = []
    for names in (["libya_2019"], ["libya_2019", LONG]):
        durations = pd.DataFrame(
            [
                {"scenario": s, "duration": d, "spells": 3, "share": 1 / 3}
                for s in names
                for d in (2, 5, 9)
            ]
        )
        fig = plots.plot_stalemate_durations(durations, overrides={"combat.noise_sigma": 0.4})
        _check_legends_beside_axes(fig)
        widths.append(fig.axes[0].get_window_extent().width)
        plt.close(fig)
    assert widths[1] < widths[0]


def test_outcome_bars_and_survival_panels_keep_legends_and_definitions_off_the_axes():
    """Expected: long names, many outcomes and their definitions never cover a panel."""
    spec = load_scenario("libya_2019.toml")
    names = ["libya_2019", LONG]
    specs = dict.fromkeys(names, spec)
    outcomes = ["victory:GNA", "victory:LNA", "ceasefire", "stalemate"]
    summary = pd.DataFrame(
        [
            {
                "scenario": s,
                "outcome": o,
                "runs": 5,
                "probability": 0.25,
                "ci_low": 0.1,
                "ci_high": 0.5,
                "total": 20,
            }
            for s in names
            for o in outcomes
        ]
    )
    fig = plots.plot_outcome_probabilities(summary, specs=specs, overrides={"a.b": 1})
    _check_legends_beside_axes(fig)
    assert len(fig.legends) == 2  # the scenarios and the outcomes' definitions
    plt.close(fig)

    rows = []
    for s in names:
        for o in ["ended", *outcomes[:3]]:
            for w in range(0, 105, 4):
                share = min(1.0, w / 300)
                rows.append(
                    {
                        "scenario": s,
                        "outcome": o,
                        "week": w,
                        "survival": 1 - share,
                        "ci_low": max(0.0, 1 - share - 0.1),
                        "ci_high": min(1.0, 1 - share + 0.1),
                        "incidence": share,
                    }
                )
    fig = plots.plot_survival(pd.DataFrame(rows), specs=specs)
    _check_legends_beside_axes(fig)
    plt.close(fig)


def test_program_entry_freezes_the_collector_at_exit_and_main_does_not(monkeypatch, capsys):
    """Expected: ``console_main`` returns main's status with the objects frozen; main alone not."""
    from sim.cli import console_main, main

    gc.unfreeze()
    try:
        assert main(["list"]) == 0
        assert gc.get_freeze_count() == 0  # a test or notebook keeps its collector
        monkeypatch.setattr(sys, "argv", ["proxywar", "list"])
        assert console_main() == 0
        assert gc.get_freeze_count() > 0  # what the program made is left to the exit
        assert "libya_2019.toml" in capsys.readouterr().out
    finally:
        gc.unfreeze()


def test_ensemble_sweep_validates_only_the_members_its_replicates_run(tmp_path, monkeypatch):
    """Expected: 3 replicates of a 5-member ensemble build 3 member scenarios, and replicate
    i still runs member i (the deadlier members kill more with the same seeds)."""
    from sim.experiments import sweep

    built = []
    real = sweep.load_scenario

    def counting(spec, overrides=None):
        built.append(dict(overrides or {}))
        return real(spec, overrides)

    monkeypatch.setattr(sweep, "load_scenario", counting)
    members = [{"combat.lethality": x} for x in (0.02, 0.06, 0.12, 0.2, 0.3)]
    res = sweep.run_sweep(
        ["teaching_line.toml"], reps=3, seed=5, out=tmp_path / "s", workers=1,
        progress=False, report=False, ensemble=members, weeks=20,
    )  # fmt: skip
    assert built == members[:3]
    runs = res.runs.sort_values("replicate")
    spec = real("teaching_line.toml")
    for _, row in runs.iterrows():
        i = int(row["replicate"])
        expect, _ = sweep.run_replication(real(spec, members[i]), i, int(row["seed"]), 20)
        assert row["casualties"] == expect["casualties"], i
    manifest = (tmp_path / "s" / "manifest.json").read_text()
    assert '"members": 5' in manifest  # the design still names the whole ensemble


def test_pool_chunks_shrink_at_the_end_and_cover_every_job_once():
    """Expected: 2 workers get chunks of at most 20, down to single runs at the end, every
    job once in replicate-major order; without workers (a given --chunk) sizes stay fixed."""
    from sim.experiments.executors import Plan

    done = {s: np.zeros(0, dtype=bool) for s in ("a", "b")}
    plan = Plan(["a", "b"], reps=150, seed=1, done=done, todo=300)
    fixed = [len(c) for c in plan.chunks(20)]
    assert fixed == [20] * 15
    chunks = list(plan.chunks(20, workers=2))
    sizes = [len(c) for c in chunks]
    assert max(sizes) == 20 and sizes[-1] == 1
    assert sizes == sorted(sizes, reverse=True)  # never larger again once shrinking
    jobs = [job for c in chunks for job in c]
    assert jobs == [job for c in plan.chunks(20) for job in c]
