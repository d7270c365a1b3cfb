"""The figures and ``report.md`` of a finished sweep.

Why a separate module: the sweep itself only needs the store and the
analysis; matplotlib is imported here, once the runs are done, and a notebook
can call :func:`write_report` again on a :class:`sim.experiments.sweep.SweepResult`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis import summaries as analysis
from sim.analysis.tables import md_table
from sim.experiments import objectives

if TYPE_CHECKING:
    from sim.experiments.sweep import SweepResult


def write_figures(res: SweepResult) -> dict[str, Path]:
    """Draw the sweep's figures into its folder; returns figure key -> path."""
    from sim.experiments.sweep import FIGURES
    from sim.viz import plots

    out = res.out
    objective = None
    if res.specs:
        first = next(iter(res.specs.values()))
        objective = first.front.objective
    paths = {k: out / name for k, name in FIGURES.items()}
    sets = plots.manifest_overrides(out)  # --set overrides go into every title
    common = {"specs": res.specs, "overrides": sets}
    plots.plot_outcome_probabilities(res.summary, paths["outcomes"], weeks=res.weeks, **common)
    if len(res.front):
        plots.plot_front_fan(res.front, paths["front"], objective=objective, **common)
    else:
        paths.pop("front")
    if len(res.survival):
        plots.plot_survival(res.survival, paths["survival"], weeks=res.weeks, **common)
    else:
        paths.pop("survival")
    plots.plot_stalemate_durations(res.stalemates, paths["stalemates"], overrides=sets)
    table = objectives.load_objective_quantiles(out)  # wars on sides only
    if table is not None and len(table):
        paths["objectives"] = out / objectives.OBJECTIVES_FIGURE
        plots.plot_objective_fans(table, paths["objectives"], overrides=sets)
    return paths


