"""ProxyWarModel: the weekly schedule that ties the mechanisms together.

The step below is the ODD schedule of docs/ODD.md, in the same order; change
one and you change the other. Set-up is here too (the model's state is made
where it is read); the random streams live in :mod:`sim.model.streams`, the
weekly series and their collector in :mod:`sim.model.collector`, and the run's
summary row in :mod:`sim.model.summary`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import mesa
from mesa.agentset import AgentSet

from sim.model.backer import Backer
from sim.model.collector import WeeklyCollector, weekly_reporters
from sim.model.combat import Engagement, fight_week, fix_strengths
from sim.model.events import Event
from sim.model.faction import Faction
from sim.model.mercenary import MercenaryGroup
from sim.model.pressure import ActiveIntervention
from sim.model.sides import Sides
from sim.model.streams import CHUNK_WEEKS, STREAM_NAMES, DrawStream, Streams
from sim.model.summary import run_summary
from sim.model.supply import SupplyLines
from sim.model.support import SupportNetwork
from sim.model.termination import Termination
from sim.scenario import CHANNELS, ScenarioError, ScenarioSpec, load_scenario

#: the names these modules held when they were one, still importable from here
__all__ = [
    "CHUNK_WEEKS",
    "STREAM_NAMES",
    "DrawStream",
    "ProxyWarModel",
    "Streams",
    "WeeklyCollector",
]


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
        by_terrain = {
            "urban": c.cover_urban,
            "open": c.cover_open,
            "desert": c.cover_desert,
            "mountain": c.cover_mountain,
        }
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
        self.datacollector = WeeklyCollector(model_reporters=weekly_reporters(self))
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
        # the strongest enemy air power and air defence (the first of equals, as max gives)
        air = self.air
        enemy_air, enemy_ad = 1.0, 0.0
        for i, g in enumerate(self.enemies_of(f)):
            ea, ead = air.get(g.fid, 1.0), g.air_defence
            if i == 0 or ea > enemy_air:
                enemy_air = ea
            if i == 0 or ead > enemy_ad:
                enemy_ad = ead
        c = self.spec.combat
        under_air = c.air_morale * max(0.0, enemy_air - 1.0)
        f.morale += e.morale_recovery * (f.base_morale - f.morale) - e.loss_morale * rate
        f.morale = min(1.0, max(0.0, f.morale + boost - under_air))
        ad_half = c.ad_half
        f.drones *= 1.0 - e.drone_wear - e.drone_ad_loss * enemy_ad / (enemy_ad + ad_half)
        f.equipment *= 1.0 - e.equipment_wear
        f.advisers *= 1.0 - e.adviser_turnover
        if f.advisers_by:  # each backer's own advisers rotate out alike
            kept = 1.0 - e.adviser_turnover
            for bid in f.advisers_by:
                f.advisers_by[bid] *= kept

    def run(self) -> ProxyWarModel:
        """Run to the end of the war or the horizon."""
        while self.running:
            self.step()
        return self

    # -- outputs --------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """One row describing the finished (or current) run, for runs.csv.

        Its columns are built in :func:`sim.model.summary.run_summary`.
        """
        return run_summary(self)
