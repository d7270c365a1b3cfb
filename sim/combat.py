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
    from sim.agents import Faction, MercenaryGroup
    from sim.model import ProxyWarModel

AD_HALF = 10.0  # air-defence units that neutralise half the rival's drones (assumption)
GARRISON_BASE = 0.5  # garrison weight of a place worth nothing; value adds to it (assumption)
DEFENCE_FLOOR = 0.1  # share-weight every front place gets, however remote (assumption)


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


def air_multipliers(a: Faction, b: Faction, weight: float) -> tuple[float, float]:
    """Air superiority: drones, discounted by the rival's air defence, tilt combat."""
    air_a = a.drones * (1.0 - b.air_defence / (b.air_defence + AD_HALF))
    air_b = b.drones * (1.0 - a.air_defence / (a.air_defence + AD_HALF))
    edge = (air_a - air_b) / (air_a + air_b + 1.0)
    return 1.0 + weight * edge, 1.0 - weight * edge


def fix_strengths(model: ProxyWarModel) -> None:
    """Fix this week's combat quality and air multipliers, once support has arrived.

    Why once: nothing that sets them (morale, stocks, drones, air defence)
    changes between the deliveries and the fighting, and both factions'
    decisions and the combat read them several times a week.
    """
    a, b = model.factions
    a.week_quality, b.week_quality = a.quality(), b.quality()
    m_a, m_b = air_multipliers(a, b, model.spec.combat.air_weight)
    model.air = {a.fid: m_a, b.fid: m_b}


def _weights(
    model: ProxyWarModel, fac: Faction, places: list[int], attack: bool, cover: list[float]
) -> list[float]:
    """Where a faction puts its fighters (shares summing to 1).

    Attackers concentrate on targets near their objective and where the
    terrain gives least cover. Defenders guard what is near their home and
    their own objective (forward bases), with a floor so that no front place
    is left empty.
    """
    th = model.theatre
    dist = th.dist_rows
    open_obj = [o for o in fac.objective if th.holder[o] != fac.fid] or fac.objective
    f = fac.focus_km
    out = []
    for i in places:
        d_obj = min(dist[i][o] for o in open_obj)
        if attack:
            w = math.exp(-d_obj / f) / cover[i]
        else:
            w = DEFENCE_FLOOR + math.exp(-dist[i][fac.home] / f) + math.exp(-d_obj / f)
        out.append(w * (1.0 + model.place_value[i]))
    s = sum(out)
    return [w / s for w in out] if s > 0 else out


def _allocation(model: ProxyWarModel, fac: Faction) -> tuple:
    """How a faction spreads its forces, cached until a place changes hands.

    Returns:
        ``(targets, attack shares, main target, {front place: (defence share,
        garrison share)}, most threatened front place)``. Garrison shares are
        each front place's part of the whole garrison (by worth, over every
        place held); the main target and front place are where the shares are
        largest (None when there are none).
    """
    th = model.theatre
    key = ("allocation", fac.fid)
    got = th.memo.get(key)
    if got is None:
        cover = model.cover
        targets, own_front, held = th.layout(fac.fid)
        w_att = _weights(model, fac, targets, True, cover)
        w_def = _weights(model, fac, own_front, False, cover)
        gw = {i: GARRISON_BASE + model.place_value[i] for i in held}
        total = sum(gw.values()) or 1.0
        defence_at = {i: (wd, gw[i] / total) for i, wd in zip(own_front, w_def, strict=True)}
        main_target = targets[max(range(len(targets)), key=w_att.__getitem__)] if targets else None
        fs = fac.front_share  # a holding side's defence and garrison are these shares of it
        main_front = (
            max(defence_at, key=lambda i: fs * defence_at[i][0] + (1.0 - fs) * defence_at[i][1])
            if defence_at
            else None
        )
        got = th.memo[key] = (targets, w_att, main_target, defence_at, main_front)
    return got


def _assault_rows(model: ProxyWarModel, fac: Faction) -> tuple[list[tuple], int | None]:
    """Per target: ``(place, attack share, enemy defence share, enemy garrison share, cover)``.

    Cached with the allocation (until a place changes hands); the second item
    is the main target (where the mercenaries go). A target the enemy does not
    defend has both enemy shares 0.
    """
    key = ("odds", fac.fid)
    cache = model.theatre.memo
    got = cache.get(key)
    if got is None:
        cover = model.cover
        targets, w_att, main, _, _ = _allocation(model, fac)
        enemy_shares = _allocation(model, fac.enemy)[3]  # front place -> (defence, garrison)
        rows = [
            (q, w, *enemy_shares.get(q, (0.0, 0.0)), cover[q])
            for q, w in zip(targets, w_att, strict=True)
        ]
        got = (rows, main)
        cache[key] = got
    return got


