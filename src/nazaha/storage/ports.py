"""What the ballot-box service needs from storage, as a Protocol with two implementations:
``nazaha.storage.sql`` (SQLite or PostgreSQL through SQLAlchemy Core) and ``MemoryStore``.

Ballots and board entries are append-only: no method updates or deletes them. Each append
runs in one transaction that also extends the bulletin board's hash chain, so a ballot is
stored if and only if its board entry is.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from nazaha.record.board import BoardEntry, BoardKind

__all__ = [
    "BallotRow",
    "ElectionRow",
    "ElectionState",
    "ElectionStore",
    "NewBallot",
]


class ElectionState(enum.Enum):
    """An election's life: created, voting open, voting closed, decrypting, published."""

    SETUP = "setup"
    OPEN = "open"
    CLOSED = "closed"
    DECRYPTING = "decrypting"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class ElectionRow:
    id: str
    label: str
    state: ElectionState
    files: Mapping[str, bytes] = field(repr=False)
    """The public election files (parameters, manifest, hashes, guardians) as published."""
    created_at: str
    board_length: int
    board_head: str


@dataclass(frozen=True, slots=True)
class NewBallot:
    """A ballot accepted at the door, before the store gives it a board position."""

    code: str
    selection_id: str
    device: str
    data: bytes = field(repr=False)
    """The ballot's canonical encoding with state ``pending``, exactly as accepted."""


@dataclass(frozen=True, slots=True)
class BallotRow:
    code: str
    selection_id: str
    device: str
    data: bytes = field(repr=False)
    position: int
    """The position of its ``ballot`` entry on the board."""
    received_at: str


class ElectionStore(Protocol):
    """Persistence for the ballot-box service. Every method is one transaction."""

    def create_election(self, election: ElectionRow) -> None:
        """Store a new election; ``ConflictError`` if the id is taken."""
        ...

    def election(self, election_id: str) -> ElectionRow:
        """The election; ``NotFoundError`` if there is none."""
        ...

    def elections(self) -> list[ElectionRow]: ...

    def transition(self, election_id: str, allowed: Sequence[ElectionState], to: ElectionState) -> ElectionRow:
        """Move the election to ``to`` if its state is one of ``allowed``, else ``ConflictError``."""
        ...

    def append_ballot(
        self, election_id: str, ballot: NewBallot, recorded_at: str
    ) -> tuple[BallotRow, BoardEntry, bool]:
        """Store a ballot and its ``ballot`` board entry while voting is open.

        Returns (row, entry, created). Submitting the very same bytes again returns the stored
        row and entry with ``created`` False. Another ballot with the same selection
        encryption identifier or code is a ``ConflictError``.
        """
        ...

    def append_decision(self, election_id: str, code: str, kind: BoardKind, recorded_at: str) -> BoardEntry:
        """Record that the ballot ``code`` was cast or challenged (once, while voting is open)."""
        ...

    def close_voting(self, election_id: str, recorded_at: str) -> list[BoardEntry]:
        """Close voting: challenge every undecided ballot, then append the ``close`` entry."""
        ...

    def ballot(self, election_id: str, code: str) -> BallotRow | None: ...

    def codes_with_prefix(self, election_id: str, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` confirmation codes starting with ``prefix`` (upper-case hexadecimal), sorted."""
        ...

    def ballots(self, election_id: str) -> Iterator[BallotRow]:
        """Every ballot in board order, read in batches."""
        ...

    def last_code_for_device(self, election_id: str, device: str) -> str | None:
        """The confirmation code of the latest ballot received from ``device``, if any."""
        ...

    def board(self, election_id: str, offset: int, limit: int) -> list[BoardEntry]: ...

    def entries_for(self, election_id: str, code: str) -> list[BoardEntry]: ...

    def put_artifact(self, election_id: str, name: str, data: bytes) -> None:
        """Store a named artifact once (tallies, decryption messages); ``ConflictError`` if it exists."""
        ...

    def artifact(self, election_id: str, name: str) -> bytes | None: ...

    def artifacts(self, election_id: str, prefix: str) -> dict[str, bytes]: ...

    def service_secret(self, make: bytes) -> bytes:
        """The service's own secret (receipt signing), created from ``make`` on first use."""
        ...
