"""Termination: victory, collapse, ripeness, ceasefire (with vetoes) and stalemate.

Competing risks (Balch-Lindsay et al. 2008): each week a war may end in a
military victory (the objective taken, or a faction collapsing) or in a
ceasefire. A ceasefire needs ripeness (Zartman: a *mutually hurting
stalemate*) and gets likelier with mediation; any backer with a veto whose
client still hopes to win blocks it (Cunningham 2010). A ceasefire counts only
once it has held ``ceasefire_hold_weeks``; before that it may break down.

A *truce* (an intervention) suspends the fighting for a fixed number of weeks
without being a ceasefire: it is not an outcome and the war resumes after it.

Stalemate is defined precisely: a week is a *stalemate week* when the front
distance has moved less than ``stalemate.max_move_km`` over the last
``stalemate.window_weeks`` weeks. A war still undecided at the horizon ends as
``stalemate``.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import ProxyWarModel


class Termination:
    """Tracks stalemate and ripeness, runs ceasefires, and decides when a war ends."""

    def __init__(self, model: ProxyWarModel):
        self.model = model
        self.p = model.spec.termination
        self.window = model.spec.stalemate.window_weeks
        self.max_move = model.spec.stalemate.max_move_km
        # week 0's front counts in the window, so week `window` can already be a stalemate
        self.front_history: deque[float] = deque([model.front_km], maxlen=self.window + 1)
        self.casualty_history: deque[float] = deque(maxlen=self.window + 1)
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
        self.outcome: str | None = None
        self._map_checked = -1  # the map version last checked for a victory

    # -- weekly bookkeeping -------------------------------------------------------

    def update_stalemate(self) -> None:
        """Flag a stalemate week from the front's movement over the window."""
        m = self.model
        self.front_history.append(m.front_km)
        self.casualty_history.append(m.total_casualties())
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

    def hurting(self) -> bool:
        """Both sides are bleeding: casualties over the window above the threshold."""
        c = self.casualty_history
        return len(c) > 1 and (c[-1] - c[0]) >= self.p.hurting_casualties

    def is_ripe(self) -> bool:
        """Mutually hurting stalemate, or both sides' morale below the ripeness line."""
        m = self.model
        low_morale = all(f.morale < self.p.ripe_morale for f in m.factions)
        stuck = self.stalemate_run >= self.p.ripe_stalemate_weeks and self.hurting()
        return stuck or low_morale or all(f.posture == "seek_talks" for f in m.factions)

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
        if self.ceasefire_start is not None:
            self._break()

    def _break(self) -> None:
        self.ceasefire_start = None
        self.breakdowns += 1
        self.model.events_log.append((self.model.week, "ceasefire broke down"))

    def decide(self, u_talks: float, u_break: float) -> str | None:
        """Check every way the war can end this week; return the outcome or None.

        Args:
            u_talks: this week's uniform draw for a ceasefire.
            u_break: this week's uniform draw for a ceasefire breakdown.
        """
        m = self.model
        th = m.theatre
        week = m.week
        # victory: a faction holds all of its objective (only a capture can change that)
        if th.version != self._map_checked:
            self._map_checked = th.version
            for f in m.factions:
                if all(th.holder[o] == f.fid for o in f.objective):
                    return self._end(f"victory:{f.fid}")
        # collapse: too few fighters or the coalition has fallen apart
        for f in m.factions:
            if (
                f.fighters < self.p.collapse_share * f.initial_fighters
                or f.cohesion < self.p.collapse_cohesion
            ):
                others = [g for g in m.factions if g is not f]
                return self._end(f"victory:{max(others, key=lambda g: g.power()).fid}")
        if week > self.mediation_until:
            self.mediation = 0.0
        # an ongoing ceasefire: holds, or breaks down
        if self.ceasefire_start is not None:
            if u_break < self.breakdown_hazard:
                self._break()
            elif week - self.ceasefire_start >= self.p.ceasefire_hold_weeks:
                return self._end("ceasefire")
            if week >= m.horizon:  # a ceasefire too young to count: undecided
                return self._end("stalemate")
            return None
        self.ripe = self.is_ripe()
        if self.ripe:
            hazard = self.p.base_hazard + self.p.mediation_hazard * self.mediation
            if u_talks < hazard:
                vetoers = [b for b in m.backers if b.vetoes()]
                if vetoers:
                    self.vetoes += 1
                    names = ", ".join(b.name for b in vetoers)
                    m.events_log.append((week, f"ceasefire vetoed by {names}"))
                else:
                    self.ceasefire_start = week
                    self.ceasefires += 1
                    m.events_log.append((week, "ceasefire agreed"))
        if week >= m.horizon:
            return self._end("stalemate")
        return None

    def _end(self, outcome: str) -> str:
        self.outcome = outcome
        if self.stalemate_run:
            self.stalemate_spells.append(self.stalemate_run)
            self.stalemate_run = 0
        return outcome
