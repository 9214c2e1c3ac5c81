"""Rivest's consistent sampler: the order in which cards are drawn, from a public seed.

Every card gets *tickets*: numbers in (0, 1) derived with SHA-256 from the public seed and the
card's identifier alone. Cards are drawn in increasing order of ticket. Because a card's ticket
depends on nothing but the seed and its identifier,

* anyone with the seed and the ballot manifest derives the same list, in the same order;
* the order does not depend on the order of the manifest's rows;
* the cards of any subset (the cards that carry one contest) appear in the global order as a
  uniformly random ordering of that subset, so one draw serves every contest ("consistent
  sampling"), and sampling that subset alone gives the same order.

Sampling *with* replacement gives each card a sequence of tickets (generations 1, 2, ...), each
larger than the one before; a card can then be drawn more than once.

Two ticket constructions exist, and an observer must use the one the audit used:

``consistent_sampler-1.0.10`` (the default): decimal tickets, as in ``consistent_sampler`` 1.0.10 on
the Python package index (R. L. Rivest, github.com/ron-rivest/consistent_sampler), which Arlo and
other audit tools call. With ``sha256_hex(x)`` the 64 lower-case hexadecimal digits of SHA-256 of
``str(x)`` in UTF-8, and ``uniform(x)`` the string ``"0."`` followed by the decimal digits of
``int(sha256_hex(x), 16)``, written with at least 64 digits (zero-padded) and then *reversed* (the
low-order digits are the unbiased ones):

* first ticket: ``uniform(sha256_hex(seed) + identifier)``;
* the ticket after x: let p be the position of the first digit below 9 in ``x + "0"`` after the
  ``"0."``; for i = 1, 2, ...: ``y = (x + "0")[:p] + uniform(x + ":" + str(i))[2:]``, until
  ``y > x + "0"``. The next ticket depends on x alone.

``rivest-2018``: hexadecimal tickets, as in Rivest's "Consistent Sampling with Replacement"
(arXiv:1808.10016, August 2018) and the first versions of his reference code, whose published
vectors ``tests/unit/test_rla_sampling.py`` reproduces:

* ``seed_id = sha256_hex(seed) + ":id:" + identifier``;
* ``prng(s)``: with ``h = sha256_hex(s)``, the outputs ``sha256_hex(h + str(k))`` for k = 0, 1, ...;
* first ticket: the first output of ``prng(seed_id)``;
* the ticket after x, whose generation is g: with
  ``p = prng(sha256_hex(seed_id) + ":gen:" + str(g))``, let ``i`` be the number of leading ``f``
  digits of x; draw ``y = x[:i] + next(p)`` until ``y > x + "0"``; the next ticket is y.

Tickets of one construction compare as strings, which orders them as numbers in (0, 1). The two
constructions give unrelated orders: the same seed and ids draw different cards.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Draw", "TicketScheme", "draws", "first_ticket", "next_ticket", "tickets"]


class TicketScheme(StrEnum):
    """Which ticket construction the sampler uses (see the module docstring)."""

    CONSISTENT_SAMPLER_1_0_10 = "consistent_sampler-1.0.10"
    RIVEST_2018 = "rivest-2018"


DEFAULT_SCHEME = TicketScheme.CONSISTENT_SAMPLER_1_0_10


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- consistent_sampler 1.0.10: decimal tickets ------------------------------------------------------


def _uniform(text: str) -> str:
    """``"0."`` and the reversed decimal digits (at least 64) of SHA-256 of ``text``."""
    digits = f"{int(_sha256(text), 16):064d}"
    return "0." + digits[::-1]


def _decimal_first(seed: str, identifier: str) -> str:
    return _uniform(_sha256(seed) + identifier)


def _decimal_next(previous: str) -> str:
    padded = previous + "0"
    keep = next(index for index in range(2, len(padded)) if padded[index] < "9")
    counter = 0
    while True:
        counter += 1
        candidate = padded[:keep] + _uniform(f"{previous}:{counter}")[2:]
        if candidate > padded:
            return candidate


# -- Rivest 2018: hexadecimal tickets -----------------------------------------------------------------


def _prng(seed: str) -> Iterator[str]:
    seed_hash = _sha256(seed)
    counter = 0
    while True:
        yield _sha256(seed_hash + str(counter))
        counter += 1


def _seed_id(seed: str, identifier: str) -> str:
    return _sha256(seed) + ":id:" + identifier


def _hex_first(seed: str, identifier: str) -> str:
    return next(_prng(_seed_id(seed, identifier)))


def _hex_next(seed: str, identifier: str, previous: str, generation: int) -> str:
    stream = _prng(_sha256(_seed_id(seed, identifier)) + ":gen:" + str(generation))
    padded = previous + "0"
    leading = len(padded) - len(padded.lstrip("f"))
    while True:
        candidate = previous[:leading] + next(stream)
        if candidate > padded:
            return candidate


# -- the sampler ------------------------------------------------------------------------------------


def first_ticket(seed: str, identifier: str, scheme: TicketScheme = DEFAULT_SCHEME) -> str:
    """The ticket of generation 1 for card ``identifier``."""
    if scheme is TicketScheme.RIVEST_2018:
        return _hex_first(seed, identifier)
    return _decimal_first(seed, identifier)


def next_ticket(
    seed: str, identifier: str, previous: str, generation: int, scheme: TicketScheme = DEFAULT_SCHEME
) -> str:
    """The ticket that follows ``previous`` (of ``generation``), strictly larger than it."""
    if scheme is TicketScheme.RIVEST_2018:
        return _hex_next(seed, identifier, previous, generation)
    return _decimal_next(previous)


def tickets(seed: str, identifier: str, scheme: TicketScheme = DEFAULT_SCHEME) -> Iterator[str]:
    """The card's tickets, generation 1, 2, ... (each larger than the one before)."""
    ticket = first_ticket(seed, identifier, scheme)
    generation = 1
    while True:
        yield ticket
        ticket = next_ticket(seed, identifier, ticket, generation, scheme)
        generation += 1


@dataclass(frozen=True, slots=True)
class Draw:
    """One draw: the card's identifier, its ticket and the ticket's generation (1 = first)."""

    identifier: str
    ticket: str
    generation: int


def draws(
    seed: str,
    identifiers: Iterable[str],
    *,
    with_replacement: bool = False,
    scheme: TicketScheme = DEFAULT_SCHEME,
) -> Iterator[Draw]:
    """Cards in the order they are drawn, lazily.

    Without replacement each card appears once, in increasing order of its first ticket. With
    replacement, a drawn card is put back with its next generation's ticket, so the stream is
    unbounded; take as many draws as the audit needs.
    """
    if scheme is TicketScheme.RIVEST_2018:
        heap = [(_hex_first(seed, identifier), identifier, 1) for identifier in set(identifiers)]
    else:
        seed_hash = _sha256(seed)  # hashed once for every card, as consistent_sampler does
        heap = [(_uniform(seed_hash + identifier), identifier, 1) for identifier in set(identifiers)]
    heapq.heapify(heap)
    while heap:
        ticket, identifier, generation = heapq.heappop(heap)
        yield Draw(identifier, ticket, generation)
        if with_replacement:
            following = next_ticket(seed, identifier, ticket, generation, scheme)
            heapq.heappush(heap, (following, identifier, generation + 1))
