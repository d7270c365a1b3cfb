"""Combat: weekly stochastic Lanchester engagements on the front line.

Law: the Lanchester *square* law, solved in closed form over one week. Why:
the Tripoli fighting was aimed fire between concentrated forces (drones,
artillery spotted by drones, snipers, infantry in suburbs), where each side's
losses scale with the other's effective strength. Terrain (urban cover and
dug-in fortification) divides the attacker's effectiveness; quality, morale
and air superiority multiply it. Lognormal noise on each side's effectiveness
makes the outcome of a week uncertain.

A place changes hands when its defence breaks: the engagement is fought until
one side has lost its breakpoint share (``defender_break``, ``attacker_break``;
Helmbold-style breakpoints) or the week ends, and the place falls when the
defenders reach theirs first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.agents import Faction, MercenaryGroup
    from sim.model.model import ProxyWarModel


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


def lanchester_square(
    x0: float, y0: float, alpha: float, beta: float, tau: float = 1.0
) -> tuple[float, float]:
    """Closed-form square law ``x' = -beta*y, y' = -alpha*x`` over ``tau``.

    Args:
        x0: starting strength of the attacker.
        y0: starting strength of the defender.
        alpha: attacker's kill rate per fighter per week.
        beta: defender's kill rate per fighter per week.
        tau: duration in weeks.

    Returns:
        Strengths at ``tau`` (clipped at zero: the side that is wiped out stops
        the fight, and the survivor keeps the strength it had at that moment).
    """
    if x0 <= 0 or y0 <= 0 or alpha <= 0 or beta <= 0:
        return x0, y0
    return _square_at(
        x0, y0, math.sqrt(alpha * beta), math.sqrt(beta / alpha), math.sqrt(alpha / beta), tau
    )


def _time_to_break(
    x0: float, y0: float, alpha: float, beta: float, side: int, frac: float
) -> float:
    """Earliest time at which ``side`` (0 attacker, 1 defender) has lost ``frac`` of itself.

    Closed form: with ``u = exp(w t)`` the square law gives
    ``s(u) = (a u + c / u) / 2`` with ``a = s0 - e0 k`` and ``c = s0 + e0 k``
    (``k`` the ratio of kill rates), so ``s = (1 - frac) s0`` is a quadratic in
    ``u`` whose first root past ``u = 1`` is ``(sb - sqrt(sb**2 - a c)) / a``.
    Returns 2.0 (beyond the week) when the breakpoint is never reached.
    """
    w = math.sqrt(alpha * beta)
    if side == 0:
        s0, e0, k = x0, y0, math.sqrt(beta / alpha)
    else:
        s0, e0, k = y0, x0, math.sqrt(alpha / beta)
    a, c = s0 - e0 * k, s0 + e0 * k
    sb = (1.0 - frac) * s0
    disc = sb * sb - a * c
    if disc < 0:
        return 2.0
    u = c / (2.0 * sb) if abs(a) < 1e-12 * s0 else (sb - math.sqrt(disc)) / a
    if u < 1.0:
        return 0.0 if u > 0 else 2.0
    return math.log(u) / w


def engagement(
    x0: float, y0: float, alpha: float, beta: float, attacker_break: float, defender_break: float
) -> tuple[float, float, bool]:
    """One week's assault, fought until a side reaches its breakpoint or the week ends.

    Why stop at a breakpoint: a unit that has lost a set share of its strength
    in an action stops fighting (Helmbold); a failed assault is called off, so
    the attacker does not bleed for the whole week.

    Returns:
        ``(attackers left, defenders left, captured)``; captured when the
        defenders break first.
    """
    if alpha <= 0 or beta <= 0:
        return x0, y0, False
    # the square law's constants, shared by the full week and the breakpoint time
    w = math.sqrt(alpha * beta)
    kx, ky = math.sqrt(beta / alpha), math.sqrt(alpha / beta)
    x1, y1 = _square_at(x0, y0, w, kx, ky, 1.0)
    fx, fy = 1.0 - x1 / x0, 1.0 - y1 / y0
    if fx < attacker_break and fy < defender_break:
        return x1, y1, False
    t_x = _time_to_break(x0, y0, alpha, beta, 0, attacker_break) if fx >= attacker_break else 2.0
    t_y = _time_to_break(x0, y0, alpha, beta, 1, defender_break) if fy >= defender_break else 2.0
    t = min(t_x, t_y)
    x1, y1 = _square_at(x0, y0, w, kx, ky, t)
    return x1, y1, t_y <= t_x


def _square_at(
    x0: float, y0: float, w: float, kx: float, ky: float, tau: float
) -> tuple[float, float]:
    """:func:`lanchester_square` with its constants precomputed.

    ``w = sqrt(alpha beta)``, ``kx = sqrt(beta / alpha)``, ``ky = sqrt(alpha / beta)``.
    When one side is wiped out, the invariant ``alpha x**2 - beta y**2`` gives
    the survivor's strength.
    """
    wt = min(w * tau, 50.0)  # beyond this one side is long gone; avoids overflow
    ch, sh = math.cosh(wt), math.sinh(wt)
    x = x0 * ch - y0 * kx * sh
    y = y0 * ch - x0 * ky * sh
    if x < 0:
        return 0.0, math.sqrt(max(0.0, y0 * y0 - (ky * ky) * x0 * x0))
    if y < 0:
        return math.sqrt(max(0.0, x0 * x0 - (kx * kx) * y0 * y0)), 0.0
    return x, y


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
    for f in model.factions:
        f.week_quality = f.quality()
    air: dict[str, float] = {}
    for f in model.factions:
        mults = [air_multipliers(f, e, c.air_weight, c.ad_half)[0] for e in model.enemies_of(f)]
        air[f.fid] = min(mults) if mults else 1.0
    model.air = air
    for f in model.factions:
        f.defence = defence_shares(model, f)
    for f in model.factions:
        f.attack_plan = attack_plan(model, f)


@dataclass(slots=True)
class Layout:
    """What a faction's position on the map fixes, until a place changes hands.

    Attributes:
        targets: enemy places it may assault (adjacent to its own).
        target_value: what each target is worth to it: near its objective
            (``focus_km``) and worth much.
        front: its places that touch an enemy's.
        front_weight: each front place's standing share of the mobile
            defence (``defence_floor``, near home, near its objective, by
            worth), normalised.
        garrison_share: each front place's part of the garrison (by worth,
            over every place held).
    """

    targets: list[int]
    target_value: list[float]
    front: list[int]
    front_weight: list[float]
    garrison_share: list[float]


def layout(model: ProxyWarModel, fac: Faction) -> Layout:
    """A faction's :class:`Layout`, cached until a place changes hands."""
    th = model.theatre
    got = th.memo.layouts.get(fac.fid)
    if got is not None:
        return got
    c = model.spec.combat
    targets, front, held = th.layout(fac.fid)
    dist, worth = th.dist_rows, model.place_value
    open_obj = [o for o in fac.objective if th.holder[o] != fac.fid] or fac.objective
    f = fac.focus_km
    value = [math.exp(-min(dist[q][o] for o in open_obj) / f) * (1.0 + worth[q]) for q in targets]
    w_def = []
    for i in front:
        d_obj = min(dist[i][o] for o in open_obj)
        w = c.defence_floor + math.exp(-dist[i][fac.home] / f) + math.exp(-d_obj / f)
        w_def.append(w * (1.0 + worth[i]))
    s = sum(w_def)
    w_def = [w / s for w in w_def] if s > 0 else w_def
    total = sum(c.garrison_base + worth[i] for i in held) or 1.0
    garrison = [(c.garrison_base + worth[i]) / total for i in front]
    got = th.memo.layouts[fac.fid] = Layout(targets, value, front, w_def, garrison)
    return got


