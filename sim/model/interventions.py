"""What each intervention type does to a run: one class per type, beside its table.

The tables (keys, defaults, checks) are in ``sim.scenario.interventions``; here
each type's :meth:`Effect.apply` changes the model when the intervention fires,
and :meth:`Effect.label` names it in logs and plots. ``EFFECTS`` maps each type
to its class (a class registers itself by its ``kind``), and a test checks that
the two layers cover the same types. When an intervention fires and its lag are
:class:`~sim.model.pressure.ActiveIntervention`'s job.

Why classes, not functions: Mesa holds event callbacks by weak reference, so a
delayed effect (a sanction biting after its lag, the end of a truce) must be a
bound method of an object that lives as long as the run; each effect is owned
by its :class:`~sim.model.pressure.ActiveIntervention`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sim.scenario import ROUTES

if TYPE_CHECKING:
    from sim.model.agents import Backer
    from sim.model.model import ProxyWarModel
    from sim.model.pressure import ActiveIntervention
    from sim.scenario import (
        CeasefireBreakdown,
        Embargo,
        Mediation,
        Realign,
        Redeploy,
        Resize,
        Sanction,
        Surge,
        Transfer,
        Truce,
        Withdraw,
    )

#: the effect class of each intervention type
EFFECTS: dict[str, type[Effect]] = {}


class Effect:
    """What one intervention does; a subclass per type sets ``kind`` and ``apply``."""

    #: the intervention ``type`` this class applies (its key in ``EFFECTS``)
    kind: ClassVar[str] = ""
    spec: Any  # the type's table (narrowed in each subclass)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind in EFFECTS:
            raise TypeError(f"two effects for intervention type {cls.kind!r}")
        EFFECTS[cls.kind] = cls

    def __init__(self, act: ActiveIntervention):
        self.act = act
        self.model: ProxyWarModel = act.model
        self.spec = act.spec

    def apply(self) -> None:
        """Change the model: the intervention is in force from ``act.fired_week``."""
        raise NotImplementedError

    def label(self) -> str:
        """A short name for logs and plots: the type and whom it targets."""
        who = getattr(self.spec, "group", None) or getattr(self.spec, "backer", None) or ""
        return f"{self.kind} {who}".strip()

    @property
    def place(self) -> str | None:
        """The place it acts on, if any (the events log's place column)."""
        return None


class SanctionEffect(Effect):
    """Money and logistics blocked after the lag; a sanctioned backer's support dearer."""

    kind = "sanction"
    spec: Sanction

    def apply(self) -> None:
        """Bite ``lag_weeks`` after the firing week."""
        self.act.lagged(self.bites)

    def bites(self) -> None:
        """Money and logistics blocked; a sanctioned backer's support dearer, its resolve hit.

        ``financial`` is the share of the pay that no longer reaches the group
        (``1 - financial`` leaks through); ``logistics`` the share of its weekly
        deployment rate lost.
        """
        s, m = self.spec, self.model
        m.log_event(
            "scenario", "sanction_bites", f"sanction bites: {self.label()}", week=self.act.bite_week
        )
        if s.group:
            targets = [m.groups_by_id[s.group]]
        else:
            assert s.backer is not None
            b = m.backers_by_id[s.backer]
            b.cost_multiplier *= 1.0 + s.cost_increase
            b.resolve_drain += s.resolve_hit * 0.1
            b.resolve = max(0.0, b.resolve - s.resolve_hit)
            targets = [g for g in m.groups if g.payer is b]
        for g in targets:
            g.financial_block = max(g.financial_block, s.financial)
            g.cost_multiplier *= 1.0 + s.cost_increase
            g.logistics_block = max(g.logistics_block, s.logistics)


class WithdrawEffect(Effect):
    """A backer stops shipping (some channels or all), or a group is ordered out."""

    kind = "withdraw"
    spec: Withdraw

    def apply(self) -> None:
        """At once: shipments in transit still arrive; a group leaves over ``exit_weeks``."""
        s, m, week = self.spec, self.model, self.act.fired_week
        if s.group:
            m.groups_by_id[s.group].order_out(s.exit_weeks, "withdrawn", week)
        else:
            assert s.backer is not None
            channels: list[str] | None = list(s.channels) if s.channels is not None else None
            m.backers_by_id[s.backer].withdraw(channels, s.exit_weeks, week=week)


class RedeployEffect(Effect):
    """A group's station moves to another place (or back to the main effort)."""

    kind = "redeploy"
    spec: Redeploy

    @property
    def place(self) -> str | None:
        """Where the group goes."""
        return self.spec.place

    def apply(self) -> None:
        """Move ``lag_weeks`` after the firing week (the transit)."""
        self.act.lagged(self.arrive)

    def arrive(self) -> None:
        """The group stands at its new station."""
        s, m = self.spec, self.model
        g = m.groups_by_id[s.group]
        g.station = s.place
        detail = f"{g.name} redeployed to {s.place}"
        m.log_event(g.gid, "redeploy", detail, s.place, self.act.bite_week)


class EmbargoEffect(Effect):
    """Shipments on each route intercepted with the given probability from now on."""

    kind = "embargo"
    spec: Embargo

    def apply(self) -> None:
        """Impose the interdiction probabilities stated, for all backers or those listed."""
        s = self.spec
        routes = {r: getattr(s, r) for r in ROUTES}
        self.model.support.impose_embargo(
            {r: p for r, p in routes.items() if p is not None},
            set(s.backers) if s.backers else None,
        )


class SurgeEffect(Effect):
    """More of a channel, a new channel, a higher level, or more contracted fighters."""

    kind = "surge"
    spec: Surge

    def apply(self) -> None:
        """Raise the backer's channel or level, or the group's contracted size."""
        s, m = self.spec, self.model
        if s.group:
            m.groups_by_id[s.group].reinforce(s.size)
            return
        assert s.backer is not None
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


class MediationEffect(Effect):
    """A higher ceasefire hazard for ``duration_weeks``; bound backers waive their veto."""

    kind = "mediation"
    spec: Mediation

    def __init__(self, act: ActiveIntervention):
        super().__init__(act)
        self.bound: list[Backer] = []

    def apply(self) -> None:
        """Start the mediation; bind the backers it names until it ends."""
        s, m = self.spec, self.model
        assert self.act.fired_week is not None
        last = self.act.fired_week + s.duration_weeks - 1
        m.termination.start_mediation(s.strength, max(0, last - m.week))
        self.bound = [m.backers_by_id[bid] for bid in s.binds or ()]
        m.termination.bound.update(b.bid for b in self.bound)
        if self.bound:
            self.act.at_week(last + 1, self.release)

    def release(self) -> None:
        """The mediation is over: bound backers may escalate and veto again."""
        self.model.termination.bound.difference_update(b.bid for b in self.bound)


class CeasefireBreakdownEffect(Effect):
    """An ongoing ceasefire ends now; optionally a new hazard for later ones."""

    kind = "ceasefire_breakdown"
    spec: CeasefireBreakdown

    def apply(self) -> None:
        """Break the ceasefire (counted as a breakdown)."""
        self.model.termination.force_breakdown(self.spec.hazard)


class TransferEffect(Effect):
    """A place changes hands off the modelled front (a local deal, a defection)."""

    kind = "transfer"
    spec: Transfer

    @property
    def place(self) -> str | None:
        """The place handed over."""
        return self.spec.place

    def label(self) -> str:
        """``transfer PLACE to FACTION``."""
        return f"transfer {self.spec.place} to {self.spec.faction}"

    def apply(self) -> None:
        """Hand the place over through ``model.transfer``, as a capture.

        The fortification is reset, morale moves, and the record (places lost and
        taken) follows, so conditions such as ``places_lost`` see it.
        """
        s, m = self.spec, self.model
        th = m.theatre
        i = th.index[s.place]
        name = th.places[i].name
        winner = m.factions_by_id[s.faction]
        held_by = th.holder[i]
        week = self.act.fired_week
        if held_by == winner.fid:
            detail = f"transfer: {name} already held by {winner.fid}; nothing changes"
            m.log_event("scenario", "transfer", detail, s.place, week=week)
            return
        m.transfer(i, winner, m.factions_by_id[held_by], kind="transfer", week=week)


class ResizeEffect(Effect):
    """A group's contracted size changes: it deploys toward a larger one, sheds the excess."""

    kind = "resize"
    spec: Resize

    def label(self) -> str:
        """``resize GROUP to SIZE``."""
        return f"resize {self.spec.group} to {self.spec.size:g}"

    def apply(self) -> None:
        """Set the new size.

        Why at once for a drawdown: the excess fighters are no longer paid for, so
        they do not fight from the week the new size is in force; size 0 is a
        contract ended (the group leaves, as if ordered out). A larger size is
        reached at the deploy rate, as a surge's; a pending group keeps its
        arrival week (a surge is what brings a group in early).
        """
        s, m = self.spec, self.model
        g = m.groups_by_id[s.group]
        week = self.act.fired_week
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


class TruceEffect(Effect):
    """No combat and no shelling for ``duration_weeks`` weeks; then the war resumes.

    Unlike a ceasefire, a truce is not an outcome: it never counts as a
    ceasefire, and the war goes on when it ends (see ``Termination.start_truce``).
    """

    kind = "truce"
    spec: Truce

    def label(self) -> str:
        """``truce N weeks``."""
        return f"truce {self.spec.duration_weeks} weeks"

    def _last(self) -> int:
        assert self.act.fired_week is not None
        return self.act.fired_week + self.spec.duration_weeks - 1

    def apply(self) -> None:
        """Pause the fighting from the firing week to its last week."""
        m, first, last = self.model, self.act.fired_week, self._last()
        assert first is not None
        m.termination.start_truce(first, last)
        m.log_event("scenario", "truce", f"truce: no fighting in weeks {first}-{last}", week=first)
        self.act.at_week(last + 1, self.over)

    def over(self) -> None:
        """Log the end of the truce, unless a later truce extended it."""
        last = self._last()
        if self.model.termination.truce_until == last:
            self.model.log_event("scenario", "truce", "truce over: the war resumes", week=last + 1)


class RealignEffect(Effect):
    """A faction joins another side (docs/ODD.md 7.11)."""

    kind = "realign"
    spec: Realign

    def label(self) -> str:
        """``realign FACTION to SIDE``."""
        return f"realign {self.spec.faction} to {self.spec.side}"

    def apply(self) -> None:
        """Move the faction: it fights whoever its new side fights."""
        s, m = self.spec, self.model
        assert m.sides is not None
        m.sides.realign(m.factions_by_id[s.faction], s.side, "realigns", self.act.fired_week)
