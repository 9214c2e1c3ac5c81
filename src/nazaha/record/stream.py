"""Reading and writing the record's large files one item at a time (reading with the same
strictness as the codec).

``record.json`` (one digest per file), ``board.json`` (entries) and ``devices/device_<n>.json``
(confirmation codes) grow with the number of ballots. Decoded whole, a ten-million-ballot record
would need gigabytes; :func:`stream_document` walks the file with ijson's C parser instead and
hands over the large member one item at a time, so memory stays flat.

It refuses what :func:`nazaha.record.codec.decode_document` refuses: unknown, missing, repeated or
misordered fields, values of the wrong type, and any byte that differs from the canonical
encoding. Canonical form is checked without holding the file: the events are re-encoded in
compact canonical JSON into one SHA-256 while the bytes read go into another, and the two must
agree at the end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import ijson
import msgspec

from nazaha.errors import RecordFormatError

__all__ = ["Field", "StreamedDocument", "encode_streamed", "stream_document"]

_READ_SIZE = 1 << 16


@dataclass(frozen=True, slots=True)
class Field:
    """One top-level member of a streamed document, in canonical order.

    ``kind`` is ``"str"`` or ``"int"`` for a scalar, ``"array"`` for the streamed list (each
    item passed to ``item``) or ``"map"`` for a streamed object of string values (each
    (key, value) pair passed to ``item``). A scalar with ``omit_if`` set may be absent, in which
    case it takes that value (canonical encoding omits it).
    """

    name: str
    kind: str
    omit_if: str | int | None = None
    item: Callable[[Any, str], Any] | None = None
    """Checks and converts one raw item (its JSON value and where it is) into what is yielded."""


class _HashingReader:
    """A file wrapper that feeds every byte it reads into SHA-256."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes with read(0) to tell bytes from text
            return b""
        data = self._handle.read(size if size > 0 else _READ_SIZE)
        self.sha256.update(data)
        return data


