"""Reading a record where it lies: a folder, or an fsspec URL (``https://``, ``s3://``...).

A record served over HTTP by a plain static server has no directory listing a program can
rely on, so nothing here lists folders: ``record.json`` names every file of the record, and the
files are read by those names.

The verifier reads a remote record in two parts. ``fetch_record`` copies into a local folder
every file that the coordinator checks itself: the index and every file it lists except those in
``WORKER_FOLDERS`` (the ballots and their openings, which grow with the election), plus the
record's signature, the proof-hint index and the paper audit when they exist. The workers that
check the ballots read their chunk's files from the URL themselves (``open_record_files``), so
no ballot passes through the coordinator.

fsspec is imported only when a URL is read: a local record needs nothing more than the core
install, and takes the same path as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from nazaha.errors import MissingDependencyError, RecordFileMissing, RecordFormatError, StorageError
from nazaha.record.codec import stream_record_index
from nazaha.record.hints import HINTS_INDEX
from nazaha.record.layout import INDEX_FILE, SIGNATURE_FILE, RecordReader
from nazaha.record.paper_audit import AUDIT_DIR, LOG
from nazaha.record.stream import StreamedDocument

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = [
    "WORKER_FOLDERS",
    "RecordFiles",
    "RemoteRecord",
    "fetch_record",
    "is_record_url",
    "local_path",
    "open_record_files",
]

WORKER_FOLDERS = ("ballots/", "challenged/")
"""Files that only the ballot checks read (each chunk its own): not copied by ``fetch_record``."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class RecordFiles(Protocol):
    """Where a chunk's files are read from: a folder (``RecordReader``) or a URL (``RemoteRecord``)."""

    def read(self, name: str) -> bytes:
        """The bytes of one file; ``RecordFileMissing`` if it is not there, ``RecordFormatError``
        if it cannot be read."""
        ...


def is_record_url(location: str) -> bool:
    """Whether ``location`` is a URL (``scheme://...``) rather than a path; ``file://`` counts as a path."""
    return bool(_URL.match(location)) and not location.lower().startswith("file://")


def local_path(location: str) -> Path:
    """The folder that a path or a ``file://`` URL names."""
    return Path(location[len("file://") :]) if location.lower().startswith("file://") else Path(location)


def _safe(name: str) -> bool:
    """A name from the (untrusted) index that stays inside the record when joined to its root."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


class RemoteRecord:
    """The files of the record at an fsspec URL, read by name (never by listing a folder)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._fs = _filesystem(self.url)

    def _location(self, name: str) -> str:
        if not _safe(name):
            raise RecordFormatError(name, "the name points outside the record")
        return f"{self.url}/{name}"

    def read(self, name: str) -> bytes:
        location = self._location(name)
        try:
            data = self._fs.cat_file(location)
        except FileNotFoundError:
            raise RecordFileMissing(name) from None
        except Exception as error:  # each filesystem raises its own (aiohttp, botocore...): name it, once
            raise StorageError(f"cannot read {location}: {_reason(error)}") from None
        return bytes(data)

    def exists(self, name: str) -> bool:
        try:
            self.read(name)
        except RecordFileMissing:
            return False
        return True

    def download(self, name: str, target: Path) -> bool:
        """Copy one file to ``target``, streamed; False if the record does not hold it."""
        location = self._location(name)
        created = [folder for folder in reversed(target.parents) if not folder.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._fs.get_file(location, str(target))
        except Exception as error:  # as in ``read``
            target.unlink(missing_ok=True)
            for folder in reversed(created):  # no empty folder left for a file that is not there
                folder.rmdir()
            if isinstance(error, FileNotFoundError):
                return False
            raise StorageError(f"cannot read {location}: {_reason(error)}") from None
        return True


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _filesystem(url: str) -> AbstractFileSystem:
    try:
        from fsspec.core import url_to_fs  # noqa: PLC0415 - only a URL needs fsspec
    except ModuleNotFoundError:
        raise MissingDependencyError("reading a record from a URL needs fsspec: pip install 'nazaha[remote]'") from None
    try:
        filesystem, _ = url_to_fs(url)
    except ImportError as error:  # fsspec names the package its filesystem needs (aiohttp, s3fs)
        raise MissingDependencyError(f"reading {url} needs another package: {error}") from None
    except ValueError as error:
        raise StorageError(f"cannot read {url}: {error}") from None
    return filesystem


def open_record_files(root: str) -> RecordFiles:
    """The files of the record at ``root``, a folder or a URL (as a chunk's context carries it)."""
    if is_record_url(root):
        return RemoteRecord(root)
    return RecordReader(local_path(root), read_index=False)


def _listed(index: Path) -> Iterator[str]:
    for name, _ in stream_record_index(index, StreamedDocument(INDEX_FILE)):
        yield name


def _audit_files(log: Path) -> list[str]:
    """The files the paper audit's log names (the checks judge them; here only safe names count)."""
    try:
        document: Any = msgspec.json.decode(log.read_bytes())
    except msgspec.DecodeError:
        return []
    entries = document.get("entries") if isinstance(document, dict) else None
    names = [entry.get("file") for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
    return [f"{AUDIT_DIR}/{name}" for name in names if isinstance(name, str) and _safe(name)]


def fetch_record(url: str, target: Path) -> Path:
    """Copy the record at ``url`` into the empty folder ``target``, less ``WORKER_FOLDERS``.

    Files that the index lists but the URL does not hold are left out, so the verifier finds
    them missing as it would in a folder. With a paper audit (``audit/log.json``) the ballots are
    copied too: the audit's card list is built from every cast ballot, in the coordinator.
    Raises ``RecordFormatError`` without a ``record.json``, ``StorageError`` if the URL cannot be read.
    """
    remote = RemoteRecord(url)
    index = target / INDEX_FILE
    if not remote.download(INDEX_FILE, index):
        raise RecordFormatError(f"{url}/{INDEX_FILE}", "missing: the record is incomplete or not a Nazaha record")
    for extra in (SIGNATURE_FILE, HINTS_INDEX):
        remote.download(extra, target / extra)
    audited = remote.download(f"{AUDIT_DIR}/{LOG}", target / AUDIT_DIR / LOG)
    for name in _listed(index):
        if _safe(name) and (audited or not name.startswith(WORKER_FOLDERS)):
            remote.download(name, target / name)
    if audited:
        for name in _audit_files(target / AUDIT_DIR / LOG):
            remote.download(name, target / name)
    return target
