"""The hash of ElectionGuard 1.x as electionguard-python 1.4.0 computes it.

SHA-256 over ``"|"`` followed by ``item + "|"`` for each item, the digest read big-endian and
reduced mod q. An element of Z_p or Z_q is written as uppercase hex padded to an even number of
digits (no fixed width); a plain integer in decimal; a string as it is; ``None`` or an empty
list as ``"null"``; a non-empty list as the hex of its own hash. (Spec 1.x "Hash computation",
with the hex rule that 1.4.0 applies instead of the decimal one the 0.95 text describes.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Elem", "hash_elems", "hex_of"]


@dataclass(frozen=True, slots=True)
class Elem:
    """A group element or exponent: hashed as even-length uppercase hex."""

    value: int


Item = Elem | str | int | None | Sequence["Item"]


def hex_of(value: int) -> str:
    """Uppercase hex with an even number of digits, at least two."""
    text = f"{value:02X}"
    return "0" + text if len(text) % 2 else text


def _text(q: int, item: Item) -> str:
    if isinstance(item, Elem):
        return hex_of(item.value)
    if isinstance(item, str):
        return item
    if isinstance(item, bool):
        raise TypeError("booleans are not hashed by ElectionGuard 1.x")
    if isinstance(item, int):
        return str(item)
    if item is None or len(item) == 0:
        return "null"
    return hex_of(hash_elems(q, *item))


def hash_elems(q: int, *items: Item) -> int:
    """H(items...) mod q as electionguard-python 1.4.0's ``hash_elems``."""
    digest = hashlib.sha256(b"|")
    for item in items:
        digest.update((_text(q, item) + "|").encode("utf-8"))
    return int.from_bytes(digest.digest(), "big") % q
