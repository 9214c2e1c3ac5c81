"""The base hashes H_P, H_B and H_E that bind every later value to one election.

Spec §3.1.2 eq. (4): H_P = H(ver; 0x00, p, q, g, n, k) with ver = "v2.1.0" padded with zero
bytes to 32 bytes. §3.1.4 eq. (5): H_B = H(H_P; 0x01, manifest). §3.2.3 eq. (30):
H_E = H(H_B; 0x14, K, K-hat).
"""

from __future__ import annotations

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, File, ModP, Raw, hash_h
from nazaha.election.parameters import VERSION_BYTES, ElectionParameters

__all__ = ["election_base_hash", "extended_base_hash", "parameter_base_hash"]


def parameter_base_hash(parameters: ElectionParameters) -> bytes:
    """H_P = H(ver; 0x00, p, q, g, n, k) (spec eq. 4)."""
    group = parameters.group
    return hash_h(
        group,
        VERSION_BYTES,
        0x00,
        # p and q are not themselves in Z_p and Z_q; b(p, l_p) and b(q, l_q) are their encodings.
        Raw(group.bytes_p(group.p)),
        Raw(group.bytes_q(group.q)),
        ModP(group.g),
        U32(parameters.guardians),
        U32(parameters.quorum),
    )


def election_base_hash(group: Group, h_p: bytes, manifest_bytes: bytes) -> bytes:
    """H_B = H(H_P; 0x01, manifest), the manifest entering as a length-prefixed file (eq. 5)."""
    return hash_h(group, h_p, 0x01, File(manifest_bytes))


def extended_base_hash(group: Group, h_b: bytes, vote_key: int, data_key: int) -> bytes:
    """H_E = H(H_B; 0x14, K, K-hat) (spec eq. 30)."""
    return hash_h(group, h_b, 0x14, ModP(vote_key), ModP(data_key))
