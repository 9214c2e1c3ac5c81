"""What the officials' sign-in needs from storage: the ``SessionStore`` port, and a memory adapter.

A session is kept on the server, keyed by the SHA-256 of its random identifier (the identifier
itself lives only in the official's cookie, so whoever reads the table cannot sign in with what
it holds). It ends when it expires or when it is removed (sign-out). Failed sign-in attempts are
kept per client for a while, so that the service can refuse a client that keeps guessing.

Several worker processes serve one database (``nazaha serve --workers N``), so the service keeps
both in the database (``nazaha.storage.sql.sessions``, migration 0003); ``MemorySessions`` is for
one process (tests, demonstrations). Times are whole seconds since the epoch, given by the caller.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

__all__ = ["MemorySessions", "SessionRow", "SessionStore"]


@dataclass(frozen=True, slots=True)
class SessionRow:
    key: str
    """SHA-256 of the session's identifier, in lowercase hex (never the identifier itself)."""
    created_at: int
    expires_at: int


class SessionStore(Protocol):
    """Sessions of signed-in officials and recent failed sign-in attempts."""

    def add_session(self, session: SessionRow) -> None: ...

    def session(self, key: str) -> SessionRow | None:
        """The session stored under ``key`` (expired or not), or None."""
        ...

    def remove_session(self, key: str) -> None:
        """End a session; nothing happens if there is none under ``key``."""
        ...

    def remove_expired(self, now: int) -> None:
        """Forget every session that expired at or before ``now``."""
        ...

    def add_failure(self, client: str, at: int) -> None:
        """Note a failed sign-in attempt from ``client`` (an address) at time ``at``."""
        ...

    def failures_since(self, client: str, since: int) -> int:
        """How many failed attempts ``client`` made at or after ``since``."""
        ...

    def remove_failures_before(self, before: int) -> None: ...


class MemorySessions:
    """A ``SessionStore`` in memory, for one process; thread-safe."""

    def __init__(self) -> None:
        self._sessions: dict[str, SessionRow] = {}
        self._failures: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def add_session(self, session: SessionRow) -> None:
        with self._lock:
            self._sessions[session.key] = session

    def session(self, key: str) -> SessionRow | None:
        with self._lock:
            return self._sessions.get(key)

    def remove_session(self, key: str) -> None:
        with self._lock:
            self._sessions.pop(key, None)

    def remove_expired(self, now: int) -> None:
        with self._lock:
            self._sessions = {key: row for key, row in self._sessions.items() if row.expires_at > now}

    def add_failure(self, client: str, at: int) -> None:
        with self._lock:
            self._failures.append((client, at))

    def failures_since(self, client: str, since: int) -> int:
        with self._lock:
            return sum(1 for who, at in self._failures if who == client and at >= since)

    def remove_failures_before(self, before: int) -> None:
        with self._lock:
            self._failures = [(who, at) for who, at in self._failures if at >= before]
