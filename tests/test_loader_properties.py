"""The loader never lets a bad file through, and never fails with anything but ScenarioError.

Hypothesis feeds ``load_scenario`` random bytes, random TOML documents,
one-line mutations of the real scenario files (a key dropped or renamed, a
value replaced by a wrong type, a negative, nan, inf, an out-of-range number,
an unknown reference, a date outside the span) and random ``--set``
overrides. Each must either load or raise :class:`ScenarioError` whose every
line starts with the file's path; a scenario that loads must also build a
model that runs. Explicit cases pin down the messages for the classic errors.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import ProxyWarModel, ScenarioError, load_scenario
from sim.scenario import SCENARIO_DIR

SETTINGS = settings(
    deadline=None,
    derandomize=True,  # the same examples every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FILES = sorted(SCENARIO_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """A private copy of scenarios/, so mutants can ``extends`` the real baselines."""
    d = tmp_path_factory.mktemp("scenarios")
    for f in FILES:
        shutil.copy(f, d / f.name)
    return d


def check(path: Path, *, run: bool = False, overrides: dict | None = None) -> str:
    """Load; return "ok" or "error". Anything but ScenarioError fails the test."""
    try:
        spec = load_scenario(path, overrides)
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError with no problem lines"
        for line in exc.problems:
            assert line.startswith(f"{path}: "), line
            assert "\n" not in line and "Traceback" not in line
        return "error"
    if run:  # what the validator lets through, the model must be able to run
        m = ProxyWarModel(spec, rng=0, weeks=3, collect=True)
        m.run()
        assert all(math.isfinite(x) for x in m.front_series if x != math.inf)
    return "ok"


# --------------------------------------------------------------------------- random input


@settings(SETTINGS, max_examples=30)
@given(data=st.binary(max_size=400))
def test_random_bytes_are_rejected_cleanly(library, data):
    path = library / "random.toml"
    path.write_bytes(data)
    assert check(path) == "error"


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def to_toml(doc: dict[str, Any]) -> str:
    """A small TOML writer (top-level keys; nested tables and arrays inline)."""

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            if math.isnan(v):
                return "nan"
            if math.isinf(v):
                return "inf" if v > 0 else "-inf"
            return repr(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=True)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return "{" + ", ".join(f"{_key(k)} = {val(x)}" for k, x in v.items()) + "}"

    return "\n".join(f"{_key(k)} = {val(v)}" for k, v in doc.items()) + "\n"


SCHEMA_WORDS = [
    "name", "description", "start_date", "horizon_weeks", "front", "objective", "attacker",
    "places", "roads", "factions", "backers", "groups", "interventions", "extends", "type",
    "holder", "fighters", "client", "payer", "faction", "size", "week", "at", "when",
    "channels", "amount", "terrain", "lon", "lat", "combat", "termination",
]  # fmt: skip
keys = st.sampled_from(SCHEMA_WORDS) | st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1)
scalars = (
    st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.text(max_size=20)
    | st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
    | st.sampled_from(["libya_2019.toml", "random_doc.toml", "missing.toml", "GNA", "tripoli"])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


@settings(SETTINGS, max_examples=50)
@given(doc=st.dictionaries(keys, values, max_size=8))
def test_random_toml_documents_load_or_fail_with_scenario_error(library, doc):
    path = library / "random_doc.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    check(path)


# --------------------------------------------------------------------------- mutations

BAD_VALUES = [
    "-1", "-0.5", "1.5", "2", "0", "nan", "inf", "-inf", "1e400", "9223372036854775807",
    '"text"', '"25000"', "true", "[]", "[1, 2]", "{}", '{ amount = -1 }', "1900-01-01",
    "2099-12-31", "2019-04-04T10:00:00", '"nowhere"', '"GNA"', '"RED"', '"uae"', '"wagner"',
    '"front"', '"libya_2019.toml"', '"mutant.toml"', '"missing.toml"', '""', "0.0001",
    "1e300", "1e-300", "5200", "5201",
]  # fmt: skip
ASSIGNMENT = re.compile(r"^(\s*)([A-Za-z0-9_.\"-]+)(\s*=\s*)(.*)$")


def _lines_with_values(text: str) -> list[int]:
    return [i for i, ln in enumerate(text.splitlines()) if ASSIGNMENT.match(ln)]


@settings(SETTINGS, max_examples=90)
@given(
    source=st.sampled_from(FILES),
    pick=st.integers(min_value=0, max_value=10_000),
    action=st.sampled_from(["drop", "rename", "value", "value", "value", "text"]),
    bad=st.sampled_from(BAD_VALUES),
    text=st.text(max_size=12),
)
def test_mutated_scenario_files_load_or_fail_with_scenario_error(
    library, source, pick, action, bad, text
):
    lines = source.read_text("utf-8").splitlines()
    idx = _lines_with_values("\n".join(lines))
    i = idx[pick % len(idx)]
    indent, key, eq, _value = ASSIGNMENT.match(lines[i]).groups()
    if action == "drop":
        del lines[i]
    elif action == "rename":
        lines[i] = f"{indent}{key}x{eq}{_value}"
    elif action == "value":
        lines[i] = f"{indent}{key}{eq}{bad}"
    else:
        lines[i] = f"{indent}{key}{eq}{json.dumps(text)}"
    path = library / "mutant.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check(path, run=True)


OVERRIDE_KEYS = [
    "horizon_weeks", "start_date", "front.objective", "front.attacker",
    "factions.RED.fighters", "factions.RED.morale", "factions.BLUE.objective",
    "factions.RED.home", "backers.northland.client", "backers.northland.channels.arms.amount",
    "backers.northland.channels.arms.lag_weeks", "groups.contractors.arrival",
    "groups.contractors.payer", "groups.contractors.size", "places.crossroads.holder",
    "roads.0.2", "roads.0.0", "roads.9.1", "combat.lethality", "termination.base_hazard",
    "interventions", "nonsense", "factions.GREEN.fighters", "name.sub", "places..x",
]  # fmt: skip
override_values = (
    st.sampled_from(
        [-1, 0, 1, 2, 0.5, 1.5, math.nan, math.inf, True, "", "x", "RED", "west_town", [], {}]
    )
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
    | st.lists(st.dictionaries(keys, scalars, max_size=4), max_size=2)
)


@settings(SETTINGS, max_examples=40)
@given(key=st.sampled_from(OVERRIDE_KEYS), value=override_values)
def test_random_overrides_load_or_fail_with_scenario_error(key, value):
    check(SCENARIO_DIR / "teaching_line.toml", overrides={key: value}, run=True)


# --------------------------------------------------------------------------- explicit cases


def write(d: Path, name: str, text: str | bytes) -> Path:
    p = d / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value.problems


def whatif(body: str) -> str:
    return f'extends = "teaching_line.toml"\nname = "t"\n{body}\n'


CASES = [
    # (file body, expected problem after "FILE: ")
    (whatif("[factions.RED]\nfightrs = 1"), "factions.RED.fightrs: unknown key (did you mean "),
    (
        whatif("[factions.RED]\nfighters = -5"),
        "factions.RED.fighters: expected a number in [0, 1e9], found -5",
    ),
    (whatif("[factions.RED]\nfighters = nan"), "factions.RED.fighters: expected a finite number"),
    (whatif("[factions.RED]\nmorale = 1.2"), "factions.RED.morale: expected a number in [0, 1]"),
    (
        whatif('[factions.RED]\nfighters = "9"'),
        "factions.RED.fighters: expected a number in [0, 1e9]",
    ),
    (whatif("[groups.contractors]\narrival = 2040-01-01"), "groups.contractors.arrival: expected"),
    (
        whatif("[backers.northland.channels.arms]\nlag_weeks = -1"),
        "backers.northland.channels.arms.lag_weeks: expected a whole number in [0, 5200], found -1",
    ),
    (whatif('[groups.contractors]\npayer = "eastland"'), "groups.contractors.payer: expected a "),
    (
        whatif('[[interventions]]\ntype = "withdraw"\nbacker = "nortland"\nweek = 2'),
        "interventions.0.backer: expected a known backer, found 'nortland' (did you mean ",
    ),
    (
        whatif('[[interventions]]\ntype = "embargo"\nsea = 1.1\nweek = 2'),
        "interventions.0.sea: expected a number in [0, 1], found 1.1",
    ),
    (
        whatif('[[interventions]]\ntype = "embargo"\nsea = 0.5\nat = 2019-01-01'),
        "interventions.0.at: expected a date within 2021-01-07..",
    ),
    (
        whatif('[[interventions]]\ntype = "mediation"\nstrength = 0.5\nsea = 0.5\nweek = 2'),
        "interventions.0.sea: expected only keys a mediation uses",
    ),
    ('extends = "missing.toml"\n', "extends: expected an existing file, found 'missing.toml'"),
    ('extends = ""\n', "extends: expected an existing file, found ''"),
    ('extends = "self.toml"\n', "extends: a scenario cannot extend itself"),
    ("", "expected a TOML scenario, found an empty file"),
    (b"name = \xff\xfe", "line 1: expected UTF-8 text, found byte 0xff"),
    ("name = [", "line 1: expected valid TOML, found invalid value at the end of the file"),
    ("{not toml}", "line 1, column 1: expected valid TOML"),
]


@pytest.mark.parametrize("body, expected", CASES, ids=[c[1][:40] for c in CASES])
def test_classic_errors_are_named_with_file_key_expected_and_found(library, body, expected):
    name = "self.toml" if "self.toml" in str(body) else "case.toml"
    path = write(library, name, body)
    lines = problems(path)
    assert any(line.startswith(f"{path}: {expected}") for line in lines), lines


def test_an_extends_cycle_is_an_error(library):
    a = write(library, "cyc_a.toml", 'extends = "cyc_b.toml"\n')
    write(library, "cyc_b.toml", 'extends = "cyc_a.toml"\n')
    lines = problems(a)
    assert len(lines) == 1 and "extends: cycle cyc_a.toml -> cyc_b.toml -> cyc_a.toml" in lines[0]


def test_a_missing_file_and_a_directory_are_errors(library):
    assert problems(library / "nope.toml") == [f"{library / 'nope.toml'}: file not found"]
    (library / "adir.toml").mkdir(exist_ok=True)
    assert problems(library / "adir.toml")[0].startswith(f"{library / 'adir.toml'}: cannot read")
