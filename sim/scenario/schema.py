"""Scenario loading: TOML files, `extends` inheritance, schema and cross-checks.

Why a schema: a what-if file is a policy argument. A misspelt key that is
silently ignored would make the file claim a policy the model never ran, so
unknown keys, dangling references and impossible numbers are all errors, each
reported on one line as ``FILE: key.path: expected ..., found ...``.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import datetime as dt
import difflib
import hashlib
import importlib.resources
import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)


def _library_dir() -> Path:
    """The scenario library: the checkout's ``scenarios/``, else the copy shipped in the package.

    Why two places: the top-level ``scenarios/`` folder is the one source of the
    library (edited, reviewed, extended by what-if files), and a checkout or an
    editable install reads it directly; ``pip install .`` copies it into the
    package as ``sim/_scenarios`` (see ``setup.py``), found here through
    ``importlib.resources`` so an installed ``proxywar`` works outside the repo.
    """
    tree = Path(__file__).resolve().parents[2] / "scenarios"
    if tree.is_dir() and (tree.parent / "pyproject.toml").is_file():
        return tree
    shipped = importlib.resources.files("sim") / "_scenarios"
    if isinstance(shipped, Path):
        return shipped
    if not shipped.is_dir():
        return tree
    # a zipped install: extract once for the life of the process (`extends` needs real files)
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(importlib.resources.as_file(shipped)))


SCENARIO_DIR = _library_dir()

#: the longest horizon a scenario may ask for (a century): keeps date arithmetic finite
MAX_WEEKS = 5200
#: a ceiling for sizes and amounts: far above any real war, low enough that sums stay finite
BIG = 1e9

Prob = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0.0, le=BIG, allow_inf_nan=False)]
Pos = Annotated[float, Field(gt=0.0, le=BIG, allow_inf_nan=False)]
# whole numbers here count weeks (lags, windows, tolerances) or places
NonNegInt = Annotated[int, Field(ge=0, le=MAX_WEEKS)]
PosInt = Annotated[int, Field(ge=1, le=MAX_WEEKS)]
# combat multipliers, bounded to their meaning (and so the Lanchester exponentials stay finite)
Quality = Annotated[float, Field(gt=0.0, le=10.0, allow_inf_nan=False)]
Cover = Annotated[float, Field(ge=0.1, le=10.0, allow_inf_nan=False)]

CHANNELS = ("funds", "arms", "drones", "air_defence", "advisers")
ROUTES = ("sea", "air", "land")
#: the intervention types, in the order the docs list them (one list: the tuple is derived)
InterventionType = Literal[
    "sanction",
    "withdraw",
    "redeploy",
    "embargo",
    "surge",
    "mediation",
    "ceasefire_breakdown",
    "transfer",
    "resize",
    "truce",
    "realign",
]
INTERVENTION_TYPES: tuple[str, ...] = get_args(InterventionType)


class ScenarioError(Exception):
    """A scenario file is invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[str]]]:
        """Pickle as the list of problems (a process pool sends errors back pickled).

        Why: the default rebuilds from ``args``, the joined message, which
        ``list()`` would split into one problem per character.
        """
        return (type(self), (self.problems,))


class _Strict(BaseModel):
    """Base for every scenario table: unknown keys are errors, numbers finite."""

    # strict: a string "25000" or `true` where a number belongs is an error, not a coercion;
    # frozen: a loaded scenario is a value, shared by every run (change it with overrides)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, strict=True)


# --------------------------------------------------------------------------- tables


class Value(_Strict):
    """What a place is worth to whoever holds it (0-1 weights)."""

    capital: Prob = 0.0
    airbase: Prob = 0.0
    oil: Prob = 0.0
    population: Prob = 0.0


class Place(_Strict):
    """A node of the theatre map."""

    name: str
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    terrain: Literal["urban", "open", "desert"]
    holder: str
    value: Value = Value()


class Front(_Strict):
    """The contested objective whose distance to the attacker is the front line.

    ``start_line_km``: where the attacker's offensive started (its front
    distance before the war's first gains); a front pushed past it is a
    milestone (the offensive rolled back), recorded as an event and a column.
    """

    objective: str
    attacker: str
    start_line_km: NonNeg | None = None


class Combat(_Strict):
    """Parameters of the weekly Lanchester engagements (see docs/ODD.md)."""

    lethality: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 0.03
    noise_sigma: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.3
    defender_break: Prob = 0.10
    attacker_break: Prob = 0.15
    cover_urban: Cover = 2.5
    cover_open: Cover = 1.0
    cover_desert: Cover = 0.8
    fortify_rate: NonNeg = 0.02
    fortify_max: Annotated[float, Field(ge=1.0, le=10.0, allow_inf_nan=False)] = 1.5
    air_weight: Prob = 0.5
    air_morale: NonNeg = 0.05
    shelling_intensity: Prob = 0.1
    morale_capture: NonNeg = 0.05
    morale_loss: NonNeg = 0.07
    # where forces go (docs/ODD.md 7.1): attackers concentrate, defenders reinforce
    concentration: Annotated[float, Field(ge=1.0, le=10.0, allow_inf_nan=False)] = 2.0
    min_target_share: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] = 0.2
    reinforce: NonNeg = 1.0
    defence_floor: NonNeg = 0.1
    garrison_base: NonNeg = 0.5
    ad_half: Pos = 10.0
    # manoeuvre and supply lines (docs/ODD.md 7.2, 7.9)
    supply_range_km: Pos = 400.0
    unsupplied_decay: NonNeg = 0.25
    abandon_weeks: PosInt = 4
    abandon_loss: Prob = 0.3
    rout_loss: Prob = 0.1
    recovered_share: Prob = 0.0  # casualties (wounded) who return to the ranks
    # allies coordinate (docs/ODD.md 7.10): targets held by an enemy an ally attacked last
    # week are worth 1 + coordination times more
    coordination: NonNeg = 0.0


class Stalemate(_Strict):
    """A stalemate week: the front moved less than ``max_move_km`` over the window."""

    window_weeks: PosInt = 8
    max_move_km: NonNeg = 5.0


