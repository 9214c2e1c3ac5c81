"""An election run step by step from the command line, kept in a workspace folder.

The workspace runs the same election lifecycle as the ballot-box service
(``nazaha.workflows.lifecycle``) over a ``FolderStore``, and adds what only a machine holding
the secrets has: the guardians' sealed key files, and the encrypting device's ballot nonces
until the voter decides. Layout::

    workspace.json            format, election id and label
    election/                 public files: parameters, manifest, hashes, guardians
    ballots/, artifacts/, journal.jsonl
                              the ballot box (``nazaha.storage.folder``): ballots verified at the
                              door, the hash-chained board, tallies and decryption messages
    keys/guardian_<i>.key     each guardian's sealed key share (hand each to its guardian)
    nonces/<code>.nonce       the device's ballot nonce ξ_B, destroyed once the voter decides

The election opens as soon as the key ceremony has made the workspace. ``tally`` closes voting
(a ballot neither cast nor challenged by then is challenged, as on the service) and aggregates;
``decrypt`` runs the guardians' three message rounds in this process. Every step checks its
inputs before it writes anything and commits in one unit of work, so a failed step leaves the
workspace as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.guardian import Guardian
from nazaha.ceremony.keyfile import KDF_INTERACTIVE, KdfSettings, open_key_share, seal_key_share
from nazaha.ceremony.phases import run_key_ceremony
from nazaha.credentials.keys import credential_seed, public_key, sign_submission
from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource
from nazaha.election.ballot import BallotState, EncryptedBallot, PlaintextBallot, SubmittedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.eligibility import DeviceKey, Eligibility, EligibilityMode, EligibilityPolicy
from nazaha.election.manifest import parse_manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.election.tally import ChallengedBallot, DecryptedTally, EncryptedTally
from nazaha.errors import (
    BallotError,
    InputError,
    KeyFileError,
    RecordFormatError,
    StorageError,
    UnknownBallotError,
)
from nazaha.progress import Progress
from nazaha.record.codec import decode_ballot, encode_ballot
from nazaha.record.eligibility import decode_credentials
from nazaha.record.hints import encode_hints, encode_submission
from nazaha.record.layout import write_file_atomically
from nazaha.storage.folder import FolderStore
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import marked_values
from nazaha.voting.opening import open_ballot
from nazaha.workflows.clock import utc_now
from nazaha.workflows.election_files import election_files, eligibility_files
from nazaha.workflows.encryption import encrypt_on_devices
from nazaha.workflows.lifecycle import ElectionLifecycle, normalize_code

__all__ = [
    "BallotFile",
    "Workspace",
    "parse_ballot_file",
    "parse_ballot_file_with_credentials",
]

WORKSPACE_FORMAT = "nazaha-workspace/2"
DEVICE_KEYS = "keys/devices.json"
"""The registered devices' Ed25519 seeds (secret: the devices' own)."""
ADMINISTRATOR_KEY = "keys/administrator.key"
"""The seed of the key that signs this workspace's election record (secret: the officials')."""
BALLOTS_FORMAT = "nazaha-ballots/1"


class _WorkspaceDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    election: str
    created: str
    id: str = ""


class _PlainBallotDoc(msgspec.Struct, forbid_unknown_fields=True):
    style: str
    votes: dict[str, dict[str, int]]
    credential: str = ""
    """The voter's credential, in an election where voters sign (secret: the file is the voter's)."""
    write_ins: dict[str, dict[str, str]] = {}
    """The texts of marked write-in options, by contest and option label (into the contest data)."""
    scanned: bool = False
    """A paper ballot read by a scanner: an overvote is recorded where the manifest's policy says so."""


class BallotFile(msgspec.Struct, forbid_unknown_fields=True):
    """A file of plaintext ballots to encrypt: ``{"format": "nazaha-ballots/1", "ballots": [...]}``."""

    format: str
    ballots: list[_PlainBallotDoc]


def parse_ballot_file(data: bytes, where: str) -> list[PlaintextBallot]:
    """Decode a plaintext ballot file; ``InputError`` naming the file and field if malformed."""
    return [ballot for ballot, _ in parse_ballot_file_with_credentials(data, where)]


