"""Record archives: unpacked safely, found at the root or in one top folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from nazaha.errors import RecordFormatError
from nazaha.record.archive import extract_record, is_record_archive


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_record_in_a_top_folder_or_at_the_root(tmp_path: Path) -> None:
    nested = _zip(tmp_path / "a.zip", {"city-record/record.json": b"{}", "city-record/ballots/x.json": b"{}"})
    assert is_record_archive(nested)
    assert extract_record(nested, tmp_path / "a") == tmp_path / "a" / "city-record"
    flat = _zip(tmp_path / "b.zip", {"record.json": b"{}"})
    assert extract_record(flat, tmp_path / "b") == tmp_path / "b"
    assert not is_record_archive(tmp_path / "a")


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../evil.json": b"x"}, "points outside the record"),
        ({"/etc/evil.json": b"x"}, "points outside the record"),
        ({"a/record.json": b"{}", "b/record.json": b"{}"}, "no record.json"),
        ({"notes.txt": b"x"}, "no record.json"),
    ],
)
def test_unsafe_or_wrong_archives_are_refused(tmp_path: Path, members: dict[str, bytes], message: str) -> None:
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(RecordFormatError, match=message):
        extract_record(_zip(tmp_path / "x.zip", members), target)
    assert not (tmp_path / "evil.json").exists()


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RecordFormatError, match="not a readable zip file"):
        extract_record(bad, tmp_path / "out")
