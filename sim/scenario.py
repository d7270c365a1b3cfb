"""Scenario loading: TOML files, `extends` inheritance, schema and cross-checks.

Why a schema: a what-if file is a policy argument. A misspelt key that is
silently ignored would make the file claim a policy the model never ran, so
unknown keys, dangling references and impossible numbers are all errors, each
reported on one line as ``FILE: key.path: expected ..., found ...``.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

Prob = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Pos = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
NonNegInt = Annotated[int, Field(ge=0)]
PosInt = Annotated[int, Field(ge=1)]

CHANNELS = ("funds", "arms", "drones", "air_defence", "advisers")
ROUTES = ("sea", "air", "land")


class ScenarioError(Exception):
    """A scenario file is invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class _Strict(BaseModel):
    """Base for every scenario table: unknown keys are errors, numbers finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=False)


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
    """The contested objective whose distance to the attacker is the front line."""

    objective: str
    attacker: str


class Combat(_Strict):
    """Parameters of the weekly Lanchester engagements (see docs/ODD.md)."""

    lethality: Pos = 0.03
    noise_sigma: NonNeg = 0.3
    defender_break: Prob = 0.10
    attacker_break: Prob = 0.15
    cover_urban: Pos = 2.5
    cover_open: Pos = 1.0
    cover_desert: Pos = 0.8
    fortify_rate: NonNeg = 0.02
    fortify_max: Pos = 1.5
    air_weight: NonNeg = 0.5
    shelling_intensity: Prob = 0.1
    morale_capture: NonNeg = 0.05
    morale_loss: NonNeg = 0.07


class Stalemate(_Strict):
    """A stalemate week: the front moved less than ``max_move_km`` over the window."""

    window_weeks: PosInt = 8
    max_move_km: NonNeg = 5.0


class Termination(_Strict):
    """Ceasefire, ripeness and collapse parameters."""

    base_hazard: Prob = 0.002
    mediation_hazard: Prob = 0.10
    ripe_morale: Prob = 0.45
    ripe_stalemate_weeks: NonNegInt = 8
    hurting_casualties: NonNeg = 200.0
    ceasefire_hold_weeks: PosInt = 8
    breakdown_hazard: Prob = 0.05
    collapse_share: Prob = 0.25
    collapse_cohesion: Prob = 0.15


class Faction(_Strict):
    """A local armed faction; it wins by holding every place in ``objective``."""

    name: str
    fighters: NonNeg
    militia_share: Prob = 0.5
    quality: Pos = 1.0
    morale: Prob = 0.6
    cohesion: Prob = 0.8
    funds: NonNeg = 0.0
    income: NonNeg = 0.0
    pay_per_fighter: NonNeg = 0.0
    recruit_rate: NonNeg = 0.0
    drones: NonNeg = 0.0
    air_defence: NonNeg = 0.0
    equipment: NonNeg = 0.0
    objective: list[str]
    home: str
    posture: Literal["attack", "hold", "seek_talks"] = "hold"
    front_share: Prob = 0.5
    attack_share: Prob = 0.6
    attack_morale: Prob = 0.4
    attack_ratio: NonNeg = 0.8
    talks_morale: Prob = 0.3
    focus_km: Pos = 50.0


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
    channels: dict[Literal["funds", "arms", "drones", "air_defence", "advisers"], Channel] = {}


class Group(_Strict):
    """A mercenary group: a contracted force paid by a backer."""

    name: str
    faction: str
    payer: str
    size: NonNeg
    quality: Pos = 1.0
    pay_per_fighter: NonNeg = 0.0
    arrival: dt.date | PosInt | None = None
    deploy_rate: NonNeg = 100.0
    casualty_aversion: Prob = 0.3
    arrears_tolerance: NonNegInt = 4
    route: Literal["sea", "air", "land"] = "air"
    deployed: str = "front"


class When(_Strict):
    """A condition checked weekly; the intervention fires the first week it holds."""

    front_within_km: NonNeg | None = None
    stalemate_weeks: PosInt | None = None
    places_lost: PosInt | None = None
    morale_below: Prob | None = None
    faction: str | None = None
    after_week: NonNegInt = 0

    @model_validator(mode="after")
    def _one_condition(self) -> When:
        conds = [
            self.front_within_km,
            self.stalemate_weeks,
            self.places_lost,
            self.morale_below,
        ]
        n = sum(c is not None for c in conds)
        if n != 1:
            raise ValueError(
                "expected exactly one of front_within_km, stalemate_weeks, "
                f"places_lost, morale_below, found {n}"
            )
        if (self.places_lost is not None or self.morale_below is not None) and not self.faction:
            raise ValueError("places_lost and morale_below need `faction`")
        return self


class Intervention(_Strict):
    """A policy or event: when it happens and what it does."""

    type: Literal["sanction", "withdraw", "embargo", "surge", "mediation", "ceasefire_breakdown"]
    description: str = ""
    at: dt.date | None = None
    week: PosInt | None = None
    when: When | None = None
    # targets
    backer: str | None = None
    group: str | None = None
    channels: list[Literal["funds", "arms", "drones", "air_defence", "advisers"]] | None = None
    # sanction
    financial: Prob = 0.0
    logistics: Prob = 0.0
    cost_increase: NonNeg = 0.0
    resolve_hit: Prob = 0.0
    lag_weeks: NonNegInt = 0
    # withdraw
    exit_weeks: NonNegInt = 2
    # embargo
    sea: Prob | None = None
    air: Prob | None = None
    land: Prob | None = None
    backers: list[str] | None = None
    # surge
    channel: Literal["funds", "arms", "drones", "air_defence", "advisers"] | None = None
    amount: NonNeg = 0.0
    level: NonNeg = 0.0
    size: NonNeg = 0.0
    lag: NonNegInt | None = None
    route: Literal["sea", "air", "land"] | None = None
    # mediation
    strength: Prob = 0.0
    duration_weeks: PosInt = 4
    # ceasefire breakdown
    hazard: Prob | None = None

    @model_validator(mode="after")
    def _check(self) -> Intervention:
        n = sum(x is not None for x in (self.at, self.week, self.when))
        if n != 1:
            raise ValueError(f"expected exactly one of at, week, when, found {n}")
        t = self.type
        if t == "sanction" and not (self.backer or self.group):
            raise ValueError("a sanction needs `backer` or `group`")
        if t == "sanction" and self.backer and self.group:
            raise ValueError("a sanction names `backer` or `group`, not both")
        if t == "withdraw" and not (self.backer or self.group):
            raise ValueError("a withdrawal needs `backer` or `group`")
        if t == "embargo" and self.sea is None and self.air is None and self.land is None:
            raise ValueError("an embargo needs at least one of sea, air, land")
        if t == "surge":
            if not (self.backer or self.group):
                raise ValueError("a surge needs `backer` (with channel/level) or `group`")
            if self.backer and not (self.channel or self.level):
                raise ValueError("a backer surge needs `channel` with `amount`, or `level`")
        if t == "mediation" and self.strength <= 0:
            raise ValueError("mediation needs `strength` > 0")
        return self


class ScenarioSpec(_Strict):
    """A validated scenario: everything the model needs to build a war."""

    name: str
    description: str
    start_date: dt.date
    horizon_weeks: PosInt
    front: Front
    combat: Combat = Combat()
    stalemate: Stalemate = Stalemate()
    termination: Termination = Termination()
    places: dict[str, Place]
    roads: list[tuple[str, str, Pos]]
    factions: dict[str, Faction]
    backers: dict[str, Backer] = {}
    groups: dict[str, Group] = {}
    interventions: list[Intervention] = []
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

    @field_validator("factions")
    @classmethod
    def _two_factions(cls, v: dict[str, Faction]) -> dict[str, Faction]:
        if len(v) < 2:
            raise ValueError(f"expected at least two factions, found {len(v)}")
        return v

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
        problems.append(f"{path}: expected UTF-8 text, found byte {raw[exc.start]:#x}")
        return None
    if not text.strip():
        problems.append(f"{path}: expected a TOML scenario, found an empty file")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: expected valid TOML, found a syntax error: {exc}")
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
    parent = (path.parent / parent_name).resolve()
    if parent == path.resolve():
        problems.append(f"{path}: extends: a scenario cannot extend itself")
        return None
    if parent in chain:
        cycle = " -> ".join(p.name for p in (*chain, parent))
        problems.append(f"{path}: extends: cycle {cycle}")
        return None
    if not parent.exists():
        problems.append(f"{path}: extends: expected an existing file, found {parent_name!r}")
        return None
    base = _resolve(parent, problems, (*chain, parent))
    if base is None:
        return None
    # A child's description and name replace the parent's; so does a new horizon.
    return _merge(base, data)


def _fields_of(loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at a location (for did-you-mean suggestions)."""
    model: Any = ScenarioSpec
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None:
            return []
        if part in fields:
            ann = fields[part].annotation
            model = _model_in(ann)
        # dict keys (place ids etc.) keep the value model
    fields = getattr(model, "model_fields", None)
    return [f for f in fields if f not in ("source", "sha256", "files")] if fields else []


