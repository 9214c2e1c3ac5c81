"""Which kind of election record a folder holds, and verifying it by the matching rules."""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from nazaha.errors import RecordFormatError
from nazaha.progress import Progress
from nazaha.record.layout import INDEX_FILE
from nazaha.verify.eg1.runner import CHUNK as CHUNK_1X
from nazaha.verify.eg1.runner import is_record1, verify_record1
from nazaha.verify.report import Report
from nazaha.verify.runner import CHUNK as CHUNK_21
from nazaha.verify.runner import verify_record21

__all__ = ["FORMATS", "detect_format", "verify_any"]

FORMATS = ("auto", "2.1", "1.x")


def detect_format(root: Path) -> str:
    """``"2.1"`` for a Nazaha 2.1 record, ``"1.x"`` for an electionguard-python 1.x record."""
    if not root.is_dir():
        raise RecordFormatError(str(root), "no such record folder")
    if (root / INDEX_FILE).is_file():
        return "2.1"
    if is_record1(root):
        return "1.x"
    raise RecordFormatError(
        str(root),
        "not an election record: no record.json (ElectionGuard 2.1) and no context.json with "
        "constants.json (ElectionGuard 1.x)",
    )


def verify_any(
    root: Path,
    *,
    format: str = "auto",
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int | None = None,
) -> Report:
    """Verify ``root`` by the rules of its format (detected unless given); ballot checks run in
    ``jobs`` local processes, or on ``executor`` (a Dask cluster) when one is given, in chunks of
    ``chunk_size`` ballots (each format's default when None)."""
    if format not in FORMATS:
        raise RecordFormatError(str(root), f"unknown format {format!r} (choose from {', '.join(FORMATS)})")
    chosen = detect_format(root) if format == "auto" else format
    if chosen == "2.1":
        return verify_record21(root, jobs=jobs, executor=executor, progress=progress, chunk_size=chunk_size or CHUNK_21)
    return verify_record1(root, jobs=jobs, executor=executor, progress=progress, chunk_size=chunk_size or CHUNK_1X)
