"""Interventions: one small table per type, told apart by its ``type`` key.

Why one model per type: each type's keys, defaults and checks sit together, so a
key another type uses is an error (it would be silently ignored), a key a type
cannot do without is required, and ``Intervention`` is a pydantic discriminated
union that picks the table from ``type``. What each type *does* to a run is in
``sim.model.interventions``, one class per type beside these.

To add a type: a class here (its fields, a ``_check`` validator for rules
within the table, ``check`` for references to the rest of the scenario), its
name in the ``Intervention`` union, and its effect in ``sim.model.interventions``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Protocol, get_args

from pydantic import Field, field_validator, model_validator

from sim.scenario.fields import (
    ChannelName,
    NonNeg,
    NonNegInt,
    PosInt,
    Prob,
    RouteName,
    _Strict,
)

if TYPE_CHECKING:
    from sim.scenario.schema import ScenarioSpec

#: what an intervention's name may be (a part of a dotted key path)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


class When(_Strict):
    """A condition checked weekly; the intervention fires the first week it holds."""

    front_within_km: NonNeg | None = None
    stalemate_weeks: PosInt | None = None
    places_lost: PosInt | None = None
    morale_below: Prob | None = None
    ceasefire_weeks: PosInt | None = None
    faction: str | None = None
    after_week: NonNegInt = 0

    @model_validator(mode="after")
    def _one_condition(self) -> When:
        conds = [
            self.front_within_km,
            self.stalemate_weeks,
            self.places_lost,
            self.morale_below,
            self.ceasefire_weeks,
        ]
        n = sum(c is not None for c in conds)
        if n != 1:
            raise ValueError(
                "expected exactly one of front_within_km, stalemate_weeks, "
                f"places_lost, morale_below, ceasefire_weeks, found {n}"
            )
        per_faction = self.places_lost is not None or self.morale_below is not None
        if per_faction and not self.faction:
            raise ValueError(
                "expected `faction` with places_lost or morale_below, found no faction"
            )
        if not per_faction and self.faction is not None:
            raise ValueError(
                "expected `faction` only with places_lost or morale_below, "
                f"found faction = {self.faction!r}"
            )
        return self


class Checks(Protocol):
    """Where a cross-check reports: keys are relative to the intervention (``channels.0``)."""

    def ref(self, kind: str, key: str, value: str | None, pool: Mapping[str, Any]) -> None:
        """Report ``value`` at ``key`` unless it names one of ``pool`` (a ``kind``)."""

    def problem(self, key: str, text: str) -> None:
        """Report ``text`` (an "expected ..., found ..." phrase) at ``key``."""


class InterventionBase(_Strict):
    """What every intervention has: how overrides name it, what it is, and one timing.

    Subclasses add ``type: Literal["..."]`` and their own keys (docs/ODD.md 7.7).
    """

    # first, as in the files; each subclass narrows it to its one Literal (the union's tag)
    type: str
    # how overrides address it (`interventions.NAME.key`); default: see intervention_names()
    name: str | None = None
    description: str = ""
    at: dt.date | None = None
    week: PosInt | None = None
    when: When | None = None

    #: the keys of every intervention, besides ``type`` (not a type's own keys)
    COMMON: ClassVar[tuple[str, ...]] = ("name", "description", "at", "week", "when")

    @classmethod
    def kind(cls) -> str:
        """The ``type`` this table is for."""
        return str(get_args(cls.model_fields["type"].annotation)[0])

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The keys this type uses besides ``type``, description and timing."""
        return tuple(k for k in cls.model_fields if k != "type" and k not in cls.COMMON)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        """A name is a key path part: no dots, and not a number (numbers are list indices)."""
        if v is not None and not _NAME.fullmatch(v):
            raise ValueError(
                f"expected a name of letters, digits, _ and - starting with a letter, found {v!r}"
            )
        return v

    @model_validator(mode="after")
    def _one_timing(self) -> InterventionBase:
        n = sum(x is not None for x in (self.at, self.week, self.when))
        if n != 1:
            raise ValueError(f"expected exactly one of at, week, when, found {n}")
        return self

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """Cross-checks against the rest of the scenario (references); none by default."""


class _BackerOrGroup(InterventionBase):
    """An intervention aimed at a backer or at a mercenary group, never both."""

    backer: str | None = None
    group: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> _BackerOrGroup:
        t = self.kind()
        if not (self.backer or self.group):
            raise ValueError(f"expected `backer` or `group` in a {t}, found neither")
        if self.backer and self.group:
            raise ValueError(f"expected `backer` or `group` in a {t}, found both")
        return self

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """The backer or group it is aimed at exists."""
        c.ref("backer", "backer", self.backer, spec.backers)
        c.ref("group", "group", self.group, spec.groups)


