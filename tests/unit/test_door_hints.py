"""The ballot box checks a ballot sent with its proofs' commitments in one batch: it accepts
exactly the ballots it accepts without them, names the same failure, and keeps the commitments
as the ballot's hints without recomputing any proof."""

from __future__ import annotations

import dataclasses

import pytest

from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP, TEST_GROUP
from nazaha.crypto.proofs.range import RangeProof
from nazaha.election.ballot import EncryptedBallot
from nazaha.errors import BallotError, RecordFormatError
from nazaha.record.hints import decode_hints, encode_hints, encode_submission, split_submission
from nazaha.voting import validate
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import encrypt_ballot, encrypt_ballot_with_hints
from nazaha.voting.validate import validate_ballot
from tests.support.ballots import NORTH
from tests.support.elections import SmallElection, make_election


@pytest.fixture(scope="module")
def election() -> SmallElection:
    """A small election on the standard parameters, where the batch test is sound."""
    return make_election(STANDARD_GROUP, n=3, k=2, seed="door-hints")


def _encrypted(election: SmallElection, seed: str = "door") -> tuple[EncryptedBallot, tuple[int, ...]]:
    rng = SeededRandom(seed)
    context = election.context
    device = EncryptionDevice(context.group, context.extended_hash, "d1", ChainingMode.NONE)
    return encrypt_ballot_with_hints(
        context,
        NORTH,
        selection_id=rng.bytes32(),
        ballot_nonce=rng.bytes32(),
        device=device.device,
        chaining_field=device.chaining_field(),
        encrypted_at="2026-12-04T00:00:00Z",
        rng=rng,
    )


@pytest.fixture
def no_proof_recomputed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every proof the door recomputes one at a time."""
    calls: list[str] = []
    original = validate._one_by_one

    def one_by_one(*args: object, **kwargs: object) -> tuple[int, ...]:
        calls.append("one-by-one")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "_one_by_one", one_by_one)
    return calls


def test_the_device_computes_the_hints_the_door_would(election: SmallElection) -> None:
    ballot, hints = _encrypted(election)
    rng = SeededRandom("door")
    plain = encrypt_ballot(
        election.context,
        NORTH,
        selection_id=rng.bytes32(),
        ballot_nonce=rng.bytes32(),
        device="d1",
        chaining_field=ballot.chaining_field,
        encrypted_at="2026-12-04T00:00:00Z",
        rng=rng,
    )
    assert plain == ballot, "the hints change nothing in the ballot or the random stream"
    assert validate_ballot(election.context, ballot) == hints, "the very commitments the door recomputes"


def test_sent_hints_are_checked_in_one_batch_and_kept(election: SmallElection, no_proof_recomputed: list[str]) -> None:
    ballot, hints = _encrypted(election)
    assert validate_ballot(election.context, ballot, offered=hints) == hints
    assert no_proof_recomputed == [], "no proof was checked one at a time"


def test_wrong_hints_are_set_aside(election: SmallElection, no_proof_recomputed: list[str]) -> None:
    ballot, hints = _encrypted(election)
    group = election.context.group
    for forged in (
        (hints[0] * group.g % group.p, *hints[1:]),  # does not hash to the challenge
        hints[:-1],  # one commitment short
        (group.p - hints[0], *hints[1:]),  # Jacobi symbol -1
    ):
        assert validate_ballot(election.context, ballot, offered=forged) == hints, "recomputed, the ballot is good"
    assert no_proof_recomputed == ["one-by-one"] * 3


def _altered_response(ballot: EncryptedBallot, q: int) -> EncryptedBallot:
    """The first option's range proof with v_0 changed: its commitments no longer recompute."""
    contest = ballot.contests[0]
    selection = contest.selections[0]
    proof = selection.proof
    bad = RangeProof(proof.challenges, ((proof.responses[0] + 1) % q, *proof.responses[1:]))
    selections = (dataclasses.replace(selection, proof=bad), *contest.selections[1:])
    return dataclasses.replace(
        ballot, contests=(dataclasses.replace(contest, selections=selections), *ballot.contests[1:])
    )


def test_hints_that_hash_right_but_break_an_equation_change_no_verdict(
    election: SmallElection, no_proof_recomputed: list[str]
) -> None:
    ballot, hints = _encrypted(election)
    altered = _altered_response(ballot, election.context.group.q)
    with pytest.raises(BallotError) as without:
        validate_ballot(election.context, altered)
    # The honest commitments still hash to the challenges; the altered v_0 breaks eq. 6.1.
    with pytest.raises(BallotError) as sent:
        validate_ballot(election.context, altered, offered=hints)
    assert str(sent.value) == str(without.value)
    assert "range proof does not verify" in str(sent.value)
    assert no_proof_recomputed == ["one-by-one", "one-by-one"]


def test_hints_never_let_a_bad_ballot_in_past_the_non_proof_checks(election: SmallElection) -> None:
    ballot, hints = _encrypted(election)
    with pytest.raises(BallotError, match="confirmation code"):
        validate_ballot(election.context, dataclasses.replace(ballot, confirmation_code=bytes(32)), offered=hints)
    contest = dataclasses.replace(ballot.contests[0], contest_hash=bytes(32))
    with pytest.raises(BallotError, match="contest hash"):
        validate_ballot(
            election.context, dataclasses.replace(ballot, contests=(contest, *ballot.contests[1:])), offered=hints
        )


def test_groups_where_the_batch_is_unsound_check_one_by_one(no_proof_recomputed: list[str]) -> None:
    small = make_election(TEST_GROUP, n=3, k=2, seed="door-hints-toy")
    ballot, hints = _encrypted(small)
    assert validate_ballot(small.context, ballot, offered=hints) == hints
    assert no_proof_recomputed == ["one-by-one"]


def test_the_submission_envelope() -> None:
    group = STANDARD_GROUP
    values = (5, 7, group.p - 1)
    ballot = b'{"a": 1}'
    data = encode_submission(ballot, encode_hints(group, values))
    assert split_submission(data, group) == (ballot, values)
    assert split_submission(ballot, group) == (ballot, None), "a bare ballot file is a submission too"
    assert decode_hints(data[8 + len(ballot) :], group, "h") == values
    for broken, problem in (
        (data[:6], "cut short"),
        (data[:4] + (10**6).to_bytes(4, "big") + data[8:], "does not hold"),
        (data[:-1], "values"),
        (encode_submission(ballot, encode_hints(group, (group.p,))), r"not in \[1, p\)"),
    ):
        with pytest.raises(RecordFormatError, match=problem):
            split_submission(broken, group)
