"""The proof-hint annex: each ballot's proof commitments, published beside the record.

ElectionGuard 2.1 publishes every proof as challenges and responses only, so a verifier must
recompute each commitment, one exponentiation at a time, to hash it. The ballot box computes
those commitments anyway when it checks a ballot at the door; it keeps them, and the record
carries them in an optional annex that a verifier may use to check many proofs at once
(``docs/verifier.md``, "The hinted path"). Hints are untrusted: a verifier hashes them with the
spec's hash and checks every equation they stand for, and a wrong hint never changes a verdict.

Layout (inside the record folder, outside ``record.json`` and so outside ``record.sig``)::

    hints/index.json        {"format", "record": SHA-256 of record.json, "files": {name: SHA-256}}
    hints/<code>.bin        one ballot's commitments
    hints/tally.bin         the tally's decryption proofs' commitments

A ballot's file is ``NZH1``, a 4-byte big-endian count n, then n values b(x, l_p) (spec §5.1.1),
in this order: for each contest of the ballot in order, for each selection in order, its range
proof's a_0, b_0, ..., a_R, b_R (eqs. 57-61), then the contest's selection-limit proof's
commitments the same way (eq. 62); last, the ballot-nonce proof's commitment g^u (eq. 38).

``tally.bin`` has the same form: for each option of ``tally.json`` in order, the commitments
a = Π a_i and b = Π b_i of its decryption proof (eq. 89), the products of the present guardians'
revealed (a_i, b_i). The record carries those messages (``decryption/``), so the annex costs
multiplications only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

import gmpy2
import msgspec

from nazaha.crypto.batch import BallotEquations, Equation, range_equations
from nazaha.crypto.group import Group
from nazaha.crypto.proofs.range import check_range_values
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.manifest import Manifest
from nazaha.election.tally import DecryptedTally, GuardianCommitment
from nazaha.errors import InvalidProof, RecordFormatError

__all__ = [
    "HINTS_DIR",
    "HINTS_FORMAT",
    "HINTS_INDEX",
    "TALLY_HINTS",
    "ChallengeHashes",
    "HintIndex",
    "ballot_equations",
    "decode_hint_index",
    "decode_hints",
    "encode_hint_index",
    "encode_hints",
    "encode_submission",
    "hint_count",
    "hint_name",
    "split_submission",
    "tally_hint_values",
]

HINTS_DIR = "hints"
HINTS_INDEX = "hints/index.json"
HINTS_FORMAT = "nazaha-hints/1"
TALLY_HINTS = "hints/tally.bin"
_MAGIC = b"NZH1"
_SUBMISSION_MAGIC = b"NZB1"
_MAX_VALUES = 1 << 20
"""No ballot of any manifest Nazaha accepts has a million proof commitments; a count above this is
refused before any memory is spent on it."""


class HintIndex(msgspec.Struct, forbid_unknown_fields=True):
    """``hints/index.json``: which record the hints belong to, and each hint file's SHA-256."""

    format: str
    record: str
    """SHA-256 of ``record.json`` (uppercase hex): hints of another record are never used."""
    files: dict[str, str]


def hint_name(code_hex: str) -> str:
    """The annex file of the ballot with confirmation code ``code_hex``."""
    return f"{HINTS_DIR}/{code_hex}.bin"


def tally_hint_values(
    group: Group, tally: DecryptedTally, reveals: Sequence[Sequence[GuardianCommitment]]
) -> list[int] | None:
    """a = Π a_i and b = Π b_i (eq. 89) for each option of ``tally`` in order, from the present
    guardians' reveal messages; None when a message lacks an option of the tally."""
    by_option: dict[tuple[int, int], list[int]] = {}
    for message in reveals:
        seen = set()
        for commitment in message:
            key = (commitment.contest_index, commitment.option_index)
            seen.add(key)
            product = by_option.setdefault(key, [1, 1])
            product[0] = product[0] * commitment.pad_commitment % group.p
            product[1] = product[1] * commitment.data_commitment % group.p
        if any((c.contest_index, o.option_index) not in seen for c in tally.contests for o in c.options):
            return None
    return [v for c in tally.contests for o in c.options for v in by_option[(c.contest_index, o.option_index)]]