def parse_ballot_file_with_credentials(data: bytes, where: str) -> list[tuple[PlaintextBallot, str | None]]:
    """Each plaintext ballot of the file with the credential its voter gave (None if none)."""
    try:
        doc = msgspec.json.decode(data, type=BallotFile, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise InputError(f"{where}: {error}") from None
    if doc.format != BALLOTS_FORMAT:
        raise InputError(f"{where}: format: expected {BALLOTS_FORMAT!r}, got {doc.format!r}")
    return [
        (PlaintextBallot(style=b.style, votes=b.votes, write_ins=b.write_ins, scanned=b.scanned), b.credential or None)
        for b in doc.ballots
    ]


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of casting or challenging: the ballot and, if challenged, what it held."""

    ballot: SubmittedBallot
    opened: ChallengedBallot | None


class Workspace:
    """A workspace folder; every method is one step an election official runs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lifecycle: ElectionLifecycle | None = None
        self._id = ""

    # -- creation -----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        manifest_data: bytes,
        group: Group,
        guardian_names: Sequence[str],
        quorum: int,
        passphrases: Sequence[str],
        rng: RandomSource,
        kdf: KdfSettings = KDF_INTERACTIVE,
        devices: Sequence[tuple[str, str]] = (),
        credentials: bytes | None = None,
        mode: EligibilityMode | None = None,
        policy: EligibilityPolicy = EligibilityPolicy.ONE_BALLOT,
    ) -> tuple[Workspace, ElectionContext]:
        """Run the key ceremony, write the workspace with one sealed key file per guardian, and
        open voting.

        ``devices`` are the encryption devices to register, as (name, precinct): each gets an
        Ed25519 key, kept in ``keys/devices.json``, with which it signs its ballots (only a
        registered device may chain its ballots). ``credentials`` is the credential authority's
        public list (``credentials.json``); ``mode`` defaults to credentials when one is given,
        else to an open election."""
        if root.exists() and any(root.iterdir()):
            raise StorageError(f"{root} exists and is not empty; choose a new workspace folder")
        if len(passphrases) != len(guardian_names):
            raise InputError(
                f"{len(guardian_names)} guardians need {len(guardian_names)} passphrases, got {len(passphrases)}"
            )
        for position, passphrase in enumerate(passphrases, start=1):
            if len(passphrase) < 8:
                raise InputError(f"guardian {position}'s passphrase is shorter than 8 characters")
        manifest = parse_manifest(manifest_data)
        parameters = ElectionParameters(group, len(guardian_names), quorum)
        h_p = parameter_base_hash(parameters)
        guardians = [Guardian(parameters, h_p, index, name, rng) for index, name in enumerate(guardian_names, start=1)]
        context, keys = run_key_ceremony(parameters, manifest, guardians)
        sealed = {
            f"keys/guardian_{key.index}.key": seal_key_share(key, passphrase, rng, kdf)
            for key, passphrase in zip(keys, passphrases, strict=True)
        }
        workspace = cls(root)
        device_seeds = {name: rng.bytes32() for name, _ in devices}
        files = election_files(context)
        files.update(
            eligibility_files(
                Eligibility(
                    mode or (EligibilityMode.CREDENTIALS if credentials is not None else EligibilityMode.OPEN),
                    policy,
                    decode_credentials(credentials) if credentials is not None else None,
                    tuple(
                        sorted(
                            (DeviceKey(name, precinct, public_key(device_seeds[name])) for name, precinct in devices),
                            key=lambda d: d.device,
                        )
                    ),
                )
            )
        )
        administrator_seed = rng.bytes32()
        lifecycle = ElectionLifecycle(FolderStore(root))
        election = lifecycle.create(files, administrator_key=public_key(administrator_seed))
        lifecycle.open(election.id)
        for name, data in sealed.items():
            workspace._write(name, data)
        workspace._write(
            DEVICE_KEYS, msgspec.json.encode({name: seed.hex().upper() for name, seed in sorted(device_seeds.items())})
        )
        (root / DEVICE_KEYS).chmod(0o600)
        workspace._write(ADMINISTRATOR_KEY, administrator_seed.hex().upper().encode("ascii"))
        (root / ADMINISTRATOR_KEY).chmod(0o600)
        workspace._write(
            "workspace.json",
            msgspec.json.encode(
                _WorkspaceDoc(format=WORKSPACE_FORMAT, election=manifest.label, created=utc_now(), id=election.id)
            ),
        )
        return workspace, context

    # -- helpers ------------------------------------------------------------------------------

    def _write(self, name: str, data: bytes) -> None:
        write_file_atomically(self.root / name, data)

    def _read(self, name: str) -> bytes:
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError:
            raise StorageError(f"{self.root / name} is missing") from None

    def _open(self) -> tuple[ElectionLifecycle, str]:
        """The lifecycle over this workspace's folder store, and its election's id."""
        if self._lifecycle is not None:
            return self._lifecycle, self._id
        if not (self.root / "workspace.json").is_file():
            raise StorageError(f"{self.root} is not a Nazaha workspace (no workspace.json)")
        try:
            doc = msgspec.json.decode(self._read("workspace.json"), type=_WorkspaceDoc)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            raise RecordFormatError("workspace.json", str(error)) from None
        if doc.format != WORKSPACE_FORMAT:
            raise RecordFormatError(
                "workspace.json: format",
                f"unsupported {doc.format!r} (this version reads {WORKSPACE_FORMAT!r}; finish an older workspace "
                "with the version that made it)",
            )
        self._lifecycle = ElectionLifecycle(FolderStore(self.root))
        self._id = doc.id
        return self._lifecycle, self._id

    def context(self) -> ElectionContext:
        """Load and check the workspace's public election files."""
        lifecycle, election = self._open()
        return lifecycle.context(election)

    # -- voting -------------------------------------------------------------------------------

    def encrypt(
        self,
        ballots: Sequence[PlaintextBallot],
        *,
        device: str,
        chaining: ChainingMode,
        credentials: Sequence[str | None] = (),
        rng_seed: str | None = None,
        progress: Progress | None = None,
    ) -> list[EncryptedBallot]:
        """Encrypt plaintext ballots on ``device`` and hand them to the ballot box, where they
        wait for the voter's decision. The device keeps each ballot nonce until then.

        A registered device signs each ballot with its key; ``credentials`` holds, for each
        ballot, the credential its voter typed (in an election with credentials), with which it
        is signed."""
        lifecycle, election = self._open()
        context = lifecycle.context(election)
        eligibility = lifecycle.eligibility(election)
        typed = list(credentials) or [None] * len(ballots)
        if len(typed) != len(ballots):
            raise InputError(f"{len(ballots)} ballots need {len(ballots)} credentials, got {len(typed)}")
        voter_seeds = [self._voter_seed(eligibility, credential, number) for number, credential in enumerate(typed, 1)]
        device_seed = self._device_seeds().get(device)
        for number, ballot in enumerate(ballots, start=1):
            try:
                marked_values(context.manifest, ballot)
            except BallotError as error:
                raise BallotError(f"ballot {number}: {error}") from None
        resumed = self._resume_device(lifecycle, election, device, chaining)
        batch = encrypt_on_devices(context, [(resumed, ballots)], seed=rng_seed, progress=progress)[0]
        labels = {i: c.label for i, c in context.manifest.iter_contests()}
        blobs = [
            encode_submission(
                encode_ballot(
                    context.group,
                    item.ballot,
                    None,
                    labels,
                    sign_submission(context.extended_hash, item.ballot.confirmation_code, voter_seed, device_seed),
                ),
                encode_hints(context.group, item.hints),
            )
            for item, voter_seed in zip(batch.ballots, voter_seeds, strict=True)
        ]
        for item in batch.ballots:
            self._write(f"nonces/{item.ballot.code_hex}.nonce", item.ballot_nonce.hex().encode("ascii"))
        try:
            lifecycle.admit_many(election, blobs, progress=progress)
        except BaseException:
            for item in batch.ballots:
                (self.root / f"nonces/{item.ballot.code_hex}.nonce").unlink(missing_ok=True)
            raise
        return [item.ballot for item in batch.ballots]

    def _device_seeds(self) -> dict[str, bytes]:
        if not (self.root / DEVICE_KEYS).is_file():
            return {}
        try:
            seeds = msgspec.json.decode(self._read(DEVICE_KEYS), type=dict[str, str])
            return {name: bytes.fromhex(seed) for name, seed in seeds.items()}
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as error:
            raise RecordFormatError(DEVICE_KEYS, f"not a device key file ({type(error).__name__})") from None

    @staticmethod
    def _voter_seed(eligibility: Eligibility, credential: str | None, number: int) -> bytes | None:
        if not eligibility.mode.needs_credential or eligibility.credentials is None:
            if credential:
                raise InputError(f"ballot {number}: this election takes no credentials")
            return None
        if not credential:
            raise InputError(f"ballot {number}: this election needs the voter's credential")
        try:
            return credential_seed(credential, eligibility.credentials.election_id, eligibility.credentials.kdf)
        except InputError as error:
            raise InputError(f"ballot {number}: {error}") from None

    def _resume_device(
        self, lifecycle: ElectionLifecycle, election: str, device: str, chaining: ChainingMode
    ) -> EncryptionDevice:
        """The device, ready for its next ballot: its chain continues from its last ballot on the board."""
        context = lifecycle.context(election)
        last = lifecycle.last_ballot_of_device(election, device)
        codes: list[bytes] = []
        if last is not None:
            mode = ChainingMode.of_field(last.chaining_field)
            if mode is not chaining:
                raise InputError(f"device {device!r} already uses {mode.value} chaining")
            codes = [last.confirmation_code]
        return EncryptionDevice.resume(context.group, context.extended_hash, device, chaining, codes)

    def decide(self, code: str, state: BallotState) -> Decision:
        """Cast or challenge a pending ballot. A challenged ballot is opened with the device's
        nonce so the voter can see what it held; the nonce is then destroyed either way."""
        lifecycle, election = self._open()
        context = lifecycle.context(election)
        normalized = normalize_code(code)
        opened = None
        nonce_file = self.root / f"nonces/{normalized}.nonce"
        row_data = lifecycle.ballot_document(election, normalized)
        if state is BallotState.CHALLENGED and row_data is not None and nonce_file.is_file():
            ballot = decode_ballot(row_data, context.group, f"ballot {normalized}").ballot
            nonce = bytes.fromhex(nonce_file.read_text("ascii"))
            opened = open_ballot(context, ballot, nonce)
        lifecycle.decide(election, normalized, state)
        nonce_file.unlink(missing_ok=True)
        if row_data is None:  # decide refuses a code that is not on the board; this is belt and braces
            raise UnknownBallotError(f"no ballot {normalized} in this election")
        ballot = decode_ballot(row_data, context.group, f"ballot {normalized}").ballot
        return Decision(SubmittedBallot(ballot, state), opened)

    # -- tally and decryption -----------------------------------------------------------------

    def tally(self, progress: Progress | None = None) -> EncryptedTally:
        """Close voting (undecided ballots are challenged) and aggregate the cast ballots."""
        lifecycle, election = self._open()
        challenged = lifecycle.close(election)
        for entry in challenged:
            if entry.code:
                (self.root / f"nonces/{entry.code}.nonce").unlink(missing_ok=True)
        return lifecycle.tally(election, progress)

    def decrypt(
        self,
        keys: Sequence[tuple[str, bytes, str]],
        rng: RandomSource,
        progress: Progress | None = None,
    ) -> DecryptedTally:
        """Decrypt the tally and open the challenged ballots with the guardians present.

        ``keys`` holds (where, key file bytes, passphrase) for each guardian present.
        """
        lifecycle, election = self._open()
        context = lifecycle.context(election)
        guardians = []
        for where, data, passphrase in keys:
            try:
                share = open_key_share(data, passphrase, context.group)
            except KeyFileError as error:
                raise KeyFileError(f"{where}: {error}") from None
            guardians.append(DecryptingGuardian(context, share, rng))
        return lifecycle.decrypt_here(election, guardians, progress)

    def publish(self, output: Path, progress: Progress | None = None, replace: bool = False) -> Path:
        """Write the election record from a decrypted workspace into ``output``."""
        lifecycle, election = self._open()
        seed = (
            bytes.fromhex(self._read(ADMINISTRATOR_KEY).decode("ascii"))
            if (self.root / ADMINISTRATOR_KEY).is_file()
            else b""
        )
        return lifecycle.write_record(election, output, replace=replace, progress=progress, signing_seed=seed)
