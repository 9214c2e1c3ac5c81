"""Assertions and assorters: each reported outcome as claims that some mean exceeds 1/2.

SHANGRLA (P. B. Stark, "Sets of Half-Average Nulls Generate Risk-Limiting Audits: SHANGRLA",
Voting '20, LNCS 12063, 2020) reduces checking an outcome to checking *assertions*: for each, an
*assorter* gives every card a value in [0, u], and the assertion is true exactly when the mean of
those values over all the cards in the contest's population exceeds 1/2. The audit tests the
complementary null hypothesis, "the mean is at most 1/2", for every assertion; the outcome is
confirmed when every null is rejected at the risk limit.

* Plurality and approval, for each reported winner w and reported loser ℓ (SHANGRLA §2.1–2.2):
  ``a(b) = (b_w − b_ℓ + 1) / 2`` where ``b_c`` is 1 if the card has a valid vote for c; u = 1.
* Supermajority with threshold f, the winner needing more than a fraction f of the valid votes
  (SHANGRLA §2.3): ``a(b) = 1/(2f)`` for a valid vote for w, 0 for a valid vote for anyone else,
  1/2 when the card has no valid vote in the contest; u = 1/(2f).

A card without the contest, or with an overvote, has no valid vote in it: every ``b_c`` is 0.

For ballot-level comparison audits (SHANGRLA §3.2) the overstatement of card i is
``ω_i = a(CVR_i) − a(MVR_i)`` (the assorter of the cast-vote record minus that of the audit's
manual reading) and the comparison assorter is ``B_i = (1 − ω_i/u) / (2 − v/u)``, with v = 2ā − 1
the reported assorter margin. B takes values in [0, 2/(2 − v/u)] and its mean exceeds 1/2 exactly
when the assertion is true.

Missing cards are counted the pessimistic way (SHANGRLA §3.4): a phantom card, or a card the audit
board cannot find, reads as assorter value 0; a CVR that does not exist (a card in the manifest the
voting system has no record of) reads as 1/2. A card whose CVR lists the contest but whose paper
does not reads as 0.

Every assorter value is an exact fraction (``fractions.Fraction``): the threshold f is read as the
decimal it was written as, so a paper count that ties exactly gives a mean of exactly 1/2, and the
risk measure can tell a tie from a win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from nazaha.rla.contests import Contest, ContestKind

HALF = Fraction(1, 2)
_PAIRWISE = (Fraction(0), HALF, Fraction(1))  # (b_w − b_ℓ + 1)/2 for b_w − b_ℓ = −1, 0, 1

__all__ = ["Assertion", "assertions_for", "comparison_value", "reported_mean"]


@dataclass(frozen=True, slots=True)
class Assertion:
    """``winner`` beats ``loser`` (pairwise), or ``winner`` has more than ``threshold`` (supermajority)."""

    contest: Contest
    winner: str
    loser: str | None

    @property
    def name(self) -> str:
        if self.loser is None:
            return f"{self.winner} > {self.contest.threshold:g} of valid votes"
        return f"{self.winner} beats {self.loser}"

    upper: Fraction = field(init=False, compare=False)
    """u, the assorter's upper bound: 1, or 1/(2f) for a supermajority."""

    def __post_init__(self) -> None:
        upper = 1 / (2 * self.contest.exact_threshold) if self.loser is None else Fraction(1)
        object.__setattr__(self, "upper", upper)

    def _valid(self, marks: tuple[str, ...]) -> bool:
        return len(marks) <= self.contest.votes_allowed

    def assort(self, marks: tuple[str, ...] | None) -> Fraction:
        """a(b) for a card whose marks in the contest are ``marks`` (None: the contest is not on it)."""
        if marks is None or not marks or not self._valid(marks):
            return HALF
        if self.loser is None:
            return self.upper if self.winner in marks else _PAIRWISE[0]
        return _PAIRWISE[(self.winner in marks) - (self.loser in marks) + 1]

    def bravo_vote(self, marks: tuple[str, ...] | None) -> int:
        """+1 for the winner, -1 against (the loser, or any other valid vote), 0 otherwise (BRAVO §4)."""
        if marks is None or not marks or not self._valid(marks):
            return 0
        if self.loser is None:
            return 1 if self.winner in marks else -1
        return (self.winner in marks) - (self.loser in marks)


def assertions_for(contest: Contest) -> list[Assertion]:
    """Every assertion whose truth implies the reported winners are the true winners."""
    winners = contest.reported_winners
    if contest.kind is ContestKind.SUPERMAJORITY:
        return [Assertion(contest, winners[0], None)]
    return [Assertion(contest, winner, loser) for winner in winners for loser in contest.reported_losers]


def reported_mean(assertion: Assertion, population: int) -> Fraction:
    """ā, the assorter's mean over ``population`` cards by the reported totals (cards without a
    valid vote in the contest count 1/2)."""
    contest = assertion.contest
    votes = contest.votes
    if assertion.loser is None:
        others = contest.valid_votes - votes[assertion.winner]
        no_vote = population - votes[assertion.winner] - others
        return (votes[assertion.winner] * assertion.upper + no_vote * HALF) / population
    return Fraction(votes[assertion.winner] - votes[assertion.loser] + population, 2 * population)


def comparison_value(assertion: Assertion, cvr_value: Fraction, mvr_value: Fraction, margin: Fraction) -> Fraction:
    """B = (1 − ω/u) / (2 − v/u) with ω = cvr_value − mvr_value and v the reported margin (SHANGRLA §3.2)."""
    u = assertion.upper
    overstatement = cvr_value - mvr_value
    return (1 - overstatement / u) / (2 - margin / u)
