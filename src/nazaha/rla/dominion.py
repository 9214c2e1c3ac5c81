"""Import cast-vote records exported by Dominion Democracy Suite: the JSON export and the CSV export.

**JSON** (``CvrExport*.json`` with ``ContestManifest.json`` and ``CandidateManifest.json``), in the
layout of the exports jurisdictions publish (San Francisco's Department of Elections posts the full
export after each election) and SHANGRLA reads:

* ``CvrExport.json``: ``{"Version": ..., "ElectionId": ..., "Sessions": [session, ...]}``; a session
  is one card scanned: ``TabulatorId``, ``BatchId``, ``RecordId``, ``CountingGroupId``,
  ``ImageMask`` and an ``Original`` (and, after adjudication, ``Modified``) interpretation, each
  with ``IsCurrent`` and either ``Cards: [{"Contests": [...]}]`` (versions 5.10 and later) or
  ``Contests: [...]`` directly (5.2); a contest is ``{"Id", "Marks": [{"CandidateId", "Rank",
  "IsVote", "IsAmbiguous", ...}], ...}``.
* ``ContestManifest.json``: ``{"List": [{"Id", "Description", "VoteFor", "NumOfRanks", ...}]}``.
* ``CandidateManifest.json``: ``{"List": [{"Id", "Description", "ContestId", "Type", ...}]}``.

Since version 5.10 published exports hide the record number: ``RecordId`` is ``"X"``, and the number
is the last group of digits of ``ImageMask``'s file name, ``<tabulator>_<batch>_<record>``
(``...\\00005_00001_000022*.*`` is record 22 of batch 1 of tabulator 5), as SHANGRLA reads it.

Mapping: the card is tabulator ``TabulatorId``, batch ``BatchId`` (found in a manifest without
tabulators as batch ``<TabulatorId>-<BatchId>``), position the record number (the order in which the
tabulator scanned the batch, which is how Dominion ballot manifests count); the interpretation used
is the one marked ``IsCurrent`` (the adjudicated ``Modified`` when there is one); a mark counts only
when ``IsVote`` is true; a session whose interpretation lists several ``Cards`` is one record with
the contests of all of them. Contests are matched by their ``Description`` and candidates by theirs.

**CSV** (the export Arlo reads as "Dominion"): four header rows, then one row per card::

    Small Election,5.2.16.1,,,,...
    ,,,,,,,,Mayor (Vote For=1),Mayor (Vote For=1),Council (Vote For=2),...
    ,,,,,,,,Alice,Bob,Ann,...
    CvrNumber,TabulatorNum,BatchId,RecordId,ImprintedId,CountingGroup,PrecinctPortion,BallotType,<party>,...
    1,Tabulator A,Batch 1,1,Tabulator A-Batch 1-1,Election Day,Precinct 1,Style 1,1,0,,...

A contest column is ``<name> (Vote For=<n>)``, one per candidate; a cell holds 1 (a vote), 0, or is
empty when the contest is not on the card (as Arlo reads it, one empty cell takes the contest off).
Cells may be written ``="3"``. The card is tabulator
``TabulatorNum``, batch ``BatchId``, position ``RecordId``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CardRecord, CvrImport
from nazaha.rla.contests import ContestsFile
from nazaha.rla.cvr_builder import CvrBuilder, VendorMark, strip_excel, whole_number, zero_one_marks
from nazaha.rla.manifest import BallotManifest

__all__ = ["import_dominion_csv", "import_dominion_json", "read_dominion_cvrs"]

_IMAGE_MASK = re.compile(r"([0-9]+)_([0-9]+)_([0-9]+)")
_CONTEST_HEADER = re.compile(r"^(.+) \(Vote For=(\d+)\)$")


def _load(data: bytes | str, source: str) -> dict[str, Any]:
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise AuditInputError(source, f"not valid JSON: {error}") from None
    if not isinstance(raw, dict):
        raise AuditInputError(source, "expected a JSON object")
    return raw


def _names(manifest: dict[str, Any], source: str) -> dict[int, dict[str, Any]]:
    items = manifest.get("List")
    if not isinstance(items, list):
        raise AuditInputError(source, "expected an object with a list 'List'")
    table: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("Id"), int)
            or not isinstance(item.get("Description"), str)
        ):
            raise AuditInputError(f"{source}: List[{index}]", "expected an object with 'Id' and 'Description'")
        table[item["Id"]] = item
    return table


def _interpretation(session: dict[str, Any], where: str) -> list[dict[str, Any]]:
    chosen = None
    for key in ("Modified", "Original"):
        candidate = session.get(key)
        if isinstance(candidate, dict) and candidate.get("IsCurrent", key == "Original"):
            chosen = candidate
            break
    if chosen is None:
        raise AuditInputError(where, "the session has no current interpretation ('Original' or 'Modified')")
    if "Cards" in chosen:
        if not isinstance(chosen["Cards"], list):
            raise AuditInputError(f"{where}, field 'Cards'", "expected a list")
        contests: list[dict[str, Any]] = []
        for card in chosen["Cards"]:
            contests.extend(card.get("Contests", []) if isinstance(card, dict) else [])
        return contests
    result = chosen.get("Contests", [])
    if not isinstance(result, list):
        raise AuditInputError(f"{where}, field 'Contests'", "expected a list")
    return result


def _record_number(session: dict[str, Any], where: str) -> int:
    """``RecordId``, or when it is hidden (``"X"``) the record number inside ``ImageMask``."""
    record = session.get("RecordId")
    if isinstance(record, int) and not isinstance(record, bool) and record > 0:
        return record
    if isinstance(record, str) and record.strip().isdigit():
        return int(record)
    if record != "X":
        raise AuditInputError(f"{where}, field 'RecordId'", f"{record!r} is not a record number or 'X'")
    mask = session.get("ImageMask")
    found = _IMAGE_MASK.search(mask) if isinstance(mask, str) else None
    if found is None:
        raise AuditInputError(
            f"{where}, field 'ImageMask'",
            f"RecordId is 'X' and ImageMask {mask!r} holds no <tabulator>_<batch>_<record> file name",
        )
    tabulator, batch, number = (int(group) for group in found.groups())
    if (tabulator, batch) != (session.get("TabulatorId"), session.get("BatchId")):
        raise AuditInputError(
            f"{where}, field 'ImageMask'",
            f"the image file is of tabulator {tabulator}, batch {batch}, but the session says tabulator "
            f"{session.get('TabulatorId')!r}, batch {session.get('BatchId')!r}",
        )
    return number


@dataclass(frozen=True, slots=True)
class _Names:
    """The Contest and Candidate manifests, by id, and the file names to repeat in errors."""

    contests: dict[int, dict[str, Any]]
    candidates: dict[int, dict[str, Any]]
    contest_source: str
    candidate_source: str


def _check_audited_contests(names: _Names, contests: ContestsFile) -> None:
    """Every targeted contest is described in the Contest manifest, and none audited is ranked."""
    described = {item["Description"] for item in names.contests.values()}
    missing = sorted(contest.vendor_name for contest in contests.targeted if contest.vendor_name not in described)
    if missing:
        raise AuditInputError(names.contest_source, f"no contest is described as {missing}")
    for item in names.contests.values():
        audited = contests.by_vendor_name(item["Description"])
        if audited is not None and item.get("NumOfRanks", 0):
            raise AuditInputError(
                names.contest_source,
                f"contest {item['Description']!r} is ranked-choice; Nazaha audits plurality, approval and "
                "supermajority contests only",
            )


def _sessions(source: str, data: bytes | str) -> list[Any]:
    export = _load(data, source)
    sessions = export.get("Sessions")
    if not isinstance(sessions, list):
        raise AuditInputError(source, "expected an object with a list 'Sessions'")
    return sessions


def _session_marks(session: dict[str, Any], where: str, names: _Names) -> dict[str, list[VendorMark]]:
    """The votes of the session's current interpretation, by contest description."""
    found: dict[str, list[VendorMark]] = {}
    for position, contest in enumerate(_interpretation(session, where)):
        entry = names.contests.get(contest.get("Id", -1)) if isinstance(contest, dict) else None
        if entry is None:
            raise AuditInputError(
                f"{where}, contest {position}", f"contest id {contest.get('Id')!r} is not in {names.contest_source}"
            )
        marks = found.setdefault(entry["Description"], [])
        for mark in contest.get("Marks", []):
            if not mark.get("IsVote", False):
                continue
            candidate = names.candidates.get(mark.get("CandidateId", -1))
            if candidate is None:
                raise AuditInputError(
                    f"{where}, field 'CandidateId'",
                    f"candidate id {mark.get('CandidateId')!r} is not in the manifest {names.candidate_source}",
                )
            marks.append(VendorMark(candidate["Description"], f"CandidateId {candidate['Id']}"))
    return found


