"""The messages guardians exchange with the service during the decryption (spec §3.6.5).

Three rounds, each one JSON document per guardian: ``commit`` (M_i and d_i for every option
of the tally, and m_i for every challenged ballot's nonce), ``reveal`` ((a_i, b_i) for every
option, only once every guardian has committed) and ``respond`` (v_i for every option). The
codec checks form and ranges; the administrator checks the cryptography.
"""

from __future__ import annotations

import msgspec

from nazaha.crypto.group import Group
from nazaha.election.tally import GuardianCommitment, PartialDecryption
from nazaha.errors import RecordFormatError
from nazaha.record.codec import Hex

__all__ = [
    "CommitMessage",
    "decode_commit",
    "decode_respond",
    "decode_reveal",
    "encode_commit",
    "encode_respond",
    "encode_reveal",
]

MESSAGE_FORMAT = "nazaha-decryption/1"

OptionKey = tuple[int, int]


class _Partial(msgspec.Struct, forbid_unknown_fields=True):
    contest: int
    option: int
    share: str
    commitment_hash: str


class _NonceShare(msgspec.Struct, forbid_unknown_fields=True):
    ballot: str
    share: str


class _CommitDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    guardian: int
    present: list[int]
    partials: list[_Partial]
    nonce_shares: list[_NonceShare]


class _Reveal(msgspec.Struct, forbid_unknown_fields=True):
    contest: int
    option: int
    pad: str
    data: str


class _RevealDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    guardian: int
    commitments: list[_Reveal]


class _Response(msgspec.Struct, forbid_unknown_fields=True):
    contest: int
    option: int
    response: str


class _RespondDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    guardian: int
    responses: list[_Response]


class CommitMessage(msgspec.Struct, frozen=True):
    guardian: int
    present: tuple[int, ...]
    partials: tuple[PartialDecryption, ...]
    nonce_shares: dict[str, int]
    """m_i for each challenged ballot, by confirmation code (uppercase hex)."""


def _decode(data: bytes, doc_type: type[msgspec.Struct], where: str) -> msgspec.Struct:
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
            nonce_shares=[_NonceShare(code, hx.fmt_p(share)) for code, share in sorted(message.nonce_shares.items())],
        )
    )


def decode_commit(data: bytes, group: Group, where: str = "commit") -> CommitMessage:
    doc = _decode(data, _CommitDoc, where)
    assert isinstance(doc, _CommitDoc)
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
        nonce_shares={s.ballot: hx.p(s.share, f"nonce_shares[{i}].share") for i, s in enumerate(doc.nonce_shares)},
    )


def encode_reveal(group: Group, guardian: int, commitments: list[GuardianCommitment]) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _RevealDoc(
            format=MESSAGE_FORMAT,
            guardian=guardian,
            commitments=[
                _Reveal(c.contest_index, c.option_index, hx.fmt_p(c.pad_commitment), hx.fmt_p(c.data_commitment))
                for c in commitments
            ],
        )
    )


def decode_reveal(data: bytes, group: Group, where: str = "reveal") -> tuple[int, list[GuardianCommitment]]:
    doc = _decode(data, _RevealDoc, where)
    assert isinstance(doc, _RevealDoc)
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


def encode_respond(group: Group, guardian: int, responses: dict[OptionKey, int]) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _RespondDoc(
            format=MESSAGE_FORMAT,
            guardian=guardian,
            responses=[_Response(k[0], k[1], hx.fmt_q(v)) for k, v in sorted(responses.items())],
        )
    )


def decode_respond(data: bytes, group: Group, where: str = "respond") -> tuple[int, dict[OptionKey, int]]:
    doc = _decode(data, _RespondDoc, where)
    assert isinstance(doc, _RespondDoc)
    hx = Hex(group, where)
    return doc.guardian, {
        (r.contest, r.option): hx.q(r.response, f"responses[{i}].response") for i, r in enumerate(doc.responses)
    }
