"""The canonical JSON codec of election record files.

Every record file is canonical JSON as the 2.1 serialization draft defines it: UTF-8, no
whitespace, properties in a fixed order, optional properties omitted. Integers mod p are
uppercase hex of exactly 2·l_p digits, integers mod q and hashes of exactly 2·l_q and 64
digits. Every file starts with a ``format`` property naming this codec's version.

Decoding is strict: unknown properties, wrong types, wrong hex widths, lowercase hex, values
out of [0, p) or [0, q) and non-canonical bytes are all refused with ``RecordFormatError``
naming the file and the field. Decoding does not check subgroup membership; whoever uses a
value from outside checks that (the verifier as part of its checks, the workflows on load).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.group import Group
from nazaha.crypto.params import group_by_name
from nazaha.crypto.proofs.chaum_pedersen import DecryptionProof
from nazaha.crypto.proofs.range import RangeProof
from nazaha.crypto.proofs.schnorr import SchnorrProof
from nazaha.election.ballot import (
    BallotState,
    EncryptedBallot,
    EncryptedContest,
    EncryptedContestData,
    EncryptedNonce,
    EncryptedSelection,
    SubmittedBallot,
)
from nazaha.election.eligibility import UNSIGNED, BallotSignatures
from nazaha.election.guardian import CoefficientProof, GuardianPublicKey
from nazaha.election.parameters import SPEC_VERSION, ElectionParameters
from nazaha.election.tally import (
    ChallengedBallot,
    ChallengedContest,
    ChallengedSelection,
    DecryptedContest,
    DecryptedOption,
    DecryptedTally,
    EncryptedTally,
    EncryptedTallyContest,
)
from nazaha.errors import ParameterError, RecordFormatError
from nazaha.record.stream import Field, StreamedDocument, encode_streamed, stream_document

__all__ = [
    "RECORD_FORMAT",
    "DecodedBallot",
    "DeviceLog",
    "ElectionHashes",
    "Hex",
    "RecordIndex",
    "decode_ballot",
    "decode_challenged",
    "decode_device",
    "decode_document",
    "decode_encrypted_tally",
    "decode_guardian",
    "decode_hashes",
    "decode_parameters",
    "decode_record_index",
    "decode_tally",
    "encode_ballot",
    "encode_challenged",
    "encode_device",
    "encode_device_stream",
    "encode_encrypted_tally",
    "encode_guardian",
    "encode_hashes",
    "encode_parameters",
    "encode_record_index",
    "encode_tally",
    "stream_device",
    "stream_record_index",
]

RECORD_FORMAT = "nazaha-record/1"
PENDING = "pending"

_UPPER_HEX = re.compile(r"[0-9A-F]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

T = TypeVar("T")


# -- wire structs ---------------------------------------------------------------------------------


class _Struct(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class _GroupDoc(_Struct):
    name: str
    p: str
    q: str
    r: str
    g: str


class _ParametersDoc(_Struct):
    format: str
    spec_version: str
    group: _GroupDoc
    guardians: int
    quorum: int


class _HashesDoc(_Struct):
    format: str
    parameter_hash: str
    base_hash: str
    extended_hash: str
    vote_key: str
    data_key: str


class _CoefficientProofDoc(_Struct):
    challenge: str
    responses: list[str]


class _GuardianDoc(_Struct):
    format: str
    index: int
    name: str
    vote_commitments: list[str]
    vote_proof: _CoefficientProofDoc
    data_commitments: list[str]
    data_proof: _CoefficientProofDoc
    communication_key: str
    signing_key: str = ""


class _RangeProofDoc(_Struct):
    challenges: list[str]
    responses: list[str]


class _SelectionDoc(_Struct):
    option: int
    pad: str
    data: str
    proof: _RangeProofDoc


class _ContestDataDoc(_Struct):
    pad: str
    masked: str
    challenge: str
    response: str


class _ContestDoc(_Struct):
    contest: int
    label: str
    selections: list[_SelectionDoc]
    proof: _RangeProofDoc
    contest_hash: str
    contest_data: _ContestDataDoc | None = None


class _NonceDoc(_Struct):
    pad: str
    masked: str
    challenge: str
    response: str


class _BallotDoc(_Struct):
    format: str
    state: str
    confirmation_code: str
    selection_id: str
    id_hash: str
    style: int
    device: str
    encrypted_at: str
    chaining_field: str
    contests: list[_ContestDoc]
    encrypted_nonce: _NonceDoc
    credential: str = ""
    credential_signature: str = ""
    device_signature: str = ""


class _TallyOptionDoc(_Struct):
    option: int
    label: str
    pad: str
    data: str


class _TallyContestDoc(_Struct):
    contest: int
    label: str
    options: list[_TallyOptionDoc]


class _EncryptedTallyDoc(_Struct):
    format: str
    cast_ballots: int
    contests: list[_TallyContestDoc]


class _DecryptedOptionDoc(_Struct):
    option: int
    label: str
    value: int
    value_power: str
    challenge: str
    response: str


class _DecryptedContestDoc(_Struct):
    contest: int
    label: str
    options: list[_DecryptedOptionDoc]


class _TallyDoc(_Struct):
    format: str
    cast_ballots: int
    guardians_present: list[int]
    contests: list[_DecryptedContestDoc]


class _ChallengedSelectionDoc(_Struct):
    option: int
    label: str
    nonce: str
    value: int


class _ChallengedContestDoc(_Struct):
    contest: int
    label: str
    selections: list[_ChallengedSelectionDoc]
    data_nonce: str = ""
    data: str = ""


class _ChallengedDoc(_Struct):
    format: str
    confirmation_code: str
    contests: list[_ChallengedContestDoc]


class DeviceLog(_Struct):
    """A voting device's ordered list of confirmation codes (spec §3.7) and its chain."""

    format: str
    device: str
    chaining: str
    """``"none"`` or ``"simple"`` (spec §3.4.4)."""
    ballots: list[str]
    """Confirmation codes in the order the device produced them."""
    closing_hash: str = ""
    """H of eq. (77), for simple chaining."""


