"""The hashes of ElectionGuard 2.0.0, transcribed from its §5.5 tables (spec-2.0.0.txt).

Only the primitive H (HMAC-SHA-256) and the byte encodings of §5.1 are shared with the rest of
Nazaha (``nazaha.crypto.hashing``); every use of H below is written from the 2.0.0 text, with
its equation number. Where the text and the table disagree the table wins, since it gives the
bytes, except for the version string of H_P: the table prints "2.0.0" without the "v" but the
text (eq. 4) and the value printed in eq. (5) need "v2.0.0".

Two dialects of other implementations are spelled out here too, each under its own name, so that
a record that follows one verifies with a named warning instead of silently:

* ``unprefixed``: egk (electionguard-kotlin-multiplatform 2.04) and egk-ec put B_aux into the
  confirmation code, the chain's initial hash and its closing hash without the 4-byte length
  prefix that the §5.5.3 table requires (eqs. 58, 59, 61 as the text writes them).
* the electionguard-rust drafts of H_M and H_B (``rust_manifest_hash``, ``rust_base_hash``),
  which match neither 2.0.0 nor 2.1.0.
"""

from __future__ import annotations

from collections.abc import Sequence

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, File, HashItem, ModP, Raw, hash_h, hash_q

__all__ = [
    "VERSION_2_0_0",
    "VERSION_2_1_0",
    "base_hash",
    "chain_closing_hash",
    "chain_initial_hash",
    "coefficient_challenge",
    "confirmation_code",
    "contest_data_challenge",
    "contest_hash",
    "decryption_challenge",
    "extended_base_hash",
    "manifest_hash",
    "parameter_hash",
    "parameter_hash_2_1",
    "range_challenge",
    "rust_base_hash",
    "rust_manifest_hash",
]

VERSION_2_0_0 = b"v2.0.0" + bytes(26)
"""ver = 0x76322E302E30 ‖ b(0, 26): "v2.0.0" padded to 32 bytes (§3.1.2, eqs. 4-5)."""
VERSION_2_1_0 = b"v2.1.0" + bytes(26)
"""The 2.1.0 version array, used only to tell a 2.1.0 H_P from a 2.0.0 one."""

_CLOSE = b"CLOSE"


def parameter_hash(group: Group) -> bytes:
    """H_P = H(ver; 0x00, p, q, g), eq. (4): B1 = 0x00 ‖ b(p, 512) ‖ b(q, 32) ‖ b(g, 512)."""
    return hash_h(group, VERSION_2_0_0, 0x00, Raw(group.bytes_p(group.p)), Raw(group.bytes_q(group.q)), ModP(group.g))


def parameter_hash_2_1(group: Group, guardians: int, quorum: int) -> bytes:
    """The 2.1.0 H_P = H("v2.1.0"; 0x00, p, q, g, n, k) (2.1.0 eq. 4), to recognise 2.1.0 records."""
    return hash_h(
        group,
        VERSION_2_1_0,
        0x00,
        Raw(group.bytes_p(group.p)),
        Raw(group.bytes_q(group.q)),
        ModP(group.g),
        U32(guardians),
        U32(quorum),
    )


def manifest_hash(group: Group, h_p: bytes, manifest: bytes) -> bytes:
    """H_M = H(H_P; 0x01, manifest), eq. (6): B1 = 0x01 ‖ b(len(manifest), 4) ‖ manifest."""
    return hash_h(group, h_p, 0x01, File(manifest))


def base_hash(group: Group, h_p: bytes, h_m: bytes, guardians: int, quorum: int) -> bytes:
    """H_B = H(H_P; 0x02, H_M, n, k), eq. (7): B1 = 0x02 ‖ H_M ‖ b(n, 4) ‖ b(k, 4)."""
    return hash_h(group, h_p, 0x02, Raw(h_m), U32(guardians), U32(quorum))


def rust_manifest_hash(group: Group, h_p: bytes, manifest: bytes) -> bytes:
    """electionguard-rust's 2024 draft: H(H_P; 0x01, manifest) without the length prefix."""
    return hash_h(group, h_p, 0x01, Raw(manifest))


def rust_base_hash(group: Group, h_p: bytes, h_m: bytes, guardians: int, quorum: int, date: str, info: str) -> bytes:
    """electionguard-rust's 2024 draft: H(H_P; 0x02, b(n, 4), b(k, 4), date, info, H_M), with the
    date and the information string as their UTF-8 bytes, without length prefixes."""
    return hash_h(group, h_p, 0x02, U32(guardians), U32(quorum), Raw(date.encode()), Raw(info.encode()), Raw(h_m))


