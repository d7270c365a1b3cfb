"""Keyed CSV line files: repair a torn tail, index whole lines, rewrite sorted.

Why apart from :mod:`sim.experiments.store`: these work on any file whose lines
start ``scenario, replicate`` (and, for the objective series, an objective), one
line per write; the store decides what is written and when, these only how a file
written so is read back after a crash and put in order.
"""

from __future__ import annotations

import csv
import os
from array import array
from collections.abc import Mapping
from pathlib import Path

import numpy as np


def parse_line(line: bytes) -> list[str]:
    """The cells of one CSV line (the same dialect the store writes)."""
    return next(csv.reader([line.decode("utf-8").rstrip("\n")]))


def repair_tail(path: Path) -> int:
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


def fields_or_none(line: bytes) -> list[str] | None:
    """The cells of one line, or None when it is not a whole CSV line (damaged)."""
    if not line.endswith(b"\n"):
        return None
    try:
        return parse_line(line)
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None


def line_index(
    path: Path, ranks: Mapping[str, int], third: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort key, offset and length of every whole data line (flat arrays, not objects).

    Lines with another number of cells than the header (damaged in the middle
    of the file) are left out, so they vanish when the file is rewritten.
    With ``third``, the third cell (an objective) is part of the key, ranked by
    its first appearance in the file (the factions' order).
    """
    keys, offsets, lengths = array("q"), array("q"), array("q")
    stride = 1 << 32
    sub: dict[str, int] = {}
    with path.open("rb") as fh:
        header = fh.readline()
        width = len(parse_line(header)) if header else 0
        offset = len(header)
        for line in fh:
            fields = fields_or_none(line)
            if fields is None or len(fields) != width:
                offset += len(line)
                continue
            rank = ranks.get(fields[0])
            if rank is not None and fields[1].isdigit():
                key = rank * stride + int(fields[1])
                if third:  # up to 256 objectives per run
                    key = key * 256 + sub.setdefault(fields[2], len(sub))
                keys.append(key)
                offsets.append(offset)
                lengths.append(len(line))
            offset += len(line)
    return (
        np.frombuffer(keys, dtype=np.int64),
        np.frombuffer(offsets, dtype=np.int64),
        np.frombuffer(lengths, dtype=np.int64),
    )


def sorted_rewrite(path: Path, ranks: Mapping[str, int], third: bool = False) -> int:
    """Rewrite a keyed file sorted by key, keeping the last line of each key."""
    keys, offsets, lengths = line_index(path, ranks, third)
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
