"""Outputs an analyst can read: defined outcomes, every outcome listed, a working --resume."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from sim import load_scenario
from sim.analysis.outcomes import definitions_footer, outcome_definitions, outcome_labels
from sim.analysis.summaries import outcome_summary
from sim.cli.resume import program_words, resume_command

LIBYA = ROOT / "scenarios" / "libya_2019.toml"
TEACH = ROOT / "scenarios" / "teaching_line.toml"


def test_each_outcome_is_defined_in_words_from_the_scenario():
    spec = load_scenario(LIBYA)
    defs = outcome_definitions(spec)
    assert list(defs) == outcome_labels(spec)
    # the victory names the enemy's seat of power from the scenario, not just the label
    assert "Tripoli" in defs["victory:LNA"] and "Benghazi" in defs["victory:GNA"]
    assert str(spec.termination.ceasefire_hold_weeks) in defs["ceasefire"]
    # the outcome and the weekly flag are named differently
    assert defs["stalemate"].startswith("no decision by the horizon")
    assert "static weeks" in defs["stalemate"]
    footer = definitions_footer({"a": spec, "b": spec})
    assert footer.count("victory:LNA") == 1  # identical scenarios share one block


def test_every_outcome_is_listed_and_only_the_scenarios_own_victories():
    runs = pd.DataFrame(
        {
            "scenario": ["libya"] * 3 + ["teach"] * 2,
            "outcome": ["stalemate"] * 3 + ["victory:RED", "stalemate"],
            "status": "ok",
        }
    )
    possible = {"libya": outcome_labels(load_scenario(LIBYA))}
    possible["teach"] = outcome_labels(load_scenario(TEACH))
    s = outcome_summary(runs, scenarios=["libya", "teach"], outcomes=possible)
    libya = s[s["scenario"] == "libya"].set_index("outcome")
    # outcomes no run reached are listed with 0 and a Wilson interval that starts at 0
    assert set(libya.index) == {"victory:LNA", "victory:GNA", "ceasefire", "stalemate"}
    assert libya.loc["victory:GNA", "runs"] == 0 and libya.loc["victory:GNA", "ci_low"] == 0
    assert libya.loc["victory:GNA", "ci_high"] > 0
    # no victory:RED row for a Libya scenario in a mixed sweep
    assert not (libya.index.str.contains("RED")).any()
    teach = s[s["scenario"] == "teach"]
    assert set(teach["outcome"]) == {"victory:RED", "victory:BLUE", "ceasefire", "stalemate"}


def test_the_printed_resume_command_uses_the_running_interpreter(monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(ROOT / "run.py"), "sweep"])
    args = argparse.Namespace(
        scenario=[str(LIBYA)],
        reps=4,
        seed=1,
        out=Path("x"),
        weeks=None,
        set=[],
        workers=None,
        executor="auto",
        scheduler=None,
    )
    words = shlex.split(resume_command("sweep", args))
    assert words[0] == sys.executable  # never a bare "python", which may lack the project
    assert words[-1] == "--resume"
    monkeypatch.setattr(sys, "argv", ["-c"])
    words = program_words()
    assert words[0] == sys.executable and Path(words[1]).name == "run.py"
    assert Path(words[1]).exists()


def test_holm_step_down_and_the_exact_test():
    from sim.experiments.compare import exact_p, holm

    # 0.01 < 0.05/3, 0.02 < 0.05/2, 0.04 < 0.05/1: all three survive; 0.03 after 0.02 fails
    assert holm([0.04, 0.01, 0.02]) == [True, True, True]
    assert holm([0.01, 0.03, 0.03]) == [True, False, False]
    # McNemar exact: 9 pairs all one way is p = 2 / 2**9; no changed pair is p = 1
    assert exact_p(np.array([1.0] * 9 + [0.0] * 51)) == pytest.approx(2 / 2**9)
    assert exact_p(np.zeros(20)) == 1.0


def test_significance_needs_both_the_interval_and_the_exact_test():
    from sim.experiments.compare import paired_outcomes

    # 5 pairs gained victory:X, 1 lost it: the t interval excludes 0 with 400 pairs,
    # but the exact test on 6 discordant pairs (p = 0.22) does not agree
    base = ["stalemate"] * 394 + ["victory:X"] + ["stalemate"] * 5
    alt = ["stalemate"] * 394 + ["stalemate"] + ["victory:X"] * 5
    pairs = pd.DataFrame({"outcome_base": base, "outcome_alt": alt})
    t = paired_outcomes(pairs, "b", "a", ["victory:X", "ceasefire"]).set_index("outcome")
    row = t.loc["victory:X"]
    assert row["p_exact"] > 0.05 and not row["significant"]
    # an outcome nobody reached: no pair changed, and an exact bound on the changed share
    none = t.loc["ceasefire"]
    assert none["only_baseline"] + none["only_alternative"] == 0
    assert 0 < none["changed_share_max"] < 0.01  # about 3.7/400


def test_interval_ends_never_round_to_a_misleading_zero():
    from sim.analysis.tables import ci_text as _ci_text

    assert _ci_text(-0.056, -0.0004) == "[−0.0560, −0.0004]"
    assert _ci_text(-0.0004, 0.055) == "[−0.0004, +0.0550]"
    assert _ci_text(-0.05, 0.05) == "[−0.050, +0.050]"


def test_every_option_has_a_sentence_and_every_command_examples():
    import argparse as ap

    from sim.cli import build_parser

    parser = build_parser()
    subs = next(a for a in parser._actions if isinstance(a, ap._SubParsersAction))
    for name in ("run", "sweep", "compare", "sensitivity"):
        sub = subs.choices[name]
        assert "examples:" in (sub.epilog or ""), name
        for a in sub._actions:
            if isinstance(a, ap._HelpAction):
                continue
            assert a.help and len(a.help.split()) >= 3, (name, a.dest)
            if a.default not in (None, False, []) and a.option_strings:
                assert "default" in a.help, (name, a.dest)
    text = subs.choices["compare"].format_help()
    assert "--reps" in text and "(default: 100" in text and "--interval" in text


def test_front_series_is_one_column_per_week_and_reads_back(tmp_path):
    from sim.experiments.store import load_front_matrix
    from sim.experiments.sweep import run_sweep

    res = run_sweep([LIBYA, TEACH], reps=3, seed=4, out=tmp_path, workers=1, progress=False)
    df = pd.read_csv(tmp_path / "front_series.csv")
    longest = max(s.horizon_weeks for s in res.specs.values())
    assert list(df.columns[:3]) == ["scenario", "replicate", "w0"]
    assert df.columns[-1] == f"w{longest}" and len(df) == 6
    # the shorter teaching horizon leaves the later weeks empty; the reader drops them
    teach = load_front_matrix(tmp_path, "teaching_line")
    assert teach.shape == (3, load_scenario(TEACH).horizon_weeks + 1)
    libya = df[df["scenario"] == "libya_2019"].filter(like="w").to_numpy(dtype=float)
    np.testing.assert_array_equal(load_front_matrix(tmp_path, "libya_2019"), libya)
    # the last front equals the run's front_km
    runs = pd.read_csv(tmp_path / "runs.csv")
    ends = runs[runs["scenario"] == "libya_2019"]["front_km"].to_numpy(dtype=float)
    np.testing.assert_allclose(libya[:, -1], ends)
    # analyst columns: spending by backer, the week each group left or "stayed"
    assert {"spent_turkey", "received_GNA_drones", "left_week_wagner"} <= set(runs.columns)
    libya_runs = runs[runs["scenario"] == "libya_2019"]
    spent = libya_runs.filter(regex=r"^spent_").sum(axis=1)
    np.testing.assert_allclose(spent, libya_runs["support_spent"], rtol=1e-3)
    for reason, week in zip(libya_runs["left_wagner"], libya_runs["left_week_wagner"], strict=True):
        assert (week == "stayed") == pd.isna(reason)
    # mixed sweep: the Libya scenario has no victory:RED row, and every own outcome is listed
    summary = pd.read_csv(tmp_path / "summary.csv")
    libya_out = set(summary.loc[summary["scenario"] == "libya_2019", "outcome"])
    assert libya_out == {"victory:LNA", "victory:GNA", "ceasefire", "stalemate"}
    report = (tmp_path / "report.md").read_text()
    assert "Benghazi" in report and "no decision by the horizon" in report
    assert "numpy.random.SeedSequence(" not in report  # the seeding sentence is in words


def test_a_significant_difference_gets_its_replicate_level_account(tmp_path):
    from types import SimpleNamespace

    from sim.experiments.compare import ARMS_DIR
    from sim.experiments.compare_report import replicate_accounts

    # 20 replicates: the GNA wins every baseline run; under sanctions Wagner leaves over
    # pay in 15 of them and those 15 end undecided (a stylised, hand-made record)
    rows = []
    for i in range(20):
        rows.append(("base", i, "victory:GNA", "", "", 0))
        lost = i < 15
        rows.append(
            ("alt", i, "stalemate" if lost else "victory:GNA", "pay arrears" if lost else "", "", 0)
        )
    runs = pd.DataFrame(
        rows, columns=["scenario", "replicate", "outcome", "left_wagner", "withdrew_uae", "vetoes"]
    )
    runs["status"] = "ok"
    (tmp_path / ARMS_DIR).mkdir()
    runs.to_csv(tmp_path / ARMS_DIR / "runs.csv", index=False)
    table = pd.DataFrame(
        [
            {"baseline": "base", "alternative": "alt", "outcome": "victory:GNA",
             "difference": -0.75, "significant": True},
            {"baseline": "base", "alternative": "alt", "outcome": "ceasefire",
             "difference": 0.0, "significant": False},
        ]
    )  # fmt: skip
    lines = replicate_accounts(SimpleNamespace(out=tmp_path, table=table))
    assert len(lines) == 1  # only the significant row gets an account
    assert "in 15 of the 15 pairs that lost it" in lines[0]
    assert "wagner stayed in the baseline but left (pay arrears)" in lines[0]
    assert "0% of the other pairs" in lines[0]


def test_compare_states_one_rule_defines_outcomes_and_never_prints_a_zero_interval(
    tmp_path, capsys
):
    from sim.cli import main

    out = tmp_path / "cmp"
    sanctions = ROOT / "scenarios" / "teaching_line_sanctions.toml"
    args = ["compare", str(TEACH), str(sanctions), "--reps", "20", "--seed", "1"]
    assert main([*args, "--workers", "1", "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "McNemar" in text and "Holm" in text  # the rule, in the terminal footer
    assert "victory:RED: RED takes East Capital" in text  # outcomes defined under the table
    assert "+0.000 [+0.000, +0.000]" not in text
    md = (out / "comparison.md").read_text()
    assert "Significance: a difference is significant when" in md
    assert "+0.000 [+0.000, +0.000]" not in md
    assert "`stalemate`: no decision by the horizon" in md
    table = pd.read_csv(out / "comparison.csv")
    assert {"p_exact", "significant_holm", "changed_share_max"} <= set(table.columns)
    # Holm never adds significance; every outcome of the scenario is a row
    assert not (table["significant_holm"] & ~table["significant"]).any()
    assert set(table["outcome"]) == {"victory:RED", "victory:BLUE", "ceasefire", "stalemate"}
    unchanged = table[table["only_baseline"] + table["only_alternative"] == 0]
    assert unchanged["changed_share_max"].between(0, 1, inclusive="neither").all()


def test_the_sensitivity_resume_command_repeats_the_analysis(monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(ROOT / "run.py"), "sensitivity"])
    args = argparse.Namespace(
        scenario=str(TEACH), param=["backers.northland.resolve=0.5:1"], samples=8, reps=2,
        seed=3, out="x", workers=None, weeks=None, set=[], executor="auto",
    )  # fmt: skip
    words = shlex.split(resume_command("sensitivity", args))
    assert words[0] == sys.executable and words[2] == "sensitivity"
    assert words[words.index("--param") + 1] == "backers.northland.resolve=0.5:1"
    assert words[-1] == "--resume"
