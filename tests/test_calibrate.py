"""Calibration by history matching: a synthetic check where the truth is known, and the files.

The teaching theatre is run at a chosen parameter value; the means of those
runs become the "observations"; calibrating from wide ranges must keep the
truth among the accepted sets and shrink the range of the parameter the
targets depend on by at least half.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments.ensemble import read_ensemble
from sim.experiments.history_matching import _run_point, calibrate
from sim.experiments.sweep import replicate_seed
from sim.experiments.targets import horizon_for, load_targets
from sim.scenario import ScenarioError, load_scenario

TRUTH = {"combat.lethality": 0.06, "combat.cover_urban": 2.2}
RANGES = [("combat.lethality", 0.02, 0.14), ("combat.cover_urban", 1.2, 3.5)]
QUANTITIES = [
    ("casualties_13", 'quantity = "casualties"\ndate = 2021-04-08'),
    ("front_summer", 'quantity = "front_km"\nwindow = [2021-05-06, 2021-07-08]'),
    ("blue_fighters", 'quantity = "fighters"\nfaction = "BLUE"\ndate = 2021-07-08'),
]


def _targets(path: Path, values: list[float] | None = None) -> Path:
    lines = ['description = "synthetic: the teaching theatre at a known value"']
    lines.append('observed_as = "mean"')
    for k, (tid, what) in enumerate(QUANTITIES):
        v = 0.0 if values is None else values[k]
        sd = max(abs(v) * 0.05, 0.5)  # a 5 % observation error
        lines += ["[[target]]", f'id = "{tid}"', what, f"observed = {v!r}", f"sd = {sd!r}"]
        lines.append('source = "synthetic: 200 runs of teaching_line.toml at TRUTH"')
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    spec = load_scenario("teaching_line.toml")
    draft = load_targets(_targets(folder / "draft.toml"), spec)
    seeds = [replicate_seed(12345, r) for r in range(200)]
    sims = _run_point(spec, TRUTH, seeds, draft, horizon_for(draft, spec))
    return _targets(folder / "targets.toml", [float(v) for v in sims.mean(axis=0)])


@pytest.fixture(scope="module")
def result(synthetic: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("cal")
    return calibrate(
        "teaching_line.toml", synthetic, RANGES, waves=3, samples=30, reps=5, seed=3, point_reps=20,
        workers=1, out=out, progress=False,
    )  # fmt: skip


def test_accepted_sets_contain_the_truth_and_the_range_shrinks_by_half(result):
    ens = result.ensemble
    assert len(ens) >= 5, result.waves
    for key, _, _ in RANGES:
        v = ens[key].to_numpy()
        assert v.min() <= TRUTH[key] <= v.max(), (key, v.min(), v.max())
    # lethality drives casualties directly: the targets pin it down
    v = ens["combat.lethality"].to_numpy()
    lo, hi = np.quantile(v, [0.05, 0.95])
    assert hi - lo <= 0.5 * (RANGES[0][2] - RANGES[0][1]), (lo, hi)
    # every wave refocuses: the non-implausible space left falls
    assert result.waves["volume_after"].iloc[-1] < 0.5


def test_outputs_are_written_and_the_ensemble_is_usable_as_overrides(result):
    out = result.out
    for name in ("ensemble.csv", "waves.csv", "targets.csv", "calibration.md", "manifest.json"):
        assert (out / name).exists(), name
    # each emulator's held-out check is recorded, per wave before the last and target
    checks = pd.read_csv(out / "emulators.csv")
    assert list(checks["wave"].unique()) == [1, 2]
    assert (checks["held_out"] == 6).all()  # a fifth of 30 points
    assert "## Emulators" in (out / "calibration.md").read_text()
    for name in ("ensemble_pairs.png", "targets.png"):
        assert (out / name).stat().st_size > 10_000
    waves = pd.read_csv(out / "waves.csv")
    assert list(waves["wave"]) == [1, 2, 3]
    table = pd.read_csv(out / "targets.csv")
    # after calibration every synthetic target is met (it came from the model itself)
    assert table["ensemble_met"].all(), table
    members = read_ensemble(out / "ensemble.csv", load_scenario("teaching_line.toml"))
    assert set(members[0]) == {k for k, _, _ in RANGES}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["accepted"] == len(result.ensemble)


def test_resume_after_a_kill_gives_the_same_ensemble(synthetic, result, tmp_path):
    # a killed run: wave 1 finished, wave 2 half run, no wave 3 (files as left on disk)
    out = tmp_path / "cal"
    out.mkdir()
    for name in ("manifest.json", "design_1.csv", "runs_1.csv", "design_2.csv"):
        (out / name).write_bytes((result.out / name).read_bytes())
    lines = (result.out / "runs_2.csv").read_text().splitlines(keepends=True)
    (out / "runs_2.csv").write_text("".join(lines[: len(lines) // 2]) + "7,12")  # a torn line
    again = calibrate(
        "teaching_line.toml", synthetic, RANGES, waves=3, samples=30, reps=5, seed=3, point_reps=20,
        workers=1, out=out, resume=True, progress=False,
    )  # fmt: skip
    pd.testing.assert_frame_equal(again.ensemble, result.ensemble)


def test_bad_targets_file_is_one_line_naming_file_and_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[target]]\nid = "x"\nquantity = "front_km"\ndate = 2021-03-01\n'
        'low = 40.0\nhigh = 10.0\nsource = "s"\n'
    )
    code = main(["calibrate", "teaching_line.toml", "--targets", str(bad), "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"{bad}: target.0: expected"), err
    bad.write_text(
        '[[target]]\nid = "x"\nquantity = "holder"\nplace = "atlantis"\nfaction = "RED"\n'
        'date = 2021-03-01\nobserved = 1.0\nsd = 0.1\nsource = "s"\n'
    )
    with pytest.raises(ScenarioError, match=r"target\.0\.place: expected a place"):
        load_targets(bad, load_scenario("teaching_line.toml"))


def test_libya_targets_file_is_valid_and_only_uses_what_was_known_by_5_december_2019():
    spec = load_scenario("libya_2019.toml")
    tg = load_targets(Path("scenarios/targets/libya_2019.toml"), spec)
    assert {t.quantity for t in tg.items} >= {"front_km", "holder", "casualties", "fighters"}
    assert str(tg.known_by) == "2019-12-05"
    for t in tg.items:
        last = t.date or t.window[1]
        assert last <= tg.known_by, t.id
        assert t.source


def test_shipped_ensemble_loads_into_the_libya_scenario():
    members = read_ensemble("scenarios/ensembles/libya_2019.csv", load_scenario("libya_2019.toml"))
    assert len(members) >= 10
    # every member is a valid scenario
    for m in members[:5]:
        load_scenario("libya_2019.toml", m)


def test_calibrate_command_line_help_lists_it():
    out = subprocess.run(
        [sys.executable, "run.py", "calibrate", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "--targets" in out.stdout


def test_sweep_with_an_ensemble_runs_member_i_mod_m_for_replicate_i(tmp_path):
    from sim.experiments.sweep import run_replication, run_sweep

    members = [{"combat.lethality": 0.03}, {"combat.lethality": 0.12}]
    res = run_sweep(
        ["teaching_line.toml"], reps=4, seed=5, out=tmp_path / "s", workers=1,
        progress=False, report=False, ensemble=members, weeks=20,
    )  # fmt: skip
    runs = res.runs.sort_values("replicate")
    spec = load_scenario("teaching_line.toml")
    for _, row in runs.iterrows():
        i = int(row["replicate"])
        expect, _ = run_replication(load_scenario(spec, members[i % 2]), i, int(row["seed"]), 20)
        assert row["casualties"] == pytest.approx(expect["casualties"]), i
    # the deadlier member kills more in the same replicate luck
    assert runs["casualties"].iloc[1] > runs["casualties"].iloc[0]
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["ensemble"]["members"] == 2


def test_sweep_command_with_ensemble_reports_both_runs(tmp_path, capsys):
    ens = tmp_path / "ens.csv"
    ens.write_text("combat.lethality\n0.04\n0.08\n0.1\n")
    out = tmp_path / "sw"
    code = main(["sweep", "teaching_line.toml", "--reps", "6", "--workers", "1", "--weeks", "30",
                 "--ensemble", str(ens), "--out", str(out), "--no-progress"])  # fmt: skip
    assert code == 0
    assert "include parameter uncertainty" in capsys.readouterr().out
    report = (out / "report.md").read_text()
    assert "include parameter uncertainty" in report and "point estimate" in report
    assert (out / "point_estimate" / "summary.csv").exists()
    libya = "scenarios/ensembles/libya_2019.csv"  # made for another scenario: one line, exit 2
    assert main(["sweep", "teaching_line.toml", "--ensemble", libya, "--out", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    ens.write_text("combat.lethality\nabc\n")
    assert main(["sweep", "teaching_line.toml", "--ensemble", str(ens), "--out", str(out)]) == 2


def test_compare_and_sensitivity_take_an_ensemble(tmp_path):
    from sim.experiments.compare import ARMS_DIR, compare
    from sim.experiments.sensitivity import sensitivity

    members = [{"combat.lethality": 0.03}, {"combat.lethality": 0.12}]
    res = compare(
        "teaching_line.toml", "teaching_line_sanctions.toml", reps=4, seed=2, weeks=20,
        out=tmp_path / "c", workers=1, progress=False, report=False, ensemble=members,
    )  # fmt: skip
    manifest = json.loads((tmp_path / "c" / ARMS_DIR / "manifest.json").read_text())
    assert manifest["ensemble"]["members"] == 2
    runs = pd.read_csv(tmp_path / "c" / ARMS_DIR / "runs.csv")
    # pairing holds: both arms ran replicate i with the same seed (and member i mod 2)
    seeds = runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()
    assert res.runs == 8  # 4 replicates x 2 arms
    sens = sensitivity(
        "teaching_line.toml", ["combat.cover_urban=1.5:3.0", "combat.noise_sigma=0.3:0.6"],
        samples=2, reps=2, seed=1,
        weeks=10, workers=1, progress=False, report=False, ensemble=members,
    )  # fmt: skip
    assert len(sens.design) > 0
