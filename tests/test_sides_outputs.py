"""Outputs of wars with three or more sides: per-faction fronts, compare and sensitivity.

Why: a war on sides has one front per faction (its seat of power against the
nearest enemy) and ends by side (``victory:<SIDE>``); the sweep files, the
report, ``compare`` and ``sensitivity`` must show that, while two-faction
sweeps keep exactly their old files.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import ProxyWarModel, load_scenario
from sim.cli import main
from sim.experiments import objectives
from sim.experiments.store import RunStore, read_front_series
from sim.experiments.sweep import replicate_seed, run_sweep

ROOT = Path(__file__).resolve().parents[1]
THREE = ROOT / "scenarios" / "teaching_three_sides.toml"
LINE = ROOT / "scenarios" / "teaching_line.toml"
YEMEN = ROOT / "scenarios" / "yemen_2015.toml"
YEMEN_UAE = ROOT / "scenarios" / "yemen_uae_withdraws.toml"
WEEKS = 30
REPS = 4


@pytest.fixture(scope="module")
def three_sweep(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("three")
    res = run_sweep([THREE], reps=REPS, seed=5, out=out, workers=1, weeks=WEEKS, progress=False)
    return res


def test_three_sided_sweep_writes_one_front_per_faction(three_sweep) -> None:
    """Each run has one line per faction, named ``home:<FACTION>``, equal to the model's own."""
    out = three_sweep.out
    series = list(objectives.read_objective_series(out))
    spec = load_scenario(THREE)
    assert len(series) == REPS * len(spec.factions)
    header = pd.read_csv(out / objectives.OBJECTIVES_SERIES_FILE, nrows=0).columns
    assert list(header[:4]) == ["scenario", "replicate", "objective", "w0"]
    got = {(rep, obj): s for _, rep, obj, s in series}
    assert {obj for _, obj in got} == {f"home:{fid}" for fid in spec.factions}
    # replicate 1 run directly: the stored series is its weekly per-faction front
    model = ProxyWarModel(spec, rng=replicate_seed(5, 1), weeks=WEEKS, collect=False)
    start = dict(model.sides.front)
    model.run()
    for fid in spec.factions:
        stored = got[(1, f"home:{fid}")]
        assert stored.size == WEEKS + 1
        assert stored[0] == start[fid]
        weekly = np.asarray(model.sides.fronts[fid][:WEEKS], dtype=float)
        fell = model.sides.fallen.get(fid, WEEKS + 1)  # from its fall on, no front
        n = min(len(weekly), fell - 1)
        np.testing.assert_array_equal(stored[1 : n + 1], weekly[:n])
        assert np.isnan(stored[fell:]).all()


def test_three_sided_quantiles_name_each_objective(three_sweep) -> None:
    """``front_objectives.csv``: weeks per faction, titled in words, shares in [0, 1]."""
    table = pd.read_csv(three_sweep.out / objectives.OBJECTIVES_FILE)
    spec = load_scenario(THREE)
    assert list(table["objective"].unique()) == [f"home:{fid}" for fid in spec.factions]
    assert (table.groupby("objective").size() == WEEKS + 1).all()
    names = table.groupby("objective")["objective_name"].first()
    assert "West Capital" in names["home:RED"] and "nearest enemy-held place" in names["home:RED"]
    assert table["at_war"].between(0, 1).all()
    assert (table.loc[table["week"] == 0, "at_war"] == 1).all()  # everyone is at war at the start
    ok = table.dropna(subset=["q50"])
    assert (ok["q05"] <= ok["q50"]).all() and (ok["q50"] <= ok["q95"]).all()
    report = (three_sweep.out / "report.md").read_text()
    assert "### Each faction's front" in report and "front_objectives_fan.png" in report
    assert (three_sweep.out / objectives.OBJECTIVES_FIGURE).stat().st_size > 10_000


