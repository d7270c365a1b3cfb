"""Paired policy comparisons: common random numbers, paired intervals, adaptive precision, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import load_scenario
from sim.cli import main
from sim.experiments.compare import (
    ARMS_DIR,
    COMPARISON_FILE,
    CONTRACT_COLUMNS,
    DIFFERENCES_FILE,
    FIGURES,
    REPORT_FILE,
    compare,
    next_reps,
    paired_interval,
)
from sim.experiments.sweep import replicate_seed

ROOT = Path(__file__).resolve().parent.parent
TEACH = ROOT / "scenarios" / "teaching_line.toml"
SANCTIONS = ROOT / "scenarios" / "teaching_line_sanctions.toml"
WEEKS = 40  # shorter wars keep the file fast; the policy bites at week 16


@pytest.fixture(scope="module")
def base():
    return load_scenario(TEACH)


def _what_if(base, name: str, **overrides):
    return load_scenario(base, {"name": name, **overrides})


def _sanction(week: int = 10, lag: int = 4, financial: float = 0.9) -> list[dict]:
    return [
        {
            "type": "sanction",
            "group": "contractors",
            "week": week,
            "lag_weeks": lag,
            "financial": financial,
            "logistics": 0.5,
        }
    ]


# -- the paired interval -------------------------------------------------------------------


def test_paired_interval_degenerate_cases():
    assert paired_interval(np.zeros(50)) == (0.0, 0.0)
    assert paired_interval(np.zeros(50), method="bca") == (0.0, 0.0)
    assert paired_interval(np.full(30, -1.0)) == (-1.0, -1.0)
    assert all(np.isnan(paired_interval([0.5])))
    assert all(np.isnan(paired_interval([])))
    with pytest.raises(ValueError, match="method"):
        paired_interval([0.0, 1.0], method="wald")


def test_paired_interval_is_scipys_t_interval_and_bca_agrees():
    rng = np.random.default_rng(4)
    d = rng.choice([-1.0, 0.0, 1.0], p=[0.1, 0.75, 0.15], size=400)
    ci = stats.ttest_1samp(d, 0.0).confidence_interval()
    assert paired_interval(d) == pytest.approx((ci.low, ci.high))
    low, high = paired_interval(d, method="bca", seed=1)
    assert low == pytest.approx(ci.low, abs=0.01) and high == pytest.approx(ci.high, abs=0.01)
    assert paired_interval(d, method="bca", seed=1) == (low, high)  # seeded: reproducible


@pytest.mark.parametrize("p_only_base, p_only_alt", [(0.05, 0.12), (0.2, 0.2)])
def test_paired_interval_covers_the_true_difference(p_only_base, p_only_alt):
    """Honest uncertainty: ~95 % of intervals cover the true paired difference."""
    rng = np.random.default_rng(11)
    truth = p_only_alt - p_only_base
    probs = [p_only_base, p_only_alt, 1 - p_only_base - p_only_alt]
    hits = 0
    trials = 600
    for _ in range(trials):
        d = rng.choice([-1.0, 1.0, 0.0], p=probs, size=200)
        low, high = paired_interval(d)
        hits += low <= truth <= high
    assert 0.92 <= hits / trials <= 0.975


def test_next_reps_follows_the_square_root_law_within_bounds():
    assert next_reps(100, 0.08, 0.05, 2000) == 290  # (0.08/0.05)^2 = 2.56x, +10 %
    assert next_reps(100, 0.30, 0.05, 2000) == 400  # at most four times as many
    assert next_reps(100, 0.051, 0.05, 2000) == 130  # at least a quarter more
    assert next_reps(1500, 0.2, 0.05, 2000) == 2000  # capped
    assert next_reps(20, 0.06, 0.05, 2000) == 40  # 31.7 rounded up to a multiple of 10


# -- common random numbers through the engine ----------------------------------------------


def test_identical_alternative_gives_zero_difference_in_every_replicate(base):
    copy = _what_if(base, "teaching_copy")
    res = compare(base, copy, reps=24, seed=5, workers=1, weeks=WEEKS, progress=False)
    assert (res.table["difference"] == 0).all()
    assert (res.table["ci_low"] == 0).all() and (res.table["ci_high"] == 0).all()
    assert (res.table["only_baseline"] == 0).all() and (res.table["only_alternative"] == 0).all()
    d = res.differences
    assert len(d) >= 4 and (d["difference"] == 0).all()
    assert (d["ci_low"] == 0).all() and (d["ci_high"] == 0).all()
    pairs = res.pairs("teaching_copy")
    for col in ("end_week", "casualties", "front_km", "support_spent"):
        assert (pairs[f"{col}_base"] == pairs[f"{col}_alt"]).all(), col
    assert not res.table["significant"].any()


def test_replicate_i_of_every_arm_has_the_same_seed(base, tmp_path):
    alt = _what_if(base, "sanctioned", interventions=_sanction())
    res = compare(
        base,
        alt,
        reps=12,
        seed=9,
        out=tmp_path,
        workers=1,
        weeks=WEEKS,
        progress=False,
        report=False,
    )
    runs = pd.read_csv(tmp_path / ARMS_DIR / "runs.csv")
    for arm in ("teaching_line", "sanctioned"):
        sub = runs[runs["scenario"] == arm].sort_values("replicate")
        assert sub["seed"].tolist() == [replicate_seed(9, i) for i in range(12)]
    assert res.reps == 12 and res.runs == 24


def test_small_policy_change_is_strongly_correlated_and_pairing_narrows_the_interval(base):
    """CRN at work: per-replicate outcomes of the two arms move together."""
    alt = _what_if(base, "fewer_contractors", **{"groups.contractors.size": 500.0})
    res = compare(base, alt, reps=80, seed=2, workers=1, weeks=WEEKS, progress=False)
    d = res.differences.set_index("metric")
    dur = d.loc["war duration (weeks, capped at the horizon)"]
    cas = d.loc["casualties (killed and wounded, all sides)"]
    assert dur["correlation"] > 0.5 and cas["correlation"] > 0.5
    pairs = res.pairs("fewer_contractors")
    welch = stats.ttest_ind(pairs["casualties_alt"], pairs["casualties_base"], equal_var=False)
    unpaired = welch.confidence_interval()
    assert cas["ci_high"] - cas["ci_low"] < 0.7 * (unpaired.high - unpaired.low)
    # outcome labels: most replicates end the same way in both arms
    t = res.table
    assert ((t["only_baseline"] + t["only_alternative"]) < 0.25 * t["pairs"]).all()


# -- the tables and files --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sanction_run(tmp_path_factory, base):
    out = tmp_path_factory.mktemp("cmp")
    rc = main(
        [
            "compare",
            str(TEACH),
            str(SANCTIONS),
            "--reps",
            "60",
            "--seed",
            "3",
            "--workers",
            "1",
            "--out",
            str(out),
            "--weeks",
            "45",
            "--at-date",
            "2021-06-03",
            "--no-progress",
        ]
    )
    return rc, out


def test_cli_compare_writes_the_contract_files(sanction_run, capsys):
    rc, out = sanction_run
    assert rc == 0
    for name in [
        COMPARISON_FILE,
        DIFFERENCES_FILE,
        REPORT_FILE,
        "manifest.json",
        *FIGURES.values(),
    ]:
        assert (out / name).stat().st_size > 0, name
    table = pd.read_csv(out / COMPARISON_FILE, keep_default_na=False)
    assert list(table.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert set(table["alternative"]) == {"teaching_line_sanctions"}
    assert table["difference"].to_numpy() == pytest.approx(
        (table["p_alternative"] - table["p_baseline"]).to_numpy(), abs=1e-5
    )
    assert table["p_baseline"].sum() == pytest.approx(1.0)
    assert table["p_alternative"].sum() == pytest.approx(1.0)
    assert (table["ci_low"] <= table["difference"]).all()
    assert (table["difference"] <= table["ci_high"]).all()
    # each arm's probabilities agree with the arms' own sweep summary
    summary = pd.read_csv(out / ARMS_DIR / "summary.csv", keep_default_na=False)
    for r in table.itertuples():
        p = summary.set_index(["scenario", "outcome"])["probability"]
        assert p[("teaching_line", r.outcome)] == pytest.approx(r.p_baseline)
        assert p[("teaching_line_sanctions", r.outcome)] == pytest.approx(r.p_alternative)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "compare" and manifest["reps"] == 60
    assert manifest["first_seeds"] == [replicate_seed(3, i) for i in range(3)]
    assert [s["name"] for s in manifest["scenarios"]] == [
        "teaching_line",
        "teaching_line_sanctions",
    ]


def test_report_states_the_question_and_the_answer_in_words(sanction_run):
    _, out = sanction_run
    text = (out / REPORT_FILE).read_text()
    assert "**The question.**" in text
    assert "P(victory:RED) changes by" in text
    assert "under teaching_line_sanctions vs teaching_line" in text
    assert "paired over 60 replicates" in text
    for fig in FIGURES.values():
        assert f"({fig})" in text


def test_differences_cover_time_casualties_front_and_outcomes_by_date(sanction_run):
    _, out = sanction_run
    d = pd.read_csv(out / DIFFERENCES_FILE, keep_default_na=False)
    metrics = set(d["metric"])
    assert "war duration (weeks, capped at the horizon)" in metrics
    assert "casualties (killed and wounded, all sides)" in metrics
    # --at-date 2021-06-03 is week 21 (start 2021-01-07); the horizon is week 45
    fronts = d[d["metric"].str.startswith("front distance")]
    assert sorted(fronts["week"].astype(int)) == [21, 45]
    assert set(fronts["date"]) == {"2021-06-03", "2021-11-18"}
    by_date = d[d["kind"] == "probability"]
    assert set(by_date["metric"]) >= {"P(victory:RED by 2021-06-03)"}
    # the chance of a victory by a date cannot exceed the chance of it by the horizon
    table = pd.read_csv(out / COMPARISON_FILE, keep_default_na=False).set_index("outcome")
    row = by_date.set_index("metric").loc["P(victory:RED by 2021-06-03)"]
    assert row["mean_baseline"] <= table.loc["victory:RED", "p_baseline"]
    # the sanction bites in week 16 (12 + 4 lag): a war over before then ends the same way
    runs = pd.read_csv(out / ARMS_DIR / "runs.csv", keep_default_na=False)
    b = runs[runs["scenario"] == "teaching_line"].set_index("replicate")
    a = runs[runs["scenario"] == "teaching_line_sanctions"].set_index("replicate")
    early = b.index[b["end_week"] < 16]
    assert (a.loc[early, "outcome"] == b.loc[early, "outcome"]).all()
    assert (a.loc[early, "end_week"] == b.loc[early, "end_week"]).all()


def test_cli_prints_a_readable_table(base, tmp_path, capsys):
    alt = tmp_path / "alt.toml"
    alt.write_text(
        f'extends = "{TEACH}"\nname = "no_contractors"\n'
        'description = "test: no mercenaries"\n[groups.contractors]\nsize = 0.0\n'
    )
    rc = main(
        ["compare", str(TEACH), str(alt), "--reps", "20", "--seed", "1", "--workers", "1",
         "--weeks", "30", "--out", str(tmp_path / "o"), "--no-progress", "--interval", "bca"]
    )  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "no_contractors vs teaching_line: paired over 20 replicates" in text
    assert "95% CI (paired)" in text and "victory:RED" in text
    assert "front distance (km) on" in text


# -- adaptive precision --------------------------------------------------------------------


def test_precision_adds_batches_until_every_half_width_is_met(base, tmp_path):
    alt = _what_if(base, "sanctioned", interventions=_sanction())
    res = compare(
        base, alt, reps=20, seed=4, out=tmp_path, workers=1, weeks=WEEKS, progress=False,
        precision=0.09, max_reps=400, report=False,
    )  # fmt: skip
    assert res.converged and res.max_half_width <= 0.09
    assert len(res.rounds) >= 2 and res.rounds[0]["reps"] == 20
    assert [r["reps"] for r in res.rounds] == sorted(r["reps"] for r in res.rounds)
    assert res.rounds[-1]["reps"] == res.reps > 20
    assert all(r["max_half_width"] > 0.09 for r in res.rounds[:-1])
    # every batch kept the earlier runs: each replicate ran once per arm
    assert all(r["executed"] == (r["reps"] - p["reps"]) * 2
               for p, r in zip(res.rounds, res.rounds[1:], strict=False))  # fmt: skip
    runs = pd.read_csv(tmp_path / ARMS_DIR / "runs.csv")
    assert len(runs) == 2 * res.reps
    ci = (res.table["ci_high"] - res.table["ci_low"]) / 2
    assert (ci <= 0.09 + 1e-12).all()


def test_precision_stops_at_max_reps_and_says_so(base, tmp_path, capsys):
    alt = tmp_path / "alt.toml"
    alt.write_text(
        f'extends = "{TEACH}"\nname = "no_contractors"\n'
        'description = "test: no mercenaries"\n[groups.contractors]\nsize = 0.0\n'
    )
    rc = main(
        ["compare", str(TEACH), str(alt), "--reps", "10", "--seed", "1", "--workers", "1",
         "--weeks", "30", "--out", str(tmp_path / "o"), "--no-progress",
         "--precision", "0.001", "--max-reps", "25"]
    )  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "NOT met (--max-reps reached)" in text
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["reps"] == 25 and manifest["converged"] is False
    assert [r["reps"] for r in manifest["rounds"]] == [10, 25]


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, message",
    [
        (["scenarios/nope.toml"], "nope.toml: file not found"),
        ([str(TEACH)], "each scenario of a sweep needs its own name"),
        ([str(SANCTIONS), "--at-date", "2030-01-01"], "--at-date: expected a date within"),
        ([str(SANCTIONS), "--at-date", "June"], "--at-date: expected a date YYYY-MM-DD"),
        ([str(SANCTIONS), "--precision", "1.5"], "--precision: expected a half-width"),
        ([str(SANCTIONS), "--set", "factions.RED.fighters=-5"], "factions.RED.fighters"),
    ],
)
def test_bad_input_is_exit_2_with_one_line(tmp_path, capsys, extra, message):
    rc = main(["compare", str(TEACH), *extra, "--out", str(tmp_path / "o"), "--reps", "2"])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
