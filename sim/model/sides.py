"""Sides: wars of more than two factions (docs/ODD.md 7.10).

Why a module of its own: a two-faction war needs none of this and keeps its
exact schedule and random streams; a war of three or more factions (or one
whose factions change side) gets a :class:`Sides` that decides who fights
whom, when a faction falls, when a pair of factions agrees a ceasefire, when a
faction defects, and how the war ends.

* Each faction is on a **side** (a coalition; by default a side of its own).
  Factions on different sides fight wherever their places touch, unless the
  scenario declares the pair ``neutral`` or a ceasefire between them holds.
  Allies share neither places nor forces; they may *coordinate*
  (``combat.coordination``: a faction values targets held by an enemy its
  allies attacked last week that much more).
* A faction **falls** when an enemy takes its seat of power (``home``) or its
  forces or coalition break (as a collapse in a two-faction war): its
  fighters disperse, its backers withdraw, its mercenaries leave, and what it
  still holds is left to be taken.
* **Ceasefires between pairs**: each hostile pair's ripeness is a mutually
  hurting stalemate between the two (weeks since a place last changed hands
  between them, past the stalemate window, times both sides' willingness),
  or both demoralised; the weekly hazard, vetoes by either's backers, the
  young ceasefire's breakdown and its holding after ``ceasefire_hold_weeks``
  follow the two-faction rules, pair by pair. A pair in a ceasefire does not
  fight.
* **Defection**: a faction with ``defect_rate > 0`` joins the side
  ``defect_to`` with a weekly chance ``defect_rate`` times a logistic in how far
  its cohesion fell below ``defect_cohesion`` (width 0.05): smooth, not a knife
  edge. A ``realign`` intervention does the same by decision.
* **Endings**: ``victory:<SIDE>`` when the factions still standing are all on
  one side; ``ceasefire`` when factions of several sides stand but no pair of
  them is hostile any more (at least one ceasefire held); ``stalemate`` at the
  horizon while two hostile sides remain.

Random draws come from a stream of their own (``sides``), a fixed number per
week (one per faction, three per pair), so that policies stay paired.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.smooth import logistic

if TYPE_CHECKING:
    from sim.model.agents import Faction
    from sim.model.model import DrawStream, ProxyWarModel
    from sim.model.termination import Termination


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair of faction ids in a fixed order (the key of every per-pair record)."""
    return (a, b) if a < b else (b, a)


