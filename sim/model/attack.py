"""Attack planning: where a faction would strike this week, and how promising that looks.

The plan is fixed once a week (:func:`sim.model.combat.fix_strengths`), after
the defences it is made against; the faction's decision to assault reads its
odds (:func:`assault_odds`), and the week's combat follows its shares.
"""

from __future__ import annotations

import math
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
    front. A faction with a ``homeland`` sends only ``away_will`` of its own
    attackers against a target outside it (local forces fight for their own
    region), so such targets look, and are, harder.
    """
    lay = layout(model, fac)
    targets = lay.targets
    if not targets:
        return AttackPlan({}, None, 0.0)
    p = model.spec.combat
    th = model.theatre
    fort, cover, holder = th.fortification, model.cover, th.holder
    force = fac.fighters * fac.readiness * fac.front_share * fac.attack_share * fac.week_quality
    groups = model.groups_of(fac)
    merc = (
        sum([g.fighters * g.quality for g in groups if g.active and not g.guard]) if groups else 0
    )
    x_all = force + merc
    away = fac.away_will  # local forces: outside its homeland only a share goes
    breaks = p.attacker_break / p.defender_break
    m_f = model.air[fac.fid]
    supply = model.supply
    reach, unsupplied, decay = supply.reach(fac), supply.unsupplied, supply.decay
    values = lay.target_value
    if p.coordination > 0 and model.sides is not None:
        hit = model.sides.ally_targets(fac)
        if hit:  # strike the enemy an ally is striking
            boost = 1.0 + p.coordination
            values = [
                v * boost if holder[q] in hit else v for q, v in zip(targets, values, strict=True)
            ]
    # each enemy's week, read once (see _enemy_week) and unpacked when the holder
    # changes (targets come in index order, mostly one enemy's run after another's);
    # then per target the defenders expected there and alpha / beta before the force
    # ratio. ``a if a < b else b`` is ``min(a, b)`` (and the reverse ``max``), without the call
    enemy_week: dict[str, _EnemyWeek] = {}
    conc = p.concentration
    scores: list[float] = []
    append = scores.append
    exp = math.exp
    h_cur = None
    front_q = garrison_q = air_e = 0.0
    defence: dict[int, tuple[float, float]] = {}
    mercs: dict[int, float] = {}
    reach_e: list[float] = []
    for q, v in zip(targets, values, strict=True):
        h = holder[q]
        if h != h_cur:
            ew = enemy_week.get(h)
            if ew is None:
                ew = enemy_week[h] = _enemy_week(model, model.factions_by_id[h])
            front_q, garrison_q, defence, mercs, air_e, reach_e = ew
            h_cur = h
        wd, wg = defence.get(q, _NO_SHARES)
        y = front_q * wd + garrison_q * wg + mercs.get(q, 0.0)
        if y > 0:
            cut = unsupplied[q]  # the enemy's supply factor there (SupplyLines.strength)
            s = reach_e[q] * exp(-decay * cut) if cut else reach_e[q]
            r = (
                breaks
                * (m_f * reach[q] / (cover[q] * fort[q]))
                / (air_e * (1e-6 if s < 1e-6 else s))
            )
            x_q = x_all if away is None else force * away[q] + merc
            odds = r * (x_q / y) ** 2
            append((v * (1e6 if odds > 1e6 else odds)) ** conc)
        else:
            append((v * 1e6) ** conc)
    total = sum(scores)
    if total <= 0:
        return AttackPlan({}, None, 0.0)
    shares = [sc / total for sc in scores]
    best = max(shares)
    min_share = p.min_target_share
    kept = [w if (w >= min_share or w == best) else 0.0 for w in shares]
    total = sum(kept)
    plan = {q: w / total for q, w in zip(targets, kept, strict=True) if w > 0}
    k = shares.index(best)  # the first target with the largest share
    main = targets[k]
    front_q, garrison_q, defence, mercs, air_e, reach_e = enemy_week[holder[main]]
    wd, wg = defence.get(main, (0.0, 0.0))
    y = front_q * wd + garrison_q * wg + mercs.get(main, 0.0)
    if y <= 0:
        return AttackPlan(plan, main, float("inf"))
    x = force * plan[main] * (1.0 if away is None else away[main]) + merc
    cut = unsupplied[main]
    s = reach_e[main] * math.exp(-decay * cut) if cut else reach_e[main]
    rate = breaks * (m_f * reach[main] / (cover[main] * fort[main])) / (air_e * max(s, 1e-6))
    odds = rate * (x / y) ** 2
    # a defence that cannot break within the week holds: the odds shrink by the
    # weeks its breakpoint would take (no noise), t_y = d_b y / (alpha x)
    e = model.factions_by_id[holder[main]]
    alpha = p.lethality * m_f * reach[main] / (cover[main] * fort[main])
    t_y = p.defender_break * (y / max(e.week_quality, 1e-9)) / (alpha * x) if alpha > 0 else 1e9
    return AttackPlan(plan, main, odds / max(1.0, t_y))


#: no share of a faction's defence (a place off its front)
_NO_SHARES = (0.0, 0.0)

#: an enemy's week as the attack plan reads it: its ready front and garrison forces
#: (quality-weighted), its defence shares, its mercenaries by place (quality-weighted),
#: its air multiplier and its supply reach
_EnemyWeek = tuple[
    float, float, dict[int, tuple[float, float]], dict[int, float], float, list[float]
]


def _enemy_week(model: ProxyWarModel, e: Faction) -> _EnemyWeek:
    """What an attack plan reads of enemy ``e`` this week (one read per enemy and plan)."""
    ready_q = e.fighters * e.readiness * e.week_quality
    mercs: dict[int, float] = {}
    for g in model.groups_of(e):
        if g.active and g.location is not None:
            mercs[g.location] = mercs.get(g.location, 0.0) + g.fighters * g.quality
    front_share = e.front_share
    return (
        ready_q * front_share,
        ready_q * (1.0 - front_share),
        e.defence,
        mercs,
        model.air[e.fid],
        model.supply.reach(e),
    )


def assault_odds(model: ProxyWarModel, fac: Faction) -> float:
    """The expected odds of this week's assault at its main target (see :func:`attack_plan`)."""
    return fac.attack_plan.odds