def _add_session(builder: CvrBuilder, session: Any, where: str, names: _Names) -> None:
    """One session's card: its tabulator, batch and record number, and its votes."""
    if not isinstance(session, dict):
        raise AuditInputError(where, "expected an object")
    for field in ("TabulatorId", "BatchId"):
        if not isinstance(session.get(field), int) or isinstance(session.get(field), bool):
            raise AuditInputError(f"{where}, field {field!r}", f"expected a number, found {session.get(field)!r}")
    record = _record_number(session, where)
    found = _session_marks(session, where, names)
    builder.add(
        where,
        tabulator=str(session["TabulatorId"]),
        batch=str(session["BatchId"]),
        record=record,
        record_column="RecordId",
        contests=found,
    )


def import_dominion_json(
    exports: Sequence[tuple[str, bytes | str]],
    contest_manifest: bytes | str,
    candidate_manifest: bytes | str,
    *,
    manifest: BallotManifest,
    contests: ContestsFile,
    contest_source: str = "ContestManifest.json",
    candidate_source: str = "CandidateManifest.json",
) -> CvrImport:
    """CVRs from Dominion JSON exports (each a (file name, bytes) pair) and the two manifests."""
    names = _Names(
        _names(_load(contest_manifest, contest_source), contest_source),
        _names(_load(candidate_manifest, candidate_source), candidate_source),
        contest_source,
        candidate_source,
    )
    _check_audited_contests(names, contests)
    builder = CvrBuilder(manifest, contests)
    for source, data in exports:
        for index, session in enumerate(_sessions(source, data)):
            _add_session(builder, session, f"{source}: Sessions[{index}]", names)
    try:
        return builder.build([name for name, _ in exports], position_column="RecordId")
    except AuditInputError as error:
        raise AuditInputError(error.where.removesuffix(", column 'RecordId'"), error.problem) from None


