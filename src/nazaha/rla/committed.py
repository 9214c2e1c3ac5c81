"""A ballot-comparison audit whose cast-vote records are the encrypted ballots of an E2E record.

The paper audit of an end-to-end verifiable election (``docs/audits.md``, "The paper audit of an
E2E-verifiable election") treats each cast encrypted ballot as the *committed* cast-vote record
of its paper card. Before the seed exists, the audit's commitment lists every card: its batch
and position, its encrypted ballot's confirmation code, the ballot's paper id (id_B, printed on
the paper) and the contests its ballot style holds. Which contests a card holds is public; what
is marked in them stays encrypted. The reported results are the decrypted tally.

Only the cards the sample names are decrypted (by the guardians, with proofs, outside this
module); their decryptions become the CVRs the comparison uses. The comparison assorter needs the
reported assorter mean over the whole population, and for plurality and supermajority assorters
that mean is fixed by the reported totals alone (``reported_mean``): the E2E checks prove those
totals are the sum of the committed ballots, so no other CVR needs to be opened.

This module reads and writes plain values (mappings from JSON documents); it does no I/O and no
cryptography, like the rest of ``nazaha.rla``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from nazaha.errors import AuditInputError
from nazaha.rla.assorters import assertions_for
from nazaha.rla.audit import Audit, ContestState, ContestStatus
from nazaha.rla.cards import CardRecord
from nazaha.rla.contests import parse_contests
from nazaha.rla.manifest import BallotManifest, Batch, CardRef
from nazaha.rla.settings import AuditSettings, AuditType

__all__ = [
    "OUTCOMES",
    "CommittedCard",
    "Discrepancy",
    "PaperReading",
    "committed_audit",
    "committed_cards",
    "discrepancies",
    "next_targets",
    "reading_record",
]

OUTCOMES = ("read", "blank", "not found", "mismatch")
"""What an audit board reports for a card: its marks, a blank card, a card it cannot find, or a
card whose printed paper id is not the one the pull list gives ("ballot does not match its id").
The last two count as the worst case (SHANGRLA §3.4)."""


@dataclass(frozen=True, slots=True)
class CommittedCard:
    """One paper card of the commitment and the encrypted ballot it points at."""

    card: CardRef
    ballot: str
    """The confirmation code H_C of its encrypted ballot (uppercase hex)."""
    paper_id: str
    """id_B, the ballot's selection encryption identifier, as printed on the paper (uppercase hex)."""
    contests: tuple[str, ...]
    """The audited contests its ballot style holds."""


@dataclass(frozen=True, slots=True)
class PaperReading:
    """What the audit board entered for one card."""

    ballot: str
    outcome: str
    marks: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise AuditInputError("reading", f"outcome {self.outcome!r} is not one of {list(OUTCOMES)}")
        if self.outcome != "read" and self.marks:
            raise AuditInputError("reading", f"a card read as {self.outcome!r} carries no marks")


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A contest whose paper reading differs from the decrypted encrypted ballot."""

    ballot: str
    contest: str
    encrypted: tuple[str, ...]
    paper: tuple[str, ...] | None
    """None when the card was not found or does not match its id."""
    overstatement: Fraction
    """The largest ω = a(CVR) − a(paper) over the contest's assertions, in units of u (SHANGRLA §3.2)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "ballot": self.ballot,
            "contest": self.contest,
            "encrypted": list(self.encrypted),
            "paper": None if self.paper is None else list(self.paper),
            "overstatement": str(self.overstatement),
        }


def committed_cards(commitment: Mapping[str, Any]) -> list[CommittedCard]:
    """The cards of a commitment document, checked for shape."""
    cards = []
    raw_cards = commitment.get("cards")
    if not isinstance(raw_cards, list):
        raise AuditInputError("commitment.cards", "expected a list")
    for number, raw in enumerate(raw_cards):
        where = f"commitment.cards[{number}]"
        if not isinstance(raw, dict):
            raise AuditInputError(where, "expected an object")
        try:
            card = CardRef(str(raw["batch"]), int(raw["position"]))
            cards.append(
                CommittedCard(card, str(raw["ballot"]), str(raw["paper_id"]), tuple(str(c) for c in raw["contests"]))
            )
        except (KeyError, TypeError, ValueError):
            raise AuditInputError(where, "expected batch, position, ballot, paper_id and contests") from None
    return cards


