"""Election records packed as zip files (as the ballot box's download gives them).

``extract_archive`` unpacks one safely: every member must be a plain file with a relative path
inside the target (no absolute paths, no ``..``, no links), and the unpacked size is bounded.
A name that appears twice is tolerated when both entries hold the same bytes (some writers,
such as electionguard-core2's, repeat an entry) and refused when they differ, since two readers
could then see two different records. It returns the folder that holds one of the ``markers``
(the archive's root, or its single top folder) and the names that appeared more than once.
"""

from __future__ import annotations

import stat
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nazaha.errors import RecordFormatError

__all__ = ["MAX_UNPACKED_BYTES", "Extracted", "extract_archive", "extract_record", "is_record_archive"]

MAX_UNPACKED_BYTES = 64 * 1024**3


@dataclass(frozen=True, slots=True)
class Extracted:
    root: Path
    """The folder that holds the record."""
    duplicates: tuple[str, ...]
    """Member names that appeared more than once, each time with the same bytes."""


def is_record_archive(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def _check_members(bundle: zipfile.ZipFile, where: str) -> tuple[str, ...]:
    total = 0
    for member in bundle.infolist():
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
            raise RecordFormatError(where, f"member {member.filename!r} points outside the record")
        mode = member.external_attr >> 16
        if mode and stat.S_ISLNK(mode):
            raise RecordFormatError(where, f"member {member.filename!r} is a link")
        total += member.file_size
        if total > MAX_UNPACKED_BYTES:
            raise RecordFormatError(where, "the archive unpacks to more than 64 GiB")
    counts = Counter(member.filename for member in bundle.infolist())
    duplicates = tuple(sorted(name for name, count in counts.items() if count > 1))
    for duplicate in duplicates:
        contents = {bundle.read(member) for member in bundle.infolist() if member.filename == duplicate}
        if len(contents) > 1:
            raise RecordFormatError(where, f"member {duplicate!r} appears twice with different contents")
    return duplicates


def extract_archive(archive: Path, target: Path, markers: tuple[str, ...] = ("record.json",)) -> Extracted:
    """Unpack ``archive`` into the empty folder ``target``; find the record's folder by ``markers``."""
    where = str(archive)
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise RecordFormatError(where, f"not a readable zip file ({error})") from None
    with bundle:
        duplicates = _check_members(bundle, where)
        bundle.extractall(target)

    def holds(folder: Path) -> bool:
        return any((folder / marker).exists() for marker in markers)

    if holds(target):
        return Extracted(target, duplicates)
    folders = [path for path in target.iterdir() if path.is_dir()]
    if len(folders) == 1 and holds(folders[0]):
        return Extracted(folders[0], duplicates)
    raise RecordFormatError(where, f"the archive holds no {' or '.join(markers)} at its root or in one top folder")


def extract_record(archive: Path, target: Path) -> Path:
    """Unpack a Nazaha record archive into the empty folder ``target``; return the record's folder."""
    return extract_archive(archive, target).root
