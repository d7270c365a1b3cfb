"""Figures and ``calibration.md`` of a history-matching calibration (``calibrate``).

Why separate: the method module stays free of matplotlib and prose.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.analysis.frames import records  # noqa: E402
from sim.analysis.tables import md_rows  # noqa: E402
from sim.scenario import ScenarioSpec  # noqa: E402

if TYPE_CHECKING:
    from sim.experiments.history_matching import Calibration


def write_figures(cal: Calibration) -> dict[str, Path]:
    """``ensemble_pairs.png`` (marginals and pairwise scatter) and ``targets.png``."""
    out: dict[str, Path] = {}
    params = cal.params
    d = len(params)
    ens = cal.ensemble
    fig, axes = plt.subplots(d, d, figsize=(1.9 * d + 1, 1.9 * d + 1), squeeze=False)
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                if len(ens):
                    ax.hist(ens[pi.key], bins=12, range=(pi.low, pi.high), color="tab:blue")
                ax.set_xlim(pi.low, pi.high)
                ax.set_yticks([])
            else:
                if len(ens):
                    ax.scatter(ens[pj.key], ens[pi.key], s=6, color="tab:blue", alpha=0.6)
                ax.set_xlim(pj.low, pj.high)
                ax.set_ylim(pi.low, pi.high)
            ax.tick_params(labelsize=6)
            if i == d - 1:
                ax.set_xlabel(pj.key, fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.key, fontsize=7)
    fig.suptitle(f"Accepted parameter sets ({len(ens)}); axes span the prior ranges", fontsize=10)
    fig.tight_layout()
    out["pairs"] = cal.out / "ensemble_pairs.png"
    fig.savefig(out["pairs"], dpi=90)
    plt.close(fig)

    tab = cal.table
    n = len(tab)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.6 * rows), squeeze=False)
    for k, row in enumerate(records(tab)):
        ax = axes[k // cols, k % cols]
        data = [cal.point_sims[:, k]]
        labels = ["point values"]
        if len(cal.ensemble_sims):
            data.append(cal.ensemble_sims[:, k])
            labels.append("ensemble")
        ax.boxplot(data, orientation="horizontal", whis=(5, 95), showfliers=False)
        ax.set_yticks(range(1, len(labels) + 1), labels, fontsize=8)
        observed, obs_sd = float(row["observed"]), float(row["obs_sd"])
        lo = observed - 2 * obs_sd
        hi = observed + 2 * obs_sd
        ax.axvspan(lo, hi, color="tab:green", alpha=0.25, label="observed ±2 sd")
        ax.axvline(observed, color="tab:green")
        ax.set_title(f"{row['target']}\n{row['what']}", fontsize=8)
        ax.tick_params(labelsize=7)
    for k in range(n, rows * cols):
        axes[k // cols, k % cols].axis("off")
    fig.suptitle("Each target before (point values) and after (ensemble): 5-95 % of runs")
    fig.tight_layout()
    out["targets"] = cal.out / "targets.png"
    fig.savefig(out["targets"], dpi=90)
    plt.close(fig)
    return out


def _g(x: float, digits: int = 3) -> str:
    return "–" if x != x else f"{x:.{digits}g}"


def targets_markdown(cal: Calibration) -> str:
    """The per-target table, before and after, as Markdown."""
    head = [
        "target",
        "observed (±sd)",
        "point values: mean [5–95 %]",
        "I",
        "met",
        "ensemble: mean [5–95 %]",
        "I (median)",
        "met",
    ]
    rows = [
        [
            f"{r['target']}: {r['what']}",
            f"{_g(float(r['observed']))} (±{_g(float(r['obs_sd']), 2)})",
            f"{_g(float(r['point_mean']))} [{_g(float(r['point_p05']))}, "
            f"{_g(float(r['point_p95']))}]",
            f"{float(r['point_implausibility']):.1f}",
            "yes" if r["point_met"] else "no",
            f"{_g(float(r['ensemble_mean']))} [{_g(float(r['ensemble_p05']))}, "
            f"{_g(float(r['ensemble_p95']))}]",
            _g(float(r["ensemble_implausibility_median"]), 2),
            "yes" if r["ensemble_met"] else "no",
        ]
        for r in records(cal.table)
    ]
    return md_rows(head, rows)


def waves_markdown(cal: Calibration) -> str:
    """The wave table as Markdown."""
    head = [
        "wave",
        "points",
        "runs",
        "non-implausible",
        "share",
        "space before",
        "space after",
        "s",
    ]
    rows = [
        [
            r["wave"],
            r["points"],
            r["runs"],
            r["non_implausible"],
            f"{float(r['share_non_implausible']):.2f}",
            _g(float(r["volume_before"])),
            _g(float(r["volume_after"])),
            f"{float(r['seconds']):.0f}",
        ]
        for r in records(cal.waves)
    ]
    return md_rows(head, rows)


def emulators_markdown(cal: Calibration) -> str:
    """Per wave and target: how its emulator did on held-out points and on the wave's runs."""
    if cal.emulators.empty:
        return "No emulators (a single wave)."
    head = ["wave", "target", "held-out off > 3 sd", "held-out passing rejected",
            "own passing rejected", "screens", "cutoff x"]  # fmt: skip
    rows = [
        [
            r["wave"],
            r["target"],
            f"{r['outliers']} of {r['held_out']}",
            f"{r['rejected']} of {r['passing']}",
            f"{r['own_rejected']} of {r['own_passing']}",
            "yes" if r["screens"] else "no: runs only",
            f"{float(r['widening']):.2f}",
        ]
        for r in records(cal.emulators)
    ]
    return md_rows(head, rows)


