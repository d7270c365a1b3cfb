"""Sensitivity analysis: the Sobol design, the indices, the files and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import ScenarioError, load_scenario
from sim.cli import main
from sim.experiments.sensitivity import (
    DESIGN_FILE,
    FIGURE_FILE,
    INDICES_FILE,
    REPORT_FILE,
    Param,
    _indices,
    design,
    parse_param,
    resolve_params,
)

ROOT = Path(__file__).resolve().parent.parent
TEACH = ROOT / "scenarios" / "teaching_line.toml"
MATTERS = "factions.RED.fighters"
UNUSED = "backers.southland.veto_resolve"  # Southland has no veto: the field is never read


@pytest.fixture(scope="module")
def base():
    return load_scenario(TEACH)


def test_parse_param():
    assert parse_param("factions.RED.fighters=4000:12000") == (MATTERS, 4000.0, 12000.0)
    assert parse_param(" a.b = -1.5:2e3") == ("a.b", -1.5, 2000.0)
    for bad in ("fighters", "a.b=1", "a.b=x:2", "=1:2", "a.b=3:3", "a.b=5:1", "a.b=nan:1"):
        with pytest.raises(ValueError, match="--param"):
            parse_param(bad)


def test_resolve_params_checks_keys_types_and_ranges(base):
    got = resolve_params(base, [f"{MATTERS}=4000:12000", "factions.RED.patience_weeks=2:12"])
    assert got == [
        Param(MATTERS, 4000, 12000, False),
        Param("factions.RED.patience_weeks", 2, 12, True),
    ]
    with pytest.raises(ScenarioError, match="factions.RED.fightrs: expected an existing"):
        resolve_params(base, ["factions.RED.fightrs=1:2"])
    with pytest.raises(ScenarioError, match="expected a number to vary"):
        resolve_params(base, ["factions.RED.home=1:2"])
    with pytest.raises(ScenarioError, match="factions.RED.morale"):
        resolve_params(base, ["factions.RED.morale=0.5:1.5"])  # outside the schema's [0, 1]
    with pytest.raises(ValueError, match="given twice"):
        resolve_params(base, [f"{MATTERS}=1:2", f"{MATTERS}=3:4"])
    with pytest.raises(ValueError, match="at least one"):
        resolve_params(base, [])


def test_design_is_saltelli_a_b_and_ab_within_bounds_and_reproducible():
    params = [Param("x", 0.0, 10.0), Param("y", -1.0, 1.0), Param("k", 2.0, 12.0, integer=True)]
    n, d = 16, 3
    pts, blocks = design(params, n, seed=3)
    assert pts.shape == (n * (d + 2), d)
    assert blocks[:n] == ["A"] * n and blocks[n : 2 * n] == ["B"] * n
    assert blocks[2 * n :] == [f"AB:{p.key}" for p in params for _ in range(n)]
    a, b = pts[:n], pts[n : 2 * n]
    for i in range(d):
        ab = pts[(2 + i) * n : (3 + i) * n]
        assert np.array_equal(ab[:, i], b[:, i])
        others = [j for j in range(d) if j != i]
        assert np.array_equal(ab[:, others], a[:, others])
    for i, p in enumerate(params):
        assert (pts[:, i] >= p.low).all() and (pts[:, i] <= p.high).all()
    assert np.array_equal(pts[:, 2], np.round(pts[:, 2]))
    # a Sobol' sequence fills the box evenly: each half of each axis gets half the points
    for i in range(2):
        assert (a[:, i] < (params[i].low + params[i].high) / 2).sum() == n // 2
    again, _ = design(params, n, seed=3)
    other, _ = design(params, n, seed=4)
    assert np.array_equal(pts, again) and not np.array_equal(pts, other)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sens")
    rc = main(
        ["sensitivity", str(TEACH), "--param", f"{MATTERS}=4000:12000",
         "--param", f"{UNUSED}=0:1", "--samples", "12", "--reps", "4", "--seed", "5",
         "--workers", "1", "--out", str(out), "--no-progress"]
    )  # fmt: skip
    return rc, out


def test_a_parameter_that_matters_outranks_one_that_does_not(cli_run):
    rc, out = cli_run
    assert rc == 0
    idx = pd.read_csv(out / INDICES_FILE, keep_default_na=False)
    assert {"P(victory:RED)", "front distance at the end (km, mean)"} <= set(idx["output"])
    for output, sub in idx.groupby("output"):
        sub = sub.set_index("parameter")
        if sub["output_sd"].iloc[0] == 0:
            continue  # an outcome that never happened: nothing to explain
        assert sub.loc[MATTERS, "ST"] > 0.3, output
        assert sub.loc[MATTERS, "ST"] > sub.loc[UNUSED, "ST_high"], output
        # common random numbers: the unused field changes no run, so its indices are exactly 0
        assert sub.loc[UNUSED, "ST"] == 0 and sub.loc[UNUSED, "S1"] == 0, output
    win = idx[idx["output"] == "P(victory:RED)"].set_index("parameter")
    assert win.loc[MATTERS, "spearman"] > 0.5 and win.loc[MATTERS, "spearman_p"] < 0.01


def test_unused_parameter_leaves_every_design_point_unchanged(cli_run):
    _, out = cli_run
    pts = pd.read_csv(out / DESIGN_FILE)
    n = 16  # --samples 12 rounded up to a power of two
    assert len(pts) == n * 4 and (pts["runs"] == 4).all()
    a = pts[pts["block"] == "A"].reset_index(drop=True)
    ab = pts[pts["block"] == f"AB:{UNUSED}"].reset_index(drop=True)
    assert not np.allclose(a[UNUSED], ab[UNUSED])
    for col in ("P(victory:RED)", "front_km", "end_week"):
        assert np.array_equal(a[col], ab[col]), col
    ab2 = pts[pts["block"] == f"AB:{MATTERS}"].reset_index(drop=True)
    assert not np.array_equal(a["P(victory:RED)"], ab2["P(victory:RED)"])


def test_files_and_manifest(cli_run, capsys):
    _, out = cli_run
    for name in (INDICES_FILE, DESIGN_FILE, FIGURE_FILE, REPORT_FILE, "manifest.json"):
        assert (out / name).stat().st_size > 0, name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["samples"] == 16 and manifest["samples_asked"] == 12
    assert manifest["reps_per_point"] == 4 and manifest["points"] == 64
    assert [p["key"] for p in manifest["params"]] == [MATTERS, UNUSED]
    runs = pd.read_csv(out / "runs" / "runs.csv")
    assert len(runs) == 64 * 4
    # every design point ran the same replicate seeds (common random numbers)
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()
    report = (out / REPORT_FILE).read_text()
    assert f"`{MATTERS}`" in report and "ST [95 % CI]" in report


@pytest.mark.parametrize(
    "params, message",
    [
        (["--param", "factions.RED.fighters"], "--param: expected KEY=LOW:HIGH"),
        (["--param", "factions.RED.fighters=9:1"], "expected LOW < HIGH"),
        (["--param", "factions.RED.fightrs=1:2"], "factions.RED.fightrs: expected an existing"),
        (["--param", "factions.RED.morale=0:2"], "factions.RED.morale"),
        ([], "--param: expected at least one"),
    ],
)
def test_bad_input_is_exit_2_with_one_line(tmp_path, capsys, params, message):
    rc = main(["sensitivity", str(TEACH), *params, "--out", str(tmp_path / "o"), "--reps", "1"])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_one_parameter_works_and_explains_the_variance_it_drives(tmp_path):
    # scipy's sobol_indices fails for d = 1; with one parameter that drives the war,
    # expected: indices are finite and S1 and ST are large (it is the only cause besides
    # the dice), and the same numbers as the indices of the same parameter beside a dummy
    rng = np.random.default_rng(3)
    n, d = 64, 1
    f_a, f_b = rng.random(n), rng.random(n)
    f_ab = 0.9 * f_b + 0.1 * rng.random(n)  # B's value of the one parameter drives f
    f = np.concatenate([f_a, f_b, f_ab])
    s1, st, low, high = _indices(f, n, d, 0.95, seed=1)
    assert s1.shape == st.shape == (1,) and low.shape == high.shape == (2, 1)
    assert st[0] > 0.5 and s1[0] > 0.5
    # the dummy leaves the real parameter's estimate as with a second, inert parameter
    two = np.concatenate([f_a, f_b, f_ab, f_a])
    s1_two, st_two, _, _ = _indices(two, n, 2, 0.95, seed=1)
    assert s1[0] == pytest.approx(s1_two[0]) and st[0] == pytest.approx(st_two[0])
    code = main(
        ["sensitivity", str(TEACH), "--param",
         "factions.RED.fighters=4000:12000", "--samples", "8", "--reps", "2",
         "--out", str(tmp_path / "one"), "--no-progress"]
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(tmp_path / "one" / "sensitivity.csv")
    assert set(table["parameter"]) == {"factions.RED.fighters"}
