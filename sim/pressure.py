"""Pressure: sanctions, withdrawals, embargoes, surges, mediation, ceasefire breakdown.

Each intervention in a scenario becomes an :class:`ActiveIntervention`. Dated
ones are put on Mesa's event list (``model.schedule_event(..., at=...)``);
conditional ones are checked once a week. Why the lags: sanctions bite through
money and logistics (stylised fact 4), so their effect on pay and deployments
starts ``lag_weeks`` after the decision and reaches the front later still.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.time import Priority

if TYPE_CHECKING:
    from sim.model import ProxyWarModel
    from sim.scenario import Intervention


class ActiveIntervention:
    """One scenario intervention bound to a model run."""

    def __init__(self, model: ProxyWarModel, spec: Intervention, index: int):
        self.model = model
        self.spec = spec
        self.index = index
        self.fired_week: int | None = None

    # -- timing ----------------------------------------------------------------

    def schedule(self) -> None:
        """Put a dated intervention on the event list; conditional ones wait."""
        week = self.week()
        if week is None:
            return
        # applied at the end of week-1, i.e. in force for the whole of week `week`
        self.model.schedule_event(self.fire, at=float(week - 1), priority=Priority.LOW)

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
            self.fire()

    # -- effects ---------------------------------------------------------------

    def fire(self) -> None:
        """Apply the intervention now."""
        if self.fired_week is not None:
            return
        m = self.model
        self.fired_week = m.week if m.running or m.week else 0
        s = self.spec
        kind = s.type
        if kind == "sanction":
            self._sanction()
        elif kind == "withdraw":
            if s.group:
                m.groups_by_id[s.group].order_out(s.exit_weeks, "withdrawn")
            else:
                m.backers_by_id[s.backer].withdraw(s.channels, s.exit_weeks)
        elif kind == "embargo":
            sup = m.support
            for route in ("sea", "air", "land"):
                val = getattr(s, route)
                if val is not None:
                    sup.interdiction_p[route] = val
            sup.embargo_backers = set(s.backers) if s.backers else None
        elif kind == "surge":
            self._surge()
        elif kind == "mediation":
            m.termination.start_mediation(s.strength, s.duration_weeks)
        elif kind == "ceasefire_breakdown":
            m.termination.force_breakdown(s.hazard)
        m.events_log.append((m.week, f"{kind}: {s.description or self.label()}"))

    def label(self) -> str:
        """A short name for logs and plots."""
        s = self.spec
        who = s.group or s.backer or ""
        return f"{s.type} {who}".strip()

    def _sanction(self) -> None:
        """Money and logistics blocked after a lag; a backer's support gets dearer."""
        s, m = self.spec, self.model
        if s.lag_weeks > 0:
            m.schedule_event(
                self._sanction_bites, at=float(m.time + s.lag_weeks), priority=Priority.LOW
            )
        else:
            self._sanction_bites()

    def _sanction_bites(self) -> None:
        s, m = self.spec, self.model
        if s.group:
            g = m.groups_by_id[s.group]
            g.financial_block = max(g.financial_block, s.financial)
            g.logistics_block = max(g.logistics_block, s.logistics)
        else:
            b = m.backers_by_id[s.backer]
            b.cost_multiplier *= 1.0 + s.cost_increase
            b.resolve_drain += s.resolve_hit * 0.1
            b.resolve = max(0.0, b.resolve - s.resolve_hit)
            for g in m.groups:
                if g.payer is b:
                    g.financial_block = max(g.financial_block, s.financial)
                    g.logistics_block = max(g.logistics_block, s.logistics)

    def _surge(self) -> None:
        """More of a channel, a new channel, a higher level, or more contracted fighters."""
        s, m = self.spec, self.model
        if s.group:
            m.groups_by_id[s.group].reinforce(s.size)
            return
        b = m.backers_by_id[s.backer]
        if s.level:
            b.level = min(b.max_level + s.level, b.level + s.level)
            b.max_level = max(b.max_level, b.level)
        if s.channel:
            from sim.agents import ChannelState

            c = b.channels.get(s.channel)
            if c is None:
                b.channels[s.channel] = ChannelState(
                    s.amount, 0.0, s.lag if s.lag is not None else 2, s.route or "air", 1
                )
            else:
                c.amount += s.amount
                c.active = True
                if s.lag is not None:
                    c.lag = s.lag
                if s.route:
                    c.route = s.route
        b.withdrawn = False


def condition_holds(model: ProxyWarModel, when) -> bool:
    """Whether a ``when`` condition holds this week."""
    if model.week < when.after_week:
        return False
    if when.front_within_km is not None:
        return model.front_km <= when.front_within_km
    if when.stalemate_weeks is not None:
        return model.termination.stalemate_run >= when.stalemate_weeks
    fac = model.factions_by_id[when.faction]
    if when.places_lost is not None:
        return fac.places_lost >= when.places_lost
    if when.morale_below is not None:
        return fac.morale < when.morale_below
    return False
