"""Election records packed as zip files (as the ballot box's download gives them).

``extract_record`` unpacks one safely: every member must be a plain file with a relative path
inside the target (no absolute paths, no ``..``, no links), and the unpacked size is bounded.
It returns the folder that holds ``record.json`` (the archive's root, or its single top folder).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from nazaha.errors import RecordFormatError

__all__ = ["MAX_UNPACKED_BYTES", "extract_record", "is_record_archive"]

MAX_UNPACKED_BYTES = 64 * 1024**3


def is_record_archive(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def extract_record(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` into the empty folder ``target``; return the record's folder."""
    where = str(archive)
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise RecordFormatError(where, f"not a readable zip file ({error})") from None
    with bundle:
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
        bundle.extractall(target)
    if (target / "record.json").exists():
        return target
    folders = [path for path in target.iterdir() if path.is_dir()]
    if len(folders) == 1 and (folders[0] / "record.json").exists():
        return folders[0]
    raise RecordFormatError(where, "the archive holds no record.json at its root or in one top folder")