def test_two_faction_sweep_keeps_its_files(tmp_path: Path) -> None:
    """A two-faction sweep writes no objective files, and its front file keeps its columns."""
    res = run_sweep([LINE], reps=3, seed=1, out=tmp_path, workers=1, weeks=10, progress=False)
    for name in objectives.OUTPUT_FILES:
        assert not (res.out / name).exists(), name
    header = pd.read_csv(res.out / "front_series.csv", nrows=0).columns
    assert list(header) == ["scenario", "replicate", *(f"w{i}" for i in range(11))]
    assert "objective" not in pd.read_csv(res.out / "front.csv", nrows=0).columns
    assert "_objectives" not in pd.read_csv(res.out / "runs.csv", nrows=0).columns


def test_store_sorts_objective_lines_and_keeps_the_retry(tmp_path: Path) -> None:
    """finalize sorts by scenario, replicate and objective, keeping a retried run's last lines."""
    cols = ["scenario", "replicate", "x", "status", "error"]

    def result(rep: int, value: float) -> tuple[dict, np.ndarray]:
        row = {"scenario": "s", "replicate": rep, "x": value, "status": "ok", "error": ""}
        row["_objectives"] = {"home:A": np.full(3, value), "home:B": np.array([1.0, math.nan, 2])}
        return row, np.zeros(3)

    store = RunStore(tmp_path, cols, weeks=2, objectives={"s": 2})
    store.open(resume=False)
    store.append([result(1, 10.0), result(0, 5.0)])
    store.append([result(1, 11.0)])  # a retry of replicate 1: its last lines win
    store.finalize(["s"])
    lines = list(objectives.read_objective_series(tmp_path))
    assert [(rep, obj) for _, rep, obj, _ in lines] == [
        (0, "home:A"),
        (0, "home:B"),
        (1, "home:A"),
        (1, "home:B"),
    ]
    assert lines[2][3].tolist() == [11.0, 11.0, 11.0]
    assert np.isnan(lines[3][3][1])  # a fallen faction's week stays missing
    assert [rep for _, rep, _ in read_front_series(tmp_path)] == [0, 1]


