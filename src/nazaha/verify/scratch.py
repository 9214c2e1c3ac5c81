"""The verifier's scratch space: what it must remember about every ballot, kept on disk.

Checks across ballots (a confirmation code or selection identifier used twice, a ballot listed
by no device, a board entry without its ballot, a file missing from ``record.json``) need sets
that grow with the election. Held in Python they cost a few kilobytes per ballot, gigabytes at
ten million. They live instead in a temporary SQLite database (``TMPDIR`` chooses where) with a
small page cache, so the verifier's memory stays flat whatever the number of ballots; the
database is deleted when verification ends.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

__all__ = ["Scratch"]

_SCHEMA = """
CREATE TABLE listed (name TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE present (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE links (code TEXT PRIMARY KEY, device TEXT NOT NULL, mode TEXT NOT NULL, previous TEXT) WITHOUT ROWID;
CREATE TABLE ballots (code TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ids (id BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE board (code TEXT PRIMARY KEY, received INTEGER, decided TEXT) WITHOUT ROWID;
CREATE TABLE signers (
    code TEXT PRIMARY KEY, state TEXT NOT NULL, style TEXT NOT NULL, device TEXT NOT NULL, credential TEXT NOT NULL,
    credential_signature TEXT NOT NULL, device_signature TEXT NOT NULL, chained INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX signers_by_credential ON signers (credential);
CREATE TABLE credential_keys (
    key TEXT PRIMARY KEY, style TEXT NOT NULL, added INTEGER NOT NULL, revoked INTEGER
) WITHOUT ROWID;
"""

_CACHE_KIB = 8192

_IN_FOLDER = "name > ? AND name < ? AND name GLOB '*.json' AND instr(substr(name, ?), '/') = 0"
"""Names of ``.json`` files directly in one folder, by a range scan of the primary key."""


def _in_folder(folder: str, after: str = "") -> tuple[str, str, int]:
    """The parameters of ``_IN_FOLDER``: "0" follows "/", so [folder/, folder0) is the folder."""
    return max(after, folder + "/"), folder + "0", len(folder) + 2


class Scratch:
    """A temporary on-disk database of names, codes and identifiers. Use as a context manager."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="nazaha-verify-")
        self._db = sqlite3.connect(Path(self._folder.name) / "scratch.sqlite3", isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_CACHE_KIB}", "temp_store=FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.executescript(_SCHEMA)
        self._db.execute("BEGIN")

    def __enter__(self) -> Scratch:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._db.close()
        self._folder.cleanup()

    def _insert(self, sql: str, values: tuple[object, ...]) -> bool:
        """Run an ``INSERT OR IGNORE``; False when the key was already there."""
        return self._db.execute(sql, values).rowcount == 1

    # -- files ------------------------------------------------------------------------------------

    def add_listed(self, name: str, digest: str) -> bool:
        return self._insert("INSERT OR IGNORE INTO listed VALUES (?, ?)", (name, digest))

    def add_present(self, name: str) -> None:
        self._insert("INSERT OR IGNORE INTO present VALUES (?)", (name,))

    def add_listed_as_present(self, prefix: str) -> None:
        """Take every listed file under ``prefix`` (``"ballots/"``) as present: for a record read
        from a URL, whose folders cannot be listed; a worker that finds one missing says so."""
        query = "INSERT OR IGNORE INTO present SELECT name FROM listed WHERE name >= ? AND name < ?"
        self._db.execute(query, (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)))

    def unlisted(self) -> Iterator[str]:
        """Files in the folder that ``record.json`` does not list, in name order."""
        query = "SELECT name FROM present WHERE name NOT IN (SELECT name FROM listed) ORDER BY name"
        for (name,) in self._db.execute(query):
            yield str(name)

    def missing(self) -> Iterator[str]:
        """Files that ``record.json`` lists but the folder lacks, in name order."""
        query = "SELECT name FROM listed WHERE name NOT IN (SELECT name FROM present) ORDER BY name"
        for (name,) in self._db.execute(query):
            yield str(name)

    def listed_present_outside(self, folders: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        """(name, digest) of listed files that are present and not in ``folders``, by name."""
        query = "SELECT l.name, l.digest FROM listed l JOIN present p ON p.name = l.name ORDER BY l.name"
        for name, digest in self._db.execute(query):
            if not str(name).startswith(folders):
                yield str(name), str(digest)

    def digest(self, name: str) -> str | None:
        row = self._db.execute("SELECT digest FROM listed WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def digests(self, names: list[str]) -> dict[str, str]:
        marks = ",".join("?" * len(names))
        rows = self._db.execute(f"SELECT name, digest FROM listed WHERE name IN ({marks})", names)  # noqa: S608
        return {str(name): str(digest) for name, digest in rows}

    def present_in(self, folder: str, *, after: str = "", limit: int = -1) -> list[str]:
        """Present ``folder/<name>.json`` files (directly in ``folder``), in name order, after ``after``."""
        query = f"SELECT name FROM present WHERE {_IN_FOLDER} ORDER BY name LIMIT ?"  # noqa: S608
        rows = self._db.execute(query, (*_in_folder(folder, after), limit)).fetchall()
        return [str(name) for (name,) in rows]

    def iter_present_in(self, folder: str, page: int = 256) -> Iterator[list[str]]:
        """``present_in(folder)`` a page at a time, so that no list grows with the record."""
        after = ""
        while names := self.present_in(folder, after=after, limit=page):
            yield names
            after = names[-1]

    def count_present_in(self, folder: str) -> int:
        query = f"SELECT count(*) FROM present WHERE {_IN_FOLDER}"  # noqa: S608
        return int(self._db.execute(query, _in_folder(folder)).fetchone()[0])

    # -- device logs ------------------------------------------------------------------------------

    def add_link(self, code: str, device: str, mode: str, previous: str | None) -> bool:
        return self._insert("INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?)", (code, device, mode, previous))

    def links(self, codes: list[str]) -> dict[str, tuple[str, str, str | None]]:
        """(device, mode, previous code) of each code that a device log lists."""
        marks = ",".join("?" * len(codes))
        query = f"SELECT code, device, mode, previous FROM links WHERE code IN ({marks})"  # noqa: S608
        rows = self._db.execute(query, codes)
        return {str(code): (str(device), str(mode), previous) for code, device, mode, previous in rows}

    # -- ballots ----------------------------------------------------------------------------------

    def add_ballot(self, code: str, state: str) -> bool:
        return self._insert("INSERT OR IGNORE INTO ballots VALUES (?, ?)", (code, state))

    def add_selection_id(self, identifier: bytes) -> bool:
        return self._insert("INSERT OR IGNORE INTO ids VALUES (?)", (identifier,))

    def ballot_state(self, code: str) -> str | None:
        row = self._db.execute("SELECT state FROM ballots WHERE code = ?", (code,)).fetchone()
        return None if row is None else str(row[0])

    def listed_without_ballot(self) -> Iterator[tuple[str, str]]:
        """(code, device) of codes a device lists but no ballot file holds, by code."""
        query = "SELECT code, device FROM links WHERE code NOT IN (SELECT code FROM ballots) ORDER BY code"
        for code, device in self._db.execute(query):
            yield str(code), str(device)

    def ballots_without_link(self) -> Iterator[str]:
        query = "SELECT code FROM ballots WHERE code NOT IN (SELECT code FROM links) ORDER BY code"
        for (code,) in self._db.execute(query):
            yield str(code)

    # -- bulletin board ---------------------------------------------------------------------------

    def receive(self, code: str, position: int) -> bool:
        """Note that the board received ``code``; False if it was received before."""
        row = self._db.execute("SELECT received FROM board WHERE code = ?", (code,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO board VALUES (?, ?, NULL)", (code, position))
            return True
        if row[0] is None:
            self._db.execute("UPDATE board SET received = ? WHERE code = ?", (position, code))
            return True
        return False

    def board_state(self, code: str) -> tuple[bool, str | None]:
        """(received, decision) of ``code`` on the board so far."""
        row = self._db.execute("SELECT received, decided FROM board WHERE code = ?", (code,)).fetchone()
        return (False, None) if row is None else (row[0] is not None, row[1])

    def decide(self, code: str, decision: str) -> None:
        self._db.execute(
            "INSERT INTO board VALUES (?, NULL, ?) ON CONFLICT (code) DO UPDATE SET decided = excluded.decided",
            (code, decision),
        )

    def ballots_against_board(self) -> Iterator[tuple[str, str, bool, str | None]]:
        """(code, state in the record, received on the board, decision on the board), by code."""
        query = (
            "SELECT b.code, b.state, d.received IS NOT NULL, d.decided "
            "FROM ballots b LEFT JOIN board d ON d.code = b.code ORDER BY b.code"
        )
        for code, state, received, decided in self._db.execute(query):
            yield str(code), str(state), bool(received), decided

    def received_without_ballot(self) -> Iterator[str]:
        query = (
            "SELECT code FROM board WHERE received IS NOT NULL AND code NOT IN (SELECT code FROM ballots) ORDER BY code"
        )
        for (code,) in self._db.execute(query):
            yield str(code)

    # -- eligibility ------------------------------------------------------------------------------

    def add_signer(self, row: tuple[str, str, str, str, str, str, str, bool]) -> None:
        """(code, state, style, device, credential, credential signature, device signature, chained)."""
        self._db.execute("INSERT OR REPLACE INTO signers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)

    def add_credential_key(self, key: str, style: str, added: int) -> bool:
        """A key that may sign from board position ``added`` on; False if it was listed before."""
        return self._insert("INSERT OR IGNORE INTO credential_keys VALUES (?, ?, ?, NULL)", (key, style, added))

    def revoke_credential_key(self, key: str, at: int) -> bool:
        """Revoke a listed key from board position ``at``; False if it is not listed or already revoked."""
        return (
            self._db.execute(
                "UPDATE credential_keys SET revoked = ? WHERE key = ? AND revoked IS NULL", (at, key)
            ).rowcount
            == 1
        )

    def credential_key(self, key: str) -> tuple[str, int, int | None] | None:
        """(style, added at, revoked at) of a listed key."""
        row = self._db.execute("SELECT style, added, revoked FROM credential_keys WHERE key = ?", (key,)).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), row[2])

    def count_credential_keys(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM credential_keys WHERE revoked IS NULL").fetchone()[0])

    def signers_in_board_order(self) -> Iterator[tuple[str, str, str, str, str, str, str, bool, int | None]]:
        """Every ballot's signer row with the board position where it was received, in board order."""
        query = (
            "SELECT s.code, s.state, s.style, s.device, s.credential, s.credential_signature, s.device_signature, "
            "s.chained, d.received FROM signers s LEFT JOIN board d ON d.code = s.code ORDER BY d.received, s.code"
        )
        for row in self._db.execute(query):
            yield (str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]), str(row[6]),
                   bool(row[7]), row[8])  # fmt: skip
