"""The actors: local factions, foreign backers and mercenary groups.

Each agent keeps its own state and makes its own weekly decision; the
mechanisms that connect them (combat, support deliveries, pressure,
termination) live in their own modules so a reader can find each rule by name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa

from sim.model.combat import AttackPlan, assault_odds
from sim.model.smooth import logistic
from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model.model import ProxyWarModel
    from sim.scenario import Backer as BackerSpec
    from sim.scenario import Faction as FactionSpec
    from sim.scenario import Group as GroupSpec


class Faction(mesa.Agent):
    """A local faction: fighters, equipment, morale, funds and militia cohesion.

    Its weekly decision is how hard to attack (its offensive *intensity*, 0-1),
    chosen smoothly from the expected odds, the balance of power, its morale
    and its fatigue; its posture (attack, hold, seek talks) is the label of
    that choice.
    """

    def __init__(self, model: ProxyWarModel, fid: str, spec: FactionSpec, slot: int = 0):
        super().__init__(model)
        self.fid = fid
        self.slot = slot  # its place in the week's block of decision draws
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
        self.intensity = 1.0 if spec.posture == "attack" else 0.0
        self.attacking = spec.posture == "attack"
        self.threat: dict[int, float] = {}  # place -> recent attacks met there (fading)
        self.defence: dict[int, tuple[float, float]] = {}  # this week's defence shares
        self.attack_plan = AttackPlan({}, None, 0.0)  # this week's assault plan
        self.fatigue = 0.0  # weeks of fruitless offensive, less rest (see _choose_posture)
        self.captures_this_week = 0
        self.last_capture_week = 0
        self.casualties = 0.0
        self.deserted = 0.0
        self.places_lost = 0
        self.places_taken = 0
        self.last_loss_week = -(1 << 30)  # the week it last lost a place (long ago: never)
        self.received = dict.fromkeys(CHANNELS, 0.0)
        self.received_total = dict.fromkeys(CHANNELS, 0.0)
        self.week_quality = self.quality()  # fixed each week before the factions decide
        self._power = 0.0
        self._power_stamp = -1  # the model stage at which _power was computed
        self._ratio = 1.0
        self._ratio_stamp = -1

    # -- state the others read ------------------------------------------------

    def quality(self) -> float:
        """Combat quality: base, morale, arms and advisers (why: support buys quality)."""
        e = self.model.spec.economy
        arms = e.arms_bonus * self.equipment / (self.equipment + e.equip_half)
        adv = e.adviser_bonus * self.advisers / (self.advisers + e.adviser_half)
        return self.base_quality * (0.6 + 0.8 * self.morale) * (1.0 + arms) * (1.0 + adv)

    def power(self) -> float:
        """Combat power this week: ready fighters, and mercenaries where they fight.

        A group counts only when it stands on the front (at a front place or a
        target), not while it guards a base far behind it. Kept until the
        model's ``stage`` moves on (it changes whenever what power is made of
        can change: see :meth:`ProxyWarModel.step`), because backers, both
        factions and the termination read it several times a week.
        """
        m = self.model
        stamp = m.stage
        if m.cache and self._power_stamp == stamp:
            return self._power
        self._power = value = self._power_now()
        self._power_stamp = stamp
        return value

    def _power_now(self) -> float:
        merc = 0.0
        groups = self.model.groups_of(self)
        if groups:
            th = self.model.theatre
            targets, front, _ = th.layout(self.fid)
            for g in groups:
                if g.active and (g.location in front or g.location in targets):
                    merc += g.fighters * g.quality
        return self.available() * self.week_quality + merc

    def power_ratio(self) -> float:
        """Own combat power over the enemies' (infinite when they have none).

        With more than two factions, each enemy's power counts with the share
        of its front that faces this faction (:meth:`sim.model.sides.Sides.exposure`).

        Kept within a stage of the week, as :meth:`power` is.
        """
        m = self.model
        stamp = m.stage
        if m.cache and self._ratio_stamp == stamp:
            return self._ratio
        if m.sides is None:
            enemy_power = sum([e.power() for e in m.enemies_of(self)])
        else:  # many sides: each enemy counts with the share of its front that faces it
            share = m.sides.exposure(self)
            enemy_power = sum([e.power() * share.get(e.fid, 0.0) for e in m.enemies_of(self)])
        value = self.power() / enemy_power if enemy_power > 0 else float("inf")
        self._ratio, self._ratio_stamp = value, stamp
        return value

    def take_losses(self, casualties: float) -> None:
        """Killed and wounded: all count as casualties; the wounded who recover stay in the ranks.

        Why: casualty counts (the WHO's) are killed plus wounded, five wounded
        for each killed in 2019, and most of the wounded return to duty; a
        model that removed them all would bleed armies white within a year.
        ``combat.recovered_share`` is the share that returns.
        """
        if casualties <= 0:
            return
        self.casualties += casualties
        kept = 1.0 - self.model.spec.combat.recovered_share
        self.fighters = max(0.0, self.fighters - casualties * kept)

    def recently_lost(self, weeks: int = 4) -> bool:
        """Whether it lost a place in the last ``weeks`` weeks."""
        return self.model.week - self.last_loss_week < weeks

    # -- weekly decisions -------------------------------------------------------

    def step(self) -> None:
        """Mobilisation, economy, cohesion and the choice of posture."""
        self._mobilise()
        self._economy()
        self.model.stage += 1  # its fighters changed: powers read before are stale
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
        e = self.model.spec.economy
        wage_bill = self.fighters * self.pay_per_fighter / 1e6  # MUSD per week
        self.funds += self.income - wage_bill
        if self.funds < 0 and wage_bill > 0:
            shortfall = min(1.0, -self.funds / wage_bill)
            self.funds = 0.0
            self.cohesion -= e.unpaid_cohesion * shortfall
        elif self.morale >= e.demoralised:
            self.cohesion += e.paid_cohesion * (1.0 - self.cohesion)
        if self.morale < e.demoralised:  # a demoralised coalition frays: militias defect
            self.cohesion -= e.demoralised_cohesion * (e.demoralised - self.morale)
        if self.recently_lost(2):
            self.cohesion -= e.loss_cohesion
        self.cohesion = min(1.0, max(0.0, self.cohesion))
        if self.cohesion < e.desertion_cohesion:
            gap = e.desertion_cohesion - self.cohesion
            leaving = self.fighters * self.militia_share * gap * e.desertion_rate
            self.fighters -= leaving
            self.deserted += leaving
        if self.funds > 0:
            self.fighters += self.recruit_rate * self.fighters * self.cohesion

    def _choose_posture(self) -> None:
        """Whether to mount an assault this week: a smooth chance, no knife edges.

        The chance (its offensive *intensity*) is a product of logistic
        gates, each half open at the faction's own threshold: the expected
        odds of its assault (``attack_odds``, its risk tolerance), its power
        ratio (``attack_ratio``) and its morale (``attack_morale``); the
        widths are ``[decisions]``. Fatigue damps it: a week of assault that
        took nothing adds 1, a week of rest removes ``patience_weeks /
        regroup_weeks``, a capture halves it, and the damping is half at
        ``patience_weeks``. The faction assaults when its own draw of the
        week falls below the chance, and then with its whole attack force,
        concentrated (no token assaults); below ``min_intensity`` it holds.
        Why smooth: outcome probabilities must move monotonically with
        strength and support; a threshold that the median run sits on flips
        whole offensives for a small change.
        """
        m = self.model
        if m.ceasefire_on:
            self.intensity = 0.0
            self.attacking = False
            self.posture = "seek_talks"
            return
        d = m.spec.decisions
        # fatigue from last week's assault (or rest)
        if self.captures_this_week > 0:
            self.fatigue *= 0.5
        elif self.attacking:
            self.fatigue += 1.0
        else:
            self.fatigue = max(0.0, self.fatigue - self.patience_weeks / max(1, self.regroup_weeks))
        intensity = logistic((self.morale - self.attack_morale) / d.morale_width)
        if intensity > 1e-3:
            ratio = self.power_ratio()
            if ratio <= 0:
                intensity = 0.0
            elif not math.isinf(ratio):
                intensity *= logistic(math.log(ratio / self.attack_ratio) / d.ratio_width)
        if intensity > 1e-3 and self.attack_odds > 0:
            odds = assault_odds(m, self)
            if odds <= 0:
                intensity = 0.0
            elif not math.isinf(odds):
                intensity *= logistic(math.log(odds / self.attack_odds) / d.odds_width)
        p = max(1, self.patience_weeks)
        intensity *= logistic(4.0 * (p - self.fatigue) / p)
        self.intensity = intensity if intensity >= d.min_intensity else 0.0
        # a truce imposed from outside: nobody assaults (the chance is kept for the record)
        self.attacking = m.decision_draws[self.slot] < self.intensity and not m.termination.truce_on
        if self.morale < self.talks_morale:
            self.posture = "seek_talks"
        else:
            self.posture = "attack" if self.attacking else "hold"

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
        client = self.client
        ratio = client.power_ratio()
        if math.isinf(ratio):
            need = 0.0
        elif ratio <= 0:
            need = 1.0
        else:
            need = 1.0 - logistic(math.log(ratio) / m.spec.termination.prospects_width)
        rival, own = m.support.side_totals(client)
        drive = self.responsiveness * (2.0 * need - 1.0)
        if self.rival_ref is None:
            if m.support.trend_ready():
                self.rival_ref = rival  # what the rival side received when it took stock
                self.own_ref = own
        elif rival > 0 and self.rival_ref > 0 and self.escalation_response > 0:
            # answer the rival side's support in kind: what the rival side gained
            # since the reference, as a share of what its own client then received,
            # less a dead zone, sets the log level it aims at. Why not the rival's
            # growth rate: a small patron tripling a trickle would make a large one
            # triple a flood, and a surge by the weaker patron would backfire.
            own_ref = self.own_ref if self.own_ref > 0 else self.rival_ref
            grown = math.log(max(1e-3, 1.0 + (rival - self.rival_ref) / own_ref))
            thr = self.escalation_threshold
            aim = grown - thr if grown > thr else (grown + thr if grown < -thr else 0.0)
            aim *= self.rival_elasticity
            if self.bound:
                aim = min(aim, 0.0)
            gap = aim - math.log(max(self.level, 1e-3))
            drive += self.escalation_response * self.resolve * gap
        worn = 1.0 - self.resolve / self.initial_resolve if self.initial_resolve > 0 else 0.0
        drive -= self.deescalation * max(0.0, self.level - 1.0) * max(0.0, worn)
        cap = 1.0 if self.bound else self.max_level
        self.level = min(cap, max(0.0, self.level + drive))
        if self.level - self._logged_level >= 0.25:
            self.escalations += 1
            self._log_level("escalate", "raises")
        elif self._logged_level - self.level >= 0.25:
            self._log_level("deescalate", "lowers")
        share = self.spent_week / self.budget if self.budget > 0 else 0.0
        self.resolve -= (
            self.resolve_drain
            + self.reputation_cost * max(0.0, self.level - 1.0) * 0.01
            + self.cost_sensitivity * min(share, 2.0)
        )
        self.resolve = min(1.0, max(0.0, self.resolve))
        if self.resolve < self.withdraw_resolve:
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

        ``week``: the week it is in force from, for the record (a dated
        intervention acts between two weeks; default: now).
        """
        names = list(self.channels) if channels is None else channels
        self.channels_changed()
        for ch in names:
            if ch in self.channels:
                self.channels[ch].active = False
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
        orders, base_cost, value = self._order_book(self.model.week)
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
        self.cost_multiplier = 1.0  # sanctions make moving its pay dearer
        self.status = "pending"
        self.exit_per_week = 0.0
        self.leave_reason = ""
        self.location: int | None = None

    def order_out(
        self, exit_weeks: int = 2, reason: str = "ordered out by payer", week: int | None = None
    ) -> None:
        """Start leaving: fighters go home over ``exit_weeks`` weeks (``week``: for the record)."""
        if self.status in ("gone", "leaving"):
            return
        self.leave_reason = reason
        if self.status == "pending":
            self.status = "gone"
            self.model.log_event(
                self.gid, "depart", f"{self.name} will not come ({reason})", week=week
            )
            return
        self.status = "leaving"
        self.exit_per_week = self.fighters / max(1, exit_weeks)
        self.model.log_event(self.gid, "depart", f"{self.name} leaves ({reason})", week=week)

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
            self.model.log_event(self.gid, "arrive", f"{self.name} starts to deploy")
        if self.status == "leaving":
            self.fighters = max(0.0, self.fighters - self.exit_per_week)
            if self.fighters <= 0:
                self.status = "gone"
            return
        # pay: the payer's money reaches the group only past the financial block
        paid = 0.0 if self.payer.withdrawn else 1.0 - self.financial_block
        bill = self.fighters * self.pay_per_fighter * paid * self.cost_multiplier / 1e6
        self.payer.spent += bill
        self.payer.merc_bill += bill
        # contracted fighters are foreign support too: rival backers see their pay
        self.model.support.record(self.faction, self.fighters * self.pay_per_fighter / 1e6)
        # arrears in weeks of pay owed: a partial block accumulates in proportion
        unpaid = 1.0 - paid
        self.arrears = self.arrears + unpaid if unpaid > 0 else max(0.0, self.arrears - 1.0)
        if self.arrears > self.arrears_tolerance:
            self.order_out(2, "pay arrears")
            return
        # losses against the force it contracted (not its peak so far: a group
        # still arriving would otherwise leave over its first few dead)
        if self.losses > self.casualty_aversion * max(self.size, self.peak, 1.0):
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
    def guard(self) -> bool:
        """Whether it guards a named place instead of joining the main effort."""
        return self.station != "front"

    @property
    def active(self) -> bool:
        """Whether it has fighters at the front."""
        return self.fighters > 0 and self.status in ("deploying", "deployed", "leaving")