class RecordIndex(_Struct):
    """``record.json``: written last, it lists every file of the record with its SHA-256."""

    format: str
    spec_version: str
    election: str
    created: str
    files: dict[str, str]
    ballots: int
    cast: int
    challenged: int
    board_head: str
    """The hash of the bulletin board's last entry (``board.json``)."""


# -- hex fields -----------------------------------------------------------------------------------


class Hex:
    """Parses and formats the fixed-width hex fields of one file, naming fields in errors."""

    def __init__(self, group: Group, where: str) -> None:
        self.group = group
        self.where = where

    def fail(self, field: str, problem: str) -> RecordFormatError:
        return RecordFormatError(f"{self.where}: {field}", problem)

    def _digits(self, text: str, width: int, field: str) -> int:
        if len(text) != width or not _UPPER_HEX.fullmatch(text):
            raise self.fail(field, f"expected {width} uppercase hex digits")
        return int(text, 16)

    def p(self, text: str, field: str) -> int:
        """An integer mod p; checks 0 <= x < p (not subgroup membership)."""
        value = self._digits(text, 2 * self.group.p_bytes, field)
        if value >= self.group.p:
            raise self.fail(field, "value is not below p")
        return value

    def q(self, text: str, field: str) -> int:
        """An integer mod q; checks 0 <= x < q."""
        value = self._digits(text, 2 * self.group.q_bytes, field)
        if value >= self.group.q:
            raise self.fail(field, "value is not below q")
        return value

    def q_width(self, text: str, field: str) -> int:
        """A value written as wide as q, not checked below q (for a verifier that names the range check)."""
        return self._digits(text, 2 * self.group.q_bytes, field)

    def raw(self, text: str, length: int, field: str) -> bytes:
        """A byte array of exactly ``length`` bytes."""
        return self._digits(text, 2 * length, field).to_bytes(length, "big")

    def fmt_p(self, value: int) -> str:
        return f"{value:0{2 * self.group.p_bytes}X}"

    def fmt_q(self, value: int) -> str:
        return f"{value:0{2 * self.group.q_bytes}X}"


def _fmt_raw(data: bytes) -> str:
    return data.hex().upper()


