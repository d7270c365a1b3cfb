"""Validation: does the model give policy answers with the right sign?

A model used for "what if we sanction the contractor?" must at least move the
war the way its mechanisms say it should: take support away from a side and
that side should do no better; add it and it should do no worse. This module
runs those checks on the Libya 2019 scenario and writes ``docs/validation.md``.

Design:

* **Paired, seeded replications** (common random numbers). Replicate ``i`` of
  every arm uses the seed :func:`sim.experiments.design.replicate_seed` gives it, so a
  difference between two arms is the policy's, not the dice's. Paired
  differences of outcome shares and of numbers use
  :func:`sim.analysis.paired.paired_outcomes` and
  :func:`sim.analysis.paired.paired_interval`
  (Student's t on the per-pair differences); the p-value of a share is the
  exact McNemar test on the discordant pairs (``scipy.stats.binomtest``).
* **One run, many measures.** Every run of an arm is recorded once
  (:class:`RunRecord`: outcome, end week, weekly front, captures, values on the
  calibration dates) and shared by the checks that need it.
* **Verdicts.** ``PASS``: the measured effect has the sign the mechanism
  predicts and is significant at 95 % (or a calibration share reaches its
  target); ``WRONG SIGN``: a significant effect the other way; ``FAIL``:
  neither (no significant effect, a target missed).

Python use::

    from sim.experiments.validation import run_validation, write_report
    report = run_validation(pairs=200, workers=2)
    for r in report.results:
        print(r.section, r.name, r.verdict)
    write_report(report, "docs/validation.md")

Command line: ``python -m sim.experiments.validation [--pairs N] [--workers N] [--seed N]
[--out PATH]`` or ``python run.py validate-model ...``. A run depends only on
its scenario, its seed and the code, so the report is the same for any number
of workers.
Package layout (one module per job): ``settings`` (arms, levels, targets), ``records``
(one run), ``arms`` (paired execution), ``measures`` (statistics and verdicts),
``policy_checks`` and ``model_checks`` (the checks), ``report`` (the suite and
``docs/validation.md``); the command line is
:mod:`sim.cli.validate_model`.
"""

from sim.experiments.validation.arms import Arm, Runs, build_arms, collect
from sim.experiments.validation.measures import (
    CheckResult,
    Measure,
    ValidationReport,
    holm,
    mcnemar_p,
)
from sim.experiments.validation.model_checks import (
    check_calibration,
    check_monotone,
    check_war_can_turn,
)
from sim.experiments.validation.policy_checks import check_stylised_facts, check_what_ifs
from sim.experiments.validation.records import CaptureWatch, RunRecord, run_record, weeks_by
from sim.experiments.validation.report import render, run_validation, summary_lines, write_report
from sim.experiments.validation.settings import (
    BASELINE,
    FAIL,
    LABELS,
    OUT,
    PAIRS,
    PASS,
    SEED,
    VERDICTS,
    WORKERS,
    WRONG,
)

__all__ = [
    "Arm",
    "BASELINE",
    "CaptureWatch",
    "CheckResult",
    "FAIL",
    "LABELS",
    "Measure",
    "OUT",
    "PAIRS",
    "PASS",
    "RunRecord",
    "Runs",
    "SEED",
    "VERDICTS",
    "ValidationReport",
    "WORKERS",
    "WRONG",
    "build_arms",
    "check_calibration",
    "check_monotone",
    "check_stylised_facts",
    "check_war_can_turn",
    "check_what_ifs",
    "collect",
    "holm",
    "mcnemar_p",
    "render",
    "run_record",
    "run_validation",
    "summary_lines",
    "weeks_by",
    "write_report",
]
