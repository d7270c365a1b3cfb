"""Sweeps: seeds, identical results on every executor, a store that survives kills, the CLI."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import LIBYA, ROOT, TINY

from sim import load_scenario
from sim.cli import main
from sim.experiments import executors
from sim.experiments.store import read_front_series
from sim.experiments.sweep import (
    SweepInterrupted,
    replicate_seed,
    replicate_seeds,
    run_replication,
    run_sweep,
)

WEEKS = 20
LONG_REPS = 160
CONTRACT = ["runs.csv", "summary.csv", "front.csv", "front_series.csv", "manifest.json"]


def same_files(a: Path, b: Path, names=CONTRACT) -> None:
    for name in names:
        if name == "manifest.json":
            # the code revision may move while the suite runs in a shared checkout
            one, two = (json.loads((d / name).read_text()) for d in (a, b))
            one.pop("code"), two.pop("code")
            assert one == two, name
        else:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


def data_rows(path: Path) -> int:
    try:
        return max(0, path.read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


# -- experiment design ------------------------------------------------------------------


def test_replicate_seeds_come_from_spawned_seed_sequences():
    seeds = replicate_seeds(2019, 50)
    assert len(set(seeds)) == 50 and all(0 <= s < 2**63 for s in seeds)
    # a replicate's seed does not depend on how many replicates there are
    assert replicate_seeds(2019, 80)[:50] == seeds
    assert replicate_seeds(2019, 50, start=20) == seeds[20:]
    child = np.random.SeedSequence(2019).spawn(50)[17]
    assert seeds[17] == int(child.generate_state(1, np.uint64)[0]) >> 1
    assert replicate_seed(2020, 17) != seeds[17]


def test_a_replication_pads_the_front_after_an_early_end():
    # a hair-trigger collapse rule ends the war in the first weeks, whatever the calibration
    spec = load_scenario(TINY, {"termination.collapse_share": 0.999})
    for seed in (1, 2, 3):
        row, front = run_replication(spec, 4, seed)
        assert row["status"] == "ok" and row["replicate"] == 4 and row["seed"] == seed
        end = row["end_week"]
        assert end < spec.horizon_weeks and row["outcome"] != "stalemate"
        assert front.shape == (spec.horizon_weeks + 1,)
        assert (front[end:] == front[end]).all()
        assert front[end] == pytest.approx(row["front_km"])


def test_a_replication_depends_only_on_scenario_and_seed():
    spec = load_scenario(LIBYA)
    a_row, a_front = run_replication(spec, 0, 11, weeks=WEEKS)
    b_row, b_front = run_replication(load_scenario(LIBYA), 5, 11, weeks=WEEKS)
    assert {k: v for k, v in a_row.items() if k != "replicate"} == {
        k: v for k, v in b_row.items() if k != "replicate"
    }
    np.testing.assert_array_equal(a_front, b_front)
    assert a_front.shape == (WEEKS + 1,)


# -- execution: identical everywhere --------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted in-process sweep of two scenarios."""
    out = tmp_path_factory.mktemp("reference")
    res = run_sweep(
        [LIBYA, TINY], reps=8, seed=42, out=out, executor="inline", weeks=WEEKS, progress=False
    )
    assert res.failures == 0 and res.executed == 16
    return out


def test_common_random_numbers_across_scenarios(reference):
    runs = pd.read_csv(reference / "runs.csv")
    assert runs["scenario"].tolist() == ["libya_2019"] * 8 + ["tiny"] * 8
    seeds = runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds["libya_2019"] == seeds["tiny"]).all()
    assert seeds["tiny"].tolist() == replicate_seeds(42, 8)
    assert list(runs.columns[:5]) == ["scenario", "replicate", "seed", "outcome", "end_week"]
    assert list(runs.columns[-2:]) == ["status", "error"]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_a_process_pool_gives_the_same_files_whatever_the_start_method(
    reference, tmp_path, monkeypatch, method
):
    """Forked (command line) or forkserver (threads around) workers, same files.

    mesa.batch_run forces 'spawn' globally; the sweep uses its own context.
    """
    import multiprocessing as mp

    if method not in mp.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    single = 1 if method == "fork" else 2
    monkeypatch.setattr(executors.threading, "active_count", lambda: single)
    before = mp.get_start_method(allow_none=True)
    mp.set_start_method("spawn", force=True)
    try:
        run_sweep(
            [LIBYA, TINY], reps=8, seed=42, out=tmp_path, executor="process", workers=2,
            weeks=WEEKS, progress=False, report=False, chunk=3,
        )  # fmt: skip
    finally:
        mp.set_start_method(before, force=True)
    same_files(reference, tmp_path)


