"""Calibration targets for the Libya 2019 scenario, and the check against them.

Why a module: the same targets are checked lightly in the test suite and in
full (300 seeds) by ``python -m sim.experiments.calibration``; docs/calibration.md quotes
the full check. Only facts known by 5 December 2019 are targets.
The same facts, with their uncertainties, are the history-matching targets of
``calibrate`` (``scenarios/targets/libya_2019.toml``, :mod:`sim.experiments.history_matching`).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioSpec, load_scenario

#: the seed article's date: "Fighting has stalled ... along Tripoli's southern reaches"
TARGET_DATE = dt.date(2019, 12, 5)
#: "southern reaches": the front 10-40 km from the centre (calibration issue)
FRONT_BAND_KM = (10.0, 40.0)
#: WHO, July 2019: 1,048 killed and 5,558 wounded in the first three months
WHO_CASUALTIES_13_WEEKS = 1048 + 5558


@dataclass
class CalibrationResult:
    """What the calibration check measured over ``n`` seeds."""

    n: int
    front_km: np.ndarray  # front distance on TARGET_DATE, one per seed
    capital_fallen: np.ndarray  # bool, one per seed: objective held by the attacker
    casualties_13: np.ndarray  # casualties after 13 weeks, one per seed

    @property
    def in_band(self) -> float:
        """Share of runs with the front inside the 10-40 km band on the target date."""
        lo, hi = FRONT_BAND_KM
        return float(np.mean((self.front_km >= lo) & (self.front_km <= hi)))

    @property
    def not_fallen(self) -> float:
        """Share of runs in which the capital has not fallen by the target date."""
        return float(1.0 - np.mean(self.capital_fallen))

    def interval(self, share: float) -> tuple[float, float]:
        """95 % Wilson interval of a share over the n runs."""
        ci = stats.binomtest(round(share * self.n), self.n).proportion_ci(method="wilson")
        return float(ci.low), float(ci.high)

    def lines(self) -> list[str]:
        """A short human-readable report."""
        f = self.front_km
        band_lo, band_hi = self.interval(self.in_band)
        nf_lo, nf_hi = self.interval(self.not_fallen)
        return [
            f"seeds: {self.n}",
            f"front on {TARGET_DATE}: median {np.median(f):.0f} km, "
            f"5-95 % {np.quantile(f, 0.05):.0f}-{np.quantile(f, 0.95):.0f} km, "
            f"range {f.min():.0f}-{f.max():.0f} km",
            f"front within {FRONT_BAND_KM[0]:.0f}-{FRONT_BAND_KM[1]:.0f} km: "
            f"{self.in_band:.1%} [{band_lo:.1%}, {band_hi:.1%}] (target: most runs)",
            f"capital not fallen: {self.not_fallen:.1%} [{nf_lo:.1%}, {nf_hi:.1%}] "
            "(target: >= 85 %)",
            f"casualties after 13 weeks: median {np.median(self.casualties_13):.0f} "
            f"(WHO, July 2019: {WHO_CASUALTIES_13_WEEKS} killed and wounded, fighters and "
            "civilians)",
        ]


def check(spec: ScenarioSpec | str, seeds: range | list[int]) -> CalibrationResult:
    """Run each seed to the target date and measure the calibration targets."""
    spec = load_scenario(spec)
    week = spec.week_of(TARGET_DATE) - 1  # weeks completed by the target date
    if not 13 <= week <= spec.horizon_weeks:
        raise ValueError(
            f"{spec.name}: the Libya calibration check measures 13 weeks in and on "
            f"{TARGET_DATE}, which this scenario's run (from {spec.start_date}, "
            f"{spec.horizon_weeks} weeks) does not cover; use `calibrate --targets` instead"
        )
    fronts, fallen, cas = [], [], []
    for seed in seeds:
        m = ProxyWarModel(spec, rng=seed, weeks=max(week, 13), collect=False)
        c13 = None
        while m.running and m.week < max(week, 13):
            m.step()
            if m.week == 13:
                c13 = m.total_casualties()
        series = m.front_series
        fronts.append(series[week - 1] if len(series) >= week else series[-1])
        fallen.append(fronts[-1] == 0.0)
        cas.append(c13 if c13 is not None else m.total_casualties())
    return CalibrationResult(len(fronts), np.array(fronts), np.array(fallen), np.array(cas))


if __name__ == "__main__":  # the command itself lives in sim.cli, as every command does
    from sim.cli.calibration_check import main

    sys.exit(main())
