"""Turning a vendor's cast-vote records into Nazaha's: one builder shared by every importer.

Each importer (``dominion``, ``ess``, ``hart``, ``clearballot``) reads its vendor's layout and hands
the builder, per card: where it was read (file, row, column), the vendor's tabulator and batch, the
card's record number, and the marks per contest as the vendor names them. The builder

* finds the batch in the ballot manifest (``BallotManifest.locate``: by tabulator and batch when
  the manifest names tabulators, else by ``<tabulator>-<batch>`` or the batch name);
* gives the card its position in the batch: the vendor's record number where it counts the cards
  of a batch in scanning order (Dominion's RecordId, Hart's BatchSequence, Clear Ballot's
  BoxPosition), or, where it does not (ES&S's Tabulator CVR numbers are ordered but may skip
  numbers), the card's rank in its batch in record-number order, as Arlo does;
* matches contests to the audit by the contest's ``name`` (else its id) and candidates by name,
  skipping contests that are not in the audit (counted, and reported), and refuses a candidate the
  audit's contest does not list, a card listed twice, or a position beyond its batch's size.

Every error names the file, the row (or the file inside an archive, or the session) and the column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CardRecord, CvrImport
from nazaha.rla.contests import Contest, ContestsFile
from nazaha.rla.manifest import BallotManifest, Batch, CardRef

__all__ = ["CvrBuilder", "VendorMark", "zero_one_marks"]


@dataclass(frozen=True, slots=True)
class VendorMark:
    """A candidate marked in a contest, and the column (or element) it was read from."""

    candidate: str
    column: str


@dataclass(slots=True)
class _Pending:
    where: str
    batch: Batch
    record: int
    contests: dict[str, tuple[str, ...]]


class CvrBuilder:
    """Collects one vendor's cards; ``build`` checks them against the manifest and numbers them."""

    def __init__(self, manifest: BallotManifest, contests: ContestsFile, *, rank_positions: bool = False) -> None:
        self.manifest = manifest
        self.contests = contests
        self.rank_positions = rank_positions
        self._pending: list[_Pending] = []
        self._seen: dict[tuple[tuple[str, str], int], str] = {}
        self.ignored: Counter[str] = Counter()

    def contest(self, vendor_name: str) -> Contest | None:
        return self.contests.by_vendor_name(vendor_name)

    def add(
        self,
        where: str,
        *,
        tabulator: str | None,
        batch: str,
        record: int,
        record_column: str,
        contests: Mapping[str, Sequence[VendorMark] | None],
    ) -> None:
        """One card. ``contests`` maps the vendor's contest names to the marks; a contest the card
        does not hold is left out; ``None`` marks an overvote the vendor did not itemise (no valid
        vote, as the assorters count an overvote)."""
        found = self.manifest.locate(tabulator, batch, where)
        key = (found.key, record)
        if key in self._seen:
            raise AuditInputError(
                f"{where}, column {record_column!r}",
                f"record {record} of {found} is listed twice (first at {self._seen[key]})",
            )
        self._seen[key] = where
        marks_by_contest: dict[str, tuple[str, ...]] = {}
        for name, marks in contests.items():
            contest = self.contest(name)
            if contest is None:
                self.ignored[name] += 1
                continue
            chosen = [] if marks is None else list(marks)
            for mark in chosen:
                if mark.candidate not in contest.votes:
                    raise AuditInputError(
                        f"{where}, column {mark.column!r}",
                        f"{mark.candidate!r} is not a candidate in contest {contest.id!r} (its candidates: "
                        f"{', '.join(contest.candidates)})",
                    )
            names = tuple(mark.candidate for mark in chosen)
            if len(set(names)) != len(names):
                raise AuditInputError(where, f"a candidate is marked twice in contest {contest.id!r}")
            if contest.id in marks_by_contest:
                raise AuditInputError(where, f"contest {contest.id!r} appears twice on the card")
            marks_by_contest[contest.id] = names
        self._pending.append(_Pending(where, found, record, marks_by_contest))

    def build(self, sources: Sequence[str], *, position_column: str) -> CvrImport:
        """The records, numbered within their batches, each checked against the manifest."""
        positions: dict[int, int] = {}
        if self.rank_positions:
            by_batch: dict[tuple[str, str], list[int]] = {}
            for index, pending in enumerate(self._pending):
                by_batch.setdefault(pending.batch.key, []).append(index)
            for indices in by_batch.values():
                ordered = sorted(indices, key=lambda i: self._pending[i].record)
                positions.update({index: rank for rank, index in enumerate(ordered, start=1)})
        records = []
        for index, pending in enumerate(self._pending):
            position = positions[index] if self.rank_positions else pending.record
            card = CardRef(pending.batch.id, position, pending.batch.tabulator)
            if not 1 <= position <= pending.batch.cards:
                how = (
                    f"it is card {position} of the batch in record order"
                    if self.rank_positions
                    else f"record {position}"
                )
                raise AuditInputError(
                    f"{pending.where}, column {position_column!r}",
                    f"{card} is not in the ballot manifest: {pending.batch} holds {pending.batch.cards} cards ({how})",
                )
            records.append(CardRecord(card, tuple(sorted(pending.contests.items()))))
        return CvrImport(tuple(records), tuple(sorted(self.ignored.items())), tuple(sources))


def whole_number(raw: str, where: str, column: str) -> int:
    """A record number from a cell, such as ``12`` or Dominion's ``="12"``."""
    text = raw.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    if not text.isdigit():
        raise AuditInputError(f"{where}, column {column!r}", f"{raw!r} is not a whole number")
    return int(text)


def strip_excel(raw: str) -> str:
    """Dominion sometimes writes cells as ``="value"`` so spreadsheets keep leading zeros."""
    text = raw.strip()
    return text[2:-1] if text.startswith('="') and text.endswith('"') else text


def zero_one_marks(where: str, cells: Iterable[tuple[str, str, str, str]]) -> dict[str, list[VendorMark]]:
    """A card's marks per contest from vendor cells of 0 or 1, given as (cell, contest, candidate,
    column label); a contest with an empty cell is left out (as Arlo reads it: not on the card)."""
    held: dict[str, list[VendorMark]] = {}
    absent: set[str] = set()
    for cell, contest_name, candidate, label in cells:
        if cell == "":
            absent.add(contest_name)
            continue
        if cell not in ("0", "1"):
            raise AuditInputError(f"{where}, column {label!r}", f"{cell!r} is not 0 or 1")
        marks = held.setdefault(contest_name, [])
        if cell == "1":
            marks.append(VendorMark(candidate, label))
    for contest_name in absent:
        held.pop(contest_name, None)
    return held
