"""The ElectionGuard hash function H, its reduction H_q, and the HMAC key derivation.

Spec §5: H(B0; B1) = HMAC-SHA-256(B0, B1), where the key B0 is always 32 bytes (a version
array or a hash) and B1 starts with a one-byte domain separator followed by the fixed-length
encodings of the inputs (§5.1, §5.3). H_q reduces the output mod q (§5.4, eq. 132).

Every input is wrapped in a type that says how the spec encodes it, so that nothing is ever
hashed through ``str(x)`` and an unknown type raises ``TypeError``:

=============  ================================================  ==========
item           encoding                                          spec
=============  ================================================  ==========
``ModP(x)``    b(x, l_p), big-endian                             §5.1.1
``ModQ(x)``    b(x, l_q), big-endian                             §5.1.2
``U32(n)``     b(n, 4) for small integers 0 <= n < 2^31          §5.1.3
``Tag(s)``     UTF-8 bytes of a fixed string ("pk vote")         §5.5
``Text(s)``    b(len, 4) ‖ UTF-8 bytes, for variable strings     §5.1.4
``File(b)``    b(len, 4) ‖ bytes, for whole files                §5.1.5
``Raw(b)``     the bytes as they are (hashes, 32-byte arrays)    §5.4
=============  ================================================  ==========
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from nazaha.crypto.group import Group

__all__ = [
    "U32",
    "File",
    "HashItem",
    "ModP",
    "ModQ",
    "Raw",
    "Tag",
    "Text",
    "hash_h",
    "hash_q",
    "kdf_block",
    "xor_bytes",
]

_SMALL_LIMIT = 1 << 31


@dataclass(frozen=True, slots=True)
class ModP:
    """An integer mod p, encoded as b(x, l_p)."""

    value: int


@dataclass(frozen=True, slots=True)
class ModQ:
    """An integer mod q, encoded as b(x, l_q)."""

    value: int


@dataclass(frozen=True, slots=True)
class U32:
    """A small integer (an index, n, k), encoded as b(n, 4); must be below 2^31."""

    value: int


@dataclass(frozen=True, slots=True)
class Tag:
    """A fixed string of the spec, such as "pk vote", encoded as its UTF-8 bytes only."""

    value: str


@dataclass(frozen=True, slots=True)
class Text:
    """A variable-length string: its UTF-8 length in 4 bytes, then its UTF-8 bytes."""

    value: str


@dataclass(frozen=True, slots=True)
class File:
    """A whole file: its length in 4 bytes, then its bytes."""

    value: bytes


@dataclass(frozen=True, slots=True)
class Raw:
    """A byte array that enters the hash as it is: a hash value, B_C, C_1."""

    value: bytes


HashItem = ModP | ModQ | U32 | Tag | Text | File | Raw


def _length_prefix(length: int, what: str) -> bytes:
    if length >= _SMALL_LIMIT:
        raise ValueError(f"{what} of {length} bytes is too long to hash (limit 2^31 - 1)")
    return length.to_bytes(4, "big")


def _encode(group: Group, item: HashItem) -> bytes:
    match item:
        case ModP(value):
            if not 0 <= value < group.p:
                raise ValueError("a value hashed as an integer mod p is out of range")
            return group.bytes_p(value)
        case ModQ(value):
            if not 0 <= value < group.q:
                raise ValueError("a value hashed as an integer mod q is out of range")
            return group.bytes_q(value)
        case U32(value):
            if not 0 <= value < _SMALL_LIMIT:
                raise ValueError(f"small integer {value} is outside [0, 2^31)")
            return value.to_bytes(4, "big")
        case Tag(value):
            return value.encode("utf-8")
        case Text(value):
            encoded = value.encode("utf-8")
            return _length_prefix(len(encoded), "string") + encoded
        case File(value):
            return _length_prefix(len(value), "file") + value
        case Raw(value):
            return bytes(value)
    raise TypeError(f"cannot hash a value of type {type(item).__name__}")


def encode_items(group: Group, domain: int, items: tuple[HashItem, ...]) -> bytes:
    """Return B1 = domain ‖ encodings of ``items`` (spec §5.3)."""
    if not 0 <= domain < 256:
        raise ValueError("a domain separator is one byte")
    return bytes([domain]) + b"".join(_encode(group, item) for item in items)


def hash_h(group: Group, key: bytes, domain: int, *items: HashItem) -> bytes:
    """H(key; domain, items...) = HMAC-SHA-256(key, domain ‖ items) (spec §5.2, eq. 130)."""
    if len(key) != 32:
        raise ValueError("the first input of H is always 32 bytes")
    return hmac.digest(key, encode_items(group, domain, items), hashlib.sha256)


def hash_q(group: Group, key: bytes, domain: int, *items: HashItem) -> int:
    """H_q(key; domain, items...) = H(...) read big-endian, mod q (spec §5.4, eq. 132)."""
    return int.from_bytes(hash_h(group, key, domain, *items), "big") % group.q


def kdf_block(key: bytes, counter: bytes, label: str, context: bytes, length: bytes) -> bytes:
    """One 32-byte block of the SP 800-108 counter-mode KDF that ElectionGuard uses.

    HMAC(key, counter ‖ Label ‖ 0x00 ‖ Context ‖ length), spec eqs. (17), (18), (36), (66). The
    widths of ``counter`` and ``length`` differ between uses and are given by the caller.
    """
    message = counter + label.encode("utf-8") + b"\x00" + context + length
    return hmac.digest(key, message, hashlib.sha256)


def xor_bytes(data: bytes, key: bytes) -> bytes:
    """Bitwise XOR of two byte arrays of the same length (spec ⊕)."""
    if len(data) != len(key):
        raise ValueError("XOR of byte arrays of different lengths")
    return bytes(a ^ b for a, b in zip(data, key, strict=True))
