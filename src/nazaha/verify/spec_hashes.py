"""The hashes the verifier recomputes, written from spec §5.5 independently of the producers.

Only the primitive H and the byte encodings (``nazaha.crypto.hashing``) are shared with the
code that wrote the record; every use of H below is transcribed from the domain-separation
tables of §5.5.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, File, HashItem, ModP, Raw, Tag, Text, hash_h, hash_q

__all__ = [
    "VERSION_2_1_0",
    "ballot_nonce_challenge",
    "base_hash",
    "chain_closing_hash",
    "chain_initial_hash",
    "coefficient_challenge",
    "confirmation_code",
    "contest_data_challenge",
    "contest_data_decryption_challenge",
    "contest_data_keys",
    "contest_hash",
    "contest_limit_challenge",
    "decryption_challenge",
    "device_hash",
    "extended_hash",
    "identifier_hash",
    "parameter_hash",
    "selection_challenge",
]

VERSION_2_1_0 = bytes.fromhex("76322E312E30") + bytes(26)


def parameter_hash(group: Group, guardians: int, quorum: int) -> bytes:
    """H_P = H(ver; 0x00, p, q, g, n, k), §5.5.1."""
    return hash_h(
        group,
        VERSION_2_1_0,
        0x00,
        Raw(group.bytes_p(group.p)),
        Raw(group.bytes_q(group.q)),
        Raw(group.bytes_p(group.g)),
        U32(guardians),
        U32(quorum),
    )


def base_hash(group: Group, h_p: bytes, manifest_file: bytes) -> bytes:
    """H_B = H(H_P; 0x01, b(len(manifest), 4) ‖ manifest), §5.5.1."""
    return hash_h(group, h_p, 0x01, File(manifest_file))


def coefficient_challenge(
    group: Group,
    h_p: bytes,
    tag: str,
    index: int,
    commitments: Sequence[int],
    kappa: int,
    recomputed: Sequence[int],
) -> int:
    """c_i (tag "pk_vote") or c-hat_i (tag "pk_data"): the bytes 706B5F... of the §5.5.2 table."""
    items: list[HashItem] = [Tag(tag), U32(index)]
    items += [ModP(x) for x in commitments]
    items.append(ModP(kappa))
    items += [ModP(x) for x in recomputed]
    return hash_q(group, h_p, 0x10, *items)


def extended_hash(group: Group, h_b: bytes, vote_key: int, data_key: int) -> bytes:
    """H_E = H(H_B; 0x14, K, K-hat), §5.5.2."""
    return hash_h(group, h_b, 0x14, ModP(vote_key), ModP(data_key))


def identifier_hash(group: Group, h_e: bytes, selection_id: bytes) -> bytes:
    """H_I = H(H_E; 0x20, id_B), §5.5.3."""
    return hash_h(group, h_e, 0x20, Raw(selection_id))


def ballot_nonce_challenge(group: Group, h_i: bytes, commitment: int, pad: int, masked: bytes) -> int:
    """c_B = H_q(H_I; 0x23, a_B, C_ξB,0, C_ξB,1), eq. (38): B1 = 0x23 ‖ b(a_B, 512) ‖ b(C_ξB,0, 512) ‖ C_ξB,1."""
    return hash_q(group, h_i, 0x23, ModP(commitment), ModP(pad), Raw(masked))


def selection_challenge(
    group: Group,
    h_i: bytes,
    contest: int,
    option: int,
    pad: int,
    data: int,
    commitments: Sequence[int],
) -> int:
    """c = H_q(H_I; 0x24, ind_c, ind_o, α, β, a_0, b_0, ..., a_R, b_R), eq. (59)."""
    return hash_q(
        group,
        h_i,
        0x24,
        U32(contest),
        U32(option),
        ModP(pad),
        ModP(data),
        *[ModP(x) for x in commitments],
    )


def contest_limit_challenge(
    group: Group, h_i: bytes, contest: int, pad: int, data: int, commitments: Sequence[int]
) -> int:
    """c = H_q(H_I; 0x24, ind_c, ᾱ, β̄, a_0, b_0, ..., a_L, b_L), eq. (62)."""
    return hash_q(group, h_i, 0x24, U32(contest), ModP(pad), ModP(data), *[ModP(x) for x in commitments])


def contest_hash(
    group: Group,
    h_i: bytes,
    contest: int,
    pairs: Sequence[tuple[int, int]],
    contest_data: tuple[int, bytes, int, int] | None = None,
) -> bytes:
    """χ_l = H(H_I; 0x28, l, α_1, β_1, ..., α_m, β_m, C_0, C_1, C_2), eq. (70); B1 ends with
    b(C_0, 512) ‖ C_1 ‖ b(C_2, 64) when the contest has contest data ``(C_0, C_1, c, v)``
    (§5.5.3; C_2 = (c, v) as b(c, 32) ‖ b(v, 32)), and without them when it has none."""
    items: list[HashItem] = [U32(contest)]
    for pad, data in pairs:
        items += [ModP(pad), ModP(data)]
    if contest_data is not None:
        c0, c1, c, v = contest_data
        items += [ModP(c0), Raw(c1), Raw(c.to_bytes(32, "big")), Raw(v.to_bytes(32, "big"))]
    return hash_h(group, h_i, 0x28, *items)


def contest_data_challenge(group: Group, h_i: bytes, contest: int, a: int, c0: int, c1: bytes) -> int:
    """c = H_q(H_I; 0x27, ind_c(Λ), a, C_0, C_1), eq. (69), §5.5.3."""
    return hash_q(group, h_i, 0x27, U32(contest), ModP(a), ModP(c0), Raw(c1))


def contest_data_decryption_challenge(
    group: Group, h_i: bytes, contest: int, c0: int, c1: bytes, c2: tuple[int, int], a: int, b: int, beta: int
) -> int:
    """c = H_q(H_I; 0x33, ind_c(Λ), C_0, C_1, C_2, a, b, β), eq. (101) and (12.B); B1 = 0x33 ‖
    b(ind_c(Λ), 4) ‖ b(C_0, 512) ‖ C_1 ‖ b(C_2, 64) ‖ b(a, 512) ‖ b(b, 512) ‖ b(β, 512) (§5.5.4),
    C_2 = (c, v) as b(c, 32) ‖ b(v, 32)."""
    c2_bytes = c2[0].to_bytes(32, "big") + c2[1].to_bytes(32, "big")
    return hash_q(group, h_i, 0x33, U32(contest), ModP(c0), Raw(c1), Raw(c2_bytes), ModP(a), ModP(b), ModP(beta))


def contest_data_keys(group: Group, h_i: bytes, contest: int, alpha: int, beta: int, blocks: int) -> bytes:
    """k_1 ‖ ... ‖ k_bΛ of (13.6)-(13.7): h = H(H_I; 0x26, ind_c(Λ), α, β) and
    k_l = HMAC(h, b(l,4) ‖ "data_enc_keys" ‖ 0x00 ‖ "contest_data" ‖ b(ind_c(Λ),4) ‖ b(b_Λ·256,4))
    for l = 1 ... b_Λ (the labels with underscores, as the 2.1.0 PDF prints them on p. 40)."""
    h = hash_h(group, h_i, 0x26, U32(contest), ModP(alpha), ModP(beta))
    tail = b"\x00" + b"contest_data" + contest.to_bytes(4, "big") + (blocks * 256).to_bytes(4, "big")
    return b"".join(
        hmac.new(h, counter.to_bytes(4, "big") + b"data_enc_keys" + tail, hashlib.sha256).digest()
        for counter in range(1, blocks + 1)
    )


def confirmation_code(group: Group, h_i: bytes, contest_hashes: Sequence[bytes], chaining: bytes) -> bytes:
    """H_C = H(H_I; 0x29, χ_1, ..., χ_mB, B_C), eq. (71)."""
    return hash_h(group, h_i, 0x29, *[Raw(x) for x in contest_hashes], Raw(chaining))


def device_hash(group: Group, h_e: bytes, device: str) -> bytes:
    """H_DI = H(H_E; 0x2A, S_device), eq. (72)."""
    return hash_h(group, h_e, 0x2A, Text(device))


def chain_initial_hash(group: Group, h_e: bytes, h_di: bytes) -> bytes:
    """H_0 = H(H_E; 0x29, 0x00000001 ‖ H_DI), eqs. (74), (75)."""
    return hash_h(group, h_e, 0x29, Raw(b"\x00\x00\x00\x01" + h_di))


def chain_closing_hash(group: Group, h_e: bytes, last_code: bytes, h_di: bytes) -> bytes:
    """H = H(H_E; 0x29, 0x00000001 ‖ H(H_E; 0x2B, H_ℓ, B_C,0)), eqs. (77), (78)."""
    first = b"\x00\x00\x00\x01" + h_di
    inner = hash_h(group, h_e, 0x2B, Raw(last_code), Raw(first))
    return hash_h(group, h_e, 0x29, Raw(b"\x00\x00\x00\x01" + inner))


def decryption_challenge(
    group: Group, h_e: bytes, contest: int, option: int, pad: int, data: int, a: int, b: int, m: int
) -> int:
    """c = H_q(H_E; 0x31, ind_c, ind_o, A, B, a, b, M), eq. (90)."""
    return hash_q(
        group,
        h_e,
        0x31,
        U32(contest),
        U32(option),
        ModP(pad),
        ModP(data),
        ModP(a),
        ModP(b),
        ModP(m),
    )


# -- the ballot nonce, and Nazaha's additions to the decryption --------------------------------


def selection_nonce(group: Group, h_i: bytes, contest: int, option: int, ballot_nonce: bytes) -> int:
    """ξ_i,j = H_q(H_I; 0x21, i, j, ξ_B) (eq. 33)."""
    return hash_q(group, h_i, 0x21, U32(contest), U32(option), Raw(ballot_nonce))


def ballot_nonce_mask(group: Group, h_i: bytes, pad: int, beta: int, *, legacy: bool = False) -> bytes:
    """k_1 of eqs. (35)-(36): h = H(H_I; 0x22, α_B, β_B), k_1 = HMAC(h, 0x01 ‖ Label ‖ 0x00 ‖
    Context ‖ 0x0100) with Label "ballot_nonce" and Context "ballot_nonce_encrypt" (with underscores,
    as the 2.1.0 PDF prints them on p. 30). ``legacy``: the labels with spaces that Nazaha used
    before it followed the PDF (docs/decisions.md)."""
    h = hash_h(group, h_i, 0x22, ModP(pad), ModP(beta))
    label, context = (
        (b"ballot nonce", b"ballot nonce encrypt") if legacy else (b"ballot_nonce", b"ballot_nonce_encrypt")
    )
    message = b"\x01" + label + b"\x00" + context + (256).to_bytes(2, "big")
    return hmac.new(h, message, hashlib.sha256).digest()


def nonce_share_challenge(
    group: Group, h_e: bytes, guardian: int, h_i: bytes, pad: int, share: int, a: int, b: int
) -> int:
    """Nazaha's proof that a nonce share is the guardian's (docs/decisions.md, not a spec value):
    c = H_q(H_E; 0x70, "nazaha nonce share", i, H_I, C_ξB,0, m_i, a, b)."""
    return hash_q(
        group, h_e, 0x70, Text("nazaha nonce share"), U32(guardian), Raw(h_i), ModP(pad), ModP(share), ModP(a), ModP(b)
    )
