"""Rivest's consistent sampler: the order in which cards are drawn, from a public seed.

Every card gets *tickets*: numbers in [0, 1) written as 64 hexadecimal digits, derived with
SHA-256 from the public seed and the card's identifier alone. Cards are drawn in increasing
order of ticket. Because a card's ticket depends on nothing but the seed and its identifier,

* anyone with the seed and the ballot manifest derives the same list, in the same order;
* the order does not depend on the order of the manifest's rows;
* the cards of any subset (the cards that carry one contest) appear in the global order as a
  uniformly random ordering of that subset, so one draw serves every contest ("consistent
  sampling").

Sampling *with* replacement gives each card a sequence of tickets (generations 1, 2, ...), each
larger than the one before; a card can then be drawn more than once.

This follows R. L. Rivest, "Consistent Sampling with Replacement" (arXiv:1808.10016, 2018) and
its reference implementation ``consistent_sampler.py`` (github.com/ron-rivest/consistent_sampler),
whose published test vectors ``tests/unit/test_rla_sampler.py`` reproduces:

* ``sha256(x) = SHA-256(str(x) as UTF-8)`` in lower-case hexadecimal;
* ``seed_id = sha256(seed) + ":id:" + str(id)``;
* ``prng(s)``: with ``h = sha256(s)``, the outputs ``sha256(h + str(k))`` for k = 0, 1, ...;
* first ticket: the first output of ``prng(seed_id)``;
* the ticket after x, whose generation is g: with ``p = prng(sha256(seed_id) + ":gen:" + str(g))``,
  let ``i`` be the number of leading ``f`` digits of x; draw ``y = x[:i] + next(p)`` until
  ``y > x + "0"``; the next ticket is y (generation g + 1). A ticket that starts with many ``f``
  digits is longer than 64 digits; it keeps every digit.

Tickets are compared as strings of hexadecimal digits, which orders them as numbers in [0, 1).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Draw", "draws", "first_ticket", "next_ticket", "tickets"]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _prng(seed: str) -> Iterator[str]:
    seed_hash = _sha256(seed)
    counter = 0
    while True:
        yield _sha256(seed_hash + str(counter))
        counter += 1


def _seed_id(seed: str, identifier: str) -> str:
    return _sha256(seed) + ":id:" + identifier


def first_ticket(seed: str, identifier: str) -> str:
    """The ticket of generation 1 for card ``identifier``."""
    return next(_prng(_seed_id(seed, identifier)))


def next_ticket(seed: str, identifier: str, previous: str, generation: int) -> str:
    """The ticket that follows ``previous`` (of ``generation``), strictly larger than it."""
    stream = _prng(_sha256(_seed_id(seed, identifier)) + ":gen:" + str(generation))
    padded = previous + "0"
    leading = len(padded) - len(padded.lstrip("f"))
    while True:
        candidate = previous[:leading] + next(stream)
        if candidate > padded:
            return candidate


def tickets(seed: str, identifier: str) -> Iterator[str]:
    """The card's tickets, generation 1, 2, ... (each larger than the one before)."""
    ticket = first_ticket(seed, identifier)
    generation = 1
    while True:
        yield ticket
        ticket = next_ticket(seed, identifier, ticket, generation)
        generation += 1


@dataclass(frozen=True, slots=True)
class Draw:
    """One draw: the card's identifier, its ticket and the ticket's generation (1 = first)."""

    identifier: str
    ticket: str
    generation: int


def draws(seed: str, identifiers: Iterable[str], *, with_replacement: bool = False) -> Iterator[Draw]:
    """Cards in the order they are drawn, lazily.

    Without replacement each card appears once, in increasing order of its first ticket. With
    replacement, a drawn card is put back with its next generation's ticket, so the stream is
    unbounded; take as many draws as the audit needs.
    """
    heap = [(first_ticket(seed, identifier), identifier, 1) for identifier in set(identifiers)]
    heapq.heapify(heap)
    while heap:
        ticket, identifier, generation = heapq.heappop(heap)
        yield Draw(identifier, ticket, generation)
        if with_replacement:
            heapq.heappush(heap, (next_ticket(seed, identifier, ticket, generation), identifier, generation + 1))
