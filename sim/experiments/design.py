"""A sweep's experiment design: which scenarios, how many replicates, and their seeds.

Why apart from execution: the design is what makes results reproducible (a
replication depends only on its scenario, its seed and the code), and the
sweep, the comparison, the sensitivity analysis and the validation suite all
share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.model.model import ProxyWarModel
from sim.scenario import ScenarioError, ScenarioSpec, load_scenario

BASE_COLUMNS = ["scenario", "replicate", "seed", "outcome", "end_week"]


TAIL_COLUMNS = ["stalemate_spells", "status", "error"]


SEEDING = (
    "replicate i: int(numpy.random.SeedSequence(seed, spawn_key=(i,)).generate_state(1, "
    "numpy.uint64)[0] >> 1), the same for every scenario (common random numbers)"
)


Job = tuple[str, int, int]  # (scenario label, replicate, seed)


class SweepConfigError(ValueError):
    """A sweep asked for something impossible (bad input: exit status 2 on the CLI)."""


def replicate_seed(seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` of a sweep with root ``seed``.

    Why ``SeedSequence`` with a spawn key rather than ``seed + i``: consecutive
    integer seeds are not guaranteed to give independent streams; spawned
    sequences are, and replicate ``i``'s seed does not depend on ``reps``, so
    adding replicates later (``--resume`` with more ``--reps``) keeps the old ones.
    """
    ss = np.random.SeedSequence(int(seed), spawn_key=(int(replicate),))
    return int(ss.generate_state(1, np.uint64)[0]) >> 1


def replicate_seeds(seed: int, reps: int, start: int = 0) -> list[int]:
    """Seeds of replicates ``start .. reps-1`` (see :func:`replicate_seed`)."""
    return [replicate_seed(seed, i) for i in range(start, reps)]


def load_specs(
    scenarios: Sequence[str | Path | ScenarioSpec], overrides: Mapping[str, Any] | None = None
) -> dict[str, ScenarioSpec]:
    """Load and validate each scenario once, keyed by its name (its label in every table).

    Raises:
        ScenarioError: a file or an override is invalid (one line per problem).
        SweepConfigError: two scenarios share a name (their rows could not be told apart).
    """
    specs: dict[str, ScenarioSpec] = {}
    for item in scenarios:
        spec = load_scenario(item, dict(overrides or {}))
        if spec.name in specs:
            raise SweepConfigError(
                f"{spec.source}: name: {spec.name!r} is also the name of "
                f"{specs[spec.name].source}; each scenario of a sweep needs its own name"
            )
        specs[spec.name] = spec
    return specs


def horizon_of(spec: ScenarioSpec, weeks: int | None) -> int:
    """The number of weeks a replication of ``spec`` runs at most."""
    return int(weeks) if weeks is not None else int(spec.horizon_weeks)


def run_columns(specs: Iterable[ScenarioSpec]) -> list[str]:
    """The ``runs.csv`` header for these scenarios.

    The extra columns are the keys of ``ProxyWarModel.summary()`` (which vary
    with the factions and groups of a scenario), found by building each model
    once without running it; a scenario lacking a column leaves it empty.
    """
    extra: dict[str, None] = {}
    for spec in specs:
        keys = ProxyWarModel(spec, rng=0, weeks=1, collect=False).summary()
        for k in keys:
            if k not in BASE_COLUMNS and k not in TAIL_COLUMNS:
                extra[k] = None
    return [*BASE_COLUMNS, *extra, *TAIL_COLUMNS]


def check_ensemble_keys(specs: Mapping[str, ScenarioSpec], member: Mapping[str, Any]) -> None:
    """An ensemble made for another scenario fails in one line naming the key."""
    from sim.experiments.parameters import lookup

    for spec in specs.values():
        for key in member:
            try:
                lookup(spec, key)
            except (KeyError, IndexError, ValueError):
                raise ScenarioError(
                    [f"--ensemble: {key}: expected a key of {spec.name}, found none there"]
                ) from None