def decode_document(data: bytes, doc_type: type[T], where: str) -> T:
    """Decode one record file strictly: known fields only, the record format, canonical bytes."""
    try:
        doc = msgspec.json.decode(data, type=doc_type, strict=True)
    except msgspec.ValidationError as error:
        match = re.search(r"at `\$(.*?)`", str(error))
        field = match.group(1).lstrip(".") if match and match.group(1) else "(document)"
        raise RecordFormatError(f"{where}: {field}", str(error).split(" - at ")[0]) from None
    except msgspec.DecodeError as error:
        raise RecordFormatError(where, f"not valid JSON ({error})") from None
    format_ = getattr(doc, "format", RECORD_FORMAT)
    if format_ != RECORD_FORMAT:
        raise RecordFormatError(f"{where}: format", f"expected {RECORD_FORMAT!r}, got {format_!r}")
    if msgspec.json.encode(doc) != data:
        raise RecordFormatError(where, "the file is not in canonical form")
    return doc


# -- parameters and hashes ------------------------------------------------------------------------


def encode_parameters(parameters: ElectionParameters) -> bytes:
    group = parameters.group
    return msgspec.json.encode(
        _ParametersDoc(
            format=RECORD_FORMAT,
            spec_version=SPEC_VERSION,
            group=_GroupDoc(
                name=group.name,
                p=f"{group.p:X}",
                q=f"{group.q:X}",
                r=f"{group.r:X}",
                g=f"{group.g:X}",
            ),
            guardians=parameters.guardians,
            quorum=parameters.quorum,
        )
    )


def decode_parameters(data: bytes, where: str = "parameters.json") -> tuple[ElectionParameters, str]:
    """The parameters and the spec version the file claims.

    The group is looked up by name and must equal the values in the file; Verification 1
    compares it with the standard parameters.
    """
    doc = decode_document(data, _ParametersDoc, where)
    try:
        group = group_by_name(doc.group.name)
    except ParameterError as error:
        raise RecordFormatError(f"{where}: group.name", str(error)) from None
    for field, value in (("p", group.p), ("q", group.q), ("r", group.r), ("g", group.g)):
        if getattr(doc.group, field) != f"{value:X}":
            raise RecordFormatError(f"{where}: group.{field}", f"differs from the {group.name} group's {field}")
    try:
        parameters = ElectionParameters(group, doc.guardians, doc.quorum)
    except ParameterError as error:
        raise RecordFormatError(f"{where}: guardians/quorum", str(error)) from None
    return parameters, doc.spec_version


class ElectionHashes(msgspec.Struct, frozen=True):
    """H_P, H_B, H_E and the joint keys K and K-hat as published."""

    parameter_hash: bytes
    base_hash: bytes
    extended_hash: bytes
    vote_key: int
    data_key: int


def encode_hashes(group: Group, hashes: ElectionHashes) -> bytes:
    hx = Hex(group, "hashes.json")
    return msgspec.json.encode(
        _HashesDoc(
            format=RECORD_FORMAT,
            parameter_hash=_fmt_raw(hashes.parameter_hash),
            base_hash=_fmt_raw(hashes.base_hash),
            extended_hash=_fmt_raw(hashes.extended_hash),
            vote_key=hx.fmt_p(hashes.vote_key),
            data_key=hx.fmt_p(hashes.data_key),
        )
    )


def decode_hashes(data: bytes, group: Group, where: str = "hashes.json") -> ElectionHashes:
    doc = decode_document(data, _HashesDoc, where)
    hx = Hex(group, where)
    return ElectionHashes(
        parameter_hash=hx.raw(doc.parameter_hash, 32, "parameter_hash"),
        base_hash=hx.raw(doc.base_hash, 32, "base_hash"),
        extended_hash=hx.raw(doc.extended_hash, 32, "extended_hash"),
        vote_key=hx.p(doc.vote_key, "vote_key"),
        data_key=hx.p(doc.data_key, "data_key"),
    )


# -- guardians ------------------------------------------------------------------------------------


