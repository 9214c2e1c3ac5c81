"""Chaum-Pedersen proofs of correct decryption: M = A^s and K = g^s for the same s.

Spec §3.6.5 eqs. (87)-(93) and Verification 10: the proof is (c, v); the verifier recomputes
a = g^v · K^c and b = A^v · M^c (10.2, 10.3) and the challenge from them. The same algebra
serves contest data (§3.6.6, Verification 12) with K-hat, C_0 and β.
"""

from __future__ import annotations

from dataclasses import dataclass

from nazaha.crypto.group import Group

__all__ = ["DecryptionProof", "recompute_commitments"]


@dataclass(frozen=True, slots=True)
class DecryptionProof:
    """(c, v) with v = (u - c·s) mod q for the joint (never computed) secret s."""

    challenge: int
    response: int


def recompute_commitments(
    group: Group, public_key: int, pad: int, share: int, proof: DecryptionProof
) -> tuple[int, int]:
    """(a, b) = (g^v · K^c mod p, A^v · M^c mod p) of Verification 10.2 and 10.3."""
    a = group.mul(group.g_pow(proof.response), group.pow(public_key, proof.challenge))
    b = group.pow_pair(pad, proof.response, share, proof.challenge)
    return a, b
