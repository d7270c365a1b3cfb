"""Pressure: when the scenario's interventions fire, and the conditions that fire them.

Interventions are sanctions, withdrawals, embargoes, surges, mediation, and imposed
events (a ceasefire breakdown, a place changing hands off the front, a mercenary
group's contract resized, a truce, a faction changing side); what each type does is
its class in ``sim.model.interventions``.
Each intervention in a scenario becomes an :class:`ActiveIntervention`. Dated
ones are put on Mesa's event list (``model.schedule_event(..., at=...)``);
conditional ones are checked once a week. Why the lags: sanctions bite through
money and logistics (stylised fact 4), so their effect on pay and deployments
starts ``lag_weeks`` after the decision and reaches the front later still.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mesa.time import Priority

from sim.model.interventions import EFFECTS, Effect

if TYPE_CHECKING:
    from sim.model.model import ProxyWarModel
    from sim.scenario import Intervention, When


class ActiveIntervention:
    """One scenario intervention bound to a model run.

    Timing rule (one for every kind): an intervention *in force from week w* is
    applied between weeks ``w-1`` and ``w`` (dated ones, from Mesa's event
    list) or at the start of week ``w`` before anything else happens
    (conditional ones, checked on the state at the end of week ``w-1``). Either
    way ``fired_week`` is ``w`` and the events log records it at ``w``. A lag of
    ``L`` weeks puts the effect in force from week ``w + L``.
    """

    def __init__(self, model: ProxyWarModel, spec: Intervention, index: int):
        self.model = model
        self.spec = spec
        self.index = index
        self.fired_week: int | None = None
        self.bite_week: int | None = None
        # what this type does (sim.model.interventions): one class per type
        self.effect: Effect = EFFECTS[spec.type](self)

    # -- timing ----------------------------------------------------------------

    def schedule(self) -> None:
        """Put a dated intervention on the event list; conditional ones wait."""
        week = self.week()
        if week is None:
            return
        self.at_week(week, self._fire_dated)

    def _fire_dated(self) -> None:
        # a bound method, not a lambda: Mesa keeps only weak references to callbacks
        self.fire(self.week())

    def week(self) -> int | None:
        """The week the intervention takes effect, if it is dated."""
        if self.spec.week is not None:
            return self.spec.week
        if self.spec.at is not None:
            return self.model.spec.week_of(self.spec.at)
        return None

    def check(self) -> None:
        """Fire a conditional intervention the first week its condition holds."""
        if self.fired_week is not None or self.spec.when is None:
            return
        if condition_holds(self.model, self.spec.when):
            self.fire(self.model.week)

    def at_week(self, week: int, action: Callable[[], None]) -> None:
        """Run ``action`` so that its effect is in force from ``week`` on.

        Mesa runs week ``k``'s step at time ``k`` (high priority); an event at
        time ``week - 1`` with low priority runs right after step ``week - 1``.
        ``action`` must be a bound method of a live object (Mesa holds callbacks
        by weak reference).
        """
        m = self.model
        if float(week - 1) < m.time:
            action()  # the week has begun (a conditional firing): act now
        else:
            m.schedule_event(action, at=float(week - 1), priority=Priority.LOW)

    # -- effects ---------------------------------------------------------------

    def fire(self, week: int | None = None) -> None:
        """Apply the intervention, in force from ``week`` (default: the current week)."""
        if self.fired_week is not None:
            return
        m = self.model
        self.fired_week = week if week is not None else max(m.week, 1)
        s = self.spec
        text = f"{s.type}: {s.description}" if s.description else self.label()
        m.log_event("scenario", "intervention", text, self.effect.place, week=self.fired_week)
        self.effect.apply()

    def label(self) -> str:
        """A short name for logs and plots."""
        return self.effect.label()

    def lagged(self, action: Callable[[], None]) -> None:
        """Run ``action`` ``lag_weeks`` after the firing week (now when there is no lag).

        ``action`` must be a bound method of a live object (see :meth:`at_week`).
        """
        assert self.fired_week is not None
        self.bite_week = self.fired_week + getattr(self.spec, "lag_weeks", 0)
        self.at_week(self.bite_week, action)


def condition_holds(model: ProxyWarModel, when: When) -> bool:
    """Whether a ``when`` condition holds on the state at the end of the last week."""
    if model.week < when.after_week:
        return False
    if when.front_within_km is not None:
        return model.front_km <= when.front_within_km
    if when.stalemate_weeks is not None:
        return model.termination.stalemate_run >= when.stalemate_weeks
    if when.ceasefire_weeks is not None:
        start = model.termination.ceasefire_start
        return start is not None and model.week - start >= when.ceasefire_weeks
    assert when.faction is not None  # the schema requires one for the faction conditions
    fac = model.factions_by_id[when.faction]
    if when.places_lost is not None:
        return fac.places_lost >= when.places_lost
    if when.morale_below is not None:
        return fac.morale < when.morale_below
    return False
