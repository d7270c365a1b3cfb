"""The actors: local factions, foreign backers and mercenary groups.

Each agent keeps its own state and makes its own weekly decision; the
mechanisms that connect them (combat, support deliveries, pressure,
termination) live in their own modules so a reader can find each rule by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa

from sim.combat import assault_odds
from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model import ProxyWarModel
    from sim.scenario import Backer as BackerSpec
    from sim.scenario import Faction as FactionSpec
    from sim.scenario import Group as GroupSpec

EQUIP_HALF = 200.0  # equipment stock that gives half the maximum arms bonus (assumption)
ADVISER_HALF = 100.0  # advisers giving half the maximum training bonus (assumption)
DEMORALISED = 0.4  # below this morale a coalition's cohesion erodes (assumption)
ARMS_BONUS = 0.4  # maximum quality bonus from arms (assumption)
ADVISER_BONUS = 0.2  # maximum quality bonus from advisers (assumption)


class Faction(mesa.Agent):
    """A local faction: fighters, equipment, morale, funds and militia cohesion.

    Its weekly decision is its posture: attack while morale and the balance of
    power allow, hold otherwise, and seek talks when morale has collapsed.
    """

    def __init__(self, model: ProxyWarModel, fid: str, spec: FactionSpec):
        super().__init__(model)
        self.fid = fid
        self.name = spec.name
        self.fighters = float(spec.fighters)
        self.initial_fighters = float(spec.fighters)
        self.militia_share = spec.militia_share
        self.base_quality = spec.quality
        self.morale = spec.morale
        self.base_morale = spec.morale
        self.cohesion = spec.cohesion
        self.funds = spec.funds
        self.income = spec.income
        self.pay_per_fighter = spec.pay_per_fighter
        self.recruit_rate = spec.recruit_rate
        self.drones = spec.drones
        self.air_defence = spec.air_defence
        self.equipment = spec.equipment
        self.advisers = 0.0
        objectives = spec.objective
        self.objective = [model.theatre.index[p] for p in objectives]
        self.home = model.theatre.index[spec.home]
        self.posture = spec.posture
        self.front_share = spec.front_share
        self.readiness_start = spec.readiness_start
        self.mobilisation_weeks = spec.mobilisation_weeks
        self.readiness = spec.readiness_start if spec.mobilisation_weeks > 0 else 1.0
        self.attack_share = spec.attack_share
        self.attack_morale = spec.attack_morale
        self.attack_ratio = spec.attack_ratio
        self.attack_odds = spec.attack_odds
        self.talks_morale = spec.talks_morale
        self.focus_km = spec.focus_km
        self.patience_weeks = spec.patience_weeks
        self.regroup_weeks = spec.regroup_weeks
        self.offensive_start = 0 if spec.posture == "attack" else None
        self.regroup_until = -1
        self.last_capture_week = 0
        self.casualties = 0.0
        self.deserted = 0.0
        self.places_lost = 0
        self.places_taken = 0
        self.last_loss_week = -(1 << 30)  # the week it last lost a place (long ago: never)
        self.received = dict.fromkeys(CHANNELS, 0.0)
        self.received_total = dict.fromkeys(CHANNELS, 0.0)
        self.enemy: Faction | None = None
        self.week_quality = self.quality()  # fixed each week before the factions decide

    # -- state the others read ------------------------------------------------

    def quality(self) -> float:
        """Combat quality: base, morale, arms and advisers (why: support buys quality)."""
        arms = ARMS_BONUS * self.equipment / (self.equipment + EQUIP_HALF)
        adv = ADVISER_BONUS * self.advisers / (self.advisers + ADVISER_HALF)
        return self.base_quality * (0.6 + 0.8 * self.morale) * (1.0 + arms) * (1.0 + adv)

    def power(self) -> float:
        """Total combat power this week, including deployed mercenaries."""
        merc = sum([g.fighters * g.quality for g in self.model.groups_of(self)])
        return self.available() * self.week_quality + merc

    def power_ratio(self) -> float:
        """Own combat power over the enemy's (infinite when the enemy has none)."""
        enemy_power = self.enemy.power() if self.enemy else 0.0
        return self.power() / enemy_power if enemy_power > 0 else float("inf")

    def recently_lost(self, weeks: int = 4) -> bool:
        """Whether it lost a place in the last ``weeks`` weeks."""
        return self.model.week - self.last_loss_week < weeks

    # -- weekly decisions -------------------------------------------------------

    def step(self) -> None:
        """Mobilisation, economy, cohesion and the choice of posture."""
        self._mobilise()
        self._economy()
        self._choose_posture()

    def _mobilise(self) -> None:
        """A surprised side brings its fighters to readiness over some weeks."""
        if self.mobilisation_weeks <= 0:
            self.readiness = 1.0
            return
        done = min(1.0, self.model.week / self.mobilisation_weeks)
        self.readiness = self.readiness_start + done * (1.0 - self.readiness_start)

    def available(self) -> float:
        """Fighters ready to fight this week (mobilisation)."""
        return self.fighters * self.readiness

    def _economy(self) -> None:
        """Pay the fighters; unpaid militias lose cohesion and go home."""
        wage_bill = self.fighters * self.pay_per_fighter / 1e6  # MUSD per week
        self.funds += self.income - wage_bill
        if self.funds < 0 and wage_bill > 0:
            shortfall = min(1.0, -self.funds / wage_bill)
            self.funds = 0.0
            self.cohesion -= 0.08 * shortfall
        elif self.morale >= DEMORALISED:
            self.cohesion += 0.02 * (1.0 - self.cohesion)
        if self.morale < DEMORALISED:  # a demoralised coalition frays: militias defect
            self.cohesion -= 0.05 * (DEMORALISED - self.morale)
        if self.recently_lost(2):
            self.cohesion -= 0.01
        self.cohesion = min(1.0, max(0.0, self.cohesion))
        if self.cohesion < 0.5:
            leaving = self.fighters * self.militia_share * (0.5 - self.cohesion) * 0.1
            self.fighters -= leaving
            self.deserted += leaving
        if self.funds > 0:
            self.fighters += self.recruit_rate * self.fighters * self.cohesion

    def _choose_posture(self) -> None:
        """Attack, hold or seek talks (why: ripeness needs a side willing to talk)."""
        if self.model.ceasefire_on:
            self.posture = "seek_talks"
            return
        week = self.model.week
        if self.posture == "attack" and self.offensive_start is not None:
            # an offensive that has taken nothing for `patience_weeks` digs in to regroup
            since = max(self.offensive_start, self.last_capture_week)
            if week - since >= self.patience_weeks:
                self.regroup_until = week + self.regroup_weeks
        if self.morale < self.talks_morale:
            self.posture = "seek_talks"
        elif (
            not self.model.termination.truce_on  # a truce: nobody attacks
            and self.morale >= self.attack_morale
            and week >= self.regroup_until
            and self.power_ratio() >= self.attack_ratio
            and (self.attack_odds <= 0 or assault_odds(self.model, self) >= self.attack_odds)
        ):
            if self.posture != "attack":
                self.offensive_start = week
            self.posture = "attack"
        else:
            self.posture = "hold"

    def receive(self, channel: str, amount: float) -> None:
        """Support arriving from a backer adds to the matching stock."""
        self.received[channel] += amount
        self.received_total[channel] += amount
        if channel == "funds":
            self.funds += amount
        elif channel == "arms":
            self.equipment += amount
        elif channel == "drones":
            self.drones += amount
        elif channel == "air_defence":
            self.air_defence += amount
        elif channel == "advisers":
            self.advisers += amount


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

    It raises its support level when its client is losing and when a rival
    backer escalates (competitive escalation), loses resolve under sanctions and
    reputational cost, withdraws below a resolve floor, and may veto a ceasefire
    while its client still hopes to win.
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
        self.spent = 0.0
        self.escalations = 0

    def step(self) -> None:
        """The backer's week: decide the support level, then ship."""
        self.decide()
        self.ship()

    def decide(self) -> None:
        """Adjust the support level and resolve; withdraw when resolve runs out."""
        if self.withdrawn:
            return
        client = self.client
        if client.recently_lost(4) or client.morale < 0.4:
            self.level += self.responsiveness  # the client is losing: more support
        rival_now, rival_before = self.model.support.rival_trend(client)
        if rival_before > 0 and rival_now / rival_before - 1.0 > self.escalation_threshold:
            self.level += self.escalation_response * self.resolve
            self.escalations += 1
        self.level = min(self.level, self.max_level)
        self.resolve -= self.resolve_drain + self.reputation_cost * (self.level - 1.0) * 0.01
        self.resolve = min(1.0, max(0.0, self.resolve))
        if self.resolve < self.withdraw_resolve:
            self.withdraw(None)

    def withdraw(self, channels: list[str] | None, exit_weeks: int = 2) -> None:
        """Stop the named channels (all when None); all-out withdrawal recalls its groups."""
        names = list(self.channels) if channels is None else channels
        self.channels_changed()
        for ch in names:
            if ch in self.channels:
                self.channels[ch].active = False
        if channels is None:
            self.withdrawn = True
            for g in self.model.groups:
                if g.payer is self:
                    g.order_out(exit_weeks)

    def vetoes(self) -> bool:
        """Block a ceasefire while its client is winning and it still has resolve."""
        if not self.veto_power or self.withdrawn or self.resolve < self.veto_resolve:
            return False
        return self.client.morale >= 0.5 and self.client.posture == "attack"

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
        """Send this week's support, scaled to the level and capped by the budget."""
        if self.withdrawn:
            return
        orders, base_cost, value = self._order_book(self.model.week)
        if not orders:
            return
        cost = base_cost * self.level * self.cost_multiplier
        scale = self.level
        if cost > self.budget > 0:
            scale *= self.budget / cost
        self.spent += base_cost * scale * self.cost_multiplier
        self.model.support.ship(self, orders, scale, value * scale)


