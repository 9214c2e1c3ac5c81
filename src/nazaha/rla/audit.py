"""One risk-limiting audit: its inputs checked against each other, its sample, and its risk.

The audit is a pure function of its inputs: the ballot manifest, the contests with their reported
results, the cast-vote records (comparison audits), the settings, the public seed, the round
targets and the audit board's readings. Anyone holding them recomputes the same sample and the same
measured risk (``nazaha audit check``).

Sampling is consistent (``nazaha.rla.sampling``): one ordering of all cards serves every contest.
A round asks each contest still under audit for a *target*, the number of draws from its own
population (the cards that can hold it); the round's sample is the shortest prefix of the global
order that meets every target. Each contest then uses every draw of the prefix that falls in its
population, in order, which is a uniformly random sample of that population.

After a round, a contest whose measured risk is still above the risk limit escalates: its next
target adds the draws still expected to be needed (``nazaha.rla.sample_size``, from the evidence
so far and the cards seen), or doubles its sample when the cards seen do not point towards
confirming. Without replacement the targets stop at the contest's population: a sample that
covers it is a full hand count, and its tally is the outcome.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from nazaha.errors import AuditInputError
from nazaha.rla.assorters import Assertion, assertions_for, comparison_value, reported_mean
from nazaha.rla.cards import CardRecord
from nazaha.rla.contests import Contest, ContestKind, ContestsFile
from nazaha.rla.manifest import BallotManifest, CardRef
from nazaha.rla.risk import (
    DEFAULT_GAMMA,
    NULL_MEAN,
    AlphaSettings,
    alpha_martingale,
    betting_martingale,
    bravo_martingale,
    measured_risk,
)
from nazaha.rla.sample_size import (
    ErrorRates,
    bravo_asn,
    comparison_outcomes,
    polling_outcomes,
    simulated_sample_size,
    wald_sample_size,
)
from nazaha.rla.sampling import Draw, draws

__all__ = [
    "AssertionStatus",
    "Audit",
    "AuditSettings",
    "AuditType",
    "ContestState",
    "ContestStatus",
    "PlannedContest",
    "RiskMethod",
    "check_seed",
]

SEED_DIGITS = 20
_SEED = re.compile(r"[0-9]+")


class AuditType(StrEnum):
    POLLING = "polling"
    COMPARISON = "comparison"


class RiskMethod(StrEnum):
    ALPHA = "alpha"
    BRAVO = "bravo"


class ContestState(StrEnum):
    CONFIRMED = "confirmed"
    ESCALATE = "escalate"
    AWAITING = "awaiting readings"
    HAND_COUNT = "full hand count"


def check_seed(seed: str) -> str:
    """The seed must be at least 20 decimal digits, as rolled with ten-sided dice in public."""
    seed = seed.strip()
    if not _SEED.fullmatch(seed) or len(seed) < SEED_DIGITS:
        raise AuditInputError("seed", f"expected at least {SEED_DIGITS} decimal digits rolled with dice in public")
    return seed


@dataclass(frozen=True, slots=True)
class AuditSettings:
    """The kind of audit, its risk limit α and the risk measure's constants."""

    type: AuditType
    risk_limit: float
    method: RiskMethod = RiskMethod.ALPHA
    gamma: float = DEFAULT_GAMMA
    rates: ErrorRates = field(default_factory=ErrorRates)
    alpha: AlphaSettings = field(default_factory=AlphaSettings)

    def __post_init__(self) -> None:
        if not 0 < self.risk_limit < 1:
            raise AuditInputError("risk limit", f"{self.risk_limit!r} is not a fraction strictly between 0 and 1")
        if self.method is RiskMethod.BRAVO and self.type is not AuditType.POLLING:
            raise AuditInputError("method", "BRAVO is a ballot-polling method; comparison audits use ALPHA")
        if not self.gamma > 1:
            raise AuditInputError("gamma", "the error inflation factor γ must exceed 1")

    @property
    def with_replacement(self) -> bool:
        return self.method is RiskMethod.BRAVO


@dataclass(frozen=True, slots=True)
class PlannedContest:
    contest: str
    population: int
    margin: float
    estimate: int


@dataclass(frozen=True, slots=True)
class AssertionStatus:
    name: str
    risk: float
    evidence: float
    draws: int


