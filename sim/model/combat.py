"""Combat: the week's strengths and plans, then its stochastic Lanchester engagements.

The rules live one job to a module, and this one runs them in the week's order:

- :mod:`sim.model.defence`: where each faction stands on the defensive
  (:func:`~sim.model.defence.layout`, :func:`~sim.model.defence.defence_shares`);
- :mod:`sim.model.attack`: where each would strike and how promising that looks
  (:func:`~sim.model.attack.attack_plan`);
- :mod:`sim.model.lanchester`: the engagement law (the square law fought to a
  breakpoint, :func:`~sim.model.lanchester.engagement`);
- :mod:`sim.model.shelling`: shelling across quiet front roads;
- here: the week's strengths (:func:`fix_strengths`), the forces placed by the
  plans, the assaults and their losses, digging in (:func:`fight_week`).

Terrain (urban cover and dug-in fortification) divides the attacker's
effectiveness; quality, morale and air superiority multiply it. Lognormal
noise on each side's effectiveness makes the outcome of a week uncertain.
Every name these modules held when they were one is still importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.attack import AttackPlan, assault_odds, attack_plan
from sim.model.defence import Layout, allocation_share, defence_shares, layout
from sim.model.lanchester import engagement, lanchester_square
from sim.model.shelling import _shelling

if TYPE_CHECKING:
    from sim.model.faction import Faction
    from sim.model.mercenary import MercenaryGroup
    from sim.model.model import ProxyWarModel

__all__ = [
    "AttackPlan",
    "Engagement",
    "Layout",
    "Plan",
    "air_multipliers",
    "allocation_share",
    "assault_odds",
    "attack_plan",
    "defence_shares",
    "engagement",
    "fight_week",
    "fix_strengths",
    "lanchester_square",
    "layout",
]


@dataclass(slots=True)
class Engagement:
    """One week's fight for one place (all roads into it fought as one)."""

    place: int
    attacker: str
    defender: str
    x0: float
    y0: float
    x1: float
    y1: float
    captured: bool


def air_multipliers(
    a: Faction, b: Faction, weight: float, ad_half: float = 10.0
) -> tuple[float, float]:
    """Air superiority: drones, discounted by the rival's air defence, tilt combat."""
    air_a = a.drones * (1.0 - b.air_defence / (b.air_defence + ad_half))
    air_b = b.drones * (1.0 - a.air_defence / (a.air_defence + ad_half))
    edge = (air_a - air_b) / (air_a + air_b + 1.0)
    return 1.0 + weight * edge, 1.0 - weight * edge


def fix_strengths(model: ProxyWarModel) -> None:
    """Fix this week's strengths, defences and assault plans, once support has arrived.

    In order: each faction's combat quality and air multiplier (against its
    strongest enemy in the air); then where each faction stands on the
    defensive (:func:`defence_shares`: it reinforces where it was attacked
    lately); then where each would strike (:func:`attack_plan`, against
    those defences). Why once: nothing that sets them changes between the
    deliveries and the fighting, and both the factions' decisions and the
    combat read them.
    """
    c = model.spec.combat
    weight, ad_half = c.air_weight, c.ad_half
    air: dict[str, float] = {}
    for f in model.factions:
        f.week_quality = f.quality()
        # its own multiplier against each enemy (air_multipliers' first value), the least
        drones, ad = f.drones, f.air_defence
        best = 1.0
        for i, e in enumerate(model.enemies_of(f)):
            air_a = drones * (1.0 - e.air_defence / (e.air_defence + ad_half))
            air_b = e.drones * (1.0 - ad / (ad + ad_half))
            mult = 1.0 + weight * ((air_a - air_b) / (air_a + air_b + 1.0))
            if i == 0 or mult < best:
                best = mult
        air[f.fid] = best
    model.air = air
    for f in model.factions:
        f.defence = defence_shares(model, f)
    # the fire brigade stands where its faction was hit lately, before anyone plans:
    # a reserve reacts to attacks it has met, and the enemy plans against where it is
    for f in model.factions:
        groups = model.groups_of(f)
        if groups:
            _place_reserve(model, f, groups)
    for f in model.factions:
        f.attack_plan = attack_plan(model, f)


def _place_reserve(model: ProxyWarModel, fac: Faction, groups: list[MercenaryGroup]) -> None:
    """Put the faction's groups where they stand on the defensive this week.

    A guard stays at its station while the faction holds it; the others go to
    the front place where the faction was hit most lately (its threat memory,
    the lagged signal its own defence reinforces on: :func:`defence_shares`),
    falling back on where its defence is largest. Why not the enemy's plan of
    this week: a reserve cannot read it, and an enemy that plans against the
    reserve's old position while the reserve jumps to its new target would be
    lured into attacking it wherever it goes.
    """
    th = model.theatre
    holder = th.holder
    main = _most_hit(model, fac)
    for g in groups:
        station = th.index.get(g.station)
        if station is not None and holder[station] == fac.fid:
            g.location = station
        else:
            g.location = main


