"""Plausible ranges of the scenario's numbers: the default box of sensitivity and calibration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.scenario.schema import ScenarioSpec

# --------------------------------------------------------------------------- plausible ranges

#: Plausible ranges of the behavioural constants and of the numbers most
#: scenarios can only assume: what sensitivity analysis and calibration vary by
#: default (docs/calibration.md). ``("abs", low, high)`` is a range of values;
#: ``("rel", low, high)`` multiplies the scenario's own value (force sizes
#: differ between wars; a factor of their estimate does not). ``*`` stands for
#: every faction, backer or group id of the scenario. Every entry says why.
PLAUSIBLE_RANGES: dict[str, tuple[str, float, float, str]] = {
    "combat.lethality": ("abs", 0.03, 0.12, "casualty rates of urban and open fighting"),
    "combat.noise_sigma": ("abs", 0.4, 1.0, "week-to-week luck of an assault"),
    "combat.cover_urban": ("abs", 1.5, 3.5, "urban defence multipliers in the literature"),
    "combat.attacker_break": ("abs", 0.04, 0.15, "Helmbold breakpoints of assaults"),
    "combat.defender_break": ("abs", 0.03, 0.10, "Helmbold breakpoints of defences"),
    "combat.concentration": ("abs", 1.0, 4.0, "from spreading evenly to massing"),
    "combat.reinforce": ("abs", 0.0, 2.0, "from no reaction to strong reinforcement"),
    "combat.supply_range_km": ("abs", 300.0, 1200.0, "half strength that far from supply"),
    "combat.recovered_share": ("abs", 0.3, 0.8, "wounded who return to duty"),
    "combat.rout_loss": ("abs", 0.0, 0.3, "losses of a defence that broke"),
    "decisions.odds_width": ("abs", 0.25, 1.0, "how sharply assaults follow the odds"),
    "decisions.ratio_width": ("abs", 0.1, 0.5, "how sharply assaults follow the power ratio"),
    "decisions.morale_width": ("abs", 0.04, 0.16, "how sharply assaults follow morale"),
    "termination.hurting_rate": ("abs", 0.001, 0.005, "weekly loss share that hurts"),
    "termination.base_hazard": ("abs", 0.001, 0.02, "weekly ceasefire chance when ripe"),
    "termination.breakdown_hazard": ("abs", 0.02, 0.15, "weekly breakdown of a young ceasefire"),
    "factions.*.fighters": ("rel", 0.8, 1.2, "force estimates disagree by a fifth or more"),
    "factions.*.quality": ("rel", 0.8, 1.2, "training and cohesion are guessed"),
    "factions.*.recruit_rate": ("rel", 0.5, 1.5, "recruitment is rarely reported"),
    "factions.*.attack_odds": ("rel", 0.5, 2.0, "risk tolerance"),
    "factions.*.attack_ratio": ("rel", 0.8, 1.25, "how much edge a side waits for"),
    "factions.*.garrison_draw": ("rel", 0.5, 1.5, "how thin rear hubs are left is unreported"),
    "backers.*.resolve": ("rel", 0.7, 1.3, "a state's stake, seen from outside"),
    "backers.*.escalation_response": ("rel", 0.5, 1.5, "how fast it answers the rival"),
    "backers.*.rival_elasticity": ("abs", 0.25, 1.0, "how much of the rival's change it answers"),
    "groups.*.size": ("rel", 0.7, 1.3, "contractor numbers are estimates"),
    "groups.*.quality": ("rel", 0.7, 1.3, "contractors' edge over local fighters"),
}


def plausible_ranges(
    spec: ScenarioSpec, keys: Sequence[str] | None = None
) -> list[tuple[str, float, float]]:
    """``(dotted key, low, high)`` for a scenario, wildcards expanded, relative ranges applied.

    Args:
        spec: the scenario whose ids and values fill the table.
        keys: only these table keys (default: all of :data:`PLAUSIBLE_RANGES`).

    A relative range of a value that is 0 (nothing to vary) is left out.
    """
    out: list[tuple[str, float, float]] = []
    pools: dict[str, Mapping[str, object]] = {
        "factions": spec.factions,
        "backers": spec.backers,
        "groups": spec.groups,
    }
    for key in keys if keys is not None else PLAUSIBLE_RANGES:
        kind, low, high, _ = PLAUSIBLE_RANGES[key]
        head, _, field = key.partition(".*.")
        expanded = (
            [(f"{head}.{i}.{field}", getattr(item, field)) for i, item in pools[head].items()]
            if field
            else [(key, None)]
        )
        for dotted, value in expanded:
            if kind == "rel":
                if value is None:
                    section, name = dotted.split(".", 1)
                    value = getattr(getattr(spec, section), name)
                if not value:
                    continue
                out.append((dotted, float(value) * low, float(value) * high))
            else:
                out.append((dotted, low, high))
    return out
