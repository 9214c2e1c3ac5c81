"""Elections for the tests: small ones on the test group (with every key share), and the service
tests' key ceremonies on the standard group with pre-encrypted ballots."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.guardian import Guardian
from nazaha.ceremony.keyfile import KDF_TEST_ONLY
from nazaha.ceremony.phases import run_key_ceremony
from nazaha.credentials.keys import sign_submission
from nazaha.crypto.group import Group
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP, TEST_GROUP
from nazaha.election.ballot import PlaintextBallot
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianKeyShare
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.record.codec import encode_ballot
from nazaha.record.hints import encode_hints, encode_submission
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.demo import generate_ballots, load_sample_manifest
from nazaha.workflows.encryption import encrypt_on_devices
from nazaha.workflows.remote import (
    ServiceClient,
    decrypt_as_guardian,
    decrypt_audit_as_guardian,
    election_files_of,
)
from nazaha.workflows.workspace import Workspace

__all__ = [
    "CHAINING_DEVICES",
    "ServiceElection",
    "SmallElection",
    "make_election",
    "make_service_election",
    "write_in_manifest",
]

CHAINING_DEVICES = ("chain-kiosk", "crash-kiosk", "kiosk-chain", "twin")
"""The devices the service tests chain ballots on: registered, since only a registered device may
chain (the others encrypt without chaining, unregistered, in an open election)."""


@dataclass(frozen=True)
class SmallElection:
    """A 5-guardian, quorum-3 election on the test group, with every guardian's key share."""

    context: ElectionContext
    keys: list[GuardianKeyShare]

    @property
    def manifest(self) -> Manifest:
        return self.context.manifest


def make_election(
    group: Group = TEST_GROUP, n: int = 5, k: int = 3, seed: str = "election", manifest: Manifest | None = None
) -> SmallElection:
    rng = SeededRandom(seed)
    parameters = ElectionParameters(group, n, k)
    h_p = parameter_base_hash(parameters)
    guardians = [Guardian(parameters, h_p, i, f"Guardian {i}", rng) for i in range(1, n + 1)]
    context, keys = run_key_ceremony(parameters, manifest or load_sample_manifest(), guardians)
    return SmallElection(context, keys)


def write_in_manifest(overvote_policy: str = "refuse") -> Manifest:
    """The sample manifest with contest data: the mayor's contest gets a write-in option and two
    blocks of contest data (and, for the overvote policy ``record``, every contest one block)."""
    doc = json.loads(load_sample_manifest().canonical_bytes)
    doc["election_id"] = f"write-ins-{overvote_policy}"
    for contest in doc["contests"]:
        contest["contest_data_blocks"] = 1 if overvote_policy == "record" else 0
    mayor = doc["contests"][0]
    mayor["contest_data_blocks"] = 2
    mayor["options"].append(
        {
            "label": "write-in",
            "name": [{"language": "ar", "text": "مرشح آخر"}, {"language": "en", "text": "Write-in"}],
            "write_in": True,
        }
    )
    if overvote_policy != "refuse":
        doc["overvote_policy"] = overvote_policy
    for contest in doc["contests"]:
        if not contest["contest_data_blocks"]:
            del contest["contest_data_blocks"]
    return parse_manifest(json.dumps(doc, ensure_ascii=False))


