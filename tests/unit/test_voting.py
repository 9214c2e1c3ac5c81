"""voting: encryption refuses bad ballots before encrypting; validation; ballot box rules."""

from __future__ import annotations

import dataclasses

import pytest

from nazaha.election.ballot import PlaintextBallot
from nazaha.errors import BallotError, BallotStateError
from nazaha.record.board import BoardKind
from nazaha.voting.ballot_box import (
    BoardEvent,
    ElectionState,
    admit_ballot,
    ballot_decision,
    close_voting,
    decide_ballot,
    transition,
)
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import marked_values
from nazaha.voting.opening import open_ballot
from nazaha.voting.validate import validate_ballot
from tests.support.ballots import encrypt


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (PlaintextBallot("east", {}), "unknown ballot style 'east'"),
        (PlaintextBallot("north-district", {"senate": {}}), "contest 'senate' is not in the manifest"),
        (PlaintextBallot("north-district", {"south-district-seat": {}}), "not on ballot style 'north-district'"),
        (PlaintextBallot("north-district", {"mayor": {"nobody": 1}}), "has no option 'nobody'"),
        (
            PlaintextBallot("north-district", {"mayor": {"amal-haddad": 1, "karim-nassar": 1}}),
            "overvote: contest 'mayor' has 2",
        ),
        (PlaintextBallot("north-district", {"mayor": {"amal-haddad": 2}}), "more than its limit 1"),
        (PlaintextBallot("north-district", {"mayor": {"amal-haddad": -1}}), "non-negative integer"),
        (
            PlaintextBallot(
                "north-district", {"council": {"hana-khalil": 1, "omar-saleh": 1, "rania-aziz": 1, "sami-darwish": 1}}
            ),
            "overvote",
        ),
    ],
)
def test_bad_ballots_are_refused_before_encryption(election, ballot, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BallotError, match=message):
        marked_values(election.manifest, ballot)
    with pytest.raises(BallotError, match=message):
        encrypt(election, ballot)


def test_undervote_and_blank_ballots_are_allowed(election) -> None:  # type: ignore[no-untyped-def]
    blank = PlaintextBallot("south-district", {})
    encrypted, nonce = encrypt(election, blank)
    validate_ballot(election.context, encrypted)
    opened = open_ballot(election.context, encrypted, nonce)
    assert all(s.value == 0 for c in opened.contests for s in c.selections)


def test_encryption_is_deterministic_given_its_inputs(election) -> None:  # type: ignore[no-untyped-def]
    first, _ = encrypt(election, seed="same")
    second, _ = encrypt(election, seed="same")
    assert first == second
    third, _ = encrypt(election, seed="other")
    assert third.confirmation_code != first.confirmation_code


def test_validate_accepts_honest_and_refuses_altered_ballots(election) -> None:  # type: ignore[no-untyped-def]
    encrypted, _ = encrypt(election)
    validate_ballot(election.context, encrypted)
    contest = encrypted.contests[0]
    selection = contest.selections[0]
    swapped = dataclasses.replace(selection, ciphertext=contest.selections[1].ciphertext)
    altered = dataclasses.replace(
        encrypted,
        contests=(dataclasses.replace(contest, selections=(swapped, *contest.selections[1:])), *encrypted.contests[1:]),
    )
    with pytest.raises(BallotError, match="range proof does not verify"):
        validate_ballot(election.context, altered)
    with pytest.raises(BallotError, match="confirmation code"):
        validate_ballot(election.context, dataclasses.replace(encrypted, confirmation_code=bytes(32)))
    with pytest.raises(BallotError, match="H_I"):
        validate_ballot(election.context, dataclasses.replace(encrypted, selection_id=bytes(32)))


def test_opening_shows_the_marks(election) -> None:  # type: ignore[no-untyped-def]
    encrypted, nonce = encrypt(election)
    opened = open_ballot(election.context, encrypted, nonce)
    marks = {(c.label, s.label) for c in opened.contests for s in c.selections if s.value}
    assert marks == {("mayor", "karim-nassar"), ("council", "hana-khalil"), ("council", "tariq-jaber")}


def test_simple_chaining_links_codes(election) -> None:  # type: ignore[no-untyped-def]
    context = election.context
    device = EncryptionDevice(context.group, context.extended_hash, "chain", ChainingMode.SIMPLE)
    first, _ = encrypt(election, seed="1", device=device)
    second, _ = encrypt(election, seed="2", device=device)
    assert first.chaining_field == b"\x00\x00\x00\x01" + device.initial_hash
    assert second.chaining_field == b"\x00\x00\x00\x01" + first.confirmation_code
    resumed = EncryptionDevice.resume(context.group, context.extended_hash, "chain", ChainingMode.SIMPLE, device.codes)
    assert resumed.chaining_field() == device.chaining_field()
    assert resumed.close() == device.close()


def test_ballot_box_rules(election) -> None:  # type: ignore[no-untyped-def]
    """The pure rules: a ballot gets in once, while voting is open; it is decided once."""
    open_ = ElectionState.OPEN
    encrypted, _ = encrypt(election)
    code, data = encrypted.code_hex, b"the ballot's bytes"
    event = admit_ballot(open_, code=code, data=data, stored_with_code=None, selection_id_taken=False)
    assert event == BoardEvent(BoardKind.BALLOT, code)
    assert admit_ballot(open_, code=code, data=data, stored_with_code=data, selection_id_taken=True) is None
    with pytest.raises(BallotStateError, match="already submitted"):
        admit_ballot(open_, code=code, data=b"other bytes", stored_with_code=data, selection_id_taken=False)
    with pytest.raises(BallotStateError, match="reuses the selection encryption identifier"):
        admit_ballot(open_, code="00" * 32, data=data, stored_with_code=None, selection_id_taken=True)
    with pytest.raises(BallotStateError, match="voting is not open"):
        admit_ballot(ElectionState.CLOSED, code=code, data=data, stored_with_code=None, selection_id_taken=False)
    challenged = decide_ballot(open_, code, [BoardKind.BALLOT], BoardKind.CHALLENGE)
    assert challenged == BoardEvent(BoardKind.CHALLENGE, code)
    with pytest.raises(BallotStateError, match="already challenged"):
        decide_ballot(open_, code, [BoardKind.BALLOT, BoardKind.CHALLENGE], BoardKind.CAST)
    with pytest.raises(BallotStateError, match="no pending ballot"):
        decide_ballot(open_, "00" * 32, [], BoardKind.CAST)
    with pytest.raises(BallotStateError, match="voting is not open"):
        decide_ballot(ElectionState.SETUP, code, [BoardKind.BALLOT], BoardKind.CAST)
    assert close_voting(open_, [code]) == [BoardEvent(BoardKind.CHALLENGE, code), BoardEvent(BoardKind.CLOSE, "")]
    with pytest.raises(BallotStateError, match="voting is not open"):
        close_voting(ElectionState.CLOSED, [])
    assert ballot_decision([BoardKind.BALLOT, BoardKind.CAST]) is BoardKind.CAST
    assert ballot_decision([BoardKind.BALLOT]) is None
    assert transition("e", ElectionState.SETUP, ElectionState.OPEN) is ElectionState.OPEN
    with pytest.raises(BallotStateError, match="cannot become published"):
        transition("e", ElectionState.OPEN, ElectionState.PUBLISHED)
