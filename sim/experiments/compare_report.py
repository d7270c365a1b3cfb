"""What a comparison tells its reader: the printed tables, comparison.md and the figures.

Why apart from :mod:`sim.experiments.compare`: running the arms and pairing
them is one job, saying what the pairs show is another; the report is read
and changed for different reasons than the engine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis import summaries as analysis
from sim.analysis.frames import records
from sim.analysis.paired import (
    FEW_DISCORDANT,
    HOLM_NOTE,
    SIGNIFICANCE_RULE,
    headline,
)
from sim.analysis.tables import aligned, ci_text, digits_for, fmt, fmt_signed, md_table
from sim.experiments import objectives
from sim.experiments.compare import (
    ARMS_DIR,
    COMPARISON_FILE,
    DIFFERENCES_FILE,
    FIGURES,
    OBJECTIVE_DIFFERENCES_FILE,
    OBJECTIVES_FIGURE,
    OBJECTIVES_FOREST_FIGURE,
    REPORT_FILE,
)
from sim.experiments.compare_objectives import ObjectiveRow
from sim.experiments.comparison_rows import DifferenceRow, OutcomeRow
from sim.experiments.design import horizon_of
from sim.experiments.manifest import MANIFEST_FILE
from sim.experiments.store import RUNS_FILE
from sim.experiments.sweep import read_runs

if TYPE_CHECKING:
    from sim.experiments.compare import ComparisonResult


def write_figures(
    res: ComparisonResult, overrides: Mapping[str, Any] | None = None
) -> dict[str, Path]:
    """Draw the comparison's figures into its folder; returns figure key -> path.

    ``overrides`` (the ``--set`` values applied to every arm) go into every title.
    """
    from sim.viz import plots

    paths = {k: res.out / name for k, name in FIGURES.items()}
    common = {"specs": res.specs, "overrides": dict(overrides or {})}
    plots.plot_outcome_probabilities(res.summary, paths["outcomes"], weeks=res.weeks, **common)
    plots.plot_difference_forest(
        res.table, res.differences, paths["forest"], weeks=res.weeks, **common
    )
    objective = res.specs[res.baseline].front.objective
    if len(res.sweep.front):
        plots.plot_front_overlay(
            res.sweep.front, paths["front"], objective=objective, means=res.front_mean, **common
        )
    else:
        paths.pop("front")
    if len(res.sweep.survival):
        plots.plot_survival(res.sweep.survival, paths["survival"], weeks=res.weeks, **common)
    else:
        paths.pop("survival")
    # wars on sides: each faction's own front, one row of panels per arm
    table = objectives.load_objective_quantiles(res.out / ARMS_DIR)
    if table is not None and len(table):
        paths["objectives"] = res.out / OBJECTIVES_FIGURE
        plots.plot_objective_fans(table, paths["objectives"], overrides=common["overrides"])
    if len(res.objective_differences):  # wars on sides: each faction's front, paired
        paths["objectives_forest"] = res.out / OBJECTIVES_FOREST_FIGURE
        plots.plot_objective_forest(
            res.objective_differences, paths["objectives_forest"], overrides=common["overrides"]
        )
    return paths


def _run_states(runs: pd.DataFrame) -> dict[str, tuple[str, pd.Series]]:
    """Per-run facts, each as a short phrase, from the per-run columns of ``runs.csv``.

    Returns ``column -> (subject, phrase per run)``; e.g. ``left_wagner`` ->
    ("wagner", "stayed" / "left (pay)"), ``withdrew_uae`` -> ("uae", "stayed"
    / "withdrew"), ``objectives_week_GNA`` -> ("GNA", "held its objective" / ...).
    """
    out: dict[str, tuple[str, pd.Series]] = {}
    for col in runs.columns:
        v = runs[col]
        if col.startswith("left_"):
            phrase = v.map(
                lambda x: "stayed" if pd.isna(x) or x in ("", "stayed") else f"left ({x})"
            )
            out[col] = (col.removeprefix("left_"), phrase)
        elif col.startswith("withdrew_"):
            phrase = pd.to_numeric(v, errors="coerce").map(
                lambda x: "kept backing its client" if pd.isna(x) else "withdrew its support"
            )
            out[col] = (col.removeprefix("withdrew_"), phrase)
        elif col.startswith("objectives_week_"):
            phrase = pd.to_numeric(v, errors="coerce").map(
                lambda x: "never held its objectives" if pd.isna(x) else "held its objectives"
            )
            out[col] = (col.removeprefix("objectives_week_"), phrase)
        elif col == "start_line_week":
            phrase = pd.to_numeric(v, errors="coerce").map(
                lambda x: (
                    "was never pushed past its start line"
                    if pd.isna(x)
                    else "was pushed past its start line"
                )
            )
            out[col] = ("the attacker", phrase)
        elif col in ("vetoes", "ceasefires", "breakdowns"):
            phrase = (
                pd.to_numeric(v, errors="coerce")
                .fillna(0)
                .map(
                    lambda x, c=col: (
                        f"had no {c.removesuffix('s')}"
                        if x == 0
                        else f"had a {c.removesuffix('s')}"
                    )
                )
            )
            out[col] = ("the war", phrase)
    return out


def replicate_accounts(res: ComparisonResult, top: int = 2) -> list[str]:
    """Why a significant outcome difference happened, from the replicates that changed.

    For each significant row of the outcome table, take the pairs that moved in
    the row's direction (e.g. a GNA victory in the baseline but not under the
    alternative) and, for every per-run fact that differs between the arms of
    a pair (who left, backers' withdrawals, milestones), count how often that
    exact change occurs among those pairs and among the unchanged pairs. The
    changes most over-represented among the changed pairs are the account.
    """
    path = res.out / ARMS_DIR / RUNS_FILE
    if not path.exists() or not len(res.table):
        return []
    runs = analysis.ok_runs(read_runs(path))
    out = []
    for row in records(res.table):  # the columns read here only (see OutcomeRow)
        if not row["significant"]:
            continue
        baseline, alternative = str(row["baseline"]), str(row["alternative"])
        outcome, difference = str(row["outcome"]), float(row["difference"])
        b = runs[runs["scenario"] == baseline].set_index("replicate")
        a = runs[runs["scenario"] == alternative].set_index("replicate")
        common = b.index.intersection(a.index)
        b, a = b.loc[common], a.loc[common]
        in_b, in_a = b["outcome"] == outcome, a["outcome"] == outcome
        lost = difference < 0
        moved = (in_b & ~in_a) if lost else (in_a & ~in_b)
        n = int(moved.sum())
        if n == 0:
            continue
        sb, sa = _run_states(b), _run_states(a)
        found = []
        for col, (who, pb) in sb.items():
            if col not in sa:
                continue
            pa = sa[col][1]
            change = (pb + " → " + pa).where(pb != pa)
            counts = change[moved].value_counts()
            if not len(counts):
                continue
            what, k = counts.index[0], int(counts.iloc[0])
            rest = change[~moved]
            base_rate = float((rest == what).mean()) if len(rest) else 0.0
            found.append((k / n - base_rate, k, who, what, base_rate))
        found.sort(reverse=True)
        verb = "lost" if lost else "gained"
        for lift, k, who, what, base_rate in found[:top]:
            if lift <= 0.1 or k / n < 0.25:
                continue
            before, after = what.split(" → ")
            out.append(
                f"{alternative} vs {baseline}, `{outcome}`: in {k} of the {n} pairs that "
                f"{verb} it, {who} {before} in the baseline but {after} under "
                f"{alternative} (against {base_rate:.0%} of the other pairs)."
            )
    return out


def write_report(res: ComparisonResult) -> Path:
    """Write ``comparison.md``: the question, the answer in words, tables and figures."""
    from sim.experiments.report import outcome_markdown

    base = res.baseline
    spec = res.specs[base]
    figs = {k: p.name for k, p in res.figures.items()}
    horizon = min(horizon_of(s, res.weeks) for s in res.specs.values())
    manifest = json.loads((res.out / MANIFEST_FILE).read_text("utf-8"))
    code = manifest.get("code") or {}
    rev = code.get("git_revision") or "unknown"
    if code.get("dirty"):
        rev += " (with uncommitted changes in sim/)"
    lines = [
        f"# Policy comparison: {', '.join(res.alternatives)} vs {base}",
        "",
        "**The question.** Does each what-if change the chance of each outcome of the war by "
        f"{spec.date_of(horizon).isoformat()} (week {horizon}) compared with `{base}`, "
        "and by how much?",
        "",
        f"- baseline `{base}`: {spec.description}",
    ]
    for alt in res.alternatives:
        lines.append(f"- what-if `{alt}`: {res.specs[alt].description}")
    lines += [
        "",
        f"Paired over {res.reps} replicates per arm (root seed {res.seed}; replicate *i* of "
        "every arm uses the same seed, and each mechanism draws from its own random stream, "
        "so the arms share their luck and a difference reflects the policy). "
        f"Code revision `{rev}`.",
        "",
    ]
    if res.precision is not None:
        verdict = "met" if res.converged else f"**not met** (stopped at --max-reps {res.reps})"
        steps = " → ".join(str(r["reps"]) for r in res.rounds)
        lines += [
            f"Adaptive precision: target half-width {res.precision:g} for every probability "
            f"difference, {verdict}; replicates per arm by batch: {steps}; "
            f"{res.runs} runs in all; largest half-width {fmt(res.max_half_width)}.",
            "",
        ]
    from sim.analysis.outcomes import outcome_definitions

    lines += ["## The answer", ""]
    lines += [f"Significance: {SIGNIFICANCE_RULE}. {HOLM_NOTE}.", ""]
    lines += ["What each outcome means (the model's rules for ending a war):", ""]
    lines += [f"- `{k}`: {v}." for k, v in outcome_definitions(spec).items()]
    lines.append("")
    for alt in res.alternatives:
        sub = res.table[res.table["alternative"] == alt]
        lines.append(f"**{alt}:**")
        lines.append("")
        for r in OutcomeRow.of(sub):
            lines.append(f"- {headline(asdict(r))}.")
        lines.append("")
    lines += [
        "## Outcome probabilities, paired differences",
        "",
        "`difference` = P(alternative) − P(baseline); the 95 % interval is for the paired "
        "difference (method: "
        + (
            "Student's t on the per-replicate differences"
            if res.method == "t"
            else "BCa bootstrap of the per-replicate differences"
        )
        + "). `changed` counts replicates that ended in this outcome in one arm only "
        "(baseline only / alternative only); `corr` is the per-replicate correlation of "
        "the two arms, which is what makes pairing pay.",
        "",
    ]
    t = res.table
    few = (t["only_baseline"] + t["only_alternative"] < FEW_DISCORDANT) & (
        t["ci_low"] != t["ci_high"]
    )
    lines.append(
        md_table(
            pd.DataFrame(
                {
                    "alternative": t["alternative"],
                    "outcome": t["outcome"],
                    "P baseline": t["p_baseline"].map(fmt),
                    "P alternative": t["p_alternative"].map(fmt),
                    "difference": t["difference"].map(fmt_signed),
                    "95 % CI": [
                        ci_text(a, b) for a, b in zip(t["ci_low"], t["ci_high"], strict=True)
                    ],
                    "changed": [
                        f"{a} / {b}" + (" (few)" if f else "")
                        for a, b, f in zip(
                            t["only_baseline"], t["only_alternative"], few, strict=True
                        )
                    ],
                    "corr": t["correlation"].map(lambda x: fmt(x, 2)),
                    "exact p": t["p_exact"].map(lambda x: f"{x:.3g}"),
                    "sig.": t["significant"].map({True: "yes", False: "no"}),
                    "sig. (Holm)": t["significant_holm"].map({True: "yes", False: "no"}),
                }
            )
        )
    )
    lines.append("")
    if few.any():
        lines += [
            "(few): fewer than ten replicates changed outcome, so the interval rests on a "
            "handful of discordant pairs and may be too narrow; add replicates "
            "(`--reps`, or `--precision`).",
            "",
        ]
    if (t["only_baseline"] + t["only_alternative"] == 0).any():
        lines += [
            "A row whose `changed` is 0 / 0 means no replicate changed outcome: with common "
            "random numbers the policy made no difference in any of these runs; the answer "
            "above gives the 95 % exact (Clopper–Pearson) bound on the share of replicates "
            "it would change.",
            "",
        ]
    why = replicate_accounts(res)
    if why:
        lines += ["## Why: the replicates behind each significant difference", ""]
        lines += [
            "For each significant outcome difference, the pairs that changed are compared "
            "with the pairs that did not on the per-run columns of `arms/runs.csv` (who left "
            "and when, backers' withdrawals, milestones): the differences between the arms "
            "most over-represented among the changed pairs.",
            "",
        ]
        lines += [f"- {w}" for w in why]
        lines.append("")
    if "forest" in figs:
        lines += [f"![Paired differences]({figs['forest']})", ""]
    lines += [
        "Each arm's outcome probabilities with 95 % Wilson intervals:",
        "",
        outcome_markdown(res.summary),
        "",
    ]
    if "outcomes" in figs:
        lines += [f"![Outcome probabilities]({figs['outcomes']})", ""]
    lines += [
        "## Time, casualties and the front line",
        "",
        "Paired mean differences (alternative − baseline) with 95 % intervals "
        "(`differences.csv`). War duration is capped at the horizon (runs still going "
        "count as lasting to it), i.e. the restricted mean duration. The front distance "
        f"is the road distance from {spec.places[spec.front.objective].name} to the "
        f"{spec.front.attacker}'s nearest place; smaller means the attacker is closer. "
        "'P(outcome by date)' is the chance the war has ended that way by that date; "
        "(few) marks an interval resting on fewer than ten replicates that changed.",
        "",
    ]
    d = res.differences
    rows = []
    for m in DifferenceRow.of(d):
        digits = 3 if m.kind == "probability" else digits_for([m.mean_baseline, m.mean_alternative])
        rows.append(
            {
                "alternative": m.alternative,
                "metric": m.metric,
                "baseline": fmt(m.mean_baseline, digits),
                "alternative mean": fmt(m.mean_alternative, digits),
                "medians": (
                    f"{fmt(m.median_baseline, digits)} → {fmt(m.median_alternative, digits)}"
                    if m.kind == "number"
                    else ""
                ),
                "difference": fmt_signed(m.difference, digits) if m.changed else "none",
                "95 % CI": (
                    ci_text(m.ci_low, m.ci_high, digits)
                    if m.changed
                    else f"no pair changed (of {m.pairs})"
                )
                + (" (few)" if m.kind == "probability" and 0 < m.changed < FEW_DISCORDANT else ""),
                "sig.": "yes" if m.significant else "no",
                "sig. (Holm)": "yes" if m.significant_holm else "no",
            }
        )
    lines += [md_table(pd.DataFrame(rows)) if rows else "(no pairs)", ""]
    times = []
    for s in [base, *res.alternatives]:
        med = analysis.median_time(res.sweep.survival, s)
        times.append(
            {
                "arm": s,
                "median weeks to the end of the war (Kaplan–Meier)": "beyond the horizon"
                if not np.isfinite(med)
                else f"{med:.0f}",
            }
        )
    lines += [md_table(pd.DataFrame(times)), ""]
    if "front" in figs:
        lines += [f"![Front line, arms overlaid]({figs['front']})", ""]
    if "survival" in figs:
        lines += [f"![Time to each outcome, arms overlaid]({figs['survival']})", ""]
    if "objectives" in figs:
        lines += [f"![Each faction's front, one row per arm]({figs['objectives']})", ""]
    lines += objective_markdown(res, figs.get("objectives_forest"))
    lines += [
        "## Files",
        "",
        f"- `{COMPARISON_FILE}`: the outcome table above (contract columns first)",
        f"- `{DIFFERENCES_FILE}`: durations, casualties, the front on chosen dates, and "
        "outcomes by those dates",
        f"- `{ARMS_DIR}/`: every run of every arm (a sweep folder; `--resume` reuses it)",
    ]
    if len(res.objective_differences):
        lines.append(
            f"- `{OBJECTIVE_DIFFERENCES_FILE}`: each faction's front at the horizon, paired "
            "(the table above)"
        )
    lines += [
        f"- `{MANIFEST_FILE}`: scenario files and hashes, seeds, interval method, batches, "
        "package versions, code revision",
    ]
    if res.failures:
        lines += [
            "",
            f"**{res.failures} replication(s) failed**; their replicates are left out of every "
            f"paired statistic (see `{ARMS_DIR}/runs.csv`, columns `status` and `error`).",
        ]
    path = res.out / REPORT_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def format_comparison(res: ComparisonResult) -> str:
    """The outcome and number tables as aligned text (what ``compare`` prints)."""
    out: list[str] = []
    for alt in res.alternatives:
        t = res.table[res.table["alternative"] == alt]
        n = int(t["pairs"].max()) if len(t) else 0
        out.append(f"{alt} vs {res.baseline}: paired over {n} replicates (seed {res.seed})")
        rows: list[tuple[str, ...]] = [
            (
                r.outcome,
                fmt(r.p_baseline),
                fmt(r.p_alternative),
                fmt_signed(r.difference) if r.only_baseline + r.only_alternative else "none",
                (
                    ci_text(r.ci_low, r.ci_high)
                    if r.only_baseline + r.only_alternative
                    else f"no pair changed; ≤{r.changed_share_max:.3f}"
                )
                + _marks(r),
                f"{r.only_baseline}/{r.only_alternative}"
                + (" few" if 0 < r.only_baseline + r.only_alternative < FEW_DISCORDANT else ""),
            )
            for r in OutcomeRow.of(t)
        ]
        head = (
            "outcome",
            "P baseline",
            "P alternative",
            "difference",
            "95% CI (paired)",
            "changed",
        )
        out += aligned(head, rows, 1)
        d = res.differences[res.differences["alternative"] == alt]
        rows = []
        for r in DifferenceRow.of(d):
            digits = (
                3 if r.kind == "probability" else digits_for([r.mean_baseline, r.mean_alternative])
            )
            rows.append(
                (
                    r.metric,
                    fmt(r.mean_baseline, digits),
                    fmt(r.mean_alternative, digits),
                    fmt_signed(r.difference, digits) if r.changed else "none",
                    (ci_text(r.ci_low, r.ci_high, digits) if r.changed else "no pair changed")
                    + _marks(r),
                )
            )
        if rows:
            out.append("")
            out += aligned(
                ("metric (mean)", "baseline", "alternative", "difference", "95% CI"), rows, 1
            )
        out += _objective_lines(res, alt)
        out.append("")
    out.append(
        "* significant: the paired 95 % interval excludes 0 and the exact sign/McNemar test "
        "on the changed pairs gives p < 0.05; ** also after Holm's adjustment over all rows "
        "(many tests at once). changed: replicates that ended this way in the baseline only / "
        f"the alternative only; few: fewer than {FEW_DISCORDANT}, so the interval rests on a "
        "handful of pairs. 'no pair changed; ≤x': the 95 % exact bound on the share of "
        "replicates the policy changes."
    )
    if res.specs:
        from sim.analysis.outcomes import definitions_footer

        out += ["", definitions_footer({res.baseline: res.specs[res.baseline]})]
    return "\n".join(out)


def _marks(r: OutcomeRow | DifferenceRow) -> str:
    """Mark a significant row: " *" by the one rule, " **" when it survives Holm too."""
    if not r.significant:
        return ""
    return " **" if r.significant_holm else " *"


def _objective_rows(res: ComparisonResult, alternative: str) -> list[ObjectiveRow]:
    """The objective rows of one alternative (a war on sides; none otherwise)."""
    o = res.objective_differences
    return ObjectiveRow.rows_of(o[o["alternative"] == alternative]) if len(o) else []


def _objective_cells(r: ObjectiveRow) -> tuple[str, str, str, str, int]:
    """Baseline mean, alternative mean, difference and interval as text, and the digits used."""
    digits = digits_for([r.mean_baseline, r.mean_alternative])
    if not r.pairs:
        return ("n/a", "n/a", "n/a", "no pair has this front in both arms", digits)
    return (
        fmt(r.mean_baseline, digits),
        fmt(r.mean_alternative, digits),
        fmt_signed(r.difference, digits) if r.changed else "none",
        ci_text(r.ci_low, r.ci_high, digits) if r.changed else "no pair changed",
        digits,
    )


def _objective_lines(res: ComparisonResult, alternative: str) -> list[str]:
    """The printed table's block of each faction's front at the horizon (wars on sides)."""
    rows = _objective_rows(res, alternative)
    if not rows:
        return []
    text = []
    for r in rows:
        b, a, d, ci, _ = _objective_cells(r)
        counts = f"{r.pairs} ({r.no_front_baseline}/{r.no_front_alternative})"
        text.append((r.label, b, a, d, ci + _marks(r), counts))
    day = str(res.objective_differences["date"].iloc[0])
    return [
        "",
        f"each faction's front on {day} (km by road from its seat to the nearest enemy-held "
        "place; over the pairs in which it stands and fights in both arms; Holm over these rows)",
        *aligned(
            (
                "front (mean)",
                "baseline",
                "alternative",
                "difference",
                "95% CI",
                "pairs (no front: base/alt)",
            ),
            text,
            1,
        ),
    ]


def objective_markdown(res: ComparisonResult, figure: str | None = None) -> list[str]:
    """``comparison.md``'s section on each faction's front at the horizon (wars on sides).

    Empty for a two-faction comparison, whose report stays as it was.
    """
    o = res.objective_differences
    if not len(o):
        return []
    day = str(o["date"].iloc[0])
    lines = [
        "## Each faction's front at the horizon",
        "",
        "In a war on sides each faction's objective is its own seat of power: its front is "
        "the road distance from there to the nearest place held by a faction at war with it "
        "(smaller: the enemy is closer). Paired mean differences (alternative − baseline) on "
        f"{day} with 95 % intervals (`{OBJECTIVE_DIFFERENCES_FILE}`), over the pairs in which "
        "the faction still stands and is at war in *both* arms; `no front` counts the pairs "
        "left out because in that arm the faction had fallen or no faction was at war with it. "
        "Significance as above; Holm's adjustment runs over these rows.",
        "",
    ]
    rows = []
    for alt in res.alternatives:
        for r in _objective_rows(res, alt):
            b, a, d, ci, digits = _objective_cells(r)
            rows.append(
                {
                    "alternative": alt,
                    "front": r.label,
                    "baseline": b,
                    "alternative mean": a,
                    "medians": (
                        f"{fmt(r.median_baseline, digits)} → {fmt(r.median_alternative, digits)}"
                        if r.pairs
                        else ""
                    ),
                    "difference": d,
                    "95 % CI": ci,
                    "pairs": str(r.pairs),
                    "no front (base / alt)": f"{r.no_front_baseline} / {r.no_front_alternative}",
                    "sig.": "yes" if r.significant else "no",
                    "sig. (Holm)": "yes" if r.significant_holm else "no",
                }
            )
    lines += [md_table(pd.DataFrame(rows)), ""]
    if figure:
        lines += [f"![Each faction's front at the horizon, paired differences]({figure})", ""]
    return lines
