"""A guardian's Ed25519 signing key, by which its decryption messages are known to be its own.

ElectionGuard authenticates guardians to each other during the key ceremony but leaves how the
messages of the decryption reach the administrator to the implementation. Nazaha has each
guardian sign its messages (commit, reveal, respond) so that nobody else, the administrator
included, can speak in its name (docs/decisions.md, "Guardian signatures").

The key is derived from the guardian's communication secret ζ_i, so that it is part of what the
guardian draws in the ceremony without changing the spec's random draws:

    seed_i = HMAC-SHA-256(b(ζ_i, l_q), "nazaha guardian signing key")

and published, as the Ed25519 public key of ``seed_i``, in the guardian's public record entry.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from nazaha.crypto.group import Group

__all__ = ["public_signing_key", "sign", "signing_seed"]

_LABEL = b"nazaha guardian signing key"


def signing_seed(group: Group, communication_secret: int) -> bytes:
    """The 32-byte Ed25519 seed of guardian G_i, derived from ζ_i (module docstring)."""
    return hmac.new(group.bytes_q(communication_secret), _LABEL, hashlib.sha256).digest()


def public_signing_key(seed: bytes) -> bytes:
    """The raw 32-byte Ed25519 public key of ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``message`` by the key of ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)
