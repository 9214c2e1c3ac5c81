"""What a card says: cast-vote records (CVRs) from the voting system and the audit board's readings.

Both use one format. CSV, one row per contest on a card::

    batch,position,contest,marks
    Precinct 1 - Box A,1,mayor,Alice
    Precinct 1 - Box A,1,council,Ann|Ben
    Precinct 1 - Box A,2,mayor,
    Precinct 1 - Box A,3,,
    Precinct 1 - Box A,4,,NOT FOUND

``marks`` lists the candidates marked, separated by ``|``; empty means the contest is on the card
with no mark (an undervote). More marks than the contest allows is an overvote, which counts as no
valid vote. A row with an empty ``contest`` says the card holds none of the audited contests, or,
with ``NOT FOUND``, that the audit board could not find the card (readings only); a card that
cannot be found counts as the worst case for every contest. When the ballot manifest names
tabulators, a ``tabulator`` column (anywhere in the header) says which tabulator's batch is meant.

In cast-vote records, contests that are not in the audit are normal (a county's CVRs hold every
contest on its ballots): they are skipped, and counted in ``CvrImport.ignored``. In readings, an
unknown contest is refused, as it is most likely a typing error.

JSON carries the same::

    {"cards": [{"batch": "Precinct 1 - Box A", "position": 1,
                "contests": {"mayor": ["Alice"], "council": ["Ann", "Ben"]}},
               {"batch": "Batch 1", "tabulator": "Tabulator A", "position": 4, "found": false}]}
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nazaha.errors import AuditInputError
from nazaha.rla.contests import ContestsFile
from nazaha.rla.manifest import BallotManifest, CardRef

__all__ = [
    "NOT_FOUND",
    "CardRecord",
    "CvrImport",
    "parse_card_records",
    "parse_cvr_records",
    "records_to_csv",
    "records_to_json",
]

NOT_FOUND = "NOT FOUND"


@dataclass(frozen=True, slots=True)
class CardRecord:
    """The contests on one card and the candidates marked in each.

    ``contests`` maps contest id to the marks; a contest that is absent is not on the card.
    ``found`` is False when the audit board could not find the card.
    """

    card: CardRef
    contests: tuple[tuple[str, tuple[str, ...]], ...] = ()
    found: bool = True

    def marks(self, contest_id: str) -> tuple[str, ...] | None:
        """The marks in ``contest_id``, or None when the card does not hold that contest."""
        for name, marks in self.contests:
            if name == contest_id:
                return marks
        return None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"batch": self.card.batch, "position": self.card.position}
        if self.card.tabulator:
            data["tabulator"] = self.card.tabulator
        if not self.found:
            data["found"] = False
        else:
            data["contests"] = {name: list(marks) for name, marks in self.contests}
        return data


@dataclass(frozen=True, slots=True)
class CvrImport:
    """Cast-vote records read from files, and the contests they hold that the audit does not.

    ``ignored`` pairs each such contest's name (as the files write it) with the number of cards
    that hold it; ``sources`` names the files read.
    """

    records: tuple[CardRecord, ...]
    ignored: tuple[tuple[str, int], ...] = ()
    sources: tuple[str, ...] = ()


class _Builder:
    def __init__(self, manifest: BallotManifest, contests: ContestsFile, *, readings: bool, source: str) -> None:
        self.manifest = manifest
        self.contests = contests
        self.readings = readings
        self.source = source
        self.cards: dict[CardRef, dict[str, tuple[str, ...]]] = {}
        self.not_found: set[CardRef] = set()
        self.first_seen: dict[CardRef, str] = {}
        self.ignored: Counter[str] = Counter()

    def card(self, batch: object, position: object, where: str, tabulator: object = "") -> CardRef:
        if not isinstance(batch, str) or not batch.strip():
            raise AuditInputError(where, "batch: expected a batch id")
        if not isinstance(tabulator, str):
            raise AuditInputError(where, "tabulator: expected a tabulator name")
        if isinstance(position, str) and position.strip().isdigit():
            position = int(position.strip())
        if not isinstance(position, int) or isinstance(position, bool) or position < 1:
            raise AuditInputError(where, f"position: {position!r} is not a card position (1, 2, ...)")
        card = CardRef(batch.strip(), position, tabulator.strip())
        if card.phantom and not self.readings:
            raise AuditInputError(where, "phantom cards have no cast-vote records")
        self.manifest.check_card(card, where)
        self.first_seen.setdefault(card, where)
        self.cards.setdefault(card, {})
        return card

    def add(self, card: CardRef, contest_id: str, marks: tuple[str, ...], where: str) -> None:
        contest = self.contests.find(contest_id)
        if contest is None:
            if self.readings:
                raise AuditInputError(where, f"there is no contest {contest_id!r} in the audit")
            self.ignored[contest_id] += 1
            return
        contest.check_marks(marks, where)
        if card in self.not_found:
            raise AuditInputError(where, f"{card} is recorded as not found and also as read")
        existing = self.cards[card]
        if contest_id in existing:
            raise AuditInputError(where, f"{card} already has marks for contest {contest_id!r}")
        existing[contest_id] = marks

    def missing(self, card: CardRef, where: str) -> None:
        if not self.readings:
            raise AuditInputError(where, f"{NOT_FOUND!r} belongs in the audit board's readings, not in CVRs")
        if self.cards[card]:
            raise AuditInputError(where, f"{card} is recorded as read and also as not found")
        self.not_found.add(card)

    def build(self) -> list[CardRecord]:
        return [
            CardRecord(card, tuple(sorted(contests.items())), found=card not in self.not_found)
            for card, contests in self.cards.items()
        ]


def _split_marks(raw: str) -> tuple[str, ...]:
    raw = raw.strip()
    return tuple(part.strip() for part in raw.split("|")) if raw else ()


_COLUMNS = ("batch", "position", "contest", "marks")


def _parse_csv(builder: _Builder, text: str) -> None:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise AuditInputError(builder.source, "the file is empty; expected a header 'batch,position,contest,marks'")
    header = [name.strip().lower() for name in rows[0]]
    if header[:4] != list(_COLUMNS) and not (set(_COLUMNS) <= set(header) and "tabulator" in header):
        raise AuditInputError(
            builder.source, f"the header {rows[0]} must start with batch,position,contest,marks (and may add tabulator)"
        )
    column = {name: header.index(name) for name in (*_COLUMNS, "tabulator") if name in header}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{builder.source}, row {number}"
        if len(row) < len(header):
            raise AuditInputError(where, f"expected {len(header)} columns, found {len(row)}")
        tabulator = row[column["tabulator"]] if "tabulator" in column else ""
        card = builder.card(row[column["batch"]], row[column["position"]], where, tabulator)
        contest_id, marks = row[column["contest"]].strip(), row[column["marks"]].strip()
        if not contest_id:
            if marks.upper() == NOT_FOUND:
                builder.missing(card, where)
            elif marks:
                raise AuditInputError(where, f"marks {marks!r} without a contest")
            continue
        builder.add(card, contest_id, _split_marks(marks), where)


def _parse_json(builder: _Builder, text: str | bytes) -> None:
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise AuditInputError(builder.source, f"not valid JSON: {error}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cards"), list):
        raise AuditInputError(builder.source, "expected an object with a list 'cards'")
    for index, item in enumerate(raw["cards"]):
        where = f"{builder.source}: cards[{index}]"
        if not isinstance(item, dict):
            raise AuditInputError(where, "expected an object")
        unknown = set(item) - {"batch", "position", "contests", "found", "tabulator"}
        if unknown:
            raise AuditInputError(where, f"unknown field(s) {sorted(unknown)}")
        card = builder.card(item.get("batch"), item.get("position"), where, item.get("tabulator", ""))
        if card in builder.cards and builder.first_seen[card] != where:
            raise AuditInputError(where, f"{card} is listed twice (first at {builder.first_seen[card]})")
        if item.get("found", True) is False:
            if item.get("contests"):
                raise AuditInputError(where, "a card that was not found has no contests")
            builder.missing(card, where)
            continue
        contests = item.get("contests", {})
        if not isinstance(contests, dict):
            raise AuditInputError(f"{where}.contests", "expected an object of contest: [marks]")
        for contest_id, marks in contests.items():
            if not isinstance(marks, list) or not all(isinstance(mark, str) for mark in marks):
                raise AuditInputError(f"{where}.contests.{contest_id}", "expected a list of candidate names")
            builder.add(card, contest_id, tuple(marks), f"{where}.contests.{contest_id}")


def _parse(data: str | bytes, builder: _Builder, *, source: str, format: str) -> None:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    if format == "auto":
        format = "json" if text.lstrip().startswith("{") else "csv"
    if format == "json":
        _parse_json(builder, text)
    elif format == "csv":
        _parse_csv(builder, text)
    else:
        raise AuditInputError(source, f"unknown format {format!r}; expected csv or json")


def parse_card_records(
    data: str | bytes,
    *,
    manifest: BallotManifest,
    contests: ContestsFile,
    readings: bool,
    source: str,
    format: str = "auto",
) -> list[CardRecord]:
    """Read CVRs (``readings=False``) or audit-board readings (``readings=True``), CSV or JSON.

    Every card must be in the manifest and every mark a candidate of its contest; errors name the
    file and the row or field. Readings must name contests of the audit; CVRs may hold others,
    which are skipped (``parse_cvr_records`` counts them).
    """
    builder = _Builder(manifest, contests, readings=readings, source=source)
    _parse(data, builder, source=source, format=format)
    return builder.build()


def parse_cvr_records(
    data: str | bytes, *, manifest: BallotManifest, contests: ContestsFile, source: str, format: str = "auto"
) -> CvrImport:
    """Read cast-vote records in Nazaha's CSV or JSON format, counting the contests not audited."""
    builder = _Builder(manifest, contests, readings=False, source=source)
    _parse(data, builder, source=source, format=format)
    return CvrImport(tuple(builder.build()), tuple(sorted(builder.ignored.items())), (source,))


def records_to_json(records: Iterable[CardRecord]) -> dict[str, Any]:
    return {"cards": [record.to_json() for record in records]}


def records_to_csv(records: Iterable[CardRecord]) -> str:
    records = list(records)
    tabulators = any(record.card.tabulator for record in records)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["batch", "position", "contest", "marks", *(["tabulator"] if tabulators else [])])

    def row(record: CardRecord, contest: str, marks: str) -> list[object]:
        cells: list[object] = [record.card.batch, record.card.position, contest, marks]
        return [*cells, record.card.tabulator] if tabulators else cells

    for record in records:
        if not record.found:
            writer.writerow(row(record, "", NOT_FOUND))
        elif not record.contests:
            writer.writerow(row(record, "", ""))
        for contest_id, marks in record.contests:
            writer.writerow(row(record, contest_id, "|".join(marks)))
    return out.getvalue()


def index_records(records: Iterable[CardRecord], where: str) -> Mapping[CardRef, CardRecord]:
    index: dict[CardRef, CardRecord] = {}
    for record in records:
        if record.card in index:
            raise AuditInputError(where, f"{record.card} is listed twice")
        index[record.card] = record
    return index
