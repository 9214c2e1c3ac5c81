"""Schnorr proofs of knowledge of a discrete logarithm, in ElectionGuard's compact form.

Spec §2 (footnote 18) and §3.2.2: a proof is the challenge c and the response v = (u - c·x)
mod q; the verifier recomputes the commitment h = g^v · X^c mod p and the challenge from it.
The hash that produces c differs between uses (eqs. 11, 13, 22, 38, 69) and is computed by the
caller; this module holds the algebra they share.
"""

from __future__ import annotations

from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource
from nazaha.errors import InvalidProof

__all__ = ["SchnorrProof", "check_ranges", "commit", "recompute_commitment", "respond"]


@dataclass(frozen=True, slots=True)
class SchnorrProof:
    """(c, v): a challenge and a response, both in Z_q."""

    challenge: int
    response: int


def commit(group: Group, rng: RandomSource) -> tuple[int, int]:
    """Draw u uniformly from Z_q and return (u, g^u mod p)."""
    u = rng.below(group.q)
    return u, group.g_pow(u)


def respond(group: Group, u: int, challenge: int, secret: int) -> int:
    """v = (u - c·x) mod q."""
    return (u - challenge * secret) % group.q


def recompute_commitment(group: Group, public: int, challenge: int, response: int) -> int:
    """h = g^v · X^c mod p, which equals g^u for an honest proof."""
    return group.mul(group.g_pow(response), group.pow(public, challenge))


def check_ranges(group: Group, proof: SchnorrProof) -> None:
    """Raise ``InvalidProof`` unless c and v are in Z_q."""
    if not 0 <= proof.challenge < group.q:
        raise InvalidProof("challenge-range", "the challenge is not in Z_q")
    if not 0 <= proof.response < group.q:
        raise InvalidProof("response-range", "the response is not in Z_q")