def defence_shares(model: ProxyWarModel, fac: Faction) -> dict[int, tuple[float, float]]:
    """This week's defence: front place -> (share of the mobile defence, share of the garrison).

    The mobile defence stands where the layout puts it, plus ``reinforce``
    times the place's *threat*: the attacks it met lately (each week's share
    of the attackers' force there, halved every week). Why lagged: a defender
    reinforces where it has been hit, so an attacker that switches to a
    quiet sector finds it thin, as the LNA found Gharyan in June 2019.
    """
    lay = layout(model, fac)
    threat = fac.threat
    reinforce = model.spec.combat.reinforce
    w = [
        wd + reinforce * threat.get(i, 0.0)
        for i, wd in zip(lay.front, lay.front_weight, strict=True)
    ]
    s = sum(w)
    if s > 0:
        w = [x / s for x in w]
    return {i: (wd, wg) for i, wd, wg in zip(lay.front, w, lay.garrison_share, strict=True)}


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
        front_q, garrison_q, shares, mercs = week
        wd, wg = shares.get(q, (0.0, 0.0))
        ys.append(front_q * wd + garrison_q * wg + mercs.get(q, 0.0))
        rate.append(
            breaks
            * (m_f * reach[q] / (cover[q] * fort[q]))
            / (air[e.fid] * max(strength(e, q), 1e-6))
        )
    x_all = force + merc
    scores = []
    for v, r, y in zip(lay.target_value, rate, ys, strict=True):
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