class Sanction(_BackerOrGroup):
    """Share of pay blocked (1 - leakage), deployment slowed, backer costs and resolve."""

    type: Literal["sanction"]
    financial: Prob = 0.0
    logistics: Prob = 0.0
    cost_increase: NonNeg = 0.0
    resolve_hit: Prob = 0.0
    lag_weeks: NonNegInt = 0

    @model_validator(mode="after")
    def _does_something(self) -> Sanction:
        if not (self.financial or self.logistics or self.cost_increase or self.resolve_hit):
            raise ValueError(
                "expected a sanction with financial, logistics, cost_increase or "
                "resolve_hit > 0, found none (it would do nothing)"
            )
        return self

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """Its target exists; costs and resolve are a backer's, not a group's."""
        super().check(spec, c)
        if self.group and (self.cost_increase or self.resolve_hit):
            key = "cost_increase" if self.cost_increase else "resolve_hit"
            c.problem(
                key, f"expected only with a sanctioned `backer`, found it on group {self.group!r}"
            )


class Withdraw(_BackerOrGroup):
    """A backer stops shipping (all channels or some), or a group is ordered out."""

    type: Literal["withdraw"]
    channels: list[ChannelName] | None = None
    exit_weeks: NonNegInt = 2

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """Its target exists; the channels withdrawn are ones the backer has."""
        super().check(spec, c)
        if self.channels and self.group:
            c.problem(
                "channels",
                f"expected only with a withdrawing `backer`, found it on group {self.group!r}",
            )
        b = spec.backers.get(self.backer) if self.backer else None
        if b is not None:
            for j, ch in enumerate(self.channels or []):
                if ch not in b.channels:
                    c.problem(
                        f"channels.{j}",
                        f"expected a channel {self.backer!r} has "
                        f"({', '.join(b.channels) or 'none'}), found {ch!r}",
                    )


class Redeploy(InterventionBase):
    """A group's station moves to a place id, or back to ``"front"`` (the main effort)."""

    type: Literal["redeploy"]
    group: str
    place: str
    lag_weeks: NonNegInt = 0

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """The group and the place (unless ``"front"``) exist."""
        c.ref("group", "group", self.group, spec.groups)
        if self.place != "front":
            c.ref("place", "place", self.place, spec.places)


class Embargo(InterventionBase):
    """Shipments on each route intercepted with a probability, for all or some backers."""

    type: Literal["embargo"]
    # one key per route (ROUTES): the interdiction probability on it
    sea: Prob | None = None
    air: Prob | None = None
    land: Prob | None = None
    backers: list[str] | None = None

    @model_validator(mode="after")
    def _some_route(self) -> Embargo:
        if self.sea is None and self.air is None and self.land is None:
            raise ValueError("expected at least one of sea, air, land in an embargo, found none")
        return self

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """The backers it is aimed at exist."""
        for j, b in enumerate(self.backers or []):
            c.ref("backer", f"backers.{j}", b, spec.backers)


#: keys of a surge that only a backer's surge uses (a group's uses ``size``)
_BACKER_SURGE_KEYS = ("channel", "amount", "unit_cost", "level", "lag", "route")


class Surge(_BackerOrGroup):
    """More of a channel, a new channel, a higher level; or more contracted fighters."""

    type: Literal["surge"]
    channel: ChannelName | None = None
    amount: NonNeg = 0.0
    unit_cost: NonNeg | None = None
    level: NonNeg = 0.0
    size: NonNeg = 0.0  # fighters added to a group's contracted size
    lag: NonNegInt | None = None
    route: RouteName | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Surge:
        if self.backer and not ((self.channel and self.amount > 0) or self.level > 0):
            raise ValueError(
                "expected a backer surge with `channel` and `amount` > 0, or `level` > 0, "
                "found neither"
            )
        if self.group and self.size <= 0:
            raise ValueError(f"expected a group surge with `size` > 0, found {self.size}")
        return self

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """Its target exists; the keys fit a backer or a group surge; a new channel has a cost."""
        super().check(spec, c)
        if self.group:
            for key in _BACKER_SURGE_KEYS:
                if key in self.model_fields_set:
                    c.problem(
                        key,
                        "expected only in a backer surge, "
                        f"found it in a surge of group {self.group!r}",
                    )
        if self.backer and "size" in self.model_fields_set:
            c.problem(
                "size",
                f"expected only in a group surge, found it in a surge of backer {self.backer!r}",
            )
        b = spec.backers.get(self.backer) if self.backer else None
        new_channel = b is not None and self.channel is not None and self.channel not in b.channels
        if new_channel and self.unit_cost is None:
            # a new channel: its cost must be stated, or rival backers would not see it
            c.problem(
                "unit_cost",
                f"expected the unit cost of the new channel {self.channel!r} of "
                f"{self.backer!r}, found nothing",
            )


