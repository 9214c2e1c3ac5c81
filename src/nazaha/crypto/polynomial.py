"""Shamir sharing over Z_q: secret polynomials, their commitments, Lagrange coefficients.

Spec §3.2.2 eqs. (7), (8), (14), (28); §3.6.4 eq. (85).
"""

from __future__ import annotations

from collections.abc import Sequence

from nazaha.crypto.group import Group

__all__ = [
    "commitment_at",
    "evaluate_polynomial",
    "lagrange_coefficient",
]


def evaluate_polynomial(q: int, coefficients: Sequence[int], x: int) -> int:
    """P(x) = Σ_j a_j x^j mod q (eq. 7), by Horner's rule."""
    result = 0
    for coefficient in reversed(coefficients):
        result = (result * x + coefficient) % q
    return result


def commitment_at(group: Group, commitments: Sequence[int], x: int) -> int:
    """g^P(x) computed from the commitments K_j = g^(a_j): Π_j K_j^(x^j mod q) (eq. 14, 28)."""
    result = 1
    power = 1
    for commitment in commitments:
        result = group.mul(result, group.pow(commitment, power))
        power = power * x % group.q
    return result


def lagrange_coefficient(q: int, index: int, present: Sequence[int]) -> int:
    """w_i = Π_{ℓ in U, ℓ != i} ℓ / (ℓ - i) mod q (eq. 85) for the set U of present guardians."""
    numerator = 1
    denominator = 1
    for other in present:
        if other == index:
            continue
        numerator = numerator * other % q
        denominator = denominator * (other - index) % q
    if denominator == 0:
        raise ValueError("guardian indices must be distinct")
    return numerator * pow(denominator, -1, q) % q
