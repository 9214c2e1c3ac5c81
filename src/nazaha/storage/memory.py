"""An ``ElectionStore`` in memory: for tests, demonstrations, and as the core of ``FolderStore``.

A transaction stages its appends and applies them only when its block ends without an error,
under one lock, so a failed unit of work leaves nothing behind. The adapter holds no rules.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from nazaha.errors import ConflictError, NotFoundError
from nazaha.record.board import BoardEntry, BoardKind, chain_entry
from nazaha.storage.ports import BallotRow, ElectionRow, ElectionState, NewBallot

__all__ = ["MemoryStore"]


@dataclass(slots=True)
class ElectionData:
    """Everything committed for one election, indexed for the port's queries."""

    row: ElectionRow
    ballots: dict[str, BallotRow] = field(default_factory=dict)
    selection_ids: set[str] = field(default_factory=set)
    last_by_device: dict[str, str] = field(default_factory=dict)
    by_credential: dict[str, int] = field(default_factory=dict)
    board: list[BoardEntry] = field(default_factory=list)
    by_code: dict[str, list[BoardEntry]] = field(default_factory=dict)
    decided: set[str] = field(default_factory=set)
    artifacts: dict[str, bytes] = field(default_factory=dict)

    def add_ballot(self, row: BallotRow) -> None:
        self.ballots[row.code] = row
        self.selection_ids.add(row.selection_id)
        self.last_by_device[row.device] = row.code
        if row.credential:
            self.by_credential[row.credential] = self.by_credential.get(row.credential, 0) + 1

    def add_entry(self, entry: BoardEntry) -> None:
        self.board.append(entry)
        self.by_code.setdefault(entry.code, []).append(entry)
        if entry.kind in (BoardKind.CAST, BoardKind.CHALLENGE):
            self.decided.add(entry.code)


@dataclass(frozen=True, slots=True)
class Changes:
    """What one committed transaction added: handed to ``MemoryStore._persist``."""

    row: ElectionRow
    ballots: list[BallotRow]
    entries: list[BoardEntry]
    artifacts: dict[str, bytes]


class MemoryTransaction:
    """A ``StoreTransaction`` that stages its appends over the committed ``ElectionData``."""

    def __init__(self, data: ElectionData) -> None:
        self._data = data
        self._row = data.row
        self._ballots: dict[str, BallotRow] = {}
        self._entries: list[BoardEntry] = []
        self._artifacts: dict[str, bytes] = {}

    @property
    def election(self) -> ElectionRow:
        return self._row

    def set_state(self, state: ElectionState) -> None:
        self._row = replace(self._row, state=state)

    def ballot(self, code: str) -> BallotRow | None:
        return self._ballots.get(code) or self._data.ballots.get(code)

    def selection_id_taken(self, selection_id: str) -> bool:
        return selection_id in self._data.selection_ids or any(
            b.selection_id == selection_id for b in self._ballots.values()
        )

    def last_code_for_device(self, device: str) -> str | None:
        for row in reversed(list(self._ballots.values())):
            if row.device == device:
                return row.code
        return self._data.last_by_device.get(device)

    def entries_for(self, code: str) -> list[BoardEntry]:
        return [*self._data.by_code.get(code, []), *(e for e in self._entries if e.code == code)]

    def ballots_with_credential(self, credential: str) -> int:
        staged = sum(1 for b in self._ballots.values() if b.credential == credential)
        return self._data.by_credential.get(credential, 0) + staged

    def undecided_codes(self) -> list[str]:
        decided = self._data.decided | {
            e.code for e in self._entries if e.kind in (BoardKind.CAST, BoardKind.CHALLENGE)
        }
        board = [*self._data.board, *self._entries]
        return [e.code for e in board if e.kind is BoardKind.BALLOT and e.code not in decided]

    def append_entry(self, kind: BoardKind, code: str, recorded_at: str) -> BoardEntry:
        previous = self._entries[-1] if self._entries else (self._data.board[-1] if self._data.board else None)
        entry = chain_entry(previous, self._row.board_head, kind, code, recorded_at)
        self._entries.append(entry)
        self._row = replace(self._row, board_length=entry.position, board_head=entry.hash)
        return entry

    def append_ballot(self, ballot: NewBallot, recorded_at: str) -> tuple[BallotRow, BoardEntry]:
        entry = self.append_entry(BoardKind.BALLOT, ballot.code, recorded_at)
        row = BallotRow(
            ballot.code, ballot.selection_id, ballot.device, ballot.data, entry.position, recorded_at, ballot.credential
        )
        self._ballots[row.code] = row
        return row, entry

    def artifact(self, name: str) -> bytes | None:
        staged = self._artifacts.get(name)
        return staged if staged is not None else self._data.artifacts.get(name)

    def put_artifact(self, name: str, data: bytes) -> None:
        if self.artifact(name) is not None:
            raise ConflictError(f"{name} was already stored")
        self._artifacts[name] = data

    def changes(self) -> Changes:
        return Changes(self._row, list(self._ballots.values()), list(self._entries), dict(self._artifacts))


