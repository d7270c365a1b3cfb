"""The theatre: a Mesa network of named places joined by roads.

Why a network and not a grid: in Libya (as in most proxy wars) fighting follows
roads between towns, and "how far is the front from the capital" is a road
distance. Shortest road distances are computed once per scenario and cached,
because they do not change during a war; only who holds what does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from mesa.discrete_space import Network

if TYPE_CHECKING:
    from random import Random

    from sim.model.defence import Layout, PlaceWeights
    from sim.scenario import ScenarioSpec

TERRAINS = ("urban", "open", "desert", "mountain")


def build_graph(spec: ScenarioSpec) -> nx.Graph:
    """A networkx graph of the places, with ``km`` on each road."""
    g = nx.Graph()
    for pid, p in spec.places.items():
        g.add_node(pid, name=p.name, lon=p.lon, lat=p.lat, terrain=p.terrain)
    for a, b, km in spec.roads:
        g.add_edge(a, b, km=float(km))
    return g


@dataclass(frozen=True)
class _Static:
    """What a scenario's map fixes for a whole war (shared, read-only, by every run)."""

    graph: nx.Graph
    ids: tuple[str, ...]
    dist: np.ndarray
    dist_rows: list[list[float]]
    index: dict[str, int]
    neighbours: list[tuple[int, ...]]
    edges: list[tuple[int, int]]


_STATIC: dict[tuple, _Static] = {}


def _static(spec: ScenarioSpec) -> _Static:
    """The scenario's static map, built once per distinct geography and cached.

    Why: every replication of a sweep uses the same map; building the graph and
    the road distances again each time was a quarter of a model's set-up.
    """
    key = (
        tuple((pid, p.name, p.lon, p.lat, p.terrain) for pid, p in spec.places.items()),
        tuple((a, b, float(km)) for a, b, km in spec.roads),
    )
    got = _STATIC.get(key)
    if got is None:
        graph = build_graph(spec)
        ids = tuple(spec.places)
        index = {p: i for i, p in enumerate(ids)}
        dist = np.full((len(ids), len(ids)), np.inf)
        for src, lengths in nx.all_pairs_dijkstra_path_length(graph, weight="km"):
            for dst, d in lengths.items():
                dist[index[src], index[dst]] = d
        dist.setflags(write=False)
        got = _Static(
            graph=graph,
            ids=ids,
            dist=dist,
            dist_rows=dist.tolist(),
            index=index,
            neighbours=[tuple(sorted(index[n] for n in graph.neighbors(p))) for p in ids],
            edges=sorted(
                (min(index[a], index[b]), max(index[a], index[b])) for a, b, _ in spec.roads
            ),
        )
        if len(_STATIC) >= 64:
            _STATIC.clear()
        _STATIC[key] = got
    return got