def _model_in(ann: Any) -> Any:
    """Find the pydantic model class inside an annotation such as dict[str, Place]."""
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _format_errors(path: Path, err: ValidationError) -> list[str]:
    lines = []
    for e in err.errors():
        loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and "[" in x))
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
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        shown = repr(found) if not isinstance(found, dict) else "a table"
        if isinstance(found, float) and (math.isnan(found) or math.isinf(found)):
            shown = str(found)
        lines.append(f"{path}: {key}: expected {msg[0].lower() + msg[1:]}, found {shown}")
    return lines


def _cross_check(spec: ScenarioSpec, path: Path) -> list[str]:
    """References between tables, and dates inside the scenario's span."""
    out: list[str] = []
    places, factions = spec.places, spec.factions
    backers, groups = spec.backers, spec.groups

    def ref(kind: str, key: str, value: str | None, pool: Mapping[str, Any]) -> None:
        if value is None or value in pool:
            return
        guess = difflib.get_close_matches(value, list(pool), n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        out.append(f"{path}: {key}: expected a known {kind}, found {value!r}{hint}")

    ref("place", "front.objective", spec.front.objective, places)
    ref("faction", "front.attacker", spec.front.attacker, factions)
    for pid, p in places.items():
        ref("faction", f"places.{pid}.holder", p.holder, factions)
    for i, (a, b, _km) in enumerate(spec.roads):
        ref("place", f"roads.{i}.0", a, places)
        ref("place", f"roads.{i}.1", b, places)
        if a == b:
            out.append(f"{path}: roads.{i}: expected two different places, found {a!r} twice")
    for fid, f in factions.items():
        for j, obj in enumerate(f.objective):
            ref("place", f"factions.{fid}.objective.{j}", obj, places)
        ref("place", f"factions.{fid}.home", f.home, places)
    for bid, b in backers.items():
        ref("faction", f"backers.{bid}.client", b.client, factions)
    for gid, g in groups.items():
        ref("faction", f"groups.{gid}.faction", g.faction, factions)
        ref("backer", f"groups.{gid}.payer", g.payer, backers)
        if g.deployed != "front":
            ref("place", f"groups.{gid}.deployed", g.deployed, places)
        if isinstance(g.arrival, dt.date):
            out += _date_in_span(spec, g.arrival, f"groups.{gid}.arrival", path)
    for i, iv in enumerate(spec.interventions):
        k = f"interventions.{i}"
        ref("backer", f"{k}.backer", iv.backer, backers)
        ref("group", f"{k}.group", iv.group, groups)
        for j, b in enumerate(iv.backers or []):
            ref("backer", f"{k}.backers.{j}", b, backers)
        if iv.when is not None:
            ref("faction", f"{k}.when.faction", iv.when.faction, factions)
        if iv.at is not None:
            out += _date_in_span(spec, iv.at, f"{k}.at", path)
        if iv.week is not None and iv.week > spec.horizon_weeks:
            out.append(
                f"{path}: {k}.week: expected a week within 1..{spec.horizon_weeks}, found {iv.week}"
            )
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


def _date_in_span(spec: ScenarioSpec, date: dt.date, key: str, path: Path) -> list[str]:
    if spec.start_date <= date <= spec.end_date:
        return []
    return [
        f"{path}: {key}: expected a date within {spec.start_date}..{spec.end_date}, found {date}"
    ]


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
        path: a TOML file (absolute, relative, or a bare name found in
            ``scenarios/``), or an already-loaded scenario (returned as is,
            or re-validated with ``overrides``).
        overrides: dotted key paths to values, applied after ``extends``
            (what ``--set KEY=VALUE`` does), validated like the file.

    Raises:
        ScenarioError: with one line per problem.
    """
    if isinstance(path, ScenarioSpec):
        if not overrides:
            return path
        data = path.model_dump(exclude={"source", "sha256", "files"})
        src = Path(path.source or path.name)
        for key, val in overrides.items():
            set_key(data, key, val)
        return _validate(data, src, path.files, path.sha256 + repr(sorted(overrides.items())))
    p = Path(path)
    if not p.exists() and not p.is_absolute() and (SCENARIO_DIR / p).exists():
        p = SCENARIO_DIR / p
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
        cur = (cur.parent / parent).resolve() if isinstance(parent, str) else None
        if cur is not None:
            files.append(str(cur))
    for key, val in (overrides or {}).items():
        try:
            set_key(data, key, val)
        except (ValueError, IndexError, TypeError, AttributeError):
            raise ScenarioError([f"{p}: {key}: expected an existing key path"]) from None
    if overrides:
        digest.update(repr(sorted(overrides.items())).encode())
    return _validate(data, p, files, digest.hexdigest())


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
    spec.source = str(p)
    spec.sha256 = sha
    spec.files = files
    return spec


def list_scenarios(folder: Path = SCENARIO_DIR) -> list[tuple[str, str]]:
    """``(file name, description)`` of every scenario in a folder."""
    out = []
    for f in sorted(folder.glob("*.toml")):
        try:
            out.append((f.name, load_scenario(f).description))
        except ScenarioError as exc:
            out.append((f.name, f"INVALID: {exc.problems[0]}"))
    return out
