"""An election run step by step from the command line, kept in a workspace folder.

Layout::

    workspace.json            format and election label
    election/                 public files: parameters, manifest, hashes, guardians
    keys/guardian_<i>.key     each guardian's sealed key share (hand each to its guardian)
    devices/<name>.json       each voting device's ballots in order (its chain)
    pending/<code>.json       encrypted ballots waiting for the voter to cast or challenge
    pending/<code>.nonce      the device's ballot nonce ξ_B, destroyed once the voter decides
    ballots/<code>.json       cast and challenged ballots
    board.json                the bulletin board: every ballot received, cast or challenged
    encrypted_tally.json      after ``tally``
    tally.json, challenged/   after ``decrypt``

Every step checks its inputs before it writes anything, and each file is written atomically,
so a failed step leaves the workspace as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.guardian import Guardian
from nazaha.ceremony.keyfile import KDF_INTERACTIVE, KdfSettings, open_key_share, seal_key_share
from nazaha.ceremony.phases import run_key_ceremony
from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource
from nazaha.election.ballot import BallotState, EncryptedBallot, PlaintextBallot, SubmittedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.manifest import parse_manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.election.tally import ChallengedBallot, DecryptedTally, EncryptedTally
from nazaha.errors import (
    BallotError,
    BallotStateError,
    InputError,
    KeyFileError,
    RecordFormatError,
    StorageError,
)
from nazaha.progress import NoProgress, Progress
from nazaha.record.board import BoardEntry, BoardKind, chain_entry, decode_board, encode_board, genesis_hash
from nazaha.record.codec import (
    RECORD_FORMAT,
    DeviceLog,
    decode_ballot,
    decode_challenged,
    decode_device,
    decode_encrypted_tally,
    decode_tally,
    encode_ballot,
    encode_challenged,
    encode_device,
    encode_encrypted_tally,
    encode_tally,
)
from nazaha.record.layout import write_file_atomically
from nazaha.tallying.aggregate import TallyAccumulator
from nazaha.tallying.decrypt import DecryptingGuardian, decrypt_ballot_nonce, decrypt_tally
from nazaha.voting.ballot_box import BallotBox
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import marked_values
from nazaha.voting.opening import open_ballot
from nazaha.voting.validate import validate_ballot
from nazaha.workflows.clock import utc_now
from nazaha.workflows.election_files import election_files, load_context
from nazaha.workflows.encryption import encrypt_on_devices
from nazaha.workflows.publish import device_log, tally_labels, write_record

__all__ = [
    "BallotFile",
    "Workspace",
    "parse_ballot_file",
]

WORKSPACE_FORMAT = "nazaha-workspace/1"
BALLOTS_FORMAT = "nazaha-ballots/1"
_CODE = re.compile(r"^[0-9A-Fa-f]{64}$")


class _WorkspaceDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    election: str
    created: str


class _PlainBallotDoc(msgspec.Struct, forbid_unknown_fields=True):
    style: str
    votes: dict[str, dict[str, int]]


class BallotFile(msgspec.Struct, forbid_unknown_fields=True):
    """A file of plaintext ballots to encrypt: ``{"format": "nazaha-ballots/1", "ballots": [...]}``."""

    format: str
    ballots: list[_PlainBallotDoc]


def parse_ballot_file(data: bytes, where: str) -> list[PlaintextBallot]:
    """Decode a plaintext ballot file; ``InputError`` naming the file and field if malformed."""
    try:
        doc = msgspec.json.decode(data, type=BallotFile, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise InputError(f"{where}: {error}") from None
    if doc.format != BALLOTS_FORMAT:
        raise InputError(f"{where}: format: expected {BALLOTS_FORMAT!r}, got {doc.format!r}")
    return [PlaintextBallot(style=b.style, votes=b.votes) for b in doc.ballots]


def _code_bytes(code: str) -> bytes:
    cleaned = code.strip().replace(" ", "").replace("-", "")
    if not _CODE.match(cleaned):
        raise InputError(f"{code!r} is not a confirmation code (64 hex digits)")
    return bytes.fromhex(cleaned)


def _device_file(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "device"
    return f"devices/{slug}.json"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of casting or challenging: the ballot and, if challenged, what it held."""

    ballot: SubmittedBallot
    opened: ChallengedBallot | None


