"""The joint keys K and K-hat (eqs. 25, 26) and the guardian record hash H_G, by which guardians
compare their views of the ceremony.

Spec §3.2.2 "Share verification and the guardian record", eq. (27):
H_G = H(H_B; 0x13, K, K-hat, K_1,0..K_n,k-1, K-hat_1,0..K-hat_n,k-1, κ_1..κ_n).
"""

from __future__ import annotations

from collections.abc import Sequence

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import ModP, hash_h
from nazaha.election.guardian import GuardianPublicKey

__all__ = ["guardian_record_hash", "joint_data_key", "joint_vote_key"]


def guardian_record_hash(
    group: Group,
    h_b: bytes,
    vote_key: int,
    data_key: int,
    guardians: Sequence[GuardianPublicKey],
) -> bytes:
    """H_G of eq. (27), over the guardians in index order."""
    ordered = sorted(guardians, key=lambda guardian: guardian.index)
    return hash_h(
        group,
        h_b,
        0x13,
        ModP(vote_key),
        ModP(data_key),
        *(ModP(value) for guardian in ordered for value in guardian.vote_commitments),
        *(ModP(value) for guardian in ordered for value in guardian.data_commitments),
        *(ModP(guardian.communication_key) for guardian in ordered),
    )


def joint_vote_key(group: Group, guardians: Sequence[GuardianPublicKey]) -> int:
    """K = Π_i K_i mod p (spec eq. 25)."""
    return group.prod(guardian.vote_key for guardian in guardians)


def joint_data_key(group: Group, guardians: Sequence[GuardianPublicKey]) -> int:
    """K-hat = Π_i K-hat_i mod p (spec eq. 26)."""
    return group.prod(guardian.data_key for guardian in guardians)