def encode_guardian(group: Group, guardian: GuardianPublicKey) -> bytes:
    hx = Hex(group, "")

    def proof(value: CoefficientProof) -> _CoefficientProofDoc:
        return _CoefficientProofDoc(
            challenge=hx.fmt_q(value.challenge),
            responses=[hx.fmt_q(v) for v in value.responses],
        )

    return msgspec.json.encode(
        _GuardianDoc(
            format=RECORD_FORMAT,
            index=guardian.index,
            name=guardian.name,
            vote_commitments=[hx.fmt_p(v) for v in guardian.vote_commitments],
            vote_proof=proof(guardian.vote_proof),
            data_commitments=[hx.fmt_p(v) for v in guardian.data_commitments],
            data_proof=proof(guardian.data_proof),
            communication_key=hx.fmt_p(guardian.communication_key),
            signing_key=guardian.signing_key.hex().upper(),
        )
    )


def decode_guardian(data: bytes, group: Group, where: str) -> GuardianPublicKey:
    doc = decode_document(data, _GuardianDoc, where)
    hx = Hex(group, where)

    def proof(value: _CoefficientProofDoc, field: str) -> CoefficientProof:
        return CoefficientProof(
            challenge=hx.q(value.challenge, f"{field}.challenge"),
            responses=tuple(hx.q(v, f"{field}.responses[{j}]") for j, v in enumerate(value.responses)),
        )

    return GuardianPublicKey(
        index=doc.index,
        name=doc.name,
        vote_commitments=tuple(hx.p(v, f"vote_commitments[{j}]") for j, v in enumerate(doc.vote_commitments)),
        vote_proof=proof(doc.vote_proof, "vote_proof"),
        data_commitments=tuple(hx.p(v, f"data_commitments[{j}]") for j, v in enumerate(doc.data_commitments)),
        data_proof=proof(doc.data_proof, "data_proof"),
        communication_key=hx.p(doc.communication_key, "communication_key"),
        signing_key=hx.raw(doc.signing_key, 32, "signing_key") if doc.signing_key else b"",
    )


# -- ballots --------------------------------------------------------------------------------------


def _range_doc(hx: Hex, proof: RangeProof) -> _RangeProofDoc:
    return _RangeProofDoc(
        challenges=[hx.fmt_q(c) for c in proof.challenges],
        responses=[hx.fmt_q(v) for v in proof.responses],
    )


def _range_proof(hx: Hex, doc: _RangeProofDoc, field: str) -> RangeProof:
    return RangeProof(
        challenges=tuple(hx.q(c, f"{field}.challenges[{j}]") for j, c in enumerate(doc.challenges)),
        responses=tuple(hx.q(v, f"{field}.responses[{j}]") for j, v in enumerate(doc.responses)),
    )


def _contest_data_doc(hx: Hex, data: EncryptedContestData | None) -> _ContestDataDoc | None:
    if data is None:
        return None
    return _ContestDataDoc(
        pad=hx.fmt_p(data.pad),
        masked=_fmt_raw(data.masked),
        challenge=hx.fmt_q(data.proof.challenge),
        response=hx.fmt_q(data.proof.response),
    )


def _contest_data(hx: Hex, doc: _ContestDataDoc | None, field: str) -> EncryptedContestData | None:
    """C = (C_0, C_1, C_2) of a contest; C_1 a non-empty whole number of 32-byte blocks."""
    if doc is None:
        return None
    blocks = len(doc.masked) // 64
    if blocks == 0 or len(doc.masked) != 64 * blocks:
        raise hx.fail(f"{field}.masked", "contest data is a non-empty whole number of 32-byte blocks")
    return EncryptedContestData(
        pad=hx.p(doc.pad, f"{field}.pad"),
        masked=hx.raw(doc.masked, 32 * blocks, f"{field}.masked"),
        proof=SchnorrProof(
            challenge=hx.q(doc.challenge, f"{field}.challenge"),
            response=hx.q(doc.response, f"{field}.response"),
        ),
    )


