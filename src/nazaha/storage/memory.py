"""An in-memory ``ElectionStore`` with the same rules as the SQL one, for unit tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace

from nazaha.errors import ConflictError, NotFoundError
from nazaha.record.board import BoardEntry, BoardKind, chain_entry
from nazaha.storage.ports import BallotRow, ElectionRow, ElectionState, NewBallot

__all__ = ["MemoryStore"]


class MemoryStore:
    """Keeps everything in dictionaries behind one lock. Nothing survives the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._elections: dict[str, ElectionRow] = {}
        self._ballots: dict[str, dict[str, BallotRow]] = {}
        self._board: dict[str, list[BoardEntry]] = {}
        self._artifacts: dict[str, dict[str, bytes]] = {}
        self._secret: bytes | None = None

    def create_election(self, election: ElectionRow) -> None:
        with self._lock:
            if election.id in self._elections:
                raise ConflictError(f"an election with id {election.id!r} already exists")
            self._elections[election.id] = election
            self._ballots[election.id] = {}
            self._board[election.id] = []
            self._artifacts[election.id] = {}

    def _get(self, election_id: str) -> ElectionRow:
        try:
            return self._elections[election_id]
        except KeyError:
            raise NotFoundError(f"no election {election_id!r}") from None

    def election(self, election_id: str) -> ElectionRow:
        with self._lock:
            return self._get(election_id)

    def elections(self) -> list[ElectionRow]:
        with self._lock:
            return sorted(self._elections.values(), key=lambda e: e.created_at)

    def transition(self, election_id: str, allowed: Sequence[ElectionState], to: ElectionState) -> ElectionRow:
        with self._lock:
            election = self._get(election_id)
            if election.state not in allowed:
                raise ConflictError(f"election {election_id!r} is {election.state.value}; cannot become {to.value}")
            self._elections[election_id] = replace(election, state=to)
            return self._elections[election_id]

    def _append(self, election_id: str, kind: BoardKind, code: str, recorded_at: str) -> BoardEntry:
        election = self._elections[election_id]
        board = self._board[election_id]
        entry = chain_entry(board[-1] if board else None, election.board_head, kind, code, recorded_at)
        board.append(entry)
        self._elections[election_id] = replace(election, board_length=entry.position, board_head=entry.hash)
        return entry

    def append_ballot(
        self, election_id: str, ballot: NewBallot, recorded_at: str
    ) -> tuple[BallotRow, BoardEntry, bool]:
        with self._lock:
            election = self._get(election_id)
            ballots = self._ballots[election_id]
            existing = ballots.get(ballot.code)
            if existing is not None and existing.data == ballot.data:
                return existing, self._board[election_id][existing.position - 1], False
            if any(b.selection_id == ballot.selection_id for b in ballots.values()):
                raise ConflictError("a ballot with this selection encryption identifier was already submitted")
            if existing is not None:
                raise ConflictError("a different ballot with this confirmation code was already submitted")
            if election.state is not ElectionState.OPEN:
                raise ConflictError(f"voting is not open (the election is {election.state.value})")
            entry = self._append(election_id, BoardKind.BALLOT, ballot.code, recorded_at)
            row = BallotRow(ballot.code, ballot.selection_id, ballot.device, ballot.data, entry.position, recorded_at)
            ballots[ballot.code] = row
            return row, entry, True

    def append_decision(self, election_id: str, code: str, kind: BoardKind, recorded_at: str) -> BoardEntry:
        with self._lock:
            election = self._get(election_id)
            if election.state is not ElectionState.OPEN:
                raise ConflictError(f"voting is not open (the election is {election.state.value})")
            entries = [e for e in self._board[election_id] if e.code == code]
            if not entries:
                raise NotFoundError(f"no ballot with confirmation code {code}")
            decided = [e for e in entries if e.kind in (BoardKind.CAST, BoardKind.CHALLENGE)]
            if decided:
                word = "cast" if decided[0].kind is BoardKind.CAST else "challenged"
                raise ConflictError(f"ballot {code} was already {word}")
            return self._append(election_id, kind, code, recorded_at)

    def close_voting(self, election_id: str, recorded_at: str) -> list[BoardEntry]:
        with self._lock:
            election = self._get(election_id)
            if election.state is not ElectionState.OPEN:
                raise ConflictError(f"voting is not open (the election is {election.state.value})")
            board = self._board[election_id]
            decided = {e.code for e in board if e.kind in (BoardKind.CAST, BoardKind.CHALLENGE)}
            undecided = [e.code for e in board if e.kind is BoardKind.BALLOT and e.code not in decided]
            appended = [self._append(election_id, BoardKind.CHALLENGE, code, recorded_at) for code in undecided]
            appended.append(self._append(election_id, BoardKind.CLOSE, "", recorded_at))
            self._elections[election_id] = replace(self._elections[election_id], state=ElectionState.CLOSED)
            return appended

    def ballot(self, election_id: str, code: str) -> BallotRow | None:
        with self._lock:
            self._get(election_id)
            return self._ballots[election_id].get(code)

    def codes_with_prefix(self, election_id: str, prefix: str, limit: int) -> list[str]:
        with self._lock:
            self._get(election_id)
            return sorted(code for code in self._ballots[election_id] if code.startswith(prefix))[:limit]

    def ballots(self, election_id: str) -> Iterator[BallotRow]:
        with self._lock:
            rows = sorted(self._ballots[election_id].values(), key=lambda b: b.position)
        yield from rows

    def last_code_for_device(self, election_id: str, device: str) -> str | None:
        with self._lock:
            rows = [b for b in self._ballots[election_id].values() if b.device == device]
        return max(rows, key=lambda b: b.position).code if rows else None

    def board(self, election_id: str, offset: int, limit: int) -> list[BoardEntry]:
        with self._lock:
            self._get(election_id)
            return list(self._board[election_id][offset : offset + limit])

    def entries_for(self, election_id: str, code: str) -> list[BoardEntry]:
        with self._lock:
            return [e for e in self._board[election_id] if e.code == code]

    def put_artifact(self, election_id: str, name: str, data: bytes) -> None:
        with self._lock:
            self._get(election_id)
            if name in self._artifacts[election_id]:
                raise ConflictError(f"{name} was already stored")
            self._artifacts[election_id][name] = data

    def artifact(self, election_id: str, name: str) -> bytes | None:
        with self._lock:
            return self._artifacts.get(election_id, {}).get(name)

    def artifacts(self, election_id: str, prefix: str) -> dict[str, bytes]:
        with self._lock:
            return {k: v for k, v in self._artifacts.get(election_id, {}).items() if k.startswith(prefix)}

    def service_secret(self, make: bytes) -> bytes:
        with self._lock:
            if self._secret is None:
                self._secret = make
            return self._secret
