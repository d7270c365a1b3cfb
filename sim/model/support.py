"""Support: shipments from backers to clients, with delivery lags and interdiction.

Why a pipeline: support is not instantaneous. Arms ships take weeks, and an
enforced embargo intercepts some of them, so a policy acts on the front only
after a lag (stylised fact 4).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sim.scenario import CHANNELS, ROUTES

if TYPE_CHECKING:
    from sim.model.agents import Backer, Faction
    from sim.model.model import ProxyWarModel

#: a week with nothing received, by channel
NOTHING = dict.fromkeys(CHANNELS, 0.0)
#: channels an arms embargo applies to (money moves through banks, not ships)
EMBARGOED = ("arms", "drones", "air_defence", "advisers", "fighters")


class SupportNetwork:
    """Shipments in transit, embargo interdiction and the weekly support record."""

    def __init__(self, model: ProxyWarModel):
        self.model = model
        # arrival week -> (client, channel) -> quantity
        self.in_transit: dict[int, dict[tuple[Faction, str], float]] = defaultdict(dict)
        self.interdiction_p = dict.fromkeys(ROUTES, 0.0)
        self.embargo_backers: set[str] | None = None  # None: applies to every backer
        self.embargo_on = False  # whether any route is interdicted (skips the checks)
        self.intercepted = 0.0
        # support value (MUSD-equivalent) shipped to each faction, by week
        self.value_by_week: dict[str, list[float]] = {f: [] for f in model.spec.factions}
        self._this_week: dict[str, float] = dict.fromkeys(model.spec.factions, 0.0)
        self._no_value = dict(self._this_week)
        # one fixed slot of this week's random block per (backer, channel): a policy
        # that stops one shipment does not shift the luck of any other
        self._slot = {
            (b.bid, ch): k * len(CHANNELS) + j
            for k, b in enumerate(model.backers)
            for j, ch in enumerate(CHANNELS)
        }
        self._draws: list[float] = []
        # support value over the last 4 weeks, per faction and in all (kept by end_week)
        self.recent: dict[str, float] = dict.fromkeys(model.spec.factions, 0.0)
        self.recent_total = 0.0
        # advisers in transit by arrival week and backer (kept only with economy.recall_advisers,
        # so that a withdrawing backer can take its own home; the pooled pipeline is unchanged)
        self.track_advisers = model.spec.economy.recall_advisers
        self.advisers_due: dict[int, dict[str, float]] = defaultdict(dict)

    def begin_week(self) -> None:
        """Draw this week's interdiction numbers in one block (aligned across policy arms)."""
        stream = self.model.streams.support
        if self.embargo_on:
            self._draws = stream.take(len(self._slot))
        else:
            stream.skip(len(self._slot))  # unused without an embargo, but the luck stays aligned
        self._this_week.update(self._no_value)
        for fac in self.model.factions:
            fac.received.update(NOTHING)

    def impose_embargo(self, probabilities: dict[str, float], backers: set[str] | None) -> None:
        """Interdict routes with the given weekly probabilities, for ``backers`` (None: all)."""
        self.interdiction_p.update(probabilities)
        self.embargo_backers = backers
        self.embargo_on = any(v > 0 for v in self.interdiction_p.values())

    def interdiction(self, backer: Backer, channel: str, route: str) -> float:
        """Probability that a shipment on ``route`` is intercepted this week."""
        if channel not in EMBARGOED:
            return 0.0
        if self.embargo_backers is not None and backer.bid not in self.embargo_backers:
            return 0.0
        return self.interdiction_p[route]

    def ship(self, backer: Backer, orders: list[tuple], scale: float, value: float) -> None:
        """Send this week's orders to the backer's client, each arriving after its lag.

        Each order (see :meth:`Backer._order_book`) ships ``amount * scale`` and
        is intercepted when the backer-channel's slot of this week's draws falls
        below the route's interdiction probability under an embargo. ``value``
        (what was sent, intercepted or not) goes to the week's support record.
        """
        week = self.model.week
        in_transit = self.in_transit
        embargo = self.embargo_on
        for ch, amount, lag, route, key in orders:
            qty = amount * scale
            if embargo and self._draws[self._slot[backer.bid, ch]] < self.interdiction(
                backer, ch, route
            ):
                self.intercepted += qty
                continue
            due = in_transit[week + lag]
            due[key] = due.get(key, 0.0) + qty
            if self.track_advisers and ch == "advisers":
                mine = self.advisers_due[week + lag]
                mine[backer.bid] = mine.get(backer.bid, 0.0) + qty
        self._this_week[backer.client.fid] += value

    def deliver(self) -> None:
        """Hand over every shipment due this week."""
        due = self.in_transit.pop(self.model.week, None)
        if due:
            for (client, channel), qty in due.items():
                client.receive(channel, qty)
        if self.track_advisers:
            mine = self.advisers_due.pop(self.model.week, None)
            if mine:
                for bid, qty in mine.items():
                    client = self.model.backers_by_id[bid].client
                    client.advisers_by[bid] = client.advisers_by.get(bid, 0.0) + qty

    def recall_advisers(self, backer: Backer) -> None:
        """Take ``backer``'s advisers home: those with its client and those on their way.

        Why: advisers are the backer's officers; a state that ends its support
        recalls them (as it recalls its contractors) rather than leaving them to
        rotate out over months. Needs ``economy.recall_advisers`` (the record by backer).
        """
        client = backer.client
        here = client.advisers_by.pop(backer.bid, 0.0)
        client.advisers = max(0.0, client.advisers - here)
        for week, mine in self.advisers_due.items():
            qty = mine.pop(backer.bid, 0.0)
            if qty > 0:
                pooled = self.in_transit[week]
                key = (client, "advisers")
                rest = pooled.get(key, 0.0) - qty
                if rest > 1e-9:
                    pooled[key] = rest
                else:  # none left: no rounding residue may count as a delivery
                    pooled.pop(key, None)

    def end_week(self, window: int = 4) -> None:
        """Record this week's support value per faction, and each one's last ``window`` weeks."""
        total = 0.0
        for f, v in self._this_week.items():
            series = self.value_by_week[f]
            series.append(v)
            recent = sum(series[-window:])
            self.recent[f] = recent
            total += recent
        self.recent_total = total

    def record(self, client: Faction, value: float) -> None:
        """Add support given outside the shipments (a group's pay) to this week's record."""
        self._this_week[client.fid] += value

    def trend_ready(self) -> bool:
        """Whether two full four-week windows of support have been recorded."""
        series = next(iter(self.value_by_week.values()), [])
        return len(series) >= 8

    def side_totals(self, client: Faction) -> tuple[float, float]:
        """Foreign support over the last 4 weeks: to the client's enemies, and to its side."""
        own = self.recent.get(client.fid, 0.0)
        if self.model.sides is not None:  # many sides: only the enemies' support is rival
            rival = sum([self.recent.get(e.fid, 0.0) for e in self.model.enemies_of(client)])
            return rival, own
        return self.recent_total - own, own
