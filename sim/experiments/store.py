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

Write order makes the pair consistent: a batch's front lines are written
before its rows, so a complete ``ok`` row always has its front line. A
replicate counts as done when its last row says ``ok`` and its front line
exists; anything else is run again on resume. :meth:`RunStore.finalize`
rewrites both files sorted by (scenario order, replicate), keeping the last
record of each key, so an interrupted-and-resumed sweep ends with exactly the
bytes of an uninterrupted one.
"""

from __future__ import annotations

import csv
import io
import os
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

RUNS_FILE = "runs.csv"
FRONT_FILE = "front_series.csv"
FRONT_HEADER = ["scenario", "replicate", "front_km"]  # the compact (run-length) form


def front_header(weeks: int | None) -> list[str]:
    """The ``front_series.csv`` header: a column per week ``w0..w{weeks}``, or the compact one."""
    if weeks is None:
        return list(FRONT_HEADER)
    return ["scenario", "replicate", *(f"w{i}" for i in range(weeks + 1))]


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


def _parse_line(line: bytes) -> list[str]:
    return next(csv.reader([line.decode("utf-8").rstrip("\n")]))


def _repair_tail(path: Path) -> int:
    """Cut a trailing partial line (a write killed half-way); return bytes dropped."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as fh:
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return 0
        # walk back to the last newline
        pos, block = size, 4096
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                fh.truncate(keep)
                return size - keep
            pos = start
        fh.truncate(0)
        return size


def _index(path: Path, ranks: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort key, offset and length of every data line (flat arrays, not objects)."""
    keys, offsets, lengths = array("q"), array("q"), array("q")
    stride = 1 << 32
    with path.open("rb") as fh:
        header = fh.readline()
        offset = len(header)
        for line in fh:
            fields = _parse_line(line)
            rank = ranks.get(fields[0])
            if rank is not None and len(fields) > 1 and fields[1].isdigit():
                keys.append(rank * stride + int(fields[1]))
                offsets.append(offset)
                lengths.append(len(line))
            offset += len(line)
    return (
        np.frombuffer(keys, dtype=np.int64),
        np.frombuffer(offsets, dtype=np.int64),
        np.frombuffer(lengths, dtype=np.int64),
    )


def _sorted_rewrite(path: Path, ranks: Mapping[str, int]) -> int:
    """Rewrite a keyed file sorted by key, keeping the last line of each key."""
    keys, offsets, lengths = _index(path, ranks)
    # last occurrence of each key: first occurrence in the reversed arrays
    _, first_rev = np.unique(keys[::-1], return_index=True)
    pick = keys.size - 1 - first_rev  # np.unique sorts, so these come in key order
    tmp = path.with_suffix(path.suffix + ".tmp")
    with path.open("rb") as src, tmp.open("wb") as dst:
        dst.write(src.readline())
        for i in pick.tolist():
            src.seek(int(offsets[i]))
            dst.write(src.read(int(lengths[i])))
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, path)
    return int(pick.size)


# -- the store ------------------------------------------------------------------------


class RunStore:
    """Append-only ``runs.csv`` + ``front_series.csv`` in one folder.

    Args:
        out: the sweep's output folder (created if missing).
        columns: the ``runs.csv`` header; must start with ``scenario, replicate``
            and contain ``status``.
        weeks: the longest horizon: ``front_series.csv`` gets one column per
            week ``0..weeks``; None keeps the compact run-length form.
    """

    def __init__(self, out: str | Path, columns: Sequence[str], weeks: int | None = None):
        self.out = Path(out)
        self.columns = list(columns)
        self.weeks = weeks  # None: the compact run-length front file
        if self.columns[:2] != ["scenario", "replicate"] or "status" not in self.columns:
            raise ValueError("runs.csv columns must start with scenario, replicate and have status")
        self.runs_path = self.out / RUNS_FILE
        self.front_path = self.out / FRONT_FILE
        self._runs: io.BufferedWriter | None = None
        self._front: io.BufferedWriter | None = None
        self.dropped_bytes = 0

    # -- opening ------------------------------------------------------------------

    def open(self, resume: bool) -> None:
        """Start fresh files, or (``resume``) repair and reopen the existing ones.

        Raises:
            StoreError: when resuming files whose header differs from this sweep's.
        """
        self.out.mkdir(parents=True, exist_ok=True)
        pairs = ((self.runs_path, self.columns), (self.front_path, front_header(self.weeks)))
        for path, header in pairs:
            if resume and path.exists() and path.stat().st_size > 0:
                self.dropped_bytes += _repair_tail(path)
                with path.open("rb") as fh:
                    first = fh.readline()
                if first and _parse_line(first) != header:
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

    def close(self) -> None:
        """Close the files (safe to call twice)."""
        for fh in (self._runs, self._front):
            if fh is not None and not fh.closed:
                fh.close()
        self._runs = self._front = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading back -------------------------------------------------------------

    def done(self, scenarios: Sequence[str], reps: int) -> dict[str, np.ndarray]:
        """Which replicates ``0..reps-1`` of each scenario finished successfully.

        A replicate is done when its last row in ``runs.csv`` has status ``ok``
        and its front series is on file (failed runs are run again).
        """
        ranks = {s: i for i, s in enumerate(scenarios)}
        ok = {s: np.zeros(reps, dtype=bool) for s in scenarios}
        front = {s: np.zeros(reps, dtype=bool) for s in scenarios}
        status_at = self.columns.index("status")
        for path, target in ((self.runs_path, ok), (self.front_path, front)):
            if not path.exists():
                continue
            with path.open("rb") as fh:
                fh.readline()
                for line in fh:
                    if not line.endswith(b"\n"):
                        break
                    fields = _parse_line(line)
                    if fields[0] not in ranks or not fields[1].isdigit():
                        continue
                    rep = int(fields[1])
                    if rep >= reps:
                        continue
                    if target is ok:
                        ok[fields[0]][rep] = fields[status_at] == "ok"
                    else:
                        front[fields[0]][rep] = True
        return {s: ok[s] & front[s] for s in scenarios}

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
        rows, fronts = [], []
        for row, front in results:
            rows.append(_csv_line([row.get(c) for c in self.columns]))
            if front is not None:
                key = [row["scenario"], row["replicate"]]
                if self.weeks is None:
                    fronts.append(_csv_line([*key, encode_front(front)]))
                else:
                    cells = [float(x) for x in np.asarray(front)[: self.weeks + 1]]
                    cells += [""] * (self.weeks + 1 - len(cells))
                    fronts.append(_csv_line([*key, *cells]))
        if fronts:
            self._front.write("".join(fronts).encode("utf-8"))
            self._front.flush()
            os.fsync(self._front.fileno())
        if rows:
            self._runs.write("".join(rows).encode("utf-8"))
            self._runs.flush()
            os.fsync(self._runs.fileno())
        return len(rows)

    def finalize(self, scenarios: Sequence[str]) -> int:
        """Rewrite both files sorted by (scenario order, replicate), one record per key.

        Returns:
            The number of rows in ``runs.csv``.
        """
        self.close()
        ranks = {s: i for i, s in enumerate(scenarios)}
        _sorted_rewrite(self.front_path, ranks)
        return _sorted_rewrite(self.runs_path, ranks)


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
        wide = _parse_line(fh.readline()) != FRONT_HEADER
        for line in fh:
            if not line.endswith(b"\n"):
                break
            fields = _parse_line(line)
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
