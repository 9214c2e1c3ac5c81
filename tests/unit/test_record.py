"""record: strict canonical codec and atomic record writing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nazaha.crypto.params import TEST_GROUP
from nazaha.errors import RecordFormatError, StorageError
from nazaha.record.board import BoardKind, chain_entry, decode_board, encode_board
from nazaha.record.codec import RECORD_FORMAT, RecordIndex, decode_guardian, encode_guardian
from nazaha.record.layout import RecordReader, RecordWriter, write_file_atomically


def test_guardian_round_trip_is_canonical(election) -> None:  # type: ignore[no-untyped-def]
    guardian = election.context.guardians[0]
    data = encode_guardian(TEST_GROUP, guardian)
    assert decode_guardian(data, TEST_GROUP, "g.json") == guardian
    assert b"\n" not in data and b'": ' not in data and data.startswith(b'{"format":"' + RECORD_FORMAT.encode())


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda s: s.replace('"index":1', '"index":"1"'), "g.json: index"),
        (lambda s: s.replace('"communication_key":"', '"communication_key":"0'), "g.json: communication_key"),
        (lambda s: s.replace('{"format"', '{ "format"'), "g.json"),
        (lambda s: s.replace('"name":"Guardian 1"', '"name":"Guardian 1","extra":1'), "g.json"),
        (lambda s: s[:-1], "g.json"),
    ],
)
def test_malformed_files_name_file_and_field(election, edit, where) -> None:  # type: ignore[no-untyped-def]
    data = encode_guardian(TEST_GROUP, election.context.guardians[0]).decode()
    with pytest.raises(RecordFormatError) as caught:
        decode_guardian(edit(data).encode(), TEST_GROUP, "g.json")
    assert str(caught.value).startswith(where)


def test_lowercase_and_out_of_range_hex_is_refused(election) -> None:  # type: ignore[no-untyped-def]
    data = encode_guardian(TEST_GROUP, election.context.guardians[0]).decode()
    key = data.split('"communication_key":"')[1].split('"')[0]
    with pytest.raises(RecordFormatError, match="uppercase hex"):
        decode_guardian(data.replace(key, key.lower()).encode(), TEST_GROUP, "g.json")
    with pytest.raises(RecordFormatError, match="not below p"):
        decode_guardian(data.replace(key, "F" * len(key)).encode(), TEST_GROUP, "g.json")


def test_hex_with_a_trailing_newline_is_refused(election) -> None:  # type: ignore[no-untyped-def]
    """A ``$`` matches before a final newline: every hex field is matched whole."""
    data = encode_guardian(TEST_GROUP, election.context.guardians[0]).decode()
    key = data.split('"communication_key":"')[1].split('"')[0]
    shifted = "0" + key[:-1]  # any field: the form check must not depend on the value
    with pytest.raises(RecordFormatError, match="uppercase hex"):
        decode_guardian(data.replace(key, shifted[1:] + "\\n").encode(), TEST_GROUP, "g.json")
    entry = chain_entry(None, "A" * 64, BoardKind.BALLOT, "B" * 64, "2026-11-29T00:00:00Z")
    board = encode_board([entry], "A" * 64).decode()
    for field in (entry.hash, entry.code):
        with pytest.raises(RecordFormatError, match="expected"):
            decode_board(board.replace(field, field[1:] + "\\n", 1).encode())


def _index() -> RecordIndex:
    return RecordIndex(
        format=RECORD_FORMAT,
        spec_version="2.1.0",
        election="e",
        created="t",
        files={},
        ballots=0,
        cast=0,
        challenged=0,
        board_head="0" * 64,
    )


def test_writer_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "record"
    with pytest.raises(RuntimeError), RecordWriter(target) as writer:
        writer.write("a.json", b"{}")
        raise RuntimeError("crash while writing")
    assert not target.exists()
    assert os.listdir(tmp_path) == []
    with RecordWriter(target) as writer:
        writer.write("sub/b.json", b"{}")
        writer.commit(_index())
    reader = RecordReader(target)
    assert reader.index is not None and list(reader.index.files) == ["sub/b.json"]
    with pytest.raises(StorageError, match="already exists"):
        RecordWriter(target)


def test_reader_refuses_incomplete_records(tmp_path: Path) -> None:
    (tmp_path / "partial").mkdir()
    with pytest.raises(RecordFormatError, match="incomplete"):
        RecordReader(tmp_path / "partial")
    with pytest.raises(RecordFormatError, match="no such record folder"):
        RecordReader(tmp_path / "missing")


def test_atomic_file_write_replaces_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "x" / "f.bin"
    write_file_atomically(path, b"one")
    write_file_atomically(path, b"two")
    assert path.read_bytes() == b"two"
    assert sorted(os.listdir(path.parent)) == ["f.bin"]
