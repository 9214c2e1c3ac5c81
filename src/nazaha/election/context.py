"""The public context of an election once its key ceremony is done.

It gathers what every later phase needs: parameters, manifest, the guardians' public keys,
the joint keys K and K-hat, and the hashes H_P, H_B and H_E (spec §3.1.2-§3.2.3). The key
ceremony builds it (``nazaha.ceremony.context.build_context``).
"""

from __future__ import annotations

from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.election.guardian import GuardianPublicKey
from nazaha.election.manifest import Manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.errors import NotFoundError

__all__ = ["ElectionContext"]


@dataclass(frozen=True, slots=True)
class ElectionContext:
    """Everything public that encryption, tallying and decryption depend on."""

    parameters: ElectionParameters
    manifest: Manifest
    guardians: tuple[GuardianPublicKey, ...]
    vote_key: int
    """K, the joint vote encryption key (eq. 25)."""
    data_key: int
    """K-hat, the joint ballot data encryption key (eq. 26)."""
    parameter_hash: bytes
    """H_P (eq. 4)."""
    base_hash: bytes
    """H_B (eq. 5)."""
    extended_hash: bytes
    """H_E (eq. 30)."""

    @property
    def group(self) -> Group:
        return self.parameters.group

    def guardian(self, index: int) -> GuardianPublicKey:
        """The public key of guardian ``index`` (1-based)."""
        for guardian in self.guardians:
            if guardian.index == index:
                return guardian
        raise NotFoundError(f"the election has no guardian {index}")