class Mediation(InterventionBase):
    """A push for talks: a higher ceasefire hazard for a while; bound backers waive their veto."""

    type: Literal["mediation"]
    strength: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)]
    duration_weeks: PosInt = 4
    binds: list[str] | None = None

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """The backers it binds exist."""
        for j, b in enumerate(self.binds or []):
            c.ref("backer", f"binds.{j}", b, spec.backers)


class CeasefireBreakdown(InterventionBase):
    """An ongoing ceasefire ends now; optionally a new breakdown hazard for later ones."""

    type: Literal["ceasefire_breakdown"]
    hazard: Prob | None = None


class Transfer(InterventionBase):
    """A place changes hands off the modelled front (a local deal, a defection)."""

    type: Literal["transfer"]
    place: str
    faction: str  # the place's new holder

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """The place and its new holder exist."""
        c.ref("place", "place", self.place, spec.places)
        c.ref("faction", "faction", self.faction, spec.factions)


class Resize(InterventionBase):
    """A group's contract changes to a new size (0 ends it)."""

    type: Literal["resize"]
    group: str
    size: NonNeg  # the new contracted size

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """The group exists."""
        c.ref("group", "group", self.group, spec.groups)


class Truce(InterventionBase):
    """No fighting for ``duration_weeks``; not a ceasefire (never an outcome)."""

    type: Literal["truce"]
    duration_weeks: PosInt


class Realign(InterventionBase):
    """A faction changes side (a side id; a new one makes it a side of its own)."""

    type: Literal["realign"]
    faction: str
    side: str

    def check(self, spec: ScenarioSpec, c: Checks) -> None:
        """The faction exists (the side may be new)."""
        c.ref("faction", "faction", self.faction, spec.factions)


#: a scenario's intervention: the table its ``type`` names (in the order the docs list them)
Intervention = Annotated[
    Sanction
    | Withdraw
    | Redeploy
    | Embargo
    | Surge
    | Mediation
    | CeasefireBreakdown
    | Transfer
    | Resize
    | Truce
    | Realign,
    Field(discriminator="type"),
]
#: the table of each intervention type, in the union's order
INTERVENTION_CLASSES: dict[str, type[InterventionBase]] = {
    cls.kind(): cls for cls in get_args(get_args(Intervention)[0])
}
INTERVENTION_TYPES: tuple[str, ...] = tuple(INTERVENTION_CLASSES)
#: the keys each intervention type uses, besides type, description and timing
INTERVENTION_KEYS: dict[str, tuple[str, ...]] = {
    t: cls.keys() for t, cls in INTERVENTION_CLASSES.items()
}

#: intervention types as the nouns of default names (others are nouns already)
_NOUNS = {"sanction": "sanctions", "withdraw": "withdrawal", "redeploy": "redeployment"}


def intervention_names(items: Sequence[InterventionBase | Mapping[str, Any]]) -> list[str]:
    """The name each intervention is addressed by in overrides (``interventions.NAME.key``).

    Its ``name`` if it has one, else ``TARGET_KIND`` (``wagner_sanctions``,
    ``uae_withdrawal``, ``turkey_surge``) from the backer, group or place it
    acts on and the type as a noun, or the bare kind (``embargo``,
    ``mediation``); a repeat gets ``_2``, ``_3``, ... in file order. Works on
    validated interventions and on the raw tables of a file (which overrides
    edit before validation).
    """

    def get(iv: Any, key: str) -> Any:
        return iv.get(key) if isinstance(iv, Mapping) else getattr(iv, key, None)

    used = {n for iv in items if isinstance(n := get(iv, "name"), str)}
    out: list[str] = []
    for iv in items:
        given = get(iv, "name")
        if isinstance(given, str):
            out.append(given)
            continue
        target = get(iv, "backer") or get(iv, "group") or get(iv, "place")
        kind = _NOUNS.get(str(get(iv, "type")), str(get(iv, "type")))
        base = f"{target}_{kind}" if isinstance(target, str) else kind
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        out.append(name)
    return out
