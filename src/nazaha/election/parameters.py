"""Election parameters: the group, the number of guardians n and the quorum k (spec §3.1).

The hashes computed from them (H_P, H_B, H_E) belong to the key ceremony
(``nazaha.ceremony.base_hashes``); the verifier recomputes them on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.errors import ParameterError

__all__ = [
    "SPEC_VERSION",
    "VERSION_BYTES",
    "ElectionParameters",
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
