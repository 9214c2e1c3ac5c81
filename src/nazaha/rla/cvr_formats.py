"""The cast-vote record formats an audit reads, and one entry point that imports any of them.

``nazaha`` (Nazaha's CSV or JSON, ``nazaha.rla.cards``), ``dominion-json`` (``CvrExport*.json``
with ``ContestManifest.json`` and ``CandidateManifest.json`` among the files, recognised by their
content), ``dominion-csv``, ``ess`` (a CVR file and ballots files), ``hart`` (ZIP archives of XML,
scanned ballot information CSVs) and ``clearballot``. Each file is a (name, bytes) pair: the name is
the user's own file name, which every error message repeats.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CvrImport, parse_cvr_records
from nazaha.rla.clearballot import import_clearballot
from nazaha.rla.contests import ContestsFile
from nazaha.rla.dominion import import_dominion_csv, import_dominion_json
from nazaha.rla.ess import import_ess
from nazaha.rla.hart import import_hart
from nazaha.rla.manifest import BallotManifest

__all__ = ["CvrFormat", "import_cvrs"]


class CvrFormat(StrEnum):
    NAZAHA = "nazaha"
    DOMINION_JSON = "dominion-json"
    DOMINION_CSV = "dominion-csv"
    ESS = "ess"
    HART = "hart"
    CLEARBALLOT = "clearballot"


def _dominion_kind(source: str, data: bytes) -> str:
    """'export', 'contests' or 'candidates', from a Dominion JSON file's content."""
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise AuditInputError(source, f"not valid JSON: {error}") from None
    if isinstance(raw, dict) and "Sessions" in raw:
        return "export"
    items = raw.get("List") if isinstance(raw, dict) else None
    if isinstance(items, list) and items and isinstance(items[0], dict):
        if "ContestId" in items[0]:
            return "candidates"
        if "VoteFor" in items[0]:
            return "contests"
    raise AuditInputError(source, "neither a CvrExport (with 'Sessions') nor a Contest or Candidate manifest")


def _import_nazaha(files: Sequence[tuple[str, bytes]], manifest: BallotManifest, contests: ContestsFile) -> CvrImport:
    """Several files of Nazaha's format merged: a card in two of them is refused."""
    parts = [parse_cvr_records(data, manifest=manifest, contests=contests, source=name) for name, data in files]
    seen: dict[object, str] = {}
    for part in parts:
        for record in part.records:
            if record.card in seen:
                raise AuditInputError(part.sources[0], f"{record.card} is also in {seen[record.card]}")
            seen[record.card] = part.sources[0]
    ignored: Counter[str] = Counter()
    for part in parts:
        ignored.update(dict(part.ignored))
    return CvrImport(
        tuple(record for part in parts for record in part.records),
        tuple(sorted(ignored.items())),
        tuple(name for name, _ in files),
    )


def _import_dominion_json(
    files: Sequence[tuple[str, bytes]], manifest: BallotManifest, contests: ContestsFile
) -> CvrImport:
    """Dominion's CvrExport files, told apart by content from the one Contest and Candidate manifest."""
    kinds: dict[str, list[tuple[str, bytes]]] = {"export": [], "contests": [], "candidates": []}
    for name, data in files:
        kinds[_dominion_kind(name, data)].append((name, data))
    for kind, label in (("contests", "ContestManifest.json"), ("candidates", "CandidateManifest.json")):
        if len(kinds[kind]) != 1:
            raise AuditInputError("Dominion files", f"give exactly one {label} with the CvrExport files")
    (contest_name, contest_data), (candidate_name, candidate_data) = kinds["contests"][0], kinds["candidates"][0]
    if not kinds["export"]:
        raise AuditInputError("Dominion files", "no CvrExport file (with 'Sessions') among them")
    return import_dominion_json(
        kinds["export"],
        contest_data,
        candidate_data,
        manifest=manifest,
        contests=contests,
        contest_source=contest_name,
        candidate_source=candidate_name,
    )


def import_cvrs(
    format: CvrFormat, files: Sequence[tuple[str, bytes]], *, manifest: BallotManifest, contests: ContestsFile
) -> CvrImport:
    """Read the cast-vote records in ``files`` (merging several files of Nazaha's format)."""
    if not files:
        raise AuditInputError("cvrs", "a ballot-comparison audit needs the cast-vote records")
    if format is CvrFormat.NAZAHA:
        return _import_nazaha(files, manifest, contests)
    if format is CvrFormat.DOMINION_JSON:
        return _import_dominion_json(files, manifest, contests)
    if format is CvrFormat.DOMINION_CSV:
        return import_dominion_csv(files, manifest=manifest, contests=contests)
    if format is CvrFormat.ESS:
        return import_ess(files, manifest=manifest, contests=contests)
    if format is CvrFormat.HART:
        return import_hart(files, manifest=manifest, contests=contests)
    return import_clearballot(files, manifest=manifest, contests=contests)
