"""The outcomes a scenario's runs can end in, each defined in words.

A label such as ``victory:GNA`` means nothing to a reader without the rule
behind it, so every report, table and figure that shows outcomes takes its
definitions from here. The wording follows the model's actual rules
(``sim.model.termination``): a victory is taking an enemy's seat of power or
breaking an enemy's forces or coalition; a ceasefire counts once it has held
``termination.ceasefire_hold_weeks``; a stalemate is no decision by the
horizon, which is not the weekly "static weeks" flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.schema import ScenarioSpec


def outcome_labels(spec: ScenarioSpec) -> list[str]:
    """Every outcome a run of ``spec`` can end in, in a fixed order.

    Tables list all of them, also those no run reached, so a zero is shown
    rather than a missing row.
    """
    return [f"victory:{fid}" for fid in spec.factions] + ["ceasefire", "stalemate"]


def outcome_definitions(spec: ScenarioSpec) -> dict[str, str]:
    """Map each outcome label of ``spec`` to a one-sentence definition.

    The sentences name the scenario's factions and places, so a reader of a
    report or figure learns what ``victory:GNA`` means in that theatre.
    """
    t = spec.termination
    out: dict[str, str] = {}
    for fid in spec.factions:
        enemies = [(eid, e) for eid, e in spec.factions.items() if eid != fid]
        parts = []
        for eid, e in enemies:
            home = spec.places[e.home].name if e.home in spec.places else e.home
            parts.append(
                f"{fid} takes {home} ({eid}'s seat of power), or {eid}'s "
                f"forces break (fewer than {t.collapse_share:.0%} of its starting fighters) "
                f"or its coalition falls apart (cohesion below {t.collapse_cohesion:.2f})"
            )
        out[f"victory:{fid}"] = "; or ".join(parts)
    out["ceasefire"] = f"a ceasefire held for {t.ceasefire_hold_weeks} weeks without breaking down"
    out["stalemate"] = (
        f"no decision by the horizon ({spec.horizon_weeks} weeks, {spec.end_date}): "
        "neither side won and no ceasefire held; not the same as the weekly "
        '"static weeks" count of a front that barely moves'
    )
    return out


def definitions_markdown(spec: ScenarioSpec) -> str:
    """The definitions as a markdown bullet list, for reports."""
    return "\n".join(f"- `{k}`: {v}." for k, v in outcome_definitions(spec).items())


def definitions_footer(specs: Mapping[str, ScenarioSpec]) -> str:
    """The definitions as plain text under a terminal table.

    Scenarios whose outcomes read the same share one block, so a sweep of
    twelve Libya variants prints the definitions once.
    """
    blocks: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for name, spec in specs.items():
        blocks.setdefault(tuple(outcome_definitions(spec).items()), []).append(name)
    lines = []
    for defs, names in blocks.items():
        lines.append(f"Outcomes ({', '.join(names)}):")
        lines += [f"  {label}: {text}." for label, text in defs]
    return "\n".join(lines)
