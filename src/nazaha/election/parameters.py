"""Election parameters and the base hashes H_P, H_B and H_E.

Spec §3.1.2 eq. (4): H_P = H(ver; 0x00, p, q, g, n, k) with ver = "v2.1.0" padded with zero
bytes to 32 bytes. §3.1.4 eq. (5): H_B = H(H_P; 0x01, manifest). §3.2.3 eq. (30):
H_E = H(H_B; 0x14, K, K-hat).
"""

from __future__ import annotations

from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, File, ModP, Raw, hash_h
from nazaha.errors import ParameterError

__all__ = [
    "SPEC_VERSION",
    "VERSION_BYTES",
    "ElectionParameters",
    "election_base_hash",
    "extended_base_hash",
    "parameter_base_hash",
]

SPEC_VERSION = "2.1.0"
VERSION_BYTES = b"v2.1.0" + bytes(26)
"""ver of spec §3.1.2: 0x76322E312E30 ‖ b(0, 26)."""

_MAX_GUARDIANS = (1 << 31) - 1


@dataclass(frozen=True, slots=True)
class ElectionParameters:
    """The group, the number of guardians n and the quorum k (1 <= k <= n)."""

    group: Group
    guardians: int
    quorum: int

    def __post_init__(self) -> None:
        if not 1 <= self.guardians <= _MAX_GUARDIANS:
            raise ParameterError(f"the number of guardians must be at least 1, got {self.guardians}")
        if not 1 <= self.quorum <= self.guardians:
            raise ParameterError(
                f"the quorum must be between 1 and the number of guardians ({self.guardians}), got {self.quorum}"
            )


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