@dataclass
class ServiceElection:
    workspace: Path
    context: ElectionContext
    files: dict[str, str]
    passphrases: list[str]
    _encrypted: dict[str, list[bytes]] = field(default_factory=dict)

    def ballots(
        self,
        count: int,
        device: str = "kiosk-1",
        mode: ChainingMode = ChainingMode.NONE,
        seed: str = "b",
        *,
        with_hints: bool = False,
    ) -> list[bytes]:
        """``count`` encrypted ballots (pending) from one device, cached per (device, mode, seed);
        ``with_hints``: each in the envelope with its proofs' commitments, as the device sends it."""
        key = f"{device}/{mode.value}/{seed}/{count}"
        cached = f"{key}/hinted" if with_hints else key
        if cached not in self._encrypted:
            plaintexts = generate_ballots(self.context.manifest, count, SeededRandom(key))
            self._encrypted[cached] = self.encrypt(plaintexts, device, mode, seed=key, with_hints=with_hints)
        return self._encrypted[cached]

    def encrypt(
        self,
        plaintexts: Sequence[PlaintextBallot],
        device: str = "kiosk-1",
        mode: ChainingMode = ChainingMode.NONE,
        *,
        seed: str = "b",
        with_hints: bool = False,
    ) -> list[bytes]:
        """``plaintexts`` encrypted on ``device`` (signed with its seed when it is registered);
        ``with_hints``: each in the envelope with its proofs' commitments."""
        context = self.context
        dev = EncryptionDevice(context.group, context.extended_hash, device, mode)
        batch = encrypt_on_devices(context, [(dev, list(plaintexts))], seed=seed)[0]
        labels = {i: c.label for i, c in context.manifest.iter_contests()}
        device_seed = self.device_seeds().get(device)
        blobs = []
        for item in batch.ballots:
            blob = encode_ballot(
                context.group,
                item.ballot,
                None,
                labels,
                sign_submission(context.extended_hash, item.ballot.confirmation_code, None, device_seed),
            )
            blobs.append(encode_submission(blob, encode_hints(context.group, item.hints)) if with_hints else blob)
        return blobs

    def guardians_decrypting(
        self,
        remote: Callable[[], ServiceClient],
        election_id: str,
        present: Iterable[int],
        outcomes: dict[int, object],
        *,
        seed: str = "guardian",
        timeout: float = 300,
        paper_audit: bool = False,
    ) -> list[threading.Thread]:
        """One started thread per guardian in ``present``, each running the client of
        ``nazaha guardian decrypt`` (``--paper-audit``: the audit's sampled ballots) against
        ``remote()``; what each ends with (its result, or the exception it raised) lands in
        ``outcomes``."""
        decrypt = decrypt_audit_as_guardian if paper_audit else decrypt_as_guardian

        def guardian(index: int) -> None:
            key = (self.workspace / f"keys/guardian_{index}.key").read_bytes()
            try:
                outcomes[index] = decrypt(
                    remote(),
                    election_id,
                    key,
                    self.passphrases[index - 1],
                    SeededRandom(f"{seed}-{index}"),
                    poll=0.05,
                    timeout=timeout,
                )
            except Exception as error:
                outcomes[index] = error

        threads = [threading.Thread(target=guardian, args=(i,)) for i in present]
        for thread in threads:
            thread.start()
        return threads

    def device_seeds(self) -> dict[str, bytes]:
        """The registered devices' signing seeds, from the workspace (devices sign their ballots)."""
        path = self.workspace / "keys/devices.json"
        if not path.is_file():
            return {}
        return {name: bytes.fromhex(seed) for name, seed in json.loads(path.read_text()).items()}


def make_service_election(
    root: Path, seed: str, *, guardians: int = 5, quorum: int = 3, manifest: Manifest | None = None
) -> ServiceElection:
    """A key ceremony on the standard parameters in workspace ``root`` (for ``manifest``, the
    sample manifest by default); each seed gives an election of its own (its own keys, so its own H_E)."""
    passphrases = [f"passphrase of guardian {i}" for i in range(1, guardians + 1)]
    _, context = Workspace.create(
        root,
        manifest_data=(manifest or load_sample_manifest()).canonical_bytes,
        group=STANDARD_GROUP,
        guardian_names=[f"Guardian {i}" for i in range(1, guardians + 1)],
        quorum=quorum,
        passphrases=passphrases,
        rng=SeededRandom(seed),
        kdf=KDF_TEST_ONLY,
        devices=[(name, "test-precinct") for name in CHAINING_DEVICES],
    )
    return ServiceElection(root, context, election_files_of(root), passphrases)
