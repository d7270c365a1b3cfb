"""The append-only store: exact encoding, crash repair, resume bookkeeping, sorted finish."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experiments.store import (
    FRONT_FILE,
    RUNS_FILE,
    RunStore,
    StoreError,
    decode_front,
    encode_front,
    format_value,
    load_front_matrix,
    read_front_series,
)

COLUMNS = ["scenario", "replicate", "seed", "outcome", "end_week", "x", "status", "error"]


def row(scenario: str, rep: int, status: str = "ok", x: float = 1.5) -> dict:
    return {
        "scenario": scenario,
        "replicate": rep,
        "seed": 100 + rep,
        "outcome": "stalemate" if status == "ok" else None,
        "end_week": 10 if status == "ok" else None,
        "x": x if status == "ok" else None,
        "status": status,
        "error": "" if status == "ok" else "ValueError: boom\nsecond line",
    }


def front(rep: int) -> np.ndarray:
    return np.array([50.0, 40.0 - rep, 40.0 - rep, 12.5, 12.5, 12.5])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from([0.0, 12.5, 46.0, 1e-7, 123456.789, float("inf"), 1 / 3]),
        min_size=1,
        max_size=60,
    )
)
def test_front_encoding_round_trips_exactly(values):
    arr = np.array(values)
    text = encode_front(arr)
    assert "," not in text and "\n" not in text
    np.testing.assert_array_equal(decode_front(text), arr)


def test_front_encoding_is_compact_for_settled_fronts():
    arr = np.array([46.0] + [26.0] * 103)
    assert encode_front(arr) == "46 26*103"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (np.float64(8002.8), "8002.8"),
        (46.0, "46"),
        (np.int64(7), "7"),
        (True, "true"),
        ("a\nb\r\nc", "a b c"),
    ],
)
def test_cells_are_exact_and_single_line(value, text):
    assert format_value(value) == text


def test_append_then_finalize_sorts_and_keeps_the_last_record(tmp_path):
    store = RunStore(tmp_path, COLUMNS)
    store.open(resume=False)
    store.append([(row("b", 1), front(1)), (row("a", 2, "error"), None)])
    store.append([(row("a", 0), front(0)), (row("b", 0), front(0))])
    store.append([(row("a", 2, x=9.25), front(2))])  # the retry of a failed replicate
    store.close()
    done = RunStore(tmp_path, COLUMNS).done(["a", "b"], 3)
    assert done["a"].tolist() == [True, False, True]
    assert done["b"].tolist() == [True, True, False]

    assert RunStore(tmp_path, COLUMNS).finalize(["b", "a"]) == 4
    lines = (tmp_path / RUNS_FILE).read_text().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    keys = [tuple(line.split(",")[:2]) for line in lines[1:]]
    assert keys == [("b", "0"), ("b", "1"), ("a", "0"), ("a", "2")]
    assert lines[-1].split(",")[5] == "9.25" and lines[-1].endswith(",ok,")
    fronts = list(read_front_series(tmp_path / FRONT_FILE))
    assert [(s, r) for s, r, _ in fronts] == [("b", 0), ("b", 1), ("a", 0), ("a", 2)]
    np.testing.assert_array_equal(fronts[1][2], front(1))
    assert load_front_matrix(tmp_path, "a").shape == (2, 6)


def test_error_rows_are_one_line_with_their_message(tmp_path):
    store = RunStore(tmp_path, COLUMNS)
    store.open(resume=False)
    store.append([(row("a", 0, "error"), None)])
    store.close()
    lines = (tmp_path / RUNS_FILE).read_text().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(",error,ValueError: boom second line")


def test_resume_cuts_a_partial_trailing_line_and_reruns_that_replicate(tmp_path):
    store = RunStore(tmp_path, COLUMNS)
    store.open(resume=False)
    store.append([(row("a", 0), front(0)), (row("a", 1), front(1))])
    store.close()
    # a kill -9 in the middle of the next write: the front line made it, the row did not
    with (tmp_path / FRONT_FILE).open("a") as fh:
        fh.write("a,2,50 40*5\n")
    with (tmp_path / RUNS_FILE).open("a") as fh:
        fh.write("a,2,102,stale")
    again = RunStore(tmp_path, COLUMNS)
    again.open(resume=True)
    assert again.dropped_bytes == len("a,2,102,stale")
    assert (tmp_path / RUNS_FILE).read_text().endswith("\n")
    assert again.done(["a"], 3)["a"].tolist() == [True, True, False]
    again.append([(row("a", 2), front(2))])
    assert again.finalize(["a"]) == 3
    fronts = list(read_front_series(tmp_path))
    assert [r for _, r, _ in fronts] == [0, 1, 2]
    np.testing.assert_array_equal(fronts[2][2], front(2))  # the rerun's series, not the orphan


def test_a_row_without_its_front_series_is_not_done(tmp_path):
    store = RunStore(tmp_path, COLUMNS)
    store.open(resume=False)
    store.append([(row("a", 0), None)])
    store.close()
    assert RunStore(tmp_path, COLUMNS).done(["a"], 1)["a"].tolist() == [False]


def test_resume_refuses_files_with_other_columns(tmp_path):
    store = RunStore(tmp_path, COLUMNS)
    store.open(resume=False)
    store.close()
    other = RunStore(tmp_path, [*COLUMNS[:5], "y", "status", "error"])
    with pytest.raises(StoreError, match="header differs"):
        other.open(resume=True)


def test_a_fresh_start_discards_old_files(tmp_path):
    store = RunStore(tmp_path, COLUMNS)
    store.open(resume=False)
    store.append([(row("a", 0), front(0))])
    store.close()
    fresh = RunStore(tmp_path, COLUMNS)
    fresh.open(resume=False)
    fresh.close()
    assert fresh.done(["a"], 1)["a"].tolist() == [False]
    assert (tmp_path / RUNS_FILE).read_text().count("\n") == 1
