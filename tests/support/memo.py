"""Memoized modular arithmetic for tests that verify the same record many times.

A mutation test verifies one record 21 times (untouched, then 20 copies that each differ in one
digit). Every run is a full run of the verifier, but the modular exponentiations of all the
values the mutation did not touch are the same each time. ``memoized_arithmetic`` remembers the
results of the three pure functions that hold nearly all the verifier's time, keyed by their
exact inputs:

* ``gmpy2.powmod(base, exponent, modulus)`` as ``nazaha.crypto.group`` calls it;
* ``FixedBase.pow(exponent)``, keyed by the table's base and the exponent;
* ``Group.are_elements(values)``, keyed by the group and the values (its random exponents only
  make the batched test sound against a prover who knows them; the result for given values does
  not depend on them except with negligible probability).

A value the mutation changed is a new key and is computed afresh, so every check runs on the
mutated record exactly as it would without the memo; only repeated work is skipped. Outside the
``with`` block nothing is patched.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import gmpy2

import nazaha.crypto.group as group_module
from nazaha.crypto.group import FixedBase, Group
from nazaha.crypto.nonces import RandomSource

__all__ = ["memoized_arithmetic"]


@contextmanager
def memoized_arithmetic() -> Iterator[dict[str, int]]:
    """Patch the verifier's arithmetic with memos for the duration of the block; the yielded
    dict counts hits and misses (``powmod_hits``, ``powmod_misses``, ...)."""
    stats = {"powmod_hits": 0, "powmod_misses": 0, "fixed_hits": 0, "fixed_misses": 0}
    powmods: dict[tuple[int, int, int], Any] = {}
    fixed: dict[tuple[int, int], int] = {}
    batches: dict[tuple[int, tuple[int, ...]], bool] = {}
    real_powmod = gmpy2.powmod
    real_fixed = FixedBase.pow
    real_batch = Group.are_elements

    def powmod(base: Any, exponent: Any, modulus: Any) -> Any:
        key = (int(base), int(exponent), int(modulus))
        result = powmods.get(key)
        if result is None:
            stats["powmod_misses"] += 1
            result = powmods[key] = real_powmod(base, exponent, modulus)
        else:
            stats["powmod_hits"] += 1
        return result

    def fixed_pow(self: FixedBase, exponent: int) -> int:
        key = (self.base, int(exponent))
        result = fixed.get(key)
        if result is None:
            stats["fixed_misses"] += 1
            result = fixed[key] = real_fixed(self, exponent)
        else:
            stats["fixed_hits"] += 1
        return result

    def are_elements(self: Group, values: Sequence[int], rng: RandomSource) -> bool:
        key = (self.p, tuple(values))
        result = batches.get(key)
        if result is None:
            result = batches[key] = real_batch(self, values, rng)
        return result

    threads = group_module._PARALLEL.threads
    group_module.set_parallelism(1)  # one thread: the memo's hits cost less than handing work to threads
    proxy = types.SimpleNamespace(**{name: getattr(gmpy2, name) for name in dir(gmpy2) if not name.startswith("__")})
    proxy.powmod = powmod
    original_module = vars(group_module)["gmpy2"]
    setattr(group_module, "gmpy2", proxy)  # noqa: B010 (the module's own name for gmpy2)
    FixedBase.pow = fixed_pow  # type: ignore[method-assign]
    Group.are_elements = are_elements  # type: ignore[method-assign]
    try:
        yield stats
    finally:
        setattr(group_module, "gmpy2", original_module)  # noqa: B010
        FixedBase.pow = real_fixed  # type: ignore[method-assign]
        Group.are_elements = real_batch  # type: ignore[method-assign]
        group_module.set_parallelism(threads)
