"""Bounded discrete logarithms: t from T = K^t mod p when t is small.

Spec §3.6.2 and footnotes 12 and 47: the tally t is bounded by the number of votes, so it is
found by search. This module uses Shanks's baby-step giant-step method: a table of the first m
powers of the base, then giant steps of base^-m, so a bound N costs about m + N/m
multiplications. Tables are kept per base, since a tally decrypts many values under one K.
"""

from __future__ import annotations

import math

from nazaha.crypto.group import Group
from nazaha.errors import DecryptionError

__all__ = ["DiscreteLog"]


class DiscreteLog:
    """Solves base^t = value for 0 <= t <= bound, with a baby-step table reused across calls."""

    __slots__ = ("_base", "_giant", "_group", "_steps", "_table")

    def __init__(self, group: Group, base: int, baby_steps: int = 1024) -> None:
        self._group = group
        self._base = base
        self._steps = 0
        self._table: dict[int, int] = {}
        self._giant = 1
        self._grow(baby_steps)

    def _grow(self, steps: int) -> None:
        group = self._group
        value = 1
        table: dict[int, int] = {}
        for exponent in range(steps):
            table.setdefault(value, exponent)
            value = group.mul(value, self._base)
        self._table = table
        self._steps = steps
        # ``value`` is now base^steps; a giant step divides by it.
        self._giant = group.inverse(value)

    def solve(self, value: int, bound: int) -> int:
        """Return t in [0, bound] with base^t = value mod p; raise ``DecryptionError`` if none."""
        if bound < 0:
            raise ValueError("bound must be non-negative")
        wanted = math.isqrt(bound) + 1
        if wanted > self._steps and wanted <= 1 << 20:
            self._grow(wanted)
        group = self._group
        current = value % group.p
        for giant in range(bound // self._steps + 1):
            baby = self._table.get(current)
            if baby is not None:
                result = giant * self._steps + baby
                if result <= bound:
                    return result
                break
            current = group.mul(current, self._giant)
        raise DecryptionError(f"no discrete logarithm in [0, {bound}]: the value is not K^t")
