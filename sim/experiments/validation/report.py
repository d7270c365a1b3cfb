"""The whole suite and its report (``docs/validation.md``)."""

from __future__ import annotations

import datetime as dt
import platform
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sim.experiments.manifest import git_revision
from sim.experiments.validation.arms import NO_WAGNER, Runs, collect
from sim.experiments.validation.measures import CheckResult, ValidationReport
from sim.experiments.validation.model_checks import (
    check_calibration,
    check_monotone,
    check_war_can_turn,
)
from sim.experiments.validation.policy_checks import check_stylised_facts, check_what_ifs
from sim.experiments.validation.settings import (
    FAIL,
    OUT,
    PAIRS,
    PASS,
    ROOT,
    SEED,
    VERDICTS,
    WORKERS,
    WRONG,
)

# -- the whole suite ------------------------------------------------------------------------

SECTIONS = {
    "what-ifs": "1. Libya what-ifs against the baseline",
    "stylised facts": "2. Stylised facts",
    "monotone": "3. Monotone in the LNA's strength",
    "war can turn": "4. A war can turn",
    "calibration": "5. Calibration targets (known by 5 December 2019)",
}
CHECKS: tuple[Callable[[Runs], list[CheckResult]], ...] = (
    check_what_ifs,
    check_stylised_facts,
    check_monotone,
    check_war_can_turn,
    check_calibration,
)


