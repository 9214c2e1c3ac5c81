"""The small-exponent batch test: many verification equations checked with one product.

Each equation claims ``commitment = g^x · K^y · Π base^e (mod p)``. Bellare, Garay and Rabin
(1998): with random weights w_i of ``WEIGHT_BITS`` bits drawn after the equations are fixed,
Π commitment_i^(w_i) = g^(Σ w_i·x_i) · K^(Σ w_i·y_i) · Π base^(Σ w_i·e_i) holds for a set with
a false equation with probability at most 2^-weight_bits, provided every value involved lies in
the subgroup of order q (the caller's membership checks) and the group is one where the test is
sound (``batch_sound``). The argument is in ``docs/verifier.md`` ("The hinted path").

The verifier batches a chunk of ballots' proofs this way; the ballot box batches one ballot's
proofs when its device sent the proofs' commitments with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.proofs.range import RangeProof

__all__ = [
    "WEIGHT_BITS",
    "BallotEquations",
    "Equation",
    "batch_holds",
    "batch_sound",
    "failing",
    "range_equations",
]

WEIGHT_BITS = 128
"""Bits of each random weight: a batch with any false equation passes with probability at most
2^-128 (docs/verifier.md)."""


@dataclass(frozen=True, slots=True)
class Equation:
    """commitment = g^g_exponent · K^k_exponent · Π base^exponent (mod p), exponents mod q."""

    commitment: int
    g_exponent: int
    k_exponent: int
    terms: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class BallotEquations:
    """The equations that one ballot's proof commitments stand for, and the values whose
    membership in Z_p^r the batch relies on (its α, β and C_ξB,0)."""

    equations: tuple[Equation, ...]
    elements: tuple[int, ...]


def batch_sound(group: Group, weight_bits: int = WEIGHT_BITS) -> bool:
    """Whether the batch test is sound in ``group``: (p - 1)/2q prime (so the quadratic residues
    are a group of order q·r' with both primes) and both primes above 2^weight_bits."""
    return group.batch_safe and group.q.bit_length() > weight_bits and group.r // 2 > 1 << weight_bits


def range_equations(
    group: Group,
    commitments: Sequence[int],
    proof: RangeProof,
    pads: Sequence[int],
    datas: Sequence[int],
) -> list[Equation]:
    """a_j = g^v_j · Πα^c_j and b_j = K^(v_j - j·c_j) · Πβ^c_j for each j (Verification 6,
    eqs. 6.1 and 6.2; Verification 7 with ᾱ = Πα and β̄ = Πβ)."""
    q = group.q
    equations = []
    for j, (cj, vj) in enumerate(zip(proof.challenges, proof.responses, strict=True)):
        equations.append(Equation(commitments[2 * j], vj, 0, tuple((pad, cj) for pad in pads)))
        equations.append(Equation(commitments[2 * j + 1], 0, (vj - j * cj) % q, tuple((d, cj) for d in datas)))
    return equations


def batch_holds(
    group: Group, vote_key: int, ballots: Sequence[BallotEquations], rng: RandomSource, weight_bits: int = WEIGHT_BITS
) -> bool:
    """Whether every equation of ``ballots`` holds, by one small-exponent batch test.

    Π a_i^(w_i) is one multi-exponentiation with ``weight_bits``-bit exponents; the other side is
    one fixed-base exponentiation each of g and K and one multi-exponentiation over every
    distinct α, β and C_ξB,0, each raised to the weighted sum of its exponents mod q.
    """
    q = group.q
    left: list[tuple[int, int]] = []
    g_exponent = k_exponent = 0
    exponents: dict[int, int] = {}
    for ballot in ballots:
        for equation in ballot.equations:
            weight = rng.below(1 << weight_bits)
            left.append((equation.commitment, weight))
            g_exponent += weight * equation.g_exponent
            k_exponent += weight * equation.k_exponent
            for base, exponent in equation.terms:
                exponents[base] = exponents.get(base, 0) + weight * exponent
    right = group.mul(group.g_pow(g_exponent % q), group.fixed_base(vote_key).pow(k_exponent % q))
    right = group.mul(right, group.multi_pow([(base, e % q) for base, e in exponents.items()]))
    return group.multi_pow(left) == right


def failing(
    group: Group, vote_key: int, ballots: Sequence[BallotEquations], rng: RandomSource, weight_bits: int = WEIGHT_BITS
) -> list[int]:
    """The positions in ``ballots`` whose equations fail, found by bisecting failed batches
    (each test with fresh weights). Every ballot named fails a test on its own; a ballot whose
    equations all hold is named with probability at most 2^-weight_bits per test."""
    if not ballots or batch_holds(group, vote_key, ballots, rng, weight_bits):
        return []
    if len(ballots) == 1:
        return [0]
    middle = len(ballots) // 2
    first = failing(group, vote_key, ballots[:middle], rng, weight_bits)
    second = failing(group, vote_key, ballots[middle:], rng, weight_bits)
    return first + [middle + i for i in second]