def test_compare_on_yemen_reports_sides(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """compare of Yemen and a what-if lists outcomes by side, never by faction, all defined."""
    rc = main(
        ["compare", str(YEMEN), str(YEMEN_UAE), "--reps", "6", "--weeks", "30"]
        + ["--workers", "1", "--out", str(tmp_path / "c"), "--no-progress"]
    )
    text = capsys.readouterr().out
    assert rc == 0
    table = pd.read_csv(tmp_path / "c" / "comparison.csv")
    outcomes = set(table["outcome"])
    assert {"victory:HOUTHI", "victory:COALITION", "victory:AQAP"} <= outcomes
    assert "victory:GOV" not in outcomes and "victory:SOUTH" not in outcomes  # factions, not sides
    assert "victory:AQAP+COALITION" in outcomes  # neutral sides left standing together
    assert "victory:AQAP+COALITION: the factions still standing are on sides" in text
    assert "victory:COALITION: every faction still standing is on side COALITION" in text
    # each faction's front, one row of panels per arm, drawn and shown in the report
    assert (tmp_path / "c" / "comparison_objectives_fan.png").is_file()
    assert "comparison_objectives_fan.png" in (tmp_path / "c" / "comparison.md").read_text()


def test_sensitivity_on_three_sides_prints_side_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """sensitivity on the three-sided theatre runs and reports victory:<SIDE> rows."""
    rc = main(
        ["sensitivity", str(THREE), "--param", "factions.GREEN.fighters=2000:5000"]
        + ["--param", "backers.midland.resolve=0.2:0.9", "--samples", "8", "--reps", "2"]
        + ["--workers", "1", "--out", str(tmp_path / "s"), "--no-progress"]
    )
    text = capsys.readouterr().out
    assert rc == 0
    rows = pd.read_csv(tmp_path / "s" / "sensitivity.csv")
    victories = {o for o in rows["output"] if str(o).startswith("P(victory:")}
    assert victories, "no victory row"
    assert victories <= {"P(victory:RED)", "P(victory:BLUE)", "P(victory:GREEN)"}
    assert "victory:GREEN: every faction still standing is on side GREEN" in text


def test_a_fallen_faction_has_no_front_from_the_week_it_fell() -> None:
    """Seed 2 of the three-sided theatre: BLUE falls in week 43, and has no front from then on."""
    spec = load_scenario(THREE)
    model = ProxyWarModel(spec, rng=2, collect=False)
    starts = objectives.objective_starts(model)
    model.run()
    fell = model.sides.fallen["BLUE"]
    series = objectives.objective_series(model, starts)
    blue = series["home:BLUE"]
    assert blue.size == model.horizon + 1
    assert np.isfinite(blue[:fell]).all() and np.isnan(blue[fell:]).all()
    assert np.isfinite(series["home:RED"]).all()  # the winner keeps its front to the end
    assert objectives.objective_starts(ProxyWarModel(LINE, rng=0)) is None  # two factions: none


def test_resume_reruns_a_replicate_whose_objective_line_was_torn(tmp_path: Path) -> None:
    """A torn objective line makes its replicate run again; the files end as an unbroken sweep's."""
    kw = {"reps": 4, "seed": 3, "workers": 1, "weeks": 20, "progress": False, "report": False}
    whole = run_sweep([THREE], out=tmp_path / "a", **kw).out
    torn = run_sweep([THREE], out=tmp_path / "b", **kw).out
    path = torn / objectives.OBJECTIVES_SERIES_FILE
    path.write_bytes(path.read_bytes()[:-40])  # the last run's last line, cut short
    res = run_sweep([THREE], out=torn, resume=True, **kw)
    assert res.executed == 1  # only that replicate ran again
    for name in (objectives.OBJECTIVES_SERIES_FILE, objectives.OBJECTIVES_FILE, "runs.csv"):
        assert (whole / name).read_bytes() == (torn / name).read_bytes(), name


YEMEN_SOUTH = ROOT / "scenarios" / "yemen_south_turns.toml"
TEACHING_SANCTIONS = ROOT / "scenarios" / "teaching_line_sanctions.toml"


def test_compare_on_sides_pairs_each_factions_front(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Each faction's front at the horizon, paired: file, forest, printed and report rows.

    The numbers must equal a hand computation from the arms' per-run files: the
    front of ``home:X`` in week ``--weeks`` of each arm, paired by replicate over
    the pairs where X has a front in both arms, mean difference with Student's t.
    """
    from scipy import stats

    weeks, reps = 40, 8
    out = tmp_path / "c"
    rc = main(
        ["compare", str(YEMEN), str(YEMEN_SOUTH), "--reps", str(reps), "--weeks", str(weeks)]
        + ["--workers", "1", "--out", str(out), "--no-progress"]
    )
    text = capsys.readouterr().out
    assert rc == 0
    assert (out / "comparison_objectives_forest.png").is_file()
    report = (out / "comparison.md").read_text()
    assert "## Each faction's front at the horizon" in report
    assert "comparison_objectives_forest.png" in report
    table = pd.read_csv(out / "objective_differences.csv")
    spec = load_scenario(YEMEN)
    assert list(table["objective"]) == [f"home:{fid}" for fid in spec.factions]
    named = dict(zip(table["faction"], table["metric"], strict=True))
    assert named["GOV"] == "front from Aden (km)"  # the objective in words
    assert named["HOUTHI"] == "front from Sanaa (km)"
    for fid, metric in named.items():
        assert f"{metric}, {fid}" in text  # a printed row per objective
        assert f"| yemen_south_turns | {metric}, {fid} |" in report

    # the hand computation, from arms/front_objectives_series.csv and arms/runs.csv
    series = pd.read_csv(out / "arms" / objectives.OBJECTIVES_SERIES_FILE)
    runs = pd.read_csv(out / "arms" / "runs.csv")
    assert (runs["status"] == "ok").all()
    at = series.pivot_table(
        index="replicate", columns=["scenario", "objective"], values=f"w{weeks}", dropna=False
    )
    moved = 0
    for row in table.itertuples(index=False):
        b = at[("yemen_2015", row.objective)]
        a = at[("yemen_south_turns", row.objective)]
        both = b.notna() & a.notna()
        d = (a - b)[both].to_numpy()
        assert row.pairs == both.sum() == len(d)
        assert row.no_front_baseline == b.isna().sum()
        assert row.no_front_alternative == a.isna().sum()
        if not len(d):
            assert math.isnan(row.difference)
            continue
        assert row.difference == pytest.approx(d.mean(), abs=1e-3)
        assert row.mean_baseline == pytest.approx(b[both].mean(), abs=1e-3)
        assert row.mean_alternative == pytest.approx(a[both].mean(), abs=1e-3)
        if len(d) > 1 and np.ptp(d) > 0:
            ci = stats.ttest_1samp(d, 0.0).confidence_interval(0.95)
            assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-3)
            moved += 1
        elif len(d) > 1:  # every pair moved alike: no uncertainty
            assert row.ci_low == row.ci_high == pytest.approx(d[0], abs=1e-3)
    assert moved >= 1, table.to_dict("records")  # at least one interval is a real t interval


def test_two_faction_compare_has_no_objective_rows(tmp_path: Path) -> None:
    """A two-faction comparison writes no objective table or forest and no such section."""
    from sim.experiments.compare import compare

    res = compare(LINE, TEACHING_SANCTIONS, reps=3, seed=1, out=tmp_path, workers=1, weeks=10)
    assert res.objective_differences.empty
    assert not (tmp_path / "objective_differences.csv").exists()
    assert not (tmp_path / "comparison_objectives_forest.png").exists()
    assert "Each faction's front" not in (tmp_path / "comparison.md").read_text()


def test_compare_leaves_out_pairs_without_a_main_front(tmp_path: Path) -> None:
    """A main-front row pairs only the replicates with a front in both arms.

    When the Southern Resistance turns on the government the war can go on
    after the Houthis hold no place; the main front (Houthi-held places from
    Aden) is then ``inf`` in ``front_series.csv``. Expected: such pairs are left
    out of ``differences.csv`` (``pairs`` counts the rest, the mean is finite)
    and the weekly mean front stays finite, instead of an undefined mean.
    """
    out = tmp_path / "c"
    ensemble = ROOT / "scenarios" / "ensembles" / "yemen_2015.csv"
    rc = main(
        ["compare", str(YEMEN), str(YEMEN_SOUTH), "--reps", "24", "--workers", "1"]
        + ["--ensemble", str(ensemble), "--out", str(out), "--no-progress"]
    )
    assert rc == 0
    series = pd.read_csv(out / "arms" / "front_series.csv")
    diffs = pd.read_csv(out / "differences.csv")
    rows = diffs[diffs["metric"].str.startswith("front distance")]
    assert len(rows) >= 2
    no_front = 0
    for row in rows.itertuples(index=False):
        at = series.pivot(index="replicate", columns="scenario", values=f"w{int(row.week)}")
        b, a = at["yemen_2015"].to_numpy(float), at["yemen_south_turns"].to_numpy(float)
        both = np.isfinite(b) & np.isfinite(a)
        no_front += int((~both).sum())
        assert row.pairs == both.sum()
        assert math.isfinite(row.mean_alternative) and math.isfinite(row.difference)
        assert row.difference == pytest.approx((a[both] - b[both]).mean(), abs=1e-3)
    assert no_front > 0  # the case this test is about happened
