"""The audit board's readings as a log: entries are only ever added, and a correction supersedes.

Every reading of a card is an *entry* with a number, the round it was recorded in, who recorded it,
and the contests the board left out of it and the official accepted as not on the card. A reading
is never changed in place: a *correction* is a new entry that names the entry it supersedes, the
person who signed it off and the reason. The current reading of a card is its latest entry; the
report shows every entry, so the corrected reading and the correction stand side by side.

JSON form::

    {"entries": [
      {"entry": 1, "round": 1, "recorded_by": "Board 1", "card": {"batch": "P1-A", "position": 7,
       "contests": {"mayor": ["Alice"]}}, "omitted": []},
      {"entry": 9, "round": 1, "recorded_by": "Board 2", "signed_off_by": "H. Khalil",
       "reason": "the first board misread the mark", "supersedes": 1,
       "card": {"batch": "P1-A", "position": 7, "contests": {"mayor": ["Bob"]}}, "omitted": []}
    ]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CardRecord, parse_card_records
from nazaha.rla.contests import ContestsFile
from nazaha.rla.manifest import BallotManifest, CardRef

__all__ = ["LogEntry", "ReadingsLog"]


@dataclass(frozen=True, slots=True)
class LogEntry:
    number: int
    round: int
    record: CardRecord
    recorded_by: str = ""
    omitted: tuple[str, ...] = ()
    supersedes: int | None = None
    signed_off_by: str = ""
    reason: str = ""

    @property
    def is_correction(self) -> bool:
        return self.supersedes is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"entry": self.number, "round": self.round, "recorded_by": self.recorded_by}
        if self.is_correction:
            data |= {"supersedes": self.supersedes, "signed_off_by": self.signed_off_by, "reason": self.reason}
        data["card"] = self.record.to_json()
        data["omitted"] = list(self.omitted)
        return data


@dataclass(frozen=True, slots=True)
class ReadingsLog:
    entries: tuple[LogEntry, ...] = ()

    def current_entries(self) -> dict[CardRef, LogEntry]:
        latest: dict[CardRef, LogEntry] = {}
        for entry in self.entries:
            latest[entry.record.card] = entry
        return latest

    def current(self) -> dict[CardRef, CardRecord]:
        """Each card's reading in force: its latest entry."""
        return {card: entry.record for card, entry in self.current_entries().items()}

    def entry(self, number: int) -> LogEntry:
        return next(entry for entry in self.entries if entry.number == number)

    def corrections(self) -> list[tuple[LogEntry, LogEntry]]:
        """(superseded entry, correction) pairs, in the order the corrections were made."""
        return [(self.entry(e.supersedes), e) for e in self.entries if e.supersedes is not None]

    def _next_number(self) -> int:
        return max((entry.number for entry in self.entries), default=0) + 1

    def add_readings(
        self,
        records: Sequence[CardRecord],
        *,
        round: int,
        recorded_by: str,
        omitted: Mapping[CardRef, tuple[str, ...]],
        source: str,
    ) -> tuple[ReadingsLog, int]:
        """Readings of cards not read before (a repeat of the same reading changes nothing)."""
        current = self.current()
        new: list[LogEntry] = []
        number = self._next_number()
        for record in records:
            previous = current.get(record.card)
            if previous is not None:
                if previous != record:
                    raise AuditInputError(
                        source,
                        f"{record.card} was already recorded with different marks; readings are never changed in "
                        "place: record a correction with 'nazaha audit correct', signed off, with its reason",
                    )
                continue
            new.append(LogEntry(number, round, record, recorded_by, omitted.get(record.card, ())))
            number += 1
        return ReadingsLog((*self.entries, *new)), len(new)

    def add_corrections(
        self,
        records: Sequence[CardRecord],
        *,
        round: int,
        recorded_by: str,
        signed_off_by: str,
        reason: str,
        omitted: Mapping[CardRef, tuple[str, ...]],
        source: str,
    ) -> ReadingsLog:
        """Corrections: each supersedes the card's current reading, which must differ."""
        if not signed_off_by.strip():
            raise AuditInputError(source, "a correction must be signed off: say who (--signed-off-by)")
        if not reason.strip():
            raise AuditInputError(source, "a correction needs its reason (--reason)")
        current = self.current_entries()
        new: list[LogEntry] = []
        number = self._next_number()
        for record in records:
            previous = current.get(record.card)
            if previous is None:
                raise AuditInputError(
                    source, f"{record.card} has no reading to correct; record it with 'nazaha audit record'"
                )
            if previous.record == record:
                raise AuditInputError(source, f"the correction of {record.card} repeats its current reading")
            entry = LogEntry(
                number,
                round,
                record,
                recorded_by,
                omitted.get(record.card, ()),
                supersedes=previous.number,
                signed_off_by=signed_off_by.strip(),
                reason=reason.strip(),
            )
            current[record.card] = entry
            new.append(entry)
            number += 1
        return ReadingsLog((*self.entries, *new))

    def to_json(self) -> dict[str, Any]:
        return {"entries": [entry.to_json() for entry in self.entries]}

    @classmethod
    def from_json(cls, raw: object, *, manifest: BallotManifest, contests: ContestsFile, source: str) -> ReadingsLog:
        """Read and check a log: numbers increase, and each correction supersedes the entry then
        current for its card."""
        if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
            raise AuditInputError(source, "expected an object with a list 'entries'")
        entries: list[LogEntry] = []
        current: dict[CardRef, int] = {}
        last = 0
        for index, item in enumerate(raw["entries"]):
            where = f"{source}: entries[{index}]"
            if not isinstance(item, dict):
                raise AuditInputError(where, "expected an object")
            try:
                number, round_ = int(item["entry"]), int(item["round"])
                (record,) = parse_card_records(
                    json.dumps({"cards": [item["card"]]}),
                    manifest=manifest,
                    contests=contests,
                    readings=True,
                    source=f"{where}.card",
                )
                omitted = tuple(str(name) for name in item.get("omitted", []))
                supersedes = item.get("supersedes")
            except (KeyError, TypeError, ValueError):
                raise AuditInputError(where, "an entry needs 'entry', 'round' and 'card'") from None
            if number <= last:
                raise AuditInputError(where, f"entry {number} does not follow entry {last}")
            last = number
            if supersedes is None:
                if record.card in current:
                    raise AuditInputError(
                        where, f"{record.card} is read again without superseding entry {current[record.card]}"
                    )
                entry = LogEntry(number, round_, record, str(item.get("recorded_by", "")), omitted)
            else:
                if current.get(record.card) != supersedes:
                    raise AuditInputError(
                        where,
                        f"entry {number} supersedes entry {supersedes}, which is not {record.card}'s current reading",
                    )
                entry = LogEntry(
                    number,
                    round_,
                    record,
                    str(item.get("recorded_by", "")),
                    omitted,
                    supersedes=int(supersedes),
                    signed_off_by=str(item.get("signed_off_by", "")),
                    reason=str(item.get("reason", "")),
                )
                if not entry.signed_off_by or not entry.reason:
                    raise AuditInputError(where, "a correction names who signed it off and why")
            current[record.card] = number
            entries.append(entry)
        return cls(tuple(entries))
