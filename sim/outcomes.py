"""Outcomes in words: what ``victory:X``, ``ceasefire`` and ``stalemate`` mean in a scenario.

Why one function: figures, reports and comparisons all show outcome labels,
and a reader must not have to look up ODD §7.8 to know that ``victory:GNA``
means the LNA's forces broke, not that the GNA held its suburbs. The wording
follows the rules of :mod:`sim.termination` (``Termination.decide``): a
faction wins when it holds an enemy's seat of power (``home``) or when an
enemy's forces or coalition break; a ceasefire counts once it has held
``ceasefire_hold_weeks``; a war undecided at the horizon (a ceasefire too young
to count included) ends as ``stalemate``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario import ScenarioSpec


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def outcome_definitions(spec: ScenarioSpec, weeks: int | None = None) -> dict[str, str]:
    """Every outcome a scenario can end in, defined in words from the scenario.

    Args:
        spec: the scenario.
        weeks: the horizon actually run (``--weeks``), when not the scenario's.

    Returns:
        ``{label: "label — definition"}`` for ``victory:<faction>`` of each
        faction (scenario order), ``ceasefire`` and ``stalemate``; the same
        labels the runs carry, so a caller can keep only those it shows.
    """
    t = spec.termination
    horizon = weeks if weeks is not None else spec.horizon_weeks
    end = spec.date_of(horizon)
    out: dict[str, str] = {}
    fids = list(spec.factions)
    for fid in fids:
        enemies = [e for e in fids if e != fid]
        seats = " or ".join(
            f"{spec.places[spec.factions[e].home].name} ({e}'s seat)" for e in enemies
        )
        who = enemies[0] if len(enemies) == 1 else "an enemy"
        broke = (
            f"{who}'s forces break (below {_pct(t.collapse_share)} of its fighters at the "
            f"start) or its coalition falls apart (cohesion below {t.collapse_cohesion:g})"
        )
        if len(enemies) > 1:
            broke += f", {fid} being the strongest of its enemies"
        out[f"victory:{fid}"] = f"victory:{fid} — {fid} takes {seats}, or {broke}"
    out["ceasefire"] = (
        f"ceasefire — a ceasefire agreed by the parties holds {t.ceasefire_hold_weeks} weeks "
        f"before the horizon ({end:%d %b %Y})"
    )
    out["stalemate"] = (
        f"stalemate — no decision by the horizon (week {horizon}, {end:%d %b %Y}); "
        "not the same as static weeks of the front"
    )
    return out


def outcome_legend(specs: list[ScenarioSpec], labels: list[str], weeks: int | None = None) -> str:
    """Definitions of ``labels`` for a figure, one line each, merged over scenarios.

    Why merged: a sweep or comparison of variants of one theatre shares its
    outcome rules; where two scenarios define a label differently (other
    seats of power, another horizon), each definition is given once, with
    the scenario it belongs to.
    """
    lines: list[str] = []
    for label in labels:
        seen: dict[str, list[str]] = {}
        for spec in specs:
            text = outcome_definitions(spec, weeks).get(label)
            if text is not None:
                seen.setdefault(text, []).append(spec.name)
        if len(seen) == 1:
            lines.append(next(iter(seen)))
        else:
            lines += [f"{text} [{', '.join(names)}]" for text, names in seen.items()]
    return "\n".join(lines)
