"""Measuring risk: the ALPHA test supermartingale and BRAVO's sequential probability ratio test.

Both turn the sequence of sampled cards into a number T_j that, if the null hypothesis (the
assertion is false) holds, is a nonnegative supermartingale with expected value at most 1. By
Ville's inequality P(max_j T_j ≥ 1/α) ≤ α, so the *measured risk* after j cards,
``min(1, 1 / max_{k≤j} T_k)``, is a valid P-value at every step, and stopping as soon as it falls to
the risk limit α never lets a wrong outcome through with probability above α.

ALPHA (P. B. Stark, "ALPHA: Audit that Learns from Previously Hand-Audited Ballots", Annals of
Applied Statistics 17(1), 2023), for values X_i in [0, u], null mean μ = 1/2, N cards:

* eq. (4)/(11): ``T_j = Π_{i≤j} ( X_i/μ_i · (η_i − μ_i)/(u − μ_i) + (u − η_i)/(u − μ_i) )``;
* §2.4, sampling without replacement: ``μ_i = (N μ − Σ_{k<i} X_k) / (N − i + 1)``; if μ_i < 0 the
  null is impossible (T = ∞); if μ_i ≥ u it is certain (T = 0); if μ_i = 0 every remaining
  card must be 0 under the null, so a positive card refutes it. These comparisons decide whether
  T jumps to ∞, so μ_i is computed exactly, from the values as fractions over one common
  denominator (a float μ_i of −4·10⁻¹² after the last card of an exact tie once confirmed it);
* §2.5.2, the truncated shrinkage estimator of the mean:
  ``η_i = min(u(1 − ε), max((d η_0 + Σ_{k<i} X_k)/(d + i − 1), μ_i + c/√(d + i − 1)))``.

The same product in *betting* form is ``Π (1 + λ_i (X_i − μ_i))`` with
``λ_i = (η_i/μ_i − 1)/(u − μ_i)`` (ALPHA §2.3; Waudby-Smith and Ramdas, "Estimating means of
bounded random variables by betting", 2023); any λ_i in [0, 1/μ_i] chosen before X_i is seen gives a
test supermartingale. Comparison audits use a fixed bet λ = 2/γ, which makes each card without
discrepancy worth what it is worth in Stark's super-simple and Kaplan–Markov comparison method
(γ, the error inflation factor, 1.03905 by default as in Stark's audit tools), and a two-vote
overstatement cut T by the factor 1 − 1/γ.

BRAVO (M. Lindeman, P. B. Stark, V. S. Yates, "BRAVO: Ballot-polling Risk-limiting Audits to Verify
Outcomes", EVT/WOTE 2012, §4; Lindeman and Stark, "A Gentle Introduction to Risk-Limiting Audits",
IEEE Security & Privacy 10(5), 2012): for winner w and loser ℓ with reported share
``s_w = V_w/(V_w + V_ℓ)``, start at T = 1; a sampled card with a vote for w multiplies T by
``s_w/t``, one for ℓ by ``(1 − s_w)/(1 − t)``, any other leaves it; t = 1/2 for a pairwise contest
and the threshold f for a supermajority (where "ℓ" is every other valid vote). BRAVO assumes
sampling with replacement.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "DEFAULT_GAMMA",
    "NULL_MEAN",
    "AlphaSettings",
    "alpha_martingale",
    "betting_martingale",
    "bravo_martingale",
    "measured_risk",
    "shrink_trunc_eta",
]

DEFAULT_GAMMA = 1.03905
NULL_MEAN = 0.5
_EPSILON = 1e-12


@dataclass(frozen=True, slots=True)
class AlphaSettings:
    """The shrinkage estimator's constants: weight d of the prior guess η_0 and truncation c."""

    d: float = 100.0
    c: float | None = None  # None: (η_0 − μ)/2, as SHANGRLA does

    def truncation(self, eta0: float) -> float:
        return self.c if self.c is not None else max((eta0 - NULL_MEAN) / 2, _EPSILON)


Number = Fraction | float


