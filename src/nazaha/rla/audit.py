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
confirming. When a contest's next target reaches its population (with or without replacement),
the audit escalates to a *full hand count* of that contest: every card of its population is read,
and the hand count's tally is the outcome. A hand count that ends in a tie for the last winning
place confirms nothing: its state is ``tie``, and the tie rules (lot, a runoff) decide. A hand
count always takes precedence over the measured risk, because it leaves nothing to chance.

Contests marked ``targeted: false`` are audited *opportunistically*: they set no target and never
escalate; their risk is measured on the draws that fall in their population and reported as
``confirmed`` or ``not confirmed (not targeted)``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from nazaha.errors import AuditInputError
from nazaha.rla.assorters import HALF, Assertion, assertions_for, comparison_value, reported_mean
from nazaha.rla.cards import CardRecord
from nazaha.rla.contests import Contest, ContestsFile
from nazaha.rla.manifest import BallotManifest, CardRef, IdStyle
from nazaha.rla.planning import ONE_ROUND_PROBABILITIES, expected_draws, simulated_stops_for
from nazaha.rla.risk import NULL_MEAN, alpha_martingale, betting_martingale, bravo_martingale, measured_risk
from nazaha.rla.sample_size import one_round_size
from nazaha.rla.sampling import Draw, draws
from nazaha.rla.settings import SEED_DIGITS, AuditSettings, AuditType, RiskMethod, check_seed

