"""The model's random streams: one per mechanism, drawn from numpy in blocks.

Why one per mechanism: common random numbers across the arms of a paired
policy comparison (see :class:`Streams`). The model spawns them at set-up; a
war of more than two factions adds a sixth (:mod:`sim.model.sides`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

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
                # _advance says the bit generator is a PCG64 (or PCG64DXSM, the same method)
                cast(np.random.PCG64, self.gen.bit_generator).advance(self._owed)
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