class Termination(_Strict):
    """Ceasefire, ripeness, veto and collapse parameters (docs/ODD.md 7.8)."""

    base_hazard: Prob = 0.002
    mediation_hazard: Prob = 0.10
    ripe_morale: Prob = 0.45
    ripe_stalemate_weeks: NonNegInt = 8
    hurting_rate: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 0.002
    prospects_width: Pos = 0.3
    veto_ratio: Pos = 1.0
    veto_width: Pos = 0.2
    binding_breakdown: Prob = 0.3
    ceasefire_hold_weeks: PosInt = 8
    breakdown_hazard: Prob = 0.05
    collapse_share: Prob = 0.25
    collapse_cohesion: Prob = 0.15


class Decisions(_Strict):
    """How sharply factions' choices respond to what they weigh (docs/ODD.md 7.4).

    Each width is the scale of a logistic gate: an attack's intensity is half
    its maximum where the expected odds equal a faction's ``attack_odds``, and
    moves smoothly on either side (a width of 0 would be the old knife edge).
    """

    odds_width: Pos = 0.5  # in log-odds
    ratio_width: Pos = 0.25  # in log power ratio
    morale_width: Pos = 0.08
    min_intensity: Prob = 0.05  # a weekly chance of assault below this is none


class Economy(_Strict):
    """Constants of faction economies, quality and morale (docs/ODD.md 7.2, 7.4)."""

    equip_half: Pos = 200.0
    adviser_half: Pos = 100.0
    arms_bonus: NonNeg = 0.4
    adviser_bonus: NonNeg = 0.2
    demoralised: Prob = 0.4
    morale_recovery: Prob = 0.05
    loss_morale: NonNeg = 2.0
    support_morale: NonNeg = 0.02
    drone_wear: Prob = 0.02
    drone_ad_loss: Prob = 0.08
    equipment_wear: Prob = 0.02
    adviser_turnover: Prob = 0.05
    unpaid_cohesion: NonNeg = 0.08
    paid_cohesion: Prob = 0.02
    demoralised_cohesion: NonNeg = 0.05
    loss_cohesion: NonNeg = 0.01
    desertion_cohesion: Prob = 0.5
    desertion_rate: Prob = 0.1


class Faction(_Strict):
    """A local armed faction; it wins by taking an enemy's ``home`` (seat of power)."""

    name: str
    fighters: NonNeg
    militia_share: Prob = 0.5
    quality: Quality = 1.0
    morale: Prob = 0.6
    cohesion: Prob = 0.8
    funds: NonNeg = 0.0
    income: NonNeg = 0.0
    pay_per_fighter: NonNeg = 0.0
    recruit_rate: Prob = 0.0  # recruits per fighter per week
    drones: NonNeg = 0.0
    air_defence: NonNeg = 0.0
    equipment: NonNeg = 0.0
    objective: Annotated[list[str], Field(min_length=1)]
    home: str
    supply: list[str] = []  # supply sources besides home: ports and air bases it is fed through
    posture: Literal["attack", "hold", "seek_talks"] = "hold"
    front_share: Prob = 0.5
    readiness_start: Prob = 1.0
    mobilisation_weeks: NonNegInt = 0
    attack_share: Prob = 0.6
    attack_morale: Prob = 0.4
    attack_ratio: NonNeg = 0.8
    attack_odds: NonNeg = 0.0
    talks_morale: Prob = 0.3
    focus_km: Pos = 50.0
    patience_weeks: PosInt = 8
    regroup_weeks: NonNegInt = 6
    # sides (docs/ODD.md 7.10): the coalition it fights in (default: its own id, a side
    # of its own), and the side it may defect to when its cohesion breaks
    side: Annotated[str, Field(min_length=1)] | None = None
    defect_to: Annotated[str, Field(min_length=1)] | None = None
    defect_cohesion: Prob = 0.3  # cohesion at which a defection is half likely ...
    defect_rate: Prob = 0.0  # ... times this weekly chance (0: never defects)


class Channel(_Strict):
    """One support channel of a backer: a weekly amount with a delivery lag."""

    amount: NonNeg
    unit_cost: NonNeg = 0.0
    lag_weeks: NonNegInt = 2
    route: Literal["sea", "air", "land"] = "air"
    start_week: PosInt = 1


class Backer(_Strict):
    """A foreign state that supports a client faction."""

    name: str
    client: str
    resolve: Prob = 0.6
    budget: NonNeg = 10.0
    responsiveness: NonNeg = 0.05
    escalation_response: NonNeg = 0.1
    escalation_threshold: NonNeg = 0.2
    max_level: Pos = 2.0
    withdraw_resolve: Prob = 0.1
    veto: bool = False
    veto_resolve: Prob = 0.5
    reputation_cost: NonNeg = 0.0
    deescalation: NonNeg = 0.05  # level shed per week as costs mount or the client wins
    rival_elasticity: Annotated[float, Field(ge=0.0, le=2.0, allow_inf_nan=False)] = 0.5
    cost_sensitivity: NonNeg = 0.004  # resolve lost per week at full budget spend
    channels: dict[Literal["funds", "arms", "drones", "air_defence", "advisers"], Channel] = {}


class Group(_Strict):
    """A mercenary group: a contracted force paid by a backer."""

    name: str
    faction: str
    payer: str
    size: NonNeg
    quality: Quality = 1.0
    pay_per_fighter: NonNeg = 0.0
    arrival: dt.date | PosInt | None = None
    deploy_rate: NonNeg = 100.0
    casualty_aversion: Prob = 0.3
    arrears_tolerance: NonNegInt = 4
    route: Literal["sea", "air", "land"] = "air"
    deployed: str = "front"

    @field_validator("arrival", mode="before")
    @classmethod
    def _arrival(cls, v: Any) -> Any:
        """A date or a week number; one clear message instead of one per union member."""
        if v is None or (isinstance(v, dt.date) and not isinstance(v, dt.datetime)):
            return v
        if isinstance(v, int) and not isinstance(v, bool) and v >= 1:
            return v
        raise ValueError(f"expected a date (YYYY-MM-DD) or a week number >= 1, found {v!r}")


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


