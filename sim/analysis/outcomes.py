"""The outcomes a scenario's runs can end in, each defined in words.

A label such as ``victory:GNA`` means nothing to a reader without the rule
behind it, so every report, table and figure legend that shows outcomes takes
its definitions from here. The wording follows the model's actual rules
(``sim.model.termination``, and ``sim.model.sides`` for wars of three factions
or more): a victory is taking an enemy's seat of power or breaking an enemy's
forces or coalition; a ceasefire counts once it has held
``termination.ceasefire_hold_weeks``; a stalemate is no decision by the
horizon, which is not the weekly "static weeks" flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.schema import ScenarioSpec


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _sides(spec: ScenarioSpec) -> list[str]:
    """The sides of a war in scenario order (a two-faction war: one per faction)."""
    out: list[str] = []
    for fid in spec.factions:
        side = spec.side_of(fid)
        if side not in out:
            out.append(side)
    return out


def _joint_sides(spec: ScenarioSpec) -> list[tuple[str, ...]]:
    """Sets of two or more sides whose factions are all neutral toward each other.

    Why: when every enemy of such a set has fallen, no two standing factions
    fight and the war ends with the set left standing together; the model
    labels that ``victory:<A>+<B>`` (sides sorted by name).
    """
    import itertools

    sides = sorted(_sides(spec))
    members = {s: [f for f in spec.factions if spec.side_of(f) == s] for s in sides}
    neutral = {frozenset(p) for p in spec.neutral}

    def at_peace(a: str, b: str) -> bool:
        return all(frozenset((f, g)) in neutral for f in members[a] for g in members[b])

    return [
        combo
        for r in range(2, len(sides) + 1)
        for combo in itertools.combinations(sides, r)
        if all(at_peace(a, b) for a, b in itertools.combinations(combo, 2))
    ]


def outcome_labels(spec: ScenarioSpec) -> list[str]:
    """Every outcome a run of ``spec`` can end in, in a fixed order.

    Tables list all of them, also those no run reached, so a zero is shown
    rather than a missing row. A war on sides wins by side (``victory:<SIDE>``),
    or by sides neutral toward each other left standing together
    (``victory:<A>+<B>``).
    """
    if not spec.multi_side:
        winners = list(spec.factions)
    else:
        winners = _sides(spec) + ["+".join(c) for c in _joint_sides(spec)]
    return [f"victory:{w}" for w in winners] + ["ceasefire", "stalemate"]


def _broke(spec: ScenarioSpec, eid: str) -> str:
    t = spec.termination
    return (
        f"{eid}'s forces break (fewer than {_pct(t.collapse_share)} of its starting fighters) "
        f"or its coalition falls apart (cohesion below {t.collapse_cohesion:.2f})"
    )


def outcome_definitions(spec: ScenarioSpec, weeks: int | None = None) -> dict[str, str]:
    """Map each outcome label of ``spec`` to a one-sentence definition.

    The sentences name the scenario's factions and places, so a reader of a
    report or figure learns what ``victory:GNA`` means in that theatre.

    Args:
        spec: the scenario.
        weeks: the horizon actually run (``--weeks``), when not the scenario's.
    """
    t = spec.termination
    horizon = weeks if weeks is not None else spec.horizon_weeks
    end = spec.date_of(horizon)
    out: dict[str, str] = {}
    if spec.multi_side:
        for side in _sides(spec):
            members = [f for f in spec.factions if spec.side_of(f) == side]
            others = [f for f in spec.factions if spec.side_of(f) != side]
            falls = "; ".join(
                f"{spec.places[spec.factions[e].home].name} ({e}'s seat of power) taken, "
                f"or {_broke(spec, e)}"
                for e in others
            )
            out[f"victory:{side}"] = (
                f"every faction still standing is on side {side} ({', '.join(members)}); "
                f"the others fell: {falls}"
            )
        for combo in _joint_sides(spec):
            inside = [f for f in spec.factions if spec.side_of(f) in combo]
            falls = "; ".join(
                f"{spec.places[spec.factions[e].home].name} ({e}'s seat of power) taken, "
                f"or {_broke(spec, e)}"
                for e in spec.factions
                if e not in inside
            )
            out[f"victory:{'+'.join(combo)}"] = (
                f"the factions still standing are on sides {' and '.join(combo)} "
                f"({', '.join(inside)}), which are neutral toward each other, so the war "
                f"ends with them standing side by side; the others fell: {falls}"
            )
    else:
        for fid in spec.factions:
            parts = []
            for eid, e in spec.factions.items():
                if eid == fid:
                    continue
                home = spec.places[e.home].name if e.home in spec.places else e.home
                parts.append(f"{fid} takes {home} ({eid}'s seat of power), or {_broke(spec, eid)}")
            out[f"victory:{fid}"] = "; or ".join(parts)
    out["ceasefire"] = (
        f"a ceasefire held for {t.ceasefire_hold_weeks} weeks without breaking down "
        f"before the horizon ({end:%d %b %Y})"
        + ("; in a war on sides, every pair still fighting agreed one" if spec.multi_side else "")
    )
    out["stalemate"] = (
        f"no decision by the horizon (week {horizon}, {end:%d %b %Y}): "
        "no side won and no ceasefire held; not the same as the weekly "
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


def outcome_legend(
    specs: Sequence[ScenarioSpec], labels: Sequence[str], weeks: int | None = None
) -> str:
    """Definitions of ``labels`` for a figure, one ``label — definition`` line each.

    Why merged over scenarios: a sweep or comparison of variants of one theatre
    shares its outcome rules; where two scenarios define a label differently
    (other seats of power, another horizon), each definition is given once,
    with the scenario it belongs to.
    """
    lines: list[str] = []
    for label in labels:
        seen: dict[str, list[str]] = {}
        for spec in specs:
            text = outcome_definitions(spec, weeks).get(label)
            if text is not None:
                seen.setdefault(f"{label} — {text}", []).append(spec.name)
        if len(seen) == 1:
            lines.append(next(iter(seen)))
        else:
            lines += [f"{text} [{', '.join(names)}]" for text, names in seen.items()]
    return "\n".join(lines)
