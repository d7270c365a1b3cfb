"""ProxyWarModel: the weekly schedule that ties the mechanisms together.

The step below is the ODD schedule of docs/ODD.md, in the same order; change
one and you change the other.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache, partial
from operator import attrgetter
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa import DataCollector
from mesa.agentset import AgentSet

from sim.model.agents import Backer, Faction, MercenaryGroup
from sim.model.combat import Engagement, fight_week, fix_strengths
from sim.model.events import Event
from sim.model.pressure import ActiveIntervention
from sim.model.sides import Sides
from sim.model.supply import SupplyLines
from sim.model.support import SupportNetwork
from sim.model.termination import Termination
from sim.scenario import CHANNELS, ScenarioError, ScenarioSpec, load_scenario

#: independent random streams, one per mechanism (common random numbers across policies)
STREAM_NAMES = ("combat", "support", "mercs", "termination", "decisions")
#: weeks of draws fetched per numpy call (one call per chunk instead of one per draw)
CHUNK_WEEKS = 32


class DrawStream:
    """A mechanism's random stream, drawn from numpy in blocks and handed out in order.

    Why blocks: a numpy call costs microseconds whatever its size, and a run
    makes a few small draws a week per mechanism. Drawing ``CHUNK_WEEKS`` weeks
    at once gives exactly the values the small calls would have given (a
    Generator's successive draws concatenate), at a fraction of the cost. A
    block becomes a list of Python floats at once: the mechanisms read the
    values one by one, and a list slice is cheaper than a numpy view.

    Args:
        gen: the stream's generator (spawned from the model's).
        per_week: how many values the mechanism takes each week.
        sigma: None for uniform draws on [0, 1); otherwise lognormal(0, sigma) draws.
    """

    __slots__ = ("gen", "_chunk", "sigma", "_buf", "_pos", "_owed", "_advance")

    def __init__(self, gen: np.random.Generator, per_week: int, sigma: float | None = None):
        self.gen = gen
        self.sigma = sigma
        self._chunk = max(1, per_week) * CHUNK_WEEKS
        self._buf: list[float] = []
        self._pos = 0
        self._owed = 0  # uniforms skipped past the block, not yet advanced over
        # only the PCG64 family gives one 64-bit output per uniform double and
        # advances by outputs; any other bit generator skips by drawing
        self._advance = isinstance(gen.bit_generator, np.random.PCG64 | np.random.PCG64DXSM)

    def _fill(self, size: int) -> list[float]:
        if self._owed:
            if self._advance:
                self.gen.bit_generator.advance(self._owed)
            else:
                self.gen.random(self._owed)
            self._owed = 0
        if self.sigma is not None:
            return self.gen.lognormal(0.0, self.sigma, size=size).tolist()
        return self.gen.random(size).tolist()

    def take(self, n: int) -> list[float]:
        """The next ``n`` values of the stream."""
        pos = self._pos
        end = pos + n
        if end > len(self._buf):
            self._buf = self._buf[pos:] + self._fill(max(self._chunk, n))
            pos, end = 0, n
        self._pos = end
        return self._buf[pos:end]

    def skip(self, n: int) -> None:
        """Pass over the next ``n`` values, exactly as :meth:`take` would.

        Uniform streams past their block only count what they skipped, and
        pass over it when they next draw: a PCG64 generator advances (one
        64-bit output per uniform double, so ``advance(k)`` equals ``k``
        draws); any other bit generator (MT19937, Philox, SFC64: ``advance``
        missing or counting in other units) draws and discards. Lognormal
        streams draw, since a normal may use several outputs.
        """
        left = len(self._buf) - self._pos
        if n <= left:
            self._pos += n
        elif self.sigma is None:
            self._owed += n - left
            self._buf, self._pos = [], 0
        else:
            self.take(n)


@dataclass
class Streams:
    """One random stream per mechanism, spawned from the model's generator.

    Why: in a paired policy comparison, replicate ``i`` of both arms starts from
    the same seed; if all draws came from one stream, a policy that adds one
    draw (say, an interdiction check) would shift every later draw and the two
    arms would no longer share their "luck". Separate streams, each drawing a
    fixed number of values per week, keep the luck aligned.
    """

    combat: DrawStream
    support: DrawStream
    mercs: DrawStream
    termination: DrawStream
    decisions: DrawStream


#: value types the weekly collector records as they are (they cannot change later)
_PLAIN = frozenset({int, float, bool, str, type(None)})


class WeeklyCollector(DataCollector):
    """Mesa's DataCollector for model reporters, without deep copies of plain values.

    Why: Mesa deep-copies every value it records, so that a mutable object is
    not shared between weeks. A number, a flag or a text cannot change, and
    those copies were a fifth of a replication's run time. Any other value is
    still deep-copied. Reporters are called the way Mesa calls them (attribute
    name, function of the model, bound method, or ``[function, args]``).
    """

    def __init__(self, model_reporters: dict[str, Any]):
        super().__init__(model_reporters=model_reporters)
        self._plan: list[tuple[Callable[[Any], None], Callable[[], Any]]] | None = None

    def collect(self, model: mesa.Model) -> None:
        """Record every model reporter's current value."""
        if self.agent_reporters or self.agenttype_reporters:
            super().collect(model)  # agent-level reporters: Mesa's own path
            return
        plan = self._plan
        if plan is None:
            plan = self._plan = [
                (self.model_vars[name].append, _getter(model, rep))
                for name, rep in self.model_reporters.items()
            ]
        # the week as a whole number (Mesa records its float clock): batch_run's ``Step``
        self._collection_steps.append(model.steps)
        for append, get in plan:
            value = get()
            append(value if type(value) in _PLAIN else deepcopy(value))


