"""The bulletin board: a hash-chained, append-only log of what happened to every ballot.

Each entry records one event (a ballot received, cast or challenged, or voting closed) and the
hash of the entry before it, so that deleting, reordering or inserting an entry breaks the
chain. The first entry links to H_E, which binds the board to one election. The board is
published in the election record (``board.json``) and the verifier recomputes the chain and
checks it against the ballots (check B).

    entry_hash = SHA-256( canonical JSON of {position, kind, code, previous, recorded_at} )
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from nazaha.errors import RecordFormatError
from nazaha.record.codec import RECORD_FORMAT, decode_document
from nazaha.record.stream import Field, StreamedDocument, encode_streamed, stream_document, struct_item

__all__ = [
    "BoardEntry",
    "BoardKind",
    "board_from_events",
    "chain_entry",
    "decode_board",
    "encode_board",
    "encode_board_stream",
    "entry_hash",
    "genesis_hash",
    "stream_board",
]

BOARD_FORMAT = RECORD_FORMAT
_HASH = re.compile(r"[0-9A-F]{64}")


class BoardKind(enum.Enum):
    BALLOT = "ballot"
    CAST = "cast"
    CHALLENGE = "challenge"
    CLOSE = "close"
    OPEN = "open"
    """Voting opened; its code is the SHA-256 commitment to the eligibility files."""
    CREDENTIAL = "credential"
    """A credential replaced while voting is open; its code is the SHA-256 of the update document."""
    DECRYPT = "decrypt"
    """A decryption round started (after the close); its code is the SHA-256 of the round's
    document ``decryption/round-<n>.json`` in the record."""


@dataclass(frozen=True, slots=True)
class BoardEntry:
    position: int
    """1, 2, 3, ... without gaps."""
    kind: BoardKind
    code: str
    """The ballot's confirmation code (uppercase hex); empty for ``close``; for ``decrypt``, the
    SHA-256 of the round's document."""
    previous: str
    """The previous entry's hash, or the genesis hash for position 1."""
    recorded_at: str
    hash: str


class _EntryBody(msgspec.Struct):
    position: int
    kind: str
    code: str
    previous: str
    recorded_at: str


class _EntryDoc(msgspec.Struct, forbid_unknown_fields=True):
    position: int
    kind: str
    code: str
    previous: str
    recorded_at: str
    hash: str


class _BoardDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    head: str
    entries: list[_EntryDoc]


def genesis_hash(extended_hash: bytes) -> str:
    """The 'previous' hash of the first entry: H_E in uppercase hex."""
    return extended_hash.hex().upper()


def entry_hash(position: int, kind: BoardKind, code: str, previous: str, recorded_at: str) -> str:
    body = msgspec.json.encode(_EntryBody(position, kind.value, code, previous, recorded_at))
    return hashlib.sha256(b"nazaha-board-entry\x00" + body).hexdigest().upper()


def chain_entry(previous: BoardEntry | None, genesis: str, kind: BoardKind, code: str, recorded_at: str) -> BoardEntry:
    """The entry that follows ``previous`` (or starts the board when it is None)."""
    position = 1 if previous is None else previous.position + 1
    link = genesis if previous is None else previous.hash
    return BoardEntry(position, kind, code, link, recorded_at, entry_hash(position, kind, code, link, recorded_at))


def encode_board(entries: Sequence[BoardEntry], genesis: str) -> bytes:
    return b"".join(encode_board_stream(entries, entries[-1].hash if entries else genesis))


def encode_board_stream(entries: Iterable[BoardEntry], head: str) -> Iterator[bytes]:
    """``board.json`` one entry at a time; ``head`` is the last entry's hash (the genesis hash of
    an empty board), which the file states before its entries."""
    template = msgspec.json.encode(_BoardDoc(format=BOARD_FORMAT, head=head, entries=[]))
    return encode_streamed(
        template,
        "entries",
        (
            msgspec.json.encode(_EntryDoc(e.position, e.kind.value, e.code, e.previous, e.recorded_at, e.hash))
            for e in entries
        ),
    )


def decode_board(data: bytes, where: str = "board.json") -> tuple[str, list[BoardEntry]]:
    """The published head hash and the entries, checked for form only (not for the chain)."""
    doc = decode_document(data, _BoardDoc, where)
    entries = [_entry(entry, f"{where}: entries[{i}]") for i, entry in enumerate(doc.entries)]
    if not _HASH.fullmatch(doc.head):
        raise RecordFormatError(f"{where}: head", "expected 64 uppercase hex digits")
    return doc.head, entries


def _entry(entry: _EntryDoc, where: str) -> BoardEntry:
    try:
        kind = BoardKind(entry.kind)
    except ValueError:
        raise RecordFormatError(f"{where}.kind", f"unknown kind {entry.kind!r}") from None
    for name in ("previous", "hash"):
        if not _HASH.fullmatch(getattr(entry, name)):
            raise RecordFormatError(f"{where}.{name}", "expected 64 uppercase hex digits")
    if entry.code and not _HASH.fullmatch(entry.code):
        raise RecordFormatError(f"{where}.code", "expected a confirmation code")
    return BoardEntry(entry.position, kind, entry.code, entry.previous, entry.recorded_at, entry.hash)


_as_entry_doc = struct_item(_EntryDoc)


def _entry_item(value: Any, where: str) -> BoardEntry:
    doc: _EntryDoc = _as_entry_doc(value, where)
    return _entry(doc, where)


BOARD_FIELDS = (Field("format", "str"), Field("head", "str"), Field("entries", "array", item=_entry_item))


def stream_board(path: Path, header: StreamedDocument, where: str = "board.json") -> Iterator[BoardEntry]:
    """The entries of ``board.json`` one at a time, checked for form only (as ``decode_board``);
    ``header.scalars["head"]`` holds the published head hash."""
    yield from stream_document(path, where, BOARD_FIELDS, header, lambda doc: _check_board_header(doc, where))


def _check_board_header(header: StreamedDocument, where: str) -> None:
    if header.scalars["format"] != BOARD_FORMAT:
        raise RecordFormatError(f"{where}: format", f"expected {BOARD_FORMAT!r}")
    if not _HASH.fullmatch(header.scalars["head"]):
        raise RecordFormatError(f"{where}: head", "expected 64 uppercase hex digits")


def board_from_events(genesis: str, events: Iterable[tuple[BoardKind, str, str]]) -> list[BoardEntry]:
    """Chain a sequence of (kind, code, time) events into board entries."""
    entries: list[BoardEntry] = []
    for kind, code, recorded_at in events:
        entries.append(chain_entry(entries[-1] if entries else None, genesis, kind, code, recorded_at))
    return entries
