"""Sources of randomness, passed as parameters to every function that needs some.

Core functions never draw randomness themselves: they take a ``RandomSource``. Workflows and
the CLI pass ``SystemRandom`` (the ``secrets`` module); tests and known-answer vectors pass
``SeededRandom``, which is deterministic and therefore insecure for a real election.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Protocol

__all__ = ["RandomSource", "SeededRandom", "SystemRandom"]


class RandomSource(Protocol):
    """Uniform random values for nonces and proof commitments."""

    def below(self, bound: int) -> int:
        """Return a uniform integer in [0, bound)."""
        ...

    def bytes32(self) -> bytes:
        """Return 32 uniform random bytes."""
        ...


class SystemRandom:
    """Randomness from the operating system (``secrets``). The only source for real elections."""

    def below(self, bound: int) -> int:
        return secrets.randbelow(bound)

    def bytes32(self) -> bytes:
        return secrets.token_bytes(32)

    def __repr__(self) -> str:
        return "SystemRandom()"


class SeededRandom:
    """A deterministic stream derived from a seed with HMAC-SHA-256 in counter mode.

    For tests and reproducible demonstrations only: anyone with the seed can recompute every
    nonce and decrypt every ballot.
    """

    def __init__(self, seed: bytes | str) -> None:
        raw = seed.encode("utf-8") if isinstance(seed, str) else seed
        self._key = hashlib.sha256(b"nazaha seeded random\x00" + raw).digest()
        self._counter = 0

    def _block(self) -> bytes:
        self._counter += 1
        return hmac.digest(self._key, self._counter.to_bytes(8, "big"), hashlib.sha256)

    def below(self, bound: int) -> int:
        if bound <= 0:
            raise ValueError("bound must be positive")
        nbytes = (bound.bit_length() + 7) // 8 + 8
        while True:
            data = b""
            while len(data) < nbytes:
                data += self._block()
            candidate = int.from_bytes(data[:nbytes], "big")
            limit = (1 << (8 * nbytes)) - ((1 << (8 * nbytes)) % bound)
            if candidate < limit:
                return candidate % bound

    def bytes32(self) -> bytes:
        return self._block()

    def __repr__(self) -> str:
        return "SeededRandom(<seed hidden>)"
