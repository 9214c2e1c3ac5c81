"""The verifier's front door: which kind of election record a path holds, and verifying it.

================  ==========================================================  =================
format            detected by                                                 rules
================  ==========================================================  =================
``2.1``           ``record.json`` (Nazaha's layout)                           2.1.0
``2.0``           ``election_config.json``, ``election_initialized.json``,    2.0.0
                  ``constants.json`` (egk, egk-ec; hex or base64)
``1.x``           ``context.json`` and ``constants.json``                     1.0 (electionguard-
                  (electionguard-python 1.4.0, its 0.95 serialization,        python 1.4.0), or
                  and the 1.91 layout of electionguard-core2)                 1.91 when it fits
``rust``          ``election_parameters.json`` and ``hashes.json``            2.0.0, Verifications
                  (electionguard-rust's pre-voting artifacts)                 1-4 (partial)
================  ==========================================================  =================

A zip file is unpacked into a temporary folder first (duplicate entries with equal bytes are
tolerated with the named warning ``zip-duplicate-entries``). A Nazaha record at a URL
(``https://``, ``s3://``: ``verify_url``) is read where it lies: its files other than the ballots
and openings are copied into a temporary folder, and the ballot chunks read theirs from the URL.
Within a format, which rules apply is decided by the hashes that match, not by the record's
version label (see each runner).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Executor
from pathlib import Path

from nazaha.errors import RecordFormatError
from nazaha.progress import Progress
from nazaha.record.archive import extract_archive, is_record_archive
from nazaha.record.layout import INDEX_FILE
from nazaha.record.remote import fetch_record
from nazaha.verify.eg1.runner import CHUNK as CHUNK_1X
from nazaha.verify.eg1.runner import is_record1, verify_record1
from nazaha.verify.eg1.v191 import CHUNK as CHUNK_1_91
from nazaha.verify.eg1.v191 import is_record191, verify_record191
from nazaha.verify.eg2.runner import CHUNK as CHUNK_2_0
from nazaha.verify.eg2.runner import is_record20, verify_record20
from nazaha.verify.eg2.rust import is_rust_artifacts, verify_rust_artifacts
from nazaha.verify.report import Notice, Report
from nazaha.verify.runner import CHUNK as CHUNK_21
from nazaha.verify.runner import verify_record21

__all__ = ["FORMATS", "detect_format", "verify_any", "verify_path", "verify_url"]

FORMATS = ("auto", "2.1", "2.0", "1.x", "rust")
_MARKERS = (INDEX_FILE, "election_config.json", "context.json", "election_parameters.json", "public")


def detect_format(root: Path) -> str:
    """The format of the record folder ``root``: one of ``FORMATS`` other than ``auto``."""
    if not root.is_dir():
        raise RecordFormatError(str(root), "no such record folder")
    if (root / INDEX_FILE).is_file():
        return "2.1"
    if is_record20(root):
        return "2.0"
    if is_record1(root):
        return "1.x"
    if is_rust_artifacts(root):
        return "rust"
    raise RecordFormatError(
        str(root),
        "not an election record: no record.json (Nazaha, ElectionGuard 2.1), no election_config.json with "
        "election_initialized.json and constants.json (egk, ElectionGuard 2.0), no context.json with "
        "constants.json (ElectionGuard 1.x), and no election_parameters.json with hashes.json (electionguard-rust)",
    )


def verify_any(
    root: Path,
    *,
    format: str = "auto",
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int | None = None,
    hints: bool = True,
) -> Report:
    """Verify the record folder ``root`` by the rules of its format (detected unless given);
    ballot checks run in ``jobs`` local processes, or on ``executor`` (a Dask cluster) when one is
    given, in chunks of ``chunk_size`` ballots (each format's default when None). ``hints``: use
    a Nazaha 2.1 record's proof hints (other formats have none and take the spec-only path)."""
    if format not in FORMATS:
        raise RecordFormatError(str(root), f"unknown format {format!r} (choose from {', '.join(FORMATS)})")
    chosen = detect_format(root) if format == "auto" else format
    if chosen == "2.1":
        return verify_record21(
            root, jobs=jobs, executor=executor, progress=progress, chunk_size=chunk_size or CHUNK_21, hints=hints
        )
    if chosen == "2.0":
        return verify_record20(
            root, jobs=jobs, executor=executor, progress=progress, chunk_size=chunk_size or CHUNK_2_0
        )
    if chosen == "rust":
        return verify_rust_artifacts(root)
    if is_record191(root):
        return verify_record191(
            root, jobs=jobs, executor=executor, progress=progress, chunk_size=chunk_size or CHUNK_1_91
        )
    return verify_record1(root, jobs=jobs, executor=executor, progress=progress, chunk_size=chunk_size or CHUNK_1X)


def verify_path(
    path: Path,
    *,
    format: str = "auto",
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int | None = None,
    hints: bool = True,
) -> Report:
    """``verify_any`` for a record folder or a zip file of one (unpacked into a temporary folder)."""
    if not is_record_archive(path):
        return verify_any(
            path, format=format, jobs=jobs, executor=executor, progress=progress, chunk_size=chunk_size, hints=hints
        )
    with tempfile.TemporaryDirectory(prefix="nazaha-verify-") as unpacked:
        extracted = extract_archive(path, Path(unpacked), _MARKERS)
        report = verify_any(
            extracted.root,
            format=format,
            jobs=jobs,
            executor=executor,
            progress=progress,
            chunk_size=chunk_size,
            hints=hints,
        )
    report.record = str(path)
    if extracted.duplicates:
        report.warnings.insert(
            0,
            Notice(
                "zip-duplicate-entries",
                str(path),
                f"{len(extracted.duplicates)} zip entr{'y' if len(extracted.duplicates) == 1 else 'ies'} appear twice "
                f"with the same bytes ({', '.join(extracted.duplicates[:3])}): read once",
            ),
        )
    return report


def verify_url(
    url: str,
    *,
    format: str = "auto",
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int | None = None,
    hints: bool = True,
) -> Report:
    """Verify the Nazaha record at the fsspec URL ``url`` (``https://host/record``, ``s3://...``).

    This process checks a copy of the record less its ballots and openings
    (``nazaha.record.remote.fetch_record``); the ballot chunks, in ``jobs`` processes or on
    ``executor``'s workers, read those from the URL themselves. The report is the one a copy of
    the folder gives, with the named warning ``url-unlisted-unseen`` (files the index does not list
    cannot be seen at a URL). Raises ``StorageError`` if the URL cannot be read.
    """
    if format not in ("auto", "2.1"):
        raise RecordFormatError(url, f"only Nazaha (2.1) records can be read from a URL, not {format!r}: copy it")
    with tempfile.TemporaryDirectory(prefix="nazaha-fetch-") as copy:
        root = fetch_record(url, Path(copy))
        return verify_record21(
            root,
            jobs=jobs,
            executor=executor,
            progress=progress,
            chunk_size=chunk_size or CHUNK_21,
            hints=hints,
            source=url,
        )