#: the keys each intervention type uses, besides type, description and timing
INTERVENTION_KEYS: dict[str, tuple[str, ...]] = {
    "sanction": (
        "backer",
        "group",
        "financial",
        "logistics",
        "cost_increase",
        "resolve_hit",
        "lag_weeks",
    ),
    "withdraw": ("backer", "group", "channels", "exit_weeks"),
    "redeploy": ("group", "place", "lag_weeks"),
    "embargo": ("sea", "air", "land", "backers"),
    "surge": ("backer", "group", "channel", "amount", "unit_cost", "level", "size", "lag", "route"),
    "mediation": ("strength", "duration_weeks", "binds"),
    "ceasefire_breakdown": ("hazard",),
    "transfer": ("place", "faction"),
    "resize": ("group", "size"),
    "truce": ("duration_weeks",),
    "realign": ("faction", "side"),
}
#: keys a type cannot do without: their defaults would make a silent, arbitrary policy
_REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "transfer": ("place", "faction"),
    "resize": ("group", "size"),
    "truce": ("duration_weeks",),
    "realign": ("faction", "side"),
}
_TIMING_KEYS = ("type", "name", "description", "at", "week", "when")
#: intervention types as the nouns of default names (others are nouns already)
_NOUNS = {"sanction": "sanctions", "withdraw": "withdrawal", "redeploy": "redeployment"}
#: what an intervention's name may be (a part of a dotted key path)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def intervention_names(items: Sequence[Intervention | Mapping[str, Any]]) -> list[str]:
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


class Intervention(_Strict):
    """A policy or event: when it happens and what it does (docs/ODD.md, "Interventions")."""

    type: InterventionType
    # how overrides address it (`interventions.NAME.key`); default: see intervention_names()
    name: str | None = None
    description: str = ""
    at: dt.date | None = None
    week: PosInt | None = None
    when: When | None = None
    # targets
    backer: str | None = None
    group: str | None = None
    channels: list[Literal["funds", "arms", "drones", "air_defence", "advisers"]] | None = None
    # sanction: share of pay blocked (1 - leakage), deployment slowed, backer costs and resolve
    financial: Prob = 0.0
    logistics: Prob = 0.0
    cost_increase: NonNeg = 0.0
    resolve_hit: Prob = 0.0
    lag_weeks: NonNegInt = 0
    # withdraw
    exit_weeks: NonNegInt = 2
    # redeploy: a place id, or "front" (the faction's main effort); transfer: a place id
    place: str | None = None
    # transfer: the place's new holder; realign: the faction that changes side
    faction: str | None = None
    # realign: the side it joins (a side id; a new one makes it a side of its own)
    side: str | None = None
    # embargo
    sea: Prob | None = None
    air: Prob | None = None
    land: Prob | None = None
    backers: list[str] | None = None
    # surge
    channel: Literal["funds", "arms", "drones", "air_defence", "advisers"] | None = None
    amount: NonNeg = 0.0
    unit_cost: NonNeg | None = None
    level: NonNeg = 0.0
    size: NonNeg = 0.0  # surge: fighters added; resize: the new contracted size
    lag: NonNegInt | None = None
    route: Literal["sea", "air", "land"] | None = None
    # mediation (and truce: the weeks it holds)
    strength: Prob = 0.0
    duration_weeks: PosInt = 4
    binds: list[str] | None = None
    # ceasefire breakdown
    hazard: Prob | None = None

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
    def _check(self) -> Intervention:
        n = sum(x is not None for x in (self.at, self.week, self.when))
        if n != 1:
            raise ValueError(f"expected exactly one of at, week, when, found {n}")
        t = self.type
        if t in ("sanction", "withdraw") and not (self.backer or self.group):
            raise ValueError(f"expected `backer` or `group` in a {t}, found neither")
        if t in ("sanction", "withdraw", "surge") and self.backer and self.group:
            raise ValueError(f"expected `backer` or `group` in a {t}, found both")
        if t == "sanction" and not (
            self.financial or self.logistics or self.cost_increase or self.resolve_hit
        ):
            raise ValueError(
                "expected a sanction with financial, logistics, cost_increase or "
                "resolve_hit > 0, found none (it would do nothing)"
            )
        if t == "redeploy" and not (self.group and self.place):
            raise ValueError(
                "expected `group` and `place` in a redeploy, found "
                f"group = {self.group!r}, place = {self.place!r}"
            )
        if t == "embargo" and self.sea is None and self.air is None and self.land is None:
            raise ValueError("expected at least one of sea, air, land in an embargo, found none")
        if t == "surge":
            if not (self.backer or self.group):
                raise ValueError("expected `backer` or `group` in a surge, found neither")
            if self.backer and not ((self.channel and self.amount > 0) or self.level > 0):
                raise ValueError(
                    "expected a backer surge with `channel` and `amount` > 0, or `level` > 0, "
                    "found neither"
                )
            if self.group and self.size <= 0:
                raise ValueError(f"expected a group surge with `size` > 0, found {self.size}")
        if t == "mediation" and self.strength <= 0:
            raise ValueError(f"expected mediation with `strength` > 0, found {self.strength}")
        return self


