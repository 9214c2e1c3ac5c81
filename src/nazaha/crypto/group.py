"""The group Z_p^r of order q, and every modular operation Nazaha performs.

Spec §2 (notation) and §3.1: p and q are primes with p - 1 = q·r, g generates the order-q
subgroup Z_p^r of Z_p^*. A value x is in Z_p^r when 0 <= x < p and x^q mod p = 1; it is in Z_q
when 0 <= x < q (the definitions of Verification 2.A and 2.B).

All modular exponentiation and multiplication goes through a ``Group`` so that faster
arithmetic can replace the plain one without touching callers. Exponentiations with the
fixed bases g, K and K-hat use precomputed window tables (``FixedBase``); results are identical
to ``pow``.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import gmpy2

from nazaha.crypto.nonces import RandomSource
from nazaha.errors import ParameterError, ValueRangeError

__all__ = ["FixedBase", "Group", "set_parallelism", "share_group"]

_FIXED_BASE_WINDOW = 8
"""Measured (docs/benchmarks.md): 8 gives 0.12 ms per exponentiation with a 4 MiB table; 10 gives
0.10 ms with 13 MiB and three times the build time."""
_MULTI_WINDOW = 4
"""Window of ``Group.multi_pow``: 3 to 5 measured within noise of each other for 128- and 256-bit
exponents at 4096 bits (benchmarks/speed.py); 4 keeps the tables at 16 entries per base."""
_FIXED_BASE_CACHE = 8
"""Tables kept per group besides g's (about 4 MiB each): the keys K and K-hat of the elections in
use. The least recently used goes first; g's own table is never evicted."""


class _Parallel:
    """Threads for independent variable-base exponentiations. gmpy2 releases the GIL during
    large operations when asked (``allow_release_gil``), so threads use every core."""

    def __init__(self) -> None:
        self.threads = max(1, os.cpu_count() or 1)
        self.pool: ThreadPoolExecutor | None = None

    def executor(self) -> ThreadPoolExecutor:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="nazaha-pow")
        return self.pool

    def reset(self) -> None:
        # A forked child inherits the pool object but not its threads: start afresh.
        self.pool = None


_PARALLEL = _Parallel()
os.register_at_fork(after_in_child=_PARALLEL.reset)


def set_parallelism(threads: int) -> None:
    """How many threads ``Group.pow_many`` may use (1: none). Worker processes set 1."""
    _PARALLEL.threads = max(1, threads)
    if _PARALLEL.pool is not None:
        _PARALLEL.pool.shutdown(wait=False)
        _PARALLEL.pool = None


def _pow_chunk(pairs: Sequence[tuple[int, int]], p: int) -> list[int]:
    context = gmpy2.get_context()
    if not context.allow_release_gil:
        context.allow_release_gil = True
    return [int(gmpy2.powmod(base, exponent, p)) for base, exponent in pairs]