def test_a_dask_cluster_gives_the_same_files(reference, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    import logging

    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        code = main(
            [
                "sweep",
                str(LIBYA),
                str(TINY),
                "--reps",
                "8",
                "--seed",
                "42",
                "--weeks",
                str(WEEKS),
                "--scheduler",
                cluster.scheduler_address,
                "--out",
                str(tmp_path),
                "--no-progress",
            ]
        )
    assert code == 0
    same_files(reference, tmp_path)


def test_a_custom_executor_is_accepted(reference, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        run_sweep(
            [LIBYA, TINY],
            reps=8,
            seed=42,
            out=tmp_path,
            executor=pool,
            weeks=WEEKS,
            progress=False,
            report=False,
        )
    same_files(reference, tmp_path)


# -- the store: resume, kills, failures -----------------------------------------------


def test_resume_after_a_simulated_interruption_equals_the_uninterrupted_sweep(reference, tmp_path):
    run_sweep(
        [LIBYA, TINY], reps=8, seed=42, out=tmp_path, executor="inline", weeks=WEEKS,
        progress=False, report=False,
    )  # fmt: skip
    # cut the files as a crash would: lose rows, leave a half-written line and an orphan series
    runs = (tmp_path / "runs.csv").read_text().splitlines(keepends=True)
    kept = runs[:1] + runs[3:7] + runs[10:13]
    (tmp_path / "runs.csv").write_text("".join(kept) + runs[7][:25])
    (tmp_path / "manifest.json").write_text(
        (tmp_path / "manifest.json").read_text().replace('"complete"', '"running"')
    )
    res = run_sweep(
        [LIBYA, TINY], reps=8, seed=42, out=tmp_path, executor="inline", weeks=WEEKS,
        progress=False, resume=True, report=False,
    )  # fmt: skip
    assert res.executed == 16 - 7
    same_files(reference, tmp_path)


def test_resume_with_more_reps_keeps_the_first_ones(tmp_path):
    small = run_sweep([TINY], reps=4, seed=3, out=tmp_path / "a", progress=False, report=False)
    first = small.runs.copy()
    big = run_sweep(
        [TINY], reps=7, seed=3, out=tmp_path / "a", resume=True, progress=False, report=False
    )
    assert big.executed == 3
    pd.testing.assert_frame_equal(big.runs.iloc[:4], first)
    fresh = run_sweep([TINY], reps=7, seed=3, out=tmp_path / "b", progress=False, report=False)
    same_files(tmp_path / "a", tmp_path / "b")
    assert fresh.executed == 7


def _sweep_cmd(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "run.py"),
        "sweep",
        str(TINY),
        "--reps",
        str(LONG_REPS),
        "--seed",
        "9",
        "--weeks",
        str(WEEKS),
        "--out",
        str(out),
        "--no-progress",
        *extra,
    ]


def _start_and_wait_for_rows(cmd: list[str], out: Path, rows: int) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while data_rows(out / "runs.csv") < rows and proc.poll() is None:
        assert time.monotonic() < deadline, "the sweep wrote nothing"
        time.sleep(0.01)
    return proc


@pytest.fixture(scope="module")
def long_reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("long")
    assert main([*_sweep_cmd(out)[2:], "--workers", "1"]) == 0
    return out


def test_kill_9_mid_sweep_loses_nothing_and_resume_completes_it(long_reference, tmp_path):
    proc = _start_and_wait_for_rows(_sweep_cmd(tmp_path, "--workers", "1"), tmp_path, 40)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    written = data_rows(tmp_path / "runs.csv")
    assert 40 <= written < LONG_REPS, "the kill should land mid-sweep"
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert (runs["status"] == "ok").all()  # every row on disk is whole
    assert main([*_sweep_cmd(tmp_path)[2:], "--workers", "1", "--resume"]) == 0
    same_files(long_reference, tmp_path)


def test_ctrl_c_stops_a_process_pool_cleanly_and_says_how_to_resume(long_reference, tmp_path):
    cmd = _sweep_cmd(tmp_path, "--workers", "2")
    proc = _start_and_wait_for_rows(cmd, tmp_path, 20)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert "Traceback" not in text
    resume = [line.strip() for line in text.splitlines() if line.strip().endswith("--resume")]
    assert resume and f"--reps {LONG_REPS} --seed 9" in resume[0] and str(tmp_path) in resume[0]
    saved = data_rows(tmp_path / "runs.csv")
    assert 20 <= saved < LONG_REPS, "the interrupt should land mid-sweep"
    assert f"{saved} of {LONG_REPS} runs are saved" in text
    # resuming with another worker count gives the same files
    assert main([*cmd[2:-2], "--workers", "1", "--resume"]) == 0
    same_files(long_reference, tmp_path)


def test_a_failing_replication_is_recorded_and_the_sweep_goes_on(
    reference, tmp_path, monkeypatch, capsys
):
    real = executors.run_replication

    def flaky(spec, replicate, seed, weeks=None):
        if spec.name == "tiny" and replicate == 2:
            raise RuntimeError("boom in week 3\nsecond line")
        return real(spec, replicate, seed, weeks)

    monkeypatch.setattr(executors, "run_replication", flaky)
    args = ["sweep", str(LIBYA), str(TINY), "--reps", "8", "--seed", "42", "--weeks", str(WEEKS)]
    args += ["--workers", "1", "--out", str(tmp_path), "--no-progress"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "1 of 16 replications failed" in err
    runs = pd.read_csv(tmp_path / "runs.csv", keep_default_na=False)
    bad = runs[runs["status"] == "error"]
    assert len(runs) == 16 and bad[["scenario", "replicate"]].values.tolist() == [["tiny", 2]]
    assert bad["error"].iloc[0] == "RuntimeError: boom in week 3 second line"
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary[summary["scenario"] == "tiny"]["total"].iloc[0] == 7
    assert json.loads((tmp_path / "manifest.json").read_text())["failures"] == 1
    # once the bug is fixed, --resume reruns only the failure
    monkeypatch.setattr(executors, "run_replication", real)
    assert main([*args, "--resume"]) == 0
    same_files(reference, tmp_path)


def test_ctrl_c_in_process_keeps_the_finished_runs(tmp_path, monkeypatch):
    real = executors.run_replication
    calls = []

    def interrupted(spec, replicate, seed, weeks=None):
        calls.append(replicate)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return real(spec, replicate, seed, weeks)

    monkeypatch.setattr(executors, "run_replication", interrupted)
    with pytest.raises(SweepInterrupted) as info:
        run_sweep([TINY], reps=20, seed=1, out=tmp_path, executor="inline", progress=False)
    assert info.value.saved == 5 and info.value.total == 20
    assert data_rows(tmp_path / "runs.csv") == 5


# -- the command line -----------------------------------------------------------------


def test_cli_writes_every_contract_file(tmp_path, capsys):
    code = main(
        [
            "sweep",
            str(LIBYA),
            str(TINY),
            "--reps",
            "10",
            "--seed",
            "5",
            "--weeks",
            str(WEEKS),
            "--workers",
            "1",
            "--set",
            "combat.lethality=0.06",
            "--out",
            str(tmp_path),
            "--no-progress",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "scenario",
        "outcome",
        "runs",
        "probability",
        "95%",
        "CI",
    ]
    for name in [*CONTRACT, "report.md", "outcomes.png", "front_fan.png", "survival.png"]:
        assert (tmp_path / name).stat().st_size > 0, name
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert list(summary.columns[:6]) == [
        "scenario",
        "outcome",
        "runs",
        "probability",
        "ci_low",
        "ci_high",
    ]
    assert summary.groupby("scenario")["probability"].sum().to_numpy() == pytest.approx(1.0)
    assert (summary["ci_low"] <= summary["probability"]).all()
    assert (summary["probability"] <= summary["ci_high"]).all()
    # every outcome label for every scenario
    assert summary.groupby("scenario").size().nunique() == 1
    front = pd.read_csv(tmp_path / "front.csv")
    assert list(front.columns) == ["scenario", "week", "date", "q05", "q25", "q50", "q75", "q95"]
    assert len(front) == 2 * (WEEKS + 1)
    libya = load_scenario(LIBYA)
    assert front["date"].iloc[0] == libya.start_date.isoformat()
    assert front["date"].iloc[WEEKS] == libya.date_of(WEEKS).isoformat()
    series = list(read_front_series(tmp_path))
    assert len(series) == 20 and all(s.shape == (WEEKS + 1,) for _, _, s in series)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["reps"] == 10 and manifest["weeks"] == WEEKS
    # the rule, not a list that grows with --reps; its first seeds as a check
    assert "SeedSequence(seed, spawn_key=(i,))" in manifest["seeding"] and "seeds" not in manifest
    assert manifest["first_seeds"] == replicate_seeds(5, 3)
    assert manifest["overrides"] == {"combat.lethality": 0.06}
    first = manifest["scenarios"][0]
    assert first["files"] == libya.files and len(first["sha256"]) == 64
    assert first["sha256"] == load_scenario(LIBYA, {"combat.lethality": 0.06}).sha256
    assert {"numpy", "scipy", "mesa", "pandas"} <= set(manifest["packages"])
    assert "git_revision" in manifest["code"] and manifest["status"] == "complete"
    report = (tmp_path / "report.md").read_text()
    assert libya.description in report and "![Outcome probabilities](outcomes.png)" in report


def test_a_bad_set_key_is_one_line_naming_file_and_key(tmp_path, capsys):
    args = ["sweep", str(LIBYA), "--reps", "2", "--out", str(tmp_path), "--no-progress"]
    assert main([*args, "--set", "combat.no_such_key=1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "libya_2019.toml" in err and "no_such_key" in err
    assert "Traceback" not in err
    assert main([*args, "--set", "combat.lethality=lots"]) == 2
    err = capsys.readouterr().err.strip()
    assert "combat.lethality" in err and "Traceback" not in err
    assert not (tmp_path / "runs.csv").exists()


def test_resume_refuses_a_different_sweep(tmp_path, capsys):
    base = ["sweep", str(TINY), "--reps", "3", "--out", str(tmp_path), "--no-progress"]
    assert main([*base, "--seed", "1", "--workers", "1"]) == 0
    capsys.readouterr()
    assert main([*base, "--seed", "2", "--workers", "1", "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "manifest.json" in err and "seed" in err


def test_two_scenarios_with_one_name_are_refused(tmp_path, capsys):
    args = ["sweep", str(TINY), str(TINY), "--reps", "2", "--out", str(tmp_path)]
    assert main([*args, "--no-progress"]) == 2
    assert "tiny" in capsys.readouterr().err


def test_a_scheduler_with_a_local_executor_is_refused(tmp_path, capsys):
    args = ["sweep", str(TINY), "--out", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"]
    assert main([*args, "--executor", "process"]) == 2
    assert "--executor dask" in capsys.readouterr().err
    assert not (tmp_path / "runs.csv").exists()


def test_a_notebook_sweep_without_out_keeps_its_files_while_in_use():
    res = run_sweep([TINY], reps=3, seed=2, weeks=WEEKS, progress=False)
    assert len(res.runs) == 3 and res.total == 3 and res.figures == {}
    assert res.front_matrix("tiny").shape == (3, WEEKS + 1)
    assert res.summary["probability"].sum() == pytest.approx(1.0)


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path)]) == 2
    assert "nope.toml" in capsys.readouterr().err
