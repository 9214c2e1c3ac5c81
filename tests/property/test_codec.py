"""The record codec round-trips every ballot exactly and canonically."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nazaha.crypto.nonces import SeededRandom
from nazaha.election.ballot import BallotState
from nazaha.record.codec import decode_ballot, encode_ballot
from nazaha.workflows.demo import generate_ballots
from tests.support.ballots import encrypt


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from([BallotState.CAST, BallotState.CHALLENGED, None]))
def test_ballot_round_trip(election, seed: int, state: BallotState | None) -> None:  # type: ignore[no-untyped-def]
    plaintext = generate_ballots(election.manifest, 1, SeededRandom(str(seed)))[0]
    ballot, _ = encrypt(election, plaintext, seed=str(seed))
    labels = {i: c.label for i, c in election.manifest.iter_contests()}
    data = encode_ballot(election.context.group, ballot, state, labels)
    decoded = decode_ballot(data, election.context.group, "b.json")
    assert decoded.ballot == ballot and decoded.state == state
    assert encode_ballot(election.context.group, decoded.ballot, decoded.state, labels) == data
