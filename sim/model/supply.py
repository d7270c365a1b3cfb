"""Supply lines: what a faction can feed, and what it must give up.

Why: a front is held by what reaches it. A place is *supplied* when its
holder can reach one of its supply sources (its home, and the ports and air
bases where its backers' shipments land: ``factions.X.supply``) through places
it holds. An unsupplied place weakens week by week (``unsupplied_decay``) and
is abandoned to the enemy after ``abandon_weeks``, its defenders losing
``abandon_loss`` of themselves on the way out; so losing a hub can collapse a
whole sector, as the LNA's western front did after Al-Watiya and Tarhuna fell
in 2020. Distance from the nearest source also wears effectiveness down
(``supply_range_km``: half strength that far away), so an attacker's own
lines lengthen as it advances and its offensive stalls again.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.defence import allocation_share

if TYPE_CHECKING:
    from sim.model.agents import Faction
    from sim.model.model import ProxyWarModel


class SupplyLines:
    """Who can feed which place; cut places counted week by week.

    Attributes:
        unsupplied: weeks each place has been cut off from its holder's sources.
    """

    def __init__(self, model: ProxyWarModel):
        self.model = model
        th = model.theatre
        self.sources = {
            f.fid: sorted({f.home, *(th.index[p] for p in model.spec.factions[f.fid].supply)})
            for f in model.factions
        }
        self.unsupplied = [0] * len(th.ids)
        c = model.spec.combat
        self.range_km = c.supply_range_km
        self.decay = c.unsupplied_decay
        # supply sources held -> reach at every place: the reach depends on nothing else,
        # and the sources rarely change hands though the front does (the map memo
        # forgets its ``reach`` at every capture); kept for the run, with caches on
        self._reach_by_sources: dict[tuple[int, ...], list[float]] = {}

    def supplied(self, fac: Faction) -> frozenset[int]:
        """Places ``fac`` holds that a road through its own places links to one of its sources."""
        th = self.model.theatre
        got = th.memo.supplied.get(fac.fid)
        if got is None:
            holder, nb, fid = th.holder, th.neighbours, fac.fid
            stack = [s for s in self.sources[fid] if holder[s] == fid]
            seen = set(stack)
            while stack:
                i = stack.pop()
                for n in nb[i]:
                    if n not in seen and holder[n] == fid:
                        seen.add(n)
                        stack.append(n)
            got = th.memo.supplied[fac.fid] = frozenset(seen)
        return got

    def reach(self, fac: Faction) -> list[float]:
        """Per place: how much of ``fac``'s strength its supply lines carry there (0-1].

        ``1 / (1 + d / supply_range_km)`` with ``d`` the road distance to the
        nearest source ``fac`` holds; 0 everywhere when it holds none.
        """
        th = self.model.theatre
        memo = th.memo
        got = memo.reach.get(fac.fid)
        if got is None:
            holder, fid = th.holder, fac.fid
            held = tuple([s for s in self.sources[fid] if holder[s] == fid])
            got = self._reach_by_sources.get(held)
            if got is None:
                if not held:
                    got = [0.0] * len(th.ids)
                else:
                    r = self.range_km
                    rows = th.dist_rows
                    got = [
                        1.0 / (1.0 + min(rows[q][s] for s in held) / r) for q in range(len(th.ids))
                    ]
                if memo.enabled:
                    self._reach_by_sources[held] = got
            memo.reach[fid] = got
        return got

    def strength(self, fac: Faction, place: int) -> float:
        """``fac``'s supply factor defending ``place``: reach, less the weeks it was cut off."""
        cut = self.unsupplied[place]
        base = self.reach(fac)[place]
        return base * math.exp(-self.decay * cut) if cut else base

    def update(self) -> None:
        """Count cut-off weeks; abandon places cut off too long (after the week's fighting).

        A faction's places are checked in a fixed order (by index), so the
        result does not depend on the activation order. An abandoned place
        goes to the hostile neighbour with the most fighters.
        """
        m = self.model
        th = m.theatre
        weeks = m.spec.combat.abandon_weeks
        cut_somewhere = any(self.unsupplied)
        for fac in m.factions:
            fed = self.supplied(fac)
            if not cut_somewhere and len(fed) == th.count(fac.fid):
                continue  # every place it holds is fed and none was cut: nothing to count
            # the places it holds now (the layout's list, cached until a capture; a
            # capture in this loop makes the theatre a new list, not change this one)
            for i in th.layout(fac.fid)[2]:
                if th.holder[i] != fac.fid:
                    continue  # abandoned earlier in this loop
                if i in fed:
                    if self.unsupplied[i]:
                        self.unsupplied[i] = 0
                        m.log_event(
                            fac.fid,
                            "supply_restored",
                            f"{fac.fid} reopens the road to {th.places[i].name}",
                            th.ids[i],
                        )
                    continue
                self.unsupplied[i] += 1
                if self.unsupplied[i] == 1:
                    m.log_event(
                        fac.fid,
                        "supply_cut",
                        f"{fac.fid}'s {th.places[i].name} is cut off",
                        th.ids[i],
                    )
                if self.unsupplied[i] >= weeks:
                    self._abandon(fac, i)
                    fed = self.supplied(fac)

    def _abandon(self, fac: Faction, place: int) -> None:
        """Give up a cut-off place: its defenders withdraw with losses; an enemy moves in."""
        m = self.model
        th = m.theatre
        rivals = [
            m.factions_by_id[th.holder[n]]
            for n in th.neighbours[place]
            if th.holder[n] != fac.fid and m.hostile(fac, m.factions_by_id[th.holder[n]])
        ]
        if not rivals:
            return  # nobody to hand it to: it holds on, cut off
        winner = max(rivals, key=lambda f: (f.fighters, f.fid))
        alloc_share = allocation_share(m, fac, place)
        lost = fac.available() * alloc_share * m.spec.combat.abandon_loss
        if lost > 0:
            fac.take_losses(lost)
        self.unsupplied[place] = 0
        m.transfer(place, winner, fac, kind="abandon")
