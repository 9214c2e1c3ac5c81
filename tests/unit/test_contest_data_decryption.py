"""The guardians decrypt contest data with a joint proof (spec 2.1.0 §3.6.6, eqs. 96-106), and
the result passes the equations of Verification 12, recomputed with the verifier's own hashes."""

from __future__ import annotations

import dataclasses

import pytest

from nazaha.crypto.nonces import SeededRandom
from nazaha.election.ballot import PlaintextBallot
from nazaha.errors import DecryptionError
from nazaha.record.decryption import (
    CommitMessage,
    decode_commit,
    decode_respond_data,
    encode_commit,
    encode_respond,
    encode_reveal,
)
from nazaha.tallying.contest_data import (
    check_data_commit,
    check_data_response,
    check_data_reveal,
    combine_contest_data,
    contest_data_items,
    decrypt_contest_data,
)
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


def test_the_ballot_box_checks_each_message_part_before_it_stores_it(election: SmallElection) -> None:
    """What ``Rounds`` applies to each guardian's commit, reveal and respond (remote decryption)."""
    context = election.context
    ballot, _ = encrypt(election, WRITE_IN)
    items = contest_data_items([ballot])
    present = [1, 2, 4]
    guardians = [g.contest_data() for g in _guardians(election, present, seed="box")]
    shares = [s for g in guardians for s in g.commit(items, present)]
    check_data_commit(context, items, 1, [s for s in shares if s.guardian == 1])
    with pytest.raises(DecryptionError, match="exactly one share"):
        check_data_commit(context, items, 1, [])
    commitments = [c for g in guardians for c in g.reveal(shares)]
    mine = [c for c in commitments if c.guardian == 2]
    check_data_reveal(context, items, present, shares, 2, mine)
    swapped = [dataclasses.replace(c, pad_commitment=c.data_commitment, data_commitment=c.pad_commitment) for c in mine]
    with pytest.raises(DecryptionError, match="does not match its commitment hash"):
        check_data_reveal(context, items, present, shares, 2, swapped)
    responses = {g.index: g.respond(shares, commitments) for g in guardians}
    keys = _keys(election)
    check_data_response(context, items, present, shares, commitments, 4, responses[4], keys[4])
    wrong = {key: (v + 1) % context.group.q for key, v in responses[4].items()}
    with pytest.raises(DecryptionError, match="guardian 4's share or response"):
        check_data_response(context, items, present, shares, commitments, 4, wrong, keys[4])


def test_the_messages_carry_the_contest_data_parts_and_keep_their_bytes_without(election: SmallElection) -> None:
    context = election.context
    group = context.group
    ballot, _ = encrypt(election, WRITE_IN)
    items = contest_data_items([ballot])
    guardian = _guardians(election, [1], seed="codec")[0].contest_data()
    shares = guardian.commit(items, [1, 2, 3])
    message = CommitMessage(1, (1, 2, 3), (), {}, tuple(shares))
    assert decode_commit(encode_commit(group, message), group).data_shares == tuple(shares)
    assert b"data_shares" not in encode_commit(group, CommitMessage(1, (1, 2, 3), (), {}))
    assert b"data_commitments" not in encode_reveal(group, 1, [])
    assert b"data_responses" not in encode_respond(group, 1, {})
    responses = {items[0].key: 5}
    assert decode_respond_data(encode_respond(group, 1, {}, responses), group) == responses
