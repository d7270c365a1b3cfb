"""Outcome statistics: Wilson intervals, summaries, exact streaming quantiles, survival."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis import summaries as analysis


def make_runs(seed: int, n: int = 200, horizon: int = 50) -> pd.DataFrame:
    """Synthetic runs of two scenarios with competing outcomes and horizon censoring."""
    rng = np.random.default_rng(seed)
    rows = []
    for scenario, p in (("base", [0.5, 0.2, 0.3]), ("alt", [0.2, 0.5, 0.3])):
        for i in range(n):
            kind = rng.choice(["victory:A", "ceasefire", "stalemate"], p=p)
            week = horizon if kind == "stalemate" else int(rng.integers(1, horizon))
            spells = rng.integers(1, 12, size=rng.integers(0, 4))
            rows.append(
                {
                    "scenario": scenario,
                    "replicate": i,
                    "outcome": kind,
                    "end_week": week,
                    "stalemate_weeks": int(spells.sum()),
                    "stalemate_spells": ";".join(map(str, spells)),
                    "status": "ok",
                }
            )
    rows.append({"scenario": "alt", "replicate": n, "status": "error", "outcome": None})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (57, 200)])
def test_wilson_is_scipys_interval_and_brackets_the_estimate(k, n):
    low, high = analysis.wilson(k, n)
    ref = stats.binomtest(k, n).proportion_ci(method="wilson")
    assert (low, high) == pytest.approx((ref.low, ref.high))
    assert 0 <= low <= k / n <= high <= 1
    assert analysis.wilson(k, n, 0.99)[0] <= low


def test_wilson_of_no_runs_is_undefined():
    assert all(np.isnan(analysis.wilson(0, 0)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_outcome_summary_sums_to_one_and_lists_every_outcome(seed):
    runs = make_runs(seed)
    only_base = runs[~((runs["scenario"] == "base") & (runs["outcome"] == "ceasefire"))]
    s = analysis.outcome_summary(only_base, scenarios=["base", "alt"])
    assert list(s.columns[:6]) == [
        "scenario",
        "outcome",
        "runs",
        "probability",
        "ci_low",
        "ci_high",
    ]
    # every outcome for every scenario, zero rows included, in a fixed order
    for scenario in ("base", "alt"):
        sub = s[s["scenario"] == scenario]
        assert sub["outcome"].tolist() == ["victory:A", "ceasefire", "stalemate"]
        assert sub["probability"].sum() == pytest.approx(1.0)
        assert (sub["runs"].sum() == sub["total"]).all()
    zero = s[(s["scenario"] == "base") & (s["outcome"] == "ceasefire")].iloc[0]
    assert zero["runs"] == 0 and zero["probability"] == 0 and zero["ci_low"] == 0
    assert zero["ci_high"] > 0
    assert ((s["ci_low"] <= s["probability"]) & (s["probability"] <= s["ci_high"])).all()
    # the failed replication is not a run
    assert s[s["scenario"] == "alt"]["total"].iloc[0] == 200


def test_outcome_order_puts_victories_first():
    labels = ["stalemate", "ceasefire", "victory:LNA", "victory:GNA", "other"]
    assert analysis.outcome_order(labels) == [
        "victory:GNA",
        "victory:LNA",
        "ceasefire",
        "stalemate",
        "other",
    ]


def test_outcome_table_text_has_one_line_per_row():
    s = analysis.outcome_summary(make_runs(4))
    text = analysis.format_outcome_table(s)
    assert len(text.splitlines()) == len(s) + 1
    assert "95% CI" in text.splitlines()[0]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_streaming_front_quantiles_equal_numpy_on_all_the_data(seed):
    rng = np.random.default_rng(seed)
    places = np.array([0.0, 15.0, 26.0, 46.0, 88.5, 130.0, 600.0])
    data = rng.choice(places, size=(rng.integers(1, 400), 30))
    acc = analysis.FrontQuantiles()
    for start in range(0, len(data), 37):  # in uneven blocks, as from the file
        acc.add(data[start : start + 37])
    levels = [0.05, 0.25, 0.5, 0.75, 0.95, 0.0, 1.0]
    np.testing.assert_allclose(
        acc.quantiles(levels), np.quantile(data, levels, axis=0), rtol=0, atol=1e-12
    )
    assert acc.n == len(data)


def test_front_quantiles_handle_an_attacker_with_no_place():
    data = np.array([[np.inf, 10.0], [np.inf, np.inf], [5.0, np.inf]])
    q = analysis.FrontQuantiles()
    q.add(data)
    assert q.quantiles([0.5])[0].tolist() == [np.inf, np.inf]
    assert q.quantiles([0.0])[0].tolist() == [5.0, 10.0]


def test_front_quantile_table_has_dates_and_ordered_bands():
    rng = np.random.default_rng(7)
    data = rng.choice([10.0, 20.0, 50.0], size=(100, 5))
    df = analysis.front_quantiles(data, "base", start_date=dt.date(2019, 4, 4))
    assert list(df.columns) == ["scenario", "week", "date", "q05", "q25", "q50", "q75", "q95"]
    assert df["date"].tolist()[:2] == ["2019-04-04", "2019-04-11"]
    q = df[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()


@pytest.mark.parametrize("seed", [5, 6])
def test_survival_censors_at_the_horizon(seed):
    horizon = 50
    runs = make_runs(seed, horizon=horizon)
    curves = analysis.survival_curves(runs, horizon)
    for scenario in ("base", "alt"):
        ok = runs[(runs["scenario"] == scenario) & (runs["status"] == "ok")]
        ended = curves[(curves["scenario"] == scenario) & (curves["outcome"] == "ended")]
        assert ended["week"].tolist() == list(range(horizon + 1))
        s = ended["survival"].to_numpy()
        assert s[0] == 1 and (np.diff(s) <= 1e-12).all()
        # without other censoring, the KM estimate at the horizon is the share still going
        assert s[-1] == pytest.approx((ok["outcome"] == "stalemate").mean())
        # the same estimate as scipy.stats.ecdf on CensoredData directly
        censored = ok["outcome"] == "stalemate"
        ref = stats.ecdf(
            stats.CensoredData(
                uncensored=ok.loc[~censored, "end_week"], right=ok.loc[censored, "end_week"]
            )
        )
        np.testing.assert_allclose(s, ref.sf.evaluate(np.arange(horizon + 1)))
        valid = ended.dropna(subset=["ci_low", "ci_high"])
        assert ((valid["ci_low"] <= valid["survival"] + 1e-12).all()) and (
            valid["survival"] <= valid["ci_high"] + 1e-12
        ).all()
        # cumulative incidence per outcome: ends at the outcome's share
        for label in ("victory:A", "ceasefire"):
            c = curves[(curves["scenario"] == scenario) & (curves["outcome"] == label)]
            assert c["incidence"].iloc[-1] == pytest.approx((ok["outcome"] == label).mean())
            assert (np.diff(c["incidence"]) >= 0).all()
        # a stalemate at the horizon is censoring, not an event: no curve for it
        assert not ((curves["scenario"] == scenario) & (curves["outcome"] == "stalemate")).any()


def test_survival_of_runs_that_all_end_reaches_zero():
    runs = pd.DataFrame(
        {"scenario": "s", "outcome": ["victory:A"] * 4, "end_week": [2, 3, 3, 8], "status": "ok"}
    )
    c = analysis.survival_curves(runs, 10)
    ended = c[c["outcome"] == "ended"].set_index("week")["survival"]
    assert ended[1] == 1 and ended[2] == 0.75 and ended[3] == 0.25 and ended[8] == 0
    assert analysis.median_time(c, "s") == 3


def test_stalemate_spells_read_as_numbers_still_count():
    # a column whose cells are all single spells is parsed by pandas as floats
    runs = pd.DataFrame({"scenario": "a", "stalemate_spells": [2.0, np.nan, 3.0], "status": "ok"})
    d = analysis.stalemate_durations(runs).set_index("duration")
    assert d["spells"].to_dict() == {2: 1, 3: 1}


def test_stalemate_durations_count_every_spell():
    runs = pd.DataFrame(
        {
            "scenario": ["a", "a", "a", "b"],
            "end_week": [20, 20, 20, 20],
            "stalemate_spells": ["3;5", "3", None, "12"],
            "status": "ok",
        }
    )
    d = analysis.stalemate_durations(runs)
    a = d[d["scenario"] == "a"].set_index("duration")
    assert a["spells"].to_dict() == {3: 2, 5: 1}
    assert a["share"].sum() == pytest.approx(1.0)
    st_ = analysis.stalemate_stats(runs).set_index("scenario")
    assert st_.loc["a", "share_with_stalemate"] == pytest.approx(2 / 3)
    assert st_.loc["a", "spells"] == 3 and st_.loc["b", "median_spell"] == 12
    assert st_.loc["a", "mean_stalemate_share"] == pytest.approx((8 + 3 + 0) / 60)
