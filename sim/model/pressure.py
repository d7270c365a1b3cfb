"""Pressure: sanctions, withdrawals, embargoes, surges, mediation, and imposed events.

The imposed events are a ceasefire breakdown, a place changing hands off the
front (transfer), a mercenary group's contract resized, and a truce.
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

if TYPE_CHECKING:
    from sim.model.agents import Backer
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
        self._bound: list[Backer] = []

    # -- timing ----------------------------------------------------------------

    def schedule(self) -> None:
        """Put a dated intervention on the event list; conditional ones wait."""
        week = self.week()
        if week is None:
            return
        self._at_week(week, self._fire_dated)

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

    def _at_week(self, week: int, action: Callable[[], None]) -> None:
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
        kind = s.type
        text = f"{kind}: {s.description}" if s.description else self.label()
        m.log_event("scenario", "intervention", text, s.place, week=self.fired_week)
        if kind == "sanction":
            self._lagged(self._sanction_bites)
        elif kind == "withdraw":
            if s.group:
                m.groups_by_id[s.group].order_out(s.exit_weeks, "withdrawn", self.fired_week)
            else:
                m.backers_by_id[s.backer].withdraw(s.channels, s.exit_weeks, week=self.fired_week)
        elif kind == "redeploy":
            self._lagged(self._redeploy)
        elif kind == "embargo":
            routes = {r: getattr(s, r) for r in ("sea", "air", "land")}
            m.support.impose_embargo(
                {r: p for r, p in routes.items() if p is not None},
                set(s.backers) if s.backers else None,
            )
        elif kind == "surge":
            self._surge()
        elif kind == "mediation":
            self._mediation()
        elif kind == "ceasefire_breakdown":
            m.termination.force_breakdown(s.hazard)
        elif kind == "transfer":
            self._transfer()
        elif kind == "resize":
            self._resize()
        elif kind == "truce":
            self._truce()

    def label(self) -> str:
        """A short name for logs and plots."""
        s = self.spec
        if s.type == "transfer":
            return f"transfer {s.place} to {s.faction}"
        if s.type == "resize":
            return f"resize {s.group} to {s.size:g}"
        if s.type == "truce":
            return f"truce {s.duration_weeks} weeks"
        who = s.group or s.backer or ""
        return f"{s.type} {who}".strip()

    def _lagged(self, action: Callable[[], None]) -> None:
        """Run ``action`` ``lag_weeks`` after the firing week (now when there is no lag)."""
        assert self.fired_week is not None
        self.bite_week = self.fired_week + self.spec.lag_weeks
        self._at_week(self.bite_week, action)

    def _sanction_bites(self) -> None:
        """Money and logistics blocked; a sanctioned backer's support dearer, its resolve hit.

        ``financial`` is the share of the pay that no longer reaches the group
        (``1 - financial`` leaks through); ``logistics`` the share of its weekly
        deployment rate lost.
        """
        s, m = self.spec, self.model
        m.log_event(
            "scenario", "sanction_bites", f"sanction bites: {self.label()}", week=self.bite_week
        )
        if s.group:
            targets = [m.groups_by_id[s.group]]
        else:
            b = m.backers_by_id[s.backer]
            b.cost_multiplier *= 1.0 + s.cost_increase
            b.resolve_drain += s.resolve_hit * 0.1
            b.resolve = max(0.0, b.resolve - s.resolve_hit)
            targets = [g for g in m.groups if g.payer is b]
        for g in targets:
            g.financial_block = max(g.financial_block, s.financial)
            g.cost_multiplier *= 1.0 + s.cost_increase
            g.logistics_block = max(g.logistics_block, s.logistics)

    def _redeploy(self) -> None:
        """Move a group's station to another place (or back to the main effort)."""
        s, m = self.spec, self.model
        g = m.groups_by_id[s.group]
        g.station = s.place
        m.log_event(g.gid, "redeploy", f"{g.name} redeployed to {s.place}", s.place, self.bite_week)

    def _surge(self) -> None:
        """More of a channel, a new channel, a higher level, or more contracted fighters."""
        s, m = self.spec, self.model
        if s.group:
            m.groups_by_id[s.group].reinforce(s.size)
            return
        b = m.backers_by_id[s.backer]
        b.channels_changed()
        if s.level:
            b.level += s.level
            b.max_level = max(b.max_level, b.level)
        if s.channel:
            from sim.model.agents import ChannelState

            c = b.channels.get(s.channel)
            if c is None:
                b.channels[s.channel] = ChannelState(
                    s.amount,
                    s.unit_cost or 0.0,
                    s.lag if s.lag is not None else 2,
                    s.route or "air",
                    1,
                )
            else:
                c.amount += s.amount
                c.active = True
                if s.unit_cost is not None:
                    c.unit_cost = s.unit_cost
                if s.lag is not None:
                    c.lag = s.lag
                if s.route:
                    c.route = s.route
        b.withdrawn = False

    def _mediation(self) -> None:
        """Raise the ceasefire hazard for ``duration_weeks``; bound backers waive their veto."""
        s, m = self.spec, self.model
        assert self.fired_week is not None
        last = self.fired_week + s.duration_weeks - 1
        m.termination.start_mediation(s.strength, max(0, last - m.week))
        self._bound = [m.backers_by_id[bid] for bid in s.binds or ()]
        m.termination.bound.update(b.bid for b in self._bound)
        if self._bound:
            self._at_week(last + 1, self._release)

    def _release(self) -> None:
        """The mediation is over: bound backers may escalate and veto again."""
        self.model.termination.bound.difference_update(b.bid for b in self._bound)

    def _transfer(self) -> None:
        """A place changes hands off the modelled front (a local deal, a defection).

        Through ``model.transfer``, as a capture: the fortification is reset,
        morale moves, and the record (places lost and taken) follows, so
        conditions such as ``places_lost`` see it.
        """
        s, m = self.spec, self.model
        th = m.theatre
        i = th.index[s.place]
        name = th.places[i].name
        winner = m.factions_by_id[s.faction]
        held_by = th.holder[i]
        if held_by == winner.fid:
            detail = f"transfer: {name} already held by {winner.fid}; nothing changes"
            m.log_event("scenario", "transfer", detail, s.place, week=self.fired_week)
            return
        m.transfer(i, winner, m.factions_by_id[held_by], kind="transfer", week=self.fired_week)

    def _resize(self) -> None:
        """A group's contracted size changes: it deploys toward a larger one, sheds the excess.

        Why at once for a drawdown: the excess fighters are no longer paid for, so
        they do not fight from the week the new size is in force; size 0 is a
        contract ended (the group leaves, as if ordered out). A larger size is
        reached at the deploy rate, as a surge's; a pending group keeps its
        arrival week (a surge is what brings a group in early).
        """
        s, m = self.spec, self.model
        g = m.groups_by_id[s.group]
        week = self.fired_week
        if g.status in ("leaving", "gone"):
            detail = f"resize: {g.name} has left ({g.leave_reason}); nothing changes"
            m.log_event("scenario", "resize", detail, week=week)
            return
        old = g.size
        if s.size <= 0:
            g.size = 0.0
            g.order_out(1, "drawdown", week)  # its fighters are home before the fighting
            detail = f"{g.name}: contract ended (drawdown)"
        elif s.size > old and g.status != "pending":
            g.reinforce(s.size - old)
            detail = f"{g.name}: contracted size {old:g} -> {s.size:g}"
        else:
            g.size = s.size
            sent_home = max(0.0, g.fighters - s.size)
            g.fighters -= sent_home
            detail = f"{g.name}: contracted size {old:g} -> {s.size:g}"
            if sent_home > 0:
                detail += f", {sent_home:.0f} fighters sent home"
        m.log_event("scenario", "resize", detail, week=week)

    def _truce(self) -> None:
        """No combat and no shelling for ``duration_weeks`` weeks; then the war resumes.

        Unlike a ceasefire, a truce is not an outcome: it never counts as a
        ceasefire, and the war goes on when it ends (see ``Termination.start_truce``).
        """
        s, m = self.spec, self.model
        assert self.fired_week is not None
        last = self.fired_week + s.duration_weeks - 1
        m.termination.start_truce(self.fired_week, last)
        detail = f"truce: no fighting in weeks {self.fired_week}-{last}"
        m.log_event("scenario", "truce", detail, week=self.fired_week)
        self._at_week(last + 1, self._truce_over)

    def _truce_over(self) -> None:
        """Log the end of the truce, unless a later truce extended it."""
        m = self.model
        assert self.fired_week is not None
        last = self.fired_week + self.spec.duration_weeks - 1
        if m.termination.truce_until == last:
            m.log_event("scenario", "truce", "truce over: the war resumes", week=last + 1)


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
    fac = model.factions_by_id[when.faction]
    if when.places_lost is not None:
        return fac.places_lost >= when.places_lost
    if when.morale_below is not None:
        return fac.morale < when.morale_below
    return False