def committed_audit(
    commitment: Mapping[str, Any], decrypted: Mapping[str, Mapping[str, tuple[str, ...]]]
) -> tuple[Audit, dict[str, CommittedCard]]:
    """The audit of a commitment, with ``decrypted`` (confirmation code -> contest -> options
    marked) as the CVRs of the cards decrypted so far; and the cards by confirmation code."""
    cards = committed_cards(commitment)
    by_ballot = {card.ballot: card for card in cards}
    if len(by_ballot) != len(cards):
        raise AuditInputError("commitment.cards", "two cards point at the same encrypted ballot")
    sizes: dict[str, int] = {}
    for card in cards:
        sizes[card.card.batch] = max(sizes.get(card.card.batch, 0), card.card.position)
    batches = tuple(Batch(name, size, container=name) for name, size in sizes.items())
    manifest = BallotManifest(batches, source="commitment")
    if manifest.physical_cards != len(cards):
        raise AuditInputError("commitment.cards", "the positions of a batch must run from 1 without gaps")
    contests = parse_contests({"contests": commitment.get("contests", [])}, source="commitment.contests")
    risk_limit = commitment.get("risk_limit")
    if not isinstance(risk_limit, (int, float)) or isinstance(risk_limit, bool):
        raise AuditInputError("commitment.risk_limit", "expected a fraction")
    settings = AuditSettings(AuditType.COMPARISON, float(risk_limit))
    records = []
    for code, contests_marked in decrypted.items():
        if code not in by_ballot:
            raise AuditInputError("decryptions", f"ballot {code[:16]}… is not in the commitment")
        committed = by_ballot[code]
        records.append(
            CardRecord(committed.card, tuple((name, tuple(contests_marked[name])) for name in committed.contests))
        )
    styles = {card.card: frozenset(card.contests) for card in cards}
    return Audit(manifest, contests, settings, records, committed=styles), by_ballot


def reading_record(card: CommittedCard, reading: PaperReading) -> CardRecord:
    """The audit board's reading as the engine's manual vote record (MVR)."""
    if reading.outcome in ("not found", "mismatch"):
        return CardRecord(card.card, found=False)
    unknown = set(reading.marks) - set(card.contests)
    if unknown:
        raise AuditInputError("reading", f"ballot {card.ballot[:16]}… holds no audited contest {sorted(unknown)}")
    if reading.outcome == "blank":
        return CardRecord(card.card, tuple((name, ()) for name in card.contests))
    return CardRecord(card.card, tuple((name, tuple(reading.marks.get(name, ()))) for name in card.contests))


def discrepancies(
    audit: Audit,
    cards: Mapping[str, CommittedCard],
    decrypted: Mapping[str, Mapping[str, tuple[str, ...]]],
    readings: Mapping[str, PaperReading],
) -> list[Discrepancy]:
    """Every (card, contest) whose paper reading differs from its decrypted ballot, in code order."""
    found = []
    for code in sorted(readings):
        card = cards[code]
        if code not in decrypted:
            raise AuditInputError("decryptions", f"ballot {code[:16]}… has a reading but no decryption")
        mvr = reading_record(card, readings[code])
        for contest_id in card.contests:
            encrypted = tuple(sorted(decrypted[code][contest_id]))
            paper = None if not mvr.found else tuple(sorted(mvr.marks(contest_id) or ()))
            if paper == encrypted:
                continue
            contest = audit.contests.contest(contest_id, "discrepancies")
            worst = Fraction(-10)
            for assertion in assertions_for(contest):
                paper_value = Fraction(0) if paper is None else assertion.assort(paper)
                worst = max(worst, (assertion.assort(encrypted) - paper_value) / assertion.upper)
            found.append(Discrepancy(code, contest_id, encrypted, paper, worst))
    return found


def next_targets(statuses: Sequence[ContestStatus]) -> tuple[dict[str, int], list[str]]:
    """The next round's targets of the escalating contests, and the contests due a full hand count."""
    targets = {}
    hand_counts = []
    for status in statuses:
        if status.state is ContestState.ESCALATE and status.next_target is not None:
            if status.full_count_next:
                hand_counts.append(status.contest)
            else:
                targets[status.contest] = status.next_target
    return targets, hand_counts
