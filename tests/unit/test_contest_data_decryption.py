"""The guardians decrypt contest data with a joint proof (spec 2.1.0 §3.6.6, eqs. 96-106), and
the result passes the equations of Verification 12, recomputed with the verifier's own hashes."""

from __future__ import annotations

import dataclasses

import pytest

from nazaha.crypto.nonces import SeededRandom
from nazaha.election.ballot import PlaintextBallot
from nazaha.errors import DecryptionError
from nazaha.tallying.contest_data import combine_contest_data, contest_data_items, decrypt_contest_data
from nazaha.tallying.decrypt import DecryptingGuardian, data_share_key
from nazaha.verify import spec_hashes
from nazaha.voting.opening import open_ballot
from tests.support.ballots import encrypt
from tests.support.elections import SmallElection, make_election, write_in_manifest

WRITE_IN = PlaintextBallot(
    "north-district",
    {"mayor": {"write-in": 1}, "council": {"hana-khalil": 1}},
    write_ins={"mayor": {"write-in": "Salma Issa"}},
)


@pytest.fixture(scope="module")
def election() -> SmallElection:
    return make_election(seed="contest data decryption", manifest=write_in_manifest())


def _guardians(election: SmallElection, present: list[int], seed: str = "g") -> list[DecryptingGuardian]:
    return [DecryptingGuardian(election.context, election.keys[i - 1], SeededRandom(f"{seed}/{i}")) for i in present]


def _keys(election: SmallElection) -> dict[int, int]:
    return {i: data_share_key(election.context, i) for i in range(1, election.context.parameters.guardians + 1)}


def test_a_quorum_decrypts_the_contest_data_and_verification_12_holds(election: SmallElection) -> None:
    context = election.context
    group = context.group
    ballot, nonce = encrypt(election, WRITE_IN)
    opened = open_ballot(context, ballot, nonce)
    encrypted = ballot.contests[0].contest_data
    assert encrypted is not None
    results = []
    for present in ([1, 3, 5], [2, 4, 5]):
        guardians = [g.contest_data() for g in _guardians(election, present)]
        decrypted = decrypt_contest_data(context, [ballot], guardians, _keys(election))
        assert list(decrypted) == [ballot.code_hex]
        (entry,) = decrypted[ballot.code_hex].contests
        assert entry.contest_index == 1 and entry.data == opened.contests[0].data
        assert "Salma" not in repr(entry)
        # Verification 12 with the verifier's hashes: (12.1), (12.2), (12.B), (12.3)-(12.C).
        c, v = entry.proof.challenge, entry.proof.response
        a = group.mul(group.g_pow(v), group.pow(context.data_key, c))
        b = group.pow_pair(encrypted.pad, v, entry.beta, c)
        c2 = (encrypted.proof.challenge, encrypted.proof.response)
        assert c == spec_hashes.contest_data_decryption_challenge(
            group, ballot.id_hash, 1, encrypted.pad, encrypted.masked, c2, a, b, entry.beta
        )
        keys = spec_hashes.contest_data_keys(group, ballot.id_hash, 1, encrypted.pad, entry.beta, 2)
        assert bytes(x ^ y for x, y in zip(encrypted.masked, keys, strict=True)) == entry.data
        results.append(entry.beta)
    assert results[0] == results[1]  # β = K-hat^ξ whichever quorum decrypts


def test_a_guardian_refuses_contest_data_whose_proof_fails(election: SmallElection) -> None:
    ballot, _ = encrypt(election, WRITE_IN)
    mayor = ballot.contests[0]
    assert mayor.contest_data is not None
    flipped = bytes([mayor.contest_data.masked[0] ^ 1]) + mayor.contest_data.masked[1:]
    altered = dataclasses.replace(
        ballot,
        contests=(
            dataclasses.replace(mayor, contest_data=dataclasses.replace(mayor.contest_data, masked=flipped)),
            *ballot.contests[1:],
        ),
    )
    guardian = _guardians(election, [1])[0].contest_data()
    with pytest.raises(DecryptionError, match=r"eq\. 69.*refuses"):
        guardian.commit(contest_data_items([altered]), [1, 2, 3])


def test_a_wrong_response_or_an_early_reveal_is_refused_naming_the_guardian(election: SmallElection) -> None:
    context = election.context
    ballot, _ = encrypt(election, WRITE_IN)
    items = contest_data_items([ballot])
    guardians = [g.contest_data() for g in _guardians(election, [1, 2, 3], seed="w")]
    shares = [s for g in guardians for s in g.commit(items, [1, 2, 3])]
    with pytest.raises(DecryptionError, match="will not reveal"):
        guardians[0].reveal(shares[:1])
    commitments = [c for g in guardians for c in g.reveal(shares)]
    responses = {g.index: g.respond(shares, commitments) for g in guardians}
    key = items[0].key
    responses[2] = {key: (responses[2][key] + 1) % context.group.q}
    with pytest.raises(DecryptionError, match="guardian 2's share or response"):
        combine_contest_data(context, items, [1, 2, 3], shares, commitments, responses, _keys(election))


def test_a_ballot_without_contest_data_needs_no_decryption() -> None:
    plain = make_election(seed="no contest data")
    ballot, _ = encrypt(plain)
    guardians = [g.contest_data() for g in _guardians(plain, [1, 2, 3])]
    assert decrypt_contest_data(plain.context, [ballot], guardians, _keys(plain)) == {}