class Workspace:
    """A workspace folder; every method is one step an election official runs."""

    def __init__(self, root: Path) -> None:
        self.root = root

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
    ) -> tuple[Workspace, ElectionContext]:
        """Run the key ceremony and write the workspace with one sealed key file per guardian."""
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
        for name, data in election_files(context).items():
            workspace._write(f"election/{name}", data)
        for name, data in sealed.items():
            workspace._write(name, data)
        workspace._write(
            "workspace.json",
            msgspec.json.encode(_WorkspaceDoc(format=WORKSPACE_FORMAT, election=manifest.label, created=utc_now())),
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

    def context(self) -> ElectionContext:
        """Load and check the workspace's public election files."""
        if not (self.root / "workspace.json").is_file():
            raise StorageError(f"{self.root} is not a Nazaha workspace (no workspace.json)")
        try:
            doc = msgspec.json.decode(self._read("workspace.json"), type=_WorkspaceDoc)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            raise RecordFormatError("workspace.json", str(error)) from None
        if doc.format != WORKSPACE_FORMAT:
            raise RecordFormatError("workspace.json: format", f"unsupported {doc.format!r}")
        return load_context(lambda name: self._read(f"election/{name}"))

    def _names(self, folder: str, suffix: str = ".json") -> list[str]:
        directory = self.root / folder
        if not directory.is_dir():
            return []
        return sorted(f"{folder}/{p.name}" for p in directory.iterdir() if p.name.endswith(suffix))

    def pending(self, context: ElectionContext) -> Iterator[EncryptedBallot]:
        """Ballots waiting for the voter's decision."""
        for name in self._names("pending"):
            decoded = decode_ballot(self._read(name), context.group, name)
            if decoded.state is not None:
                raise RecordFormatError(name, "a pending ballot must not be cast or challenged")
            yield decoded.ballot

    def submitted(self, context: ElectionContext) -> Iterator[SubmittedBallot]:
        for name in self._names("ballots"):
            yield decode_ballot(self._read(name), context.group, name).submitted(name)

    def _box(self, context: ElectionContext) -> BallotBox:
        box = BallotBox()
        for ballot in self.pending(context):
            box.submit(ballot)
        for submitted in self.submitted(context):
            box.submit(submitted.ballot)
            box.decide(submitted.ballot.confirmation_code, submitted.state)
        return box

    def _board(self, context: ElectionContext) -> list[BoardEntry]:
        if not (self.root / "board.json").exists():
            return []
        head, entries = decode_board(self._read("board.json"))
        if (entries[-1].hash if entries else genesis_hash(context.extended_hash)) != head:
            raise RecordFormatError("board.json: head", "the head hash is not the last entry's hash")
        return entries

    def _append_board(self, context: ElectionContext, events: list[tuple[BoardKind, str]]) -> None:
        entries = self._board(context)
        genesis = genesis_hash(context.extended_hash)
        for kind, code in events:
            entries.append(chain_entry(entries[-1] if entries else None, genesis, kind, code, utc_now()))
        self._write("board.json", encode_board(entries, genesis))

    def _devices(self) -> list[DeviceLog]:
        return [decode_device(self._read(name), name) for name in self._names("devices")]

    # -- voting -------------------------------------------------------------------------------

    def encrypt(
        self,
        ballots: Sequence[PlaintextBallot],
        *,
        device: str,
        chaining: ChainingMode,
        rng_seed: str | None = None,
        progress: Progress | None = None,
    ) -> list[EncryptedBallot]:
        """Encrypt plaintext ballots on ``device``; they wait in ``pending/`` for a decision."""
        context = self.context()
        if (self.root / "encrypted_tally.json").exists():
            raise BallotStateError("voting is closed: the tally has been computed")
        for number, ballot in enumerate(ballots, start=1):
            try:
                marked_values(context.manifest, ballot)
            except BallotError as error:
                raise BallotError(f"ballot {number}: {error}") from None
        logs = {log.device: log for log in self._devices()}
        existing = logs.get(device)
        if existing is not None and existing.chaining != chaining.value:
            raise InputError(f"device {device!r} already uses {existing.chaining} chaining")
        resumed = EncryptionDevice.resume(
            context.group,
            context.extended_hash,
            device,
            chaining,
            [bytes.fromhex(code) for code in existing.ballots] if existing else [],
        )
        batch = encrypt_on_devices(context, [(resumed, ballots)], seed=rng_seed, progress=progress)[0]
        for item in batch.ballots:
            code = item.ballot.code_hex
            labels = {i: c.label for i, c in context.manifest.iter_contests()}
            self._write(f"pending/{code}.nonce", item.ballot_nonce.hex().encode("ascii"))
            self._write(f"pending/{code}.json", encode_ballot(context.group, item.ballot, None, labels))
        self._append_board(context, [(BoardKind.BALLOT, item.ballot.code_hex) for item in batch.ballots])
        log = device_log(batch.device)
        self._write(
            _device_file(device),
            encode_device(
                DeviceLog(format=RECORD_FORMAT, device=log.device, chaining=log.chaining, ballots=log.ballots)
            ),
        )
        return [item.ballot for item in batch.ballots]

    def decide(self, code: str, state: BallotState) -> Decision:
        """Cast or challenge a pending ballot. A challenged ballot is opened with the device's
        nonce so the voter can see what it held; the nonce is then destroyed either way."""
        context = self.context()
        code_bytes = _code_bytes(code)
        box = self._box(context)
        submitted = box.decide(code_bytes, state)
        ballot = submitted.ballot
        validate_ballot(context, ballot)
        hex_code = ballot.code_hex
        opened = None
        if state is BallotState.CHALLENGED:
            nonce = bytes.fromhex(self._read(f"pending/{hex_code}.nonce").decode("ascii"))
            opened = open_ballot(context, ballot, nonce)
        labels = {i: c.label for i, c in context.manifest.iter_contests()}
        self._write(f"ballots/{hex_code}.json", encode_ballot(context.group, ballot, state, labels))
        kind = BoardKind.CAST if state is BallotState.CAST else BoardKind.CHALLENGE
        self._append_board(context, [(kind, hex_code)])
        (self.root / f"pending/{hex_code}.json").unlink(missing_ok=True)
        (self.root / f"pending/{hex_code}.nonce").unlink(missing_ok=True)
        return Decision(submitted, opened)

    # -- tally and decryption -----------------------------------------------------------------

    def tally(self, progress: Progress | None = None) -> EncryptedTally:
        """Close voting and aggregate the cast ballots into the encrypted tally."""
        progress = progress or NoProgress()
        context = self.context()
        pending = self._names("pending")
        if pending:
            raise BallotStateError(f"{len(pending)} ballot(s) are still waiting to be cast or challenged")
        board = self._board(context)
        if board and board[-1].kind is BoardKind.CLOSE:
            raise BallotStateError("voting is already closed and the tally computed")
        names = self._names("ballots")
        accumulator = TallyAccumulator(context.group, context.manifest)
        progress.start("Aggregating cast ballots", len(names))
        for submitted in self.submitted(context):
            if submitted.state is BallotState.CAST:
                accumulator.add(submitted.ballot)
            progress.advance()
        progress.finish()
        result = accumulator.result()
        self._append_board(context, [(BoardKind.CLOSE, "")])
        self._write(
            "encrypted_tally.json",
            encode_encrypted_tally(context.group, result, tally_labels(context)),
        )
        return result

    def decrypt(
        self,
        keys: Sequence[tuple[str, bytes, str]],
        rng: RandomSource,
        progress: Progress | None = None,
    ) -> DecryptedTally:
        """Decrypt the tally and open the challenged ballots with the guardians present.

        ``keys`` holds (where, key file bytes, passphrase) for each guardian present.
        """
        progress = progress or NoProgress()
        context = self.context()
        if not (self.root / "encrypted_tally.json").exists():
            raise BallotStateError("compute the tally first (nazaha tally)")
        encrypted, _ = decode_encrypted_tally(self._read("encrypted_tally.json"), context.group)
        guardians = []
        for where, data, passphrase in keys:
            try:
                share = open_key_share(data, passphrase, context.group)
            except KeyFileError as error:
                raise KeyFileError(f"{where}: {error}") from None
            guardians.append(DecryptingGuardian(context, share, rng))
        progress.start("Decrypting the tally", 1)
        tally = decrypt_tally(context, encrypted, guardians)
        progress.advance()
        progress.finish()
        challenged = [s.ballot for s in self.submitted(context) if s.state is BallotState.CHALLENGED]
        progress.start("Opening challenged ballots", len(challenged))
        openings = []
        for ballot in challenged:
            openings.append(open_ballot(context, ballot, decrypt_ballot_nonce(context, ballot, guardians)))
            progress.advance()
        progress.finish()
        for opened in openings:
            self._write(
                f"challenged/{opened.confirmation_code.hex().upper()}.json",
                encode_challenged(context.group, opened),
            )
        self._write("tally.json", encode_tally(context.group, tally))
        return tally

    def publish(self, output: Path, progress: Progress | None = None, replace: bool = False) -> Path:
        """Write the election record from a decrypted workspace into ``output``."""
        context = self.context()
        if not (self.root / "tally.json").exists():
            raise BallotStateError("decrypt the tally first (nazaha decrypt)")
        group = context.group
        encrypted, _ = decode_encrypted_tally(self._read("encrypted_tally.json"), group)
        tally = decode_tally(self._read("tally.json"), group)
        openings = [decode_challenged(self._read(n), group, n) for n in self._names("challenged")]
        devices = []
        for log in self._devices():
            mode = ChainingMode(log.chaining)
            device = EncryptionDevice.resume(
                group, context.extended_hash, log.device, mode, [bytes.fromhex(c) for c in log.ballots]
            )
            devices.append(device_log(device))
        return write_record(
            output,
            context,
            self.submitted(context),
            devices,
            encrypted,
            tally,
            openings,
            self._board(context),
            created=utc_now(),
            total_ballots=len(self._names("ballots")),
            replace=replace,
            progress=progress,
        )
