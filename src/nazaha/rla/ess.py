"""Import cast-vote records exported by ES&S Electionware: a CVR file and its ballots files.

The layout, as ES&S exports it and Arlo reads it (Arlo's ``server/api/cvrs.py``; its issue 1249):

* the **CVR file** has one row per card: ``Cast Vote Record`` (the CVR's number), metadata such as
  ``Precinct`` and ``Ballot Style``, then one column per contest, named by the contest, holding the
  candidate chosen, ``undervote``, ``overvote``, or nothing when the contest is not on the card.
  The contest columns are those after the last known metadata column (``Election ID``, ``Audit
  Number``, ``Tabulator CVR``, ``Cast Vote Record``, ``Batch``, ``Ballot Status``, ``Precinct``,
  ``Ballot Style``).
* one or more **ballots files** (the export holds 20,000 rows at most, so there may be several)
  say where each CVR's card is: ``Cast Vote Record``, ``Batch``, ``Tabulator CVR`` and, in some
  exports, ``Machine``. They may begin with five rows of metadata (``Ballots``, a code, the county,
  the date, an empty row) before the header; rows beginning with ``Total`` are totals and skipped.

Newer exports put ``Batch`` and ``Tabulator CVR`` into the CVR file itself; then no ballots file is
needed. The two are joined by ``Cast Vote Record``.

``Tabulator CVR`` is a ten-digit number (four digits of tabulator, six of ballot number) or a
sixteen-digit hexadecimal id. The card's tabulator is ``Machine`` when present, else the first four
digits. Its position in the batch is its rank there in ``Tabulator CVR`` order, since the numbers
are ordered but may skip values. An ``overvote`` counts as no valid vote, as the assorters count
every overvote.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CvrImport
from nazaha.rla.contests import ContestsFile
from nazaha.rla.cvr_builder import CvrBuilder, VendorMark
from nazaha.rla.manifest import BallotManifest

__all__ = ["import_ess"]

_METADATA = (
    "Election ID",
    "Audit Number",
    "Tabulator CVR",
    "Cast Vote Record",
    "Batch",
    "Ballot Status",
    "Precinct",
    "Ballot Style",
)
_BALLOTS_COLUMNS = (
    "Original Ballot Exception",
    "Remaining Ballot Exception",
    "Write-in Type",
    "Results Report",
    "Reporting Group",
    "Precinct ID",
    "Machine",
)
_TEN_DIGITS = re.compile(r"^(\d{4})(\d{6})$")
_HEX = re.compile(r"^[0-9A-Fa-f]{16}$")


@dataclass(frozen=True, slots=True)
class _Table:
    source: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)

    def column(self, name: str) -> int:
        return self.header.index(name)


def _table(source: str, data: bytes | str) -> _Table:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise AuditInputError(source, "the file is empty")
    start = 0
    if rows[0] and rows[0][0].strip() == "Ballots":
        start = 5  # Ballots, a code, the county, the date, an empty row
        if len(rows) <= start:
            raise AuditInputError(source, "expected the header in row 6, after the five rows that begin 'Ballots'")
    header = [cell.strip() for cell in rows[start]]
    body = [
        (number, row)
        for number, row in enumerate(rows[start + 1 :], start=start + 2)
        if any(cell.strip() for cell in row) and not row[0].strip().startswith("Total")
    ]
    return _Table(source, header, body)


def _is_ballots_file(table: _Table) -> bool:
    known = set(_METADATA) | set(_BALLOTS_COLUMNS)
    return all(name in known or not name for name in table.header)


def _order(raw: str, where: str) -> tuple[str | None, int]:
    """(tabulator from the number, or None, and the value that orders cards in the batch)."""
    value = raw.strip()
    ten = _TEN_DIGITS.match(value)
    if ten:
        return ten.group(1), int(ten.group(2))
    if _HEX.match(value):
        return None, int(value, 16)
    raise AuditInputError(
        f"{where}, column 'Tabulator CVR'",
        f"{raw!r} is neither a ten-digit number nor a sixteen-digit hexadecimal id (a spreadsheet may have "
        "dropped its leading zeros)",
    )


def _cvr_file(tables: list[_Table]) -> _Table:
    """The one file with contest columns, and a ``Cast Vote Record`` column to join on."""
    cvr_tables = [table for table in tables if not _is_ballots_file(table)]
    if len(cvr_tables) != 1:
        names = ", ".join(table.source for table in cvr_tables) or "none"
        raise AuditInputError(
            "ES&S files",
            f"expected exactly one CVR file (with contest columns), found {names}; the others must be ballots files",
        )
    (cvr_table,) = cvr_tables
    if "Cast Vote Record" not in cvr_table.header:
        raise AuditInputError(f"{cvr_table.source}, row 1", "the column 'Cast Vote Record' is missing")
    return cvr_table


def _contest_columns(cvr_table: _Table) -> list[tuple[int, str]]:
    """The columns after the last metadata column: (index, contest name)."""
    last_metadata = max(index for index, name in enumerate(cvr_table.header) if name in _METADATA)
    contest_columns = [(index, name) for index, name in enumerate(cvr_table.header) if index > last_metadata]
    if not contest_columns:
        raise AuditInputError(f"{cvr_table.source}, row 1", "no contest columns after the metadata columns")
    return contest_columns


_Location = tuple[str, str, str, str | None]
"""Where a CVR's card is: (where it is listed, batch, Tabulator CVR, machine or None)."""