def allocation_share(model: ProxyWarModel, fac: Faction, place: int) -> float:
    """The share of ``fac``'s ready fighters standing at ``place`` (front or garrison)."""
    wd, wg = fac.defence.get(place, (0.0, 0.0))
    if wd == 0.0 and wg == 0.0:
        c = model.spec.combat
        held = model.theatre.held_by(fac.fid)
        total = sum(c.garrison_base + model.place_value[i] for i in held) or 1.0
        return (1.0 - fac.front_share) * (c.garrison_base + model.place_value[place]) / total
    return fac.front_share * wd + (1.0 - fac.front_share) * wg


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
    """
    plan = fac.attack_plan
    ready = fac.available()
    front = ready * fac.front_share
    garrison = ready - front
    attacking = fac.attacking and bool(plan.shares) and not paused
    att_force = front * fac.attack_share if attacking else 0.0
    att = {q: att_force * w for q, w in plan.shares.items()} if attacking else {}
    groups = model.groups_of(fac)
    if groups:
        th = model.theatre
        holder = th.holder
        main = plan.main if attacking else _most_threatened(model, fac)
        for g in groups:
            station = th.index.get(g.station)  # None: the main effort
            if station is not None and holder[station] == fac.fid:
                g.location = station
            else:
                g.location = main
    return Plan(att, front - att_force, garrison, fac.defence)


def _most_threatened(model: ProxyWarModel, fac: Faction) -> int | None:
    """The front place of ``fac`` its enemies' assault plans aim at most this week.

    Ties (or no enemy aiming at it at all) fall back on where its own
    defence is largest.
    """
    threat: dict[int, float] = {}
    for e in model.enemies_of(fac):
        for q, w in e.attack_plan.shares.items():
            if q in fac.defence:
                threat[q] = threat.get(q, 0.0) + w
    if threat:
        return max(threat, key=lambda q: (threat[q], -q))
    shares = fac.defence
    if not shares:
        return None
    fs = fac.front_share
    return max(shares, key=lambda i: fs * shares[i][0] + (1.0 - fs) * shares[i][1])


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
        fortification[i] = min(cap, fortification[i] + gain)
        if fortification[i] < cap:
            digging.append(i)
    if th.memo.enabled:
        th.memo.digging = digging
    if not paused:
        _shelling(model, plans, attacked)

    for q, winner, loser in captures:
        if th.holder[q] == loser.fid:
            model.transfer(q, winner, loser)
    return results


def _shelling(model: ProxyWarModel, plans: dict[str, Plan], attacked: dict[int, float]) -> None:
    """Drones and artillery across quiet front roads: the side with air superiority shells harder.

    An empty side is neither shelled nor shelling. Two factions use the
    per-map sums (:func:`_shelling_sums`); with more, each hostile pair's
    quiet roads are summed directly.
    """
    p = model.spec.combat
    shelled = p.shelling_intensity * p.lethality
    k = {f.fid: shelled * f.week_quality * model.air[f.fid] for f in model.factions}
    if len(model.factions) == 2:
        a, b = model.factions
        pa, pb = plans[a.fid], plans[b.fid]
        if pa.mobile + pa.garrison <= 0 or pb.mobile + pb.garrison <= 0:
            return
        da, ga, db, gb = _shelling_sums(model, attacked)
        _shell(a, k[b.fid] * (pb.mobile * db + pb.garrison * gb))
        _shell(b, k[a.fid] * (pa.mobile * da + pa.garrison * ga))
        return
    th, cover = model.theatre, model.cover
    lost = dict.fromkeys(k, 0.0)
    for u, v in th.front_edges():
        if u in attacked or v in attacked:
            continue
        fu, fv = model.factions_by_id[th.holder[u]], model.factions_by_id[th.holder[v]]
        if not model.hostile(fu, fv):
            continue
        lost[fu.fid] += k[fv.fid] * plans[fv.fid].defenders(v) / cover[u]
        lost[fv.fid] += k[fu.fid] * plans[fu.fid].defenders(u) / cover[v]
    for f in model.factions:
        _shell(f, lost[f.fid])


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


def _shelling_sums(
    model: ProxyWarModel, attacked: dict[int, float]
) -> tuple[float, float, float, float]:
    """Shares of each side's defence facing the other across quiet front roads, per cover.

    On a quiet road ``(u, v)`` (``u`` held by the first faction ``a``, ``v`` by
    ``b``, neither attacked), ``a`` loses ``k_b * defenders_b(v) / cover(u)``
    and ``b`` loses ``k_a * defenders_a(u) / cover(v)``. Defenders are the
    mobile defence and the garrison times the place's shares, so the week's
    shelling is two products a side of these sums:
    ``(sum wd_a(u)/cover(v), sum wg_a(u)/cover(v), sum wd_b(v)/cover(u), sum wg_b(v)/cover(u))``.
    """
    a, b = model.factions
    shares_a, shares_b = a.defence, b.defence
    da = ga = db = gb = 0.0
    for u, v, cover_u, cover_v in _front_roads(model):
        if u in attacked or v in attacked:
            continue
        wd_u, wg_u = shares_a[u]
        wd_v, wg_v = shares_b[v]
        da += wd_u / cover_v
        ga += wg_u / cover_v
        db += wd_v / cover_u
        gb += wg_v / cover_u
    return da, ga, db, gb


def _digging(model: ProxyWarModel) -> list[int]:
    """Front places whose fortification is still below the cap (kept until a capture)."""
    th = model.theatre
    got = th.memo.digging
    if got is None:
        cap = model.spec.combat.fortify_max
        got = [i for i in th.front_nodes() if th.fortification[i] < cap]
    return got


def _front_roads(model: ProxyWarModel) -> list[tuple[int, int, float, float]]:
    """Front roads as ``(u, v, cover at u, cover at v)``, ``u`` held by the first faction.

    Cached until a place changes hands.
    """
    th = model.theatre
    got = th.memo.roads
    if got is None:
        first, cover = model.factions[0].fid, model.cover
        got = []
        for u, v in th.front_edges():
            if th.holder[u] != first:
                u, v = v, u
            got.append((u, v, cover[u], cover[v]))
        if th.memo.enabled:
            th.memo.roads = got
    return got


def _shell(fac: Faction, lost: float) -> None:
    """Losses to shelling fall on the faction's own fighters at quiet front places."""
    if lost <= 0:
        return
    fac.take_losses(lost)


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
                fac.casualties += gl
