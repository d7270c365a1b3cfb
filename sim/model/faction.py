"""The local faction: its forces, economy and weekly decision whether to assault.

The mechanisms it reads (its assault plan and odds: :mod:`sim.model.attack`;
its defence: :mod:`sim.model.defence`) and those that act on it (combat,
support deliveries, pressure, termination) live in their own modules.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from sim.model.attack import AttackPlan, assault_odds
from sim.model.smooth import logistic
from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model.model import ProxyWarModel
    from sim.scenario import Faction as FactionSpec


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
        # advisers by the backer that sent them (kept only with economy.recall_advisers)
        self.advisers_by: dict[str, float] = {}
        objectives = spec.objective
        self.objective = [model.theatre.index[p] for p in objectives]
        self.home = model.theatre.index[spec.home]
        # the share of its attack force that will assault each place: 1 in its homeland
        # (or everywhere without one), away_will outside it; None when 1 everywhere
        self.away_will: list[float] | None = None
        if spec.homeland and spec.away_will < 1.0:
            own = {model.theatre.index[p] for p in spec.homeland}
            n = len(model.theatre.ids)
            self.away_will = [1.0 if i in own else spec.away_will for i in range(n)]
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
        self.garrison_draw = spec.garrison_draw
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
        self._need = 0.5
        self._need_stamp = -1  # the model stage at which _need was computed

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
        return self.fighters * self.readiness * self.week_quality + merc  # available() * quality

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

    def need(self) -> float:
        """How much its backers see it needing help (0-1, 0.5 at parity; see Backer.decide).

        ``1 - logistic(ln(power ratio) / prospects_width)``: 0 when its enemies
        have no power, 1 when it has none. Kept within a stage of the week, as
        :meth:`power_ratio` is, because every backer of the faction reads it in
        the same stage (seven backers, two clients in Libya).
        """
        m = self.model
        stamp = m.stage
        if m.cache and self._need_stamp == stamp:
            return self._need
        ratio = self.power_ratio()
        if math.isinf(ratio):
            value = 0.0
        elif ratio <= 0:
            value = 1.0
        else:
            value = 1.0 - logistic(math.log(ratio) / m.spec.termination.prospects_width)
        self._need, self._need_stamp = value, stamp
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
