"""sim.simulate (one run as plain numbers), interventions by name, and mesa.batch_run rows."""

import datetime as dt
import math

import mesa
import numpy as np
import pytest

import sim
from sim import ProxyWarModel, ScenarioError, load_scenario, simulate
from sim.cli import main
from sim.experiments.sweep import run_replication
from sim.scenario import SCENARIO_DIR, intervention_names

TEACH = "teaching_line.toml"
SANCTIONS = "libya_wagner_sanctions.toml"


# --------------------------------------------------------------------------- simulate


@pytest.mark.parametrize("seed", [1, 7])
def test_simulate_gives_the_sweep_row_as_plain_numbers(seed):
    spec = load_scenario(SANCTIONS)
    out = simulate(SANCTIONS, seed=seed)
    row, _ = run_replication(spec, 0, seed)
    assert all(type(v) in (int, float) for v in out.values()), out
    assert all(k.isidentifier() for k in out)  # EMA Workbench needs identifiers
    # every numeric runs.csv column, with the same value (what a sweep would record)
    for key in ("end_week", "front_km", "casualties", "stalemate_weeks", "support_spent"):
        assert out[key] == row[key], key
    assert out["left_wagner"] == int(bool(row["left_wagner"]))
    for key in ("withdrew_uae", "objectives_week_LNA"):
        assert (row[key] is None and math.isnan(out[key])) or out[key] == row[key]
    # one 0/1 column per possible outcome, exactly one of them set: the row's
    flags = {k: v for k, v in out.items() if k.startswith("outcome_")}
    assert set(flags) == {
        "outcome_victory_LNA",
        "outcome_victory_GNA",
        "outcome_ceasefire",
        "outcome_stalemate",
    }
    assert sum(flags.values()) == 1
    assert flags["outcome_" + row["outcome"].replace(":", "_")] == 1


def test_simulate_reports_the_front_on_chosen_dates_as_the_sweep_series_does():
    spec = load_scenario(TEACH)
    dates = [
        spec.start_date,
        spec.date_of(3),
        spec.date_of(10) + dt.timedelta(days=3),
        "2021-12-01",
    ]
    out = simulate(TEACH, seed=2, at_dates=dates)
    _, front = run_replication(spec, 0, 2)
    assert out[f"front_km_{spec.start_date.isoformat().replace('-', '_')}"] == front[0]
    assert out[f"front_km_{spec.date_of(3).isoformat().replace('-', '_')}"] == front[3]
    # a date inside week 11 shows the front at the end of week 10
    day = spec.date_of(10) + dt.timedelta(days=3)
    assert out[f"front_km_{day.isoformat().replace('-', '_')}"] == front[10]
    # after the war ended (week 47 for this seed), its last front
    assert out["front_km_2021_12_01"] == front[-1] == out["front_km"]
    with pytest.raises(ValueError, match="at_dates: expected a date within"):
        simulate(TEACH, seed=2, at_dates=["1990-01-01"])


def test_simulate_accepts_a_loaded_spec_and_numpy_values_alike():
    spec = load_scenario(SANCTIONS)
    over = {"interventions.wagner_sanctions.financial": 0.9, "combat.lethality": 0.05}
    by_name = simulate(SANCTIONS, seed=4, overrides=over)
    by_spec = simulate(
        spec, seed=np.int64(4), overrides={k: np.float64(v) for k, v in over.items()}
    )
    assert by_name == pytest.approx(by_spec, nan_ok=True)
    # the overrides act: a deadlier war has more casualties by week 20 (same seed)
    mild = simulate(TEACH, seed=4, weeks=20, overrides={"combat.lethality": 0.02})
    deadly = simulate(TEACH, seed=4, weeks=20, overrides={"combat.lethality": np.float64(0.08)})
    assert deadly["casualties"] > mild["casualties"]


def test_simulate_refuses_a_bad_override_with_one_line():
    with pytest.raises(ScenarioError) as err:
        simulate(SANCTIONS, overrides={"combat.lethality": 2.0})
    (line,) = err.value.problems
    assert line.endswith(f"{SANCTIONS}: combat.lethality: expected a number in (0, 1], found 2.0")


# --------------------------------------------------------------------------- interventions by name


def test_interventions_have_default_names_unique_per_scenario():
    assert intervention_names(load_scenario(SANCTIONS).interventions) == ["wagner_sanctions"]
    assert intervention_names(load_scenario("libya_turkey_surge.toml").interventions) == [
        "turkey_surge",
        "turkey_surge_2",
    ]
    assert intervention_names(load_scenario("libya_ceasefire_breakdown.toml").interventions) == [
        "mediation",
        "ceasefire_breakdown",
    ]


