"""The election context assembled at the end of the key ceremony (spec §3.2.3).

From the parameters, the manifest and the guardians' public keys: the joint keys K and K-hat
(eqs. 25, 26) and the hashes H_P, H_B and H_E (eqs. 4, 5, 30).
"""

from __future__ import annotations

from collections.abc import Sequence

from nazaha.ceremony.base_hashes import election_base_hash, extended_base_hash, parameter_base_hash
from nazaha.ceremony.joint_key import joint_data_key, joint_vote_key
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianPublicKey
from nazaha.election.manifest import Manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.errors import ParameterError

__all__ = ["build_context"]


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
