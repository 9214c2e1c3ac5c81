"""Reading a record at a URL by the names its index lists (``nazaha.record.remote``), and the
command line's answer when the URL cannot be read."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nazaha.cli.app import app
from nazaha.errors import RecordFileMissing, RecordFormatError, StorageError
from nazaha.record.codec import RECORD_FORMAT, RecordIndex, encode_record_index
from nazaha.record.layout import INDEX_FILE, RecordReader, RecordWriter
from nazaha.record.remote import RemoteRecord, fetch_record, is_record_url, open_record_files
from tests.support.served import serve_folder

_FILES = {
    "parameters.json": b'{"p": 1}',
    "guardians/guardian_1.json": b'{"g": 1}',
    "unopened/CC.json": b'{"u": 1}',
    "ballots/AA.json": b'{"b": 1}',
    "challenged/AA.json": b'{"c": 1}',
    "gone.json": b'{"x": 1}',
}


def _record(folder: Path) -> Path:
    """A record whose index lists ``_FILES``; ``gone.json`` is then removed."""
    target = folder / "record"
    with RecordWriter(target) as writer:
        for name, data in _FILES.items():
            writer.write(name, data)
        writer.commit(RecordIndex(RECORD_FORMAT, "2.1.0", "e", "t", {}, 1, 1, 0, "0" * 64))
    (target / "gone.json").unlink()
    return target


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("location", "url"),
    [
        ("https://example.org/record/", True),
        ("s3://bucket/record", True),
        ("record", False),
        ("/srv/record.zip", False),
        ("file:///srv/record", False),
        ("C:\\records\\r", False),
    ],
)
def test_what_counts_as_a_url(location: str, url: bool) -> None:
    assert is_record_url(location) is url


def test_a_path_or_file_url_is_read_as_a_folder(tmp_path: Path) -> None:
    record = _record(tmp_path)
    for location in (str(record), f"file://{record}"):
        files = open_record_files(location)
        assert isinstance(files, RecordReader)
        assert files.read("parameters.json") == _FILES["parameters.json"]


def test_files_are_read_by_name_and_missing_ones_named(tmp_path: Path) -> None:
    record = _record(tmp_path)
    with serve_folder(tmp_path) as server:
        remote = open_record_files(f"{server.url}/record/")
        assert isinstance(remote, RemoteRecord)
        assert remote.read("ballots/AA.json") == _FILES["ballots/AA.json"]
        with pytest.raises(RecordFileMissing, match=r"gone\.json: missing from the record"):
            remote.read("gone.json")
        with pytest.raises(RecordFormatError, match="outside the record"):
            remote.read("../record/parameters.json")
    assert record.is_dir()


def test_the_copy_holds_all_but_the_chunks_files(tmp_path: Path) -> None:
    record = _record(tmp_path)
    copy = tmp_path / "copy"
    copy.mkdir()
    with serve_folder(tmp_path) as server:
        fetch_record(f"{server.url}/record", copy)
    held = sorted(path.relative_to(copy).as_posix() for path in copy.rglob("*") if path.is_file())
    assert held == ["guardians/guardian_1.json", "parameters.json", INDEX_FILE, "unopened/CC.json"]
    assert (copy / INDEX_FILE).read_bytes() == (record / INDEX_FILE).read_bytes()
    assert not any(path.endswith("/") for path in server.requests)  # never a folder listing


def test_an_index_naming_files_outside_the_record_writes_nothing_there(tmp_path: Path) -> None:
    served = tmp_path / "served"
    record = _record(served)
    (served / "outside.json").write_bytes(b"{}")
    index = RecordIndex(RECORD_FORMAT, "2.1.0", "e", "t", {"../outside.json": "0" * 64}, 0, 0, 0, "0" * 64)
    (record / INDEX_FILE).write_bytes(encode_record_index(index))
    copy = tmp_path / "copy" / "record"
    copy.mkdir(parents=True)
    with serve_folder(served) as server:
        fetch_record(f"{server.url}/record", copy)
    assert not (tmp_path / "copy" / "outside.json").exists()
    assert [path.name for path in copy.iterdir()] == [INDEX_FILE]


def test_an_unreachable_url_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match=r"cannot read http://127\.0\.0\.1:\d+/record/record\.json"):
        RemoteRecord(f"http://127.0.0.1:{_closed_port()}/record/").read(INDEX_FILE)


def test_cli_says_why_a_url_cannot_be_verified(tmp_path: Path) -> None:
    """Unreachable or of no known protocol: exit 4; no record there: exit 2; another format than
    Nazaha's: exit 2. One line each, never a traceback."""
    runner = CliRunner()
    unreachable = runner.invoke(app, ["verify", f"http://127.0.0.1:{_closed_port()}/record/"])
    assert unreachable.exit_code == 4
    assert "nazaha: error: cannot read http://127.0.0.1" in unreachable.output
    unknown = runner.invoke(app, ["verify", "gopher://example.org/record"])
    assert unknown.exit_code == 4 and "cannot read gopher://example.org/record" in unknown.output
    with serve_folder(tmp_path) as server:
        empty = runner.invoke(app, ["verify", f"{server.url}/nothing/"])
        other = runner.invoke(app, ["verify", f"{server.url}/nothing/", "--format", "2.0"])
    assert empty.exit_code == 2 and "record.json: missing" in empty.output
    assert other.exit_code == 2 and "only Nazaha (2.1) records" in other.output
    for result in (unreachable, unknown, empty, other):
        assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