class ScenarioSpec(_Strict):
    """A validated scenario: everything the model needs to build a war."""

    name: Annotated[str, Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]
    start_date: dt.date
    horizon_weeks: Annotated[int, Field(ge=1, le=MAX_WEEKS)]
    front: Front
    combat: Combat = Combat()
    decisions: Decisions = Decisions()
    economy: Economy = Economy()
    stalemate: Stalemate = Stalemate()
    termination: Termination = Termination()
    places: dict[str, Place]
    roads: list[tuple[str, str, Pos]]
    factions: dict[str, Faction]
    backers: dict[str, Backer] = {}
    groups: dict[str, Group] = {}
    interventions: list[Intervention] = []
    # pairs of factions that do not fight each other though on different sides
    neutral: list[tuple[str, str]] = []
    # bookkeeping, filled by the loader (not from the file)
    source: str = ""
    sha256: str = ""
    files: list[str] = []

    @field_validator("factions", mode="before")
    @classmethod
    def _objective_list(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for f in v.values():
                if isinstance(f, dict) and isinstance(f.get("objective"), str):
                    f["objective"] = [f["objective"]]
        return v

    @field_validator("roads", mode="before")
    @classmethod
    def _roads_as_tuples(cls, v: Any) -> Any:
        """TOML has arrays, not tuples: ``[from, to, km]`` becomes a tuple to check."""
        if isinstance(v, list):
            return [tuple(r) if isinstance(r, list) else r for r in v]
        return v

    @field_validator("factions")
    @classmethod
    def _two_factions(cls, v: dict[str, Faction]) -> dict[str, Faction]:
        # a war needs two factions at least; more fight on sides (docs/ODD.md 7.10)
        if len(v) < 2:
            raise ValueError(f"expected two factions or more, found {len(v)}")
        return v

    @field_validator("neutral", mode="before")
    @classmethod
    def _pairs_as_tuples(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [tuple(r) if isinstance(r, list) else r for r in v]
        return v

    def side_of(self, fid: str) -> str:
        """The side (coalition) a faction starts the war on: its own id unless stated."""
        return self.factions[fid].side or fid

    @property
    def multi_side(self) -> bool:
        """Whether the war needs the sides machinery (more than two factions, or sides used).

        Why a switch: a plain two-faction war keeps its exact schedule and random
        streams (its results stay bit-identical to those before sides existed).
        """
        fs = self.factions
        return (
            len(fs) > 2
            or bool(self.neutral)
            or any(f.side is not None or f.defect_rate > 0 for f in fs.values())
            or any(iv.type == "realign" for iv in self.interventions)
        )

    # -- derived helpers ---------------------------------------------------

    def week_of(self, date: dt.date) -> int:
        """Week number (1-based) in which ``date`` falls."""
        return (date - self.start_date).days // 7 + 1

    def date_of(self, week: int) -> dt.date:
        """Last day of week ``week`` (week 0 is the start date)."""
        return self.start_date + dt.timedelta(days=7 * week)

    @property
    def end_date(self) -> dt.date:
        """Date of the horizon."""
        return self.date_of(self.horizon_weeks)


# --------------------------------------------------------------------------- plausible ranges

#: Plausible ranges of the behavioural constants and of the numbers most
#: scenarios can only assume: what sensitivity analysis and calibration vary by
#: default (docs/calibration.md). ``("abs", low, high)`` is a range of values;
#: ``("rel", low, high)`` multiplies the scenario's own value (force sizes
#: differ between wars; a factor of their estimate does not). ``*`` stands for
#: every faction, backer or group id of the scenario. Every entry says why.
PLAUSIBLE_RANGES: dict[str, tuple[str, float, float, str]] = {
    "combat.lethality": ("abs", 0.03, 0.12, "casualty rates of urban and open fighting"),
    "combat.noise_sigma": ("abs", 0.4, 1.0, "week-to-week luck of an assault"),
    "combat.cover_urban": ("abs", 1.5, 3.5, "urban defence multipliers in the literature"),
    "combat.attacker_break": ("abs", 0.04, 0.15, "Helmbold breakpoints of assaults"),
    "combat.defender_break": ("abs", 0.03, 0.10, "Helmbold breakpoints of defences"),
    "combat.concentration": ("abs", 1.0, 4.0, "from spreading evenly to massing"),
    "combat.reinforce": ("abs", 0.0, 2.0, "from no reaction to strong reinforcement"),
    "combat.supply_range_km": ("abs", 300.0, 1200.0, "half strength that far from supply"),
    "combat.recovered_share": ("abs", 0.3, 0.8, "wounded who return to duty"),
    "combat.rout_loss": ("abs", 0.0, 0.3, "losses of a defence that broke"),
    "decisions.odds_width": ("abs", 0.25, 1.0, "how sharply assaults follow the odds"),
    "decisions.ratio_width": ("abs", 0.1, 0.5, "how sharply assaults follow the power ratio"),
    "decisions.morale_width": ("abs", 0.04, 0.16, "how sharply assaults follow morale"),
    "termination.hurting_rate": ("abs", 0.001, 0.005, "weekly loss share that hurts"),
    "termination.base_hazard": ("abs", 0.001, 0.02, "weekly ceasefire chance when ripe"),
    "termination.breakdown_hazard": ("abs", 0.02, 0.15, "weekly breakdown of a young ceasefire"),
    "factions.*.fighters": ("rel", 0.8, 1.2, "force estimates disagree by a fifth or more"),
    "factions.*.quality": ("rel", 0.8, 1.2, "training and cohesion are guessed"),
    "factions.*.recruit_rate": ("rel", 0.5, 1.5, "recruitment is rarely reported"),
    "factions.*.attack_odds": ("rel", 0.5, 2.0, "risk tolerance"),
    "factions.*.attack_ratio": ("rel", 0.8, 1.25, "how much edge a side waits for"),
    "backers.*.resolve": ("rel", 0.7, 1.3, "a state's stake, seen from outside"),
    "backers.*.escalation_response": ("rel", 0.5, 1.5, "how fast it answers the rival"),
    "backers.*.rival_elasticity": ("abs", 0.25, 1.0, "how much of the rival's change it answers"),
    "groups.*.size": ("rel", 0.7, 1.3, "contractor numbers are estimates"),
    "groups.*.quality": ("rel", 0.7, 1.3, "contractors' edge over local fighters"),
}


def plausible_ranges(
    spec: ScenarioSpec, keys: Sequence[str] | None = None
) -> list[tuple[str, float, float]]:
    """``(dotted key, low, high)`` for a scenario, wildcards expanded, relative ranges applied.

    Args:
        spec: the scenario whose ids and values fill the table.
        keys: only these table keys (default: all of :data:`PLAUSIBLE_RANGES`).

    A relative range of a value that is 0 (nothing to vary) is left out.
    """
    out: list[tuple[str, float, float]] = []
    pools = {"factions": spec.factions, "backers": spec.backers, "groups": spec.groups}
    for key in keys if keys is not None else PLAUSIBLE_RANGES:
        kind, low, high, _ = PLAUSIBLE_RANGES[key]
        head, _, field = key.partition(".*.")
        expanded = (
            [(f"{head}.{i}.{field}", getattr(item, field)) for i, item in pools[head].items()]
            if field
            else [(key, None)]
        )
        for dotted, value in expanded:
            if kind == "rel":
                if value is None:
                    section, name = dotted.split(".", 1)
                    value = getattr(getattr(spec, section), name)
                if not value:
                    continue
                out.append((dotted, float(value) * low, float(value) * high))
            else:
                out.append((dotted, low, high))
    return out


# --------------------------------------------------------------------------- loading


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return None
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror})")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(f"{path}: line {line}: expected UTF-8 text, found byte {raw[exc.start]:#x}")
        return None
    if not text.strip():
        problems.append(f"{path}: expected a TOML scenario, found an empty file")
        return None
    try:
        data = tomllib.loads(text)
        if not data:  # comments and blank lines only: as good as empty
            problems.append(f"{path}: expected a TOML scenario, found no keys (only comments)")
            return None
        return data
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if where:
            msg = msg[: where.start()].strip()
            msg = msg[:1].lower() + msg[1:]
            problems.append(
                f"{path}: line {where[1]}, column {where[2]}: expected valid TOML, found {msg}"
            )
        elif "(at end of document)" in msg:
            msg = msg.replace("(at end of document)", "").strip()
            msg = msg[:1].lower() + msg[1:]
            last = text.rstrip("\n").count("\n") + 1
            problems.append(
                f"{path}: line {last}: expected valid TOML, found {msg} at the end of the file"
            )
        else:
            problems.append(f"{path}: expected valid TOML, found a syntax error: {msg}")
        return None
    except RecursionError:  # absurdly nested arrays: tomllib recurses per level
        problems.append(f"{path}: expected a TOML scenario, found nesting too deep to read")
        return None


def _merge(parent: dict[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``child`` onto ``parent``; ``interventions`` are appended."""
    out = copy.deepcopy(parent)
    for key, val in child.items():
        if key == "interventions" and isinstance(val, list):
            out[key] = list(out.get(key, [])) + copy.deepcopy(val)
        elif isinstance(val, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), val)
        else:
            out[key] = copy.deepcopy(val)
    return out


def _resolve(path: Path, problems: list[str], chain: tuple[Path, ...]) -> dict[str, Any] | None:
    data = _read_toml(path, problems)
    if data is None:
        return None
    parent_name = data.pop("extends", None)
    if parent_name is None:
        return data
    if not isinstance(parent_name, str):
        problems.append(f"{path}: extends: expected a file name, found {parent_name!r}")
        return None
    try:
        parent = (path.parent / parent_name).resolve()
        is_file = parent.is_file()
    except (OSError, ValueError):  # e.g. a NUL byte in the name
        parent, is_file = path.parent / "?", False
    if parent == path.resolve():
        problems.append(f"{path}: extends: a scenario cannot extend itself")
        return None
    if parent in chain:
        cycle = " -> ".join(p.name for p in (*chain, parent))
        problems.append(f"{path}: extends: cycle {cycle}")
        return None
    if not is_file:
        problems.append(f"{path}: extends: expected an existing file, found {parent_name!r}")
        return None
    base = _resolve(parent, problems, (*chain, parent))
    if base is None:
        return None
    # A child's description and name replace the parent's; so does a new horizon.
    return _merge(base, data)


def _unwrap(ann: Any) -> tuple[Any, list[Any]]:
    """Strip ``Annotated`` and ``X | None`` from an annotation; return it and its constraints."""
    meta: list[Any] = []
    while True:
        if get_origin(ann) is Annotated:
            args = get_args(ann)
            ann = args[0]
            for m in args[1:]:
                meta.extend(getattr(m, "metadata", None) or [m])
            continue
        args = get_args(ann)
        if args and type(None) in args and get_origin(ann) not in (dict, list, tuple):
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                ann = rest[0]
                continue
        return ann, meta


def _annotation_at(loc: tuple[Any, ...]) -> tuple[Any, list[Any]]:
    """The annotation (and its constraints) of the value at ``loc``; ``None`` if unknown.

    Walks the schema by structure (model fields, dict values, list items, tuple
    positions), so a place called ``name`` is not mistaken for the field ``name``.
    """
    ann: Any = ScenarioSpec
    meta: list[Any] = []
    for part in loc:
        ann, _ = _unwrap(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            field = ann.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None, []
            ann, meta = field.annotation, list(field.metadata)
            continue
        origin, args = get_origin(ann), get_args(ann)
        if origin is dict and len(args) == 2:
            ann, meta = args[1], []
        elif origin is list and args:
            ann, meta = args[0], []
        elif origin is tuple and isinstance(part, int) and part < len(args):
            ann, meta = args[part], []
        else:
            return None, []
    ann, more = _unwrap(ann)
    return ann, meta + more


def _fields_of(loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at a location (for did-you-mean suggestions)."""
    ann, _ = _annotation_at(loc[:-1])
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [f for f in ann.model_fields if f not in ("source", "sha256", "files")]
    return []


def _bounds_text(meta: list[Any]) -> str:
    """``" in [0, 1]"``, ``" >= 0"`` ... from a field's constraints."""
    b = {}
    for m in meta:
        for k in ("ge", "gt", "le", "lt"):
            v = m.get(k) if isinstance(m, Mapping) else getattr(m, k, None)
            if v is not None:
                b[k] = v
    b = {k: (f"{v:.0e}".replace("e+0", "e") if abs(v) >= 1e6 else f"{v:g}") for k, v in b.items()}
    lo = ("ge", b["ge"]) if "ge" in b else ("gt", b["gt"]) if "gt" in b else None
    hi = ("le", b["le"]) if "le" in b else ("lt", b["lt"]) if "lt" in b else None
    if lo and hi:
        left = "[" if lo[0] == "ge" else "("
        right = "]" if hi[0] == "le" else ")"
        return f" in {left}{lo[1]}, {hi[1]}{right}"
    sym = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    if lo:
        return f" {sym[lo[0]]} {lo[1]}"
    if hi:
        return f" {sym[hi[0]]} {hi[1]}"
    return ""


_TYPE_WORDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}


def _shown(found: Any) -> str:
    """How a found value appears in a message: short, and without Python noise."""
    if isinstance(found, Mapping):
        return "a table"
    if isinstance(found, float) and (math.isnan(found) or math.isinf(found)):
        return str(found)
    if isinstance(found, bool):
        return "true" if found else "false"
    text = repr(found)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(e: Any, meta: list[Any], ann: Any) -> str:
    """The "expected ..." phrase for one pydantic error."""
    t = e["type"]
    ctx = e.get("ctx") or {}
    if t == "literal_error":
        return f"one of {ctx.get('expected', '')}"
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        word = "a whole number" if ann is int else "a number"
        return word + (_bounds_text(meta) or _bounds_text([ctx]))
    if t == "too_short":
        return f"at least {ctx.get('min_length', 1)} item(s)"
    if t == "too_long":
        return f"at most {ctx.get('max_length')} item(s)"
    if t == "string_too_short":
        return "a non-empty string"
    word = _TYPE_WORDS.get(t)
    if word is None:
        msg = str(e.get("msg", "a valid value"))
        return msg[0].lower() + msg[1:] if msg else "a valid value"
    if word in ("a number", "a whole number", "a finite number"):
        word += _bounds_text(meta)
    return word


def _format_errors(path: Path, err: ValidationError) -> list[str]:
    """One ``FILE: key.path: expected ..., found ...`` line per schema error."""
    lines: list[str] = []
    for e in err.errors():
        raw_loc = tuple(e["loc"])
        dict_key = bool(raw_loc) and raw_loc[-1] == "[key]"
        loc = tuple(x for x in raw_loc if not (isinstance(x, str) and "[" in x))
        key = ".".join(str(x) for x in loc) or "(top level)"
        found = e.get("input")
        if e["type"] == "extra_forbidden":
            allowed = _fields_of(loc)
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            lines.append(f"{path}: {key}: unknown key{hint}")
            continue
        if e["type"] == "missing":
            lines.append(f"{path}: {key}: expected a value, found nothing (required key)")
            continue
        if e["type"] in ("value_error", "assertion_error"):
            msg = str(e["msg"])
            for prefix in ("Value error, ", "Assertion failed, "):
                if msg.startswith(prefix):
                    msg = msg[len(prefix) :]
            if msg.startswith("expected"):
                lines.append(f"{path}: {key}: {msg}")
            else:
                lines.append(f"{path}: {key}: expected {msg}, found {_shown(found)}")
            continue
        ann, meta = (None, []) if dict_key else _annotation_at(loc)
        expected = _expected(e, meta, ann)
        hint = ""
        if e["type"] == "literal_error" and isinstance(found, str):
            options = [o.strip("'\" ") for o in re.split(r",| or ", str(e["ctx"]["expected"]))]
            guess = difflib.get_close_matches(found, [o for o in options if o], n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        lines.append(f"{path}: {key}: expected {expected}, found {_shown(found)}{hint}")
    return lines


def _cross_check(spec: ScenarioSpec, path: Path) -> list[str]:
    """References between tables, dates inside the span, keys that fit their intervention."""
    out: list[str] = []
    try:
        spec.end_date  # noqa: B018 - the horizon must be a representable date
    except OverflowError:
        return [
            f"{path}: horizon_weeks: expected a horizon ending before the year 10000, "
            f"found {spec.horizon_weeks} weeks from {spec.start_date}"
        ]
    places, factions = spec.places, spec.factions
    backers, groups = spec.backers, spec.groups
    horizon = spec.horizon_weeks

    def ref(kind: str, key: str, value: str | None, pool: Mapping[str, Any]) -> None:
        if value is None or value in pool:
            return
        guess = difflib.get_close_matches(value, list(pool), n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        out.append(f"{path}: {key}: expected a known {kind}, found {value!r}{hint}")

    def week_in_span(key: str, week: int | None) -> None:
        if week is not None and week > horizon:
            out.append(f"{path}: {key}: expected a week within 1..{horizon}, found {week}")

    ref("place", "front.objective", spec.front.objective, places)
    ref("faction", "front.attacker", spec.front.attacker, factions)
    for pid, p in places.items():
        ref("faction", f"places.{pid}.holder", p.holder, factions)
    seen_roads: dict[frozenset[str], int] = {}
    for i, (a, b, _km) in enumerate(spec.roads):
        ref("place", f"roads.{i}.0", a, places)
        ref("place", f"roads.{i}.1", b, places)
        if a == b:
            out.append(f"{path}: roads.{i}: expected two different places, found {a!r} twice")
        pair = frozenset((a, b))
        if pair in seen_roads and a != b:
            out.append(
                f"{path}: roads.{i}: expected one road between {a!r} and {b!r}, "
                f"found a second one (first is roads.{seen_roads[pair]})"
            )
        seen_roads.setdefault(pair, i)
    for fid, f in factions.items():
        for j, obj in enumerate(f.objective):
            ref("place", f"factions.{fid}.objective.{j}", obj, places)
        ref("place", f"factions.{fid}.home", f.home, places)
        for j, src in enumerate(f.supply):
            ref("place", f"factions.{fid}.supply.{j}", src, places)
    sides = {spec.side_of(fid) for fid in factions}
    for fid, f in factions.items():
        if f.defect_to is not None:
            ref("side", f"factions.{fid}.defect_to", f.defect_to, {s: 1 for s in sides})
            if f.defect_to == spec.side_of(fid):
                out.append(
                    f"{path}: factions.{fid}.defect_to: expected another side, found its own"
                )
    for i, pair in enumerate(spec.neutral):
        for j, fid in enumerate(pair):
            ref("faction", f"neutral.{i}.{j}", fid, factions)
    for bid, b in backers.items():
        ref("faction", f"backers.{bid}.client", b.client, factions)
        for ch, c in b.channels.items():
            week_in_span(f"backers.{bid}.channels.{ch}.start_week", c.start_week)
    for gid, g in groups.items():
        ref("faction", f"groups.{gid}.faction", g.faction, factions)
        ref("backer", f"groups.{gid}.payer", g.payer, backers)
        if g.deployed != "front":
            ref("place", f"groups.{gid}.deployed", g.deployed, places)
        if isinstance(g.arrival, dt.date):
            out += _date_in_span(spec, g.arrival, f"groups.{gid}.arrival", path)
        elif isinstance(g.arrival, int):
            week_in_span(f"groups.{gid}.arrival", g.arrival)
    first_named: dict[str, int] = {}
    for i, iv in enumerate(spec.interventions):
        out += _check_intervention(spec, iv, f"interventions.{i}", path, ref)
        if iv.name is not None and iv.name in first_named:
            out.append(
                f"{path}: interventions.{i}.name: expected a name no other intervention has, "
                f"found {iv.name!r} again (first is interventions.{first_named[iv.name]})"
            )
        first_named.setdefault(iv.name or "", i)
    # the map must be connected so that the front distance is defined
    if not out and places:
        adj: dict[str, set[str]] = {p: set() for p in places}
        for a, b, _ in spec.roads:
            adj[a].add(b)
            adj[b].add(a)
        seen, stack = {spec.front.objective}, [spec.front.objective]
        while stack:
            for n in adj[stack.pop()] - seen:
                seen.add(n)
                stack.append(n)
        cut = sorted(set(places) - seen)
        if cut:
            out.append(
                f"{path}: roads: expected every place connected to the objective, "
                f"found unreachable {', '.join(cut)}"
            )
    return out


def _check_intervention(
    spec: ScenarioSpec, iv: Intervention, k: str, path: Path, ref: Any
) -> list[str]:
    """References, timing and the keys that make sense for this type of intervention."""
    out: list[str] = []
    backers, groups = spec.backers, spec.groups
    # keys that this type does not use would be silently ignored: refuse them
    used = set(INTERVENTION_KEYS[iv.type]) | set(_TIMING_KEYS)
    for key in sorted(iv.model_fields_set - used):
        allowed = ", ".join(INTERVENTION_KEYS[iv.type])
        out.append(
            f"{path}: {k}.{key}: expected only keys a {iv.type} uses ({allowed}), "
            f"found {key} = {_shown(getattr(iv, key))}"
        )
    for key in _REQUIRED_KEYS.get(iv.type, ()):
        if key not in iv.model_fields_set:
            out.append(
                f"{path}: {k}.{key}: expected a value, found nothing (required in a {iv.type})"
            )
    ref("backer", f"{k}.backer", iv.backer, backers)
    ref("group", f"{k}.group", iv.group, groups)
    for j, b in enumerate(iv.backers or []):
        ref("backer", f"{k}.backers.{j}", b, backers)
    for j, b in enumerate(iv.binds or []):
        ref("backer", f"{k}.binds.{j}", b, backers)
    if iv.when is not None:
        ref("faction", f"{k}.when.faction", iv.when.faction, spec.factions)
        if iv.when.after_week > spec.horizon_weeks:
            out.append(
                f"{path}: {k}.when.after_week: expected a week within "
                f"0..{spec.horizon_weeks}, found {iv.when.after_week}"
            )
    if iv.at is not None:
        out += _date_in_span(spec, iv.at, f"{k}.at", path)
    if iv.week is not None and iv.week > spec.horizon_weeks:
        out.append(
            f"{path}: {k}.week: expected a week within 1..{spec.horizon_weeks}, found {iv.week}"
        )
    if iv.type == "redeploy" and iv.place not in (None, "front"):
        ref("place", f"{k}.place", iv.place, spec.places)
    if iv.type == "transfer":
        ref("place", f"{k}.place", iv.place, spec.places)
        ref("faction", f"{k}.faction", iv.faction, spec.factions)
    if iv.type == "realign":
        ref("faction", f"{k}.faction", iv.faction, spec.factions)
    if iv.type == "sanction" and iv.group and (iv.cost_increase or iv.resolve_hit):
        key = "cost_increase" if iv.cost_increase else "resolve_hit"
        out.append(
            f"{path}: {k}.{key}: expected only with a sanctioned `backer`, "
            f"found it on group {iv.group!r}"
        )
    if iv.type == "withdraw" and iv.channels and iv.group:
        out.append(
            f"{path}: {k}.channels: expected only with a withdrawing `backer`, "
            f"found it on group {iv.group!r}"
        )
    b = backers.get(iv.backer) if iv.backer else None
    if iv.type == "withdraw" and b is not None:
        for j, ch in enumerate(iv.channels or []):
            if ch not in b.channels:
                out.append(
                    f"{path}: {k}.channels.{j}: expected a channel {iv.backer!r} has "
                    f"({', '.join(b.channels) or 'none'}), found {ch!r}"
                )
    if iv.type == "surge" and iv.group:
        for key in ("channel", "amount", "unit_cost", "level", "lag", "route"):
            if key in iv.model_fields_set:
                out.append(
                    f"{path}: {k}.{key}: expected only in a backer surge, "
                    f"found it in a surge of group {iv.group!r}"
                )
    if iv.type == "surge" and iv.backer and "size" in iv.model_fields_set:
        out.append(
            f"{path}: {k}.size: expected only in a group surge, found it in a surge of "
            f"backer {iv.backer!r}"
        )
    new_channel = b is not None and iv.channel is not None and iv.channel not in b.channels
    if iv.type == "surge" and new_channel and iv.unit_cost is None:
        # a new channel: its cost must be stated, or rival backers would not see it
        out.append(
            f"{path}: {k}.unit_cost: expected the unit cost of the new channel "
            f"{iv.channel!r} of {iv.backer!r}, found nothing"
        )
    return out


def _date_in_span(spec: ScenarioSpec, date: dt.date, key: str, path: Path) -> list[str]:
    """A date must fall in one of the scenario's weeks 1..horizon."""
    if spec.start_date <= date and spec.week_of(date) <= spec.horizon_weeks:
        return []
    last = spec.end_date - dt.timedelta(days=1)
    return [f"{path}: {key}: expected a date within {spec.start_date}..{last}, found {date}"]


def set_key(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``a.b.c = value`` inside nested dicts (lists indexed by number)."""
    parts = dotted.split(".")
    cur: Any = data
    for part in parts[:-1]:
        cur = cur[int(part)] if isinstance(cur, list) else cur.setdefault(part, {})
    last = parts[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value


def parse_value(text: str) -> Any:
    """Parse the VALUE of ``--set KEY=VALUE`` as a TOML value (bare words are strings)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def load_scenario(
    path: str | Path | ScenarioSpec, overrides: Mapping[str, Any] | None = None
) -> ScenarioSpec:
    """Load, merge and validate a scenario file.

    Args:
        path: a TOML file (absolute, relative, or a bare name found in the
            working folder's ``scenarios/`` or else in the scenario library,
            :data:`SCENARIO_DIR`), or an already-loaded scenario (returned as
            is, or re-validated with ``overrides``).
        overrides: dotted key paths to values, applied after ``extends``
            (what ``--set KEY=VALUE`` does), validated like the file. An
            intervention is addressed by index or by name
            (``interventions.wagner_sanction.at``, see
            :func:`intervention_names`); setting its ``at``, ``week`` or
            ``when`` replaces the timing it had.

    Raises:
        ScenarioError: with one line per problem.
    """
    if isinstance(path, ScenarioSpec):
        if not overrides:
            return path
        # only what was set: defaults come back on validation, and the keys an
        # intervention states must stay the keys it stated
        data = path.model_dump(exclude={"source", "sha256", "files"}, exclude_unset=True)
        if "roads" in data:
            data["roads"] = [list(r) for r in data["roads"]]
        src = Path(path.source or path.name)
        _apply_overrides(data, overrides, src)
        return _validate(data, src, path.files, path.sha256 + repr(sorted(overrides.items())))
    p = Path(path)
    try:
        if not p.exists() and not p.is_absolute():
            # a bare name: the working folder's scenarios/ first, then the library (both
            # absolute, as the library always was: the same file, the same `source`)
            for folder in (Path.cwd() / "scenarios", SCENARIO_DIR):
                if (folder / p).exists():
                    p = folder / p
                    break
    except (OSError, ValueError):  # a name the file system cannot even look up
        raise ScenarioError([f"{p}: expected a scenario file name, found {str(path)!r}"]) from None
    if not overrides:
        cached = _cache_get(p)
        if cached is not None:
            return cached
        spec = _load_file(p, None)
        _cache_put(p, spec)
        return spec
    return _load_file(p, overrides)


#: loaded files, keyed by path; valid while no file of the extends chain changed
_CACHE: dict[str, tuple[tuple[tuple[str, int, int], ...], ScenarioSpec]] = {}


def _stamp(files: list[str]) -> tuple[tuple[str, int, int], ...] | None:
    try:
        return tuple(
            (str(Path(f).resolve()), (st := os.stat(f)).st_mtime_ns, st.st_size) for f in files
        )
    except OSError:
        return None


def _cache_get(p: Path) -> ScenarioSpec | None:
    """The cached spec, if every file of its chain is unchanged.

    Why: ``ProxyWarModel("file.toml")`` in a loop (``mesa.batch_run``, notebooks)
    would otherwise parse and validate the same files for every run, which costs
    more than the run itself. Specs are frozen (a changed scenario is a new one,
    made with ``overrides``) and models never change them (a sweep shares one
    spec across all its runs), so callers can share the cached one; a deep copy
    per load cost as much as a run's set-up.
    """
    hit = _CACHE.get(str(p.resolve()))
    if hit is None:
        return None
    stamp, spec = hit
    if _stamp(spec.files) != stamp:
        return None
    return spec


def _cache_put(p: Path, spec: ScenarioSpec) -> None:
    stamp = _stamp(spec.files)
    if stamp is not None:
        if len(_CACHE) > 128:
            _CACHE.clear()
        _CACHE[str(p.resolve())] = (stamp, spec)


def _load_file(p: Path, overrides: Mapping[str, Any] | None) -> ScenarioSpec:
    """Read, merge, override and validate a scenario file (no cache)."""
    problems: list[str] = []
    data = _resolve(p, problems, (p.resolve(),))
    if data is None:
        raise ScenarioError(problems)
    files = [str(p)]
    digest = hashlib.sha256()
    # hash every file in the extends chain, so a changed parent changes the hash
    cur: Path | None = p
    while cur is not None:
        digest.update(cur.read_bytes())
        parent = tomllib.loads(cur.read_text("utf-8")).get("extends")
        # shown as written (relative to the child), so reports don't leak absolute paths
        cur = cur.parent / parent if isinstance(parent, str) else None
        if cur is not None:
            files.append(os.path.normpath(cur))
    _apply_overrides(data, overrides or {}, p)
    if overrides:
        digest.update(repr(sorted(overrides.items())).encode())
    return _validate(data, p, files, digest.hexdigest())


def _apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any], p: Path) -> None:
    """Apply ``--set`` overrides; a path that cannot exist is a ScenarioError."""
    for key, val in overrides.items():
        dotted = _by_index(data, str(key), p)
        try:
            set_key(data, dotted, val)
        except (ValueError, IndexError, TypeError, AttributeError, KeyError):
            raise ScenarioError([f"{p}: {key}: expected an existing key path"]) from None
        _one_timing(data, dotted)


def _by_index(data: dict[str, Any], key: str, p: Path) -> str:
    """``interventions.NAME.rest`` as ``interventions.INDEX.rest`` (other keys as they are)."""
    parts = key.split(".")
    if len(parts) < 2 or parts[0] != "interventions" or re.fullmatch(r"-?\d+", parts[1]):
        return key
    items = data.get("interventions")
    names = intervention_names(items) if isinstance(items, list) else []
    if parts[1] not in names:
        guess = difflib.get_close_matches(parts[1], names, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        known = ", ".join(names) or "none in this scenario"
        raise ScenarioError(
            [f"{p}: {key}: expected an intervention name ({known}), found {parts[1]!r}{hint}"]
        )
    parts[1] = str(names.index(parts[1]))
    return ".".join(parts)


def _one_timing(data: dict[str, Any], dotted: str) -> None:
    """Setting an intervention's ``at``, ``week`` or ``when`` replaces its other timing.

    Why: an intervention has exactly one timing; moving a dated sanction to a
    week (what a lever of an exploratory study does) should not first require
    deleting its date.
    """
    parts = dotted.split(".")
    if len(parts) < 3 or parts[0] != "interventions" or parts[2] not in ("at", "week", "when"):
        return
    iv = data["interventions"][int(parts[1])]
    if isinstance(iv, dict):
        for other in ("at", "week", "when"):
            if other != parts[2]:
                iv.pop(other, None)


def _validate(data: dict[str, Any], p: Path, files: list[str], sha: str) -> ScenarioSpec:
    for reserved in ("source", "sha256", "files"):
        if reserved in data:
            raise ScenarioError([f"{p}: {reserved}: unknown key (reserved by the loader)"])
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_format_errors(p, err)) from None
    problems = _cross_check(spec, p)
    if problems:
        raise ScenarioError(problems)
    return spec.model_copy(update={"source": str(p), "sha256": sha, "files": files})


def list_scenarios(folder: Path = SCENARIO_DIR) -> list[tuple[str, str]]:
    """``(file name, description)`` of every scenario in a folder."""
    out = []
    for f in sorted(folder.glob("*.toml")):
        try:
            out.append((f.name, load_scenario(f).description))
        except ScenarioError as exc:
            out.append((f.name, f"INVALID: {exc.problems[0]}"))
    return out