def apply_changes(data: ElectionData, changes: Changes) -> None:
    """Apply a committed transaction's changes to ``data``."""
    for row in changes.ballots:
        data.add_ballot(row)
    for entry in changes.entries:
        data.add_entry(entry)
    data.artifacts.update(changes.artifacts)
    data.row = changes.row


class MemoryStore:
    """Keeps everything in dictionaries behind one lock. Nothing survives the process."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._elections: dict[str, ElectionData] = {}
        self._secret: bytes | None = None

    # -- hooks for a persistent subclass -----------------------------------------------------------

    def _refresh(self) -> None:
        """Bring the committed state up to date before a read or a transaction (a no-op here)."""

    def _persist_election(self, election: ElectionRow) -> None:
        """Make a new election durable before it becomes visible (a no-op here)."""

    def _persist(self, changes: Changes) -> None:
        """Make a transaction's changes durable before they become visible (a no-op here)."""

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Held around a transaction, after the in-process lock (a persistent store locks its files)."""
        yield

    # -- elections ------------------------------------------------------------------------------

    def create_election(self, election: ElectionRow) -> None:
        with self._lock, self._exclusive():
            self._refresh()
            if election.id in self._elections:
                raise ConflictError(f"an election with id {election.id!r} already exists")
            for other in self._elections.values():
                if other.row.extended_hash == election.extended_hash:
                    raise ConflictError(
                        f"election {other.row.id!r} already has this H_E (the same key ceremony and manifest): "
                        "every election needs its own manifest (election id and dates), or its ballots could be "
                        "replayed into the other"
                    )
            self._persist_election(election)
            self._elections[election.id] = ElectionData(election)

    def _get(self, election_id: str) -> ElectionData:
        try:
            return self._elections[election_id]
        except KeyError:
            raise NotFoundError(f"no election {election_id!r}") from None

    @contextmanager
    def transaction(self, election_id: str) -> Iterator[MemoryTransaction]:
        with self._lock, self._exclusive():
            self._refresh()
            data = self._get(election_id)
            unit = MemoryTransaction(data)
            yield unit
            changes = unit.changes()
            self._persist(changes)
            apply_changes(data, changes)

    def election(self, election_id: str) -> ElectionRow:
        with self._lock:
            self._refresh()
            return self._get(election_id).row

    def elections(self) -> list[ElectionRow]:
        with self._lock:
            self._refresh()
            return sorted((data.row for data in self._elections.values()), key=lambda row: row.created_at)

    # -- reads ----------------------------------------------------------------------------------

    def ballot(self, election_id: str, code: str) -> BallotRow | None:
        with self._lock:
            self._refresh()
            return self._get(election_id).ballots.get(code)

    def ballots_of_credential(self, election_id: str, credential: str, limit: int) -> list[BallotRow]:
        with self._lock:
            self._refresh()
            rows = [b for b in self._get(election_id).ballots.values() if b.credential == credential]
        return sorted(rows, key=lambda b: b.position)[:limit]

    def codes_with_prefix(self, election_id: str, prefix: str, limit: int) -> list[str]:
        with self._lock:
            self._refresh()
            return sorted(code for code in self._get(election_id).ballots if code.startswith(prefix))[:limit]

    def ballots(self, election_id: str) -> Iterator[BallotRow]:
        with self._lock:
            self._refresh()
            rows = sorted(self._get(election_id).ballots.values(), key=lambda b: b.position)
        yield from rows

    def board(self, election_id: str, offset: int, limit: int) -> list[BoardEntry]:
        with self._lock:
            self._refresh()
            return list(self._get(election_id).board[offset : offset + limit])

    def entries_for(self, election_id: str, code: str) -> list[BoardEntry]:
        with self._lock:
            self._refresh()
            return list(self._get(election_id).by_code.get(code, []))

    def artifact(self, election_id: str, name: str) -> bytes | None:
        with self._lock:
            self._refresh()
            return self._get(election_id).artifacts.get(name)

    def artifacts(self, election_id: str, prefix: str) -> dict[str, bytes]:
        with self._lock:
            self._refresh()
            return {k: v for k, v in self._get(election_id).artifacts.items() if k.startswith(prefix)}

    def artifact_names(self, election_id: str, prefix: str) -> list[str]:
        with self._lock:
            self._refresh()
            return sorted(k for k in self._get(election_id).artifacts if k.startswith(prefix))

    def service_secret(self, make: bytes) -> bytes:
        with self._lock:
            if self._secret is None:
                self._secret = make
            return self._secret
