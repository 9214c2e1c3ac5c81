"""The election record on disk: its folder layout, atomic writing and streaming reading.

Layout (see ``docs/record-format.md``)::

    record.json                 index: format, election, every file with its SHA-256 (written last)
    parameters.json             group, n, k, spec version
    manifest.json               the canonical manifest whose bytes enter H_B
    hashes.json                 H_P, H_B, H_E, K, K-hat
    board.json                  the bulletin board: hash-chained events of every ballot
    guardians/guardian_<i>.json public keys, commitments and proofs of guardian i
    devices/device_<n>.json     each device's ordered confirmation codes and chain closing
    ballots/<code>.json         every submitted ballot, cast or challenged
    encrypted_tally.json        (A, B) per option
    tally.json                  decrypted tally with proofs
    challenged/<code>.json      each challenged ballot opened with its nonces
    hints/                      the optional proof-hint annex (``nazaha.record.hints``), with its own
                                index: neither listed in record.json nor covered by record.sig

``RecordWriter`` writes into a hidden temporary folder beside the target and renames it into
place only after ``record.json`` is written and everything is flushed to disk, so a crash never
leaves a folder that looks like a complete record. ``RecordReader`` reads files on demand and
streams ballots one at a time, so memory does not grow with the number of ballots.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

import msgspec

from nazaha.errors import RecordFileMissing, RecordFormatError, StorageError
from nazaha.record.codec import RecordIndex, decode_record_index, encode_record_index
from nazaha.record.hints import HINTS_DIR, HINTS_FORMAT, HINTS_INDEX, HintIndex
from nazaha.record.stream import encode_streamed

__all__ = [
    "INDEX_FILE",
    "SIGNATURE_FILE",
    "RecordReader",
    "RecordWriter",
    "record_signature_message",
    "write_file_atomically",
]

INDEX_FILE = "record.json"
SIGNATURE_FILE = "record.sig"
"""The administrator's Ed25519 signature of ``record_signature_message`` of ``record.json``
(which lists every file's digest), in hexadecimal; not itself listed in the index it signs."""
_SIGNATURE_CONTEXT = b"nazaha record.sig/1\x00"


def record_signature_message(index_digest: bytes) -> bytes:
    """What ``record.sig`` signs: a context string, then the SHA-256 of ``record.json``.

    Signing the digest rather than the file lets a record of any size be signed and checked with
    the index read as a stream, never held whole; the context keeps the administrator's
    signature of a record apart from anything else the key might sign."""
    if len(index_digest) != 32:
        raise ValueError("the digest of record.json is 32 bytes (SHA-256)")
    return _SIGNATURE_CONTEXT + index_digest


BALLOTS_DIR = "ballots"
CHALLENGED_DIR = "challenged"
GUARDIANS_DIR = "guardians"
DEVICES_DIR = "devices"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        _fsync_dir(path.parent)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StorageError(f"cannot write {path}: {error.strerror}") from None


class RecordWriter:
    """Writes a record folder atomically. Use as a context manager; call ``commit`` at the end."""

    def __init__(self, target: Path, *, replace: bool = False) -> None:
        self.target = target
        if target.exists() and not replace:
            raise StorageError(f"{target} already exists; choose another folder")
        self._staging = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
        self.scratch = target.with_name(f".{target.name}.scratch-{secrets.token_hex(4)}")
        """A folder beside the record for scratch files of its writing, removed at the end."""
        try:
            self._staging.mkdir(parents=True)
            self.scratch.mkdir()
        except OSError as error:
            shutil.rmtree(self._staging, ignore_errors=True)
            raise StorageError(f"cannot create {self._staging}: {error.strerror}") from None
        # Every file's digest, in a scratch database: the listing of a record of millions of
        # ballots is never held in memory.
        try:
            self._listing = sqlite3.connect(self.scratch / "listing.db", isolation_level=None)
            self._listing.execute("PRAGMA journal_mode=OFF")
            self._listing.execute("PRAGMA synchronous=OFF")
            self._listing.execute("CREATE TABLE listing (name TEXT PRIMARY KEY, digest TEXT NOT NULL, annex INTEGER)")
            self._listing.execute("BEGIN")
        except sqlite3.Error as error:
            shutil.rmtree(self._staging, ignore_errors=True)
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise StorageError(f"cannot create the record's file listing: {error}") from None
        self._folders: set[str] = set()
        self._replace = replace
        self._done = False

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close_listing()
        if not self._done:
            shutil.rmtree(self._staging, ignore_errors=True)

    def _close_listing(self) -> None:
        self._listing.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def write(self, name: str, data: bytes) -> None:
        """Add one file (``name`` is relative, with forward slashes)."""
        self.write_stream(name, (data,))

    def write_stream(self, name: str, chunks: Iterable[bytes]) -> None:
        """Add one file written from ``chunks`` as they come (a large document streamed)."""
        if name in (INDEX_FILE, SIGNATURE_FILE) or name.startswith(HINTS_DIR + "/"):
            raise StorageError(f"cannot write {name!r} into the record")
        self._put(name, chunks, annex=False)

    def write_hint(self, name: str, data: bytes) -> None:
        """Add one file of the proof-hint annex (``hints/<code>.bin``): listed in
        ``hints/index.json``, not in ``record.json``, so the record and its signature do not
        depend on it."""
        if not name.startswith(HINTS_DIR + "/") or name == HINTS_INDEX:
            raise StorageError(f"{name!r} is not a hint file name")
        self._put(name, (data,), annex=True)

    def _put(self, name: str, chunks: Iterable[bytes], *, annex: bool) -> None:
        if ".." in name.split("/"):
            raise StorageError(f"cannot write {name!r} into the record")
        if self._listing.execute("SELECT 1 FROM listing WHERE name = ?", (name,)).fetchone():
            raise StorageError(f"cannot write {name!r} into the record twice")
        # Plain strings, not Path objects: pathlib interns every part of every path it parses,
        # which would keep each ballot's file name for the life of the process.
        path = os.path.join(self._staging, name)
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        digest = hashlib.sha256()
        try:
            with open(path, "wb") as handle:
                for chunk in chunks:
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise StorageError(f"cannot write {name} into the record: {error.strerror}") from None
        # Listed only once written: a failed write leaves no entry behind.
        self._listing.execute("INSERT INTO listing VALUES (?, ?, ?)", (name, digest.hexdigest().upper(), int(annex)))

    def _listed(self, annex: bool) -> Iterator[bytes]:
        """``"name":"digest"`` of every file of the record (or of the annex), sorted by name."""
        cursor = self._listing.execute("SELECT name, digest FROM listing WHERE annex = ? ORDER BY name", (int(annex),))
        for name, digest in cursor:
            yield msgspec.json.encode(name) + b":" + msgspec.json.encode(digest)

    def commit(self, index: RecordIndex, sign: Callable[[bytes], bytes] | None = None) -> Path:
        """Write ``record.json`` (listing every file written), and with ``sign`` its signature
        ``record.sig``, then move the record into place."""
        template = RecordIndex(
            format=index.format,
            spec_version=index.spec_version,
            election=index.election,
            created=index.created,
            files={},
            ballots=index.ballots,
            cast=index.cast,
            challenged=index.challenged,
            board_head=index.board_head,
        )
        digest = self.write_index(encode_streamed(encode_record_index(template), "files", self._listed(annex=False)))
        if sign is not None:
            self.write_index((sign(record_signature_message(digest)).hex().upper().encode("ascii"),), SIGNATURE_FILE)
        if self._listing.execute("SELECT 1 FROM listing WHERE annex = 1 LIMIT 1").fetchone():
            hints = HintIndex(format=HINTS_FORMAT, record=digest.hex().upper(), files={})
            self.write_index(
                encode_streamed(msgspec.json.encode(hints), "files", self._listed(annex=True)), HINTS_INDEX
            )
        self._close_listing()
        for folder in sorted({p.parent for p in self._staging.rglob("*")} | {self._staging}):
            _fsync_dir(folder)
        try:
            if self.target.exists():
                if not self._replace:
                    raise StorageError(f"{self.target} appeared while the record was written")
                retired = self.target.with_name(f".{self.target.name}.old-{secrets.token_hex(4)}")
                os.replace(self.target, retired)
                os.replace(self._staging, self.target)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                os.replace(self._staging, self.target)
            _fsync_dir(self.target.parent)
        except OSError as error:
            raise StorageError(f"cannot move the record into {self.target}: {error.strerror}") from None
        self._done = True
        return self.target

    def write_index(self, chunks: Iterable[bytes], name: str = INDEX_FILE) -> bytes:
        """Write one of the record's own files (its index, signature, annex index) from
        ``chunks``; return its SHA-256."""
        digest = hashlib.sha256()
        path = self._staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        return digest.digest()


class RecordReader:
    """Reads a record folder written by ``RecordWriter`` (or laid out the same way)."""

    def __init__(self, root: Path, *, read_index: bool = True) -> None:
        self.root = root
        if not root.is_dir():
            raise RecordFormatError(str(root), "no such record folder")
        self.index: RecordIndex | None = None
        if not read_index:
            return
        index_path = root / INDEX_FILE
        if not index_path.is_file():
            raise RecordFormatError(f"{root}/{INDEX_FILE}", "missing: the record is incomplete or not a Nazaha record")
        self.index = decode_record_index(index_path.read_bytes())

    def read(self, name: str) -> bytes:
        """The bytes of one file of the record; ``RecordFileMissing`` if it is missing,
        ``RecordFormatError`` if it cannot be read."""
        path = self.root / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise RecordFileMissing(name) from None
        except OSError as error:
            raise RecordFormatError(name, f"cannot be read ({error.strerror})") from None

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def names(self, folder: str) -> list[str]:
        """Relative names of the ``.json`` files in ``folder``, sorted."""
        directory = self.root / folder
        if not directory.is_dir():
            return []
        return sorted(f"{folder}/{path.name}" for path in directory.glob("*.json"))

    def iter_files(self, folder: str) -> Iterator[tuple[str, bytes]]:
        """(name, bytes) of each file in ``folder``, one at a time."""
        for name in self.names(folder):
            yield name, self.read(name)
