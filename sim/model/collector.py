"""Data collection: the weekly series (one column per reporter) and their collector.

Step 11 of the weekly schedule records them, after the ending is decided.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from copy import deepcopy
from functools import partial
from operator import attrgetter, call
from typing import TYPE_CHECKING, Any

import mesa
from mesa import DataCollector

from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model.model import ProxyWarModel


#: value types the weekly collector records as they are (they cannot change later)
_PLAIN = frozenset({int, float, bool, str, type(None)})


class WeeklyCollector(DataCollector):
    """Mesa's DataCollector for model reporters: a week's values as one row, columns on demand.

    Why: Mesa deep-copies every value it records, so that a mutable object is
    not shared between weeks, and appends each to its own column. A number, a
    flag or a text cannot change, and those copies were a fifth of a
    replication's run time; and the weekly row is read far less often than it
    is written (sweeps read one column, or none). So :meth:`collect` keeps each
    week's values as a row (any value that is not plain is still deep-copied)
    and :attr:`model_vars` turns the rows into Mesa's columns when read.
    Reporters are called the way Mesa calls them (attribute name, function of
    the model, bound method, or ``[function, args]``).
    """

    def __init__(self, model_reporters: dict[str, Any]):
        self._columns: dict[str, list[Any]] = {}
        self._rows: list[list[Any]] = []  # weeks collected since the columns were last read
        self._names: list[str] = []  # the reporters the rows hold, in order
        self._getters: list[Callable[[], Any]] | None = None
        super().__init__(model_reporters=model_reporters)

    @property
    def model_vars(self) -> dict[str, list[Any]]:
        """Each reporter's values, one per collected week (Mesa's columns)."""
        self._flush()
        return self._columns

    @model_vars.setter
    def model_vars(self, value: dict[str, list[Any]]) -> None:
        self._columns = value

    def _flush(self) -> None:
        """Move the rows collected so far into their columns."""
        rows = self._rows
        if rows:
            columns = self._columns
            for name, values in zip(self._names, zip(*rows, strict=True), strict=True):
                columns[name].extend(values)
            rows.clear()

    def collect(self, model: mesa.Model) -> None:
        """Record every model reporter's current value."""
        if self.agent_reporters or self.agenttype_reporters:
            super().collect(model)  # agent-level reporters: Mesa's own path
            return
        getters = self._getters
        if getters is None or len(self._names) != len(self.model_reporters):
            self._flush()  # rows taken so far go to their columns first
            self._names = list(self.model_reporters)
            getters = self._getters = [_getter(model, rep) for rep in self.model_reporters.values()]
        row = list(map(call, getters))  # each getter called in order, the loop in C
        if not _PLAIN.issuperset(map(type, row)):
            row = [v if type(v) in _PLAIN else deepcopy(v) for v in row]
        self._rows.append(row)
        # the week as a whole number (Mesa records its float clock): batch_run's ``Step``
        self._collection_steps.append(model.steps)


def _getter(model: mesa.Model, reporter: Any) -> Callable[[], Any]:
    """A no-argument callable giving the reporter's value (as DataCollector.collect does)."""
    if isinstance(reporter, types.LambdaType | partial):
        return partial(reporter, model)
    if isinstance(reporter, str):
        return partial(getattr, model, reporter, None)
    if isinstance(reporter, list):
        return partial(reporter[0], *reporter[1])
    return reporter


def weekly_reporters(model: ProxyWarModel) -> dict[str, Any]:
    """The weekly series, one reporter per column.

    Most are ``[function, args]`` with a C-level getter (``attrgetter``, a
    dict's ``get``): Mesa calls them without a Python frame.
    """
    th = model.theatre
    rep: dict[str, Any] = {
        "week": "week",
        "date": [model.date_iso, []],
        "front_km": "front_km",
        "stalemate": [model.stalemate_flag, []],
        "outcome": [model.outcome_so_far, []],
        "ceasefire": "ceasefire_on",
        "mercenaries": [model.mercenaries_deployed, []],
        "casualties": [model.total_casualties, []],
    }
    for f in model.factions:
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
        rep[f"mercenaries_{k}"] = [model.mercenaries_deployed, [f]]
        if model.sides is not None:  # many sides: each faction's front and side
            rep[f"front_km_{k}"] = [model.sides.front.get, [k]]
            rep[f"side_{k}"] = [model.sides.side.get, [k]]
    for b in model.backers:
        rep[f"level_{b.bid}"] = [attrgetter("level"), [b]]
    for g in model.groups:
        rep[f"fighters_{g.gid}"] = [attrgetter("fighters"), [g]]
    return rep
