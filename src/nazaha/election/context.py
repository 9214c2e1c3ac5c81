"""The public context of an election once its key ceremony is done.

It gathers what every later phase needs: parameters, manifest, the guardians' public keys,
the joint keys K and K-hat, and the hashes H_P, H_B and H_E (spec §3.1.2-§3.2.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.election.guardian import GuardianPublicKey, joint_data_key, joint_vote_key
from nazaha.election.manifest import Manifest
from nazaha.election.parameters import (
    ElectionParameters,
    election_base_hash,
    extended_base_hash,
    parameter_base_hash,
)
from nazaha.errors import ParameterError

__all__ = ["ElectionContext", "build_context"]


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
        raise KeyError(index)


def build_context(
    parameters: ElectionParameters,
    manifest: Manifest,
    guardians: Sequence[GuardianPublicKey],
) -> ElectionContext:
    """Compute K, K-hat, H_P, H_B and H_E from the parameters, manifest and guardian keys."""
    ordered = tuple(sorted(guardians, key=lambda guardian: guardian.index))
    if [guardian.index for guardian in ordered] != list(range(1, parameters.guardians + 1)):
        raise ParameterError(
            f"expected the public keys of guardians 1 to {parameters.guardians}, got indices "
            f"{[guardian.index for guardian in ordered]}"
        )
    group = parameters.group
    vote_key = joint_vote_key(group, ordered)
    data_key = joint_data_key(group, ordered)
    h_p = parameter_base_hash(parameters)
    h_b = election_base_hash(group, h_p, manifest.canonical_bytes)
    h_e = extended_base_hash(group, h_b, vote_key, data_key)
    return ElectionContext(
        parameters=parameters,
        manifest=manifest,
        guardians=ordered,
        vote_key=vote_key,
        data_key=data_key,
        parameter_hash=h_p,
        base_hash=h_b,
        extended_hash=h_e,
    )
