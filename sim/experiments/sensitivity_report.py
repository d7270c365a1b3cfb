"""What a sensitivity analysis tells its reader: the printed indices and sensitivity.md."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis.frames import records
from sim.analysis.tables import aligned, fmt, md_rows
from sim.experiments.manifest import MANIFEST_FILE
from sim.experiments.sensitivity import (
    DESIGN_FILE,
    FIGURE_FILE,
    INDICES_FILE,
    NOISY,
    REPORT_FILE,
    RUNS_DIR,
)
from sim.scenario import ScenarioSpec

if TYPE_CHECKING:
    from sim.experiments.sensitivity import SensitivityResult


def write_report(res: SensitivityResult, base: ScenarioSpec) -> Path:
    """``sensitivity.md``: the design, a ranking per output and the caveats."""
    lines = [
        f"# Sensitivity analysis: {res.scenario}",
        "",
        f"{base.description}",
        "",
        "Parameters varied (uniform over the range): "
        + ", ".join(f"`{p.key}` {p.low:g}–{p.high:g}" for p in res.params)
        + f". {res.samples} base samples x ({len(res.params)} + 2) = {len(res.design)} design "
        f"points, {res.reps} replicates each (the same seeds at every point), "
        f"{res.runs} runs; root seed {res.seed}.",
        "",
        "S1: share of the output's variance the parameter explains alone; ST: alone and "
        "through interactions (Sobol' indices, `scipy.stats.sobol_indices`, with 95 % "
        "bootstrap intervals). Spearman: rank correlation of the parameter with the output "
        "(its sign is the direction of the effect). noise: Monte Carlo share of the "
        f"output's variance; above {NOISY:g} the indices are unreliable (raise `--reps`).",
        "",
        "`P(outcome)` is the share of a design point's replicates that ended in that "
        "outcome; what each outcome means (the model's rules for ending a war):",
        "",
    ]
    from sim.analysis.outcomes import outcome_definitions

    lines += [f"- `{k}`: {v}." for k, v in outcome_definitions(base).items()]
    lines.append("")
    if res.figures:
        lines += [f"![Sobol indices]({FIGURE_FILE})", ""]
    for output, sub in res.indices.groupby("output", sort=False):
        sub = sub.sort_values("ST", ascending=False, na_position="last")
        noise = sub["noise_share"].iloc[0]
        flag = " — noisy, read with care" if np.isfinite(noise) and noise > NOISY else ""
        if not np.isfinite(sub["output_sd"].iloc[0]) or sub["output_sd"].iloc[0] == 0:
            lines += [f"## {output}", "", "Constant over the design: no parameter moves it.", ""]
            continue
        lines += [
            f"## {output}",
            "",
            f"Mean {fmt(sub['output_mean'].iloc[0], 3)}, sd {fmt(sub['output_sd'].iloc[0], 3)} "
            f"across the design; noise share {fmt(noise, 2)}{flag}.",
            "",
        ]
        head = ["parameter", "range", "ST [95 % CI]", "S1 [95 % CI]", "Spearman"]
        rows = [
            [
                f"`{r['parameter']}`",
                f"{r['low']:g}–{r['high']:g}",
                f"{fmt(float(r['ST']), 2)} [{fmt(float(r['ST_low']), 2)}, "
                f"{fmt(float(r['ST_high']), 2)}]",
                f"{fmt(float(r['S1']), 2)} [{fmt(float(r['S1_low']), 2)}, "
                f"{fmt(float(r['S1_high']), 2)}]",
                fmt(float(r["spearman"]), 2),
            ]
            for r in records(sub)
        ]
        lines.append(md_rows(head, rows))
        lines.append("")
    lines += [
        "## Files",
        "",
        f"- `{INDICES_FILE}`: the indices above; `{DESIGN_FILE}`: every design point with "
        "its outputs",
        f"- `{RUNS_DIR}/`: every run (a sweep folder); `{MANIFEST_FILE}`: the design and versions",
    ]
    path = res.out / REPORT_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def format_indices(indices: pd.DataFrame) -> str:
    """The indices as aligned text, grouped by output (what the command prints)."""
    head = ("output", "parameter", "ST", "95% CI", "S1", "Spearman")
    rows = []
    for _, sub in indices.groupby("output", sort=False):
        sub = sub.sort_values("ST", ascending=False, na_position="last")
        for r in records(sub):
            rows.append(
                (
                    str(r["output"]),
                    str(r["parameter"]),
                    fmt(float(r["ST"]), 2),
                    f"[{fmt(float(r['ST_low']), 2)}, {fmt(float(r['ST_high']), 2)}]",
                    fmt(float(r["S1"]), 2),
                    fmt(float(r["spearman"]), 2),
                )
            )
    return "\n".join(aligned(head, rows, 2))
