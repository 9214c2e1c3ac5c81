"""Contest data (spec 2.1.0 §3.3.9, §3.3.10, §3.6.7): write-ins and overvotes encrypted to K-hat.

The known answer of the KDF (eq. 66, PDF p. 40) is written from the spec's byte layout: the
Label ``data_enc_keys`` and Context ``contest_data`` with underscores, as the PDF prints them,
the 4-byte counter from 1, the 4-byte length b_Λ·256 (VECTORS.md A4, A5).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest

from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.ballot import PlaintextBallot
from nazaha.election.manifest import parse_manifest
from nazaha.errors import BallotError, ManifestError
from nazaha.verify import spec_hashes
from nazaha.voting.contest_data import (
    ContestData,
    contest_data_keys,
    decode_contest_data,
    encode_contest_data,
    open_contest_data,
)
from nazaha.voting.encrypt import marked_values, overvoted_contests
from nazaha.voting.opening import open_ballot
from nazaha.voting.validate import validate_ballot
from nazaha.workflows.demo import load_sample_manifest
from nazaha.workflows.workspace import parse_ballot_file
from tests.support.ballots import encrypt
from tests.support.elections import SmallElection, make_election, write_in_manifest

GROUP = STANDARD_GROUP
H_I = bytes(range(32))
CONTEST = 3
ALPHA = pow(GROUP.g, 5, GROUP.p)
BETA = pow(GROUP.g, 7, GROUP.p)
H = "8EA809A7C60B94C9ADACBA0C6A3983AEE9720264274B2A59AEBA1B6B0E796316"
K1 = "29059BC1A51636C7806C6328D9D07C1E1E01CDFF6AAD1746B47C3344B119D944"
K2 = "C3BC2DE0323A3E441E65635BDC332C8AA45AD880E7410F06B0FB96F529E37273"


def _kdf_message(counter: int) -> bytes:
    return bytes.fromhex(
        f"{counter:08X}"  # b(i, 4)
        "646174615F656E635F6B657973"  # Label = b("data_enc_keys", 13)
        "00"
        "636F6E746573745F64617461"  # b("contest_data", 12) ...
        "00000003"  # ... ‖ b(ind_c(Λ), 4)
        "00000200"  # b(b_Λ · 256, 4) for b_Λ = 2
    )


def test_contest_data_kdf_follows_the_spec_bytes() -> None:
    b1 = bytes([0x26]) + CONTEST.to_bytes(4, "big") + ALPHA.to_bytes(512, "big") + BETA.to_bytes(512, "big")
    assert len(b1) == 1029  # len(B1) of eq. (65) in the table of §5.5.3
    h = hmac.new(H_I, b1, hashlib.sha256).digest()
    assert h.hex().upper() == H
    keys = [hmac.new(h, _kdf_message(i), hashlib.sha256).digest().hex().upper() for i in (1, 2)]
    assert keys == [K1, K2]
    assert contest_data_keys(GROUP, H_I, CONTEST, ALPHA, BETA, 2).hex().upper() == K1 + K2
    assert spec_hashes.contest_data_keys(GROUP, H_I, CONTEST, ALPHA, BETA, 2).hex().upper() == K1 + K2


# -- the manifest ---------------------------------------------------------------------------------


def test_a_manifest_declares_write_ins_blocks_and_the_overvote_policy() -> None:
    manifest = write_in_manifest()
    mayor = manifest.contest(1)
    assert mayor.contest_data_blocks == 2 and [o.write_in for o in mayor.options] == [False] * 4 + [True]
    assert manifest.overvote_policy == "refuse" and b"overvote_policy" not in manifest.canonical_bytes
    assert parse_manifest(manifest.canonical_bytes, require_canonical=True) == manifest
    recorded = write_in_manifest("record")
    assert recorded.overvote_policy == "record" and all(c.contest_data_blocks for c in recorded.contests)
    # A manifest without any of it keeps its bytes (and so its H_B).
    sample = load_sample_manifest()
    assert b"write_in" not in sample.canonical_bytes and b"contest_data" not in sample.canonical_bytes


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["contests"][0].pop("contest_data_blocks"), "contests[0].contest_data_blocks"),
        (lambda d: d["contests"][0].update(contest_data_blocks=65), "contests[0].contest_data_blocks"),
        (lambda d: d["contests"][0].update(contest_data_blocks=-1), "contests[0].contest_data_blocks"),
        (lambda d: d.update(overvote_policy="ignore"), "overvote_policy"),
        (lambda d: d.update(overvote_policy="record"), "contests[1].contest_data_blocks"),
    ],
)
def test_bad_contest_data_declarations_are_refused(change: Callable[[dict[str, Any]], object], field: str) -> None:
    doc = json.loads(write_in_manifest().canonical_bytes)
    change(doc)
    with pytest.raises(ManifestError) as error:
        parse_manifest(json.dumps(doc))
    assert error.value.field == field


# -- the byte array D ----------------------------------------------------------------------------


def test_contest_data_encodes_unambiguously() -> None:
    mayor = write_in_manifest().contest(1)
    data = encode_contest_data(mayor, ContestData(overvoted=False, write_ins={"write-in": "سلمى عيسى"}))
    text = "سلمى عيسى".encode()
    assert data == b"\x00" + len(text).to_bytes(2, "big") + text + bytes(64 - 3 - len(text))
    assert decode_contest_data(mayor, data).write_ins == {"write-in": "سلمى عيسى"}
    blank = encode_contest_data(mayor, ContestData(overvoted=True, write_ins={}))
    assert blank == b"\x01" + bytes(63) and decode_contest_data(mayor, blank).overvoted
    with pytest.raises(BallotError, match="more than the 64"):
        encode_contest_data(mayor, ContestData(overvoted=False, write_ins={"write-in": "x" * 62}))
    with pytest.raises(BallotError, match="not a write-in option"):
        encode_contest_data(mayor, ContestData(overvoted=False, write_ins={"karim-nassar": "x"}))
    with pytest.raises(ValueError, match="padding"):
        decode_contest_data(mayor, data[:-1] + b" ")
    with pytest.raises(ValueError, match="status byte"):
        decode_contest_data(mayor, b"\x02" + data[1:])
    assert "سلمى" not in repr(decode_contest_data(mayor, data))


# -- ballots ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def election() -> SmallElection:
    return make_election(seed="contest data", manifest=write_in_manifest())


WRITE_IN = PlaintextBallot(
    "north-district",
    {"mayor": {"write-in": 1}, "council": {"hana-khalil": 1}},
    write_ins={"mayor": {"write-in": "سلمى عيسى"}},
)


def test_a_write_in_is_encrypted_checked_at_the_door_and_opened(election: SmallElection) -> None:
    context = election.context
    ballot, nonce = encrypt(election, WRITE_IN)
    mayor = ballot.contests[0]
    assert mayor.contest_data is not None and len(mayor.contest_data.masked) == 64
    assert all(c.contest_data is None for c in ballot.contests[1:])
    validate_ballot(context, ballot)
    opened = open_ballot(context, ballot, nonce)
    data = opened.contests[0].data
    assert data is not None and opened.contests[0].data_nonce is not None
    assert decode_contest_data(context.manifest.contest(1), data).write_ins == {"write-in": "سلمى عيسى"}
    assert (
        open_contest_data(
            context.group, context.data_key, ballot.id_hash, 1, opened.contests[0].data_nonce, mayor.contest_data
        )
        == data
    )


def test_the_door_refuses_altered_or_missing_contest_data(election: SmallElection) -> None:
    context = election.context
    ballot, _ = encrypt(election, WRITE_IN)
    mayor = ballot.contests[0]
    assert mayor.contest_data is not None
    flipped = bytes([mayor.contest_data.masked[0] ^ 1]) + mayor.contest_data.masked[1:]
    for contest, message in (
        (dataclasses.replace(mayor, contest_data=dataclasses.replace(mayor.contest_data, masked=flipped)), "proof"),
        (dataclasses.replace(mayor, contest_data=None), "asks for contest data"),
    ):
        altered = dataclasses.replace(ballot, contests=(contest, *ballot.contests[1:]))
        with pytest.raises(BallotError, match=message):
            validate_ballot(context, altered)


def test_write_in_texts_need_a_marked_write_in(election: SmallElection) -> None:
    unmarked = PlaintextBallot(
        "north-district", {"mayor": {"karim-nassar": 1}}, write_ins={"mayor": {"write-in": "hidden"}}
    )
    with pytest.raises(BallotError, match="has a text but is not marked"):
        encrypt(election, unmarked)
    elsewhere = PlaintextBallot("north-district", {"mayor": {"karim-nassar": 1}}, write_ins={"council": {"x": "y"}})
    with pytest.raises(BallotError, match="not a write-in option"):
        encrypt(election, elsewhere)


def test_overvotes_are_recorded_only_on_scanned_ballots_where_the_manifest_says_so() -> None:
    over = {"mayor": {"karim-nassar": 1, "amal-haddad": 1}, "council": {"hana-khalil": 1}}
    recording = write_in_manifest("record")
    scanned = PlaintextBallot("north-district", over, scanned=True)
    _, values = marked_values(recording, scanned)
    assert values[1] == [0] * 5 and overvoted_contests(recording, scanned) == {1}
    with pytest.raises(BallotError, match="overvote"):  # a marking device never overvotes
        marked_values(recording, PlaintextBallot("north-district", over))
    with pytest.raises(BallotError, match="overvote"):  # the policy refuse: scanned or not
        marked_values(write_in_manifest(), scanned)
    election = make_election(seed="overvotes", manifest=recording)
    ballot, nonce = encrypt(election, scanned)
    validate_ballot(election.context, ballot)
    opened = open_ballot(election.context, ballot, nonce)
    assert [s.value for s in opened.contests[0].selections] == [0] * 5
    data = opened.contests[0].data
    assert data is not None and decode_contest_data(recording.contest(1), data).overvoted
    council = opened.contests[1].data
    assert council is not None and not decode_contest_data(recording.contest(2), council).overvoted


def test_ballot_files_carry_write_ins_and_the_scanned_flag() -> None:
    data = json.dumps(
        {
            "format": "nazaha-ballots/1",
            "ballots": [
                {
                    "style": "north-district",
                    "votes": {"mayor": {"write-in": 1}},
                    "write_ins": {"mayor": {"write-in": "سلمى عيسى"}},
                    "scanned": True,
                },
                {"style": "south-district", "votes": {}},
            ],
        }
    ).encode()
    first, second = parse_ballot_file(data, "ballots.json")
    assert first.write_ins == {"mayor": {"write-in": "سلمى عيسى"}} and first.scanned
    assert second.write_ins == {} and not second.scanned
