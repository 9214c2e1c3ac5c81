"""Contest data: a contest's write-in texts and overvote flag, encrypted to K-hat (spec §3.3.10).

For a contest Λ whose manifest entry declares b_Λ > 0 blocks (``Contest.contest_data_blocks``),
every ballot carries C = (C_0, C_1, C_2) encrypting a byte array D_Λ of exactly 32·b_Λ bytes:

    ξ   = H_q(H_I; 0x25, ind_c(Λ), ξ_B)                                          (eq. 64)
    (α, β) = (g^ξ, K-hat^ξ);  h = H(H_I; 0x26, ind_c(Λ), α, β)                    (eq. 65)
    k_i = HMAC(h, b(i,4) ‖ b("data_enc_keys",13) ‖ 0x00 ‖ b("contest_data",12) ‖ b(ind_c(Λ),4)
               ‖ b(b_Λ·256, 4)),  1 ≤ i ≤ b_Λ                                     (eq. 66)
    C_0 = α,  C_1 = D_1 ⊕ k_1 ‖ ... ‖ D_bΛ ⊕ k_bΛ                                (eqs. 67, 68)
    C_2 = (c, v), c = H_q(H_I; 0x27, ind_c(Λ), g^u, C_0, C_1), v = u − c·ξ        (eq. 69)

The labels are the PDF's, with underscores (p. 40; its text conversion drops them, as for the
other KDFs: docs/decisions.md). The counter starts at 1 as eq. (66) and (104) say (Verification
13.7 writes 0 ≤ l < b_Λ but then uses k_1...k_bΛ: VECTORS.md A5).

D_Λ is Nazaha's fixed-length encoding (§3.3.10 leaves it to the implementation, asking only that
it be unambiguous): one status byte (bit 0: the contest was overvoted and is encrypted as all
zeros, §3.3.9), then for each write-in option of the contest, in manifest order, the length of
its UTF-8 text in two bytes and the text, then zero bytes up to 32·b_Λ. Decoding refuses any
other padding, so a padding byte cannot pass for text.

Because ξ derives from the ballot nonce, a challenged ballot's opening publishes ξ and D, and
anyone re-encrypts (Verification 13.4-13.A).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, ModP, Raw, hash_h, hash_q, kdf_block, xor_bytes
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.proofs import schnorr
from nazaha.crypto.proofs.schnorr import SchnorrProof
from nazaha.election.ballot import EncryptedContestData
from nazaha.election.manifest import Contest
from nazaha.errors import BallotError

__all__ = [
    "CONTEST_DATA_CONTEXT",
    "CONTEST_DATA_LABEL",
    "ContestData",
    "contest_data_challenge",
    "contest_data_keys",
    "contest_data_nonce",
    "decode_contest_data",
    "encode_contest_data",
    "encrypt_contest_data",
    "open_contest_data",
    "write_in_texts",
]

CONTEST_DATA_LABEL = "data_enc_keys"
"""Label = b("data_enc_keys", 13) (eq. 66, p. 40)."""
CONTEST_DATA_CONTEXT = b"contest_data"
"""Context = b("contest_data", 12) ‖ b(ind_c(Λ), 4) (eq. 66, p. 40)."""
OVERVOTE = 0x01
_TEXT_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class ContestData:
    """What D_Λ holds: whether the contest was overvoted, and the write-in texts by option label."""

    overvoted: bool
    write_ins: Mapping[str, str]

    def __repr__(self) -> str:
        # Write-in texts are votes: never print them by accident.
        return f"ContestData(overvoted={self.overvoted}, write_ins=<{len(self.write_ins)} hidden>)"


def _write_in_labels(contest: Contest) -> list[str]:
    return [option.label for option in contest.options if option.write_in]


def encode_contest_data(contest: Contest, data: ContestData) -> bytes:
    """D_Λ: 32·b_Λ bytes (eq. 63); ``BallotError`` if the texts do not fit or name no write-in."""
    size = 32 * contest.contest_data_blocks
    labels = _write_in_labels(contest)
    unknown = sorted(set(data.write_ins) - set(labels))
    if unknown:
        raise BallotError(f"contest {contest.label!r}: {unknown[0][:80]!r} is not a write-in option")
    out = bytearray([OVERVOTE if data.overvoted else 0])
    for label in labels:
        text = data.write_ins.get(label, "")
        bad = _TEXT_CONTROL.search(text)
        if bad is not None:
            raise BallotError(
                f"contest {contest.label!r}, write-in {label!r}: character U+{ord(bad.group()):04X} is not allowed"
            )
        raw = text.encode("utf-8")
        out += len(raw).to_bytes(2, "big") + raw
    if len(out) > size:
        raise BallotError(
            f"contest {contest.label!r}: the write-in texts take {len(out)} bytes of contest data, "
            f"more than the {size} the manifest allows"
        )
    return bytes(out) + bytes(size - len(out))


def decode_contest_data(contest: Contest, data: bytes) -> ContestData:
    """Parse D_Λ; ``ValueError`` if it is not exactly what ``encode_contest_data`` writes."""
    if len(data) != 32 * contest.contest_data_blocks:
        raise ValueError(f"contest data is {len(data)} bytes, not {32 * contest.contest_data_blocks}")
    if data[0] not in (0, OVERVOTE):
        raise ValueError(f"unknown contest data status byte 0x{data[0]:02X}")
    position = 1
    texts: dict[str, str] = {}
    for label in _write_in_labels(contest):
        if position + 2 > len(data):
            raise ValueError("the contest data ends inside a write-in")
        length = int.from_bytes(data[position : position + 2], "big")
        position += 2
        if position + length > len(data):
            raise ValueError("a write-in text runs past the contest data")
        try:
            text = data[position : position + length].decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"the write-in text of {label!r} is not UTF-8") from None
        position += length
        if text:
            texts[label] = text
    if any(data[position:]):
        raise ValueError("the contest data's padding is not all zero bytes")
    return ContestData(overvoted=data[0] == OVERVOTE, write_ins=texts)


def contest_data_nonce(group: Group, id_hash: bytes, contest_index: int, ballot_nonce: bytes) -> int:
    """ξ = H_q(H_I; 0x25, ind_c(Λ), ξ_B) (eq. 64)."""
    return hash_q(group, id_hash, 0x25, U32(contest_index), Raw(ballot_nonce))


def contest_data_keys(group: Group, id_hash: bytes, contest_index: int, alpha: int, beta: int, blocks: int) -> bytes:
    """k_1 ‖ ... ‖ k_bΛ of eqs. (65)-(66)."""
    secret = hash_h(group, id_hash, 0x26, U32(contest_index), ModP(alpha), ModP(beta))
    context = CONTEST_DATA_CONTEXT + contest_index.to_bytes(4, "big")
    length = (blocks * 256).to_bytes(4, "big")
    return b"".join(
        kdf_block(secret, i.to_bytes(4, "big"), CONTEST_DATA_LABEL, context, length) for i in range(1, blocks + 1)
    )


def contest_data_challenge(
    group: Group, id_hash: bytes, contest_index: int, commitment: int, pad: int, masked: bytes
) -> int:
    """c = H_q(H_I; 0x27, ind_c(Λ), a, C_0, C_1) (eq. 69)."""
    return hash_q(group, id_hash, 0x27, U32(contest_index), ModP(commitment), ModP(pad), Raw(masked))


def encrypt_contest_data(
    group: Group,
    data_key: int,
    id_hash: bytes,
    contest_index: int,
    ballot_nonce: bytes,
    plain: bytes,
    rng: RandomSource,
) -> EncryptedContestData:
    """C = (C_0, C_1, C_2) of eqs. (64)-(69) for the 32·b_Λ bytes ``plain``."""
    if not plain or len(plain) % 32:
        raise ValueError("contest data is a non-empty multiple of 32 bytes")
    nonce = contest_data_nonce(group, id_hash, contest_index, ballot_nonce)
    alpha = group.g_pow(nonce)
    beta = group.fixed_base(data_key).pow(nonce)
    masked = xor_bytes(plain, contest_data_keys(group, id_hash, contest_index, alpha, beta, len(plain) // 32))
    u, commitment = schnorr.commit(group, rng)
    challenge = contest_data_challenge(group, id_hash, contest_index, commitment, alpha, masked)
    return EncryptedContestData(
        pad=alpha, masked=masked, proof=SchnorrProof(challenge, schnorr.respond(group, u, challenge, nonce))
    )


def open_contest_data(
    group: Group, data_key: int, id_hash: bytes, contest_index: int, nonce: int, encrypted: EncryptedContestData
) -> bytes:
    """D from the contest data nonce ξ (eqs. 110, 65, 66, 111); ``ValueError`` if ξ is not its nonce."""
    if group.g_pow(nonce) != encrypted.pad:
        raise ValueError("the contest data nonce does not reproduce C_0")
    beta = group.pow(data_key, nonce)
    keys = contest_data_keys(group, id_hash, contest_index, encrypted.pad, beta, len(encrypted.masked) // 32)
    return xor_bytes(encrypted.masked, keys)


def write_in_texts(contest: Contest, texts: Mapping[str, str], marks: Mapping[str, int]) -> dict[str, str]:
    """The write-in texts of one contest, checked against its marks: a text only for a write-in
    option that is marked (an unmarked write-in with a text would hide a vote in the data)."""
    write_ins = {option.label for option in contest.options if option.write_in}
    out: dict[str, str] = {}
    for label, text in texts.items():
        if label not in write_ins:
            raise BallotError(f"contest {contest.label!r}: {label[:80]!r} is not a write-in option")
        if not isinstance(text, str):
            raise BallotError(f"contest {contest.label!r}, write-in {label!r}: the text must be a string")
        if text and not marks.get(label, 0):
            raise BallotError(f"contest {contest.label!r}, write-in {label!r} has a text but is not marked")
        if text:
            out[label] = text
    return out