@dataclass(frozen=True, slots=True)
class ContestStatus:
    contest: str
    population: int
    draws: int
    awaiting: int
    risk: float
    state: ContestState
    assertions: tuple[AssertionStatus, ...]
    next_target: int | None
    hand_count_winners: tuple[str, ...] | None = None


_PHANTOM_READING = CardRecord(CardRef("(phantom)", 0), found=False)


class Audit:
    """An audit's inputs, checked for consistency on construction."""

    def __init__(
        self,
        manifest: BallotManifest,
        contests: ContestsFile,
        settings: AuditSettings,
        cvrs: Sequence[CardRecord] | None = None,
    ) -> None:
        self.manifest = manifest.with_max_cards(contests.max_cards) if contests.max_cards is not None else manifest
        self.contests = contests
        self.settings = settings
        if settings.type is AuditType.COMPARISON and cvrs is None:
            raise AuditInputError("cvrs", "a ballot-comparison audit needs the cast-vote records")
        if settings.type is AuditType.POLLING and cvrs is not None:
            raise AuditInputError("cvrs", "a ballot-polling audit does not use cast-vote records")
        self.cvrs: dict[CardRef, CardRecord] = {}
        for record in cvrs or ():
            if record.card in self.cvrs:
                raise AuditInputError("cvrs", f"{record.card} has two cast-vote records")
            self.cvrs[record.card] = record
        self._identifiers = {card.identifier: card for card in self.manifest.cards()}
        self._populations = {contest.id: self._population(contest) for contest in contests.contests}
        self._assertions = {contest.id: assertions_for(contest) for contest in contests.contests}
        self._margins = {contest.id: self._reported_means(contest) for contest in contests.contests}
        self._orders: dict[str, _DrawSequence] = {}

    # -- populations and reported means ---------------------------------------------------------

    def _population(self, contest: Contest) -> frozenset[CardRef]:
        where = f"contest {contest.id!r}"
        if self.settings.type is AuditType.POLLING:
            if contest.batches is None:
                cards = frozenset(self.manifest.cards())
            else:
                for batch in contest.batches:
                    self.manifest.batch(batch)
                wanted = set(contest.batches)
                cards = frozenset(card for card in self.manifest.cards() if card.batch in wanted or card.phantom)
        else:
            cards = frozenset(
                card
                for card in self.manifest.cards()
                if card.phantom or card not in self.cvrs or self.cvrs[card].marks(contest.id) is not None
            )
            with_contest = sum(1 for record in self.cvrs.values() if record.marks(contest.id) is not None)
            if contest.cards is not None and with_contest > contest.cards:
                raise AuditInputError(
                    where, f"{with_contest} cast-vote records hold the contest, more than its {contest.cards} cards"
                )
            self._check_cvr_tally(contest)
        if not cards:
            raise AuditInputError(where, "no card in the manifest can hold this contest")
        if contest.cards is not None and contest.cards > len(cards):
            raise AuditInputError(
                where,
                f"{contest.cards} cards hold the contest but only {len(cards)} cards in the manifest can; "
                "set max_cards to the number of cards cast so the missing ones become phantoms",
            )
        if contest.valid_votes > len(cards) * contest.votes_allowed:
            raise AuditInputError(where, f"{contest.valid_votes} reported votes do not fit on {len(cards)} cards")
        return cards

    def _check_cvr_tally(self, contest: Contest) -> None:
        tally: Counter[str] = Counter()
        for record in self.cvrs.values():
            marks = record.marks(contest.id)
            if marks and len(marks) <= contest.votes_allowed:
                tally.update(marks)
        differences = [
            f"{name}: {votes} reported, {tally[name]} in the CVRs"
            for name, votes in contest.reported
            if tally[name] != votes
        ]
        if differences:
            raise AuditInputError(
                f"contest {contest.id!r}",
                "the cast-vote records do not add up to the reported results (" + "; ".join(differences) + ")",
            )

    def _cvr_value(self, assertion: Assertion, card: CardRef) -> float:
        record = self.cvrs.get(card)
        if card.phantom or record is None:
            return NULL_MEAN
        return assertion.assort(record.marks(assertion.contest.id))

    def _reported_means(self, contest: Contest) -> dict[str, float]:
        population = self._populations[contest.id]
        means = {}
        for assertion in self._assertions[contest.id]:
            if self.settings.type is AuditType.POLLING:
                means[assertion.name] = reported_mean(assertion, len(population))
            else:
                total = sum(self._cvr_value(assertion, card) for card in population)
                means[assertion.name] = total / len(population)
            if means[assertion.name] <= NULL_MEAN:
                raise AuditInputError(
                    f"contest {contest.id!r}",
                    f"assertion '{assertion.name}' has no margin over the {len(population)} cards of the contest",
                )
        return means

    def population_size(self, contest_id: str) -> int:
        return len(self._populations[contest_id])

    def margin(self, contest_id: str) -> float:
        """The smallest diluted margin v = 2ā − 1 over the contest's assertions."""
        return min(2 * mean - 1 for mean in self._margins[contest_id].values())

    # -- planning -------------------------------------------------------------------------------

    def _estimate(self, assertion: Assertion, *, evidence: float = 1.0, observed: Sequence[float] = ()) -> float:
        contest = assertion.contest
        population = len(self._populations[contest.id])
        alpha = self.settings.risk_limit
        mean = self._margins[contest.id][assertion.name]
        votes = contest.votes
        p_winner = votes[assertion.winner] / population
        p_against = (
            (contest.valid_votes - votes[assertion.winner]) / population
            if assertion.loser is None
            else votes[assertion.loser] / population
        )
        if self.settings.type is AuditType.COMPARISON:
            rates = self.settings.rates
            if observed:
                rates = _observed_rates(observed, 2 * mean - 1, assertion.upper, rates)
            bet = 2 / self.settings.gamma
            return wald_sample_size(
                alpha, comparison_outcomes(2 * mean - 1, assertion.upper, rates), bet, evidence=evidence
            )
        if self.settings.method is RiskMethod.BRAVO:
            if assertion.loser is None:
                threshold = contest.threshold
                share = p_winner / (p_winner + p_against)
                growth = p_winner * math.log(share / threshold) + p_against * math.log((1 - share) / (1 - threshold))
                remaining = math.log(1 / (alpha * evidence))
                return math.inf if growth <= 0 else max(0.0, remaining) / growth
            return bravo_asn(alpha, p_winner, p_against, evidence=evidence)
        outcomes = polling_outcomes(p_winner, p_against, assertion.upper)
        eta = mean
        if len(observed) >= 20:
            counts = Counter(observed)
            outcomes = [(count / len(observed), value) for value, count in counts.items()]
            d = self.settings.alpha.d
            eta = max((d * mean + sum(observed)) / (d + len(observed)), NULL_MEAN)
        bet = (eta / NULL_MEAN - 1) / (assertion.upper - NULL_MEAN)
        return wald_sample_size(alpha, outcomes, bet, evidence=evidence)

    def _simulated_estimate(self, assertion: Assertion) -> float:
        """ALPHA ballot polling: the mean stopping point of simulated audits of the reported results."""
        contest = assertion.contest
        population = len(self._populations[contest.id])
        votes = contest.votes
        against = contest.valid_votes - votes[assertion.winner] if assertion.loser is None else votes[assertion.loser]
        outcomes = polling_outcomes(votes[assertion.winner] / population, against / population, assertion.upper)
        mean = self._margins[contest.id][assertion.name]

        def path_of(values: list[float]) -> list[float]:
            return alpha_martingale(
                values, upper=assertion.upper, eta0=mean, population=population, settings=self.settings.alpha
            )

        return simulated_sample_size(
            self.settings.risk_limit, outcomes, population, path_of, replacement=False, label=f"plan:{contest.id}"
        )

    def plan(self) -> list[PlannedContest]:
        """Estimated draws per contest for the first round, if the reported results are right.

        BRAVO uses its published ASN formula, comparison audits Wald's approximation with the
        planning discrepancy rates, ALPHA ballot polling the mean of simulated audits.
        """
        planned = []
        simulate = self.settings.type is AuditType.POLLING and self.settings.method is RiskMethod.ALPHA
        for contest in self.contests.contests:
            population = self.population_size(contest.id)
            estimate = max(
                self._simulated_estimate(assertion) if simulate else self._estimate(assertion)
                for assertion in self._assertions[contest.id]
            )
            size = population if not math.isfinite(estimate) else min(population, max(1, math.ceil(estimate)))
            planned.append(PlannedContest(contest.id, population, self.margin(contest.id), size))
        return planned

    # -- sampling -------------------------------------------------------------------------------

    def _order(self, seed: str) -> _DrawSequence:
        seed = check_seed(seed)
        if seed not in self._orders:
            self._orders[seed] = _DrawSequence(
                draws(seed, self._identifiers, with_replacement=self.settings.with_replacement)
            )
        return self._orders[seed]

    def prefix_for(self, seed: str, targets: Mapping[str, int]) -> int:
        """The shortest prefix of the draw order that gives every contest its target draws."""
        order = self._order(seed)
        wanted = {}
        for contest_id, target in targets.items():
            if contest_id not in self._populations:
                raise AuditInputError("targets", f"there is no contest {contest_id!r}")
            cap = len(self._populations[contest_id])
            wanted[contest_id] = min(target, cap) if not self.settings.with_replacement else target
        counts = dict.fromkeys(wanted, 0)
        length = 0
        while any(counts[name] < wanted[name] for name in wanted):
            draw = order.get(length)
            if draw is None:
                break
            card = self._identifiers[draw.identifier]
            for name in wanted:
                if card in self._populations[name]:
                    counts[name] += 1
            length += 1
        return length

    def sample(self, seed: str, start: int, stop: int) -> list[tuple[int, Draw, CardRef]]:
        """Draws ``start`` .. ``stop - 1`` of the order (0-based), with the card each names."""
        order = self._order(seed)
        result = []
        for index in range(start, stop):
            draw = order.get(index)
            if draw is None:
                break
            result.append((index, draw, self._identifiers[draw.identifier]))
        return result

    def _drawn(self, seed: str, prefix: int) -> list[CardRef]:
        """The cards of the first ``prefix`` draws, in order (a card twice if drawn twice)."""
        return [card for _, _, card in self.sample(seed, 0, prefix)]

    def contests_on(self, card: CardRef) -> list[str]:
        return [name for name, cards in self._populations.items() if card in cards]

    # -- measuring risk -------------------------------------------------------------------------

    def status(self, seed: str, prefix: int, readings: Mapping[CardRef, CardRecord]) -> list[ContestStatus]:
        """Measured risk per contest over the first ``prefix`` draws and the readings so far."""
        drawn = self._drawn(seed, prefix)
        drawn_set = set(drawn)
        for card in readings:
            if card not in drawn_set:
                raise AuditInputError("readings", f"{card} was not drawn in the sample")
        return [self._contest_status(contest, drawn, readings) for contest in self.contests.contests]

    def _read_in_order(
        self, contest: Contest, drawn: Sequence[CardRef], readings: Mapping[CardRef, CardRecord]
    ) -> tuple[list[CardRef], list[CardRecord], int]:
        """The contest's draws in order, up to the first without a reading, and how many await one."""
        population = self._populations[contest.id]
        in_sample = [card for card in drawn if card in population]
        records: list[CardRecord] = []
        awaiting = 0
        for card in in_sample:
            record = _PHANTOM_READING if card.phantom else readings.get(card)
            if record is None:
                awaiting = len({c for c in in_sample[len(records) :] if not c.phantom and c not in readings})
                break
            records.append(record)
        return in_sample, records, awaiting

    def risk_path(self, seed: str, prefix: int, readings: Mapping[CardRef, CardRecord], contest_id: str) -> list[float]:
        """The contest's measured risk after each of its draws: where a one-card-per-round audit
        would have stopped (the first value at or below the risk limit)."""
        contest = self.contests.contest(contest_id, "risk path")
        in_sample, records, _ = self._read_in_order(contest, self._drawn(seed, prefix), readings)
        cards = in_sample[: len(records)]
        risks = [0.0] * len(records)
        for assertion in self._assertions[contest.id]:
            path, _ = self._path(assertion, cards, records)
            best = 0.0
            for index, value in enumerate(path):
                best = max(best, value)
                risks[index] = max(risks[index], 1.0 if best <= 0 else min(1.0, 1.0 / best))
        return risks

    def _contest_status(
        self, contest: Contest, drawn: Sequence[CardRef], readings: Mapping[CardRef, CardRecord]
    ) -> ContestStatus:
        population = self._populations[contest.id]
        in_sample, records, awaiting = self._read_in_order(contest, drawn, readings)
        cards = in_sample[: len(records)]
        alpha = self.settings.risk_limit
        statuses = []
        estimates = []
        for assertion in self._assertions[contest.id]:
            path, values = self._path(assertion, cards, records)
            risk = measured_risk(path)
            evidence = path[-1] if path else 1.0
            statuses.append(AssertionStatus(assertion.name, risk, evidence, len(path)))
            if risk > alpha:
                estimates.append(self._estimate(assertion, evidence=max(evidence, 1e-300), observed=values))
        risk = max(status.risk for status in statuses)
        full = not self.settings.with_replacement and len(set(cards)) == len(population) and not awaiting
        winners = self._hand_count(contest, records) if full else None
        next_target: int | None = None
        if awaiting:
            state = ContestState.AWAITING
        elif risk <= alpha:
            state = ContestState.CONFIRMED
        elif full:
            state = ContestState.HAND_COUNT
        else:
            state = ContestState.ESCALATE
            extra = max(estimates)
            if not math.isfinite(extra):
                # the cards so far do not point towards confirming: double the sample
                extra = max(len(in_sample), 1)
            next_target = len(in_sample) + max(1, math.ceil(extra))
            if not self.settings.with_replacement:
                next_target = min(len(population), next_target)
        return ContestStatus(
            contest.id, len(population), len(records), awaiting, risk, state, tuple(statuses), next_target, winners
        )

    def _path(
        self, assertion: Assertion, cards: Sequence[CardRef], records: Sequence[CardRecord]
    ) -> tuple[list[float], list[float]]:
        contest_id = assertion.contest.id
        population = len(self._populations[contest_id])
        mean = self._margins[contest_id][assertion.name]
        if self.settings.type is AuditType.COMPARISON:
            margin = 2 * mean - 1
            values = []
            for card, record in zip(cards, records, strict=True):
                cvr = self.cvrs.get(card)
                cvr_has = cvr is not None and cvr.marks(contest_id) is not None
                marks = record.marks(contest_id)
                lost = not record.found or (marks is None and cvr_has)
                mvr_value = 0.0 if lost else assertion.assort(marks)
                values.append(comparison_value(assertion, self._cvr_value(assertion, card), mvr_value, margin))
            upper = 2 / (2 - margin / assertion.upper)
            bet = 2 / self.settings.gamma
            return betting_martingale(values, [bet] * len(values), upper=upper, population=population), values
        if self.settings.method is RiskMethod.BRAVO:
            votes = [assertion.bravo_vote(record.marks(contest_id)) if record.found else -1 for record in records]
            contest = assertion.contest
            if assertion.loser is None:
                share, threshold = contest.votes[assertion.winner] / contest.valid_votes, contest.threshold
            else:
                winner, loser = contest.votes[assertion.winner], contest.votes[assertion.loser]
                share, threshold = winner / (winner + loser), NULL_MEAN
            return bravo_martingale(votes, share=share, threshold=threshold), [float(v) for v in votes]
        values = [assertion.assort(record.marks(contest_id)) if record.found else 0.0 for record in records]
        path = alpha_martingale(
            values, upper=assertion.upper, eta0=mean, population=population, settings=self.settings.alpha
        )
        return path, values

    def _hand_count(self, contest: Contest, records: Sequence[CardRecord]) -> tuple[str, ...]:
        tally: Counter[str] = Counter(dict.fromkeys(contest.candidates, 0))
        for record in records:
            marks = record.marks(contest.id) if record.found else None
            if marks and len(marks) <= contest.votes_allowed:
                tally.update(marks)
        ranked = sorted(tally.items(), key=lambda item: -item[1])
        if contest.kind is ContestKind.SUPERMAJORITY:
            name, votes = ranked[0]
            return (name,) if votes > contest.threshold * sum(tally.values()) else ()
        if ranked[contest.winners - 1][1] == ranked[contest.winners][1]:
            return ()  # a tie for the last winning place: no unique outcome
        return tuple(name for name, _ in ranked[: contest.winners])


def _observed_rates(values: Sequence[float], margin: float, upper: float, floor: ErrorRates) -> ErrorRates:
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


class _DrawSequence:
    """The draw order, computed lazily and remembered."""

    def __init__(self, stream: Iterator[Draw]) -> None:
        self._stream = stream
        self._drawn: list[Draw] = []

    def get(self, index: int) -> Draw | None:
        while len(self._drawn) <= index:
            draw = next(self._stream, None)
            if draw is None:
                return None
            self._drawn.append(draw)
        return self._drawn[index]
