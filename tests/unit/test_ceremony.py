"""ceremony: guardians check each other; a bad share names sender and receiver."""

from __future__ import annotations

import dataclasses

import pytest

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.guardian import Guardian
from nazaha.ceremony.keys import check_guardian_public_key
from nazaha.ceremony.phases import run_key_ceremony
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import TEST_GROUP
from nazaha.crypto.polynomial import lagrange_coefficient
from nazaha.election.guardian import CoefficientProof
from nazaha.election.parameters import ElectionParameters
from nazaha.errors import CeremonyError, ParameterError
from nazaha.workflows.demo import load_sample_manifest


def guardians(n: int = 4, k: int = 3, seed: str = "c") -> tuple[ElectionParameters, list[Guardian]]:
    rng = SeededRandom(seed)
    parameters = ElectionParameters(TEST_GROUP, n, k)
    h_p = parameter_base_hash(parameters)
    return parameters, [Guardian(parameters, h_p, i, f"G{i}", rng) for i in range(1, n + 1)]


def test_shares_reconstruct_the_joint_secret(election) -> None:  # type: ignore[no-untyped-def]
    group = election.context.group
    present = [1, 3, 5]
    secret = (
        sum(
            lagrange_coefficient(group.q, key.index, present) * key.vote_share
            for key in election.keys
            if key.index in present
        )
        % group.q
    )
    assert group.g_pow(secret) == election.context.vote_key
    assert group.g_pow(election.keys[0].vote_share) != election.context.vote_key


def test_secret_values_are_hidden_from_repr(election) -> None:  # type: ignore[no-untyped-def]
    key = election.keys[0]
    assert str(key.vote_share) not in repr(key)
    assert "vote_share" not in repr(key)


def test_bad_share_names_sender_and_receiver() -> None:
    _, members = guardians()
    announcements = [g.announce() for g in members]
    for g in members:
        g.receive_keys(announcements)
    shares = [s for g in members for s in g.share()]
    bad = next(s for s in shares if s.sender == 2 and s.receiver == 3)
    flipped = bytes([bad.masked[0] ^ 1]) + bad.masked[1:]
    tampered = dataclasses.replace(bad, masked=flipped)
    with pytest.raises(CeremonyError) as caught:
        members[2].receive_shares([tampered if s is bad else s for s in shares if s.receiver == 3])
    assert (caught.value.sender, caught.value.receiver) == (2, 3)
    assert "guardian 2" in str(caught.value) and "guardian 3" in str(caught.value)


def test_share_inconsistent_with_commitments_is_caught() -> None:
    _, members = guardians(seed="d")
    announcements = [g.announce() for g in members]
    # Guardian 4 announces commitments that differ from the polynomial it shares.
    forged = dataclasses.replace(
        announcements[3],
        vote_commitments=(announcements[3].vote_commitments[0], TEST_GROUP.g, *announcements[3].vote_commitments[2:]),
    )
    with pytest.raises(CeremonyError) as caught:
        members[0].receive_keys([*announcements[:3], forged])
    assert caught.value.sender == 4


def test_bad_proof_is_refused() -> None:
    parameters, members = guardians(seed="e")
    key = members[1].announce()
    h_p = parameter_base_hash(parameters)
    check_guardian_public_key(parameters, h_p, key)
    wrong = dataclasses.replace(
        key, data_proof=CoefficientProof(key.data_proof.challenge, (1, *key.data_proof.responses[1:]))
    )
    with pytest.raises(CeremonyError, match="'pk_data' proof"):
        check_guardian_public_key(parameters, h_p, wrong)


def test_quorum_larger_than_guardians_is_refused() -> None:
    with pytest.raises(ParameterError, match="quorum must be between 1 and the number of guardians"):
        ElectionParameters(TEST_GROUP, 3, 4)


def test_full_ceremony_produces_consistent_context() -> None:
    parameters, members = guardians(seed="f")
    context, keys = run_key_ceremony(parameters, load_sample_manifest(), members)
    assert [k.index for k in keys] == [1, 2, 3, 4]
    assert all(k.extended_hash == context.extended_hash for k in keys)
    assert context.vote_key == TEST_GROUP.prod(g.vote_key for g in context.guardians)