def encode_hints(group: Group, values: Sequence[int]) -> bytes:
    """One ballot's hint file: the commitments ``values`` in the order of the module docstring."""
    width = group.p_bytes
    return b"".join([_MAGIC, len(values).to_bytes(4, "big"), *(int(v).to_bytes(width, "big") for v in values)])


def decode_hints(data: bytes, group: Group, where: str) -> tuple[int, ...]:
    """The commitments of one hint file; ``RecordFormatError`` unless it is well formed and
    every value is in [1, p) (membership in Z_p^r is the verifier's to check)."""
    if len(data) < 8 or data[:4] != _MAGIC:
        raise RecordFormatError(where, "not a hint file (no NZH1 header)")
    count = int.from_bytes(data[4:8], "big")
    width = group.p_bytes
    if count > _MAX_VALUES or len(data) != 8 + count * width:
        raise RecordFormatError(where, f"the header announces {count} values, the file holds {len(data) - 8} bytes")
    values = tuple(int.from_bytes(data[8 + i * width : 8 + (i + 1) * width], "big") for i in range(count))
    for position, value in enumerate(values):
        if not 0 < value < group.p:
            raise RecordFormatError(where, f"value {position} is not in [1, p)")
    return values


def encode_hint_index(record_index: bytes, digests: dict[str, str]) -> bytes:
    """``hints/index.json``: the hint files' SHA-256 ``digests`` (uppercase hex, by name) for the
    record whose ``record.json`` is ``record_index``."""
    return msgspec.json.encode(
        HintIndex(
            format=HINTS_FORMAT,
            record=hashlib.sha256(record_index).hexdigest().upper(),
            files=dict(sorted(digests.items())),
        )
    )


