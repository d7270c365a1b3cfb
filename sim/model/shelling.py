"""Shelling: drones and artillery across the quiet front roads of the week.

Where no assault is fought, each side shells the other's defenders across the
front roads they share; air superiority makes it harder. Called by
:func:`sim.model.combat.fight_week` after the assaults, unless fighting is
paused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.combat import Plan
    from sim.model.faction import Faction
    from sim.model.model import ProxyWarModel


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
