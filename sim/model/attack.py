"""Attack planning: where a faction would strike this week, and how promising that looks.

The plan is fixed once a week (:func:`sim.model.combat.fix_strengths`), after
the defences it is made against; the faction's decision to assault reads its
odds (:func:`assault_odds`), and the week's combat follows its shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.defence import layout

if TYPE_CHECKING:
    from sim.model.faction import Faction
    from sim.model.model import ProxyWarModel


@dataclass(slots=True)
class AttackPlan:
    """Where a faction would strike this week, and how promising that looks.

    Attributes:
        shares: target -> share of the attack force (concentrated; 0 dropped).
        main: the target with the largest share (None without targets).
        odds: the expected odds at the main target (see :func:`attack_plan`).
    """

    shares: dict[int, float]
    main: int | None
    odds: float


def attack_plan(model: ProxyWarModel, fac: Faction) -> AttackPlan:
    """Choose targets where an assault is worth most and most likely to succeed.

    For each target the expected odds of the whole attack force ``x``
    against the defenders ``y`` expected there: with no noise the square law
    puts the defenders' breakpoint at ``t_y ~ d_b y / (alpha x)`` and the
    attackers' at ``t_x ~ a_b x / (beta y)``; the odds are
    ``t_x / t_y = (a_b / d_b) (alpha / beta) (x / y)**2`` (> 1: the defence
    is expected to break first); air power, cover, fortification and both
    sides' supply lines set ``alpha / beta``. A target's score is its worth
    times these odds; the attack's shares are the scores raised to
    ``concentration`` (normalised), dropping shares below
    ``min_target_share``. The plan's odds are those at the main target with
    its share (and the faction's mercenaries there), divided by the weeks the
    defence would take to reach its breakpoint when that is more than one (a
    week's assault that cannot break it only bleeds). Why: commanders mass
    where they expect to break through, so a side that gains support attacks
    more, and a weak one digs in instead of bleeding against a fortified
    front.
    """
    lay = layout(model, fac)
    if not lay.targets:
        return AttackPlan({}, None, 0.0)
    p = model.spec.combat
    th = model.theatre
    fort, cover, holder = th.fortification, model.cover, th.holder
    force = fac.available() * fac.front_share * fac.attack_share * fac.week_quality
    merc = sum([g.fighters * g.quality for g in model.groups_of(fac) if g.active and not g.guard])
    breaks = p.attacker_break / p.defender_break
    m_f = model.air[fac.fid]
    reach = model.supply.reach(fac)
    strength = model.supply.strength
    factions_by_id, air = model.factions_by_id, model.air
    # each enemy's week: ready front and garrison forces (quality-weighted), and its
    # mercenaries by place (what _defenders would add up target by target)
    enemy_week: dict[str, tuple[float, float, dict[int, tuple[float, float]], dict]] = {}
    rate = []  # alpha / beta per target, before the force ratio
    ys = []
    for q in lay.targets:
        e = factions_by_id[holder[q]]
        week = enemy_week.get(e.fid)
        if week is None:
            ready_q = e.available() * e.week_quality
            mercs: dict[int, float] = {}
            for g in model.groups_of(e):
                if g.active and g.location is not None:
                    mercs[g.location] = mercs.get(g.location, 0.0) + g.fighters * g.quality
            week = enemy_week[e.fid] = (
                ready_q * e.front_share,
                ready_q * (1.0 - e.front_share),
                e.defence,
                mercs,
            )
        front_q, garrison_q, defence, mercs = week
        wd, wg = defence.get(q, (0.0, 0.0))
        ys.append(front_q * wd + garrison_q * wg + mercs.get(q, 0.0))
        rate.append(
            breaks
            * (m_f * reach[q] / (cover[q] * fort[q]))
            / (air[e.fid] * max(strength(e, q), 1e-6))
        )
    x_all = force + merc
    values = lay.target_value
    if p.coordination > 0 and model.sides is not None:
        hit = model.sides.ally_targets(fac)
        if hit:  # strike the enemy an ally is striking
            boost = 1.0 + p.coordination
            values = [
                v * boost if holder[q] in hit else v
                for q, v in zip(lay.targets, values, strict=True)
            ]
    scores = []
    for v, r, y in zip(values, rate, ys, strict=True):
        odds = r * (x_all / y) ** 2 if y > 0 else 1e6
        scores.append((v * min(odds, 1e6)) ** p.concentration)
    total = sum(scores)
    if total <= 0:
        return AttackPlan({}, None, 0.0)
    shares = [sc / total for sc in scores]
    best = max(shares)
    kept = [w if (w >= p.min_target_share or w == best) else 0.0 for w in shares]
    total = sum(kept)
    plan = {q: w / total for q, w in zip(lay.targets, kept, strict=True) if w > 0}
    k = max(range(len(lay.targets)), key=kept.__getitem__)
    main = lay.targets[k]
    x = force * plan[main] + merc
    y = ys[k]
    if y <= 0:
        return AttackPlan(plan, main, float("inf"))
    odds = rate[k] * (x / y) ** 2
    # a defence that cannot break within the week holds: the odds shrink by the
    # weeks its breakpoint would take (no noise), t_y = d_b y / (alpha x)
    e = model.factions_by_id[th.holder[main]]
    alpha = p.lethality * m_f * reach[main] / (cover[main] * fort[main])
    t_y = p.defender_break * (y / max(e.week_quality, 1e-9)) / (alpha * x) if alpha > 0 else 1e9
    return AttackPlan(plan, main, odds / max(1.0, t_y))


def assault_odds(model: ProxyWarModel, fac: Faction) -> float:
    """The expected odds of this week's assault at its main target (see :func:`attack_plan`)."""
    return fac.attack_plan.odds
