"""Defence allocation: where a faction stands on the defensive this week.

What its position on the map fixes (:class:`Layout`: targets, front places and
their standing weights, cached until a place changes hands), the week's
defence shares (reinforced where it was attacked lately) and the share of its
fighters standing at any place it holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.faction import Faction
    from sim.model.model import ProxyWarModel


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
        front_pull: where a faction that draws on its garrisons
            (``garrison_draw``) sends the drawn part, before the threat: each
            front place near its objective, by worth, normalised (None when it
            draws nothing).
        front_draw: the share of each front place's garrison it draws
            (``garrison_draw`` times the place's non-local share; None when it
            draws nothing).
        calm: the defence shares of a week with no threat anywhere (see
            :func:`defence_shares`), filled on first use. Why kept: they
            depend on the layout alone, so they live (and are forgotten) with
            it; a faction nobody attacked lately reads them week after week.
    """

    targets: list[int]
    target_value: list[float]
    front: list[int]
    front_weight: list[float]
    garrison_share: list[float]
    front_pull: list[float] | None = None
    front_draw: list[float] | None = None
    calm: dict[int, tuple[float, float]] | None = None


@dataclass(slots=True)
class PlaceWeights:
    """What a faction's open objectives make of every place (see :func:`layout`).

    Why kept for the run (in ``Theatre.place_weights``, by faction and open
    objectives): they depend on the objectives still to take, which seldom
    change, while the layout that reads them is rebuilt at every capture.

    Attributes:
        value: each place's worth as a target (near the objectives, worth much).
        standing: each place's standing weight of the mobile defence (floor,
            near home, near the objectives, by worth), before normalising.
    """

    value: list[float]
    standing: list[float]


def _place_weights(model: ProxyWarModel, fac: Faction, open_obj: tuple[int, ...]) -> PlaceWeights:
    """The :class:`PlaceWeights` of ``fac`` with objectives ``open_obj`` still to take."""
    th = model.theatre
    key = (fac.fid, open_obj)
    got = th.place_weights.get(key)
    if got is None:
        c = model.spec.combat
        dist, worth = th.dist_rows, model.place_value
        f, home = fac.focus_km, fac.home
        value, standing = [], []
        for q in range(len(dist)):
            d_obj = min(dist[q][o] for o in open_obj)
            value.append(math.exp(-d_obj / f) * (1.0 + worth[q]))
            w = c.defence_floor + math.exp(-dist[q][home] / f) + math.exp(-d_obj / f)
            standing.append(w * (1.0 + worth[q]))
        got = PlaceWeights(value, standing)
        if th.memo.enabled:
            th.place_weights[key] = got
    return got


def layout(model: ProxyWarModel, fac: Faction) -> Layout:
    """A faction's :class:`Layout`, cached until a place changes hands."""
    th = model.theatre
    got = th.memo.layouts.get(fac.fid)
    if got is not None:
        return got
    c = model.spec.combat
    targets, front, held = th.layout(fac.fid)
    worth = model.place_value
    holder, fid = th.holder, fac.fid
    open_obj = tuple([o for o in fac.objective if holder[o] != fid]) or tuple(fac.objective)
    weights = _place_weights(model, fac, open_obj)
    by_place = weights.value
    value = [by_place[q] for q in targets]
    by_place = weights.standing
    w_def = [by_place[i] for i in front]
    s = sum(w_def)
    w_def = [w / s for w in w_def] if s > 0 else w_def
    total = sum(c.garrison_base + worth[i] for i in held) or 1.0
    garrison = [(c.garrison_base + worth[i]) / total for i in front]
    pull = draw = None
    if fac.garrison_draw > 0:
        places = th.places
        draw = [fac.garrison_draw * (1.0 - places[i].garrison_local) for i in front]
        by_place = weights.value  # the pull toward the objectives: a place's worth as a target
        pull = [by_place[i] for i in front]
        s = sum(pull)
        pull = [w / s for w in pull] if s > 0 else pull
    got = th.memo.layouts[fac.fid] = Layout(targets, value, front, w_def, garrison, pull, draw)
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
    if not threat and lay.calm is not None:
        return lay.calm  # no threat: ``wd + reinforce * 0.0`` is ``wd``, as computed before
    if threat:
        reinforce = model.spec.combat.reinforce
        w = [
            wd + reinforce * threat.get(i, 0.0)
            for i, wd in zip(lay.front, lay.front_weight, strict=True)
        ]
    else:
        w = lay.front_weight
    s = sum(w)
    if s > 0:
        w = [x / s for x in w]
    g = lay.garrison_share
    if lay.front_pull is not None and lay.front_draw is not None:  # set together
        pull = lay.front_pull
        if threat:
            reinforce = model.spec.combat.reinforce
            pull = [
                p + reinforce * threat.get(i, 0.0) for i, p in zip(lay.front, pull, strict=True)
            ]
            s = sum(pull)
            pull = [x / s for x in pull] if s > 0 else pull
        g = drawn_garrison(g, pull, lay.front_draw)
    # front place -> (wd, wg), built in C rather than by a comprehension
    shares = dict(zip(lay.front, zip(w, g, strict=True), strict=True))
    if not threat:
        lay.calm = shares  # the Layout is the theatre's memo's: kept only with caches on
    return shares


def drawn_garrison(garrison: list[float], pull: list[float], draw: list[float]) -> list[float]:
    """Front garrison shares after the share ``draw`` of each is drawn to the main front.

    Each front place keeps ``1 - draw`` of its garrison share (its local forces
    stay: ``places.X.garrison_local``); the drawn part,
    pooled, stands in proportion to ``pull`` (normalised: the front places near
    the faction's objective, by worth, plus ``reinforce`` times where it was hit
    lately). The front's total garrison is unchanged. Why: a faction on the
    offensive strips its quiet rear hubs to feed the main front, as the LNA
    stripped Gharyan for the Tripoli suburbs in spring 2019; the hub stays thin
    until it is attacked, when the threat it meets pulls the pooled part back.
    The draw does not depend on posture (docs/ODD.md 7.1).
    """
    pool = sum([d * gi for d, gi in zip(draw, garrison, strict=True)])
    return [(1.0 - d) * gi + pool * wi for gi, wi, d in zip(garrison, pull, draw, strict=True)]


def allocation_share(model: ProxyWarModel, fac: Faction, place: int) -> float:
    """The share of ``fac``'s ready fighters standing at ``place`` (front or garrison)."""
    wd, wg = fac.defence.get(place, (0.0, 0.0))
    if wd == 0.0 and wg == 0.0:
        c = model.spec.combat
        held = model.theatre.held_by(fac.fid)
        total = sum(c.garrison_base + model.place_value[i] for i in held) or 1.0
        return (1.0 - fac.front_share) * (c.garrison_base + model.place_value[place]) / total
    return fac.front_share * wd + (1.0 - fac.front_share) * wg
