"""``python -m sim.experiments.calibration``: the Libya calibration check from the command line."""

from __future__ import annotations

import argparse
import sys

from sim.experiments.calibration import check
from sim.scenario import ScenarioError


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.experiments.calibration [--seeds N] [SCENARIO]``: print the fit."""
    p = argparse.ArgumentParser(
        description="Calibration targets for the Libya 2019 scenario, and the check against them."
    )
    p.add_argument("scenario", nargs="?", default="libya_2019.toml")
    p.add_argument("--seeds", type=int, default=300)
    args = p.parse_args(argv)
    try:
        res = check(args.scenario, range(args.seeds))
    # a scenario the check cannot measure, or a bad file
    except (ScenarioError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("\n".join(res.lines()))
    return 0
