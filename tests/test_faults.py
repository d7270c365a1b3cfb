"""Faults and bad input: one writer per folder, no orphans, bad --out, huge --reps,
damaged files, a lost manifest, a full disk, pickled errors, odd arguments.

Each test states the fault, then checks what the user sees (exit status, one
line naming the file or argument) and that no result is lost or mixed. The
process tests (lock, orphans, huge --reps) start a real sweep of the tiny
fixture with ``python run.py`` and act on it while it runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing as mp
import os
import pickle
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, TINY

from sim.cli import main
from sim.experiments.sweep import replicate_seed
from sim.scenario import ScenarioError

WEEKS = 20
CONTRACT = ["runs.csv", "summary.csv", "front.csv", "front_series.csv"]


def data_rows(path: Path) -> int:
    try:
        return max(0, path.read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def sweep_args(out: Path, reps: int = 8, seed: int = 9, *extra: str) -> list[str]:
    return [
        "sweep", str(TINY), "--reps", str(reps), "--seed", str(seed), "--weeks", str(WEEKS),
        "--out", str(out), "--no-progress", "--workers", "1", *extra,
    ]  # fmt: skip


def start_sweep(out: Path, reps: int, *extra: str, pipes: bool = True) -> subprocess.Popen:
    """A real sweep in a child process (``--workers`` in ``extra`` overrides 1).

    ``pipes=False`` sends its output nowhere: an orphan worker would hold a pipe
    open and a read to its end would wait for the orphan.
    """
    args = sweep_args(out, reps)
    if "--workers" in extra:
        args = args[:-2]
    cmd = [sys.executable, str(ROOT / "run.py"), *args, *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    where = subprocess.PIPE if pipes else subprocess.DEVNULL
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=where, stderr=where)


def wait_for_rows(proc: subprocess.Popen, out: Path, rows: int, limit: float = 30) -> float:
    """Seconds until ``runs.csv`` has ``rows`` data rows (fails after ``limit``)."""
    t0 = time.monotonic()
    while data_rows(out / "runs.csv") < rows:
        if proc.poll() is not None:
            pytest.fail(f"the sweep ended early: {(proc.communicate()[1] or b'').decode()[-500:]}")
        if time.monotonic() - t0 > limit:
            proc.kill()
            pytest.fail(f"no {rows} rows in runs.csv after {limit} s")
        time.sleep(0.02)
    return time.monotonic() - t0


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with_kids = task / "children"
        if with_kids.exists():
            out += [int(x) for x in with_kids.read_text().split()]
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def same_files(a: Path, b: Path) -> None:
    for name in CONTRACT:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted sweep: 8 replicates of the tiny scenario, seed 9."""
    out = tmp_path_factory.mktemp("reference")
    assert main(sweep_args(out)) == 0
    return out


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


# -- 1. one writer per folder -----------------------------------------------------------


@linux_only
def test_a_second_command_into_a_busy_folder_exits_2_naming_folder_and_pid(
    tmp_path, tmp_path_factory, capsys
):
    # expected: every writing command refuses a folder another command is writing into
    twin = tmp_path_factory.mktemp("twin") / "tiny_twin.toml"
    twin.write_text(f'extends = "{TINY}"\nname = "tiny_twin"\n')
    proc = start_sweep(tmp_path, 100_000)
    try:
        wait_for_rows(proc, tmp_path, 1)
        before = (tmp_path / "manifest.json").read_bytes()
        commands = [
            sweep_args(tmp_path, 3, 1),
            ["compare", str(TINY), str(twin), "--reps", "2", "--out", str(tmp_path)],
            ["sensitivity", str(TINY), "--param", "combat.lethality=0.01:0.1", "--out",
             str(tmp_path)],
            ["run", str(TINY), "--weeks", "2", "--out", str(tmp_path)],
        ]  # fmt: skip
        for argv in commands:
            assert main(argv) == 2, argv[0]
            err = capsys.readouterr().err.strip()
            assert len(err.splitlines()) == 1, err
            assert str(tmp_path) in err and f"pid {proc.pid}" in err, err
        assert (tmp_path / "manifest.json").read_bytes() == before  # nothing mixed in
        assert json.loads(before)["seed"] == 9
    finally:
        proc.kill()
        proc.communicate()


def test_a_folder_holding_another_run_is_refused_unless_resume_or_force(tmp_path, capsys):
    # expected: a rerun with other reps/seed/scenarios does not silently replace a result
    assert main(sweep_args(tmp_path, 6, 1)) == 0
    rows = data_rows(tmp_path / "runs.csv")
    capsys.readouterr()
    for argv, key in [(sweep_args(tmp_path, 3, 1), "reps"), (sweep_args(tmp_path, 6, 2), "seed")]:
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and str(tmp_path) in err and key in err, err
        assert "--resume" in err and "--force" in err
        assert data_rows(tmp_path / "runs.csv") == rows  # untouched
    # the same run again is fine (it is rebuilt, identically); --force replaces another run
    assert main(sweep_args(tmp_path, 6, 1)) == 0
    assert main(sweep_args(tmp_path, 3, 2, "--force")) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 2 and manifest["reps"] == 3
    assert data_rows(tmp_path / "runs.csv") == 3
    # a sensitivity analysis into a sweep's folder is another run too
    capsys.readouterr()
    argv = ["sensitivity", str(TINY), "--param", "combat.lethality=0.01:0.1", "--samples", "2"]
    assert main([*argv, "--reps", "1", "--out", str(tmp_path), "--no-progress"]) == 2
    assert "command" in capsys.readouterr().err


