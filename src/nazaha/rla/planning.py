"""Planning an audit's rounds: expected draws, and draws that finish in one round with a chosen probability.

For one assertion of a contest with ``population`` cards and reported assorter mean ``mean``:

* ``expected_draws``: the expected number of draws, from BRAVO's ASN formula (BRAVO), Wald's
  approximation with the planning discrepancy rates (comparison, super-simple's bet 2/γ), or
  Wald's approximation with the reported results (ALPHA ballot polling, used after a round, from
  the evidence so far and the cards seen). Before the first round, ALPHA ballot polling uses the
  mean of simulated audits instead (``simulated_stops``).
* ``simulated_stops``: the draws at which each of 100 simulated audits of the reported results
  (or, for comparison audits, of CVRs with the planning discrepancy rates) stops, through the very
  risk function the audit uses. Their quantiles are the sample sizes that finish in one round with
  probability 70%, 80% and 90% (``nazaha.rla.sample_size.one_round_size``), as Arlo offers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from nazaha.rla.assorters import Assertion
from nazaha.rla.risk import NULL_MEAN, alpha_martingale, betting_martingale, bravo_martingale
from nazaha.rla.sample_size import (
    ErrorRates,
    bravo_asn,
    comparison_outcomes,
    polling_outcomes,
    simulated_stops,
    wald_sample_size,
)
from nazaha.rla.settings import AuditSettings, AuditType, RiskMethod

__all__ = ["ONE_ROUND_PROBABILITIES", "expected_draws", "observed_rates", "simulated_stops_for"]

ONE_ROUND_PROBABILITIES = (0.7, 0.8, 0.9)
PLANNING_TRIALS = 100


def _shares(assertion: Assertion, population: int) -> tuple[float, float]:
    """(p_w, p_ℓ): the winner's and the loser's (for a supermajority: everyone else's) share of cards."""
    contest = assertion.contest
    votes = contest.votes
    against = contest.valid_votes - votes[assertion.winner] if assertion.loser is None else votes[assertion.loser]
    return votes[assertion.winner] / population, against / population


def expected_draws(
    assertion: Assertion,
    population: int,
    mean: Fraction,
    settings: AuditSettings,
    *,
    evidence: float = 1.0,
    observed: Sequence[Fraction] = (),
) -> float:
    """Draws still expected to confirm, given T = ``evidence`` so far and the values ``observed``."""
    contest = assertion.contest
    alpha = settings.risk_limit
    upper = float(assertion.upper)
    p_winner, p_against = _shares(assertion, population)
    if settings.type is AuditType.COMPARISON:
        margin = float(2 * mean - 1)
        rates = settings.rates
        if observed:
            rates = observed_rates(observed, 2 * mean - 1, assertion.upper, rates)
        bet = 2 / settings.gamma
        return wald_sample_size(alpha, comparison_outcomes(margin, upper, rates), bet, evidence=evidence)
    if settings.method is RiskMethod.BRAVO:
        if assertion.loser is None:
            threshold = contest.threshold
            share = p_winner / (p_winner + p_against)
            growth = p_winner * math.log(share / threshold) + p_against * math.log((1 - share) / (1 - threshold))
            remaining = math.log(1 / (alpha * evidence))
            return math.inf if growth <= 0 else max(0.0, remaining) / growth
        return bravo_asn(alpha, p_winner, p_against, evidence=evidence)
    outcomes = polling_outcomes(p_winner, p_against, upper)
    eta = float(mean)
    if len(observed) >= 20:
        counts = Counter(observed)
        outcomes = [(count / len(observed), float(value)) for value, count in counts.items()]
        d = settings.alpha.d
        eta = max((d * float(mean) + float(sum(observed))) / (d + len(observed)), NULL_MEAN)
    bet = (eta / NULL_MEAN - 1) / (upper - NULL_MEAN)
    return wald_sample_size(alpha, outcomes, bet, evidence=evidence)


def simulated_stops_for(
    assertion: Assertion, population: int, mean: Fraction, settings: AuditSettings, *, trials: int = PLANNING_TRIALS
) -> list[int]:
    """Where each of ``trials`` simulated audits of this assertion stops (see the module docstring)."""
    alpha = settings.risk_limit
    upper = float(assertion.upper)
    label = f"plan:{assertion.contest.id}:{assertion.name}"
    if settings.type is AuditType.COMPARISON:
        margin = float(2 * mean - 1)
        comparison_upper = 2 / (2 - margin / upper)
        bet = 2 / settings.gamma

        def comparison_path(values: list[float]) -> list[float]:
            return betting_martingale(values, [bet] * len(values), upper=comparison_upper, population=population)

        outcomes = comparison_outcomes(margin, upper, settings.rates)
        return simulated_stops(
            alpha, outcomes, population, comparison_path, replacement=False, trials=trials, label=label
        )
    p_winner, p_against = _shares(assertion, population)
    outcomes = polling_outcomes(p_winner, p_against, upper)
    if settings.method is RiskMethod.BRAVO:
        contest = assertion.contest
        if assertion.loser is None:
            share, threshold = contest.votes[assertion.winner] / contest.valid_votes, contest.threshold
        else:
            winner, loser = contest.votes[assertion.winner], contest.votes[assertion.loser]
            share, threshold = winner / (winner + loser), NULL_MEAN

        def bravo_path(values: list[float]) -> list[float]:
            votes = [1 if value == upper else -1 if value == 0 else 0 for value in values]
            return bravo_martingale(votes, share=share, threshold=threshold)

        return simulated_stops(alpha, outcomes, population, bravo_path, replacement=True, trials=trials, label=label)

    def alpha_path(values: list[float]) -> list[float]:
        return alpha_martingale(
            values, upper=assertion.upper, eta0=float(mean), population=population, settings=settings.alpha
        )

    return simulated_stops(alpha, outcomes, population, alpha_path, replacement=False, trials=trials, label=label)


def observed_rates(values: Sequence[Fraction], margin: Fraction, upper: Fraction, floor: ErrorRates) -> ErrorRates:
    """Discrepancy rates seen in the sample (never below the planning rates)."""
    no_error = 1 / (2 - margin / upper)
    counts = Counter(round((1 - value / no_error) * 2) for value in values)  # 2ω/u: 1 o1, 2 o2, -1 u1, -2 u2
    n = len(values)
    return ErrorRates(
        o1=max(floor.o1, counts[1] / n),
        o2=max(floor.o2, counts[2] / n),
        u1=max(floor.u1, counts[-1] / n),
        u2=max(floor.u2, counts[-2] / n),
    )
