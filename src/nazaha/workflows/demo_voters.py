"""The demonstration's voters and devices: its own credential authority and polling places.

The demo runs an election with eligibility as a real one would (docs/threat-model.md): a
credential authority issues one credential per voter (the demo's random ballots are its voters'
ballots, each voter of that ballot's style), two polling-place devices are registered with keys,
and every ballot is signed by its voter's credential and by its device (mode ``both``, one ballot
per credential). The demo's credentials use cheaper scrypt settings (declared in the published
list) so that a 500-voter demonstration stays quick.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources

from nazaha.credentials.authority import Voter, issue_credentials
from nazaha.credentials.codes import ALPHABET, SYMBOLS, with_check_symbol
from nazaha.credentials.keys import credential_seed, public_key, sign_submission
from nazaha.crypto.nonces import RandomSource
from nazaha.election.ballot import PlaintextBallot
from nazaha.election.eligibility import (
    BallotSignatures,
    DeviceKey,
    Eligibility,
    EligibilityMode,
    EligibilityPolicy,
    KdfParameters,
)
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.workflows.election_files import eligibility_files

__all__ = ["DEMO_DEVICES", "KDF_DEMO", "DemoVoters", "demo_manifest", "demo_voters"]

KDF_DEMO = KdfParameters(n=2**12, r=8, p=1)
"""Cheaper than a real election's (``KDF_DEFAULT``), declared in the demo's public list."""

DEMO_DEVICES = (
    ("polling-station-1/device-A", "polling-station-1"),
    ("polling-station-2/device-B", "polling-station-2"),
)


def demo_manifest(rng: RandomSource) -> Manifest:
    """The shipped sample manifest with an election id of its own (credentials are issued for it)."""
    doc = json.loads(resources.files("nazaha.data").joinpath("sample_manifest.json").read_bytes())
    doc["election_id"] = f"{doc['label']}-demo-{rng.bytes32().hex()[:12]}"
    return parse_manifest(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


@dataclass(slots=True)
class DemoVoters:
    """The demo's eligibility files, and the keys that sign each voter's ballot."""

    eligibility: Eligibility
    voter_seeds: list[bytes] = field(repr=False)
    device_seeds: dict[str, bytes] = field(repr=False)

    @property
    def files(self) -> dict[str, bytes]:
        return eligibility_files(self.eligibility)

    def signatures(self, extended_hash: bytes, number: int, device: str, code: bytes) -> BallotSignatures:
        """Voter ``number``'s ballot (from 0), signed by the voter and by ``device``."""
        return sign_submission(extended_hash, code, self.voter_seeds[number], self.device_seeds[device])


def demo_voters(
    manifest: Manifest, plaintexts: Sequence[PlaintextBallot], rng: RandomSource, kdf: KdfParameters = KDF_DEMO
) -> DemoVoters:
    """One voter per ballot, with that ballot's style; the two demo devices; mode both."""
    if manifest.election_id is None:
        raise ValueError("the demo's manifest needs an election_id (demo_manifest gives one)")
    election_id = manifest.election_id

    def fresh() -> str:
        return with_check_symbol("".join(ALPHABET[rng.below(len(ALPHABET))] for _ in range(SYMBOLS)))

    voters = [Voter(f"voter-{number:05d}", ballot.style) for number, ballot in enumerate(plaintexts, start=1)]
    credentials, issued = issue_credentials(voters, election_id, kdf, fresh=fresh)
    # Each voter's booth derives the signing key from the credential typed, as a real one does.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # scrypt releases the GIL
        voter_seeds = list(pool.map(lambda one: credential_seed(one.credential, election_id, kdf), issued))
    device_seeds = {name: rng.bytes32() for name, _ in DEMO_DEVICES}
    devices = tuple(DeviceKey(name, precinct, public_key(device_seeds[name])) for name, precinct in DEMO_DEVICES)
    eligibility = Eligibility(EligibilityMode.BOTH, EligibilityPolicy.ONE_BALLOT, credentials, devices)
    return DemoVoters(eligibility, voter_seeds, device_seeds)
