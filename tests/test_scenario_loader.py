"""Bad scenario files: one line per problem, naming the file and the key; exit 2 from the CLI.

Example-based: each case is a small file with one known fault (property-based
tests of the loader live in a separate file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TINY

from sim import ScenarioError, load_scenario
from sim.cli import main


def _child(body: str) -> str:
    """A what-if file on top of the tiny theatre with one change."""
    return f'extends = "tiny.toml"\n{body}'


# name -> (file contents, text every message must contain besides the file name)
CASES: dict[str, tuple[str | bytes | None, list[str]]] = {
    "malformed": ('name = "x"\nthis is not toml\n', ["line 2", "expected valid TOML"]),
    "not_utf8": (b'name = "x"\ndescription = "\xff\xfe"\n', ["line 2", "UTF-8", "0xff"]),
    "empty": ("", ["empty"]),
    "only_comments": ("\n   \n# only a comment\n", ["no keys"]),
    "missing": (None, ["not found"]),
    "unknown_key": (_child("[combat]\nlethalty = 0.1\n"), ["combat.lethalty", "'lethality'"]),
    "unknown_top_key": (_child("horizon_weks = 10\n"), ["horizon_weks", "'horizon_weeks'"]),
    "unknown_actor": (
        _child('[groups.hired]\npayer = "patron_atx"\n'),
        ["groups.hired.payer", "'patron_atx'", "'patron_att'"],
    ),
    "unknown_place": (_child('[front]\nobjective = "capp"\n'), ["front.objective", "'cap'"]),
    "unknown_group_in_intervention": (
        _child('[[interventions]]\ntype = "withdraw"\ngroup = "hird"\nweek = 3\n'),
        ["interventions.0.group", "'hird'", "'hired'"],
    ),
    "negative_size": (_child("[groups.hired]\nsize = -5\n"), ["groups.hired.size", "-5"]),
    "nan": (_child("[combat]\nlethality = nan\n"), ["combat.lethality", "nan"]),
    "inf": (_child("[factions.ATT]\nfighters = inf\n"), ["factions.ATT.fighters", "inf"]),
    "probability_above_1": (
        _child("[combat]\ndefender_break = 1.5\n"),
        ["combat.defender_break", "1.5"],
    ),
    "probability_below_0": (
        _child("[backers.patron_def]\nresolve = -0.1\n"),
        ["backers.patron_def.resolve", "-0.1"],
    ),
    "wrong_type": (_child('horizon_weeks = "ten"\n'), ["horizon_weeks", "'ten'"]),
    "extends_missing": ('extends = "nothere.toml"\n', ["extends", "nothere.toml"]),
    "extends_itself": ('extends = "extends_itself.toml"\n', ["extends"]),
}


def _write(folder: Path, name: str, contents: str | bytes | None) -> Path:
    shutil.copy(TINY, folder / "tiny.toml")
    path = folder / f"{name}.toml"
    if isinstance(contents, bytes):
        path.write_bytes(contents)
    elif contents is not None:
        path.write_text(contents)
    return path


def _check_problems(problems: list[str], path: Path, needles: list[str]) -> None:
    assert len(problems) == 1, problems
    line = problems[0]
    assert "\n" not in line
    assert path.name in line
    for needle in needles:
        assert needle in line, (needle, line)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_file_gives_one_line_naming_file_and_key(case, tmp_path):
    contents, needles = CASES[case]
    path = _write(tmp_path, case, contents)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    _check_problems(err.value.problems, path, needles)


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_exits_2_with_the_message_and_no_traceback(case, tmp_path, capsys):
    contents, needles = CASES[case]
    path = _write(tmp_path, case, contents)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    _check_problems(err.strip().splitlines(), path, needles)


def test_a_cycle_of_two_files_is_reported(tmp_path, capsys):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('extends = "b.toml"\nname = "a"\n')
    b.write_text('extends = "a.toml"\nname = "b"\n')
    for path in (a, b):
        with pytest.raises(ScenarioError) as err:
            load_scenario(path)
        (line,) = err.value.problems
        assert "extends" in line and "cycle" in line
        assert "a.toml" in line and "b.toml" in line
        assert main(["validate", str(path)]) == 2
        assert "cycle" in capsys.readouterr().err


def test_every_problem_in_a_file_is_reported_on_its_own_line(tmp_path):
    path = _write(
        tmp_path,
        "several",
        _child("[combat]\nlethality = nan\nlethalty = 1\n[groups.hired]\nsize = -1\n"),
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    problems = err.value.problems
    assert len(problems) == 3
    for key in ("combat.lethality", "combat.lethalty", "groups.hired.size"):
        assert sum(key + ":" in p for p in problems) == 1, key
    assert all("\n" not in p and path.name in p for p in problems)


def test_overrides_are_validated_like_the_file():
    with pytest.raises(ScenarioError) as err:
        load_scenario(TINY, {"combat.defender_break": 2.0})
    _check_problems(err.value.problems, TINY, ["combat.defender_break"])
    with pytest.raises(ScenarioError) as err:
        load_scenario(TINY, {"combat.lethalty": 0.1})
    _check_problems(err.value.problems, TINY, ["combat.lethalty", "'lethality'"])


def test_a_what_if_file_changes_only_what_it_states(tmp_path):
    path = _write(tmp_path, "what_if", _child("[combat]\nlethality = 0.07  # test assumption\n"))
    child, parent = load_scenario(path), load_scenario(TINY)
    assert child.combat.lethality == 0.07
    assert child.factions == parent.factions and child.roads == parent.roads
    assert child.sha256 != parent.sha256
    assert [Path(f).name for f in child.files] == ["what_if.toml", "tiny.toml"]


def test_validate_reports_each_file_and_fails_if_any_is_bad(tmp_path, capsys):
    bad = _write(tmp_path, "bad", _child("[combat]\nlethality = nan\n"))
    assert main(["validate", str(TINY), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert f"{TINY}: ok" in out
    assert "bad.toml: combat.lethality" in err
    assert main(["validate", str(TINY)]) == 0


# --------------------------------------------------------------------------- cache


def test_a_loaded_scenario_is_frozen_shared_and_reloaded_when_its_file_changes(tmp_path):
    """Loading a file twice gives the one frozen spec; editing the file gives a new one."""
    f = tmp_path / "what_if.toml"
    shutil.copy(TINY, tmp_path / "tiny.toml")
    f.write_text(_child("horizon_weeks = 30\n"), "utf-8")
    first = load_scenario(f)
    assert load_scenario(f) is first  # no re-parse, no copy
    with pytest.raises(ValueError, match="frozen"):
        first.horizon_weeks = 5
    with pytest.raises(ValueError, match="frozen"):
        next(iter(first.factions.values())).fighters = 1.0
    f.write_text(_child("horizon_weeks = 104\n"), "utf-8")  # a new size: mtimes are coarse
    second = load_scenario(f)
    assert second.horizon_weeks == 104 and first.horizon_weeks == 30
    # a changed parent is a changed scenario too
    (tmp_path / "tiny.toml").write_text(Path(TINY).read_text("utf-8") + "\n# edited\n", "utf-8")
    assert load_scenario(f) is not second


def test_plausible_ranges_are_valid_scenarios_and_cover_every_id(libya_path):
    """Both ends of every plausible range load; wildcards expand to the scenario's ids."""
    from sim.scenario import PLAUSIBLE_RANGES, plausible_ranges

    spec = load_scenario(libya_path)
    ranges = plausible_ranges(spec)
    keys = [k for k, _, _ in ranges]
    assert "factions.LNA.fighters" in keys and "factions.GNA.fighters" in keys
    assert "groups.wagner.size" in keys and "backers.turkey.rival_elasticity" in keys
    assert len(keys) == len(set(keys))
    lna = dict((k, (lo, hi)) for k, lo, hi in ranges)["factions.LNA.fighters"]
    assert lna == pytest.approx((0.8 * 25000, 1.2 * 25000))
    for key, low, high in ranges:
        assert low < high, key
        for end in (low, high):
            load_scenario(spec, {key: end})  # raises on a range the schema rejects
    assert all(len(v) == 4 and v[3] for v in PLAUSIBLE_RANGES.values())  # each says why