class _Forget(dict):
    """A dict that keeps nothing: with caches off, every derived value is recomputed."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class MapMemo:
    """Values derived from who holds what, one typed field per kind, for one map.

    Why one object with named fields (not a shared dict of string keys): a
    reader sees every cached value, its type and who fills it in one place.
    A capture (:meth:`Theatre.set_holder`) moves the theatre to the memo of
    the new map: one kept from an earlier week with the same holders (its
    ``digging`` forgotten, as it reads the fortification), or a new one. With
    ``enabled=False`` nothing is kept and :meth:`clear` empties the one memo
    at every capture (the caches test).

    Attributes:
        sides: faction -> (targets, front places, held places) (theatre).
        front_edges: roads whose ends are held by hostile factions (theatre).
        front_nodes: places at either end of a front road (theatre).
        distance: (place, faction) -> road km to the faction's nearest place (theatre).
        roads: front roads with their covers, first faction's end first (combat).
        digging: front places still below the fortification cap (combat).
        layouts: faction -> its :class:`sim.model.defence.Layout`, with its calm
            defence shares once read (combat).
        supplied: faction -> places linked to its supply sources (supply).
        reach: faction -> its supply factor at every place (supply).
    """

    __slots__ = (
        "enabled",
        "sides",
        "front_edges",
        "front_nodes",
        "distance",
        "roads",
        "digging",
        "layouts",
        "supplied",
        "reach",
    )

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.clear()

    def clear(self) -> None:
        """Forget everything (a place changed hands)."""
        table = dict if self.enabled else _Forget
        self.sides: dict[str, tuple[list[int], list[int], list[int]]] = table()
        self.front_edges: list[tuple[int, int]] | None = None
        self.front_nodes: list[int] | None = None
        self.distance: dict[tuple[int, str], float] = table()
        self.roads: list[tuple[int, int, float, float]] | None = None
        self.digging: list[int] | None = None
        self.layouts: dict[str, Layout] = table()
        self.supplied: dict[str, frozenset[int]] = table()
        self.reach: dict[str, list[float]] = table()


class Theatre:
    """The map: places (as Mesa cells), roads, holders and road distances.

    Attributes:
        space: the ``mesa.discrete_space.Network`` of places.
        ids: place ids in a fixed order (index ``i`` is place ``ids[i]``).
        dist: shortest road distance in km between every pair of places.
        holder: current holder (faction id) of each place, by index.
        neighbours: indices of the places adjacent to each place.
        version: how many times a place has changed hands.
        memo: values derived from who holds what (:class:`MapMemo`) now; a
            capture (:meth:`set_holder`) switches to the new map's memo.
        memos: each map held so far (and changes of sides) -> its memo, kept
            for the run with caches on.
        place_weights: each faction's :class:`sim.model.defence.PlaceWeights`
            by the objectives it has still to take, kept for the run.
    """

    def __init__(self, spec: ScenarioSpec, random: Random, memo: bool = True):
        static = _static(spec)
        self.graph = static.graph
        self._random = random  # the model's, for the Network built on first use (space)
        self.ids, self.dist, self.dist_rows = static.ids, static.dist, static.dist_rows
        self.index = static.index
        self.neighbours = static.neighbours
        self.edges = static.edges
        self.places = [spec.places[p] for p in self.ids]
        self.holder: list[str] = [p.holder for p in self.places]
        self.counts: dict[str, int] = {f: 0 for f in spec.factions}  # places held, by faction
        for h in self.holder:
            self.counts[h] = self.counts.get(h, 0) + 1
        self.terrain = [p.terrain for p in self.places]
        self.fortification = [1.0] * len(self.ids)
        self.version = 0
        self.memo = MapMemo(enabled=memo)
        # who holds what -> its memo, for the run (with caches on): a front that swings
        # back to a map it held before finds the values derived from it already made
        # (a third of Libya's captures). The key's first part counts changes of sides.
        self.memos: dict[tuple[int, tuple[str, ...]], MapMemo] = {}
        self._sides_changed = 0
        if memo:
            self.memos[0, tuple(self.holder)] = self.memo
        # faction and the objectives it has still to take -> sim.model.defence.PlaceWeights,
        # kept for the run (not forgotten at a capture); filled only with caches on
        self.place_weights: dict[tuple[str, tuple[int, ...]], PlaceWeights] = {}
        # faction -> the factions it does not fight (itself, allies, neutrals, a settled
        # ceasefire); None: every other faction is hostile (two sides, the fast path)
        self.friendly: dict[str, frozenset[str]] | None = None

    @cached_property
    def space(self) -> Network:
        """The places as cells of a ``mesa.discrete_space.Network`` (built on first use).

        Why on first use: the weekly mechanisms read the theatre's own lists
        (holders, neighbours, road distances), and building the Network's cells
        and links for every run was a sixth of a model's set-up.
        """
        return Network(self.graph, random=self._random, layout=None)

    def set_friendly(self, friendly: dict[str, frozenset[str]]) -> None:
        """Who does not fight whom changed (sides, ceasefires): the front is recomputed."""
        self.friendly = friendly
        self.version += 1
        self._sides_changed += 1
        self._new_map()

    def set_holder(self, place: int, faction: str) -> None:
        """Hand a place to a faction (and invalidate the cached front)."""
        counts = self.counts
        counts[self.holder[place]] -= 1
        counts[faction] = counts.get(faction, 0) + 1
        self.holder[place] = faction
        self.version += 1
        self._new_map()

    def _new_map(self) -> None:
        """Who holds what changed: the memo of the new map (kept from before, or empty).

        A kept memo forgets only ``digging``, which reads the fortification too.
        """
        memo = self.memo
        if not memo.enabled:
            memo.clear()
            return
        key = (self._sides_changed, tuple(self.holder))
        got = self.memos.get(key)
        if got is None:
            got = self.memos[key] = MapMemo()
        else:
            got.digging = None
        self.memo = got

    def layout(self, faction: str) -> tuple[list[int], list[int], list[int]]:
        """``(targets, front places, held places)`` of a faction, cached until a capture."""
        got = self.memo.sides.get(faction)
        if got is None:
            got = (self.targets(faction), self.front_places(faction), self.held_by(faction))
            self.memo.sides[faction] = got
        return got

    def held_by(self, faction: str) -> list[int]:
        """Indices of the places a faction holds."""
        return [i for i, h in enumerate(self.holder) if h == faction]

    def front_edges(self) -> list[tuple[int, int]]:
        """Roads whose two ends are held by hostile factions (cached until a capture)."""
        memo = self.memo
        got = memo.front_edges
        if got is None:
            h = self.holder
            fr = self.friendly
            if fr is None:
                got = [(a, b) for a, b in self.edges if h[a] != h[b]]
            else:
                got = [(a, b) for a, b in self.edges if h[b] not in fr[h[a]]]
            if memo.enabled:
                memo.front_edges = got
        return got

    def front_nodes(self) -> list[int]:
        """Places at either end of a front edge (cached until a capture)."""
        memo = self.memo
        got = memo.front_nodes
        if got is None:
            got = sorted({i for e in self.front_edges() for i in e})
            if memo.enabled:
                memo.front_nodes = got
        return got

    def front_places(self, faction: str) -> list[int]:
        """Places held by ``faction`` that touch a place held by an enemy."""
        h = self.holder
        if self.friendly is not None:
            fr = self.friendly[faction]
            return [
                i
                for i in range(len(h))
                if h[i] == faction and any(h[n] not in fr for n in self.neighbours[i])
            ]
        # two sides: its ends of the front roads (the same places, fewer to look at)
        return sorted({i for e in self.front_edges() for i in e if h[i] == faction})

    def targets(self, faction: str) -> list[int]:
        """Enemy-held places adjacent to a place held by ``faction``."""
        h = self.holder
        if self.friendly is not None:
            fr = self.friendly[faction]
            return [
                i
                for i in range(len(h))
                if h[i] not in fr and any(h[n] == faction for n in self.neighbours[i])
            ]
        # two sides: the other ends of the front roads that reach its places
        return sorted(
            {b if h[a] == faction else a for a, b in self.front_edges() if faction in (h[a], h[b])}
        )

    def distance_to(self, target: int, faction: str) -> float:
        """Road distance (km) from ``target`` to the nearest place ``faction`` holds.

        Cached until a place changes hands (the front distance is read weekly).
        """
        key = (target, faction)
        got = self.memo.distance.get(key)
        if got is None:
            row = self.dist_rows[target]
            best = float("inf")
            for i, h in enumerate(self.holder):
                if h == faction and row[i] < best:
                    best = row[i]
            got = float(best)
            self.memo.distance[key] = got
        return got

    def count(self, faction: str) -> int:
        """How many places a faction holds."""
        return self.counts.get(faction, 0)