def _getter(model: mesa.Model, reporter: Any) -> Callable[[], Any]:
    """A no-argument callable giving the reporter's value (as DataCollector.collect does)."""
    if isinstance(reporter, types.LambdaType | partial):
        return partial(reporter, model)
    if isinstance(reporter, str):
        return partial(getattr, model, reporter, None)
    if isinstance(reporter, list):
        return partial(reporter[0], *reporter[1])
    return reporter


@lru_cache(maxsize=32)
def _iso_dates(start: dt.date, horizon: int) -> tuple[str, ...]:
    """ISO dates of weeks 0..horizon (shared by every run of a scenario)."""
    return tuple((start + dt.timedelta(days=7 * w)).isoformat() for w in range(horizon + 1))


class ProxyWarModel(mesa.Model):
    """A proxy war: local factions, their foreign backers and mercenary groups.

    Args:
        scenario: a scenario file path (or bare name in ``scenarios/``) or a
            loaded :class:`~sim.scenario.ScenarioSpec`.
        rng: seed or generator, as for any ``mesa.Model``.
        weeks: optional horizon overriding the scenario's ``horizon_weeks``.
        collect: record the weekly DataCollector series (sweeps turn it off
            and keep only the front-distance series, for speed).
        cache: keep values derived from who holds what (the theatre's memo)
            and each faction's power within a stage of the week; ``False``
            recomputes everything every time (tests compare the two).
    """

    def __init__(
        self,
        scenario: str | Path | ScenarioSpec = "libya_2019.toml",
        rng: Any = None,
        weeks: int | None = None,
        collect: bool = True,
        cache: bool = True,
    ):
        super().__init__(rng=rng)
        self.cache = cache
        self.stage = 0  # moves on whenever faction power can change (see step)
        spec = load_scenario(scenario)
        if len(spec.factions) < 2:
            raise ScenarioError(
                [
                    f"{spec.source}: factions: expected two factions or more, "
                    f"found {len(spec.factions)}"
                ]
            )
        self.spec = spec
        multi = spec.multi_side
        self.horizon = int(weeks) if weeks is not None else spec.horizon_weeks
        self.week = 0
        # a many-sided war has a sixth stream (sim.model.sides); two factions keep their five
        gens = self.rng.spawn(len(STREAM_NAMES) + (1 if multi else 0))
        self.streams = Streams(
            combat=DrawStream(gens[0], 2 * len(spec.places), spec.combat.noise_sigma),
            support=DrawStream(gens[1], len(spec.backers) * len(CHANNELS)),
            mercs=DrawStream(gens[2], len(spec.groups)),
            termination=DrawStream(gens[3], 3),
            decisions=DrawStream(gens[4], len(spec.factions)),
        )
        self.events: list[Event] = []
        self.engagements: list[Engagement] = []
        self.collect = collect

        from sim.model.theatre import Theatre

        self.theatre = Theatre(spec, self.random, memo=cache)
        self.air: dict[str, float] = {}  # this week's air-superiority multipliers
        c = spec.combat
        by_terrain = {"urban": c.cover_urban, "open": c.cover_open, "desert": c.cover_desert}
        self.cover: list[float] = [by_terrain[t] for t in self.theatre.terrain]
        self.place_value: list[float] = [
            p.value.capital + p.value.airbase + p.value.oil + p.value.population
            for p in self.theatre.places
        ]
        self.objective = self.theatre.index[spec.front.objective]
        self.attacker_id = spec.front.attacker

        self.factions: list[Faction] = [
            Faction(self, fid, f, slot) for slot, (fid, f) in enumerate(spec.factions.items())
        ]
        self.factions_by_id = {f.fid: f for f in self.factions}
        # every pair of factions is hostile (two sides); kept as a list per faction
        self._enemies = {f.fid: [g for g in self.factions if g is not f] for f in self.factions}
        self.supply = SupplyLines(self)
        self.backers: list[Backer] = [Backer(self, bid, b) for bid, b in spec.backers.items()]
        self.backers_by_id = {b.bid: b for b in self.backers}
        self.groups: list[MercenaryGroup] = [
            MercenaryGroup(self, gid, g, slot) for slot, (gid, g) in enumerate(spec.groups.items())
        ]
        self.merc_draws: list[float] = []  # this week's, one per group (by slot)
        self.decision_draws: list[float] = []  # this week's, one per faction (by position)
        self.groups_by_id = {g.gid: g for g in self.groups}
        self._groups_of = {f.fid: [g for g in self.groups if g.faction is f] for f in self.factions}
        # mesa AgentSets, one per kind (what the schedule iterates over)
        self.faction_set = self.agents_by_type[Faction]
        self.backer_set = self.agents_by_type.get(Backer, AgentSet([], random=self.random))
        self.group_set = self.agents_by_type.get(MercenaryGroup, AgentSet([], random=self.random))

        self.sides: Sides | None = None
        if multi:
            n_pairs = len(self.factions) * (len(self.factions) - 1) // 2
            self.sides = Sides(self, DrawStream(gens[5], len(self.factions) + 3 * n_pairs))
            self.sides.refresh()
            self.sides.update_fronts()
        self.support = SupportNetwork(self)
        self.front_km = self._front_distance()
        self.termination = Termination(self)
        self.interventions = [
            ActiveIntervention(self, iv, i) for i, iv in enumerate(spec.interventions)
        ]
        self._conditional = [iv for iv in self.interventions if iv.spec.when is not None]
        for iv in self.interventions:
            iv.schedule()

        self.outcome: str | None = None
        self.end_week: int | None = None
        self.front_series: list[float] = []
        self.datacollector = WeeklyCollector(model_reporters=self._reporters())
        if self.collect:
            self.datacollector.collect(self)

    # -- helpers other modules use ----------------------------------------------

    def enemies_of(self, faction: Faction) -> list[Faction]:
        """The factions at war with ``faction``."""
        return self._enemies[faction.fid]

    def hostile(self, a: Faction, b: Faction) -> bool:
        """Whether two factions fight each other."""
        return a is not b and b in self._enemies[a.fid]

    def groups_of(self, faction: Faction) -> list[MercenaryGroup]:
        """The mercenary groups fighting for a faction."""
        return self._groups_of[faction.fid]

    @property
    def ceasefire_on(self) -> bool:
        """Whether a ceasefire currently holds."""
        return self.termination.ceasefire_start is not None

    @property
    def fighting_paused(self) -> bool:
        """No combat and no shelling this week: a ceasefire or a truce holds."""
        t = self.termination
        return t.ceasefire_start is not None or t.truce_on

    @property
    def date(self):
        """The calendar date at the end of the current week."""
        return self.spec.date_of(self.week)

    def total_casualties(self) -> float:
        """Killed and wounded on all sides so far (fighters lost in combat)."""
        return sum([f.casualties for f in self.factions])

    def mercenaries_deployed(self, faction: Faction | None = None) -> float:
        """Contracted fighters currently in theatre (for one faction, or for all)."""
        groups = self.groups if faction is None else self._groups_of[faction.fid]
        return sum([g.fighters for g in groups if g.active])

    def stalemate_flag(self) -> bool:
        """This week's stalemate flag as reported: never in the week a war is won.

        Why: the flag looks back over the window (the front barely moved), so a
        sudden collapse can end a war in a "static" week; a row saying both
        stalemate and victory would read as a contradiction.
        """
        outcome = self.outcome
        return self.termination.stalemate and not (outcome and outcome.startswith("victory"))

    def outcome_so_far(self) -> str:
        """How the war ended (``victory:X``, ``ceasefire``, ``stalemate``), or ``running``."""
        return self.outcome or "running"

    def date_iso(self) -> str:
        """The current week's date as ISO text (cached per scenario: the timeline's date column)."""
        dates = _iso_dates(self.spec.start_date, self.horizon)
        week = self.week
        return dates[week] if week < len(dates) else self.date.isoformat()

    def log_event(
        self, actor: str, kind: str, detail: str, place: str | None = None, week: int | None = None
    ) -> None:
        """Record a decision or happening that changed the war (a row of events.csv)."""
        self.events.append(Event(self.week if week is None else week, actor, kind, detail, place))

    @property
    def events_log(self) -> list[tuple[int, str]]:
        """The events as ``(week, sentence)`` pairs (for plots and quick reading)."""
        return [(e.week, e.detail) for e in self.events]

    def _front_distance(self) -> float:
        return self.theatre.distance_to(self.objective, self.attacker_id)

    def transfer(
        self,
        place: int,
        winner: Faction,
        loser: Faction,
        kind: str = "capture",
        week: int | None = None,
    ) -> None:
        """A place changes hands: morale, fortification and the record follow.

        Args:
            place: the place's index.
            winner: the new holder.
            loser: the old holder.
            kind: ``capture`` (taken by assault), ``abandon`` (given up, cut
                off) or ``transfer`` (a scenario's event off the modelled front).
            week: the week it is in force from, for the record (default: now;
                a dated intervention acts between two weeks).
        """
        th = self.theatre
        th.set_holder(place, winner.fid)
        th.fortification[place] = 1.0
        self.supply.unsupplied[place] = 0
        worth = 1.0 + self.place_value[place]
        c = self.spec.combat
        winner.morale = min(1.0, winner.morale + c.morale_capture * worth)
        loser.morale = max(0.0, loser.morale - c.morale_loss * worth)
        loser.places_lost += 1
        loser.last_loss_week = self.week
        winner.places_taken += 1
        winner.last_capture_week = self.week
        winner.captures_this_week += 1
        if self.sides is not None:
            self.sides.note_transfer(winner.fid, loser.fid)
        name = th.places[place].name
        if kind == "abandon":
            actor, detail = loser.fid, f"{loser.fid} abandons {name} to {winner.fid}"
        elif kind == "transfer":
            actor = "scenario"
            detail = f"{name} passes from {loser.fid} to {winner.fid} outside the fighting"
        else:
            actor, detail = winner.fid, f"{winner.fid} takes {name}"
        self.log_event(actor, kind, detail, th.ids[place], week)

    # -- the weekly schedule (docs/ODD.md, "Process overview and scheduling") ------

    def step(self) -> None:
        """One week of war."""
        self.week = self.steps
        self.stage += 1
        u_talks, u_break, u_veto = self.streams.termination.take(3)
        if self.sides is not None:
            self.sides.begin_week()
        # 1. conditional interventions (dated ones fire from Mesa's event list)
        for iv in self._conditional:
            iv.check()
        # 2. backers decide their support level and ship support
        self.support.begin_week()
        self.backer_set.do("step")
        # 3. shipments due this week arrive
        self.support.deliver()
        # 4. mercenary groups are paid, deploy, stay or leave
        self.merc_draws = self.streams.mercs.take(len(self.groups))
        self.group_set.do("step")
        self.stage += 1
        # 5. this week's strengths, defences and assault plans
        fix_strengths(self)
        self.stage += 1
        # 6. factions run their economy and decide whether to assault
        self.decision_draws = self.streams.decisions.take(len(self.factions))
        self.faction_set.shuffle_do("step")
        self.stage += 1
        # 7. combat on the front line; places change hands
        before = [f.casualties for f in self.factions]
        for f in self.factions:
            f.captures_this_week = 0
        self.engagements = fight_week(self)
        # 8. supply lines: cut places weaken, and are abandoned when cut too long
        self.supply.update()
        self.stage += 1
        # 9. morale, stocks, the front line and its milestones are updated
        for f, lost in zip(self.factions, before, strict=True):
            self._after_combat(f, f.casualties - lost)
            if f.captures_this_week >= 2:
                self.log_event(
                    f.fid, "breakthrough", f"{f.fid} breaks through: {f.captures_this_week} places"
                )
        self.front_km = self._front_distance()
        self.front_series.append(self.front_km)
        if self.sides is not None:  # who attacked whom; each faction's own front
            self.sides.after_combat()
        self.support.end_week()
        self.termination.update_stalemate()
        self.termination.milestones()
        # 10. termination: victory, collapse, ceasefire (vetoes), horizon
        outcome = self.termination.decide(u_talks, u_break, u_veto)
        if outcome is not None:
            self.outcome = outcome
            self.end_week = self.week
            self.running = False
        # 11. weekly data (after the ending, so the last row carries the outcome)
        if self.collect:
            self.datacollector.collect(self)

    def _after_combat(self, f: Faction, lost: float) -> None:
        """Morale drifts to its base, falls with losses and enemy air power; stocks wear out."""
        e = self.spec.economy
        rate = lost / max(f.fighters, 1.0)
        got = f.received
        got_any = got["arms"] > 0 or got["drones"] > 0 or got["advisers"] > 0
        boost = e.support_morale if got_any else 0.0
        # living under the enemy's drones wears morale down (the 2019 drone war)
        enemies = self.enemies_of(f)
        enemy_air = max((self.air.get(g.fid, 1.0) for g in enemies), default=1.0)
        under_air = self.spec.combat.air_morale * max(0.0, enemy_air - 1.0)
        f.morale += e.morale_recovery * (f.base_morale - f.morale) - e.loss_morale * rate
        f.morale = min(1.0, max(0.0, f.morale + boost - under_air))
        enemy_ad = max((g.air_defence for g in enemies), default=0.0)
        ad_half = self.spec.combat.ad_half
        f.drones *= 1.0 - e.drone_wear - e.drone_ad_loss * enemy_ad / (enemy_ad + ad_half)
        f.equipment *= 1.0 - e.equipment_wear
        f.advisers *= 1.0 - e.adviser_turnover

    def run(self) -> ProxyWarModel:
        """Run to the end of the war or the horizon."""
        while self.running:
            self.step()
        return self

    # -- outputs --------------------------------------------------------------------

    def _reporters(self) -> dict[str, Any]:
        """The weekly series, one reporter per column.

        Most are ``[function, args]`` with a C-level getter (``attrgetter``, a
        dict's ``get``): Mesa calls them without a Python frame.
        """
        th = self.theatre
        rep: dict[str, Any] = {
            "week": "week",
            "date": [self.date_iso, []],
            "front_km": "front_km",
            "stalemate": [self.stalemate_flag, []],
            "outcome": [self.outcome_so_far, []],
            "ceasefire": "ceasefire_on",
            "mercenaries": [self.mercenaries_deployed, []],
            "casualties": [self.total_casualties, []],
        }
        for f in self.factions:
            k = f.fid
            rep[f"places_{k}"] = [th.counts.get, [k, 0]]
            for name in (
                "fighters",
                "morale",
                "cohesion",
                "posture",
                "intensity",
                "casualties",
                "drones",
            ):
                rep[f"{name}_{k}"] = [attrgetter(name), [f]]
            for ch in CHANNELS:  # f.received is reset in place each week, never replaced
                rep[f"support_{k}_{ch}"] = [f.received.__getitem__, [ch]]
            rep[f"mercenaries_{k}"] = [self.mercenaries_deployed, [f]]
            if self.sides is not None:  # many sides: each faction's front and side
                rep[f"front_km_{k}"] = [self.sides.front.get, [k]]
                rep[f"side_{k}"] = [self.sides.side.get, [k]]
        for b in self.backers:
            rep[f"level_{b.bid}"] = [attrgetter("level"), [b]]
        for g in self.groups:
            rep[f"fighters_{g.gid}"] = [attrgetter("fighters"), [g]]
        return rep

    def summary(self) -> dict[str, Any]:
        """One row describing the finished (or current) run, for runs.csv."""
        row: dict[str, Any] = {
            "outcome": self.outcome or ("stalemate" if not self.running else "running"),
            "end_week": self.end_week if self.end_week is not None else self.week,
            "end_date": self.date.isoformat(),
            "front_km": round(self.front_km, 3),
            "min_front_km": round(min(self.front_series, default=self.front_km), 3),
            "casualties": round(self.total_casualties(), 1),
            "stalemate_weeks": self.termination.stalemate_weeks,
            "longest_stalemate": self.termination.longest_stalemate,
            "ceasefires": self.termination.ceasefires,
            "breakdowns": self.termination.breakdowns,
            "vetoes": self.termination.vetoes,
            "support_spent": round(sum(b.spent for b in self.backers), 3),
            "intercepted": round(self.support.intercepted, 3),
        }
        for f in self.factions:
            row[f"places_{f.fid}"] = self.theatre.count(f.fid)
            row[f"fighters_{f.fid}"] = round(f.fighters, 1)
            row[f"casualties_{f.fid}"] = round(f.casualties, 1)
            row[f"objectives_week_{f.fid}"] = self.termination.objectives_week.get(f.fid)
        row["start_line_week"] = self.termination.start_line_week
        row["abandoned"] = sum(e.kind == "abandon" for e in self.events)
        for b in self.backers:
            row[f"level_{b.bid}"] = round(b.level, 3)
            row[f"withdrew_{b.bid}"] = b.withdrawn_week
        for g in self.groups:
            row[f"left_{g.gid}"] = g.leave_reason
            row[f"peak_{g.gid}"] = round(g.peak, 1)
        if self.sides is not None:
            row.update(self.sides.summary())
        # analyst columns (docs/outputs.md): appended so the columns above keep their place
        for b in self.backers:
            row[f"spent_{b.bid}"] = round(b.spent, 3)  # MUSD: channels and its groups' pay
        for f in self.factions:
            for ch in CHANNELS:
                row[f"received_{f.fid}_{ch}"] = round(f.received_total[ch], 3)
        departs = {}
        for e in self.events:
            if e.kind == "depart" and e.actor not in departs:
                departs[e.actor] = e.week
        for g in self.groups:
            row[f"left_week_{g.gid}"] = departs.get(g.gid, "stayed") if g.leave_reason else "stayed"
        return row