def run_validation(
    pairs: int = PAIRS,
    workers: int = WORKERS,
    seed: int = SEED,
    level_runs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Run every arm once, then every check on the shared runs."""
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    runs = collect(pairs, seed, workers, level_runs, progress)
    results = [r for check in CHECKS for r in check(runs)]
    return ValidationReport(
        results=results,
        pairs=pairs,
        level_runs=runs.level_runs,
        seed=seed,
        workers=workers,
        seconds=time.perf_counter() - t0,
        started=started,
        revision=git_revision(),
        arms={label: a.origin for label, a in runs.arms.items()},
    )


# -- the report ---------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def results_table(results: Sequence[CheckResult]) -> list[str]:
    """A markdown table, one row per check (its measures one per line within the row)."""
    lines = [
        "| Check | The mechanism says | Measured (95 % interval) | p (test) | Pairs / runs "
        "| Verdict |",
        "|---|---|---|---|---:|---|",
    ]
    for r in results:
        measured = "<br>".join(
            _cell(m.value_text()) + ("" if m.decides else " *(context)*") for m in r.measures
        )
        ps = "<br>".join(_cell(m.p_text()) for m in r.measures)
        verdict = f"**{r.verdict}**"
        lines.append(
            f"| {_cell(r.name)} | {_cell(r.expectation)} | {measured or 'n/a'} | {ps} | "
            f"{r.pairs} | {verdict} |"
        )
    return lines


def _not_passing(results: Sequence[CheckResult]) -> list[str]:
    """A short list of the checks that do not pass, for the top of the report."""
    bad = [r for r in results if r.verdict != PASS]
    if not bad:
        return []
    lines = ["Not passing:", ""]
    lines += [f"* **{r.verdict}** ({r.section}): {_cell(r.name)}" for r in bad]
    return [*lines, ""]


def render(report: ValidationReport) -> str:
    """``docs/validation.md``: the tables, how to read them, how to reproduce them."""
    rev = report.revision.get("git_revision") or "unknown"
    dirty = " (with uncommitted changes to `sim/`)" if report.revision.get("dirty") else ""
    counts = {v: sum(r.verdict == v for r in report.results) for v in VERDICTS}
    mins = report.seconds / 60
    out = [
        "# Validation: does the model give policy answers with the right sign?",
        "",
        f"Generated {report.started:%Y-%m-%d %H:%M} UTC from commit `{rev[:12]}`{dirty} by "
        f"`python -m sim.experiments.validation --pairs {report.pairs} --seed {report.seed} "
        f"--workers {report.workers}` in {mins:.1f} minutes "
        f"(Python {platform.python_version()}).",
        "",
        f"**{counts[PASS]} PASS, {counts[FAIL]} FAIL, {counts[WRONG]} WRONG SIGN** "
        f"out of {len(report.results)} checks; {report.pairs} pairs per paired check, "
        f"{report.level_runs} runs per level of a monotonicity check, root seed {report.seed}.",
        "",
        *_not_passing(report.results),
        "## How to read this",
        "",
        "* **Paired replications (common random numbers).** Replicate *i* of every arm runs "
        "with the same seed (`sim.experiments.sweep.replicate_seed(seed, i)`), and each "
        "mechanism draws "
        "from its own random stream, so a difference between two arms is the policy's, not "
        "the dice's. Differences are *alternative minus baseline*.",
        "* **Intervals.** 95 %: paired Student's t on the per-pair differences for shares and "
        "numbers (`sim.analysis.paired.paired_interval`); Wilson for a share of runs; exact "
        "(Clopper-Pearson) for the hazard ratio; order statistics for a median.",
        "* **p-values.** Exact McNemar test on the discordant pairs for a paired share "
        "(`only base/only alternative` pairs are shown); paired t for a number; exact binomial "
        "against the target for a calibration share (small p: the model falls short of it); "
        "Kendall τ-b for a trend. Significant means p < 0.05.",
        "* **Verdicts.** PASS: significant in the direction the mechanism predicts (or the "
        "target reached); WRONG SIGN: significant the other way; FAIL: neither. Rows marked "
        "*(context)* are shown but do not decide the verdict.",
        "* **Outcomes.** `victory:LNA`, `victory:GNA`, `ceasefire`, `stalemate` (no decision "
        "by the 104-week horizon). *Front*: road distance (km) from central Tripoli to the "
        "nearest LNA-held place; 0 when the LNA holds Tripoli. *At the horizon*: in week 104, "
        "or where the run ended if earlier. *War duration*: the end week, capped at 104.",
        "* **Dates.** A value on a date is the state at the end of the last week finished "
        "by then (week 13 for 4 July 2019, week 21 for 31 August, week 35 for 5 December, "
        "week 38 for 31 December 2019; week 1 ends 11 April 2019). A run that ended "
        "earlier keeps its final state.",
        "",
    ]
    for sec, title in SECTIONS.items():
        rows = [r for r in report.results if r.section == sec]
        if not rows:
            continue
        out += [f"## {title}", "", *results_table(rows), ""]
        notes = [f"* {r.name}: {r.note}" for r in rows if r.note]
        if notes:
            out += ["Notes:", "", *notes, ""]
    out += [
        "## The arms",
        "",
        "| Arm | Made from | Runs |",
        "|---|---|---:|",
    ]
    for label, origin in report.arms.items():
        runs = (
            report.pairs
            if not label.startswith(("libya_lna_fighters_", "libya_wagner_size_"))
            else report.level_runs
        )
        out.append(f"| `{label}` | {_cell(origin)} | {runs} |")
    out += [
        f"| `{NO_WAGNER}` | baseline with `groups.wagner.size = 0` (lockstep partner of "
        f"fact 3) | {report.pairs} |",
        "",
        "## How to reproduce",
        "",
        "```sh",
        f"python -m sim.experiments.validation --pairs {report.pairs} --seed {report.seed} "
        f"--workers {report.workers} --out docs/validation.md",
        f"python run.py validate-model --pairs {report.pairs} --seed {report.seed}   # the same",
        "pytest tests/test_validity.py   # the same checks as tests (VALIDATION_PAIRS pairs)",
        "```",
        "",
        "The results depend only on the code, the scenarios and the seed: any number of "
        "workers gives the same report (apart from the date and the run time).",
        "",
    ]
    return "\n".join(out)


def write_report(report: ValidationReport, out: str | Path = OUT) -> Path:
    """Write the markdown report (its folder is created)."""
    path = Path(out)
    if not path.is_absolute() and not path.parent.exists() and (ROOT / path.parent).exists():
        path = ROOT / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report), encoding="utf-8")
    return path


def summary_lines(report: ValidationReport) -> Iterator[str]:
    """One line per check, for the terminal."""
    width = max(len(r.key) for r in report.results)
    for r in report.results:
        yield f"{r.verdict:<10}  {r.key:<{width}}  " + "; ".join(
            m.value_text() for m in r.measures if m.decides
        )