def read_dominion_cvrs(
    exports: Sequence[tuple[str, bytes | str]],
    contest_manifest: bytes | str,
    candidate_manifest: bytes | str,
    *,
    manifest: BallotManifest,
    contests: ContestsFile,
) -> list[CardRecord]:
    """The records of ``import_dominion_json``, as a list."""
    imported = import_dominion_json(exports, contest_manifest, candidate_manifest, manifest=manifest, contests=contests)
    return list(imported.records)


_DOMINION_CSV_COLUMNS = ("CvrNumber", "TabulatorNum", "BatchId", "RecordId")


def _csv_rows(source: str, data: bytes | str) -> list[list[str]]:
    """The file's rows, without a byte-order mark; refused without its four header rows."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 4:
        raise AuditInputError(source, "expected four header rows (election, contests, candidates, columns)")
    return rows


_Column = tuple[int, str, str]
"""A contest column: its index, the contest's name, the candidate's name."""


def _contest_columns(source: str, rows: list[list[str]]) -> tuple[int, list[_Column]]:
    """The width of the contest header row, and the contest columns from the first non-empty cell."""
    contest_row = [" ".join(cell.splitlines()).strip() for cell in rows[1]]
    first = next((index for index, cell in enumerate(contest_row) if cell), None)
    if first is None:
        raise AuditInputError(f"{source}, row 2", "no contest column (such as 'Mayor (Vote For=1)')")
    columns: list[_Column] = []
    for index in range(first, len(contest_row)):
        found = _CONTEST_HEADER.match(contest_row[index])
        if not found:
            raise AuditInputError(
                f"{source}, row 2, column {index + 1}",
                f"{contest_row[index]!r} is not a contest header such as 'Mayor (Vote For=1)'",
            )
        candidate = rows[2][index].strip() if index < len(rows[2]) else ""
        if not candidate:
            raise AuditInputError(f"{source}, row 3, column {index + 1}", "the candidate's name is empty")
        columns.append((index, found.group(1), candidate))
    return len(contest_row), columns


def _record_columns(source: str, rows: list[list[str]], first: int) -> dict[str, int]:
    """Where the fourth header row puts the card's number, tabulator, batch and record."""
    header = [cell.strip() for cell in rows[3][:first]]
    for name in _DOMINION_CSV_COLUMNS:
        if name not in header:
            raise AuditInputError(f"{source}, row 4", f"the column {name!r} is missing")
    return {name: header.index(name) for name in _DOMINION_CSV_COLUMNS}


def _csv_marks(where: str, row: list[str], columns: list[_Column]) -> dict[str, list[VendorMark]]:
    """The card's marks per contest, leaving out a contest with an empty cell (not on the card)."""
    return zero_one_marks(
        where,
        (
            (strip_excel(row[index]), contest_name, candidate, f"{contest_name}: {candidate}")
            for index, contest_name, candidate in columns
        ),
    )


def _add_csv_card(
    builder: CvrBuilder, where: str, row: list[str], width: int, at: dict[str, int], columns: list[_Column]
) -> None:
    """One row's card: its tabulator, batch and record number, and its marks."""
    if len(row) < width:
        raise AuditInputError(where, f"expected {width} columns, found {len(row)}")
    tabulator = strip_excel(row[at["TabulatorNum"]])
    batch = strip_excel(row[at["BatchId"]])
    if not tabulator or not batch:
        raise AuditInputError(f"{where}, column 'TabulatorNum'", "the tabulator and batch must not be empty")
    record = whole_number(row[at["RecordId"]], where, "RecordId")
    held = _csv_marks(where, row, columns)
    builder.add(where, tabulator=tabulator, batch=batch, record=record, record_column="RecordId", contests=held)


def import_dominion_csv(
    files: Sequence[tuple[str, bytes | str]], *, manifest: BallotManifest, contests: ContestsFile
) -> CvrImport:
    """CVRs from Dominion CSV exports (each a (file name, bytes) pair)."""
    builder = CvrBuilder(manifest, contests)
    for source, data in files:
        rows = _csv_rows(source, data)
        width, columns = _contest_columns(source, rows)
        first = columns[0][0]  # the first contest column ends the card's own columns
        at = _record_columns(source, rows, first)
        for number, row in enumerate(rows[4:], start=5):
            if any(cell.strip() for cell in row):
                _add_csv_card(builder, f"{source}, row {number}", row, width, at, columns)
    return builder.build([name for name, _ in files], position_column="RecordId")
