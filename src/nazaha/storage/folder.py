"""An ``ElectionStore`` in a folder: the one election of a workspace run from the command line.

Layout (under the workspace folder)::

    election/            the public election files (parameters, manifest, hashes, guardians)
    ballots/<code>.json  every ballot accepted at the door, exactly as submitted
    artifacts/<name>     tallies, decryption messages, opened ballots
    journal.jsonl        the commit log: one line per committed unit of work
    .store.lock          held (flock) by the process running a unit of work

A unit of work writes its new ballot and artifact files first (each atomically, flushed to
disk), then appends one line to ``journal.jsonl`` naming them with the board entries and the new
state, and flushes it: that line is the commit. A crash before it leaves files that no line
names, which are ignored (and overwritten by the next attempt); a torn last line is discarded
when the journal is read. So a failed or interrupted step leaves the workspace as it was.
Several processes may use one workspace: units of work take an exclusive lock on the folder and
every read first catches up with lines other processes committed.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import msgspec

from nazaha.errors import ConflictError, RecordFormatError, StorageError
from nazaha.record.board import BoardEntry, BoardKind
from nazaha.record.layout import write_file_atomically
from nazaha.storage.memory import Changes, ElectionData, MemoryStore, apply_changes
from nazaha.storage.ports import BallotRow, ElectionRow, ElectionState

__all__ = ["FolderStore"]

JOURNAL = "journal.jsonl"
_CODE = re.compile(r"[0-9A-F]{64}")
_ARTIFACT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")
_ELECTION_FILE = re.compile(
    r"(parameters|manifest|hashes|eligibility|credentials|devices)\.json|guardians/guardian_[1-9][0-9]*\.json"
)


class _ElectionLine(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    label: str
    state: str
    created_at: str
    board_head: str
    extended_hash: str
    files: list[str]


class _BallotLine(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    code: str
    selection_id: str
    device: str
    position: int
    received_at: str
    credential: str = ""


class _EntryLine(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    position: int
    kind: str
    code: str
    previous: str
    recorded_at: str
    hash: str


class _CommitLine(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    election: _ElectionLine | None = None
    state: str = ""
    ballots: list[_BallotLine] = []
    entries: list[_EntryLine] = []
    artifacts: list[str] = []


class FolderStore(MemoryStore):
    """The store of one workspace folder (see the module docstring). Holds at most one election."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self._offset = 0
        self._lock_handle: int | None = None

    # -- the journal ----------------------------------------------------------------------------

    def _journal(self) -> Path:
        return self.root / JOURNAL

    def _refresh(self) -> None:
        """Apply the journal lines committed since the last read (by this or another process)."""
        path = self._journal()
        try:
            with open(path, "rb") as handle:
                handle.seek(self._offset)
                tail = handle.read()
        except FileNotFoundError:
            return
        except OSError as error:
            raise StorageError(f"cannot read {path}: {error.strerror}") from None
        consumed = 0
        for line in tail.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break  # a torn last line: that unit of work never committed
            try:
                commit = msgspec.json.decode(line, type=_CommitLine)
            except (msgspec.ValidationError, msgspec.DecodeError) as error:
                raise RecordFormatError(f"{path}, byte {self._offset + consumed}", str(error)) from None
            self._apply_line(commit)
            consumed += len(line)
        self._offset += consumed

    def _apply_line(self, commit: _CommitLine) -> None:
        if commit.election is not None:
            line = commit.election
            files = {name: self._read(f"election/{name}") for name in line.files}
            row = ElectionRow(
                id=line.id,
                label=line.label,
                state=ElectionState(line.state),
                files=files,
                created_at=line.created_at,
                board_length=0,
                board_head=line.board_head,
                extended_hash=line.extended_hash,
            )
            self._elections[row.id] = ElectionData(row)
            return
        (data,) = self._elections.values()
        ballots = [
            BallotRow(
                b.code,
                b.selection_id,
                b.device,
                self._read(f"ballots/{b.code}.json"),
                b.position,
                b.received_at,
                b.credential,
            )
            for b in commit.ballots
        ]
        entries = [
            BoardEntry(e.position, BoardKind(e.kind), e.code, e.previous, e.recorded_at, e.hash) for e in commit.entries
        ]
        row = data.row
        if entries:
            row = replace(row, board_length=entries[-1].position, board_head=entries[-1].hash)
        if commit.state:
            row = replace(row, state=ElectionState(commit.state))
        artifacts = {name: self._read(f"artifacts/{name}") for name in commit.artifacts}
        apply_changes(data, Changes(row, ballots, entries, artifacts))

    def _read(self, name: str) -> bytes:
        path = self.root / name
        try:
            return path.read_bytes()
        except OSError as error:
            raise StorageError(f"{path} is named in {JOURNAL} but cannot be read: {error.strerror}") from None

    def _append(self, commit: _CommitLine) -> None:
        """Append one commit line (truncating a torn line left by a crash first) and flush it."""
        path = self._journal()
        line = msgspec.json.encode(commit) + b"\n"
        try:
            with open(path, "ab") as handle:
                if handle.tell() != self._offset:
                    handle.truncate(self._offset)
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise StorageError(f"cannot write {path}: {error.strerror}") from None
        self._offset += len(line)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(self.root / ".store.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StorageError(f"cannot lock {self.root}: {error.strerror}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)

    # -- persistence hooks ----------------------------------------------------------------------

    def _persist_election(self, election: ElectionRow) -> None:
        if self._elections:
            (existing,) = self._elections
            raise ConflictError(f"this workspace already holds election {existing!r}")
        names = sorted(election.files)
        for name in names:
            if not _ELECTION_FILE.fullmatch(name):
                raise StorageError(f"{name!r} is not an election file name")
            write_file_atomically(self.root / "election" / name, election.files[name])
        self._append(
            _CommitLine(
                election=_ElectionLine(
                    id=election.id,
                    label=election.label,
                    state=election.state.value,
                    created_at=election.created_at,
                    board_head=election.board_head,
                    extended_hash=election.extended_hash,
                    files=names,
                )
            )
        )

    def _persist(self, changes: Changes) -> None:
        (data,) = self._elections.values()
        if not changes.ballots and not changes.entries and not changes.artifacts and changes.row == data.row:
            return
        for row in changes.ballots:
            if not _CODE.fullmatch(row.code):
                raise StorageError(f"{row.code!r} is not a confirmation code")
            write_file_atomically(self.root / "ballots" / f"{row.code}.json", row.data)
        for name, blob in changes.artifacts.items():
            if not _ARTIFACT.fullmatch(name) or ".." in name.split("/"):
                raise StorageError(f"{name!r} is not an artifact name")
            write_file_atomically(self.root / "artifacts" / name, blob)
        self._append(
            _CommitLine(
                state=changes.row.state.value if changes.row.state is not data.row.state else "",
                ballots=[
                    _BallotLine(b.code, b.selection_id, b.device, b.position, b.received_at, b.credential)
                    for b in changes.ballots
                ],
                entries=[
                    _EntryLine(e.position, e.kind.value, e.code, e.previous, e.recorded_at, e.hash)
                    for e in changes.entries
                ],
                artifacts=sorted(changes.artifacts),
            )
        )

    def only_election(self) -> ElectionRow | None:
        """The workspace's election, or None before it is created."""
        with self._lock:
            self._refresh()
            rows = [data.row for data in self._elections.values()]
        return rows[0] if rows else None
