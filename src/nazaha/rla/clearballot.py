"""Import cast-vote records exported by Clear Ballot ClearVote: one CSV, one row per card.

The layout, as ClearVote exports it and Arlo reads it::

    RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,PrecinctStyleName,ScanComputerName,...
    1,BOX 1,1,BALLOT-1,1,1,Precinct 1,Scanner A,...

then, after ``Status`` and ``Remade``, choice columns such as
``Choice_1_1:Mayor:Vote For 1:Alice:Non-Partisan``.

A choice column is ``Choice_<contest>_<choice>:<contest name>:Vote For <n>:<candidate>:<party>``; a
cell holds 1 (a vote), 0, or is empty when the contest is not on the card. The card is tabulator
``ScanComputerName``, batch ``BoxID``, position ``BoxPosition``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CvrImport
from nazaha.rla.contests import ContestsFile
from nazaha.rla.cvr_builder import CvrBuilder, VendorMark, whole_number, zero_one_marks
from nazaha.rla.manifest import BallotManifest

__all__ = ["import_clearballot"]

_CHOICE = re.compile(r"^Choice_[^:]*:(.*):Vote For (\d+):(.*):.*$")
_REQUIRED = ("RowNumber", "BoxID", "BoxPosition", "ScanComputerName")


_Choice = tuple[int, str, str, str]
"""A choice column: its index, the contest's name, the candidate's name, the column's header."""


def _rows(source: str, data: bytes | str) -> list[list[str]]:
    """The file's rows, without a byte-order mark; refused when there are none."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise AuditInputError(source, "the file is empty")
    return rows


def _choices(source: str, header: list[str]) -> list[_Choice]:
    """The choice columns, after the required columns that come before the first of them."""
    first = next((index for index, name in enumerate(header) if name.startswith("Choice_")), None)
    if first is None:
        raise AuditInputError(f"{source}, row 1", "no column beginning with 'Choice_'")
    for name in _REQUIRED:
        if name not in header[:first]:
            raise AuditInputError(f"{source}, row 1", f"the column {name!r} is missing")
    choices: list[_Choice] = []
    for index in range(first, len(header)):
        found = _CHOICE.match(header[index])
        if not found:
            raise AuditInputError(
                f"{source}, row 1, column {index + 1}",
                f"{header[index]!r} is not a choice header such as 'Choice_1_1:Mayor:Vote For 1:Alice:Party'",
            )
        choices.append((index, found.group(1), found.group(3), header[index]))
    return choices


def _marks(where: str, row: list[str], choices: list[_Choice]) -> dict[str, list[VendorMark]]:
    """The card's marks per contest, leaving out a contest with an empty cell (not on the card)."""
    return zero_one_marks(
        where,
        ((row[index].strip(), contest_name, candidate, label) for index, contest_name, candidate, label in choices),
    )


def _add_card(
    builder: CvrBuilder, where: str, row: list[str], header: list[str], at: dict[str, int], choices: list[_Choice]
) -> None:
    """One row's card: its tabulator, box and position, and its marks."""
    if len(row) < len(header):
        raise AuditInputError(where, f"expected {len(header)} columns, found {len(row)}")
    tabulator, batch = row[at["ScanComputerName"]].strip(), row[at["BoxID"]].strip()
    if not tabulator or not batch:
        raise AuditInputError(f"{where}, column 'BoxID'", "ScanComputerName and BoxID must not be empty")
    position = whole_number(row[at["BoxPosition"]], where, "BoxPosition")
    held = _marks(where, row, choices)
    builder.add(where, tabulator=tabulator, batch=batch, record=position, record_column="BoxPosition", contests=held)


def import_clearballot(
    files: Sequence[tuple[str, bytes | str]], *, manifest: BallotManifest, contests: ContestsFile
) -> CvrImport:
    """CVRs from Clear Ballot CSV exports (each a (file name, bytes) pair)."""
    builder = CvrBuilder(manifest, contests)
    for source, data in files:
        rows = _rows(source, data)
        header = [cell.strip() for cell in rows[0]]
        choices = _choices(source, header)
        at = {name: header.index(name) for name in _REQUIRED}
        for number, row in enumerate(rows[1:], start=2):
            if any(cell.strip() for cell in row):
                _add_card(builder, f"{source}, row {number}", row, header, at, choices)
    return builder.build([name for name, _ in files], position_column="BoxPosition")