def _exact(values: Sequence[Number]) -> tuple[list[int], int]:
    """The values as integers over one common denominator D: X_i = n_i / D, exactly."""
    fractions = [value if isinstance(value, Fraction) else Fraction(value) for value in values]
    denominator = math.lcm(1, *(value.denominator for value in fractions))
    return [value.numerator * (denominator // value.denominator) for value in fractions], denominator


class _NullMeans:
    """μ_i for each draw, exactly (ALPHA §2.4): 1/2 with replacement, and without replacement
    ``μ_i = (N/2 − Σ_{k<i} X_k) / (N − i + 1)``, computed over integers.

    Rounding here is what once let an exact tie confirm: after the last card of a 500–500 paper
    count, a float μ came out near −4e-12 and made T infinite. Kept as the integer numerator
    ``N·D − 2·Σ n_k`` over ``2·D·(N − i + 1)``, the signs and the comparisons with u and 0 are exact.
    """

    def __init__(self, values: Sequence[Number], upper: Number, population: int | None) -> None:
        self.scaled, self.denominator = _exact([*values, upper])
        self.upper = self.scaled.pop()
        self.population = population

    def __iter__(self) -> Iterator[tuple[int, int, int]]:
        """For each draw: (numerator, denominator) of μ_i·D as a fraction, and n_i (X_i·D).

        With replacement the numerator and denominator are D and 2 (μ = 1/2).
        """
        d = self.denominator
        if self.population is None:
            for value in self.scaled:
                yield d, 2, value
            return
        total = 0
        for index, value in enumerate(self.scaled):
            remaining = self.population - index
            if remaining <= 0:
                yield -1, 1, value  # more draws than cards: the null is refuted already
            else:
                yield self.population * d - 2 * total, 2 * remaining, value
            total += value


def _null_means(values: Sequence[Number], population: int | None) -> list[float]:
    """μ_i for each draw as floats (for the bets), from the exact computation."""
    means = _NullMeans(values, 1, population)
    return [numerator / (den * means.denominator) for numerator, den, _ in means]


def shrink_trunc_eta(total: float, seen: int, mu: float, upper: float, eta0: float, settings: AlphaSettings) -> float:
    """η_i of ALPHA §2.5.2, from the ``seen`` = i − 1 values drawn before and their ``total``."""
    d = settings.d
    weighted = (d * eta0 + total) / (d + seen)
    floor = mu + settings.truncation(eta0) / math.sqrt(d + seen)
    return min(upper * (1 - _EPSILON), max(weighted, floor))


def betting_martingale(
    values: Sequence[Number], lambdas: Sequence[float], *, upper: Number, population: int | None
) -> list[float]:
    """T_j for j = 1..n, from bets λ_i chosen before each X_i (clipped to [0, 1/μ_i]).

    The null mean μ_i is exact (values are taken as exact fractions); only the product is in
    floating point, where rounding cannot turn a true null into a rejection.
    """
    means = _NullMeans(values, upper, population)
    d = means.denominator
    path = []
    t = 1.0
    for (numerator, scale, value), bet in zip(means, lambdas, strict=True):
        # μ_i = numerator / (scale · D); compare μ_i with 0 and with u = upper / D exactly
        if t in (0.0, math.inf):
            path.append(t)
            continue
        if numerator < 0:
            t = math.inf  # the cards seen already lift the mean above 1/2
        elif numerator >= means.upper * scale:
            t = 0.0  # the null cannot fail: even all-u remaining cards keep the mean at most 1/2
        elif numerator == 0:
            t = math.inf if value > 0 else t  # under the null every remaining card is 0
        else:
            mu = numerator / (scale * d)
            difference = (value * scale - numerator) / (scale * d)  # X_i − μ_i, rounded once
            t *= 1 + min(max(bet, 0.0), 1 / mu) * difference
        path.append(t)
    return path


def alpha_martingale(
    values: Sequence[Number],
    *,
    upper: Number,
    eta0: float,
    population: int | None,
    settings: AlphaSettings = AlphaSettings(),
) -> list[float]:
    """ALPHA's T_j with the truncated shrinkage estimator and prior guess ``eta0`` of the mean."""
    means = _null_means(values, population)
    top = float(upper)
    lambdas = []
    total = 0.0
    for index, (value, mu) in enumerate(zip(values, means, strict=True)):
        if 0 < mu < top:
            eta = shrink_trunc_eta(total, index, mu, top, eta0, settings)
            lambdas.append((eta / mu - 1) / (top - mu))
        else:
            lambdas.append(0.0)
        total += float(value)
    return betting_martingale(values, lambdas, upper=upper, population=population)


def bravo_martingale(votes: Sequence[int], *, share: float, threshold: float = 0.5) -> list[float]:
    """BRAVO's T_j: ``votes`` holds +1 (for the winner), -1 (against) or 0 for each draw."""
    path = []
    log_t = 0.0
    up = math.log(share / threshold)
    down = math.log((1 - share) / (1 - threshold)) if share < 1 else -math.inf
    for vote in votes:
        if vote > 0:
            log_t += up
        elif vote < 0:
            log_t += down
        path.append(math.exp(min(log_t, 700.0)) if log_t > -math.inf else 0.0)
    return path


def measured_risk(path: Sequence[float]) -> float:
    """min(1, 1/max T_k): the P-value after the draws in ``path`` (1 before any draw)."""
    best = max(path, default=1.0)
    if best <= 0:
        return 1.0
    return min(1.0, 1.0 / best)