__all__ = [
    "SEED_DIGITS",
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


class ContestState(StrEnum):
    CONFIRMED = "confirmed"
    ESCALATE = "escalate"
    AWAITING = "awaiting readings"
    HAND_COUNT = "full hand count"
    TIE = "tie: escalate to the tie rules"
    NOT_CONFIRMED = "not confirmed (not targeted)"


@dataclass(frozen=True, slots=True)
class PlannedContest:
    """A targeted contest's plan: expected draws, and draws finishing in one round with probability p."""

    contest: str
    population: int
    margin: float
    estimate: int
    one_round: tuple[tuple[float, int], ...] = ()

    def size_for(self, probability: float) -> int:
        for chance, size in self.one_round:
            if chance == probability:
                return size
        raise AuditInputError("probability", f"sizes are planned for {[p for p, _ in self.one_round]}")


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
    targeted: bool = True
    tied: tuple[str, ...] | None = None
    outcome_changed: bool | None = None
    full_count_next: bool = False


_PHANTOM_READING = CardRecord(CardRef("(phantom)", 0), found=False)


class Audit:
    """An audit's inputs, checked for consistency on construction."""

    def __init__(
        self,
        manifest: BallotManifest,
        contests: ContestsFile,
        settings: AuditSettings,
        cvrs: Sequence[CardRecord] | None = None,
        *,
        committed: Mapping[CardRef, frozenset[str]] | None = None,
    ) -> None:
        self.manifest = manifest.with_max_cards(contests.max_cards, where=f"{contests.source}: max_cards")
        self.contests = contests
        self.settings = settings
        self.committed = committed
        if committed is not None and settings.type is not AuditType.COMPARISON:
            raise AuditInputError("cvrs", "committed (encrypted) cast-vote records serve a ballot-comparison audit")
        if settings.type is AuditType.COMPARISON and cvrs is None:
            raise AuditInputError("cvrs", "a ballot-comparison audit needs the cast-vote records")
        if settings.type is AuditType.POLLING and cvrs is not None:
            raise AuditInputError("cvrs", "a ballot-polling audit does not use cast-vote records")
        self.cvrs: dict[CardRef, CardRecord] = {}
        for record in cvrs or ():
            if record.card in self.cvrs:
                raise AuditInputError("cvrs", f"{record.card} has two cast-vote records")
            self.cvrs[record.card] = record
        self._identifiers = {self.identifier(card): card for card in self.manifest.cards()}
        self._populations = {contest.id: self._population(contest) for contest in contests.contests}
        self._assertions = {contest.id: assertions_for(contest) for contest in contests.contests}
        self._margins = {contest.id: self._reported_means(contest) for contest in contests.contests}
        self._orders: dict[str, _DrawSequence] = {}

    def identifier(self, card: CardRef) -> str:
        """The string the sampler hashes for ``card``, in the audit's id style."""
        if self.settings.id_style is IdStyle.ARLO:
            return card.arlo_identifier(self.settings.jurisdiction)
        return card.identifier

    # -- populations and reported means ---------------------------------------------------------

    def _population(self, contest: Contest) -> frozenset[CardRef]:
        where = f"{self.contests.source}: contest {contest.id!r}"
        if self.settings.type is AuditType.POLLING:
            cards = self._polling_population(contest, where)
        elif self.committed is not None:
            # committed CVRs: which contests a card holds is public (its ballot style); its marks
            # are known only once its encrypted ballot is decrypted, and the reported results are
            # the decrypted tally, which the E2E verifier proves is the sum of the committed CVRs
            cards = frozenset(
                card
                for card in self.manifest.cards()
                if card.phantom or contest.id in self.committed.get(card, frozenset())
            )
        else:
            cards = self._cvr_population(contest, where)
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

    def _polling_population(self, contest: Contest, where: str) -> frozenset[CardRef]:
        """A ballot-polling contest's cards: the whole manifest, or its named batches, with the phantoms."""
        if contest.batches is None:
            return frozenset(self.manifest.cards())
        wanted: set[tuple[str, str]] = set()
        for tabulator, name in contest.batches:
            if tabulator is None:
                named = self.manifest.batches_named(name)
                if not named:
                    raise AuditInputError(where, f"there is no batch {name!r}")
                wanted.update(batch.key for batch in named)
            else:
                wanted.add(self.manifest.batch(name, tabulator).key)
        return frozenset(
            card for card in self.manifest.cards() if (card.tabulator, card.batch) in wanted or card.phantom
        )

    def _cvr_population(self, contest: Contest, where: str) -> frozenset[CardRef]:
        """A comparison contest's cards: those whose CVR holds it, those without a CVR, and the phantoms."""
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
                f"{self.contests.source}: contest {contest.id!r}",
                "the cast-vote records do not add up to the reported results (" + "; ".join(differences) + ")",
            )

    def _cvr_value(self, assertion: Assertion, card: CardRef) -> Fraction:
        record = self.cvrs.get(card)
        if self.committed is not None and record is None and not card.phantom:
            raise AuditInputError("cvrs", f"{card} was sampled but its encrypted ballot has not been decrypted")
        if card.phantom or record is None:
            return HALF
        return assertion.assort(record.marks(assertion.contest.id))

    def _reported_means(self, contest: Contest) -> dict[str, Fraction]:
        population = self._populations[contest.id]
        means = {}
        for assertion in self._assertions[contest.id]:
            if self.settings.type is AuditType.POLLING or self.committed is not None:
                means[assertion.name] = reported_mean(assertion, len(population))
            else:
                total = sum((self._cvr_value(assertion, card) for card in population), Fraction(0))
                means[assertion.name] = total / len(population)
            if means[assertion.name] <= NULL_MEAN:
                raise AuditInputError(
                    f"{self.contests.source}: contest {contest.id!r}",
                    f"assertion '{assertion.name}' has no margin over the {len(population)} cards of the contest",
                )
        return means

    def population_size(self, contest_id: str) -> int:
        return len(self._populations[contest_id])

    def population(self, contest_id: str) -> frozenset[CardRef]:
        return self._populations[contest_id]

    def margin(self, contest_id: str) -> float:
        """The smallest diluted margin v = 2ā − 1 over the contest's assertions."""
        return float(min(2 * mean - 1 for mean in self._margins[contest_id].values()))

    # -- planning -------------------------------------------------------------------------------

    def _estimate(self, assertion: Assertion, *, evidence: float = 1.0, observed: Sequence[Fraction] = ()) -> float:
        contest_id = assertion.contest.id
        return expected_draws(
            assertion,
            len(self._populations[contest_id]),
            self._margins[contest_id][assertion.name],
            self.settings,
            evidence=evidence,
            observed=observed,
        )

    def plan(self) -> list[PlannedContest]:
        """Draws per targeted contest for the first round, if the reported results are right.

        ``estimate`` is the expected number: BRAVO's published ASN formula, Wald's approximation
        with the planning discrepancy rates (comparison), or the mean of simulated audits (ALPHA
        ballot polling). ``one_round`` gives, for 70%, 80% and 90%, the draws within which that
        share of simulated audits finished.
        """
        planned = []
        simulate_mean = self.settings.type is AuditType.POLLING and self.settings.method is RiskMethod.ALPHA
        for contest in self.contests.targeted:
            population = self.population_size(contest.id)
            estimates: list[float] = []
            quantiles = dict.fromkeys(ONE_ROUND_PROBABILITIES, 0)
            for assertion in self._assertions[contest.id]:
                stops = simulated_stops_for(
                    assertion, population, self._margins[contest.id][assertion.name], self.settings
                )
                estimates.append(sum(stops) / len(stops) if simulate_mean else self._estimate(assertion))
                for probability in ONE_ROUND_PROBABILITIES:
                    quantiles[probability] = max(quantiles[probability], one_round_size(stops, probability))
            estimate = max(estimates)
            size = population if not math.isfinite(estimate) else min(population, max(1, math.ceil(estimate)))
            one_round = tuple((p, min(population, max(1, n))) for p, n in quantiles.items())
            planned.append(PlannedContest(contest.id, population, self.margin(contest.id), size, one_round))
        return planned

    # -- sampling -------------------------------------------------------------------------------

    def _order(self, seed: str) -> _DrawSequence:
        seed = check_seed(seed)
        if seed not in self._orders:
            self._orders[seed] = _DrawSequence(
                draws(
                    seed,
                    self._identifiers,
                    with_replacement=self.settings.with_replacement,
                    scheme=self.settings.sampler,
                )
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
        """Every contest (targeted or not) whose population holds ``card``."""
        return [name for name, cards in self._populations.items() if card in cards]

    def targeted_contests_on(self, card: CardRef) -> list[str]:
        return [contest.id for contest in self.contests.targeted if card in self._populations[contest.id]]

    def omitted_contests(self, record: CardRecord) -> tuple[str, ...]:
        """Contests the card may hold (it is in their population) that its reading leaves out.

        Left out, a contest counts as not on the card, which in a comparison audit whose CVR lists
        it is the worst case; the audit board should say so explicitly, not by omission."""
        if not record.found or record.card.phantom:
            return ()
        present = {name for name, _ in record.contests}
        return tuple(name for name in self.contests_on(record.card) if name not in present)

    def hand_count_cards(self, contest_ids: Collection[str]) -> list[CardRef]:
        """The physical cards a full hand count of ``contest_ids`` reads, in manifest order."""
        populations = [self._populations[contest_id] for contest_id in contest_ids]
        return [card for card in self.manifest.cards() if not card.phantom and any(card in p for p in populations)]

    # -- measuring risk -------------------------------------------------------------------------

    def status(
        self,
        seed: str,
        prefix: int,
        readings: Mapping[CardRef, CardRecord],
        hand_counts: Collection[str] = (),
    ) -> list[ContestStatus]:
        """Measured risk per contest over the first ``prefix`` draws and the readings so far;
        ``hand_counts`` names the contests under a full hand count."""
        drawn = self._drawn(seed, prefix)
        allowed = set(drawn) | set(self.hand_count_cards(hand_counts))
        for card in readings:
            if card not in allowed:
                raise AuditInputError("readings", f"{card} was not drawn in the sample")
        return [
            self._contest_status(contest, drawn, readings, contest.id in hand_counts)
            for contest in self.contests.contests
        ]

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
        self,
        contest: Contest,
        drawn: Sequence[CardRef],
        readings: Mapping[CardRef, CardRecord],
        hand_counted: bool,
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
        physical = [card for card in population if not card.phantom]
        unread = sum(1 for card in physical if card not in readings)
        if hand_counted and unread:
            return ContestStatus(
                contest.id, len(population), len(physical) - unread, unread, risk, ContestState.AWAITING,
                tuple(statuses), None, targeted=contest.targeted,
            )  # fmt: skip
        if not unread:
            # every card of the population is read: the hand count is the outcome, whatever the risk
            count = contest.hand_count(self._tally(contest, [readings[card] for card in physical]))
            state = ContestState.TIE if count.is_tie else ContestState.HAND_COUNT
            changed = count.is_tie or set(count.winners) != set(contest.reported_winners)
            return ContestStatus(
                contest.id, len(population), len(population), 0, risk, state, tuple(statuses), None,
                count.winners, targeted=contest.targeted, tied=count.tied if count.is_tie else None,
                outcome_changed=changed,
            )  # fmt: skip
        next_target: int | None = None
        full_count_next = False
        if awaiting:
            state = ContestState.AWAITING
        elif risk <= alpha:
            state = ContestState.CONFIRMED
        elif not contest.targeted:
            state = ContestState.NOT_CONFIRMED
        else:
            state = ContestState.ESCALATE
            extra = max(estimates)
            if not math.isfinite(extra):
                # the cards so far do not point towards confirming: double the sample
                extra = max(len(in_sample), 1)
            next_target = len(in_sample) + max(1, math.ceil(extra))
            if next_target >= len(population):
                # a sample as large as the population: read every card instead (both methods)
                next_target = len(population)
                full_count_next = True
        return ContestStatus(
            contest.id, len(population), len(records), awaiting, risk, state, tuple(statuses), next_target,
            full_count_next=full_count_next, targeted=contest.targeted,
        )  # fmt: skip

    def _path(
        self, assertion: Assertion, cards: Sequence[CardRef], records: Sequence[CardRecord]
    ) -> tuple[list[float], list[Fraction]]:
        contest_id = assertion.contest.id
        population = len(self._populations[contest_id])
        mean = self._margins[contest_id][assertion.name]
        if self.settings.type is AuditType.COMPARISON:
            margin = 2 * mean - 1
            values = []
            known: dict[tuple[Fraction, Fraction], Fraction] = {}  # B takes few values: compute each once
            for card, record in zip(cards, records, strict=True):
                cvr = self.cvrs.get(card)
                cvr_has = cvr is not None and cvr.marks(contest_id) is not None
                marks = record.marks(contest_id)
                lost = not record.found or (marks is None and cvr_has)
                pair = (self._cvr_value(assertion, card), Fraction(0) if lost else assertion.assort(marks))
                if pair not in known:
                    known[pair] = comparison_value(assertion, pair[0], pair[1], margin)
                values.append(known[pair])
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
            return bravo_martingale(votes, share=share, threshold=threshold), [Fraction(v) for v in votes]
        values = [assertion.assort(record.marks(contest_id)) if record.found else Fraction(0) for record in records]
        path = alpha_martingale(
            values, upper=assertion.upper, eta0=float(mean), population=population, settings=self.settings.alpha
        )
        return path, values

    def _tally(self, contest: Contest, records: Sequence[CardRecord]) -> Counter[str]:
        tally: Counter[str] = Counter(dict.fromkeys(contest.candidates, 0))
        for record in records:
            marks = record.marks(contest.id) if record.found else None
            if marks and len(marks) <= contest.votes_allowed:
                tally.update(marks)
        return tally


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