def assault_odds(model: ProxyWarModel, fac: Faction) -> float:
    """How promising an assault looks this week: the best target's expected odds.

    For each target, with the faction's planned attack force ``x`` and the
    enemy's expected defenders ``y`` (assuming the enemy holds), the square law
    with no noise puts the defenders' breakpoint at ``t_y ~ d_b y / (alpha x)``
    and the attackers' at ``t_x ~ a_b x / (beta y)``; the odds are
    ``t_x / t_y = (a_b / d_b) (alpha / beta) (x / y)**2`` (> 1: the defence is
    expected to break first). Why: commanders attack where they expect to win,
    so a side that gains support attacks more, and a weak one digs in instead
    of bleeding against a fortified front.
    """
    enemy = fac.enemy
    if enemy is None:
        return 0.0
    rows, main = _assault_rows(model, fac)
    if not rows:
        return 0.0
    p = model.spec.combat
    fort = model.theatre.fortification
    e_ready = enemy.available()
    e_front = e_ready * enemy.front_share
    e_garrison = e_ready * (1.0 - enemy.front_share)
    att_force = fac.available() * fac.front_share * fac.attack_share
    merc = sum([g.fighters * g.quality for g in model.groups_of(fac) if g.active])
    m_f, m_e = model.air[fac.fid], model.air[enemy.fid]
    qf, qe = fac.week_quality, enemy.week_quality
    breaks = p.attacker_break / p.defender_break
    best = 0.0
    for q, w, wd, wg, cover_q in rows:
        x = att_force * w * qf + (merc if q == main else 0.0)
        y = (e_front * wd + e_garrison * wg) * qe
        if y <= 0:
            return float("inf")
        ratio = (m_f / (cover_q * fort[q])) / m_e
        odds = breaks * ratio * (x / y) ** 2
        if odds > best:
            best = odds
    return best


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


def _plan(model: ProxyWarModel, fac: Faction, ceasefire: bool) -> Plan:
    """A faction's plan for the week: attackers per target, and its defence.

    Defenders at a front place are the mobile defence times the place's
    defence share plus the garrison times its garrison share (see
    :func:`_allocation`). Its mercenary groups are placed as well: at their
    station when it is held or attacked, otherwise at the main effort (the
    biggest attack, or the most threatened front place when not attacking).
    """
    targets, w_att, main_target, defence_at, main_front = _allocation(model, fac)
    ready = fac.available()
    front = ready * fac.front_share
    garrison = ready - front
    attacking = fac.posture == "attack" and bool(targets) and not ceasefire
    att_force = front * fac.attack_share if attacking else 0.0
    att = {i: att_force * w for i, w in zip(targets, w_att, strict=True)} if attacking else {}
    groups = model.groups_of(fac)
    if groups:
        th = model.theatre
        holder = th.holder
        # the biggest share gets the biggest force (forces are shares times one total)
        main = main_target if attacking else main_front
        for g in groups:
            station = th.index.get(g.station)  # None: the main effort
            if station is not None and (holder[station] == fac.fid or station in att):
                g.location = station
            else:
                g.location = main
    return Plan(att, front - att_force, garrison, defence_at)


def fight_week(model: ProxyWarModel) -> list[Engagement]:
    """Resolve every engagement on the front this week, and move the front."""
    th = model.theatre
    p = model.spec.combat
    noise = model.streams.combat.take(2 * len(th.ids))  # [attacker, defender] per place
    a, b = model.factions
    ceasefire = model.fighting_paused  # a ceasefire or a truce

    # allocation, computed before anything moves (the week's plan)
    plan_a, plan_b = _plan(model, a, ceasefire), _plan(model, b, ceasefire)
    results: list[Engagement] = []
    attacked: set[int] = set()
    captures: list[tuple[int, Faction, Faction]] = []
    if plan_a.attack:
        _assault(model, a, b, plan_a, plan_b, noise, results, attacked, captures)
    if plan_b.attack:
        _assault(model, b, a, plan_b, plan_a, noise, results, attacked, captures)

    # static fronts: digging in where nobody attacks, and shelling across quiet roads
    fortification = th.fortification
    step, cap = p.fortify_rate, p.fortify_max
    digging = []  # front places still below the cap (none gains anything at the cap)
    for i in _digging(model):
        if i not in attacked:
            fortification[i] = min(cap, fortification[i] + step)
        if fortification[i] < cap:
            digging.append(i)
    th.memo["digging"] = digging
    # an empty side is neither shelled nor shelling (defence shares are never 0)
    manned = plan_a.mobile + plan_a.garrison > 0 and plan_b.mobile + plan_b.garrison > 0
    if manned and not ceasefire:
        # drones and artillery: the side with air superiority shells harder
        shelled = p.shelling_intensity * p.lethality
        k_a = shelled * a.week_quality * model.air[a.fid]
        k_b = shelled * b.week_quality * model.air[b.fid]
        da, ga, db, gb = _shelling_sums(model, attacked)
        _shell(a, k_b * (plan_b.mobile * db + plan_b.garrison * gb))
        _shell(b, k_a * (plan_a.mobile * da + plan_a.garrison * ga))

    for q, winner, loser in captures:
        if th.holder[q] == loser.fid:
            model.transfer(q, winner, loser)
    return results