class Sides:
    """Who fights whom, pair ceasefires, defections, fallen factions and per-faction fronts.

    Attributes:
        side: faction id -> its side now.
        fallen: faction id -> the week it fell.
        settled: pairs whose ceasefire held (they fight no more).
        young: pair -> week its ceasefire was agreed (not yet held).
        front: faction id -> road km from its home to the nearest hostile place.
        fronts: faction id -> that distance week by week (weeks 1..).
    """

    def __init__(self, model: ProxyWarModel, stream: DrawStream):
        self.model = model
        self.stream = stream
        spec = model.spec
        ids = list(spec.factions)
        self.side: dict[str, str] = {fid: spec.side_of(fid) for fid in ids}
        self.neutral: set[tuple[str, str]] = {pair_key(a, b) for a, b in spec.neutral}
        self.defect = {fid: f.defect_rate for fid, f in spec.factions.items()}
        self.pairs: list[tuple[str, str]] = [
            pair_key(ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))
        ]
        self.fallen: dict[str, int] = {}
        self.settled: set[tuple[str, str]] = set()
        self.young: dict[tuple[str, str], int] = {}
        self.last_exchange: dict[tuple[str, str], int] = dict.fromkeys(self.pairs, 0)
        self.attacked: dict[str, set[str]] = {fid: set() for fid in ids}
        self.defections = 0
        self.front: dict[str, float] = {}
        self.fronts: dict[str, list[float]] = {fid: [] for fid in ids}
        self._draws: list[float] = []
        self._exposure: dict[str, dict[str, float]] = {}
        self._exposure_version = -1

    # -- hostility --------------------------------------------------------------

    def hostile_ids(self, a: str, b: str) -> bool:
        """Whether factions ``a`` and ``b`` fight each other now."""
        if a == b or self.side[a] == self.side[b]:
            return False
        k = pair_key(a, b)
        return k not in self.neutral and k not in self.settled and k not in self.young

    def refresh(self) -> None:
        """Recompute the enemies of every faction and the map's front (after any change)."""
        m = self.model
        fs = m.factions
        m._enemies = {f.fid: [g for g in fs if self.hostile_ids(f.fid, g.fid)] for f in fs}
        m.theatre.set_friendly(
            {f.fid: frozenset(g.fid for g in fs if not self.hostile_ids(f.fid, g.fid)) for f in fs}
        )
        m.stage += 1  # powers and ratios read before are stale

    def allies_of(self, fac: Faction) -> list[Faction]:
        """Other factions on its side, still standing."""
        s = self.side[fac.fid]
        return [
            g
            for g in self.model.factions
            if g is not fac and self.side[g.fid] == s and g.fid not in self.fallen
        ]

    def ally_targets(self, fac: Faction) -> set[str]:
        """Enemies its allies attacked last week (what coordination favours)."""
        hit: set[str] = set()
        for g in self.allies_of(fac):
            hit |= self.attacked[g.fid]
        return hit

    def exposure(self, fac: Faction) -> dict[str, float]:
        """Enemy id -> the share of that enemy's front roads that face ``fac``.

        Why: an enemy fighting on two fronts can turn only part of its power
        on each; a faction weighs an enemy's power by the share of that
        enemy's front roads that lead into its own places (kept until the map
        or the sides change). With two factions every share is 1.
        """
        th = self.model.theatre
        if self._exposure_version != th.version:
            self._exposure_version = th.version
            h = th.holder
            count: dict[tuple[str, str], int] = {}
            total: dict[str, int] = {}
            for u, v in th.front_edges():
                a, b = h[u], h[v]
                count[a, b] = count.get((a, b), 0) + 1
                count[b, a] = count.get((b, a), 0) + 1
                total[a] = total.get(a, 0) + 1
                total[b] = total.get(b, 0) + 1
            self._exposure = {
                f.fid: {
                    e: n / total[e] for (e, g), n in count.items() if g == f.fid and total.get(e)
                }
                for f in self.model.factions
            }
        return self._exposure[fac.fid]

    # -- the week -----------------------------------------------------------------

    def begin_week(self) -> None:
        """Draw the week's block: one per faction (defection), three per pair (talks)."""
        self._draws = self.stream.take(len(self.model.factions) + 3 * len(self.pairs))

    def after_combat(self) -> None:
        """Record who attacked whom, and where a pair last exchanged a place."""
        m = self.model
        for s in self.attacked.values():
            s.clear()
        for e in m.engagements:
            self.attacked[e.attacker].add(e.defender)
            if e.captured:
                self.last_exchange[pair_key(e.attacker, e.defender)] = m.week
        self.update_fronts()

    def note_transfer(self, winner: str, loser: str) -> None:
        """A place changed hands between two factions (capture, abandonment, transfer)."""
        self.last_exchange[pair_key(winner, loser)] = self.model.week

    def update_fronts(self) -> None:
        """Each standing faction's front: road km from its home to the nearest hostile place."""
        m = self.model
        th = m.theatre
        for f in m.factions:
            if f.fid in self.fallen:
                d = math.nan
            else:
                d = min((th.distance_to(f.home, e.fid) for e in m.enemies_of(f)), default=math.nan)
                if math.isinf(d):
                    d = math.nan
            self.front[f.fid] = d
            if m.week > 0:
                self.fronts[f.fid].append(d)

    def realign(self, fac: Faction, side: str, why: str, week: int | None = None) -> None:
        """``fac`` leaves its side for ``side`` (an intervention, or a defection)."""
        old = self.side[fac.fid]
        if old == side:
            return
        self.side[fac.fid] = side
        self.defect[fac.fid] = 0.0  # a faction changes side once by itself
        kind = "defect" if why == "defects" else "realign"
        self.model.log_event(fac.fid, kind, f"{fac.fid} leaves {old} for {side} ({why})", week=week)
        self.refresh()

    def defections_step(self) -> None:
        """Factions whose cohesion broke may defect (a smooth weekly chance)."""
        m = self.model
        draws = self._draws
        for i, f in enumerate(m.factions):
            rate = self.defect[f.fid]
            if rate <= 0 or f.fid in self.fallen:
                continue
            spec = m.spec.factions[f.fid]
            p = rate * logistic((spec.defect_cohesion - f.cohesion) / 0.05)
            if draws[i] < p:
                self.defections += 1
                assert spec.defect_to is not None
                self.realign(f, spec.defect_to, "defects")
                # new patrons pay its militias: its coalition holds for now
                f.cohesion = max(f.cohesion, spec.defect_cohesion)

    # -- falls and endings -----------------------------------------------------------

    def fall(self, fac: Faction, why: str, by: Faction | None) -> None:
        """``fac`` is out of the war: fighters disperse, backers withdraw, mercenaries leave."""
        m = self.model
        self.fallen[fac.fid] = m.week
        winner = f": {by.fid} wins" if by is not None else ""
        m.log_event(fac.fid, "fall", f"{fac.fid} falls ({why}){winner}")
        fac.deserted += fac.fighters
        fac.fighters = 0.0
        fac.morale = 0.0
        for b in m.backers:
            if b.client is fac:
                b.withdraw(None, reason="its client fell")
        for g in m.groups_of(fac):
            g.order_out(1, "client fell")
        m.stage += 1

    def check_falls(self, t: Termination) -> None:
        """Factions whose seat of power was taken, or whose forces or coalition broke."""
        m = self.model
        th = m.theatre
        p = t.p
        for f in m.factions:
            if f.fid in self.fallen:
                continue
            holder = th.holder[f.home]
            if holder != f.fid:
                taker = m.factions_by_id[holder]
                m.log_event(
                    taker.fid, "capture_home", f"{taker.fid} takes {th.places[f.home].name}"
                )
                self.fall(f, "its seat of power taken", taker)
            elif f.fighters < p.collapse_share * f.initial_fighters:
                self.fall(f, "its forces broken", self._strongest_enemy(f))
            elif f.cohesion < p.collapse_cohesion:
                self.fall(f, "its coalition falls apart", self._strongest_enemy(f))

    def _strongest_enemy(self, f: Faction) -> Faction | None:
        enemies = [e for e in self.model.enemies_of(f) if e.fid not in self.fallen]
        return max(enemies, key=lambda g: (g.power(), g.fid)) if enemies else None

    def standing(self) -> list[Faction]:
        """Factions not fallen."""
        return [f for f in self.model.factions if f.fid not in self.fallen]

    def ending(self) -> str | None:
        """The war's outcome when no two standing factions fight any more, else None."""
        up = self.standing()
        if any(a not in self.fallen and b not in self.fallen for a, b in self.young):
            return None  # a young ceasefire: the war ends only once it holds or breaks
        for i, a in enumerate(up):
            for b in up[i + 1 :]:
                if self.hostile_ids(a.fid, b.fid):
                    return None
        sides = sorted({self.side[f.fid] for f in up})
        if len(sides) == 1:
            return f"victory:{sides[0]}"
        if not sides:
            return "stalemate"  # everyone fell at once: nobody won
        return "ceasefire" if self.settled else f"victory:{'+'.join(sides)}"

    def decide(self, t: Termination) -> str | None:
        """The week's falls, defections, pair ceasefires and ending (many-sided wars)."""
        m = self.model
        week = m.week
        if week > t.mediation_until:
            t.mediation = 0.0
        self.check_falls(t)
        self.defections_step()
        outcome = self.ending()
        if outcome is not None:
            m.log_event("mediator", "end", f"the war ends: {outcome}")
            return t._end(outcome)
        self._pair_talks(t)
        outcome = self.ending()
        if outcome is not None:
            m.log_event("mediator", "end", f"the war ends: {outcome}")
            return t._end(outcome)
        if week >= m.horizon:
            return t._end("stalemate")
        return None

    def _pair_talks(self, t: Termination) -> None:
        """Each pair's young ceasefire holds or breaks; each hostile pair may agree one."""
        m = self.model
        p = t.p
        week = m.week
        n = len(m.factions)
        draws = self._draws
        index = {f.fid: i for i, f in enumerate(m.factions)}
        window = m.spec.stalemate.window_weeks
        changed = False
        for k, pair in enumerate(self.pairs):
            u_talks, u_break, u_veto = draws[n + 3 * k : n + 3 * k + 3]
            a, b = pair
            if a in self.fallen or b in self.fallen or pair in self.settled:
                continue
            if pair in self.young:
                hazard = t.breakdown_hazard
                bound = [x for x in m.backers if x.client.fid in pair and x.bid in t.bound]
                if bound:
                    mine = [x for x in m.backers if x.client.fid in pair]
                    hazard *= 1.0 - (1.0 - p.binding_breakdown) * len(bound) / len(mine)
                if u_break < hazard:
                    del self.young[pair]
                    t.breakdowns += 1
                    self.last_exchange[pair] = week  # the talks restart the clock
                    m.log_event(
                        "mediator", "breakdown", f"ceasefire between {a} and {b} broke down"
                    )
                    changed = True
                elif week - self.young[pair] >= p.ceasefire_hold_weeks:
                    del self.young[pair]
                    self.settled.add(pair)
                    m.log_event(
                        "mediator", "ceasefire_holds", f"ceasefire between {a} and {b} holds"
                    )
                continue
            if not self.hostile_ids(a, b):
                continue
            quiet = week - self.last_exchange[pair] - window
            stuck = min(1.0, max(0, quiet) / max(1, p.ripe_stalemate_weeks))
            fa, fb = m.factions_by_id[a], m.factions_by_id[b]
            mhs = stuck * t.willingness(index[a]) * t.willingness(index[b]) if stuck > 0 else 0.0
            low = logistic((p.ripe_morale - fa.morale) / 0.05) * logistic(
                (p.ripe_morale - fb.morale) / 0.05
            )
            r = max(mhs, low)
            if r <= 0:
                continue
            hazard = r * (p.base_hazard + p.mediation_hazard * t.mediation)
            if u_talks >= hazard:
                continue
            probs = [(x, x.veto_probability()) for x in m.backers if x.client.fid in pair]
            p_pass = 1.0
            for _, pv in probs:
                p_pass *= 1.0 - pv
            if probs and u_veto < 1.0 - p_pass:
                t.vetoes += 1
                x = max(probs, key=lambda bp: bp[1])[0]
                m.log_event(x.bid, "veto", f"ceasefire between {a} and {b} vetoed by {x.name}")
                continue
            self.young[pair] = week
            t.ceasefires += 1
            m.log_event("mediator", "ceasefire", f"ceasefire agreed between {a} and {b}")
            changed = True
        if changed:
            self.refresh()

    def break_all(self, t: Termination) -> None:
        """An imposed breakdown: every young pair ceasefire breaks now."""
        if not self.young:
            return
        for a, b in sorted(self.young):
            t.breakdowns += 1
            self.model.log_event(
                "mediator", "breakdown", f"ceasefire between {a} and {b} broke down"
            )
        self.young.clear()
        self.refresh()

    # -- records ------------------------------------------------------------------------

    def summary(self) -> dict[str, object]:
        """Per-run columns of a many-sided war (runs.csv)."""
        row: dict[str, object] = {
            "ceasefire_pairs": ";".join(f"{a}~{b}" for a, b in sorted(self.settled)),
            "defections": self.defections,
        }
        for f in self.model.factions:
            row[f"side_{f.fid}"] = self.side[f.fid]
            row[f"fallen_{f.fid}"] = self.fallen.get(f.fid)
            d = self.front.get(f.fid, math.nan)
            row[f"front_km_{f.fid}"] = None if math.isnan(d) else round(d, 3)
        return row