@dataclass(slots=True)
class Plan:
    """A faction's forces for the week (see :func:`_plan`)."""

    attack: dict[int, float]  # attackers per target (empty when not attacking)
    mobile: float  # the mobile defence, spread over the front places
    garrison: float  # the garrison, spread over the front places by their worth
    shares: dict[int, tuple[float, float]]  # front place -> (defence share, garrison share)

    def defenders(self, place: int) -> float:
        """Own fighters defending a place (0 away from the front)."""
        wd, wg = self.shares.get(place, (0.0, 0.0))
        return self.mobile * wd + self.garrison * wg


def _plan(model: ProxyWarModel, fac: Faction, paused: bool) -> Plan:
    """A faction's plan for the week: attackers per target, and its defence.

    When the faction assaults this week (:meth:`Faction._choose_posture`),
    its attack force (the front force times ``attack_share``) goes to the
    targets of its :class:`AttackPlan`. Defenders at a front place are the
    mobile defence times the place's defence share plus the garrison times
    its garrison share (:func:`defence_shares`). Its mercenary groups are
    placed as well: a guard stays at its station while the faction holds it;
    the others go to the main effort (the main target when assaulting,
    otherwise the front place its enemies' plans aim at most: a fire brigade).
    Outside its ``homeland`` only ``away_will`` of the attackers meant for a
    target go; the others stay in the mobile defence.
    """
    plan = fac.attack_plan
    ready = fac.fighters * fac.readiness  # Faction.available
    front = ready * fac.front_share
    garrison = ready - front
    if fac.attacking and plan.shares and not paused:
        attacking = True
        att_force = front * fac.attack_share
        att = {q: att_force * w for q, w in plan.shares.items()}
        away = fac.away_will
        if away is not None:  # outside its homeland only a share goes; the rest defends
            att = {q: x * away[q] for q, x in att.items()}
            att_force = sum(att.values())
    else:
        attacking, att_force, att = False, 0.0, {}
    groups = model.groups_of(fac)
    if groups:
        th = model.theatre
        holder = th.holder
        for g in groups:
            station = th.index.get(g.station)  # None: the main effort
            if station is not None and holder[station] == fac.fid:
                g.location = station
            elif attacking:
                g.location = plan.main
            # otherwise it stays where _place_reserve put it this week (fix_strengths)
    return Plan(att, front - att_force, garrison, fac.defence)


def _most_hit(model: ProxyWarModel, fac: Faction) -> int | None:
    """The front place of ``fac`` where it was hit most lately (its threat memory).

    Ties (or no recent attack) fall back on where its own defence is largest.
    """
    defence = fac.defence
    best, best_t = -1, 0.0
    for q, t in fac.threat.items():
        if q in defence and t > 0 and (best < 0 or t > best_t or (t == best_t and q < best)):
            best, best_t = q, t
    if best >= 0:
        return best
    if not defence:
        return None
    fs = fac.front_share
    return max(defence, key=lambda i: fs * defence[i][0] + (1.0 - fs) * defence[i][1])


def fight_week(model: ProxyWarModel) -> list[Engagement]:
    """Resolve every engagement on the front this week, and move the front."""
    th = model.theatre
    p = model.spec.combat
    noise = model.streams.combat.take(2 * len(th.ids))  # [attacker, defender] per place
    paused = model.fighting_paused  # a ceasefire or a truce

    # allocation, computed before anything moves (the week's plan)
    plans = {f.fid: _plan(model, f, paused) for f in model.factions}
    for f in model.factions:  # the memory of where one was hit halves every week
        if f.threat:
            f.threat = {q: t * 0.5 for q, t in f.threat.items() if t > 0.01}
    results: list[Engagement] = []
    attacked: dict[int, float] = {}  # place -> attackers' force ratio there (pressure)
    captures: list[tuple[int, Faction, Faction]] = []
    for f in model.factions:
        if plans[f.fid].attack:
            _assault(model, f, plans, noise, results, attacked, captures)

    # static fronts: digging in (less where attacked), and shelling across quiet roads
    fortification = th.fortification
    step, cap = p.fortify_rate, p.fortify_max
    digging = []  # front places still below the cap (none gains anything at the cap)
    for i in _digging(model):
        pressure = attacked.get(i)
        gain = step if pressure is None else step * max(0.0, 1.0 - pressure)
        dug = fortification[i] + gain
        if dug < cap:  # min(cap, dug), without the call
            fortification[i] = dug
            digging.append(i)
        else:
            fortification[i] = cap
    if th.memo.enabled:
        th.memo.digging = digging
    if not paused:
        _shelling(model, plans, attacked)

    for q, winner, loser in captures:
        if th.holder[q] == loser.fid:
            model.transfer(q, winner, loser)
    return results