def encode_ballot(
    group: Group,
    ballot: EncryptedBallot,
    state: BallotState | None,
    contest_labels: dict[int, str],
    signatures: BallotSignatures = UNSIGNED,
) -> bytes:
    """A ballot file; ``state`` None marks a ballot still waiting for the voter's decision.
    ``signatures`` (a credential's and a device's, each optional) travel with the ballot."""
    hx = Hex(group, "")
    nonce = ballot.encrypted_nonce
    return msgspec.json.encode(
        _BallotDoc(
            format=RECORD_FORMAT,
            state=state.value if state is not None else PENDING,
            confirmation_code=_fmt_raw(ballot.confirmation_code),
            selection_id=_fmt_raw(ballot.selection_id),
            id_hash=_fmt_raw(ballot.id_hash),
            style=ballot.style_index,
            device=ballot.device,
            encrypted_at=ballot.encrypted_at,
            chaining_field=_fmt_raw(ballot.chaining_field),
            contests=[
                _ContestDoc(
                    contest=contest.contest_index,
                    label=contest_labels[contest.contest_index],
                    selections=[
                        _SelectionDoc(
                            option=s.option_index,
                            pad=hx.fmt_p(s.ciphertext.pad),
                            data=hx.fmt_p(s.ciphertext.data),
                            proof=_range_doc(hx, s.proof),
                        )
                        for s in contest.selections
                    ],
                    proof=_range_doc(hx, contest.proof),
                    contest_hash=_fmt_raw(contest.contest_hash),
                    contest_data=_contest_data_doc(hx, contest.contest_data),
                )
                for contest in ballot.contests
            ],
            encrypted_nonce=_NonceDoc(
                pad=hx.fmt_p(nonce.pad),
                masked=_fmt_raw(nonce.masked),
                challenge=hx.fmt_q(nonce.proof.challenge),
                response=hx.fmt_q(nonce.proof.response),
            ),
            credential=_fmt_raw(signatures.credential),
            credential_signature=_fmt_raw(signatures.credential_signature),
            device_signature=_fmt_raw(signatures.device_signature),
        )
    )


class DecodedBallot(msgspec.Struct, frozen=True):
    """A ballot file's content: the ballot, its state (None while pending), its labels and what
    vouched for it."""

    ballot: EncryptedBallot
    state: BallotState | None
    contest_labels: dict[int, str]
    signatures: BallotSignatures = UNSIGNED

    def submitted(self, where: str) -> SubmittedBallot:
        """The ballot with the voter's decision; a pending ballot is a format error here."""
        if self.state is None:
            raise RecordFormatError(f"{where}: state", "the ballot is neither cast nor challenged")
        return SubmittedBallot(ballot=self.ballot, state=self.state, signatures=self.signatures)


def decode_ballot(data: bytes, group: Group, where: str) -> DecodedBallot:
    """Decode a ballot file (the verifier checks the contest labels it carries, 11.D)."""
    doc = decode_document(data, _BallotDoc, where)
    hx = Hex(group, where)
    if not doc.device or _CONTROL.search(doc.device):
        raise hx.fail("device", "a device name is a non-empty text without control characters")
    state: BallotState | None
    if doc.state == PENDING:
        state = None
    else:
        try:
            state = BallotState(doc.state)
        except ValueError:
            raise hx.fail("state", f"must be 'cast' or 'challenged', not {doc.state!r}") from None
    contests = []
    labels: dict[int, str] = {}
    for ci, contest in enumerate(doc.contests):
        field = f"contests[{ci}]"
        labels[contest.contest] = contest.label
        selections = tuple(
            EncryptedSelection(
                option_index=s.option,
                ciphertext=Ciphertext(
                    pad=hx.p(s.pad, f"{field}.selections[{si}].pad"),
                    data=hx.p(s.data, f"{field}.selections[{si}].data"),
                ),
                proof=_range_proof(hx, s.proof, f"{field}.selections[{si}].proof"),
            )
            for si, s in enumerate(contest.selections)
        )
        contests.append(
            EncryptedContest(
                contest_index=contest.contest,
                selections=selections,
                proof=_range_proof(hx, contest.proof, f"{field}.proof"),
                contest_hash=hx.raw(contest.contest_hash, 32, f"{field}.contest_hash"),
                contest_data=_contest_data(hx, contest.contest_data, f"{field}.contest_data"),
            )
        )
    nonce = doc.encrypted_nonce
    ballot = EncryptedBallot(
        selection_id=hx.raw(doc.selection_id, 32, "selection_id"),
        id_hash=hx.raw(doc.id_hash, 32, "id_hash"),
        style_index=doc.style,
        contests=tuple(contests),
        encrypted_nonce=EncryptedNonce(
            pad=hx.p(nonce.pad, "encrypted_nonce.pad"),
            masked=hx.raw(nonce.masked, 32, "encrypted_nonce.masked"),
            proof=SchnorrProof(
                challenge=hx.q(nonce.challenge, "encrypted_nonce.challenge"),
                response=hx.q(nonce.response, "encrypted_nonce.response"),
            ),
        ),
        device=doc.device,
        encrypted_at=doc.encrypted_at,
        chaining_field=hx.raw(doc.chaining_field, 36, "chaining_field"),
        confirmation_code=hx.raw(doc.confirmation_code, 32, "confirmation_code"),
    )
    signatures = BallotSignatures(
        credential=hx.raw(doc.credential, 32, "credential") if doc.credential else b"",
        credential_signature=hx.raw(doc.credential_signature, 64, "credential_signature")
        if doc.credential_signature
        else b"",
        device_signature=hx.raw(doc.device_signature, 64, "device_signature") if doc.device_signature else b"",
    )
    return DecodedBallot(ballot=ballot, state=state, contest_labels=labels, signatures=signatures)


