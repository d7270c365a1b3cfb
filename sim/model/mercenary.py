"""The mercenary group: a contracted force paid by a backer, fighting for a faction.

Where it stands each week is set with its faction's plan
(:func:`sim.model.combat.fight_week`); its losses there are applied with the
faction's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model.backer import Backer
    from sim.model.faction import Faction
    from sim.model.model import ProxyWarModel
    from sim.scenario import Group as GroupSpec


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
        # its memory of losses fades by this factor a week (half-life in the scenario)
        self.loss_memory = 0.5 ** (1.0 / spec.loss_half_life_weeks)
        self.arrears_tolerance = spec.arrears_tolerance
        self.route = spec.route
        self.station = spec.deployed
        self.fighters = 0.0
        self.peak = 0.0
        self.losses = 0.0
        self.recent_losses = 0.0
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
        # recent losses (killed and wounded, a memory fading with half-life
        # loss_half_life_weeks) against its strength now: it leaves when it is being
        # bled fast, not when casualties summed since arrival pass its contracted size
        self.recent_losses *= self.loss_memory
        if self.recent_losses > self.casualty_aversion * max(self.fighters, 1.0):
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