# -- 2. orphans --------------------------------------------------------------------------


@linux_only
def test_pool_workers_end_within_seconds_of_a_kill_9_of_the_parent(tmp_path):
    # expected: after kill -9 of the sweep, its 2 pool workers are gone within 5 s,
    # and the folder's lock is free again (the next command may resume)
    proc = start_sweep(tmp_path, 100_000, "--workers", "2", "--executor", "process", pipes=False)
    workers: list[int] = []
    try:
        wait_for_rows(proc, tmp_path, 1)
        workers = children(proc.pid)
        assert len(workers) >= 2, workers
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        t0 = time.monotonic()
        while any(alive(w) for w in workers) and time.monotonic() - t0 < 5:
            time.sleep(0.05)
        left = [w for w in workers if alive(w)]
        assert not left, f"orphan workers {left} still running 5 s after the kill"
    finally:
        proc.kill()
        proc.wait()
        for w in workers:  # on failure, do not leave them behind
            if alive(w):
                os.kill(w, signal.SIGKILL)
    from sim.experiments.faults import FolderBusyError, folder_lock

    # the lock died with its holders (the kernel may take a moment to drop it)
    t0 = time.monotonic()
    while True:
        try:
            with folder_lock(tmp_path, "test"):
                break
        except FolderBusyError:
            assert time.monotonic() - t0 < 5, "the lock outlived the sweep and its workers"
            time.sleep(0.05)


# -- 3. one --out check ------------------------------------------------------------------


def _every_command(out: str) -> list[list[str]]:
    return [
        ["sweep", str(TINY), "--reps", "1", "--out", out, "--no-progress"],
        ["compare", str(TINY), str(TINY), "--reps", "1", "--out", out, "--no-progress"],
        ["sensitivity", str(TINY), "--param", "combat.lethality=0.01:0.1", "--out", out],
        ["run", str(TINY), "--out", out],
    ]


@pytest.mark.parametrize("case", ["empty", "file", "under_a_file", "no_permission"])
def test_a_bad_out_is_exit_2_with_one_line_for_every_command(case, tmp_path, capsys, monkeypatch):
    # expected: exit 2 and one line naming --out, before anything runs, for every command
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    out = {"empty": "", "file": str(blocker), "under_a_file": str(blocker / "sub")}.get(
        case, str(tmp_path / "locked" / "sub")
    )
    if case == "no_permission":  # (tests may run as root, where chmod does not stop mkdir)

        def refuse(self, *a, **k):
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "mkdir", refuse)
    for argv in _every_command(out):
        assert main(argv) == 2, (case, argv[0])
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("--out:"), (argv[0], err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]
    assert not Path("runs.csv").exists()  # --out '' wrote nothing into the current folder


# -- 4. lazy seeds -----------------------------------------------------------------------


def test_seeds_are_those_of_the_spawned_seed_sequence_rule():
    # stored from main before seeds became lazy: the same seeds, so the same results
    want = [7538392714146020150, 7618273603436048871, 7161346534207850914]
    assert [replicate_seed(2019, i) for i in range(3)] == want
    assert replicate_seed(2019, 999_999_999) == 2575905458947324670


@linux_only
def test_a_billion_reps_start_at_once_with_flat_memory(tmp_path):
    # expected: the first row within seconds (no list of 10^9 seeds), memory flat after,
    # and a manifest that states the seeding rule instead of listing the seeds
    t0 = time.monotonic()
    proc = start_sweep(tmp_path, 1_000_000_000)
    try:
        wait_for_rows(proc, tmp_path, 1, limit=20)
        first = time.monotonic() - t0
        mem0 = rss_mb(proc.pid)
        time.sleep(2)
        mem1 = rss_mb(proc.pid)
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.communicate()
    assert first < 15, f"first run after {first:.1f} s"  # ~1.5 s unloaded (python start-up)
    assert mem1 - mem0 < 30, f"memory grew from {mem0:.0f} to {mem1:.0f} MB"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "seeds" not in manifest and "spawn_key=(i,)" in manifest["seeding"]
    assert (tmp_path / "manifest.json").stat().st_size < 20_000
    assert manifest["first_seeds"] == [replicate_seed(9, i) for i in range(3)]


# -- 5. damaged lines --------------------------------------------------------------------


def _make_running(out: Path) -> None:
    path = out / "manifest.json"
    path.write_text(path.read_text().replace('"complete"', '"running"'))


