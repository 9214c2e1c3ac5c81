"""How many cards an audit is expected to need, before each round.

Three estimates, each for the case that the reported results (or the discrepancy rates assumed)
are right:

* ``bravo_asn``: BRAVO's average sample number (Lindeman, Stark and Yates 2012, §5, the formula
  Stark's ballot-polling tools use):
  ``ASN ≈ (ln(1/α) + ln(2 s_w)/2) / (p_w ln(2 s_w) + p_ℓ ln(2 − 2 s_w))``, where ``p_c`` is c's share
  of *all* cards (undervotes and invalid cards included) and ``s_w = p_w/(p_w + p_ℓ)``.
* ``kaplan_markov_sample_size``: the ballot-comparison sample size of Stark's super-simple method
  ("Super-Simple Simultaneous Single-Ballot Risk-Limiting Audits", EVT/WOTE 2010) as given in
  Lindeman and Stark's gentle introduction (2012, p. 5) and Stark's comparison audit tools:
  ``n = −2γ (ln α + o1 ln(1 − 1/(2γ)) + o2 ln(1 − 1/γ) + u1 ln(1 + 1/(2γ)) + u2 ln(1 + 1/γ)) / m``,
  with m the diluted margin and o1, o2, u1, u2 the one- and two-vote over- and understatements.
* ``wald_sample_size``: for the ALPHA martingale, Wald's approximation: the number of draws at which
  the expected log of T reaches ln(1/α), ``n ≈ ln(1/α) / E[ln(1 + λ (X − 1/2))]``, with X distributed
  as the reported results (ballot polling) or the assumed discrepancy rates (comparison) say. This
  is the same reasoning that gives BRAVO's ASN (Wald, "Sequential Tests of Statistical Hypotheses",
  1945).

* ``simulated_stops``: the stopping points of simulated audits that draw cards from a population
  whose values follow the reported results (or the planning discrepancy rates), run through the
  very risk function the audit uses. Their mean (``simulated_sample_size``) is ALPHA ballot
  polling's expected sample: ALPHA's estimate of the mean takes a few hundred cards to settle, so
  it needs more cards than Wald's approximation suggests. Their quantiles (``one_round_size``)
  give the sample that finishes the audit in one round with a chosen probability (70%, 80%, 90%,
  as Arlo offers), if the reported results are right. The random draws come from SHA-256 in
  counter mode over a fixed label, so a plan is reproducible.

After a round, the same estimates with ``ln(1/α)`` replaced by ``ln(1/(α T))``, T the evidence
gathered so far, give the draws still to go.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from nazaha.rla.risk import DEFAULT_GAMMA, NULL_MEAN

__all__ = [
    "ErrorRates",
    "bravo_asn",
    "comparison_outcomes",
    "kaplan_markov_sample_size",
    "one_round_size",
    "polling_outcomes",
    "simulated_sample_size",
    "simulated_stops",
    "wald_sample_size",
]


@dataclass(frozen=True, slots=True)
class ErrorRates:
    """Discrepancy rates assumed when planning a comparison audit (Stark's tools' defaults)."""

    o1: float = 0.001
    o2: float = 0.0001
    u1: float = 0.001
    u2: float = 0.0001


def bravo_asn(alpha: float, p_winner: float, p_loser: float, *, evidence: float = 1.0) -> float:
    """BRAVO's ASN for a winner with share ``p_winner`` and a loser with ``p_loser`` of all cards.

    ``evidence`` is T so far (1 before the audit starts). Returns ``inf`` when the reported winner
    does not lead.
    """
    if p_winner <= p_loser:
        return math.inf
    remaining = math.log(1 / (alpha * evidence))
    if remaining <= 0:
        return 0.0
    share = p_winner / (p_winner + p_loser)
    z_winner = math.log(2 * share)
    z_loser = math.log(2 - 2 * share) if share < 1 else -math.inf
    growth = p_winner * z_winner + (p_loser * z_loser if p_loser > 0 else 0.0)
    return (remaining + z_winner / 2) / growth


def kaplan_markov_sample_size(
    alpha: float,
    margin: float,
    *,
    gamma: float = DEFAULT_GAMMA,
    o1: int = 0,
    o2: int = 0,
    u1: int = 0,
    u2: int = 0,
) -> int:
    """The super-simple / Kaplan–Markov comparison sample size for a diluted ``margin``."""
    if not 0 < margin <= 1:
        raise ValueError("the diluted margin must be in (0, 1]")
    total = (
        math.log(alpha)
        + o1 * math.log(1 - 1 / (2 * gamma))
        + o2 * math.log(1 - 1 / gamma)
        + u1 * math.log(1 + 1 / (2 * gamma))
        + u2 * math.log(1 + 1 / gamma)
    )
    return max(o1 + o2 + u1 + u2, math.ceil(-2 * gamma * total / margin))


def wald_sample_size(
    alpha: float, outcomes: Sequence[tuple[float, float]], bet: float, *, evidence: float = 1.0
) -> float:
    """Draws for E[ln T] to reach ln(1/(α·evidence)) with bet λ; ``outcomes`` are (probability, X).

    Returns ``inf`` when the expected growth is not positive (the audit would not end).
    """
    remaining = math.log(1 / (alpha * evidence))
    if remaining <= 0:
        return 0.0
    growth = 0.0
    for probability, value in outcomes:
        if probability <= 0:
            continue
        factor = 1 + bet * (value - NULL_MEAN)
        if factor <= 0:
            return math.inf
        growth += probability * math.log(factor)
    if growth <= 0:
        return math.inf
    return remaining / growth


def polling_outcomes(p_winner: float, p_against: float, upper: float) -> list[tuple[float, float]]:
    """The assorter's distribution for ballot polling: u for the winner, 0 against, 1/2 otherwise."""
    return [(p_winner, upper), (p_against, 0.0), (max(0.0, 1 - p_winner - p_against), NULL_MEAN)]