# -- devices --------------------------------------------------------------------------------------


def encode_device(log: DeviceLog) -> bytes:
    return msgspec.json.encode(log)


def encode_device_stream(device: str, chaining: str, codes: Iterable[str], closing_hash: str = "") -> Iterator[bytes]:
    """``encode_device``'s bytes with the codes streamed: a device's list is never held whole."""
    template = encode_device(DeviceLog(RECORD_FORMAT, device, chaining, [], closing_hash))
    return encode_streamed(template, "ballots", (msgspec.json.encode(code) for code in codes))


def _code_item(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or not _UPPER_HEX.fullmatch(value):
        raise RecordFormatError(where, "not a confirmation code")
    return value


DEVICE_FIELDS = (
    Field("format", "str"),
    Field("device", "str"),
    Field("chaining", "str"),
    Field("ballots", "array", item=_code_item),
    Field("closing_hash", "str", omit_if=""),
)
"""``DeviceLog`` read as a stream (same fields, same order)."""


def stream_device(path: Path, where: str, header: StreamedDocument) -> Iterator[str]:
    """The confirmation codes of a device log, one at a time; its other fields land in
    ``header.scalars``, ``device`` and ``chaining`` before the first code (spec §3.7)."""
    yield from stream_document(path, where, DEVICE_FIELDS, header, lambda doc: _check_device_header(doc, where))
    closing = header.scalars["closing_hash"]
    if closing and (len(closing) != 64 or not _UPPER_HEX.fullmatch(closing)):
        raise RecordFormatError(f"{where}: closing_hash", "expected 64 uppercase hex digits")


def _check_device_header(header: StreamedDocument, where: str) -> None:
    if header.scalars["format"] != RECORD_FORMAT:
        raise RecordFormatError(f"{where}: format", f"expected {RECORD_FORMAT!r}, got {header.scalars['format']!r}")
    if header.scalars["chaining"] not in ("none", "simple"):
        raise RecordFormatError(f"{where}: chaining", f"unknown chaining mode {header.scalars['chaining']!r}")


def decode_device(data: bytes, where: str) -> DeviceLog:
    doc = decode_document(data, DeviceLog, where)
    if doc.chaining not in ("none", "simple"):
        raise RecordFormatError(f"{where}: chaining", f"unknown chaining mode {doc.chaining!r}")
    for position, code in enumerate(doc.ballots):
        if len(code) != 64 or not _UPPER_HEX.fullmatch(code):
            raise RecordFormatError(f"{where}: ballots[{position}]", "not a confirmation code")
    if doc.closing_hash and (len(doc.closing_hash) != 64 or not _UPPER_HEX.fullmatch(doc.closing_hash)):
        raise RecordFormatError(f"{where}: closing_hash", "expected 64 uppercase hex digits")
    return doc


# -- tallies --------------------------------------------------------------------------------------


def encode_encrypted_tally(
    group: Group, tally: EncryptedTally, labels: dict[int, tuple[str, tuple[str, ...]]]
) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _EncryptedTallyDoc(
            format=RECORD_FORMAT,
            cast_ballots=tally.cast_ballots,
            contests=[
                _TallyContestDoc(
                    contest=contest.contest_index,
                    label=labels[contest.contest_index][0],
                    options=[
                        _TallyOptionDoc(
                            option=j,
                            label=labels[contest.contest_index][1][j - 1],
                            pad=hx.fmt_p(ciphertext.pad),
                            data=hx.fmt_p(ciphertext.data),
                        )
                        for j, ciphertext in enumerate(contest.options, start=1)
                    ],
                )
                for contest in tally.contests
            ],
        )
    )


