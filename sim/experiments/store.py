"""The append-only result store of a sweep: ``runs.csv`` and ``front_series.csv``.

Why append-only text with one record per line: a sweep may be killed at any
moment (Ctrl-C, ``kill -9``, a lost machine). Each finished batch of runs is
written as whole lines, flushed and ``fsync``-ed, so at worst the last line of
a file is cut short; :meth:`RunStore.open` drops such a trailing partial line
before appending again. Nothing per run is kept in memory: what a resume needs
(which replicates are done) is read back from the files as bit maps.

Files (both with a header line, both keyed by ``scenario, replicate``):

``runs.csv``
    One row per replication: the columns given to the store (see
    :mod:`sim.experiments.sweep`), ending with ``status`` (``ok`` or ``error``) and
    ``error`` (one line, empty when ok).
``front_series.csv``
    ``scenario, replicate, w0, w1, ..., wN``: the weekly front distance (km)
    of one successful run, one column per week ``0..N`` (N the longest
    horizon of the sweep; a scenario with a shorter horizon leaves the later
    cells empty), so pandas, R or a spreadsheet load it as it is. A store
    made without ``weeks`` (a library caller) writes the compact legacy form
    ``scenario, replicate, front_km`` instead, run-length encoded as
    space-separated ``value*count`` tokens (``value`` alone when the count is
    1), e.g. ``120*3 96 46*101``. Values are written with Python's shortest
    round-trip float repr, so decoding is exact. ``inf`` means the attacker
    held no place at all.

A store given ``objectives`` (the scenarios that are wars on sides, each with
its number of factions) keeps a third file, ``front_objectives_series.csv``
(:mod:`sim.experiments.objectives`): ``scenario, replicate, objective,
w0..wN``, one line per run and faction; two-faction sweeps never write it.

Write order makes the files consistent: a batch's objective lines, then its
front lines are written before its rows, so a complete ``ok`` row always has its front line. A
replicate counts as done when its last row says ``ok`` and its front line
exists; anything else is run again on resume. :meth:`RunStore.finalize`
rewrites both files sorted by (scenario order, replicate), keeping the last
record of each key, so an interrupted-and-resumed sweep ends with exactly the
bytes of an uninterrupted one. How a torn tail is cut and a file rewritten in
key order is in :mod:`sim.experiments.linefiles`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.linefiles import fields_or_none, parse_line, repair_tail, sorted_rewrite

RUNS_FILE = "runs.csv"
FRONT_FILE = "front_series.csv"
OBJECTIVES_SERIES_FILE = "front_objectives_series.csv"  # as sim.experiments.objectives
OBJECTIVES_KEY = "_objectives"  # a row's objective series (sim.experiments.objectives)
FRONT_HEADER = ["scenario", "replicate", "front_km"]  # the compact (run-length) form


def front_header(weeks: int | None) -> list[str]:
    """The ``front_series.csv`` header: a column per week ``w0..w{weeks}``, or the compact one."""
    if weeks is None:
        return list(FRONT_HEADER)
    return ["scenario", "replicate", *(f"w{i}" for i in range(weeks + 1))]


def objectives_header(weeks: int | None) -> list[str]:
    """The ``front_objectives_series.csv`` header: as the front file's, with ``objective``."""
    head = front_header(weeks)
    return [*head[:2], "objective", *head[2:]]


class StoreError(ValueError):
    """The files in the output folder do not belong to this sweep."""


# -- encoding -----------------------------------------------------------------------


