"""The foreign backer: support level, resolve, channels, withdrawal and veto.

What it ships travels through :mod:`sim.model.support` (lags, interdiction,
the support record rival backers read); interventions act on it through
:mod:`sim.model.pressure`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa

from sim.model.smooth import logistic

if TYPE_CHECKING:
    from sim.model.faction import Faction
    from sim.model.model import ProxyWarModel
    from sim.scenario import Backer as BackerSpec


@dataclass
class ChannelState:
    """A backer's live support channel."""

    amount: float
    unit_cost: float
    lag: int
    route: str
    start_week: int
    active: bool = True


class Backer(mesa.Agent):
    """A foreign state backing a client faction through support channels.

    Its support level moves smoothly each week: up when its client is losing
    and when the rival side's foreign support (contracted fighters' pay
    included) outweighs its own side's (competitive escalation), down when its
    client is winning and as costs wear its resolve down. Resolve drains with
    what it spends, sanctions and reputational cost; below ``withdraw_resolve``
    it withdraws. It pays its mercenary groups out of its weekly budget, and
    may veto a ceasefire while its client still expects to win.
    """

    def __init__(self, model: ProxyWarModel, bid: str, spec: BackerSpec):
        super().__init__(model)
        self.bid = bid
        self.name = spec.name
        self.client: Faction = model.factions_by_id[spec.client]
        self.resolve = spec.resolve
        self.budget = spec.budget
        self.responsiveness = spec.responsiveness
        self.escalation_response = spec.escalation_response
        self.escalation_threshold = spec.escalation_threshold
        self.max_level = spec.max_level
        self.withdraw_resolve = spec.withdraw_resolve
        self.veto_power = spec.veto
        self.veto_resolve = spec.veto_resolve
        self.reputation_cost = spec.reputation_cost
        self.deescalation = spec.deescalation
        self.rival_elasticity = spec.rival_elasticity
        self.cost_sensitivity = spec.cost_sensitivity
        self.initial_resolve = spec.resolve
        self.channels: dict[str, ChannelState] = {
            ch: ChannelState(c.amount, c.unit_cost, c.lag_weeks, c.route, c.start_week)
            for ch, c in spec.channels.items()
        }
        self._book: tuple[list[tuple], float, float] | None = None
        self._book_until = 0  # the week from which the order book must be rebuilt
        self.level = 1.0
        self.cost_multiplier = 1.0
        self.resolve_drain = 0.0  # per week, from sanctions
        self.withdrawn = False
        self.withdrawn_week: int | None = None
        self.spent = 0.0
        self.spent_week = 0.0  # last week's spending (channels and groups' pay)
        self.merc_bill = 0.0  # last week's pay to its groups (MUSD), out of the budget
        self.escalations = 0
        self.rival_ref: float | None = None  # rival side's support when it took stock
        self.own_ref = 0.0  # its client's support when it took stock
        self._logged_level = 1.0

    def step(self) -> None:
        """The backer's week: decide the support level, then ship."""
        self.decide()
        self.ship()

    def decide(self) -> None:
        """Move the support level and resolve; withdraw when resolve runs out.

        ``level += responsiveness * (2 need - 1)
        + escalation_response * resolve * (aim - log level)
        - deescalation * max(0, level - 1) * (1 - resolve / initial resolve)``,
        where ``need`` (0-1, 0.5 at parity) falls as the client's power ratio
        rises, and ``aim`` is ``rival_elasticity`` times ``ln(1 + (R - R0) / O0)``:
        what the rival side's foreign support (contracted fighters' pay
        included, last four weeks) gained since the backer took stock (the
        first full trend window), against what its own client then received,
        less a dead zone of ``escalation_threshold``. Why in proportion to the *rival's* support:
        competitive escalation answers the other side (Salehyan, Gleditsch
        and Cunningham 2011); a backer that filled every gap on its own side
        would make each cut in one side's support a reason for its other
        backers to send more, and that side's loss a gain. Resolve drains with
        spending (``cost_sensitivity`` per week at full budget), sanctions and
        reputation.
        """
        if self.withdrawn:
            return
        m = self.model
        support = m.support
        client = self.client
        need = client.need()
        rival, own = support.side_totals(client)
        drive = self.responsiveness * (2.0 * need - 1.0)
        bound = self.bid in m.termination.bound  # self.bound, read once
        # ``b if b > a else a`` is ``max(a, b)`` and ``b if b < a else a`` is ``min(a, b)``
        # (the same value in every case, NaN included), without the calls
        rival_ref = self.rival_ref
        if rival_ref is None:
            if support.trend_ready():
                self.rival_ref = rival  # what the rival side received when it took stock
                self.own_ref = own
        elif rival > 0 and rival_ref > 0 and self.escalation_response > 0:
            # answer the rival side's support in kind: what the rival side gained
            # since the reference, as a share of what its own client then received,
            # less a dead zone, sets the log level it aims at. Why not the rival's
            # growth rate: a small patron tripling a trickle would make a large one
            # triple a flood, and a surge by the weaker patron would backfire.
            # a client that got nothing at stock-taking: measure the gain against the
            # rival's own reference, which is the growth rate (the rule's old form)
            own_ref = self.own_ref if self.own_ref > 0 else rival_ref
            gained = 1.0 + (rival - rival_ref) / own_ref
            grown = math.log(gained if gained > 1e-3 else 1e-3)
            thr = self.escalation_threshold
            aim = grown - thr if grown > thr else (grown + thr if grown < -thr else 0.0)
            aim *= self.rival_elasticity
            if bound and aim > 0.0:
                aim = 0.0
            level = self.level
            gap = aim - math.log(1e-3 if level < 1e-3 else level)
            drive += self.escalation_response * self.resolve * gap
        worn = 1.0 - self.resolve / self.initial_resolve if self.initial_resolve > 0 else 0.0
        over = self.level - 1.0
        drive -= self.deescalation * (over if over > 0.0 else 0.0) * (worn if worn > 0.0 else 0.0)
        cap = 1.0 if bound else self.max_level
        level = self.level + drive
        level = level if level > 0.0 else 0.0
        self.level = level = level if level < cap else cap
        if level - self._logged_level >= 0.25:
            self.escalations += 1
            self._log_level("escalate", "raises")
        elif self._logged_level - level >= 0.25:
            self._log_level("deescalate", "lowers")
        share = self.spent_week / self.budget if self.budget > 0 else 0.0
        over = level - 1.0
        resolve = self.resolve - (
            self.resolve_drain
            + self.reputation_cost * (over if over > 0.0 else 0.0) * 0.01
            + self.cost_sensitivity * (2.0 if share > 2.0 else share)
        )
        resolve = resolve if resolve > 0.0 else 0.0
        self.resolve = resolve = resolve if resolve < 1.0 else 1.0
        if resolve < self.withdraw_resolve:
            self.withdraw(None, reason="its costs outran its resolve")

    @property
    def bound(self) -> bool:
        """Whether a binding mediation holds it to the talks (no escalation, no veto)."""
        return self.bid in self.model.termination.bound

    def _log_level(self, kind: str, verb: str) -> None:
        self._logged_level = self.level
        self.model.log_event(
            self.bid, kind, f"{self.name} {verb} its support to level {self.level:.2f}"
        )

    def withdraw(
        self,
        channels: list[str] | None,
        exit_weeks: int = 2,
        reason: str = "ordered",
        week: int | None = None,
    ) -> None:
        """Stop the named channels (all when None); all-out withdrawal recalls its groups.

        With ``economy.recall_advisers``, stopping the advisers channel also
        takes its advisers home at once (in theatre and in transit): they are
        the backer's own officers, not stock its client keeps.

        ``week``: the week it is in force from, for the record (a dated
        intervention acts between two weeks; default: now).
        """
        names = list(self.channels) if channels is None else channels
        self.channels_changed()
        for ch in names:
            if ch in self.channels:
                self.channels[ch].active = False
        if "advisers" in names and self.model.spec.economy.recall_advisers:
            self.model.support.recall_advisers(self)
        if channels is None and not self.withdrawn:
            self.withdrawn = True
            self.withdrawn_week = self.model.week if week is None else week
            self.model.log_event(
                self.bid, "withdraw", f"{self.name} withdraws ({reason})", week=week
            )
            for g in self.model.groups:
                if g.payer is self:
                    g.order_out(exit_weeks, week=week)

    def veto_probability(self) -> float:
        """Chance it blocks a ceasefire this week: rises smoothly with its client's prospects.

        A logistic in the client's log power ratio (half at ``veto_ratio``,
        width ``veto_width``) times one in its resolve (half at
        ``veto_resolve``); 0 without a veto, withdrawn, or bound to talks.
        """
        if not self.veto_power or self.withdrawn or self.bound:
            return 0.0
        t = self.model.spec.termination
        ratio = self.client.power_ratio()
        if ratio <= 0:
            return 0.0
        hope = 1.0 if math.isinf(ratio) else logistic(math.log(ratio / t.veto_ratio) / t.veto_width)
        return hope * logistic((self.resolve - self.veto_resolve) / 0.05)

    def channels_changed(self) -> None:
        """Rebuild the order book next week (call after changing any channel)."""
        self._book = None

    def _order_book(self, week: int) -> tuple[list[tuple], float, float]:
        """The live channels, their weekly cost and value, cached until a channel changes.

        Each order is ``(channel, amount, lag, route, (client, channel))``. The
        value prices each unit at its cost with a floor, so that free support
        still counts: it is what rival backers see in the support record.

        Why cache: channels change only with an intervention (which calls
        :meth:`channels_changed`) or when a delayed channel opens, yet the book
        would otherwise be rebuilt every week.
        """
        if self._book is None or week >= self._book_until:
            orders = []
            cost = value = 0.0
            later = []
            for ch, c in self.channels.items():
                if c.active and c.amount > 0:
                    if c.start_week <= week:
                        unit_value = max(c.unit_cost, 1e-3)
                        key = (self.client, ch)
                        orders.append((ch, c.amount, c.lag, c.route, key))
                        cost += c.amount * c.unit_cost
                        value += c.amount * unit_value
                    else:
                        later.append(c.start_week)
            self._book = (orders, cost, value)
            self._book_until = min(later, default=1 << 30)
        return self._book

    def ship(self) -> None:
        """Send this week's support, scaled to the level and capped by what the budget leaves.

        Its groups' pay (last week's bill) comes out of the budget first.
        """
        self.spent_week = self.merc_bill
        self.merc_bill = 0.0
        if self.withdrawn:
            return
        week = self.model.week
        book = self._book  # the order book's check, without the call while it holds
        if book is None or week >= self._book_until:
            book = self._order_book(week)
        orders, base_cost, value = book
        if not orders:
            return
        cost = base_cost * self.level * self.cost_multiplier
        scale = self.level
        left = max(0.0, self.budget - self.spent_week)
        if cost > left and self.budget > 0:
            scale *= left / cost
        paid = base_cost * scale * self.cost_multiplier
        self.spent += paid
        self.spent_week += paid
        self.model.support.ship(self, orders, scale, value * scale)