def test_setting_week_by_name_replaces_the_date():
    # before: {"interventions.0.week": 40} failed with "expected exactly one of at, week, when"
    spec = load_scenario(SANCTIONS, {"interventions.wagner_sanctions.week": 40})
    iv = spec.interventions[0]
    assert (iv.week, iv.at, iv.when) == (40, None, None)
    assert iv.financial == 0.7  # the rest of the intervention is kept
    by_index = load_scenario(SANCTIONS, {"interventions.0.week": 40})
    assert by_index.interventions[0] == iv
    # and back: a date replaces a week, a condition replaces both
    again = load_scenario(spec, {"interventions.wagner_sanctions.at": dt.date(2020, 1, 20)})
    assert (again.interventions[0].at, again.interventions[0].week) == (dt.date(2020, 1, 20), None)
    cond = load_scenario(SANCTIONS, {"interventions.wagner_sanctions.when.front_within_km": 12.0})
    assert cond.interventions[0].at is None and cond.interventions[0].when.front_within_km == 12
    # the timing acts: sanctioned from week 2, Wagner leaves for want of pay far sooner
    # than when sanctioned from week 80 (same seed)
    departures = {}
    for week in (2, 80):
        over = {"interventions.wagner_sanctions.week": week}
        m = ProxyWarModel(load_scenario(SANCTIONS, over), rng=6).run()
        departures[week] = [e.week for e in m.events if e.actor == "wagner" and e.kind == "depart"]
        assert simulate(SANCTIONS, seed=6, overrides=over)["left_wagner"] == 1
    assert departures[2][0] + 20 < departures[80][0]


def test_an_unknown_intervention_name_is_one_line_with_a_guess():
    with pytest.raises(ScenarioError) as err:
        load_scenario(SANCTIONS, {"interventions.wagner_sanction.week": 40})
    (line,) = err.value.problems
    assert line.endswith(
        f"{SANCTIONS}: interventions.wagner_sanction.week: expected an "
        "intervention name (wagner_sanctions), found 'wagner_sanction' "
        "(did you mean 'wagner_sanctions'?)"
    )


def test_an_explicit_name_is_used_and_must_be_unique(tmp_path):
    base = (SCENARIO_DIR / TEACH).as_posix()
    body = 'type = "sanction"\ngroup = "contractors"\nfinancial = 0.5\n'
    good = tmp_path / "named.toml"
    good.write_text(
        f'extends = "{base}"\n[[interventions]]\nname = "pay_freeze"\nweek = 3\n{body}'
        f"[[interventions]]\nweek = 5\n{body}"
    )
    spec = load_scenario(good, {"interventions.pay_freeze.week": 9})
    assert intervention_names(spec.interventions) == ["pay_freeze", "contractors_sanctions"]
    assert [iv.week for iv in spec.interventions] == [9, 5]
    twice = tmp_path / "twice.toml"
    twice.write_text(
        f'extends = "{base}"\n[[interventions]]\nname = "x"\nweek = 3\n{body}'
        f'[[interventions]]\nname = "x"\nweek = 5\n{body}'
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(twice)
    assert err.value.problems == [
        f"{twice}: interventions.1.name: expected a name no other intervention has, "
        "found 'x' again (first is interventions.0)"
    ]
    dotted = tmp_path / "dotted.toml"
    dotted.write_text(f'extends = "{base}"\n[[interventions]]\nname = "a.b"\nweek = 3\n{body}')
    with pytest.raises(ScenarioError, match=r"interventions.0.name: expected a name of letters"):
        load_scenario(dotted)


# --------------------------------------------------------------------------- where names are found


def test_a_bare_name_is_found_in_the_working_folder_first(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    # elsewhere: the library
    assert load_scenario(TEACH).source == str(SCENARIO_DIR / TEACH)
    (tmp_path / "scenarios").mkdir()
    text = (
        (SCENARIO_DIR / TEACH)
        .read_text()
        .replace('name = "teaching_line"', 'name = "my_teaching_line"')
    )
    (tmp_path / "scenarios" / TEACH).write_text(text)
    assert load_scenario(TEACH).name == "my_teaching_line"
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"scenarios:\n{TEACH}  ")  # the local folder, then the library
    assert f"\n{SCENARIO_DIR}:\n" in out and "libya_2019.toml" in out


def test_simulate_is_the_package_interface():
    assert sim.simulate is simulate and "simulate" in sim.__all__


# --------------------------------------------------------------------------- mesa.batch_run


def test_batch_run_rows_carry_the_outcome_and_no_stalemate_in_a_victory_week():
    rows = mesa.batch_run(
        ProxyWarModel,
        {"scenario": TEACH},
        rng=[1, 2, 3],
        max_steps=400,
        number_processes=1,
        display_progress=False,
    )
    assert len(rows) == 3
    for row in rows:
        direct = ProxyWarModel(TEACH, rng=row["rng"]).run()
        assert type(row["Step"]) is int and row["Step"] == direct.steps
        assert row["outcome"] == direct.outcome and row["outcome"].startswith("victory")
        # these wars were won in a week that the front's window counts as static ...
        assert direct.termination.stalemate
        # ... and the row does not say "stalemate" beside the victory
        assert row["stalemate"] is False or row["stalemate"] == 0
    # a war cut short by max_steps says it was still running
    cut = mesa.batch_run(
        ProxyWarModel, {"scenario": TEACH}, rng=[1], max_steps=5, display_progress=False
    )
    assert cut[0]["outcome"] == "running" and cut[0]["Step"] == 5


def test_the_weekly_stalemate_flag_is_unchanged_before_the_end():
    m = ProxyWarModel(TEACH, rng=1).run()
    df = m.datacollector.get_model_vars_dataframe()
    assert df["stalemate"].iloc[:-1].sum() == m.termination.stalemate_weeks - 1
    assert list(df["outcome"].iloc[:-1].unique()) == ["running"]
    assert df["outcome"].iloc[-1] == "victory:RED"
