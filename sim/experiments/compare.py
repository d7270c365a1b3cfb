"""Policy what-if comparisons: each alternative against a baseline, paired run by run.

An analyst asks "does sanctioning the contractor change the chance that the
capital falls, and by how much?". The answer is a *difference* between two
arms, and its uncertainty is smallest when both arms share their luck:

* **Common random numbers.** All arms run through one sweep
  (:func:`sim.experiments.sweep.run_sweep`), so replicate ``i`` of every arm uses the same
  seed (:func:`sim.experiments.design.replicate_seed`). Inside the model each mechanism
  draws from its own stream (``sim.model.model.Streams``) a fixed number of values a
  week, so a policy that changes one mechanism does not shift the others'
  draws: the paired difference reflects the policy, not the dice.
* **Paired intervals.** For an outcome label ``L`` the per-replicate
  difference is ``d_i = 1[alt_i = L] - 1[base_i = L]``; for a number (war
  duration, casualties, the front distance on a date) it is
  ``d_i = alt_i - base_i``. The interval is for the mean of ``d``.

Interval method (``method``):

``"t"`` (default)
    Student's t interval on the ``d_i`` (``scipy.stats.ttest_1samp(d)
    .confidence_interval()``): the paired-proportion Wald interval with n-1
    degrees of freedom. Why: one method for proportions and numbers,
    deterministic (no resampling noise in a stopping rule), and fast. Its
    coverage is close to nominal once about ten replicates are *discordant*
    (differ between the arms); ``comparison.csv`` reports the discordant
    count and ``comparison.md`` flags rows with fewer than ten.
``"bca"``
    ``scipy.stats.bootstrap`` (BCa, 9,999 resamples, seeded from the root
    seed) on the ``d_i``: no normality assumption, slower.

Degenerate cases: when every ``d_i`` is the same value ``c`` (e.g. an
alternative identical to the baseline, or a policy that changes no
replicate's outcome) the interval is ``[c, c]``: with common random numbers
that means *no replicate changed*. Fewer than two pairs give ``[nan, nan]``.

Adaptive precision (``precision=H``): replications are added in batches
(``--resume`` of the same sweep, so earlier runs are kept) until every
reported probability difference has a 95 % half-width ``<= H`` or
``max_reps`` is reached (a zero-width interval counts as ``3 / n``, the rule
of three, so that a handful of unchanged pairs does not stop the batches).
The next batch size comes from the ``1/sqrt(n)`` law:
``n * (half_width / H)**2`` with a 10 % margin, at most four times the
current size. Looking at the data between batches is a sequential procedure
(Chow-Robbins fixed-width intervals): its coverage is nominal as ``H`` gets
small, slightly below for coarse ``H``.

Files written in ``out``: ``arms/`` (the sweep of all arms: ``runs.csv``,
``front_series.csv``, ``summary.csv``, ``front.csv``, its ``manifest.json``),
``comparison.csv`` (contract columns first), ``differences.csv`` (numbers and
time-limited probabilities), ``comparison.md``, the figures and
``manifest.json``; in a war on sides also ``objective_differences.csv`` (each
faction's front at the horizon, paired: :mod:`sim.experiments.compare_objectives`).

Python use (a notebook)::

    from sim.experiments.compare import compare
    res = compare("libya_2019.toml", ["libya_wagner_sanctions.toml"], reps=500, seed=1)
    res.table          # comparison.csv
    res.differences    # differences.csv
    for line in res.headlines():
        print(line)
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.paired import CONTRACT_COLUMNS as CONTRACT_COLUMNS  # re-exported: its old home
from sim.analysis.paired import METHODS, headline, pair_runs
from sim.analysis.paired import exact_p as exact_p  # re-exported: its old home
from sim.analysis.paired import holm as holm  # re-exported: its old home
from sim.analysis.paired import paired_interval as paired_interval  # re-exported: its old home
from sim.analysis.paired import paired_outcomes as paired_outcomes  # re-exported: its old home
from sim.experiments.compare_objectives import OBJECTIVE_DIFFERENCE_COLUMNS, objective_differences
from sim.experiments.comparison_rows import OutcomeRow
from sim.experiments.design import horizon_of, load_specs
from sim.experiments.faults import (
    folder_lock,
    read_manifest,
    refuse_other_run,
)
from sim.experiments.manifest import MANIFEST_FILE, sweep_design, sweep_identity, write_json_atomic
from sim.experiments.pairing import (
    analyse_pairs,
    default_weeks,
    max_half_width_of,
    same_start,
    weeks_for_dates,
)
from sim.experiments.sweep import SweepResult, output_dir, run_sweep
from sim.scenario import ScenarioSpec

ARMS_DIR = "arms"
COMPARISON_FILE = "comparison.csv"
DIFFERENCES_FILE = "differences.csv"
REPORT_FILE = "comparison.md"
FIGURES = {
    "outcomes": "comparison_outcomes.png",
    "forest": "comparison_forest.png",
    "front": "comparison_fan.png",
    "survival": "comparison_survival.png",
}
#: drawn only for a war on sides: each faction's own front, one row of panels per arm
OBJECTIVES_FIGURE = "comparison_objectives_fan.png"
#: written only for a war on sides: each faction's front at the horizon, paired
OBJECTIVE_DIFFERENCES_FILE = "objective_differences.csv"
#: drawn only for a war on sides: the rows of OBJECTIVE_DIFFERENCES_FILE as a forest
OBJECTIVES_FOREST_FIGURE = "comparison_objectives_forest.png"


# -- the result -------------------------------------------------------------------------


@dataclass
class ComparisonResult:
    """What a finished comparison produced.

    Attributes:
        out: the output folder (a temporary one when ``compare(out=None)``).
        baseline: the baseline's label (its scenario name).
        alternatives: the alternatives' labels.
        specs: the loaded scenarios by label.
        reps: replicates per arm (after adaptive precision, the final number).
        seed: root seed; replicate ``i`` of every arm has seed ``replicate_seed(seed, i)``.
        weeks: horizon override, if any.
        table: ``comparison.csv`` (paired differences of outcome probabilities).
        differences: ``differences.csv`` (numbers and time-limited probabilities).
        sweep: the underlying :class:`sim.experiments.sweep.SweepResult` (all arms).
        rounds: adaptive-precision batches: reps, runs and the largest half-width.
        precision: the half-width target, if any.
        method: the interval method.
        at_weeks: weeks at which the front and time-limited outcomes were compared.
        front_mean: each arm's weekly mean front distance (``scenario, week, date, mean``).
        objective_differences: in a war on sides, each faction's front at the horizon,
            paired (``objective_differences.csv``); empty otherwise.
        elapsed: wall time (s).
        figures: figure key -> path.
    """

    out: Path
    baseline: str
    alternatives: list[str]
    specs: dict[str, ScenarioSpec]
    reps: int
    seed: int
    weeks: int | None
    table: pd.DataFrame
    differences: pd.DataFrame
    sweep: SweepResult
    rounds: list[dict[str, Any]]
    precision: float | None
    method: str
    at_weeks: list[int]
    front_mean: pd.DataFrame = field(default_factory=pd.DataFrame)
    objective_differences: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=OBJECTIVE_DIFFERENCE_COLUMNS)
    )
    elapsed: float = 0.0
    figures: dict[str, Path] = field(default_factory=dict)
    _tmp: Any = field(default=None, repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        """Each arm's outcome probabilities with Wilson intervals (the sweep's summary)."""
        return self.sweep.summary

    @property
    def failures(self) -> int:
        """Replications that raised (left out of the pairs)."""
        return int(self.sweep.failures)

    @property
    def runs(self) -> int:
        """Replications on disk, all arms."""
        return self.reps * (1 + len(self.alternatives))

    @property
    def max_half_width(self) -> float:
        """The largest 95 % half-width of a probability difference (zero widths as 3/n)."""
        return max_half_width_of(self.table, self.differences)

    @property
    def converged(self) -> bool:
        """Whether the precision target (if any) was met."""
        return self.precision is None or self.max_half_width <= self.precision

    def pairs(self, alternative: str) -> pd.DataFrame:
        """The per-replicate pairs of one alternative with the baseline (``_base``/``_alt``)."""
        return pair_runs(self.sweep.runs, self.baseline, alternative)

    def headlines(self, significant_only: bool = False) -> list[str]:
        """One sentence per alternative and outcome, the way an analyst would say it."""
        out = []
        for r in OutcomeRow.of(self.table):
            if significant_only and not r.significant:
                continue
            out.append(headline(asdict(r)))
        return out


# -- adaptive precision ---------------------------------------------------------------------


def next_reps(n: int, half_width: float, target: float, max_reps: int) -> int:
    """Replicates for the next batch, from the ``1/sqrt(n)`` law with a 10 % margin.

    At least 10 more than now (and a quarter more), at most four times as many
    and never more than ``max_reps``; rounded up to a multiple of 10.
    """
    want = n * (half_width / target) ** 2 * 1.1 if target > 0 else 4 * n
    step = max(10, math.ceil(n / 4))
    new = min(max(want, n + step), 4 * n)
    new = int(math.ceil(new / 10) * 10)
    return int(min(max_reps, max(new, n + 1)))


# -- the comparison -----------------------------------------------------------------------


def compare(
    baseline: str | Path | ScenarioSpec,
    alternatives: str | Path | ScenarioSpec | Sequence[str | Path | ScenarioSpec],
    reps: int = 100,
    seed: int = 0,
    out: str | Path | None = None,
    workers: int | None = None,
    precision: float | None = None,
    max_reps: int = 2000,
    weeks: int | None = None,
    progress: bool = True,
    *,
    at_dates: Sequence[str | dt.date] | None = None,
    overrides: Mapping[str, Any] | None = None,
    method: str = "t",
    confidence: float = 0.95,
    executor: str = "auto",
    scheduler: str | None = None,
    resume: bool = False,
    report: bool = True,
    ensemble: Sequence[Mapping[str, Any]] | None = None,
    force: bool = False,
) -> ComparisonResult:
    """Compare each alternative with the baseline, paired replicate by replicate.

    Args:
        baseline: the baseline scenario (file or loaded spec).
        alternatives: one or more what-if scenarios.
        reps: replicates per arm (the first batch when ``precision`` is given).
        seed: root seed; replicate ``i`` of every arm uses the same seed.
        out: output folder; None for a temporary one (no figures or report).
        workers: worker processes (default: the CPU count).
        precision: target 95 % half-width of every probability difference;
            replicates are added in batches until it is met or ``max_reps``.
        max_reps: the most replicates per arm that ``precision`` may use.
        weeks: horizon overriding every scenario's ``horizon_weeks``.
        progress: show the sweep's progress bar.
        at_dates: dates at which the front (and outcomes so far) are compared,
            besides the horizon; default: one year after the start.
        overrides: ``{"dotted.key": value}`` applied to every arm.
        method: interval method, ``"t"`` or ``"bca"`` (see the module docstring).
        confidence: interval level.
        executor: see :func:`sim.experiments.executors.open_backend`.
        scheduler: a Dask scheduler address.
        resume: keep the arms' runs already in ``out/arms`` (same design).
        report: write the figures and ``comparison.md`` (when ``out`` is given).
        ensemble: calibrated parameter sets; replicate ``i`` runs set ``i mod M``
            (the same set in every arm or design point, so pairing holds).
        force: start afresh even when ``out`` holds a different run.

    Raises:
        ScenarioError: a scenario or override is invalid.
        ValueError: bad arguments (two arms with one name, a date outside the runs, ...).
        StoreError: ``resume`` into a folder holding a different comparison.
        SweepInterrupted: Ctrl-C; the finished runs are on disk in ``out/arms``.
    """
    started = time.perf_counter()
    if isinstance(alternatives, str | Path | ScenarioSpec):
        alternatives = [alternatives]
    alternatives = list(alternatives)
    if not alternatives:
        raise ValueError("alternatives: expected at least one what-if scenario, found none")
    if method not in METHODS:
        raise ValueError(f"--interval: expected one of {', '.join(METHODS)}, found {method!r}")
    if precision is not None and not 0 < precision < 1:
        raise ValueError(f"--precision: expected a half-width between 0 and 1, found {precision}")
    if precision is not None and max_reps < reps:
        raise ValueError(f"--max-reps: expected at least --reps ({reps}), found {max_reps}")
    specs = load_specs([baseline, *alternatives], overrides)
    labels = list(specs)
    base, alts = labels[0], labels[1:]
    horizon = min(horizon_of(s, weeks) for s in specs.values())
    same_start(specs)
    at_weeks = (
        sorted({*weeks_for_dates(at_dates, specs, horizon), horizon})
        if at_dates
        else default_weeks(horizon)
    )

    out_dir, tmp, report = output_dir(out, "proxywar-compare-", report)
    with folder_lock(out_dir, "compare"):
        # the arms' own check would refuse a rerun with --precision (more reps on file)
        force = force or (
            not resume and _same_comparison(out_dir, specs, seed, weeks, overrides, reps, precision)
        )
        if not resume:
            for name in [
                COMPARISON_FILE,
                DIFFERENCES_FILE,
                REPORT_FILE,
                *FIGURES.values(),
                OBJECTIVES_FIGURE,
                OBJECTIVE_DIFFERENCES_FILE,
                OBJECTIVES_FOREST_FIGURE,
            ]:
                (out_dir / name).unlink(missing_ok=True)

        rounds: list[dict[str, Any]] = []
        n = int(reps)
        while True:
            t0 = time.perf_counter()
            sweep = run_sweep(
                list(specs.values()),
                reps=n,
                seed=seed,
                out=out_dir / ARMS_DIR,
                workers=workers,
                executor=executor,
                resume=resume or bool(rounds),
                force=force,
                weeks=weeks,
                progress=(
                    f"compare: {base} + {len(alts)} what-if(s)"
                    + (f", batch {len(rounds) + 1} to {n} reps" if precision is not None else "")
                    if progress
                    else False
                ),
                scheduler=scheduler,
                report=False,
                ensemble=ensemble,
            )
            table, differences, front_mean = analyse_pairs(
                sweep, base, alts, at_weeks, confidence, method
            )
            hw = max_half_width_of(table, differences)
            rounds.append(
                {
                    "reps": n,
                    "runs": n * len(labels),
                    "executed": sweep.executed,
                    "max_half_width": hw,
                    "seconds": round(time.perf_counter() - t0, 2),
                }
            )
            if precision is None or not np.isfinite(hw) or hw <= precision or n >= max_reps:
                break
            n = next_reps(n, hw, precision, max_reps)

        result = ComparisonResult(
            out=out_dir,
            baseline=base,
            alternatives=alts,
            specs=specs,
            reps=n,
            seed=int(seed),
            weeks=weeks,
            table=table,
            differences=differences,
            sweep=sweep,
            rounds=rounds,
            precision=precision,
            method=method,
            at_weeks=list(at_weeks),
            front_mean=front_mean,
            # not in the precision loop: only probability differences stop the batches
            objective_differences=objective_differences(
                out_dir / ARMS_DIR,
                sweep.runs,
                specs,
                base,
                alts,
                horizon,
                confidence,
                method,
                sweep.seed,
            ),
            _tmp=tmp,
        )
        table.to_csv(out_dir / COMPARISON_FILE, index=False, float_format="%.6g")
        differences.to_csv(out_dir / DIFFERENCES_FILE, index=False, float_format="%.6g")
        if len(result.objective_differences):
            result.objective_differences.to_csv(
                out_dir / OBJECTIVE_DIFFERENCES_FILE, index=False, float_format="%.6g"
            )
        _write_manifest(result, max_reps, confidence)
        if report:
            # the report's module imports matplotlib: only when there is a report to write
            from sim.experiments.compare_report import write_figures, write_report

            result.figures = write_figures(result, overrides)
            write_report(result)
        result.elapsed = time.perf_counter() - started
        return result


def _same_comparison(
    out: Path,
    specs: Mapping[str, ScenarioSpec],
    seed: int,
    weeks: int | None,
    overrides: Mapping[str, Any] | None,
    reps: int,
    precision: float | None,
) -> bool:
    """Whether ``out`` holds this very comparison (True), nothing yet (False), or refuse.

    Raises:
        OtherRunError: ``out`` holds another command's or another comparison's results.
    """
    old = read_manifest(out / MANIFEST_FILE)
    if old is None:
        return False
    have = sweep_identity(old)
    rounds = old.get("rounds") or [{}]
    have.update(reps=rounds[0].get("reps", old.get("reps")), precision=old.get("precision"))
    design = sweep_design(specs, seed, weeks, dict(overrides or {}))
    wanted = sweep_identity({"command": "compare", **design, "reps": int(reps)})
    wanted["precision"] = precision
    refuse_other_run(out, have, wanted)
    return True


def _write_manifest(res: ComparisonResult, max_reps: int, confidence: float) -> Path:
    """``manifest.json``: the comparison's design plus the arms' sweep manifest."""
    arms = json.loads((res.out / ARMS_DIR / MANIFEST_FILE).read_text("utf-8"))
    files = {
        "arms": f"{ARMS_DIR}/ (a sweep folder: runs.csv, front_series.csv, summary.csv, ...)",
        "comparison": COMPARISON_FILE,
        "differences": DIFFERENCES_FILE,
        "report": REPORT_FILE,
    }
    if len(res.objective_differences):  # a war on sides only: two-faction manifests unchanged
        files["objective_differences"] = OBJECTIVE_DIFFERENCES_FILE
    manifest = {
        "command": "compare",
        "baseline": res.baseline,
        "alternatives": res.alternatives,
        "reps": res.reps,
        "seed": res.seed,
        "weeks": res.weeks,
        "pairing": "replicate i of every arm uses the same seed (common random numbers); "
        "the model draws from separate per-mechanism streams (sim.model.model.Streams)",
        "interval": {
            "method": res.method,
            "confidence": confidence,
            "description": (
                "Student's t on the per-replicate differences (scipy.stats.ttest_1samp)"
                if res.method == "t"
                else "BCa bootstrap of the mean per-replicate difference (scipy.stats.bootstrap)"
            ),
        },
        "precision": res.precision,
        "max_reps": max_reps if res.precision is not None else None,
        "rounds": res.rounds,
        "converged": res.converged,
        "at_weeks": res.at_weeks,
        "at_dates": [res.specs[res.baseline].date_of(w).isoformat() for w in res.at_weeks],
        "files": files,
        "failures": res.failures,
    }
    for key in ("scenarios", "overrides", "seeding", "first_seeds", "packages", "code"):
        manifest[key] = arms.get(key)
    path = res.out / MANIFEST_FILE
    write_json_atomic(path, manifest)
    return path