class _Canonical:
    """Re-encodes a stream of ijson events as compact canonical JSON into SHA-256."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self._first = [True]

    def _value_start(self) -> None:
        if not self._first[-1]:
            self.sha256.update(b",")
        self._first[-1] = False

    def event(self, event: str, value: Any) -> None:
        update = self.sha256.update
        if event == "map_key":
            self._value_start()
            update(msgspec.json.encode(value))
            update(b":")
            self._first[-1] = True  # the value after a key takes no comma
        elif event in ("start_map", "start_array"):
            self._value_start()
            update(b"{" if event == "start_map" else b"[")
            self._first.append(True)
        elif event in ("end_map", "end_array"):
            self._first.pop()
            update(b"}" if event == "end_map" else b"]")
            self._first[-1] = False
        else:
            self._value_start()
            update(msgspec.json.encode(value))


@dataclass(slots=True)
class StreamedDocument:
    """The scalars of a streamed document, complete once its items have all been read."""

    where: str
    scalars: dict[str, Any] = field(default_factory=dict)


def _scalar_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    return isinstance(value, int) and not isinstance(value, bool)


_NOTHING = object()
"""What a parser step returns when the event completes no item."""


class _Parser:
    """The state of one streamed document: where in the object the parser is, one method per
    depth (the top object, its members, the streamed member's items)."""

    def __init__(
        self,
        where: str,
        fields: tuple[Field, ...],
        document: StreamedDocument,
        on_start: Callable[[StreamedDocument], None] | None,
    ) -> None:
        self.where = where
        self.fields = fields
        self.document = document
        self.on_start = on_start
        self.by_name: Mapping[str, tuple[int, Field]] = {f.name: (i, f) for i, f in enumerate(fields)}
        self.position = -1  # index in ``fields`` of the member being read
        self.current: Field | None = None
        self.depth = 0
        self.builder: ijson.ObjectBuilder | None = None
        self.item_count = 0
        self.key = ""

    def step(self, prefix: str, event: str, value: Any) -> Any:
        """Take one ijson event; an item of the streamed member once one is complete."""
        if self.depth == 0:
            if event != "start_map":
                raise RecordFormatError(self.where, "expected a JSON object")
            self.depth = 1
            return _NOTHING
        if self.depth == 1:
            return self._member(event, value)
        if self.depth == 2:
            return self._item(event, value)
        return self._nested(event, value)

    def _field(self) -> Field:
        if self.current is None:  # ijson gives a key before any value at depth 1
            raise RecordFormatError(self.where, "a value without its member name")
        return self.current

    def _member(self, event: str, value: Any) -> Any:
        where = self.where
        if event == "end_map":
            self.depth = 0
            return _NOTHING
        if event == "map_key":
            self._key(value)
            return _NOTHING
        current = self._field()
        if current.kind in ("str", "int"):
            if not _scalar_ok(current.kind, value) or event in ("start_map", "start_array"):
                expected = "a string" if current.kind == "str" else "an integer"
                raise RecordFormatError(f"{where}: {current.name}", f"expected {expected}")
            if current.omit_if is not None and value == current.omit_if:
                raise RecordFormatError(where, "the file is not in canonical form")
            self.document.scalars[current.name] = value
            return _NOTHING
        wanted = "start_array" if current.kind == "array" else "start_map"
        if event != wanted:
            kind = "an array" if current.kind == "array" else "an object"
            raise RecordFormatError(f"{where}: {current.name}", f"expected {kind}")
        self.depth = 2
        self.item_count = 0
        if self.on_start is not None:
            self.on_start(self.document)
        return _NOTHING

    def _key(self, value: str) -> None:
        where = self.where
        if value not in self.by_name:
            raise RecordFormatError(f"{where}: {value}", "unknown field")
        index, self.current = self.by_name[value]
        if index <= self.position:
            raise RecordFormatError(f"{where}: {value}", "repeated or out of canonical order")
        for skipped in self.fields[self.position + 1 : index]:
            if skipped.omit_if is None:
                raise RecordFormatError(
                    f"{where}: {skipped.name}", f"missing before {value!r} (absent, or out of canonical order)"
                )
            self.document.scalars[skipped.name] = skipped.omit_if
        self.position = index

    def _item(self, event: str, value: Any) -> Any:
        current = self._field()
        convert = current.item
        if convert is None:
            raise RecordFormatError(self.where, f"{current.name} has no item type")
        if event in ("end_array", "end_map"):
            self.depth = 1
            return _NOTHING
        if current.kind == "map":
            if event == "map_key":
                self.key = value
                return _NOTHING
            if event != "string":
                raise RecordFormatError(f"{self.where}: {current.name}.{self.key}", "expected a string")
            return convert((self.key, value), f"{self.where}: {current.name}.{self.key}")
        label = f"{self.where}: {current.name}[{self.item_count}]"
        if event == "start_map":
            self.builder = ijson.ObjectBuilder()
            self.builder.event(event, value)
            self.depth = 3
            return _NOTHING
        if event == "start_array":
            raise RecordFormatError(label, "unexpected nested array")
        self.item_count += 1
        return convert(value, label)

    def _nested(self, event: str, value: Any) -> Any:
        builder, current = self.builder, self._field()
        if builder is None or current.item is None:
            raise RecordFormatError(self.where, "an object item without its start")
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            self.depth += 1
        elif event in ("end_map", "end_array"):
            self.depth -= 1
            if self.depth == 2:
                label = f"{self.where}: {current.name}[{self.item_count}]"
                self.item_count += 1
                self.builder = None
                return current.item(builder.value, label)
        return _NOTHING

    def finish(self) -> None:
        for skipped in self.fields[self.position + 1 :]:
            if skipped.omit_if is None:
                raise RecordFormatError(f"{self.where}: {skipped.name}", "missing")
            self.document.scalars[skipped.name] = skipped.omit_if


def stream_document(
    path: Path,
    where: str,
    fields: tuple[Field, ...],
    document: StreamedDocument | None = None,
    on_start: Callable[[StreamedDocument], None] | None = None,
) -> Iterator[Any]:
    """Yield the items of the one streamed member of the JSON object in ``path``.

    The scalars land in ``document.scalars`` as they are read. ``on_start`` is called once, when
    the streamed member begins, with every scalar placed before it: the place to check them.
    Raises ``RecordFormatError`` naming the file and member on any departure from canonical form.
    """
    document = document if document is not None else StreamedDocument(where)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except FileNotFoundError:
        raise RecordFormatError(where, "missing from the record") from None
    except OSError as error:
        raise RecordFormatError(where, f"cannot be read ({error.strerror})") from None
    reader = _HashingReader(handle)
    canonical = _Canonical()
    parser = _Parser(where, fields, document, on_start)
    try:
        for prefix, event, value in ijson.parse(reader, use_float=False):
            if isinstance(value, (Decimal, float)):
                raise RecordFormatError(f"{where}: {prefix or '(document)'}", "numbers must be integers")
            canonical.event(event, value)
            item = parser.step(prefix, event, value)
            if item is not _NOTHING:
                yield item
        parser.finish()
        while reader.read():  # whatever follows the object still counts against canonical form
            pass
    except ijson.JSONError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise RecordFormatError(where, f"not valid JSON ({reason})") from None
    finally:
        handle.close()
    if canonical.sha256.digest() != reader.sha256.digest():
        raise RecordFormatError(where, "the file is not in canonical form")


def struct_item(doc_type: type[msgspec.Struct]) -> Callable[[Any, str], Any]:
    """An item converter: a JSON object into ``doc_type``, strictly, in canonical field order."""
    order = list(doc_type.__struct_fields__)

    def convert(value: Any, where: str) -> Any:
        if not isinstance(value, dict):
            raise RecordFormatError(where, "expected an object")
        try:
            doc = msgspec.convert(value, doc_type, strict=True)
        except msgspec.ValidationError as error:
            raise RecordFormatError(where, str(error)) from None
        if list(value) != [name for name in order if name in value]:
            raise RecordFormatError(where, "fields out of canonical order")
        return doc

    return convert


def encode_streamed(template: bytes, field: str, items: Iterable[bytes]) -> Iterator[bytes]:
    """A document encoded with one large array or object field filled in as ``items`` come:
    ``template`` is its canonical encoding with that field empty, ``items`` the encoded
    elements (``"key":value`` for an object). The bytes are those of encoding the whole
    document at once, without ever holding it."""
    for empty in (b"[]", b"{}"):
        marker = msgspec.json.encode(field) + b":" + empty
        at = template.find(marker)
        if at >= 0:
            break
    else:
        raise ValueError(f"the template has no empty field {field!r}")
    if template.count(marker) != 1:
        raise ValueError(f"the template has the empty field {field!r} more than once")
    split = at + len(marker) - 1
    yield template[:split]
    first = True
    for item in items:
        yield item if first else b"," + item
        first = False
    yield template[split:]