def _assault(
    model: ProxyWarModel,
    att_f: Faction,
    plans: dict[str, Plan],
    noise: list[float],
    results: list[Engagement],
    attacked: dict[int, float],
    captures: list[tuple[int, Faction, Faction]],
) -> None:
    """One side's engagements this week, one per target it attacks.

    Losses are applied as each is fought; places that fell are added to
    ``captures`` and change hands after all the week's fighting. Defenders
    whose line broke fall back to the next place they hold, losing
    ``rout_loss`` of the survivors on the way (not annihilated).
    """
    p = model.spec.combat
    th = model.theatre
    cover, fortification = model.cover, th.fortification
    plan = plans[att_f.fid]
    att_groups = [g for g in model.groups_of(att_f) if g.active]
    am, qa = model.air[att_f.fid], att_f.week_quality
    s_att = model.supply.reach(att_f)
    lethality = p.lethality
    for q, x_own in plan.attack.items():
        def_f = model.factions_by_id[th.holder[q]]
        if def_f is att_f:  # taken earlier this week by an ally's move: nothing to fight
            continue
        if model.sides is not None and not model.hostile(att_f, def_f):
            continue  # taken this week by a faction it does not fight

        defence = plans[def_f.fid]
        def_groups = [g for g in model.groups_of(def_f) if g.active]
        dm, qd = model.air[def_f.fid], def_f.week_quality
        xm = xm_str = ym = ym_str = 0.0
        for g in att_groups:
            if g.location == q:
                xm += g.fighters
                xm_str += g.fighters * g.quality
        for g in def_groups:
            if g.location == q:
                ym += g.fighters
                ym_str += g.fighters * g.quality
        x0 = x_own + xm
        y_own = defence.defenders(q)
        y0 = y_own + ym
        if x0 <= 0:
            continue
        attacked[q] = min(1.0, x0 / y0) if y0 > 0 else 1.0
        # the defender remembers where it was hit (the attack's share of the attackers)
        def_f.threat[q] = def_f.threat.get(q, 0.0) + x_own / max(1.0, sum(plan.attack.values()))
        # quality-weighted per-fighter effectiveness, mercenaries included
        qa_eff = (x_own * qa + xm_str) / x0
        qd_eff = (y_own * qd + ym_str) / y0 if y0 > 0 else qd
        shield = cover[q] * fortification[q]
        alpha = lethality * qa_eff * am * s_att[q] * noise[2 * q] / shield
        beta = lethality * qd_eff * dm * model.supply.strength(def_f, q) * noise[2 * q + 1]
        if y0 <= 0:
            x1, y1, captured = x0, 0.0, True
        else:
            x1, y1, captured = engagement(x0, y0, alpha, beta, p.attacker_break, p.defender_break)
            if captured:
                y1 *= 1.0 - p.rout_loss
        _apply_losses(att_f, att_groups, q, x_own, xm, x0 - x1)
        _apply_losses(def_f, def_groups, q, y_own, ym, y0 - y1)
        results.append(Engagement(q, att_f.fid, def_f.fid, x0, y0, x1, y1, captured))
        if captured:
            captures.append((q, att_f, def_f))


def _digging(model: ProxyWarModel) -> list[int]:
    """Front places whose fortification is still below the cap (kept until a capture)."""
    th = model.theatre
    got = th.memo.digging
    if got is None:
        cap = model.spec.combat.fortify_max
        got = [i for i in th.front_nodes() if th.fortification[i] < cap]
    return got


def _apply_losses(
    fac: Faction, groups: list[MercenaryGroup], place: int, own: float, merc: float, lost: float
) -> None:
    """Split a week's losses between the faction's own fighters and its mercenaries there."""
    if lost <= 0:
        return
    total = own + merc
    if total <= 0:
        return
    fac.take_losses(lost * own / total)
    if merc > 0:
        kept = 1.0 - fac.model.spec.combat.recovered_share
        for g in groups:
            if g.location == place:
                gl = lost * g.fighters / total
                g.fighters = max(0.0, g.fighters - gl * kept)
                g.losses += gl
                g.recent_losses += gl
                fac.casualties += gl
