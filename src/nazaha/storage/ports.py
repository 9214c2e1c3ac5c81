"""What the election lifecycle needs from storage: the ``ElectionStore`` port.

Three adapters implement it and hold no rules: ``nazaha.storage.sql`` (SQLite or PostgreSQL
through SQLAlchemy Core), ``MemoryStore`` (in memory, for tests and demonstrations) and
``FolderStore`` (an election workspace folder on one machine). The rules live in
``nazaha.voting.ballot_box``; ``nazaha.workflows.lifecycle`` applies them.

Every change goes through a **unit of work**: ``store.transaction(election_id)`` locks the
election, lets the lifecycle read the facts a rule needs (the state, the ballot already stored
under a code, the device's last code) and append what the rule allows (ballots, board entries,
artifacts, a new state), and commits all of it at once when the block ends without an error, or
none of it. Two transactions on one election never interleave, so a check and the append it
allows cannot be separated by another request (compare-and-append).

Ballots, board entries and artifacts are append-only: nothing is updated or deleted. A ballot is
stored if and only if its board entry is. Reads outside a transaction see committed data only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from nazaha.record.board import BoardEntry, BoardKind
from nazaha.voting.ballot_box import ElectionState

__all__ = [
    "BallotRow",
    "ElectionRow",
    "ElectionState",
    "ElectionStore",
    "NewBallot",
    "StoreTransaction",
]


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
    extended_hash: str
    """H_E in uppercase hex: no two elections in one store share it."""


@dataclass(frozen=True, slots=True)
class NewBallot:
    """A ballot accepted at the door, before the store gives it a board position."""

    code: str
    selection_id: str
    device: str
    data: bytes = field(repr=False)
    """The ballot's canonical encoding with state ``pending``, exactly as accepted."""
    credential: str = ""
    """The credential key that signed it (uppercase hex), or "" in an election without credentials."""


@dataclass(frozen=True, slots=True)
class BallotRow:
    code: str
    selection_id: str
    device: str
    data: bytes = field(repr=False)
    position: int
    """The position of its ``ballot`` entry on the board."""
    received_at: str
    credential: str = ""


class StoreTransaction(Protocol):
    """One election, locked, inside one transaction (see the module docstring)."""

    @property
    def election(self) -> ElectionRow:
        """The election as this transaction sees it (its own appends included)."""
        ...

    def set_state(self, state: ElectionState) -> None: ...

    def ballot(self, code: str) -> BallotRow | None: ...

    def selection_id_taken(self, selection_id: str) -> bool: ...

    def last_code_for_device(self, device: str) -> str | None:
        """The confirmation code of the latest ballot received from ``device``, if any."""
        ...

    def ballots_with_credential(self, credential: str) -> int:
        """How many ballots the credential key ``credential`` (uppercase hex) has signed."""
        ...

    def entries_for(self, code: str) -> list[BoardEntry]:
        """The board entries of the ballot ``code``, in board order."""
        ...

    def undecided_codes(self) -> list[str]:
        """Codes of the ballots with neither a ``cast`` nor a ``challenge`` entry, in board order."""
        ...

    def append_ballot(self, ballot: NewBallot, recorded_at: str) -> tuple[BallotRow, BoardEntry]:
        """Store a ballot together with its ``ballot`` board entry."""
        ...

    def append_entry(self, kind: BoardKind, code: str, recorded_at: str) -> BoardEntry:
        """Append an entry to the board, chained to the one before."""
        ...

    def artifact(self, name: str) -> bytes | None: ...

    def put_artifact(self, name: str, data: bytes) -> None:
        """Store a named artifact once; ``ConflictError`` if the name is taken."""
        ...


class ElectionStore(Protocol):
    """Persistence for elections: a unit of work for changes, plain reads for everything else."""

    def create_election(self, election: ElectionRow) -> None:
        """Store a new election; ``ConflictError`` if its id or its H_E is taken."""
        ...

    def transaction(self, election_id: str) -> AbstractContextManager[StoreTransaction]:
        """Lock the election for one unit of work; ``NotFoundError`` if there is none."""
        ...

    def election(self, election_id: str) -> ElectionRow:
        """The election; ``NotFoundError`` if there is none."""
        ...

    def elections(self) -> list[ElectionRow]:
        """Every election, oldest first."""
        ...

    def ballot(self, election_id: str, code: str) -> BallotRow | None: ...

    def codes_with_prefix(self, election_id: str, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` confirmation codes starting with ``prefix`` (upper-case hexadecimal), sorted."""
        ...

    def ballots_of_credential(self, election_id: str, credential: str, limit: int) -> list[BallotRow]:
        """Up to ``limit`` ballots signed by the credential key ``credential`` (uppercase hex), in board order."""
        ...

    def ballots(self, election_id: str) -> Iterator[BallotRow]:
        """Every ballot in board order, read in batches."""
        ...

    def board(self, election_id: str, offset: int, limit: int) -> list[BoardEntry]:
        """Up to ``limit`` entries after position ``offset``, in board order."""
        ...

    def entries_for(self, election_id: str, code: str) -> list[BoardEntry]: ...

    def artifact(self, election_id: str, name: str) -> bytes | None: ...

    def artifacts(self, election_id: str, prefix: str) -> dict[str, bytes]: ...

    def artifact_names(self, election_id: str, prefix: str) -> list[str]:
        """The names of the artifacts starting with ``prefix``, sorted (their data left unread)."""
        ...

    def service_secret(self, make: bytes) -> bytes:
        """The service's own secret (receipt signing), created from ``make`` on first use."""
        ...