class MercenaryGroup(mesa.Agent):
    """A contracted force: deploys when paid, stays while paid and not bled, leaves otherwise.

    Its fighters count only where it is deployed: at its faction's main effort
    ("front") or at a named place. That is what makes a deployment a local force
    multiplier rather than a general one.
    """

    def __init__(self, model: ProxyWarModel, gid: str, spec: GroupSpec, slot: int = 0):
        super().__init__(model)
        self.gid = gid
        self.slot = slot  # its place in the week's block of draws (common random numbers)
        self.name = spec.name
        self.faction: Faction = model.factions_by_id[spec.faction]
        self.payer: Backer = model.backers_by_id[spec.payer]
        self.size = spec.size
        self.quality = spec.quality
        self.pay_per_fighter = spec.pay_per_fighter
        arrival = spec.arrival
        if arrival is None:
            self.arrival_week = None
        elif isinstance(arrival, int):
            self.arrival_week = arrival
        else:
            self.arrival_week = model.spec.week_of(arrival)
        self.deploy_rate = spec.deploy_rate
        self.casualty_aversion = spec.casualty_aversion
        self.arrears_tolerance = spec.arrears_tolerance
        self.route = spec.route
        self.station = spec.deployed
        self.fighters = 0.0
        self.peak = 0.0
        self.losses = 0.0
        self.arrears = 0.0
        self.financial_block = 0.0
        self.logistics_block = 0.0
        self.status = "pending"
        self.exit_per_week = 0.0
        self.leave_reason = ""
        self.location: int | None = None

    def order_out(self, exit_weeks: int = 2, reason: str = "ordered out by payer") -> None:
        """Start leaving: fighters go home over ``exit_weeks`` weeks."""
        if self.status in ("gone", "leaving"):
            return
        if self.status == "pending":
            self.status = "gone"
            self.leave_reason = reason
            return
        self.status = "leaving"
        self.leave_reason = reason
        self.exit_per_week = self.fighters / max(1, exit_weeks)

    def reinforce(self, extra: float) -> None:
        """A surge: raise the contracted size (and start deploying if pending)."""
        self.size += extra
        if self.status in ("pending", "deployed"):
            self.status = "deploying"
            if self.arrival_week is None or self.arrival_week > self.model.week:
                self.arrival_week = self.model.week

    def step(self) -> None:
        """Pay, then deploy, stay or leave."""
        week = self.model.week
        draw = self.model.merc_draws[self.slot]  # its own draw: aligned across arms
        if self.status == "gone":
            return
        if self.status == "pending":
            if self.arrival_week is None or week < self.arrival_week:
                return
            self.status = "deploying"
        if self.status == "leaving":
            self.fighters = max(0.0, self.fighters - self.exit_per_week)
            if self.fighters <= 0:
                self.status = "gone"
            return
        # pay: the payer's money reaches the group only past the financial block
        paid = 0.0 if self.payer.withdrawn else 1.0 - self.financial_block
        self.payer.spent += self.fighters * self.pay_per_fighter * paid / 1e6
        # arrears in weeks of pay owed: a partial block accumulates in proportion
        unpaid = 1.0 - paid
        self.arrears = self.arrears + unpaid if unpaid > 0 else max(0.0, self.arrears - 1.0)
        if self.arrears > self.arrears_tolerance:
            self.order_out(2, "pay arrears")
            return
        if self.peak > 0 and self.losses / self.peak > self.casualty_aversion:
            self.order_out(2, "losses")
            return
        if self.payer.withdrawn:
            self.order_out(2, "payer withdrew")
            return
        if self.fighters < self.size:
            p_block = self.model.support.interdiction(self.payer, "fighters", self.route)
            rate = self.deploy_rate * (1.0 - self.logistics_block)
            arriving = min(self.size - self.fighters, rate)
            if draw < p_block:
                arriving *= 0.5  # an interdicted rotation: half the flight turned back
            self.fighters += arriving
            self.peak = max(self.peak, self.fighters)
        if self.fighters >= self.size:
            self.status = "deployed"

    @property
    def active(self) -> bool:
        """Whether it has fighters at the front."""
        return self.fighters > 0 and self.status in ("deploying", "deployed", "leaving")
