"""The ballot manifest: which containers (batches) of paper cards exist and how many cards each holds.

A risk-limiting audit samples from the manifest, not from the voting system's records, so the
manifest must account for every card cast. Its CSV form has one row per batch::

    container,tabulator,batch,cards
    Warehouse shelf 3,Tabulator A,Batch 1,250
    Warehouse shelf 3,Tabulator B,Batch 1,198

``batch`` and ``cards`` are required (the headers ``Batch Name`` and ``Number of Ballots`` of
Arlo's manifests are accepted); ``container`` (where the batch is kept) and ``tabulator`` (the
scanner that counted it) are optional. A batch is known by its tabulator and its name together, so
two tabulators may each have a "Batch 1", as Arlo's manifests often do. Cards are numbered 1, 2, ...
within their batch, in the order they are stacked.

A card's identifier, the string the consistent sampler hashes, depends on the audit's *id style*
(``nazaha.rla.sampling``):

* ``plain`` (Nazaha's): ``<batch>-<position>``, or ``<tabulator>-<batch>-<position>`` when the
  manifest names tabulators. Positions are whole numbers, so splitting at the last hyphen recovers
  the batch; two batches whose prefixes coincide (tabulator "A-1" with batch "B" and tabulator "A"
  with batch "1-B") are refused, as their cards would share identifiers.
* ``arlo``: ``str(((jurisdiction, tabulator, batch), position))`` with Python's ``str`` of a tuple
  (``None`` for a missing tabulator), the ids Arlo hands to ``consistent_sampler``, so that an
  observer running Arlo's sampler on the same seed draws the same cards.

If the number of cards cast (from poll books) exceeds the manifest's total, the difference is made
up with *phantom* cards in a batch named ``(phantom)``: cards that cannot be found, counted the
pessimistic way (SHANGRLA, Stark 2020, §3.4; Bañuelos and Stark, "Limiting risk by turning manifest
phantoms into evil zombies", 2012).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from nazaha.errors import AuditInputError

__all__ = ["PHANTOM_BATCH", "BallotManifest", "Batch", "CardRef", "IdStyle", "parse_manifest_csv"]

PHANTOM_BATCH = "(phantom)"

_BATCH_HEADERS = ("batch", "batch name", "batch id", "batch_id")
_CARDS_HEADERS = ("cards", "number of ballots", "number of cards", "ballots")
_CONTAINER_HEADERS = ("container", "location", "box")
_TABULATOR_HEADERS = ("tabulator", "tabulator number", "tabulator id", "tabulatornum", "scanner")


class IdStyle(StrEnum):
    """How a card's identifier for the sampler is written (see the module docstring)."""

    PLAIN = "plain"
    ARLO = "arlo"


@dataclass(frozen=True, slots=True, order=True)
class CardRef:
    """One paper card: its batch (with the batch's tabulator, "" for none) and its position (1-based)."""

    batch: str
    position: int
    tabulator: str = ""

    @property
    def identifier(self) -> str:
        """The plain identifier: ``<batch>-<position>`` (``<tabulator>-<batch>-<position>``)."""
        return f"{self.batch_prefix}-{self.position}"

    @property
    def batch_prefix(self) -> str:
        return f"{self.tabulator}-{self.batch}" if self.tabulator else self.batch

    def arlo_identifier(self, jurisdiction: str) -> str:
        """The id Arlo gives consistent_sampler: ``((jurisdiction, tabulator, batch), position)``."""
        return str(((jurisdiction, self.tabulator or None, self.batch), self.position))

    @property
    def phantom(self) -> bool:
        return self.batch == PHANTOM_BATCH

    def __str__(self) -> str:
        where = f"batch {self.batch!r}" + (f" of tabulator {self.tabulator!r}" if self.tabulator else "")
        return f"card {self.position} of {where}"


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    cards: int
    container: str = ""
    tabulator: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.tabulator, self.id)

    def __str__(self) -> str:
        return f"batch {self.id!r}" + (f" of tabulator {self.tabulator!r}" if self.tabulator else "")


