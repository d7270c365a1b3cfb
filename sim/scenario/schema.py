"""The scenario schema: every table and key of a scenario file, typed and bounded.

Why a schema: a what-if file is a policy argument. A misspelt key that is
silently ignored would make the file claim a policy the model never ran, so
unknown keys, dangling references and impossible numbers are all errors, each
reported on one line as ``FILE: key.path: expected ..., found ...``. The field
types are in ``fields``, the interventions (one table per type) in ``interventions``.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import importlib.resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from sim.scenario.fields import (
    MAX_WEEKS,
    ChannelName,
    Cover,
    NonNeg,
    NonNegInt,
    Pos,
    PosInt,
    Prob,
    Quality,
    RouteName,
    _Strict,
)
from sim.scenario.interventions import Intervention


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
    terrain: Literal["urban", "open", "desert", "mountain"]
    holder: str
    value: Value = Value()
    # share of its garrison that are local forces defending their own town or base: a
    # holder that draws on its garrisons (factions.X.garrison_draw) leaves them here
    garrison_local: Prob = 0.0


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
    # highland towns reached over mountain roads: by default as hard to assault as a
    # city (docs/ODD.md 7.2)
    cover_mountain: Cover = 2.5
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
    #: a backer that withdraws its advisers (all-out, or the advisers channel)
    #: takes those in theatre and in transit home at once, as it recalls its
    #: groups; False: they stay and rotate out at ``adviser_turnover`` like the rest
    recall_advisers: bool = False
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
    # share of each front place's garrison it draws (less the place's garrison_local) and
    # pools near its objective and where it was hit lately (docs/ODD.md 7.1): a quiet rear
    # hub is stripped to feed the main front (0: garrisons stay where their places' worth
    # puts them)
    garrison_draw: Prob = 0.0
    # sides (docs/ODD.md 7.10): the coalition it fights in (default: its own id, a side
    # of its own), and the side it may defect to when its cohesion breaks
    side: Annotated[str, Field(min_length=1)] | None = None
    defect_to: Annotated[str, Field(min_length=1)] | None = None
    defect_cohesion: Prob = 0.3  # cohesion at which a defection is half likely ...
    defect_rate: Prob = 0.0  # ... times this weekly chance (0: never defects)
    # local forces fight for their own region (docs/ODD.md 7.1, 7.4): places where its
    # fighters fight for their own (empty: everywhere), and the share of its own attackers
    # that go against a target outside it, the rest staying in its defence (the plan's odds
    # count only them; 1: as many as at home)
    homeland: list[str] = []
    away_will: Prob = 1.0


class Channel(_Strict):
    """One support channel of a backer: a weekly amount with a delivery lag."""

    amount: NonNeg
    unit_cost: NonNeg = 0.0
    lag_weeks: NonNegInt = 2
    route: RouteName = "air"
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
    # log level aimed at per unit of ln(1 + rival side's gain / own client's support)
    rival_elasticity: Annotated[float, Field(ge=0.0, le=2.0, allow_inf_nan=False)] = 0.5
    cost_sensitivity: NonNeg = 0.004  # resolve lost per week at full budget spend
    channels: dict[ChannelName, Channel] = {}


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
    # weeks over which its memory of its losses halves (docs/ODD.md 7.6): it leaves
    # over recent bleeding, not over every casualty since it arrived
    loss_half_life_weeks: Pos = 8.0
    arrears_tolerance: NonNegInt = 4
    route: RouteName = "air"
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
    interventions: list[Intervention] = []  # one table per type, see interventions.py
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