class _Locations:
    """Each CVR's location, from the ballots files (or the CVR file itself), and which CVR rows
    have been joined to theirs."""

    def __init__(self, sources: list[_Table], *, ballots_files: bool) -> None:
        self.sources = sources
        self.by_number: dict[str, _Location] = {}
        self.matched: set[str] = set()
        for table in sources:
            self._read(table, ballots_files=ballots_files)

    def _read(self, table: _Table, *, ballots_files: bool) -> None:
        for name in ("Cast Vote Record", "Batch", "Tabulator CVR"):
            if name not in table.header:
                raise AuditInputError(
                    f"{table.source}, row 1",
                    f"the column {name!r} is missing"
                    + ("" if ballots_files else "; without ballots files the CVR file must carry it"),
                )
        machine = table.column("Machine") if "Machine" in table.header else None
        for number, row in table.rows:
            where = f"{table.source}, row {number}"
            if len(row) < len(table.header):
                raise AuditInputError(where, f"expected {len(table.header)} columns, found {len(row)}")
            cvr_number = row[table.column("Cast Vote Record")].strip()
            if cvr_number in self.by_number:
                raise AuditInputError(
                    f"{where}, column 'Cast Vote Record'",
                    f"Cast Vote Record {cvr_number} is listed twice (first at {self.by_number[cvr_number][0]})",
                )
            self.by_number[cvr_number] = (
                where,
                row[table.column("Batch")].strip(),
                row[table.column("Tabulator CVR")].strip(),
                row[machine].strip() if machine is not None else None,
            )

    def take(self, cvr_number: str, where: str) -> _Location:
        """The location of the CVR read at ``where``; each is taken once."""
        if cvr_number not in self.by_number:
            raise AuditInputError(
                f"{where}, column 'Cast Vote Record'",
                f"Cast Vote Record {cvr_number!r} is in no ballots file ({', '.join(t.source for t in self.sources)})",
            )
        if cvr_number in self.matched:
            raise AuditInputError(
                f"{where}, column 'Cast Vote Record'", f"Cast Vote Record {cvr_number} is listed twice"
            )
        self.matched.add(cvr_number)
        return self.by_number[cvr_number]

    def check_all_taken(self, cvr_source: str) -> None:
        """Every located card has its row in the CVR file."""
        unmatched = sorted(set(self.by_number) - self.matched, key=lambda n: (len(n), n))
        if unmatched:
            first = self.by_number[unmatched[0]][0]
            raise AuditInputError(
                f"{first}, column 'Cast Vote Record'",
                f"Cast Vote Record {unmatched[0]} has no row in the CVR file {cvr_source}"
                + (f" ({len(unmatched)} such)" if len(unmatched) > 1 else ""),
            )


def _tabulator(located: str, tabulator_cvr: str, machine_name: str | None) -> tuple[str, int]:
    """The card's tabulator (``Machine``, else the first four digits) and its order in the batch."""
    from_number, order = _order(tabulator_cvr, located)
    tabulator = machine_name or from_number
    if tabulator is None:
        raise AuditInputError(
            f"{located}, column 'Tabulator CVR'",
            "a hexadecimal Tabulator CVR needs a 'Machine' column to name the tabulator",
        )
    return tabulator, order


def _marks(row: list[str], contest_columns: list[tuple[int, str]]) -> dict[str, list[VendorMark] | None]:
    """The card's choice per contest on it: a candidate, none (undervote) or ``None`` (overvote)."""
    held: dict[str, list[VendorMark] | None] = {}
    for index, name in contest_columns:
        cell = row[index].strip()
        if not cell:
            continue
        if cell == "undervote":
            held[name] = []
        elif cell == "overvote":
            held[name] = None
        else:
            held[name] = [VendorMark(cell, name)]
    return held


def import_ess(
    files: Sequence[tuple[str, bytes | str]], *, manifest: BallotManifest, contests: ContestsFile
) -> CvrImport:
    """CVRs from an ES&S export: one CVR file and any number of ballots files, recognised by their columns."""
    tables = [_table(source, data) for source, data in files]
    cvr_table = _cvr_file(tables)
    ballots_tables = [table for table in tables if _is_ballots_file(table)]
    contest_columns = _contest_columns(cvr_table)
    locations = _Locations(ballots_tables or [cvr_table], ballots_files=bool(ballots_tables))
    builder = CvrBuilder(manifest, contests, rank_positions=True)
    record_column = cvr_table.column("Cast Vote Record")
    for number, row in cvr_table.rows:
        where = f"{cvr_table.source}, row {number}"
        if len(row) < len(cvr_table.header):
            raise AuditInputError(where, f"expected {len(cvr_table.header)} columns, found {len(row)}")
        located, batch, tabulator_cvr, machine_name = locations.take(row[record_column].strip(), where)
        tabulator, order = _tabulator(located, tabulator_cvr, machine_name)
        builder.add(
            f"{where} (card at {located})",
            tabulator=tabulator,
            batch=batch,
            record=order,
            record_column="Tabulator CVR",
            contests=_marks(row, contest_columns),
        )
    locations.check_all_taken(cvr_table.source)
    return builder.build([table.source for table in tables], position_column="Tabulator CVR")