def coefficient_challenge(group: Group, h_p: bytes, i: int, j: int, commitment: int, h: int) -> int:
    """c_i,j = H(H_P; 0x10, i, j, K_i,j, h_i,j), eq. (12), read mod q for the comparison."""
    return hash_q(group, h_p, 0x10, U32(i), U32(j), ModP(commitment), ModP(h))


def extended_base_hash(group: Group, h_b: bytes, joint_key: int) -> bytes:
    """H_E = H(H_B; 0x12, K), eq. (23): B1 = 0x12 ‖ b(K, 512)."""
    return hash_h(group, h_b, 0x12, ModP(joint_key))


def range_challenge(group: Group, h_e: bytes, joint_key: int, pad: int, data: int, commitments: Sequence[int]) -> int:
    """c = H(H_E; 0x21, K, α, β, a_0, b_0, ..., a_R, b_R), eqs. (46), (56), mod q."""
    return hash_q(group, h_e, 0x21, ModP(joint_key), ModP(pad), ModP(data), *[ModP(x) for x in commitments])


def contest_hash(
    group: Group, h_e: bytes, contest_index: int, joint_key: int, pairs: Sequence[tuple[int, int]]
) -> bytes:
    """χ_l = H(H_E; 0x23, ind_c(Λ_l), K, α_1, β_1, ..., α_m, β_m), eq. (57)."""
    items: list[HashItem] = [U32(contest_index), ModP(joint_key)]
    for pad, data in pairs:
        items += [ModP(pad), ModP(data)]
    return hash_h(group, h_e, 0x23, *items)


def confirmation_code(
    group: Group, h_e: bytes, contest_hashes: Sequence[bytes], aux: bytes, *, unprefixed: bool
) -> bytes:
    """H(B) = H(H_E; 0x24, χ_1, ..., χ_mB, B_aux), eq. (58).

    The table's B1 = 0x24 ‖ χ_1 ‖ ... ‖ χ_mB ‖ b(len(B_aux), 4) ‖ B_aux; ``unprefixed`` leaves
    out b(len(B_aux), 4), as egk and egk-ec do.
    """
    tail = Raw(aux) if unprefixed else File(aux)
    return hash_h(group, h_e, 0x24, *[Raw(x) for x in contest_hashes], tail)


def chain_initial_hash(group: Group, h_e: bytes, aux0: bytes, *, unprefixed: bool) -> bytes:
    """H_0 = H(H_E; 0x24, B_aux,0), eq. (59): B1 = 0x24 ‖ b(len(B_aux,0), 4) ‖ B_aux,0."""
    return hash_h(group, h_e, 0x24, Raw(aux0) if unprefixed else File(aux0))


def chain_closing_hash(group: Group, h_e: bytes, last_code: bytes, aux0: bytes, *, unprefixed: bool) -> bytes:
    """H = H(H_E; 0x24, B_aux) with B_aux = H(B_ℓ) ‖ B_aux,0 ‖ b("CLOSE", 5), eq. (61).

    The table's B1 = 0x24 ‖ H(B_ℓ) ‖ b(len(B_aux,0), 4) ‖ B_aux,0 ‖ 0x00000005434C4F5345;
    ``unprefixed`` is the text's B_aux without any length prefix.
    """
    if unprefixed:
        return hash_h(group, h_e, 0x24, Raw(last_code + aux0 + _CLOSE))
    return hash_h(group, h_e, 0x24, Raw(last_code), File(aux0), File(_CLOSE))


def decryption_challenge(group: Group, h_e: bytes, joint_key: int, pad: int, data: int, a: int, b: int, m: int) -> int:
    """c = H(H_E; 0x30, K, A, B, a, b, M), eq. (71), mod q."""
    return hash_q(group, h_e, 0x30, ModP(joint_key), ModP(pad), ModP(data), ModP(a), ModP(b), ModP(m))


def contest_data_challenge(
    group: Group, h_e: bytes, joint_key: int, c0: int, c1: bytes, c2: bytes, a: int, b: int, beta: int
) -> int:
    """c = H(H_E; 0x31, K, C_0, C_1, C_2, a, b, β), eq. (81), mod q; C_1 and C_2 as their bytes."""
    return hash_q(group, h_e, 0x31, ModP(joint_key), ModP(c0), Raw(c1), Raw(c2), ModP(a), ModP(b), ModP(beta))
