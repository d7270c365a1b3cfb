"""The command line: run, validate and list; exit status 0/2/1 and no tracebacks."""

from __future__ import annotations

import csv
import subprocess
import sys

import matplotlib.image as mpimg
import pandas as pd
import pytest
from conftest import ROOT, TINY

from sim.cli import main
from sim.scenario import SCENARIO_DIR, load_scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def no_figures(monkeypatch):
    """Skip drawing in tests about the CSVs and messages (figures are tested once, below)."""
    import sim.viz.plots

    monkeypatch.setattr(sim.viz.plots, "plot_front_timeline", lambda model, path, **kw: None)
    monkeypatch.setattr(sim.viz.plots, "plot_map", lambda model, path, **kw: None)


def test_run_writes_timeline_events_and_figures(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(TINY), "--seed", "3", "--weeks", "12", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "tiny seed 3:" in stdout and "wrote" in stdout
    df = pd.read_csv(out / "timeline.csv")
    for col in ("week", "date", "front_km", "static_week", "fighters_ATT", "places_DEF"):
        assert col in df.columns
    assert list(df["week"]) == list(range(len(df)))  # week 0 (the start) and every week after
    assert df["week"].iloc[-1] <= 12 and df["date"].iloc[0] == "2020-01-02"
    with (out / "events.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["week", "date", "actor", "kind", "detail", "place"]
    for name in ("front.png", "map.png"):
        data = (out / name).read_bytes()
        assert data.startswith(PNG_MAGIC)
        height, width, _ = mpimg.imread(out / name).shape
        assert width >= 800 and height >= 400


def test_run_is_reproducible_and_seeds_matter(tmp_path, capsys, no_figures):
    def timeline(seed: int, name: str) -> bytes:
        out = tmp_path / name
        argv = ["run", str(TINY), "--seed", str(seed), "--weeks", "10", "--out", str(out)]
        assert main(argv) == 0
        return (out / "timeline.csv").read_bytes()

    first = timeline(5, "a")
    assert timeline(5, "b") == first
    assert timeline(6, "c") != first
    capsys.readouterr()


def test_run_logs_interventions_with_quotes_and_commas(tmp_path, capsys, no_figures):
    what_if = tmp_path / "what_if.toml"
    what_if.write_text(
        f'extends = "{TINY.as_posix()}"\n'
        "[[interventions]]\n"
        'type = "withdraw"\n'
        'group = "hired"\n'
        "week = 3  # test assumption\n"
        'description = "the \\"hired\\" guns leave, at once"\n'
    )
    out = tmp_path / "run"
    assert main(["run", str(what_if), "--weeks", "5", "--out", str(out)]) == 0
    capsys.readouterr()
    with (out / "events.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    fired = [r for r in rows if r["kind"] == "intervention"]
    assert fired == [
        {
            "week": "3",
            "date": "2020-01-23",
            "actor": "scenario",
            "kind": "intervention",
            "detail": 'withdraw: the "hired" guns leave, at once',
            "place": "",
        }
    ]


def test_run_set_overrides_the_scenario(tmp_path, capsys, no_figures):
    out = tmp_path / "run"
    argv = ["run", str(TINY), "--weeks", "4", "--out", str(out), "--set", "horizon_weeks=5"]
    argv += ["--set", "factions.ATT.fighters=60000", "--set", "factions.DEF.fighters=600"]
    assert main(argv) == 0
    assert "victory:ATT" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "no_such_file.toml"], "no_such_file.toml: file not found"),
        (["run", str(TINY), "--set", "combat.lethality=nan"], "combat.lethality"),
        (["run", str(TINY), "--set", "combat.lethalty=0.1"], "did you mean 'lethality'"),
        (["run", str(TINY), "--set", "novalue"], "--set: expected KEY=VALUE"),
        (["run", str(TINY), "--seed", "-1"], "--seed"),
        (["run", str(TINY), "--seed", "abc"], "--seed"),
        (["run", str(TINY), "--weeks", "0"], "--weeks"),
        (["run"], "scenario"),
        (["frobnicate"], "frobnicate"),
        ([], "command"),
        (["validate"], "scenario"),
        (["validate", "no_such_file.toml"], "no_such_file.toml: file not found"),
    ],
)
def test_bad_input_exits_2_with_a_message(argv, needle, capsys, no_figures):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert needle in err
    assert "Traceback" not in err + out


def test_run_with_an_unusable_out_directory_exits_2(tmp_path, capsys, no_figures):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    assert main(["run", str(TINY), "--weeks", "2", "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--out:") and "a_file" in err and len(err.strip().splitlines()) == 1


def test_validate_a_good_file(capsys):
    assert main(["validate", str(TINY)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{TINY}: ok: 2 factions, 2 backers, 1 mercenary groups, 5 places")


def test_list_shows_every_scenario_with_its_description(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    files = sorted(p.name for p in SCENARIO_DIR.glob("*.toml"))
    assert [line.split()[0] for line in lines] == files
    libya = next(line for line in lines if line.startswith("libya_2019.toml"))
    assert load_scenario("libya_2019.toml").description in libya


def test_run_py_exits_with_the_status_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "nothere.toml"\n')
    proc = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"{bad}: extends: expected an existing file, found 'nothere.toml'"
    ]


def test_figures_from_a_model_run_without_the_datacollector(tmp_path):
    import matplotlib.pyplot as plt

    from sim import ProxyWarModel
    from sim.viz.plots import plot_front_timeline, plot_map

    m = ProxyWarModel(TINY, rng=1, weeks=6, collect=False).run()
    fig = plot_front_timeline(m)
    curve = fig.axes[0].get_lines()[0]  # drawn first: the weekly front distance
    assert list(curve.get_ydata()) == m.front_series
    plt.close(fig)
    plot_map(m, tmp_path / "map.png")
    assert (tmp_path / "map.png").read_bytes().startswith(PNG_MAGIC)