def test_a_damaged_middle_line_is_named_and_its_replicate_run_again(reference, tmp_path, capsys):
    # expected: --resume names runs.csv and the line, reruns that replicate, and ends with
    # exactly the files of the uninterrupted sweep
    shutil.copytree(reference, tmp_path, dirs_exist_ok=True)
    lines = (tmp_path / "runs.csv").read_text().splitlines(keepends=True)
    lines[4] = lines[4][:30] + "\n"  # line 5 of the file: replicate 3, cut short
    (tmp_path / "runs.csv").write_text("".join(lines))
    _make_running(tmp_path)
    capsys.readouterr()
    assert main([*sweep_args(tmp_path), "--resume"]) == 0
    out, err = capsys.readouterr()
    assert "runs.csv: line 5 damaged" in err and "run again" in err, err
    assert "8 runs (7 resumed)" in out
    same_files(reference, tmp_path)


def test_a_torn_last_line_is_repaired_and_said_in_one_line(reference, tmp_path, capsys):
    shutil.copytree(reference, tmp_path, dirs_exist_ok=True)
    lines = (tmp_path / "runs.csv").read_text().splitlines(keepends=True)
    (tmp_path / "runs.csv").write_text("".join(lines[:-1]) + lines[-1][:20])
    _make_running(tmp_path)
    capsys.readouterr()
    assert main([*sweep_args(tmp_path), "--resume"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "torn" in line]
    assert len(err) == 1 and "runs.csv" in err[0] and "20 bytes" in err[0], err
    same_files(reference, tmp_path)


# -- 6. a lost manifest ------------------------------------------------------------------


def test_resume_without_the_manifest_is_refused(reference, tmp_path, capsys):
    # expected: exit 2 naming manifest.json; the old rows are not adopted by another seed
    shutil.copytree(reference, tmp_path, dirs_exist_ok=True)
    (tmp_path / "manifest.json").unlink()
    before = (tmp_path / "runs.csv").read_bytes()
    capsys.readouterr()
    assert main([*sweep_args(tmp_path, 8, 10), "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "manifest.json" in err and "missing" in err, err
    assert (tmp_path / "runs.csv").read_bytes() == before
    # and a fresh start over those rows needs --force too
    assert main(sweep_args(tmp_path, 8, 10)) == 2
    assert "no readable manifest.json" in capsys.readouterr().err


# -- 7. a full disk ----------------------------------------------------------------------


def test_a_full_disk_names_the_file_and_prints_the_resume_command(
    reference, tmp_path, capsys, monkeypatch
):
    # expected: exit 1, the path that could not be written, the command that resumes;
    # after space is freed, that command finishes with the uninterrupted sweep's files
    import sim.experiments.store

    real, calls = os.fsync, []

    def fsync_until_full(fd):
        calls.append(fd)
        if len(calls) > 2:  # the first batch (front + runs) fits, the next does not
            raise OSError(28, "No space left on device")
        return real(fd)

    monkeypatch.setattr(sim.experiments.store.os, "fsync", fsync_until_full)
    assert main(sweep_args(tmp_path, 8, 9, "--set", "combat.lethality=0.02")) == 1
    err = capsys.readouterr().err
    assert "no space left on device writing" in err and "front_series.csv" in err, err
    resume = [line.strip() for line in err.splitlines() if line.strip().endswith("--resume")]
    assert resume and "--set combat.lethality=0.02" in resume[0] and str(tmp_path) in resume[0]
    assert "Traceback" not in err and "Errno" not in err
    monkeypatch.setattr(sim.experiments.store.os, "fsync", real)
    assert 1 <= data_rows(tmp_path / "runs.csv") < 8
    # space freed: the printed command finishes the sweep
    words = shlex.split(resume[0])  # the interpreter and run.py, or proxywar, then the command
    assert main(words[words.index("sweep") :]) == 0
    assert data_rows(tmp_path / "runs.csv") == 8


# -- 8. ScenarioError pickles ------------------------------------------------------------


def _raise_scenario_error(problems: list[str]) -> None:
    raise ScenarioError(problems)


def test_scenario_error_pickles_intact_also_through_a_process_pool():
    problems = ["a.toml: combat.lethality: expected a number", "a.toml: name: missing"]
    back = pickle.loads(pickle.dumps(ScenarioError(problems)))
    assert back.problems == problems and str(back) == "\n".join(problems)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with cf.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        futures = [pool.submit(_raise_scenario_error, problems) for _ in range(2)]
        for fut in futures:
            with pytest.raises(ScenarioError) as info:
                fut.result()
            assert info.value.problems == problems


# -- 9. odd arguments --------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, needles",
    [
        (["--scheduler", "garbage"], ["--scheduler", "garbage", "HOST:PORT"]),
        (["--set", "combat={}"], ["--set combat", "whole table", "combat.KEY=VALUE"]),
        (["--seed", "7" * 5001], ["--seed", "at most 4300 digits", "5001 digits"]),
    ],
)
def test_odd_arguments_exit_2_naming_the_argument(extra, needles, tmp_path, capsys):
    argv = ["sweep", str(TINY), "--reps", "2", "--out", str(tmp_path), "--no-progress", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and len(err) < 300, err
    for needle in needles:
        assert needle in err, err
    assert not (tmp_path / "runs.csv").exists()
