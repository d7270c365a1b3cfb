"""Termination: victory, collapse, ripeness, ceasefire (with vetoes) and stalemate.

Competing risks (Balch-Lindsay et al. 2008): each week a war may end in a
military victory or in a ceasefire.

* **Victory** means the war is won: ``victory:X`` when X takes an enemy's seat
  of power (its ``home``), or when an enemy's forces or coalition break
  (fighters below ``collapse_share`` of the start, cohesion below
  ``collapse_cohesion``). Taking a town, defeating an offensive (holding one's
  ``objective``) or pushing the front past the attacker's start line are
  *milestones*: events and per-run columns, not endings.
* **Ripeness** (Zartman: a *mutually hurting stalemate*) is a number in
  [0, 1], not a switch: how stuck the front is, times each side's
  willingness, which grows with its losses *relative to its own size*
  (``hurting_rate``: the weekly loss share that hurts) and shrinks with its
  prospects (its power ratio). Both sides demoralised is ripe too. The
  weekly ceasefire hazard is ripeness times the base hazard plus mediation.
* **Vetoes** (Cunningham 2010): a backer with a veto blocks a ceasefire with a
  probability that rises smoothly with its client's prospects (its power
  ratio against ``veto_ratio``) while its resolve lasts. A *binding*
  mediation takes the veto from the backers it binds and holds them to the
  deal: a ceasefire they committed to breaks down less often
  (``binding_breakdown``).
* A ceasefire counts once it has held ``ceasefire_hold_weeks``; before that it
  may break down.
* A *truce* (an intervention) suspends the fighting for a fixed number of
  weeks without being a ceasefire: it is not an outcome and the war resumes
  after it.

Stalemate is defined precisely: a week is a *static week* when the front
distance has moved less than ``stalemate.max_move_km`` over the last
``stalemate.window_weeks`` weeks. A war still undecided at the horizon ends as
``stalemate`` (no decision by the horizon).
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

from sim.model.smooth import logistic

if TYPE_CHECKING:
    from sim.model.model import ProxyWarModel


class Termination:
    """Tracks stalemate and ripeness, runs ceasefires, and decides when a war ends."""

    def __init__(self, model: ProxyWarModel):
        self.model = model
        self.p = model.spec.termination
        self.window = model.spec.stalemate.window_weeks
        self.max_move = model.spec.stalemate.max_move_km
        # week 0's front counts in the window, so week `window` can already be a stalemate
        self.front_history: deque[float] = deque([model.front_km], maxlen=self.window + 1)
        # each faction's casualties at the end of each week of the window
        self.casualty_history: deque[tuple[float, ...]] = deque(maxlen=self.window + 1)
        self.stalemate = False
        self.stalemate_run = 0
        self.stalemate_weeks = 0
        self.longest_stalemate = 0
        self.stalemate_spells: list[int] = []
        self.mediation = 0.0
        self.mediation_until = -1
        self.breakdown_hazard = self.p.breakdown_hazard
        self.ceasefire_start: int | None = None
        # a truce imposed by the scenario: weeks truce_from..truce_until (none: -1..-2)
        self.truce_from = -1
        self.truce_until = -2
        self.ceasefires = 0
        self.breakdowns = 0
        self.vetoes = 0
        self.ripe = False
        self.ripeness = 0.0
        self.bound: set[str] = set()  # backers held to a binding mediation
        self.outcome: str | None = None
        self._map_checked = -1  # the map version last checked for a victory
        self._objectives_checked = -1  # the map version last checked for objectives held
        # milestones: the first week each happened (None: not yet)
        self.objectives_week: dict[str, int | None] = {f.fid: None for f in model.factions}
        self.start_line_week: int | None = None
        self.start_line_km = model.spec.front.start_line_km

    # -- weekly bookkeeping -------------------------------------------------------

    def update_stalemate(self) -> None:
        """Flag a stalemate week from the front's movement over the window."""
        m = self.model
        self.front_history.append(m.front_km)
        self.casualty_history.append(tuple([f.casualties for f in m.factions]))
        h = self.front_history
        self.stalemate = len(h) > self.window and max(h) - min(h) < self.max_move
        if self.stalemate:
            self.stalemate_run += 1
            self.stalemate_weeks += 1
            self.longest_stalemate = max(self.longest_stalemate, self.stalemate_run)
        else:
            if self.stalemate_run:
                self.stalemate_spells.append(self.stalemate_run)
            self.stalemate_run = 0

    def milestones(self) -> None:
        """Record war aims short of victory: objectives held, the start line passed."""
        m = self.model
        th = m.theatre
        # who holds the objectives changes only when a place changes hands
        if th.version != self._objectives_checked:
            self._objectives_checked = th.version
            for f in m.factions:
                if self.objectives_week[f.fid] is None and all(
                    th.holder[o] == f.fid for o in f.objective
                ):
                    self.objectives_week[f.fid] = m.week
                    names = ", ".join(th.places[o].name for o in f.objective)
                    m.log_event(f.fid, "milestone", f"{f.fid} holds its objectives ({names})")
        if (
            self.start_line_week is None
            and self.start_line_km is not None
            and m.front_km >= self.start_line_km
        ):
            self.start_line_week = m.week
            m.log_event(
                m.attacker_id,
                "milestone",
                f"the front is pushed back past {m.attacker_id}'s start line "
                f"({self.start_line_km:.0f} km from {th.places[m.objective].name})",
            )

    def pain(self, index: int) -> float:
        """A faction's losses over the window, per week, relative to what hurts it.

        1.0 means it lost ``hurting_rate`` of its fighters a week; the
        reference is its own size, so a small faction hurts sooner.
        """
        c = self.casualty_history
        if len(c) < 2:
            return 0.0
        f = self.model.factions[index]
        per_week = (c[-1][index] - c[0][index]) / (len(c) - 1)
        return per_week / (max(f.fighters, 1.0) * self.p.hurting_rate)

    def willingness(self, index: int) -> float:
        """How ready a faction is to talk (0-1): hurting, and with poor prospects.

        ``hurt = pain / (1 + pain)``; prospects are a logistic in its log
        power ratio (``prospects_width``); willingness is hurt times twice
        the lack of prospects, capped at 1 (at parity a hurting side is
        willing in proportion to how much it hurts).
        """
        f = self.model.factions[index]
        pain = self.pain(index)
        hurt = pain / (1.0 + pain)
        ratio = f.power_ratio()
        if ratio <= 0:
            hope = 0.0
        elif math.isinf(ratio):
            hope = 1.0
        else:
            hope = logistic(math.log(ratio) / self.p.prospects_width)
        return min(1.0, hurt * 2.0 * (1.0 - hope))

    def compute_ripeness(self) -> float:
        """Mutually hurting stalemate (0-1), or both sides demoralised."""
        m = self.model
        stuck = min(1.0, self.stalemate_run / max(1, self.p.ripe_stalemate_weeks))
        mhs = stuck
        if stuck > 0:
            for i in range(len(m.factions)):
                mhs *= self.willingness(i)
        low = 1.0
        for f in m.factions:
            low *= logistic((self.p.ripe_morale - f.morale) / 0.05)
        return max(mhs, low)

    # -- mediation and ceasefire ----------------------------------------------------

    def start_mediation(self, strength: float, weeks: int) -> None:
        """A conference or mediator raises the weekly chance of a ceasefire for a while."""
        self.mediation = max(self.mediation, strength)
        self.mediation_until = max(self.mediation_until, self.model.week + weeks)

    def start_truce(self, first: int, last: int) -> None:
        """No fighting from week ``first`` to week ``last``; a truce that overlaps one extends it.

        Why not a ceasefire: a truce is imposed from outside for a fixed time and
        the war resumes after it; it is never an outcome, never counted in
        ``ceasefires``, and cannot break down. The war may still end during one
        (a collapse, or a ceasefire agreed because the war is ripe).
        """
        if first <= self.truce_until + 1 and last >= self.truce_from - 1:
            self.truce_from = min(self.truce_from, first)
            self.truce_until = max(self.truce_until, last)
        else:  # truces start in the order they fire: the earlier one is over
            self.truce_from, self.truce_until = first, last

    @property
    def truce_on(self) -> bool:
        """Whether a truce holds this week."""
        return self.truce_from <= self.model.week <= self.truce_until

    def force_breakdown(self, hazard: float | None) -> None:
        """A ceasefire breaks down now; optionally set the weekly breakdown hazard."""
        if hazard is not None:
            self.breakdown_hazard = hazard
        if self.model.sides is not None:
            self.model.sides.break_all(self)
        if self.ceasefire_start is not None:
            self._break()

    def _break(self) -> None:
        self.ceasefire_start = None
        self.breakdowns += 1
        self.model.log_event("mediator", "breakdown", "ceasefire broke down")

    def decide(self, u_talks: float, u_break: float, u_veto: float = 1.0) -> str | None:
        """Check every way the war can end this week; return the outcome or None.

        Args:
            u_talks: this week's uniform draw for a ceasefire.
            u_break: this week's uniform draw for a ceasefire breakdown.
            u_veto: this week's uniform draw for the backers' vetoes.
        """
        m = self.model
        if m.sides is not None:  # three factions or more: falls and pair ceasefires
            return m.sides.decide(self)
        th = m.theatre
        week = m.week
        # victory: a faction holds an enemy's seat of power (only a capture can change that)
        if th.version != self._map_checked:
            self._map_checked = th.version
            for f in m.factions:
                for e in m.enemies_of(f):
                    if th.holder[e.home] == f.fid:
                        m.log_event(
                            f.fid, "end", f"{f.fid} takes {th.places[e.home].name}: {e.fid} falls"
                        )
                        return self._end(f"victory:{f.fid}")
        # collapse: too few fighters or the coalition has fallen apart
        for f in m.factions:
            if (
                f.fighters < self.p.collapse_share * f.initial_fighters
                or f.cohesion < self.p.collapse_cohesion
            ):
                others = m.enemies_of(f)
                winner = max(others, key=lambda g: g.power())
                why = (
                    "its forces broken"
                    if f.fighters < self.p.collapse_share * f.initial_fighters
                    else "its coalition falls apart"
                )
                m.log_event(f.fid, "end", f"{f.fid} collapses ({why}): {winner.fid} wins")
                return self._end(f"victory:{winner.fid}")
        if week > self.mediation_until:
            self.mediation = 0.0
        # an ongoing ceasefire: holds, or breaks down
        if self.ceasefire_start is not None:
            hazard = self.breakdown_hazard
            if self.bound:  # backers held to the deal restrain their clients
                share = len(self.bound) / max(1, len(m.backers))
                hazard *= 1.0 - (1.0 - self.p.binding_breakdown) * share
            if u_break < hazard:
                self._break()
            elif week - self.ceasefire_start >= self.p.ceasefire_hold_weeks:
                return self._end("ceasefire")
            if week >= m.horizon:  # a ceasefire too young to count: undecided
                return self._end("stalemate")
            return None
        self.ripeness = r = self.compute_ripeness()
        # the event marks ripeness reached (0.5) after a spell below 0.4, not each wobble
        if r >= 0.5 and not self.ripe:
            self.ripe = True
            m.log_event("mediator", "talks", f"the war is ripe for talks (ripeness {r:.2f})")
        elif r < 0.4:
            self.ripe = False
        if r > 0:
            hazard = r * (self.p.base_hazard + self.p.mediation_hazard * self.mediation)
            if u_talks < hazard:
                # each veto holder blocks with its own probability; one draw decides
                p_pass = 1.0
                probs = [(b, b.veto_probability()) for b in m.backers]
                for _, pv in probs:
                    p_pass *= 1.0 - pv
                if u_veto < 1.0 - p_pass:
                    self.vetoes += 1
                    b = max(probs, key=lambda bp: bp[1])[0]
                    m.log_event(b.bid, "veto", f"ceasefire vetoed by {b.name}")
                else:
                    self.ceasefire_start = week
                    self.ceasefires += 1
                    m.log_event("mediator", "ceasefire", "ceasefire agreed")
        if week >= m.horizon:
            return self._end("stalemate")
        return None

    def _end(self, outcome: str) -> str:
        """Close the run's records with ``outcome``."""
        self.outcome = outcome
        if self.stalemate_run:
            self.stalemate_spells.append(self.stalemate_run)
            self.stalemate_run = 0
        return outcome
