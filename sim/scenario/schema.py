"""The scenario schema: every table and key of a scenario file, typed and bounded.

Why a schema: a what-if file is a policy argument. A misspelt key that is
silently ignored would make the file claim a policy the model never ran, so
unknown keys, dangling references and impossible numbers are all errors, each
reported on one line as ``FILE: key.path: expected ..., found ...``.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import importlib.resources
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
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
