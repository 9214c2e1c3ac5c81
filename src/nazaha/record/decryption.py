"""The messages guardians exchange with the service during the decryption (spec §3.6.5).

Three rounds, each one JSON document per guardian: ``commit`` (M_i and d_i for every option
of the tally, and m_i with its proof for every challenged ballot's nonce), ``reveal`` ((a_i,
b_i) for every option, only once every guardian has committed) and ``respond`` (v_i for every
option). The codec checks form and ranges; the administrator checks the cryptography.

Every message is signed by its guardian's Ed25519 key (declared in the guardian's public record
entry) over ``signed_bytes``: the message bound to the election's H_E, the decryption round's
number, the step and the guardian, so that it can be replayed nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from nazaha.crypto.group import Group
from nazaha.crypto.proofs.chaum_pedersen import DecryptionProof
from nazaha.election.tally import (
    ContestDataDecryption,
    DataCommitment,
    DataShare,
    DecryptedContestData,
    GuardianCommitment,
    NonceShare,
    PartialDecryption,
    UnopenedBallot,
)
from nazaha.errors import AuthorizationError, RecordFormatError
from nazaha.record.codec import RECORD_FORMAT, Hex, decode_document

__all__ = [
    "CommitMessage",
    "RoundDocument",
    "decode_commit",
    "decode_contest_data_decryption",
    "decode_respond",
    "decode_respond_data",
    "decode_reveal",
    "decode_reveal_data",
    "decode_round",
    "decode_unopened",
    "encode_commit",
    "encode_contest_data_decryption",
    "encode_respond",
    "encode_reveal",
    "encode_round",
    "encode_unopened",
    "signed_bytes",
    "verify_signature",
]

MESSAGE_FORMAT = "nazaha-decryption/2"
SIGNATURE_CONTEXT = b"nazaha-decryption-message/2"


def signed_bytes(extended_hash: bytes, round_number: int, step: str, guardian: int, body: bytes) -> bytes:
    """What a guardian signs: context ‖ 0x00 ‖ H_E ‖ b(round, 4) ‖ step ‖ 0x00 ‖ b(i, 4) ‖ message."""
    return b"".join(
        (
            SIGNATURE_CONTEXT,
            b"\x00",
            extended_hash,
            round_number.to_bytes(4, "big"),
            step.encode("ascii"),
            b"\x00",
            guardian.to_bytes(4, "big"),
            body,
        )
    )


def verify_signature(public_key: bytes, signature: bytes, message: bytes, who: str) -> None:
    """Raise ``AuthorizationError`` unless ``signature`` is ``public_key``'s Ed25519 signature of
    ``message``."""
    if len(public_key) != 32:
        raise AuthorizationError(f"{who} declared no signing key, so its messages cannot be authenticated")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise AuthorizationError(f"the message is not signed by {who}'s key") from None


OptionKey = tuple[int, int]
_Doc = TypeVar("_Doc", bound=msgspec.Struct)


class _Partial(msgspec.Struct, forbid_unknown_fields=True):
    contest: int
    option: int
    share: str
    commitment_hash: str


class _NonceShare(msgspec.Struct, forbid_unknown_fields=True):
    ballot: str
    share: str
    challenge: str
    response: str


class _DataShare(msgspec.Struct, forbid_unknown_fields=True):
    ballot: str
    contest: int
    share: str
    commitment_hash: str


class _CommitDoc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    format: str
    guardian: int
    present: list[int]
    partials: list[_Partial]
    nonce_shares: list[_NonceShare]
    data_shares: list[_DataShare] = []
    """m_i and d_i for every contest data field of the challenged ballots (§3.6.6); omitted when
    there is none, so a message without contest data keeps the bytes it had before."""


class _Reveal(msgspec.Struct, forbid_unknown_fields=True):
    contest: int
    option: int
    pad: str
    data: str


class _DataReveal(msgspec.Struct, forbid_unknown_fields=True):
    ballot: str
    contest: int
    pad: str
    data: str


class _RevealDoc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    format: str
    guardian: int
    commitments: list[_Reveal]
    data_commitments: list[_DataReveal] = []


class _Response(msgspec.Struct, forbid_unknown_fields=True):
    contest: int
    option: int
    response: str


class _DataResponse(msgspec.Struct, forbid_unknown_fields=True):
    ballot: str
    contest: int
    response: str


class _RespondDoc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    format: str
    guardian: int
    responses: list[_Response]
    data_responses: list[_DataResponse] = []


class CommitMessage(msgspec.Struct, frozen=True):
    guardian: int
    present: tuple[int, ...]
    partials: tuple[PartialDecryption, ...]
    nonce_shares: dict[str, NonceShare]
    """m_i with its proof for each challenged ballot, by confirmation code (uppercase hex)."""
    data_shares: tuple[DataShare, ...] = ()
    """m_i and d_i for each contest data field of the challenged ballots (§3.6.6)."""


def _decode(data: bytes, doc_type: type[_Doc], where: str) -> _Doc:
    try:
        doc = msgspec.json.decode(data, type=doc_type, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise RecordFormatError(where, str(error)) from None
    if getattr(doc, "format", None) != MESSAGE_FORMAT:
        raise RecordFormatError(f"{where}: format", f"expected {MESSAGE_FORMAT!r}")
    return doc


def encode_commit(group: Group, message: CommitMessage) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _CommitDoc(
            format=MESSAGE_FORMAT,
            guardian=message.guardian,
            present=list(message.present),
            partials=[
                _Partial(p.contest_index, p.option_index, hx.fmt_p(p.share), p.commitment_hash.hex().upper())
                for p in message.partials
            ],
            nonce_shares=[
                _NonceShare(code, hx.fmt_p(n.share), hx.fmt_q(n.proof.challenge), hx.fmt_q(n.proof.response))
                for code, n in sorted(message.nonce_shares.items())
            ],
            data_shares=[
                _DataShare(s.key[0], s.key[1], hx.fmt_p(s.share), s.commitment_hash.hex().upper())
                for s in message.data_shares
            ],
        )
    )


def decode_commit(data: bytes, group: Group, where: str = "commit") -> CommitMessage:
    doc = _decode(data, _CommitDoc, where)
    hx = Hex(group, where)
    return CommitMessage(
        guardian=doc.guardian,
        present=tuple(doc.present),
        partials=tuple(
            PartialDecryption(
                guardian=doc.guardian,
                contest_index=p.contest,
                option_index=p.option,
                share=hx.p(p.share, f"partials[{i}].share"),
                commitment_hash=hx.raw(p.commitment_hash, 32, f"partials[{i}].commitment_hash"),
            )
            for i, p in enumerate(doc.partials)
        ),
        nonce_shares={
            s.ballot: NonceShare(
                doc.guardian,
                hx.p(s.share, f"nonce_shares[{i}].share"),
                DecryptionProof(
                    hx.q(s.challenge, f"nonce_shares[{i}].challenge"), hx.q(s.response, f"nonce_shares[{i}].response")
                ),
            )
            for i, s in enumerate(doc.nonce_shares)
        },
        data_shares=tuple(
            DataShare(
                doc.guardian,
                (_code(hx, s.ballot, f"data_shares[{i}].ballot"), s.contest),
                hx.p(s.share, f"data_shares[{i}].share"),
                hx.raw(s.commitment_hash, 32, f"data_shares[{i}].commitment_hash"),
            )
            for i, s in enumerate(doc.data_shares)
        ),
    )


def _code(hx: Hex, text: str, field: str) -> str:
    """A confirmation code in uppercase hex (64 digits)."""
    return hx.raw(text, 32, field).hex().upper()


def encode_reveal(
    group: Group,
    guardian: int,
    commitments: list[GuardianCommitment],
    data_commitments: Sequence[DataCommitment] = (),
) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _RevealDoc(
            format=MESSAGE_FORMAT,
            guardian=guardian,
            commitments=[
                _Reveal(c.contest_index, c.option_index, hx.fmt_p(c.pad_commitment), hx.fmt_p(c.data_commitment))
                for c in commitments
            ],
            data_commitments=[
                _DataReveal(c.key[0], c.key[1], hx.fmt_p(c.pad_commitment), hx.fmt_p(c.data_commitment))
                for c in data_commitments
            ],
        )
    )


def decode_reveal(data: bytes, group: Group, where: str = "reveal") -> tuple[int, list[GuardianCommitment]]:
    doc = _decode(data, _RevealDoc, where)
    hx = Hex(group, where)
    return doc.guardian, [
        GuardianCommitment(
            guardian=doc.guardian,
            contest_index=c.contest,
            option_index=c.option,
            pad_commitment=hx.p(c.pad, f"commitments[{i}].pad"),
            data_commitment=hx.p(c.data, f"commitments[{i}].data"),
        )
        for i, c in enumerate(doc.commitments)
    ]


def decode_reveal_data(data: bytes, group: Group, where: str = "reveal") -> list[DataCommitment]:
    """The (a_i, b_i) of a reveal message for the contest data fields (§3.6.6, eq. 98)."""
    doc = _decode(data, _RevealDoc, where)
    hx = Hex(group, where)
    return [
        DataCommitment(
            doc.guardian,
            (_code(hx, c.ballot, f"data_commitments[{i}].ballot"), c.contest),
            hx.p(c.pad, f"data_commitments[{i}].pad"),
            hx.p(c.data, f"data_commitments[{i}].data"),
        )
        for i, c in enumerate(doc.data_commitments)
    ]


def encode_respond(
    group: Group,
    guardian: int,
    responses: dict[OptionKey, int],
    data_responses: Mapping[tuple[str, int], int] | None = None,
) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _RespondDoc(
            format=MESSAGE_FORMAT,
            guardian=guardian,
            responses=[_Response(k[0], k[1], hx.fmt_q(v)) for k, v in sorted(responses.items())],
            data_responses=[_DataResponse(k[0], k[1], hx.fmt_q(v)) for k, v in sorted((data_responses or {}).items())],
        )
    )


def decode_respond(data: bytes, group: Group, where: str = "respond") -> tuple[int, dict[OptionKey, int]]:
    doc = _decode(data, _RespondDoc, where)
    hx = Hex(group, where)
    return doc.guardian, {
        (r.contest, r.option): hx.q(r.response, f"responses[{i}].response") for i, r in enumerate(doc.responses)
    }


def decode_respond_data(data: bytes, group: Group, where: str = "respond") -> dict[tuple[str, int], int]:
    """The v_i of a response message for the contest data fields (§3.6.6, eq. 102)."""
    doc = _decode(data, _RespondDoc, where)
    hx = Hex(group, where)
    result: dict[tuple[str, int], int] = {}
    for i, r in enumerate(doc.data_responses):
        key = (_code(hx, r.ballot, f"data_responses[{i}].ballot"), r.contest)
        if key in result:
            raise hx.fail(f"data_responses[{i}]", "a second response for the same contest data")
        result[key] = hx.q(r.response, f"data_responses[{i}].response")
    return result


# -- rounds and unopened ballots ----------------------------------------------------------------

ROUND_FORMAT = RECORD_FORMAT


class _RoundDoc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    format: str
    round: int
    present: list[int]
    started_at: str
    abandons: int = 0


class RoundDocument(msgspec.Struct, frozen=True):
    """A decryption round: its number, the guardians named, when, and the round it abandons (0: none)."""

    round: int
    present: tuple[int, ...]
    started_at: str
    abandons: int


def encode_round(number: int, present: list[int], started_at: str, *, abandons: int = 0) -> bytes:
    return msgspec.json.encode(_RoundDoc(ROUND_FORMAT, number, list(present), started_at, abandons))


def decode_round(data: bytes, where: str = "decryption round") -> RoundDocument:
    doc = decode_document(data, _RoundDoc, where)
    if doc.round < 1 or not 0 <= doc.abandons < doc.round or sorted(set(doc.present)) != doc.present:
        raise RecordFormatError(where, "round, abandons or present out of range or order")
    return RoundDocument(doc.round, tuple(doc.present), doc.started_at, doc.abandons)


UNOPENED_FORMAT = RECORD_FORMAT


class _NonceShareOf(msgspec.Struct, forbid_unknown_fields=True):
    guardian: int
    share: str
    challenge: str
    response: str


class _UnopenedDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    confirmation_code: str
    shares: list[_NonceShareOf]


def encode_unopened(group: Group, unopened: UnopenedBallot) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _UnopenedDoc(
            UNOPENED_FORMAT,
            unopened.confirmation_code.hex().upper(),
            [
                _NonceShareOf(s.guardian, hx.fmt_p(s.share), hx.fmt_q(s.proof.challenge), hx.fmt_q(s.proof.response))
                for s in unopened.shares
            ],
        )
    )


def decode_unopened(data: bytes, group: Group, where: str) -> UnopenedBallot:
    doc = decode_document(data, _UnopenedDoc, where)
    hx = Hex(group, where)
    return UnopenedBallot(
        hx.raw(doc.confirmation_code, 32, "confirmation_code"),
        tuple(
            NonceShare(
                s.guardian,
                hx.p(s.share, f"shares[{i}].share"),
                DecryptionProof(hx.q(s.challenge, f"shares[{i}].challenge"), hx.q(s.response, f"shares[{i}].response")),
            )
            for i, s in enumerate(doc.shares)
        ),
    )


# -- the guardians' decryption of challenged ballots' contest data (§3.6.6) -----------------------


class _ContestDataDecryptionDoc(msgspec.Struct, forbid_unknown_fields=True):
    contest: int
    beta: str
    challenge: str
    response: str
    data: str


class _DecryptedContestDataDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    confirmation_code: str
    contests: list[_ContestDataDecryptionDoc]


def encode_contest_data_decryption(group: Group, decrypted: DecryptedContestData) -> bytes:
    """``contest_data/<code>.json``: β, (c, v) and D for each contest data field of one challenged ballot."""
    hx = Hex(group, "")
    return msgspec.json.encode(
        _DecryptedContestDataDoc(
            RECORD_FORMAT,
            decrypted.confirmation_code.hex().upper(),
            [
                _ContestDataDecryptionDoc(
                    c.contest_index,
                    hx.fmt_p(c.beta),
                    hx.fmt_q(c.proof.challenge),
                    hx.fmt_q(c.proof.response),
                    c.data.hex().upper(),
                )
                for c in decrypted.contests
            ],
        )
    )


def decode_contest_data_decryption(data: bytes, group: Group, where: str) -> DecryptedContestData:
    """The inverse of ``encode_contest_data_decryption``. β is checked below p only, and c and v
    not at all beyond their width (Verification 12.A and the subgroup are the verifier's)."""
    doc = decode_document(data, _DecryptedContestDataDoc, where)
    hx = Hex(group, where)
    contests = []
    for i, c in enumerate(doc.contests):
        field = f"contests[{i}]"
        if not c.data or len(c.data) % 64:
            raise hx.fail(f"{field}.data", "contest data is a non-empty whole number of 32-byte blocks")
        contests.append(
            ContestDataDecryption(
                c.contest,
                hx.p(c.beta, f"{field}.beta"),
                DecryptionProof(
                    hx.q_width(c.challenge, f"{field}.challenge"),
                    hx.q_width(c.response, f"{field}.response"),
                ),
                hx.raw(c.data, len(c.data) // 2, f"{field}.data"),
            )
        )
    return DecryptedContestData(hx.raw(doc.confirmation_code, 32, "confirmation_code"), tuple(contests))