def decode_encrypted_tally(
    data: bytes, group: Group, where: str = "encrypted_tally.json"
) -> tuple[EncryptedTally, dict[int, tuple[str, tuple[str, ...]]]]:
    """The encrypted tally and its (contest label, option labels) per contest index."""
    doc = decode_document(data, _EncryptedTallyDoc, where)
    hx = Hex(group, where)
    labels: dict[int, tuple[str, tuple[str, ...]]] = {}
    contests = []
    for ci, contest in enumerate(doc.contests):
        field = f"contests[{ci}]"
        for oi, option in enumerate(contest.options):
            if option.option != oi + 1:
                raise hx.fail(f"{field}.options[{oi}].option", "options must be numbered 1, 2, ...")
        labels[contest.contest] = (contest.label, tuple(o.label for o in contest.options))
        contests.append(
            EncryptedTallyContest(
                contest_index=contest.contest,
                options=tuple(
                    Ciphertext(
                        pad=hx.p(o.pad, f"{field}.options[{oi}].pad"),
                        data=hx.p(o.data, f"{field}.options[{oi}].data"),
                    )
                    for oi, o in enumerate(contest.options)
                ),
            )
        )
    return EncryptedTally(contests=tuple(contests), cast_ballots=doc.cast_ballots), labels


def encode_tally(group: Group, tally: DecryptedTally) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _TallyDoc(
            format=RECORD_FORMAT,
            cast_ballots=tally.cast_ballots,
            guardians_present=list(tally.guardians_present),
            contests=[
                _DecryptedContestDoc(
                    contest=contest.contest_index,
                    label=contest.label,
                    options=[
                        _DecryptedOptionDoc(
                            option=option.option_index,
                            label=option.label,
                            value=option.value,
                            value_power=hx.fmt_p(option.value_power),
                            challenge=hx.fmt_q(option.proof.challenge),
                            response=hx.fmt_q(option.proof.response),
                        )
                        for option in contest.options
                    ],
                )
                for contest in tally.contests
            ],
        )
    )


def decode_tally(data: bytes, group: Group, where: str = "tally.json") -> DecryptedTally:
    doc = decode_document(data, _TallyDoc, where)
    hx = Hex(group, where)
    contests = []
    for ci, contest in enumerate(doc.contests):
        options = []
        for oi, option in enumerate(contest.options):
            field = f"contests[{ci}].options[{oi}]"
            if option.value < 0:
                raise hx.fail(f"{field}.value", "a count cannot be negative")
            options.append(
                DecryptedOption(
                    option_index=option.option,
                    label=option.label,
                    value=option.value,
                    value_power=hx.p(option.value_power, f"{field}.value_power"),
                    proof=DecryptionProof(
                        challenge=hx.q(option.challenge, f"{field}.challenge"),
                        response=hx.q(option.response, f"{field}.response"),
                    ),
                )
            )
        contests.append(DecryptedContest(contest_index=contest.contest, label=contest.label, options=tuple(options)))
    return DecryptedTally(
        contests=tuple(contests),
        guardians_present=tuple(doc.guardians_present),
        cast_ballots=doc.cast_ballots,
    )