@dataclass(frozen=True, slots=True)
class BallotManifest:
    """Batches in manifest order, plus phantom cards up to ``max_cards`` when that is larger."""

    batches: tuple[Batch, ...]
    phantoms: int = 0
    source: str = "manifest"
    _index: dict[tuple[str, str], Batch] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, list[Batch]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], Batch] = {}
        by_name: dict[str, list[Batch]] = {}
        prefixes: dict[str, Batch] = {}
        for batch in self.batches:
            if batch.key in index:
                raise AuditInputError(self.source, f"{batch} is listed twice")
            if batch.id == PHANTOM_BATCH:
                raise AuditInputError(self.source, f"the batch name {PHANTOM_BATCH!r} is reserved for phantom cards")
            if batch.cards < 0:
                raise AuditInputError(self.source, f"{batch} has a negative number of cards")
            prefix = CardRef(batch.id, 1, batch.tabulator).batch_prefix
            if prefix in prefixes:
                raise AuditInputError(
                    self.source,
                    f"{batch} and {prefixes[prefix]} would give their cards the same identifiers ({prefix}-1, ...)",
                )
            prefixes[prefix] = batch
            index[batch.key] = batch
            by_name.setdefault(batch.id, []).append(batch)
        if self.phantoms < 0:
            raise AuditInputError(self.source, "the number of phantom cards cannot be negative")
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_by_name", by_name)

    @property
    def physical_cards(self) -> int:
        return sum(batch.cards for batch in self.batches)

    @property
    def total_cards(self) -> int:
        return self.physical_cards + self.phantoms

    @property
    def has_tabulators(self) -> bool:
        return any(batch.tabulator for batch in self.batches)

    def with_max_cards(self, max_cards: int | None, *, where: str = "contests: max_cards") -> BallotManifest:
        """Add phantom cards so the manifest accounts for ``max_cards`` cards in all."""
        if max_cards is None:
            return self
        physical = self.physical_cards
        if max_cards < physical:
            raise AuditInputError(
                where,
                f"{max_cards} cards cast, but {self.source} lists {physical} cards; the manifest must not hold more "
                "cards than were cast",
            )
        return BallotManifest(self.batches, phantoms=max_cards - physical, source=self.source)

    def batch(self, batch_id: str, tabulator: str = "") -> Batch:
        try:
            return self._index[(tabulator, batch_id)]
        except KeyError:
            where = f"batch {batch_id!r}" + (f" of tabulator {tabulator!r}" if tabulator else "")
            raise AuditInputError(self.source, f"there is no {where}") from None

    def batches_named(self, name: str) -> list[Batch]:
        return list(self._by_name.get(name, []))

    def locate(self, tabulator: str | None, batch: str, where: str) -> Batch:
        """The manifest's batch for a vendor's (tabulator, batch).

        With tabulators in the manifest both must match. Without, the batch is found by the name
        ``<tabulator>-<batch>`` (how Dominion exports are often listed) or by its name alone.
        """
        if self.has_tabulators:
            found = self._index.get((tabulator or "", batch))
            if found is None:
                raise AuditInputError(
                    where,
                    f"tabulator {tabulator!r}, batch {batch!r} is not in {self.source}; the tabulator and batch "
                    "must match its tabulator and batch columns",
                )
            return found
        if tabulator:
            combined = self._index.get(("", f"{tabulator}-{batch}"))
            if combined is not None:
                return combined
        found = self._index.get(("", batch))
        if found is None:
            names = f"{tabulator}-{batch}' or '{batch}" if tabulator else batch
            raise AuditInputError(where, f"batch '{names}' is not in {self.source}")
        return found

    def check_card(self, card: CardRef, where: str) -> None:
        """Raise unless ``card`` is in the manifest (phantoms included)."""
        if card.phantom:
            if not 1 <= card.position <= self.phantoms:
                raise AuditInputError(where, f"{card} is not one of the {self.phantoms} phantom cards")
            return
        batch = self._index.get((card.tabulator, card.batch))
        if batch is None:
            if not card.tabulator and self.batches_named(card.batch):
                raise AuditInputError(
                    where, f"batch {card.batch!r} needs its tabulator: {self.source} lists batches by tabulator"
                )
            named = f"batch {card.batch!r}" + (f" of tabulator {card.tabulator!r}" if card.tabulator else "")
            raise AuditInputError(where, f"{named} is not in the ballot manifest")
        if not 1 <= card.position <= batch.cards:
            raise AuditInputError(where, f"{card} is not in the ballot manifest: {batch} holds {batch.cards} cards")

    def container_of(self, card: CardRef) -> str:
        return "" if card.phantom else self._index[(card.tabulator, card.batch)].container

    def cards(self) -> Iterator[CardRef]:
        """Every card, physical ones in manifest order, then the phantoms."""
        for batch in self.batches:
            for position in range(1, batch.cards + 1):
                yield CardRef(batch.id, position, batch.tabulator)
        for position in range(1, self.phantoms + 1):
            yield CardRef(PHANTOM_BATCH, position)

    def to_rows(self) -> list[dict[str, object]]:
        return [
            {"batch": b.id, "cards": b.cards, "container": b.container, "tabulator": b.tabulator} for b in self.batches
        ]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [name.strip().lower() for name in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def parse_manifest_csv(text: str, *, source: str = "manifest.csv") -> BallotManifest:
    """Read a ballot manifest from CSV text; errors name the file, row and column."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise AuditInputError(source, "the file is empty; expected a header row 'batch,cards'")
    header = rows[0]
    batch_column = _column(header, _BATCH_HEADERS)
    cards_column = _column(header, _CARDS_HEADERS)
    container_column = _column(header, _CONTAINER_HEADERS)
    tabulator_column = _column(header, _TABULATOR_HEADERS)
    if batch_column is None or cards_column is None:
        raise AuditInputError(source, f"the header {header} needs the columns 'batch' and 'cards'")
    batches: list[Batch] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{source}, row {number}"
        if len(row) < len(header):
            raise AuditInputError(where, f"expected {len(header)} columns, found {len(row)}")
        batch_id = row[batch_column].strip()
        if not batch_id:
            raise AuditInputError(where, f"the batch id is empty (column {header[batch_column]!r})")
        tabulator = row[tabulator_column].strip() if tabulator_column is not None else ""
        key = (tabulator, batch_id)
        if key in seen:
            named = f"batch {batch_id!r}" + (f" of tabulator {tabulator!r}" if tabulator else "")
            raise AuditInputError(where, f"{named} is already listed in row {seen[key]}")
        raw_cards = row[cards_column].strip()
        if not raw_cards.isdigit():
            raise AuditInputError(where, f"{header[cards_column].strip()}: {raw_cards!r} is not a whole number")
        container = row[container_column].strip() if container_column is not None else ""
        seen[key] = number
        if batch_id == PHANTOM_BATCH:
            raise AuditInputError(where, f"the batch name {PHANTOM_BATCH!r} is reserved for phantom cards")
        batches.append(Batch(batch_id, int(raw_cards), container, tabulator))
    if not batches:
        raise AuditInputError(source, "the manifest lists no batches")
    return BallotManifest(tuple(batches), source=source)