def decode_hint_index(data: bytes) -> HintIndex:
    """Decode ``hints/index.json`` strictly (known fields, this format, canonical bytes)."""
    try:
        index = msgspec.json.decode(data, type=HintIndex, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise RecordFormatError(HINTS_INDEX, f"cannot be read ({error})") from None
    if index.format != HINTS_FORMAT:
        raise RecordFormatError(f"{HINTS_INDEX}: format", f"expected {HINTS_FORMAT!r}, got {index.format!r}")
    if msgspec.json.encode(index) != data:
        raise RecordFormatError(HINTS_INDEX, "the file is not in canonical form")
    return index


def encode_submission(ballot: bytes, hints: bytes) -> bytes:
    """A ballot submitted with its proofs' commitments: ``NZB1``, the ballot file's length as 4
    bytes big-endian, the ballot file (JSON, exactly as it will be stored), then its hint file.

    The voting device computes those commitments when it proves; sending them lets the ballot
    box check the ballot's proofs with one batch test (``nazaha.voting.validate``)."""
    return b"".join([_SUBMISSION_MAGIC, len(ballot).to_bytes(4, "big"), ballot, hints])


def split_submission(data: bytes, group: Group) -> tuple[bytes, tuple[int, ...] | None]:
    """The ballot file and the commitments a submission carries (None for a plain ballot file);
    ``RecordFormatError`` for an envelope that is not well formed."""
    if data[:4] != _SUBMISSION_MAGIC:
        return data, None
    if len(data) < 8:
        raise RecordFormatError("submission", "the NZB1 envelope is cut short")
    length = int.from_bytes(data[4:8], "big")
    if len(data) < 8 + length:
        raise RecordFormatError("submission", f"the envelope announces a {length}-byte ballot it does not hold")
    return data[8 : 8 + length], decode_hints(data[8 + length :], group, "submission: hints")


class ChallengeHashes(Protocol):
    """The spec's challenge hashes of the proofs a ballot's hints stand for. The verifier passes
    its own implementation (``nazaha.verify.spec_hashes``), the ballot box the encryptor's."""

    def selection_challenge(
        self,
        group: Group,
        h_i: bytes,
        contest: int,
        option: int,
        pad: int,
        data: int,
        commitments: Sequence[int],
    ) -> int:
        """Eq. (59)."""
        ...

    def contest_limit_challenge(
        self, group: Group, h_i: bytes, contest: int, pad: int, data: int, commitments: Sequence[int]
    ) -> int:
        """Eq. (62)."""
        ...

    def ballot_nonce_challenge(self, group: Group, h_i: bytes, commitment: int, pad: int, masked: bytes) -> int:
        """Eq. (38)."""
        ...


def hint_count(manifest: Manifest, ballot: EncryptedBallot) -> int:
    """How many commitments the hints of ``ballot`` hold: 2(R + 1) per range proof, then one."""
    count = 1
    for contest in ballot.contests:
        info = manifest.contest(contest.contest_index)
        count += 2 * (info.contest_limit + 1)
        count += sum(2 * (info.option_limit(info.options[s.option_index - 1]) + 1) for s in contest.selections)
    return count


def ballot_equations(
    group: Group, manifest: Manifest, ballot: EncryptedBallot, hints: Sequence[int], hashes: ChallengeHashes
) -> BallotEquations | None:
    """The equations ``hints`` stand for, or None when the hints cannot stand in for the
    spec-only checks of this ballot (wrong count, a challenge that is not the hash of its hinted
    commitments, a commitment with Jacobi symbol -1) or the spec-only checks would fail without
    any exponentiation (shapes and ranges). The ballot's structure (style, contests, options in
    order) is the caller's to have checked."""
    q = group.q
    p = group.p
    h_i = ballot.id_hash
    nonce = ballot.encrypted_nonce
    if not (0 <= nonce.proof.challenge < q and 0 <= nonce.proof.response < q):
        return None
    if len(hints) != hint_count(manifest, ballot):
        return None
    if any(gmpy2.legendre(value, p) != 1 for value in hints):
        return None
    equations: list[Equation] = []
    elements: list[int] = []
    cursor = 0
    for contest in ballot.contests:
        info = manifest.contest(contest.contest_index)
        pads = [s.ciphertext.pad for s in contest.selections]
        datas = [s.ciphertext.data for s in contest.selections]
        elements += pads + datas
        for selection, pad, data in zip(contest.selections, pads, datas, strict=True):
            limit = info.option_limit(info.options[selection.option_index - 1])
            try:
                check_range_values(group, selection.proof, limit)
            except InvalidProof:
                return None
            commitments = hints[cursor : cursor + 2 * (limit + 1)]
            cursor += 2 * (limit + 1)
            challenge = hashes.selection_challenge(
                group, h_i, contest.contest_index, selection.option_index, pad, data, commitments
            )
            if challenge != sum(selection.proof.challenges) % q:
                return None
            equations += range_equations(group, commitments, selection.proof, [pad], [data])
        try:
            check_range_values(group, contest.proof, info.contest_limit)
        except InvalidProof:
            return None
        commitments = hints[cursor : cursor + 2 * (info.contest_limit + 1)]
        cursor += 2 * (info.contest_limit + 1)
        challenge = hashes.contest_limit_challenge(
            group, h_i, contest.contest_index, group.prod(pads), group.prod(datas), commitments
        )
        if challenge != sum(contest.proof.challenges) % q:
            return None
        # ᾱ^c = Π α^c: the limit proof's terms join the selections' bases in the batch.
        equations += range_equations(group, commitments, contest.proof, pads, datas)
    commitment = hints[cursor]
    if hashes.ballot_nonce_challenge(group, h_i, commitment, nonce.pad, nonce.masked) != nonce.proof.challenge:
        return None
    equations.append(Equation(commitment, nonce.proof.response, 0, ((nonce.pad, nonce.proof.challenge),)))
    elements.append(nonce.pad)
    return BallotEquations(tuple(equations), tuple(elements))
