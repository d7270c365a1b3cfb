"""The scenario library: every file valid, described, sourced, and doing what it says.

Conventions checked here (see the issue "scenario library"):

- every file in ``scenarios/`` validates and has a one-line ``description``;
- every what-if ``extends`` a baseline (``libya_2019.toml`` or one of the
  teaching theatres), opens with a header comment that states its question, and changes
  something: its loaded scenario differs from its parent's;
- every line that assigns a number or a date carries a ``#`` comment that names
  its source or says ``assumption``/``tuned``;
- every dated intervention fires in the week of its date;
- ``python run.py list`` and ``python run.py validate`` show them all.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sim import ProxyWarModel, load_scenario
from sim.cli import main
from sim.scenario import SCENARIO_DIR

ROOT = SCENARIO_DIR.parent
FILES = sorted(SCENARIO_DIR.glob("*.toml"))
BASELINES = {
    "libya_2019.toml",
    "teaching_line.toml",
    "teaching_port_city.toml",
    "yemen_2015.toml",
}
WHAT_IFS = [f for f in FILES if f.name not in BASELINES]
REQUIRED = [
    "libya_2019.toml",
    "libya_wagner_sanctions.toml",
    "libya_wagner_withdrawal.toml",
    "libya_uae_drones_halt.toml",
    "libya_france_egypt_step_back.toml",
    "libya_embargo_enforced.toml",
    "libya_berlin_conference.toml",
    "libya_turkey_surge.toml",
    "libya_no_foreign_support.toml",
    "teaching_line.toml",
]


def ids(files: list[Path]) -> list[str]:
    return [f.name for f in files]


def test_the_library_has_the_required_files():
    names = {f.name for f in FILES}
    assert set(REQUIRED) <= names
    assert len(FILES) >= 8


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_every_file_validates_and_has_a_description(path):
    spec = load_scenario(path)
    assert spec.description.strip() and "\n" not in spec.description
    assert spec.name == path.stem


def _parent(path: Path) -> Path | None:
    ext = tomllib.loads(path.read_text("utf-8")).get("extends")
    return (path.parent / ext).resolve() if ext else None


def _comparable(path: Path) -> dict:
    skip = {"name", "description", "source", "sha256", "files"}
    return load_scenario(path).model_dump(exclude=skip)


@pytest.mark.parametrize("path", WHAT_IFS, ids=ids(WHAT_IFS))
def test_every_what_if_extends_a_baseline_and_changes_something(path):
    parent = _parent(path)
    assert parent is not None, f"{path.name} does not extend a baseline"
    root = parent
    while _parent(root) is not None:
        root = _parent(root)
    assert root.name in BASELINES
    assert _comparable(path) != _comparable(parent)


@pytest.mark.parametrize("path", WHAT_IFS, ids=ids(WHAT_IFS))
def test_every_what_if_opens_with_a_header_that_states_its_question(path):
    lines = path.read_text("utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    assert len(header) >= 3, f"{path.name}: expected a header comment of a few lines"
    assert "question" in " ".join(header).lower(), f"{path.name}: header states no question"


# --------------------------------------------------------------------------- sources

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
_NUMBER = re.compile(r"(?<![\w.-])[-+]?(?:\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?|inf|nan)(?![\w])")
_HEADER = re.compile(r"^\[\[?[\w.\"' -]+\]\]?$")
_PLACEHOLDER = {"todo", "tbd", "fixme", "xxx", "source", "sources", "ref", "citation", "check"}


def unsourced_lines(text: str) -> list[tuple[int, str]]:
    """Lines that assign a number or date (or list one) without a sourcing comment.

    A comment counts when it has a word of three or more letters that is not a
    placeholder such as TODO or "source" alone; "assumption" and "tuned" are the
    usual words, otherwise the comment names its source (the seed article, a
    report, a gazetteer ...).
    """
    bad = []
    for no, line in enumerate(text.splitlines(), start=1):
        code = _STRING.sub('""', line)
        code, hash_, comment = code.partition("#")
        if hash_:  # recover the comment from the original line (strings may hold '#')
            comment = line[len(line) - len(comment) :]
        stripped = code.strip()
        if not stripped or _HEADER.match(stripped):
            continue  # blank, comment-only, or a table header such as [places.p1]
        value = stripped.split("=", 1)[1] if "=" in stripped else stripped
        if not _NUMBER.search(value):
            continue
        words = [w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]{3,}", comment)]
        if not [w for w in words if w not in _PLACEHOLDER]:
            bad.append((no, line))
    return bad


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_every_number_says_where_it_comes_from(path):
    bad = unsourced_lines(path.read_text("utf-8"))
    assert not bad, "\n".join(f"{path.name}:{no}: {line}" for no, line in bad)


def test_the_source_check_catches_what_it_should():
    text = "\n".join(
        [
            "# a header with 12 in it",
            'name = "Route 66"',
            "[places.p1]",
            "fighters = 25000",
            "morale = 0.6  # TODO",
            "quality = 1.0  # assumption",
            "start_date = 2019-04-04  # seed article",
            "value = { capital = 1.0 }",
            '    ["a", "b", 10],',
            '    ["a", "c", 10],  # road atlas',
            "veto = true",
            "at = 2020-01-01",
        ]
    )
    assert [no for no, _ in unsourced_lines(text)] == [4, 5, 8, 9, 12]


# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize("path", WHAT_IFS, ids=ids(WHAT_IFS))
def test_dated_interventions_fire_in_the_week_of_their_date(path):
    spec = load_scenario(path)
    m = ProxyWarModel(spec, rng=0, collect=False)
    m.run()
    for iv in m.interventions:
        due = iv.week()
        if due is None or due > m.week:
            continue  # conditional, or the war ended first
        assert iv.fired_week == due, (iv.label(), iv.fired_week, due)
        text = f"{iv.spec.type}: {iv.spec.description}" if iv.spec.description else iv.label()
        assert (due, text) in m.events_log


# --------------------------------------------------------------------------- command line


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_list_shows_every_scenario_with_its_description():
    out = _cli("list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for f in FILES:
        spec = load_scenario(f)
        row = [ln for ln in lines if ln.split()[0] == f.name]
        assert len(row) == 1 and spec.description in row[0]


def test_validate_accepts_the_whole_library_with_one_summary_line_each(capsys):
    status = main(["validate", *[str(f) for f in FILES]])
    out = capsys.readouterr()
    assert status == 0, out.err
    lines = out.out.splitlines()
    assert len(lines) == len(FILES)
    for f, line in zip(FILES, lines, strict=True):
        assert line.startswith(f"{f}: ok:")
        assert "places" in line and "interventions" in line and "backers" in line
    assert out.err == ""


def test_validate_reports_each_problem_on_its_own_line_with_exit_status_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'extends = "{}"\nname = "bad"\n[factions.RED]\nfightrs = 1\nmorale = 1.5\n'
        '[[interventions]]\ntype = "sanction"\ngroup = "contractors"\nweek = 3\n'
        "financial = -0.2\n".format((SCENARIO_DIR / "teaching_line.toml").as_posix()),
        encoding="utf-8",
    )
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    good = SCENARIO_DIR / "teaching_line.toml"
    out = _cli("validate", str(good), str(bad), str(empty))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stdout.count(": ok:") == 1
    errors = out.stderr.splitlines()
    assert errors == [
        f"{bad}: factions.RED.morale: expected a number in [0, 1], found 1.5",
        f"{bad}: factions.RED.fightrs: unknown key (did you mean 'fighters'?)",
        f"{bad}: interventions.0.financial: expected a number in [0, 1], found -0.2",
        f"{empty}: expected a TOML scenario, found an empty file",
    ]