def ranges_markdown(cal: Calibration) -> str:
    """Each parameter's prior range and the accepted sets' range: what the data pinned down."""
    rows = []
    for p in cal.params:
        v = cal.ensemble[p.key].to_numpy(dtype=float) if len(cal.ensemble) else np.array([])
        if len(v):
            lo, hi = np.quantile(v, [0.05, 0.95])
            share = (hi - lo) / (p.high - p.low)
            rows.append(
                [f"`{p.key}`", f"{p.low:g}–{p.high:g}", f"{lo:.3g}–{hi:.3g}", f"{share:.2f}"]
            )
        else:
            rows.append([f"`{p.key}`", f"{p.low:g}–{p.high:g}", "none accepted", "–"])
    head = ["parameter", "prior range", "accepted: 5–95 %", "share of prior range"]
    return md_rows(head, rows)


def write_report(cal: Calibration, spec: ScenarioSpec) -> Path:
    """``calibration.md``: what was matched, how, and what it left open."""
    met_before = int(cal.table["point_met"].sum())
    met_after = int(cal.table["ensemble_met"].sum())
    n = len(cal.table)
    text = f"""# Calibration of {spec.name} by history matching

Targets: `{cal.targets.path}` ({n} targets{
        f", only what was known by {cal.targets.known_by}" if cal.targets.known_by else ""
    }). Parameters varied over their plausible ranges: {
        ", ".join(f"`{p.key}` {p.low:g}–{p.high:g}" for p in cal.params)
    }.

Method: history matching in waves (Craig et al. 1997; Vernon et al. 2010;
Andrianakis et al. 2015). Each wave ran a space-filling design with the same
replicate seeds at every point; a target's implausibility is
|observed − mean of runs| / sqrt(observation variance + model discrepancy +
run variance / replicates); a point is ruled out when its largest
implausibility exceeds 3. Gaussian-process emulators (one per target, per
wave) screened {2**14} candidate points per wave, so each later wave sampled
only what every earlier wave left. The accepted ensemble is the final wave's
points that are non-implausible by their own runs: **{len(cal.ensemble)} parameter
sets** (`ensemble.csv`; use them with `--ensemble`).

## Waves

{waves_markdown(cal)}

"space before": share of the prior box the emulators of the earlier waves
left non-implausible (the region this wave sampled); "space after": the same
once this wave's emulators are added (the last wave: its non-implausible share
of points times the space it sampled).

## Emulators

{emulators_markdown(cal)}

Each wave's emulators were validated before screening: a fifth of the
wave's points held out, the kernel fitted on the rest; "off > 3 sd": held-out
means further than 3 predictive sd from the emulator; "passing rejected":
points non-implausible for that target on their own runs that the emulator
would rule out (held out, then the wave's points passing every target). A
target that failed is screened with a wider cutoff (up to 2x) or, beyond
that, left out of screening and judged on its runs only.

## Targets before and after

Targets met (simulated mean within the observed range, or within 2 sd of
the observed value): **{met_before} of {n}** with the scenario's own values,
**{met_after} of {n}** with the accepted ensemble.

{targets_markdown(cal)}

I: implausibility. Point values: {len(cal.point_sims)} replicates of the
scenario as written; ensemble: every replicate of every accepted set.

## What the targets pin down, and what they do not

{ranges_markdown(cal)}

A parameter whose accepted sets still span most of its prior range is not
identified by these targets: it stays uncertain, and sweeps run with
`--ensemble` carry that uncertainty into their probabilities.

Figures: `ensemble_pairs.png` (marginals and pairwise scatter of the accepted
sets), `targets.png` (each target before and after). Took {cal.elapsed:.0f} s.
"""
    path = cal.out / "calibration.md"
    path.write_text(text, encoding="utf-8")
    return path