class FixedBase:
    """Exponentiation of one base with a precomputed table of its powers.

    The table holds base^(d·2^(w·i)) for every window position i and digit d < 2^w, so that
    base^e is a product of one table entry per window: about bits(q)/w multiplications
    instead of a full square-and-multiply. Valid only for bases in Z_p^r, whose exponents may be
    reduced mod q.
    """

    __slots__ = ("_mask", "_p", "_q", "_rows", "_window", "base")

    def __init__(self, group: Group, base: int, window: int = _FIXED_BASE_WINDOW) -> None:
        p = gmpy2.mpz(group.p)
        self.base = int(base)
        self._p: int = p
        self._q = group.q
        self._window = window
        self._mask = (1 << window) - 1
        rows: list[list[Any]] = []
        step = gmpy2.mpz(base) % p
        for _ in range((group.q.bit_length() + window - 1) // window):
            row = [gmpy2.mpz(1), step]
            for _ in range(2, 1 << window):
                row.append(row[-1] * step % p)
            rows.append(row)
            step = row[-1] * step % p
        self._rows = rows

    def pow(self, exponent: int) -> int:
        """Return base^exponent mod p."""
        e = int(exponent) % self._q
        p = self._p
        result: int = gmpy2.mpz(1)
        window = self._window
        mask = self._mask
        for row in self._rows:
            digit = e & mask
            if digit:
                result = result * row[digit] % p
            e >>= window
            if not e:
                break
        return int(result)


_SHARED: dict[tuple[str, int, int, int, int], Group] = {}
"""Each process's group of each set of parameters that came through ``_shared_group`` or
``share_group`` (the named groups of ``nazaha.crypto.params``)."""
_SHARED_LOCK = threading.Lock()


def _shared_group(name: str, p: int, q: int, r: int, g: int) -> Group:
    """This process's group of these parameters, built on first use.

    A worker process receives the group with every task (an election context, a chunk of
    ballots); constructing it tests (p - 1)/2q for primality and each instance builds its own
    fixed-base tables, some 0.1 s per task on the standard group. Unpickling through here costs a
    lookup instead, and a forked worker finds its parent's group with the tables already built."""
    key = (name, p, q, r, g)
    with _SHARED_LOCK:
        group = _SHARED.get(key)
    if group is None:
        built = Group(name, p, q, r, g)
        with _SHARED_LOCK:
            group = _SHARED.setdefault(key, built)
    return group


def share_group(group: Group) -> Group:
    """Make ``group`` the one that unpickling its parameters gives in this process (and in the
    processes forked from it); return it."""
    with _SHARED_LOCK:
        _SHARED.setdefault((group.name, group.p, group.q, group.r, group.g), group)
    return group


def _after_fork_in_child() -> None:
    """A forked child starts with fresh locks: one held by another thread of the parent at the
    fork would otherwise never be released in the child."""
    global _SHARED_LOCK  # noqa: PLW0603 - the module's lock itself is replaced
    _SHARED_LOCK = threading.Lock()
    for group in _SHARED.values():
        object.__setattr__(group, "_fixed_lock", threading.Lock())


os.register_at_fork(after_in_child=_after_fork_in_child)


@dataclass(frozen=True, eq=False)
class Group:
    """An ElectionGuard group: primes p and q with p - 1 = q·r and a generator g of Z_p^r.

    Groups are passed explicitly to every function that computes; there is no current group.
    """

    name: str
    p: int
    q: int
    r: int
    g: int
    batch_safe: bool = field(init=False, repr=False)
    """True when (p - 1)/2q is prime, which makes the batched membership test sound."""
    p_bytes: int = field(init=False)
    """l_p of spec §5.1.1: the length in bytes of the encoding of values mod p."""
    q_bytes: int = field(init=False)
    """l_q of spec §5.1.2: the length in bytes of the encoding of values mod q."""
    _fixed: OrderedDict[int, FixedBase] = field(init=False, repr=False)
    _fixed_lock: threading.Lock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.p - 1 != self.q * self.r:
            raise ParameterError(f"group {self.name}: p - 1 != q * r")
        if not 1 < self.g < self.p or gmpy2.powmod(self.g, self.q, self.p) != 1:
            raise ParameterError(f"group {self.name}: g is not in the subgroup of order q")
        half_cofactor, odd = divmod(self.r, 2)
        safe = odd == 0 and half_cofactor > 1 << 64 and bool(gmpy2.is_prime(half_cofactor, 25))
        object.__setattr__(self, "batch_safe", safe)
        object.__setattr__(self, "p_bytes", (self.p.bit_length() + 7) // 8)
        object.__setattr__(self, "q_bytes", (self.q.bit_length() + 7) // 8)
        object.__setattr__(self, "_fixed", OrderedDict())
        object.__setattr__(self, "_fixed_lock", threading.Lock())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Group):
            return NotImplemented
        return (self.p, self.q, self.g) == (other.p, other.q, other.g)

    def __hash__(self) -> int:
        return hash((self.p, self.q, self.g))

    def __reduce__(self) -> tuple[Any, ...]:
        # Never pickled with its tables: the receiving process uses its own instance of these
        # parameters (``_shared_group``), which builds its tables once.
        return (_shared_group, (self.name, self.p, self.q, self.r, self.g))

    # -- membership -------------------------------------------------------------------------

    def is_element(self, value: int) -> bool:
        """True when ``value`` is in Z_p^r: 0 <= value < p and value^q mod p = 1."""
        return 0 <= value < self.p and gmpy2.powmod(value, self.q, self.p) == 1

    def are_elements(self, values: Sequence[int], rng: RandomSource) -> bool:
        """True when every value is in Z_p^r, checked together (small-exponent batch test).

        Each value must be in [1, p) and a quadratic residue (Legendre symbol 1), which removes
        any component of order 2; then (Π x_i^(e_i))^q = 1 for random 64-bit e_i. When
        (p - 1)/2q is prime, a value outside Z_p^r has a component of prime order above 2^64
        and passes with probability below 2^-64. Costs one full exponentiation plus one 64-bit
        multi-exponentiation (``multi_pow``), instead of one full exponentiation per value. For groups
        without that structure (the toy test groups) every value is checked on its own.
        """
        if not self.batch_safe or len(values) < 2:
            return all(self.is_element(value) for value in values)
        p = self.p
        for value in values:
            if not 0 < value < p or gmpy2.legendre(value, p) != 1:
                return False
        # Π x_i^(e_i) with shared squarings (Straus), then one full exponentiation.
        product = self.multi_pow([(value, rng.below(1 << 64) | 1) for value in values])
        return gmpy2.powmod(product, self.q, p) == 1

    def element(self, value: int, what: str) -> int:
        """Return ``value`` if it is in Z_p^r, else raise ``ValueRangeError`` naming ``what``."""
        if not 0 <= value < self.p:
            raise ValueRangeError(f"{what} is not an integer in [0, p)")
        if gmpy2.powmod(value, self.q, self.p) != 1:
            raise ValueRangeError(f"{what} is not in the subgroup Z_p^r of order q")
        return value

    def scalar(self, value: int, what: str) -> int:
        """Return ``value`` if it is in Z_q, else raise ``ValueRangeError`` naming ``what``."""
        if not 0 <= value < self.q:
            raise ValueRangeError(f"{what} is not in Z_q")
        return value

    # -- arithmetic -------------------------------------------------------------------------

    def pow(self, base: int, exponent: int) -> int:
        """Return base^exponent mod p for any base (square-and-multiply in GMP)."""
        return int(gmpy2.powmod(base, exponent, self.p))

    def pow_many(self, pairs: Sequence[tuple[int, int]]) -> list[int]:
        """base^exponent mod p for each (base, exponent), on several cores when there are several.

        The results are exactly those of ``pow``, in order.
        """
        threads = min(_PARALLEL.threads, len(pairs))
        if threads <= 1:
            return _pow_chunk(pairs, self.p)
        size = -(-len(pairs) // threads)
        chunks = [pairs[i : i + size] for i in range(0, len(pairs), size)]
        pool = _PARALLEL.executor()
        futures = [pool.submit(_pow_chunk, chunk, self.p) for chunk in chunks[1:]]
        results = _pow_chunk(chunks[0], self.p)
        for future in futures:
            results.extend(future.result())
        return results

    def multi_pow(self, pairs: Sequence[tuple[int, int]], window: int = _MULTI_WINDOW) -> int:
        """Return Π base_i^(e_i) mod p, by whichever of two multi-exponentiations costs fewer
        multiplications for this many bases and exponents this long.

        Straus's simultaneous exponentiation: one table of base^0..base^(2^w - 1) per base
        (``window`` w) and one shared run of squarings, about b + n·(2^w + b/w) multiplications
        for n bases and b-bit exponents. Pippenger's bucket method (``_pippenger``): about
        (b/c)·(n + 2^(c+1)) for a window c of its choosing, fewer once n is in the hundreds (the
        hinted verifier's batches). Either is against n·1.2·b for n separate exponentiations.
        Exponents must be non-negative; the result is exactly the product of ``pow``s.
        """
        p = gmpy2.mpz(self.p)
        terms: list[tuple[Any, int]] = []
        longest = 0
        for base, exponent in pairs:
            e = int(exponent)
            if e < 0:
                raise ValueError("multi_pow takes non-negative exponents")
            if e:
                terms.append((gmpy2.mpz(base) % p, e))
                longest = max(longest, e.bit_length())
        if not terms:
            return 1
        count = len(terms)
        straus = longest + count * ((1 << window) - 2 + longest * (1 - 2**-window) / window)
        bucket, pippenger = min(
            ((c, -(-longest // c) * (count * (1 - 2**-c) + (1 << (c + 1)) + c)) for c in range(2, 13)),
            key=lambda choice: choice[1],
        )
        if pippenger < straus:
            return int(_pippenger(terms, longest, bucket, p))
        return int(_straus(terms, longest, window, p))

    def fixed_base(self, base: int) -> FixedBase:
        """Return the (cached) fixed-base table of ``base``, which must be in Z_p^r.

        Safe to call from many threads: the cache is least-recently-used under a lock, and a table
        is built outside the lock (two threads may both build one; the first stored wins)."""
        with self._fixed_lock:
            table = self._fixed.get(base)
            if table is not None:
                self._fixed.move_to_end(base)
                return table
        built = FixedBase(self, base)
        with self._fixed_lock:
            table = self._fixed.setdefault(base, built)
            self._fixed.move_to_end(base)
            others = [key for key in self._fixed if key != self.g]
            for key in others[: max(0, len(others) - _FIXED_BASE_CACHE)]:
                del self._fixed[key]
        return table

    def cached_bases(self) -> list[int]:
        """The bases whose fixed-base tables are cached, least recently used first."""
        with self._fixed_lock:
            return list(self._fixed)

    def g_pow(self, exponent: int) -> int:
        """Return g^exponent mod p with the generator's fixed-base table."""
        return self.fixed_base(self.g).pow(exponent)

    def mul(self, a: int, b: int) -> int:
        """Return a·b mod p."""
        return int(gmpy2.mpz(a) * b % self.p)

    def prod(self, values: Iterable[int]) -> int:
        """Return the product of ``values`` mod p (1 for none)."""
        p = self.p
        result: int = gmpy2.mpz(1)
        for value in values:
            result = result * value % p
        return int(result)

    def inverse(self, value: int) -> int:
        """Return value^-1 mod p."""
        return int(gmpy2.invert(value, self.p))

    def div(self, a: int, b: int) -> int:
        """Return a / b mod p."""
        return int(gmpy2.mpz(a) * gmpy2.invert(b, self.p) % self.p)

    def pow_pair(self, base1: int, exp1: int, base2: int, exp2: int) -> int:
        """Return base1^exp1 · base2^exp2 mod p (the shape of every proof verification)."""
        p = self.p
        return int(gmpy2.powmod(base1, exp1, p) * gmpy2.powmod(base2, exp2, p) % p)

    # -- encodings of spec §5.1 -------------------------------------------------------------

    def bytes_p(self, value: int) -> bytes:
        """b(value, l_p): big-endian, fixed length (spec §5.1.1)."""
        return int(value).to_bytes(self.p_bytes, "big")

    def bytes_q(self, value: int) -> bytes:
        """b(value, l_q): big-endian, fixed length (spec §5.1.2)."""
        return int(value).to_bytes(self.q_bytes, "big")


def _straus(terms: list[tuple[Any, int]], longest: int, window: int, p: Any) -> Any:
    """Π b^e mod p, Straus: per-base tables of b^0..b^(2^w - 1), one shared run of squarings."""
    mask = (1 << window) - 1
    tables: list[tuple[list[Any], int]] = []
    for b, e in terms:
        row = [gmpy2.mpz(1), b]
        for _ in range(2, 1 << window):
            row.append(row[-1] * b % p)
        tables.append((row, e))
    top = (longest + window - 1) // window - 1
    result: Any = gmpy2.mpz(1)
    for position in range(top, -1, -1):
        if position != top:
            for _ in range(window):
                result = result * result % p
        shift = position * window
        for row, e in tables:
            digit = (e >> shift) & mask
            if digit:
                result = result * row[digit] % p
    return result


def _pippenger(terms: list[tuple[Any, int]], longest: int, window: int, p: Any) -> Any:
    """Π b^e mod p, Pippenger's bucket method: for each c-bit digit position, from the top, the
    bases go into the bucket of their digit d (one multiplication each), and Π_d bucket_d^d comes
    from two running products over the 2^c - 1 buckets; c squarings between positions."""
    mask = (1 << window) - 1
    result: Any = None
    for position in range((longest + window - 1) // window - 1, -1, -1):
        if result is not None:
            for _ in range(window):
                result = result * result % p
        shift = position * window
        buckets: list[Any] = [None] * (1 << window)
        for b, e in terms:
            digit = (e >> shift) & mask
            if digit:
                held = buckets[digit]
                buckets[digit] = b if held is None else held * b % p
        running: Any = None
        total: Any = None
        for digit in range(mask, 0, -1):
            held = buckets[digit]
            if held is not None:
                running = held if running is None else running * held % p
            if running is not None:
                total = running if total is None else total * running % p
        if total is not None:
            result = total if result is None else result * total % p
    return gmpy2.mpz(1) if result is None else result