def comparison_outcomes(margin: float, upper: float, rates: ErrorRates) -> list[tuple[float, float]]:
    """The comparison assorter's distribution with the discrepancy ``rates`` (ω = ±u/2, ±u)."""
    no_error = 1 / (2 - margin / upper)
    clean = max(0.0, 1 - rates.o1 - rates.o2 - rates.u1 - rates.u2)
    return [
        (clean, no_error),
        (rates.o1, no_error / 2),
        (rates.o2, 0.0),
        (rates.u1, no_error * 1.5),
        (rates.u2, no_error * 2),
    ]


def _uniforms(label: str) -> Iterator[float]:
    counter = 0
    while True:
        digest = hashlib.sha256(f"{label}:{counter}".encode()).digest()
        for offset in range(0, 32, 8):
            yield int.from_bytes(digest[offset : offset + 8], "big") / 2**64
        counter += 1


def simulated_stops(
    alpha: float,
    outcomes: Sequence[tuple[float, float]],
    population: int,
    path_of: Callable[[list[float]], list[float]],
    *,
    replacement: bool,
    trials: int = 100,
    label: str = "nazaha-rla-plan",
) -> list[int]:
    """Draws until ``1/max T`` reaches α in each of ``trials`` simulated audits (capped at the
    population without replacement, at ten times it with replacement), in trial order."""
    counts = [(value, round(probability * population)) for probability, value in outcomes if probability > 0]
    cap = population if not replacement else 10 * population
    stops = []
    uniforms = _uniforms(label)
    for _ in range(trials):
        remaining = dict(counts)
        total = sum(remaining.values())
        drawn: list[float] = []
        length = 64
        stop = cap
        while True:
            while len(drawn) < length and total > 0:
                pick = next(uniforms) * total
                chosen = counts[-1][0]
                for value, count in remaining.items():
                    pick -= count
                    if pick < 0:
                        chosen = value
                        break
                drawn.append(chosen)
                if not replacement:
                    remaining[chosen] -= 1
                    total -= 1
            best = 0.0
            found = None
            for index, t in enumerate(path_of(drawn)):
                best = max(best, t)
                if best >= 1 / alpha:
                    found = index + 1
                    break
            if found is not None:
                stop = found
                break
            if length >= cap or total == 0:
                break
            length = min(cap, length * 2)
        stops.append(stop)
    return stops


def simulated_sample_size(
    alpha: float,
    outcomes: Sequence[tuple[float, float]],
    population: int,
    path_of: Callable[[list[float]], list[float]],
    *,
    replacement: bool,
    trials: int = 30,
    label: str = "nazaha-rla-plan",
) -> float:
    """Mean draws until ``1/max T`` reaches α over ``trials`` simulated audits (see ``simulated_stops``)."""
    stops = simulated_stops(alpha, outcomes, population, path_of, replacement=replacement, trials=trials, label=label)
    return sum(stops) / len(stops)


def one_round_size(stops: Sequence[int], probability: float) -> int:
    """The smallest sample that the simulated audits ``stops`` finish within in a share
    ``probability`` of cases (the empirical quantile)."""
    if not stops or not 0 < probability < 1:
        raise ValueError("need simulated stops and a probability strictly between 0 and 1")
    ordered = sorted(stops)
    return ordered[math.ceil(probability * len(ordered)) - 1]
