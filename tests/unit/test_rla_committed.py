"""The committed-CVR comparison audit (``nazaha.rla.committed``): pure, on hand-made commitments."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from nazaha.errors import AuditInputError
from nazaha.rla.assorters import assertions_for
from nazaha.rla.audit import ContestState
from nazaha.rla.committed import PaperReading, committed_audit, discrepancies, next_targets, reading_record

SEED = "27182818284590452353602"


def _commitment(alice: int, bob: int, *, risk_limit: float = 0.05) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """``alice + bob`` cards in two devices, each holding the contest; the CVRs as decrypted."""
    cards: list[dict[str, Any]] = []
    truth: dict[str, tuple[str, ...]] = {}
    for number in range(alice + bob):
        code = f"{number:064X}"
        device = "kiosk-1" if number % 2 else "kiosk-2"
        position = sum(1 for c in cards if c["batch"] == device) + 1
        cards.append({"batch": device, "position": position, "ballot": code, "paper_id": code, "contests": ["mayor"]})
        truth[code] = ("alice",) if number < alice else ("bob",)
    doc = {
        "format": "nazaha-paper-audit/1",
        "risk_limit": risk_limit,
        "contests": [{"id": "mayor", "reported": {"alice": alice, "bob": bob}}],
        "cards": cards,
    }
    return doc, truth


def test_the_reported_mean_from_the_totals_equals_the_mean_over_the_committed_cvrs() -> None:
    doc, truth = _commitment(60, 40)
    audit, _ = committed_audit(doc, {})
    assertion = assertions_for(audit.contests.contest("mayor", "test"))[0]
    mean = sum(assertion.assort(marks) for marks in truth.values()) / Fraction(len(truth))
    assert audit.margin("mayor") == pytest.approx(float(2 * mean - 1))


def test_a_clean_sample_confirms_and_the_sample_is_reproducible() -> None:
    doc, truth = _commitment(70, 30)
    audit, cards = committed_audit(doc, {})
    prefix = audit.prefix_for(SEED, {"mayor": 20})
    drawn = [card for _, _, card in audit.sample(SEED, 0, prefix)]
    assert drawn == [card for _, _, card in committed_audit(doc, {})[0].sample(SEED, 0, prefix)]
    by_card = {c.card: c for c in cards.values()}
    sampled = {by_card[card].ballot: {"mayor": truth[by_card[card].ballot]} for card in drawn}
    audit, cards = committed_audit(doc, sampled)
    readings = {code: PaperReading(code, "read", marks) for code, marks in sampled.items()}
    records = {cards[code].card: reading_record(cards[code], r) for code, r in readings.items()}
    (status,) = audit.status(SEED, prefix, records)
    assert status.state is ContestState.CONFIRMED and status.risk <= 0.05
    assert discrepancies(audit, cards, sampled, readings) == []


def test_a_flipped_encryption_is_a_discrepancy_that_escalates() -> None:
    doc, truth = _commitment(70, 30)
    audit, cards = committed_audit(doc, {})
    prefix = audit.prefix_for(SEED, {"mayor": 20})
    by_card = {c.card: c for c in cards.values()}
    codes = [by_card[card].ballot for _, _, card in audit.sample(SEED, 0, prefix)]
    sampled = {code: {"mayor": truth[code]} for code in codes}
    audit, cards = committed_audit(doc, sampled)
    alice = next(code for code in codes if truth[code] == ("alice",))
    readings = {code: PaperReading(code, "read", {"mayor": truth[code]}) for code in codes}
    readings[alice] = PaperReading(alice, "read", {"mayor": ("bob",)})  # the paper says bob
    readings[codes[-1]] = PaperReading(codes[-1], "not found", {})
    found = discrepancies(audit, cards, sampled, readings)
    assert {(d.ballot, d.paper) for d in found} >= {(alice, ("bob",))}
    assert next(d for d in found if d.ballot == alice).overstatement == 1  # a two-vote overstatement
    records = {cards[code].card: reading_record(cards[code], r) for code, r in readings.items()}
    statuses = audit.status(SEED, prefix, records)
    targets, _ = next_targets(statuses)
    assert statuses[0].state is ContestState.ESCALATE and targets["mayor"] > 20


def test_a_sampled_ballot_needs_its_decryption_and_a_reading_names_only_its_contests() -> None:
    doc, _ = _commitment(6, 4)
    audit, cards = committed_audit(doc, {})
    by_card = {c.card: c for c in cards.values()}
    (_, _, first), *_ = audit.sample(SEED, 0, 1)
    card = by_card[first]
    with pytest.raises(AuditInputError, match="not been decrypted"):
        audit.status(SEED, 1, {first: reading_record(card, PaperReading(card.ballot, "blank", {}))})
    with pytest.raises(AuditInputError, match="no audited contest"):
        reading_record(card, PaperReading(card.ballot, "read", {"council": ("x",)}))
    with pytest.raises(AuditInputError, match="carries no marks"):
        PaperReading(card.ballot, "blank", {"mayor": ("alice",)})
    with pytest.raises(AuditInputError, match="outcome"):
        PaperReading(card.ballot, "smudged", {})