def _fmt_p(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{x:.3f}"


#: where ``sweep --ensemble`` puts the point-estimate sweep it runs beside the ensemble
POINT_ESTIMATE_DIR = "point_estimate"


def _ensemble_lines(res: SweepResult, manifest: dict) -> list[str]:
    """Say that the probabilities carry parameter uncertainty; show the point estimate beside."""
    ens = manifest.get("ensemble")
    if not ens:
        return []
    lines = [
        "## Parameter uncertainty",
        "",
        f"These probabilities **include parameter uncertainty**: replicate *i* ran with "
        f"parameter set *i* mod {ens['members']} of a calibrated ensemble (`manifest.json`: "
        "ensemble), the same set in every scenario, so the runs still pair. Their intervals "
        "cover the dice and what the calibration left uncertain.",
        "",
    ]
    point = res.out / POINT_ESTIMATE_DIR / "summary.csv"
    if point.exists():
        p = pd.read_csv(point)
        both = res.summary.merge(p, on=["scenario", "outcome"], how="outer", suffixes=("", "_pt"))
        t = pd.DataFrame(
            {
                "scenario": both["scenario"],
                "outcome": both["outcome"],
                "point estimate": [
                    "–" if pd.isna(v) else f"{v:.3f} [{lo:.3f}, {hi:.3f}]"
                    for v, lo, hi in zip(
                        both["probability_pt"], both["ci_low_pt"], both["ci_high_pt"], strict=True
                    )
                ],
                "ensemble": [
                    "–" if pd.isna(v) else f"{v:.3f} [{lo:.3f}, {hi:.3f}]"
                    for v, lo, hi in zip(
                        both["probability"], both["ci_low"], both["ci_high"], strict=True
                    )
                ],
            }
        )
        lines += [
            "Beside the point-estimate run (the scenario files' own values, same seeds, "
            f"`{POINT_ESTIMATE_DIR}/`):",
            "",
            md_table(t),
            "",
        ]
    return lines


def outcome_markdown(summary: pd.DataFrame) -> str:
    """The outcome table with probabilities and intervals, as markdown."""
    t = pd.DataFrame(
        {
            "scenario": summary["scenario"],
            "outcome": summary["outcome"],
            "runs": [f"{k}/{n}" for k, n in zip(summary["runs"], summary["total"], strict=True)],
            "probability": summary["probability"].map(_fmt_p),
            "95 % CI": [
                "" if pd.isna(lo) else f"{lo:.3f} – {hi:.3f}"
                for lo, hi in zip(summary["ci_low"], summary["ci_high"], strict=True)
            ],
        }
    )
    return md_table(t)


def _objectives_section(res: SweepResult, figs: dict[str, str]) -> list[str]:
    """Each faction's front in a war on sides (nothing for two-faction sweeps)."""
    table = objectives.load_objective_quantiles(res.out)
    if table is None or not len(table):
        return []
    rows = []
    for (s, _), sub in table.groupby(["scenario", "objective"], sort=False):
        first, last = sub.iloc[0], sub.iloc[-1]
        rows.append(
            {
                "scenario": s,
                "objective": str(first["objective_name"]),
                "start (km)": _km(first["q50"]),
                "end, median (km)": _km(last["q50"]),
                "end, 90 % of runs (km)": f"{_km(last['q05'])} – {_km(last['q95'])}",
                "at war at the end": f"{100 * float(last['at_war']):.0f} %",
            }
        )
    lines = [
        "### Each faction's front",
        "",
        "A war of three or more factions has one front per faction: the road distance from "
        "its seat of power to the nearest place held by a faction at war with it "
        "(`front_objectives.csv`; objective `home:<FACTION>`). Quantiles are over the runs "
        "in which the faction still stands and some faction is at war with it; the last column "
        "says in how many runs that is so at the end (it falls as factions fall or settle).",
        "",
        md_table(pd.DataFrame(rows)),
        "",
    ]
    if "objectives" in figs:
        lines += [f"![Each faction's front]({figs['objectives']})", ""]
    return lines


def _km(x: object) -> str:
    v = float(x)  # type: ignore[arg-type]
    return "n/a" if np.isnan(v) else f"{v:.0f}"


def _front_table(res: SweepResult) -> str:
    rows = []
    for s in res.scenarios:
        sub = res.front[res.front["scenario"] == s]
        if not len(sub):
            continue
        last = sub.iloc[-1]
        first = sub.iloc[0]
        rows.append(
            {
                "scenario": s,
                "start (km)": f"{first['q50']:.0f}",
                "horizon date": last["date"],
                "median (km)": f"{last['q50']:.0f}",
                "50 % band (km)": f"{last['q25']:.0f} – {last['q75']:.0f}",
                "90 % band (km)": f"{last['q05']:.0f} – {last['q95']:.0f}",
            }
        )
    return md_table(pd.DataFrame(rows)) if rows else "(no successful runs)"


def _time_table(res: SweepResult) -> str:
    rows = []
    for s in res.scenarios:
        c = res.survival[
            (res.survival["scenario"] == s) & (res.survival["outcome"] == analysis.ANY_END)
        ]
        if not len(c):
            continue
        med = analysis.median_time(res.survival, s)
        still = float(c["survival"].iloc[-1])
        rows.append(
            {
                "scenario": s,
                "median weeks to the end of the war": "beyond the horizon"
                if np.isnan(med)
                else f"{med:.0f}",
                "still going at the horizon": f"{still:.3f}",
            }
        )
    return md_table(pd.DataFrame(rows)) if rows else "(no successful runs)"


def _stalemate_table(res: SweepResult) -> str:
    stats = res.stalemate_stats
    if not len(stats):
        return "(no successful runs)"
    t = pd.DataFrame(
        {
            "scenario": stats["scenario"],
            "runs with static weeks": stats["share_with_stalemate"].map(_fmt_p),
            "spells": stats["spells"],
            "median spell (weeks)": stats["median_spell"].map(
                lambda x: "–" if pd.isna(x) else f"{x:.0f}"
            ),
            "90th pct spell (weeks)": stats["q90_spell"].map(
                lambda x: "–" if pd.isna(x) else f"{x:.0f}"
            ),
            "share of war weeks static": stats["mean_stalemate_share"].map(_fmt_p),
        }
    )
    return md_table(t)


def write_report(res: SweepResult, path: str | Path | None = None) -> Path:
    """Write ``report.md``: design, scenarios, outcome table and the figures, tied together."""
    from sim.analysis.outcomes import outcome_definitions
    from sim.experiments.manifest import MANIFEST_FILE

    out = res.out
    target = Path(path) if path is not None else out / "report.md"
    manifest = {}
    if (out / MANIFEST_FILE).exists():
        manifest = json.loads((out / MANIFEST_FILE).read_text("utf-8"))
    code = manifest.get("code", {})
    rev = code.get("git_revision") or "unknown"
    if code.get("dirty"):
        rev += " (with uncommitted changes in sim/)"
    figs = {k: p.name for k, p in res.figures.items()}
    lines = [
        "# Sweep report",
        "",
        f"{len(res.scenarios)} scenario(s) x {res.reps} replications, root seed {res.seed}"
        + (f", horizon {res.weeks} weeks" if res.weeks else "")
        + f"; code revision `{rev}`.",
        "",
        "Seeding: the root seed and the replicate's number together fix the replicate's "
        "random numbers (numpy's `SeedSequence`), and replicate number i gets the same "
        "random numbers in every scenario (common random numbers). Each replicate therefore "
        "shares its luck across the scenarios, so differences between scenarios come from "
        "the scenarios, not the dice; any replicate can be rerun alone from its `seed` "
        "column in `runs.csv`.",
        "",
    ]
    overrides = manifest.get("overrides") or {}
    if overrides:
        sets = ", ".join(f"`{k} = {v}`" for k, v in overrides.items())
        lines += [f"Overrides applied to every scenario: {sets}.", ""]
    lines += _ensemble_lines(res, manifest)
    lines += ["## Scenarios", ""]
    for s in res.scenarios:
        spec = res.specs[s]
        files = ", ".join(f"`{f}`" for f in spec.files)
        lines.append(f"- **{s}** ({files}): {spec.description}")
    lines += [
        "",
        "## Outcomes",
        "",
        "Share of runs ending in each outcome, with 95 % Wilson intervals "
        "(`summary.csv`); every outcome a scenario can end in is listed, also when no run "
        "ended that way.",
        "",
        outcome_markdown(res.summary),
        "",
        "What each outcome means (the model's rules for ending a war):",
        "",
    ]
    for s in res.scenarios:
        lines.append(f"- **{s}**:")
        for label, text in outcome_definitions(res.specs[s]).items():
            lines.append(f"  - `{label}`: {text}.")
    lines += [
        "",
    ]
    if "outcomes" in figs:
        lines += [f"![Outcome probabilities]({figs['outcomes']})", ""]
    lines += [
        "## The front line",
        "",
        "Road distance from the contested objective to the attacker's nearest place, "
        "week by week (`front.csv`). After a war ends its front stays where it ended, "
        "so settled runs appear as flat lines.",
        "",
        _front_table(res),
        "",
    ]
    if "front" in figs:
        lines += [f"![Front-line fan chart]({figs['front']})", ""]
    lines += _objectives_section(res, figs)
    lines += [
        "## Time to each outcome",
        "",
        "Kaplan–Meier curves from `scipy.stats.ecdf`; runs still undecided at the horizon are "
        "censored there. The outcome panels show the share of runs that ended that way by "
        "each week (cumulative incidence), which accounts for the competing outcomes.",
        "",
        _time_table(res),
        "",
    ]
    if "survival" in figs:
        lines += [f"![Survival curves]({figs['survival']})", ""]
    lines += [
        "## Static weeks",
        "",
        "A static week is one in which the front moved less than the scenario's "
        "`stalemate.max_move_km` over `stalemate.window_weeks`; a spell is a run of such weeks. "
        "Static weeks happen during a war of any outcome; they are not the `stalemate` "
        "outcome (no decision by the horizon). In `runs.csv` they are counted in the "
        "`stalemate_weeks`, `longest_stalemate` and `stalemate_spells` columns.",
        "",
        _stalemate_table(res),
        "",
    ]
    if "stalemates" in figs:
        lines += [f"![Static-week spells]({figs['stalemates']})", ""]
    lines += ["## Files", ""]
    lines += [
        "- `runs.csv`: one row per replication (seed, outcome, end week, casualties, ...; "
        "`status`/`error` for failures)",
        "- `front_series.csv`: each run's weekly front distance (km), one column per week "
        "(`w0`, `w1`, ...)",
        "- `summary.csv`, `front.csv`: the tables above",
        *(
            [
                "- `front_objectives_series.csv`, `front_objectives.csv`: each faction's front "
                "(wars of three or more factions), per run and as weekly quantiles"
            ]
            if (res.out / objectives.OBJECTIVES_FILE).exists()
            else []
        ),
        "- `manifest.json`: scenario files and hashes, seeds, package versions, code revision",
        "",
        "Every column, with its unit and meaning, is described in `docs/outputs.md` of the "
        "proxywar repository.",
    ]
    if res.failures:
        lines += [
            "",
            f"**{res.failures} replication(s) failed** and are excluded from the statistics; "
            "see the `status` and `error` columns of `runs.csv`.",
        ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
