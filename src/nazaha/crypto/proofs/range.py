"""Disjunctive Chaum-Pedersen range proofs: (α, β) encrypts one of 0, 1, ..., R.

Spec §3.3.7 eqs. (57)-(61) (proving) and Verification 6 / 7 (checking). The proof is the
challenges c_0..c_R and responses v_0..v_R. For the true value ℓ the prover commits honestly,
(a_ℓ, b_ℓ) = (g^u_ℓ, K^u_ℓ); for every j != ℓ it picks c_j and commits
(a_j, b_j) = (g^u_j, K^t_j) with t_j = u_j + (ℓ - j)·c_j. The challenge c hashes every
commitment; c_ℓ = c - Σ_{j != ℓ} c_j; v_j = u_j - c_j·ξ.

The verifier recomputes a_j = g^v_j · α^c_j and b_j = K^w_j · β^c_j with w_j = v_j - j·c_j
(6.1, 6.2), the challenge (6.3), and checks c = Σ c_j (6.D).

The hash of the challenge depends on where the proof sits (an option, eq. 59, or a contest
limit, eq. 62); the caller passes it as a function of the commitments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource
from nazaha.errors import InvalidProof

__all__ = [
    "ChallengeFunction",
    "RangeProof",
    "check_range_values",
    "prove_range",
    "verified_commitments",
    "verify_range",
]

ChallengeFunction = Callable[[Sequence[int]], int]
"""Maps the commitments a_0, b_0, a_1, b_1, ..., a_R, b_R to the challenge c in Z_q."""


@dataclass(frozen=True, slots=True)
class RangeProof:
    """The challenges c_0..c_R and responses v_0..v_R of a range proof."""

    challenges: tuple[int, ...]
    responses: tuple[int, ...]


def prove_range(
    group: Group,
    public_key: int,
    ciphertext: Ciphertext,
    value: int,
    nonce: int,
    limit: int,
    challenge: ChallengeFunction,
    rng: RandomSource,
) -> tuple[RangeProof, list[int]]:
    """Prove that ``ciphertext`` = Enc(value, nonce) encrypts an integer in [0, limit]; return
    the proof and the commitments a_0, b_0, ..., a_R, b_R it hashed (eqs. 57-58): the proof's
    hint, which the voting device sends with the ballot at no extra cost.

    Every exponentiation has base g or K (fixed-base tables), since the prover knows the nonce.
    """
    if not 0 <= value <= limit:
        raise ValueError("the encrypted value is outside the range it must be proven in")
    q = group.q
    key = group.fixed_base(public_key)
    randoms = [rng.below(q) for _ in range(limit + 1)]
    chosen = [0 if j == value else rng.below(q) for j in range(limit + 1)]
    commitments: list[int] = []
    for j in range(limit + 1):
        u = randoms[j]
        t = u if j == value else (u + (value - j) * chosen[j]) % q
        commitments.append(group.g_pow(u))
        commitments.append(key.pow(t))
    c = challenge(commitments)
    chosen[value] = (c - sum(cj for j, cj in enumerate(chosen) if j != value)) % q
    responses = tuple((randoms[j] - chosen[j] * nonce) % q for j in range(limit + 1))
    return RangeProof(challenges=tuple(chosen), responses=responses), commitments


def check_range_values(group: Group, proof: RangeProof, limit: int) -> None:
    """The conditions of a range proof that need no exponentiation: its shape and that every
    c_j and v_j is in Z_q (6.B, 6.C / 7.B, 7.C); ``InvalidProof`` naming the first that fails."""
    q = group.q
    if len(proof.challenges) != limit + 1 or len(proof.responses) != limit + 1:
        raise InvalidProof(
            "shape",
            f"expected {limit + 1} challenges and responses, got {len(proof.challenges)} and {len(proof.responses)}",
        )
    for j, cj in enumerate(proof.challenges):
        if not 0 <= cj < q:
            raise InvalidProof("challenge-range", f"challenge c_{j} is not in Z_q")
    for j, vj in enumerate(proof.responses):
        if not 0 <= vj < q:
            raise InvalidProof("response-range", f"response v_{j} is not in Z_q")


def verified_commitments(
    group: Group,
    public_key: int,
    ciphertext: Ciphertext,
    proof: RangeProof,
    limit: int,
    challenge: ChallengeFunction,
) -> list[int]:
    """Check a range proof as ``verify_range`` does and return the commitments a_0, b_0, ...,
    a_R, b_R it recomputed (6.1, 6.2): the ballot box keeps them as the proof's hint."""
    check_range_values(group, proof, limit)
    q = group.q
    key = group.fixed_base(public_key)
    # The 2(R + 1) variable-base exponentiations α^c_j, β^c_j are independent: one batch.
    powers = group.pow_many([(value, cj) for cj in proof.challenges for value in (ciphertext.pad, ciphertext.data)])
    commitments: list[int] = []
    for j, (cj, vj) in enumerate(zip(proof.challenges, proof.responses, strict=True)):
        commitments.append(group.mul(group.g_pow(vj), powers[2 * j]))
        commitments.append(group.mul(key.pow((vj - j * cj) % q), powers[2 * j + 1]))
    expected = challenge(commitments)
    if expected != sum(proof.challenges) % q:
        raise InvalidProof("challenge", "the challenges do not add up to the hash of the commitments")
    return commitments


def verify_range(
    group: Group,
    public_key: int,
    ciphertext: Ciphertext,
    proof: RangeProof,
    limit: int,
    challenge: ChallengeFunction,
) -> None:
    """Check a range proof; raise ``InvalidProof`` naming the failed condition.

    The caller checks that α and β are in Z_p^r (6.A / 7.A); this checks 6.B-6.D (7.B-7.D).
    """
    verified_commitments(group, public_key, ciphertext, proof, limit, challenge)
