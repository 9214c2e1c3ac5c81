"""tallying: cast ballots only, k of n guardians, misbehaving guardians are named."""

from __future__ import annotations

import pytest

from nazaha.crypto.nonces import SeededRandom
from nazaha.election.ballot import BallotState, PlaintextBallot, SubmittedBallot
from nazaha.election.tally import DecryptedTally
from nazaha.errors import BallotStateError, DecryptionError, QuorumError
from nazaha.tallying.aggregate import aggregate_ballots
from nazaha.tallying.decrypt import DecryptingGuardian, decrypt_ballot_nonce, decrypt_tally
from tests.support.ballots import encrypt

BALLOTS = [
    PlaintextBallot("north-district", {"mayor": {"amal-haddad": 1}, "parks-referendum": {"yes": 1}}),
    PlaintextBallot("south-district", {"mayor": {"amal-haddad": 1}, "south-district-seat": {"walid-ayoub": 1}}),
    PlaintextBallot("north-district", {"mayor": {"layla-mansour": 1}, "council": {"omar-saleh": 1, "nour-hamdan": 1}}),
]


@pytest.fixture(scope="module")
def cast(election):  # type: ignore[no-untyped-def]
    return [SubmittedBallot(encrypt(election, b, seed=str(i))[0], BallotState.CAST) for i, b in enumerate(BALLOTS)]


def counts(tally: DecryptedTally) -> dict[tuple[str, str], int]:
    return {(c.label, o.label): o.value for c in tally.contests for o in c.options if o.value}


@pytest.mark.parametrize("present", [(1, 2, 3), (3, 4, 5), (1, 3, 5), (1, 2, 3, 4, 5)])
def test_any_quorum_decrypts_the_same_tally(election, cast, present) -> None:  # type: ignore[no-untyped-def]
    tally = aggregate_ballots(election.context.group, election.manifest, cast)
    rng = SeededRandom("d")
    guardians = [DecryptingGuardian(election.context, election.keys[i - 1], rng) for i in present]
    result = decrypt_tally(election.context, tally, guardians)
    assert result.guardians_present == tuple(sorted(present))
    assert counts(result) == {
        ("mayor", "amal-haddad"): 2,
        ("mayor", "layla-mansour"): 1,
        ("parks-referendum", "yes"): 1,
        ("south-district-seat", "walid-ayoub"): 1,
        ("council", "omar-saleh"): 1,
        ("council", "nour-hamdan"): 1,
    }


def test_fewer_than_quorum_is_refused(election, cast) -> None:  # type: ignore[no-untyped-def]
    tally = aggregate_ballots(election.context.group, election.manifest, cast)
    guardians = [DecryptingGuardian(election.context, election.keys[i], SeededRandom("q")) for i in (0, 1)]
    with pytest.raises(QuorumError, match="2 guardian\\(s\\) present, but the quorum is 3 of 5"):
        decrypt_tally(election.context, tally, guardians)


def test_challenged_ballots_are_never_tallied(election, cast) -> None:  # type: ignore[no-untyped-def]
    challenged = SubmittedBallot(cast[0].ballot, BallotState.CHALLENGED)
    with pytest.raises(BallotStateError, match="challenged and must not be tallied"):
        aggregate_ballots(election.context.group, election.manifest, [cast[1], challenged])


def test_guardian_with_a_wrong_key_is_refused(election) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    wrong = dataclasses.replace(
        election.keys[0], vote_share=(election.keys[0].vote_share + 1) % election.context.group.q
    )
    with pytest.raises(DecryptionError, match="does not match the election's commitments"):
        DecryptingGuardian(election.context, wrong, SeededRandom("w"))
    foreign = dataclasses.replace(election.keys[0], extended_hash=bytes(32))
    with pytest.raises(DecryptionError, match="another election"):
        DecryptingGuardian(election.context, foreign, SeededRandom("w"))


def test_commitments_are_not_revealed_early(election, cast) -> None:  # type: ignore[no-untyped-def]
    tally = aggregate_ballots(election.context.group, election.manifest, cast)
    rng = SeededRandom("r")
    guardians = [DecryptingGuardian(election.context, election.keys[i - 1], rng) for i in (1, 2, 3)]
    own = guardians[0].commit(tally, [1, 2, 3])
    with pytest.raises(DecryptionError, match="will not reveal"):
        guardians[0].reveal(own)


def test_tampered_reveal_halts_the_protocol(election, cast) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    tally = aggregate_ballots(election.context.group, election.manifest, cast)
    rng = SeededRandom("t")
    guardians = [DecryptingGuardian(election.context, election.keys[i - 1], rng) for i in (1, 2, 3)]
    partials = [p for g in guardians for p in g.commit(tally, [1, 2, 3])]
    reveals = [c for g in guardians for c in g.reveal(partials)]
    reveals[len(reveals) // 2] = dataclasses.replace(
        reveals[len(reveals) // 2], pad_commitment=election.context.group.g
    )
    with pytest.raises(DecryptionError, match="does not match its hash"):
        guardians[0].respond(partials, reveals)


def test_ballot_nonce_is_recovered_by_a_quorum(election) -> None:  # type: ignore[no-untyped-def]
    encrypted, nonce = encrypt(election, BALLOTS[0], seed="n")
    rng = SeededRandom("n2")
    guardians = [DecryptingGuardian(election.context, election.keys[i - 1], rng) for i in (2, 4, 5)]
    assert decrypt_ballot_nonce(election.context, encrypted, guardians) == nonce