def format_value(value: Any) -> str:
    """One CSV cell: shortest exact repr for floats, empty for None/NaN.

    Why not pandas: a round trip through a DataFrame turns integer columns with
    gaps into floats (``12`` -> ``12.0``); writing cells ourselves keeps a row's
    bytes a function of the run alone.
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if v != v:
            return ""
        text = repr(v)
        return text[:-2] if text.endswith(".0") else text
    return " ".join(str(value).split()) if "\n" in str(value) or "\r" in str(value) else str(value)


def encode_front(series: np.ndarray) -> str:
    """Run-length encode a weekly front series (exact; see the module docstring)."""
    values = np.asarray(series, dtype=float)
    if values.size == 0:
        return ""
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.concatenate(([0], change))
    counts = np.diff(np.concatenate((starts, [values.size])))
    tokens = []
    for start, count in zip(starts.tolist(), counts.tolist(), strict=True):
        v = format_value(float(values[start])) or "nan"
        tokens.append(v if count == 1 else f"{v}*{count}")
    return " ".join(tokens)


def decode_front(text: str) -> np.ndarray:
    """Inverse of :func:`encode_front`."""
    out: list[float] = []
    for token in text.split():
        value, _, count = token.partition("*")
        out.extend([float(value)] * (int(count) if count else 1))
    return np.asarray(out, dtype=float)


def _csv_line(fields: Sequence[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([format_value(f) for f in fields])
    return buf.getvalue()


def _write_durably(fh: io.BufferedWriter, data: bytes, path: Path) -> None:
    """Write, flush and fsync; an OSError (a full disk) names ``path``."""
    try:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    except OSError as exc:
        from sim.experiments.faults import with_path

        raise with_path(exc, path) from exc


# -- the store ------------------------------------------------------------------------


class RunStore:
    """Append-only ``runs.csv`` + ``front_series.csv`` in one folder.

    Args:
        out: the sweep's output folder (created if missing).
        columns: the ``runs.csv`` header; must start with ``scenario, replicate``
            and contain ``status``.
        weeks: the longest horizon: ``front_series.csv`` gets one column per
            week ``0..weeks``; None keeps the compact run-length form.
        objectives: scenario label -> objective lines per run (its factions), for
            the wars on sides of the sweep; when given, ``front_objectives_series.csv``
            is kept too, and a replicate of those scenarios counts as done only
            with all its objective lines on file.
    """

    def __init__(
        self,
        out: str | Path,
        columns: Sequence[str],
        weeks: int | None = None,
        objectives: Mapping[str, int] | None = None,
    ):
        self.out = Path(out)
        self.columns = list(columns)
        self.weeks = weeks  # None: the compact run-length front file
        self.objectives = dict(objectives or {})
        self.objectives_path = self.out / OBJECTIVES_SERIES_FILE if self.objectives else None
        self._objectives: io.BufferedWriter | None = None
        if self.columns[:2] != ["scenario", "replicate"] or "status" not in self.columns:
            raise ValueError("runs.csv columns must start with scenario, replicate and have status")
        self.runs_path = self.out / RUNS_FILE
        self.front_path = self.out / FRONT_FILE
        self._runs: io.BufferedWriter | None = None
        self._front: io.BufferedWriter | None = None
        self.dropped_bytes = 0
        self.dropped_bytes_by_file: dict[str, int] = {}
        self.damaged: dict[Path, list[int]] = {}

    # -- opening ------------------------------------------------------------------

    def open(self, resume: bool) -> None:
        """Start fresh files, or (``resume``) repair and reopen the existing ones.

        Raises:
            StoreError: when resuming files whose header differs from this sweep's.
        """
        self.out.mkdir(parents=True, exist_ok=True)
        pairs = [(self.runs_path, self.columns), (self.front_path, front_header(self.weeks))]
        if self.objectives_path is not None:
            pairs.append((self.objectives_path, objectives_header(self.weeks)))
        for path, header in pairs:
            if resume and path.exists() and path.stat().st_size > 0:
                cut = repair_tail(path)
                if cut:
                    self.dropped_bytes_by_file[path.name] = cut
                self.dropped_bytes += cut
                with path.open("rb") as fh:
                    first = fh.readline()
                if first and parse_line(first) != header:
                    raise StoreError(
                        f"{path}: header differs from this sweep's columns; "
                        "resume with the same scenarios and code, or start afresh without --resume"
                    )
                if not first:
                    path.write_text(_csv_line(header))
            else:
                path.write_text(_csv_line(header))
        self._runs = self.runs_path.open("ab")
        self._front = self.front_path.open("ab")
        if self.objectives_path is not None:
            self._objectives = self.objectives_path.open("ab")

    def close(self) -> None:
        """Close the files (safe to call twice)."""
        for fh in (self._runs, self._front, self._objectives):
            if fh is not None and not fh.closed:
                # a full disk: the write already failed and was reported
                with contextlib.suppress(OSError):
                    fh.close()
        self._runs = self._front = self._objectives = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading back -------------------------------------------------------------

    def done(self, scenarios: Sequence[str], reps: int) -> dict[str, np.ndarray]:
        """Which replicates ``0..reps-1`` of each scenario finished successfully.

        A replicate is done when its last row in ``runs.csv`` has status ``ok``
        and its front series is on file (failed runs are run again). Damaged
        lines (a wrong number of cells, bytes that are not text) count as not
        done, so their replicates run again; :attr:`damaged` names them.
        """
        out = {}
        for s, flags in self.done_prefix(scenarios, reps).items():
            full = np.zeros(reps, dtype=bool)
            full[: flags.size] = flags
            out[s] = full
        return out

    def done_prefix(self, scenarios: Sequence[str], reps: int) -> dict[str, np.ndarray]:
        """:meth:`done` cut after the highest replicate on file (later ones are not done).

        Why: a sweep of 10^9 replicates must not allocate 10^9 flags per
        scenario before its first run; this grows with what is on disk only.
        """
        ranks = {s: i for i, s in enumerate(scenarios)}
        status_at = self.columns.index("status")
        found: dict[str, dict[str, tuple[array, array]]] = {}
        self.damaged = {}
        front_width = len(front_header(self.weeks))
        for path, width in ((self.runs_path, len(self.columns)), (self.front_path, front_width)):
            per = {s: (array("q"), array("b")) for s in scenarios}
            found[path.name] = per
            bad: list[int] = []
            if path.exists():
                with path.open("rb") as fh:
                    fh.readline()
                    for number, line in enumerate(fh, start=2):
                        fields = fields_or_none(line)
                        if fields is None or len(fields) != width or not fields[1].isdigit():
                            if line.endswith(b"\n"):  # a torn last line is repaired, not damage
                                bad.append(number)
                            continue
                        if fields[0] not in ranks:
                            continue
                        rep = int(fields[1])
                        if rep >= reps:
                            continue
                        if path == self.front_path:
                            try:  # compact run-length text, or one cell per week
                                if self.weeks is None:
                                    decode_front(fields[2])
                                else:
                                    [float(x) for x in fields[2:] if x != ""]
                            except ValueError:
                                bad.append(number)
                                continue
                            good = True
                        else:
                            good = fields[status_at] == "ok"
                        per[fields[0]][0].append(rep)
                        per[fields[0]][1].append(good)
            if bad:
                self.damaged[path] = bad
        out = {}
        for s in scenarios:
            flags = []
            for name in (RUNS_FILE, FRONT_FILE):
                reps_seen, good_seen = found[name][s]
                idx = np.frombuffer(reps_seen, dtype=np.int64)
                flag = np.zeros(int(idx.max()) + 1 if idx.size else 0, dtype=bool)
                # the last record of a replicate decides (as finalize keeps the last)
                last, first_rev = np.unique(idx[::-1], return_index=True)
                flag[last] = np.frombuffer(good_seen, dtype=np.int8)[::-1][first_rev].astype(bool)
                flags.append(flag)
            n = min(len(flags[0]), len(flags[1]))
            out[s] = flags[0][:n] & flags[1][:n]
        for s, complete in self._objective_counts(scenarios, reps).items():
            n = min(out[s].size, complete.size)
            out[s] = out[s][:n] & complete[:n]
        return out

    def _objective_counts(self, scenarios: Sequence[str], reps: int) -> dict[str, np.ndarray]:
        """Per war on sides: which replicates have all their objective lines on file."""
        wanted = {s: n for s, n in self.objectives.items() if s in scenarios}
        if not wanted or self.objectives_path is None:
            return {}
        counts = {s: np.zeros(0, dtype=np.int64) for s in wanted}
        if self.objectives_path.exists():
            width = len(objectives_header(self.weeks))
            with self.objectives_path.open("rb") as fh:
                fh.readline()
                for line in fh:
                    fields = fields_or_none(line)
                    if fields is None or len(fields) != width or not fields[1].isdigit():
                        continue  # damaged: its replicate runs again
                    rep = int(fields[1])
                    if fields[0] not in counts or rep >= reps:
                        continue
                    c = counts[fields[0]]
                    if rep >= c.size:
                        c = counts[fields[0]] = np.concatenate(
                            [c, np.zeros(rep + 1 - c.size, c.dtype)]
                        )
                    c[rep] += 1
        return {s: counts[s] >= n for s, n in wanted.items()}

    def damage_report(self) -> list[str]:
        """One line per file with damaged lines (found by :meth:`done`)."""
        lines = []
        for path, numbers in self.damaged.items():
            shown = ", ".join(str(n) for n in numbers[:5]) + (" ..." if len(numbers) > 5 else "")
            lines.append(
                f"{path}: line{'s' if len(numbers) > 1 else ''} {shown} damaged "
                f"({len(numbers)} in all); dropped, their replicates run again"
            )
        return lines

    # -- writing ------------------------------------------------------------------

    def append(self, results: Iterable[tuple[Mapping[str, Any], np.ndarray | None]]) -> int:
        """Append finished runs (row dict, front series or None) as whole lines.

        The front lines go first and both files are flushed and fsync-ed, so a
        crash leaves at most one partial trailing line per file.

        Returns:
            The number of rows written.
        """
        if self._runs is None or self._front is None:
            raise RuntimeError("RunStore.append before open()")
        rows, fronts, objectives = [], [], []
        for row, front in results:
            rows.append(_csv_line([row.get(c) for c in self.columns]))
            if front is not None:
                key = [row["scenario"], row["replicate"]]
                if self._objectives is not None:
                    for obj, series in (row.get(OBJECTIVES_KEY) or {}).items():
                        objectives.append(self._front_line([*key, obj], series))
                if self.weeks is None:
                    fronts.append(_csv_line([*key, encode_front(front)]))
                else:
                    cells: list[float | str] = [
                        float(x) for x in np.asarray(front)[: self.weeks + 1]
                    ]
                    cells += [""] * (self.weeks + 1 - len(cells))
                    fronts.append(_csv_line([*key, *cells]))
        if objectives and self._objectives is not None and self.objectives_path is not None:
            data = "".join(objectives).encode("utf-8")
            _write_durably(self._objectives, data, self.objectives_path)
        if fronts:
            _write_durably(self._front, "".join(fronts).encode("utf-8"), self.front_path)
        if rows:
            _write_durably(self._runs, "".join(rows).encode("utf-8"), self.runs_path)
        return len(rows)

    def _front_line(self, key: list[Any], series: np.ndarray) -> str:
        """One weekly series as a line after ``key`` (compact or one cell per week)."""
        if self.weeks is None:
            return _csv_line([*key, encode_front(series)])
        cells: list[Any] = [float(x) for x in np.asarray(series)[: self.weeks + 1]]
        cells += [""] * (self.weeks + 1 - len(cells))
        return _csv_line([*key, *cells])

    def finalize(self, scenarios: Sequence[str]) -> int:
        """Rewrite both files sorted by (scenario order, replicate), one record per key.

        Returns:
            The number of rows in ``runs.csv``.
        """
        self.close()
        ranks = {s: i for i, s in enumerate(scenarios)}
        if self.objectives_path is not None and self.objectives_path.exists():
            sorted_rewrite(self.objectives_path, ranks, third=True)
        sorted_rewrite(self.front_path, ranks)
        return sorted_rewrite(self.runs_path, ranks)


def read_front_series(
    path: str | Path, scenario: str | None = None
) -> Iterator[tuple[str, int, np.ndarray]]:
    """Yield ``(scenario, replicate, weekly front km)`` from a ``front_series.csv``.

    Streams the file, so it works for any number of runs. Give ``scenario`` to
    keep only that scenario's runs. Reads both forms: one column per week
    (empty cells past a scenario's horizon dropped) and the compact one.
    """
    p = Path(path)
    if p.is_dir():
        p = p / FRONT_FILE
    with p.open("rb") as fh:
        wide = parse_line(fh.readline()) != FRONT_HEADER
        for line in fh:
            if not line.endswith(b"\n"):
                break
            fields = parse_line(line)
            name, rep = fields[0], fields[1]
            if scenario is not None and name != scenario:
                continue
            if wide:
                cells = fields[2:]
                while cells and cells[-1] == "":
                    cells.pop()
                yield name, int(rep), np.array([float(x) for x in cells])
            else:
                yield name, int(rep), decode_front(fields[2])


def load_front_matrix(path: str | Path, scenario: str) -> np.ndarray:
    """All of one scenario's front series as a ``runs x weeks`` array (for notebooks).

    Rows come in file order (sorted by replicate once the sweep finished).
    """
    rows = [series for _, _, series in read_front_series(path, scenario)]
    if not rows:
        return np.empty((0, 0))
    return np.vstack(rows)