def _assault(
    model: ProxyWarModel,
    att_f: Faction,
    def_f: Faction,
    plan: Plan,
    defence: Plan,
    noise: list[float],
    results: list[Engagement],
    attacked: set[int],
    captures: list[tuple[int, Faction, Faction]],
) -> None:
    """One side's engagements this week, one per target it attacks.

    Losses are applied as each is fought; places that fell are added to
    ``captures`` and change hands after all the week's fighting.
    """
    p = model.spec.combat
    cover, fortification = model.cover, model.theatre.fortification
    att_groups = [g for g in model.groups_of(att_f) if g.active]
    def_groups = [g for g in model.groups_of(def_f) if g.active]
    am, dm = model.air[att_f.fid], model.air[def_f.fid]
    qa, qd = att_f.week_quality, def_f.week_quality
    lethality = p.lethality
    for q, x_own in plan.attack.items():
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
        attacked.add(q)
        # quality-weighted per-fighter effectiveness, mercenaries included
        qa_eff = (x_own * qa + xm_str) / x0
        qd_eff = (y_own * qd + ym_str) / y0 if y0 > 0 else qd
        shield = cover[q] * fortification[q]
        alpha = lethality * qa_eff * am * noise[2 * q] / shield
        beta = lethality * qd_eff * dm * noise[2 * q + 1]
        if y0 <= 0:
            x1, y1, captured = x0, 0.0, True
        else:
            x1, y1, captured = engagement(x0, y0, alpha, beta, p.attacker_break, p.defender_break)
        _apply_losses(att_f, att_groups, q, x_own, xm, x0 - x1)
        _apply_losses(def_f, def_groups, q, y_own, ym, y0 - y1)
        results.append(Engagement(q, att_f.fid, def_f.fid, x0, y0, x1, y1, captured))
        if captured:
            captures.append((q, att_f, def_f))


def _shelling_sums(model: ProxyWarModel, attacked: set[int]) -> tuple[float, float, float, float]:
    """Shares of each side's defence facing the other across quiet front roads, per cover.

    On a quiet road ``(u, v)`` (``u`` held by the first faction ``a``, ``v`` by
    ``b``, neither attacked), ``a`` loses ``k_b * defenders_b(v) / cover(u)``
    and ``b`` loses ``k_a * defenders_a(u) / cover(v)``. Defenders are the
    mobile defence and the garrison times the place's shares, so the week's
    shelling is two products a side of these sums:
    ``(sum wd_a(u)/cover(v), sum wg_a(u)/cover(v), sum wd_b(v)/cover(u), sum wg_b(v)/cover(u))``.
    Why: the sums over all front roads change only with a capture, and are
    cached; only a week with attacks needs the loop.
    """
    key = "shelling"
    cache = model.theatre.memo
    if not attacked and key in cache:
        return cache[key]
    a, b = model.factions
    shares_a, shares_b = _allocation(model, a)[3], _allocation(model, b)[3]
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
    got = (da, ga, db, gb)
    if not attacked:
        cache[key] = got
    return got


def _digging(model: ProxyWarModel) -> list[int]:
    """Front places whose fortification is still below the cap (kept until a capture)."""
    th = model.theatre
    got = th.memo.get("digging")
    if got is None:
        cap = model.spec.combat.fortify_max
        got = [i for i in th.front_nodes() if th.fortification[i] < cap]
    return got


def _front_roads(model: ProxyWarModel) -> list[tuple[int, int, float, float]]:
    """Front roads as ``(u, v, cover at u, cover at v)``, ``u`` held by the first faction.

    Cached until a place changes hands.
    """
    th = model.theatre
    got = th.memo.get("roads")
    if got is None:
        first, cover = model.factions[0].fid, model.cover
        got = []
        for u, v in th.front_edges():
            if th.holder[u] != first:
                u, v = v, u
            got.append((u, v, cover[u], cover[v]))
        th.memo["roads"] = got
    return got


def _shell(fac: Faction, lost: float) -> None:
    """Losses to shelling fall on the faction's own fighters at quiet front places."""
    if lost <= 0:
        return
    fac.fighters = max(0.0, fac.fighters - lost)
    fac.casualties += lost


def _apply_losses(
    fac: Faction, groups: list[MercenaryGroup], place: int, own: float, merc: float, lost: float
) -> None:
    """Split a week's losses between the faction's own fighters and its mercenaries there."""
    if lost <= 0:
        return
    total = own + merc
    if total <= 0:
        return
    own_loss = lost * own / total
    fac.fighters = max(0.0, fac.fighters - own_loss)
    fac.casualties += own_loss
    if merc > 0:
        for g in groups:
            if g.location == place:
                gl = lost * g.fighters / total
                g.fighters = max(0.0, g.fighters - gl)
                g.losses += gl
                fac.casualties += gl