def encode_challenged(group: Group, ballot: ChallengedBallot) -> bytes:
    hx = Hex(group, "")
    return msgspec.json.encode(
        _ChallengedDoc(
            format=RECORD_FORMAT,
            confirmation_code=_fmt_raw(ballot.confirmation_code),
            contests=[
                _ChallengedContestDoc(
                    contest=contest.contest_index,
                    label=contest.label,
                    selections=[
                        _ChallengedSelectionDoc(
                            option=s.option_index,
                            label=s.label,
                            nonce=hx.fmt_q(s.nonce),
                            value=s.value,
                        )
                        for s in contest.selections
                    ],
                    data_nonce=hx.fmt_q(contest.data_nonce) if contest.data_nonce is not None else "",
                    data=_fmt_raw(contest.data) if contest.data is not None else "",
                )
                for contest in ballot.contests
            ],
        )
    )


def decode_challenged(data: bytes, group: Group, where: str) -> ChallengedBallot:
    doc = decode_document(data, _ChallengedDoc, where)
    hx = Hex(group, where)
    contests = []
    for ci, contest in enumerate(doc.contests):
        selections = []
        for si, s in enumerate(contest.selections):
            field = f"contests[{ci}].selections[{si}]"
            if s.value < 0:
                raise hx.fail(f"{field}.value", "a selection cannot be negative")
            selections.append(
                ChallengedSelection(
                    option_index=s.option,
                    label=s.label,
                    nonce=hx.q(s.nonce, f"{field}.nonce"),
                    value=s.value,
                )
            )
        field = f"contests[{ci}]"
        if bool(contest.data_nonce) != bool(contest.data):
            raise hx.fail(f"{field}.data", "contest data and its nonce come together")
        plain: bytes | None = None
        if contest.data:
            blocks = len(contest.data) // 64
            if blocks == 0 or len(contest.data) != 64 * blocks:
                raise hx.fail(f"{field}.data", "contest data is a non-empty whole number of 32-byte blocks")
            plain = hx.raw(contest.data, 32 * blocks, f"{field}.data")
        contests.append(
            ChallengedContest(
                contest_index=contest.contest,
                label=contest.label,
                selections=tuple(selections),
                data_nonce=hx.q(contest.data_nonce, f"{field}.data_nonce") if contest.data_nonce else None,
                data=plain,
            )
        )
    return ChallengedBallot(
        confirmation_code=hx.raw(doc.confirmation_code, 32, "confirmation_code"),
        contests=tuple(contests),
    )


# -- record index ---------------------------------------------------------------------------------


def encode_record_index(index: RecordIndex) -> bytes:
    return msgspec.json.encode(index)


def decode_record_index(data: bytes, where: str = "record.json") -> RecordIndex:
    return decode_document(data, RecordIndex, where)


def _listing_item(value: Any, where: str) -> tuple[str, str]:
    name, digest = value
    if len(digest) != 64 or not _UPPER_HEX.fullmatch(digest):
        raise RecordFormatError(where, "expected a SHA-256 digest in 64 uppercase hex digits")
    return name, digest


INDEX_FIELDS = (
    Field("format", "str"),
    Field("spec_version", "str"),
    Field("election", "str"),
    Field("created", "str"),
    Field("files", "map", item=_listing_item),
    Field("ballots", "int"),
    Field("cast", "int"),
    Field("challenged", "int"),
    Field("board_head", "str"),
)
"""``RecordIndex`` read as a stream (same fields, same order)."""


def stream_record_index(path: Path, header: StreamedDocument) -> Iterator[tuple[str, str]]:
    """(file name, SHA-256) of every file listed in ``record.json``, one at a time; the other
    fields land in ``header.scalars`` (complete when the listing is exhausted)."""
    yield from stream_document(path, "record.json", INDEX_FIELDS, header, _check_index_header)


def _check_index_header(header: StreamedDocument) -> None:
    if header.scalars["format"] != RECORD_FORMAT:
        raise RecordFormatError("record.json: format", f"expected {RECORD_FORMAT!r}, got {header.scalars['format']!r}")
