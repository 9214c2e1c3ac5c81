"""The ballot manifest: which containers (batches) of paper cards exist and how many cards each holds.

A risk-limiting audit samples from the manifest, not from the voting system's records, so the
manifest must account for every card cast. Its CSV form has one row per batch::

    batch,cards,container
    Precinct 1 - Box A,250,Warehouse shelf 3
    Precinct 1 - Box B,198,Warehouse shelf 3

``batch`` and ``cards`` are required (the aliases ``Batch Name`` and ``Number of Ballots`` used
by other audit tools are accepted); ``container`` says where the batch is kept and is optional.
Cards are numbered 1, 2, ... within their batch, in the order they are stacked.

A card's identifier, the string the consistent sampler hashes, is ``<batch>-<position>``: the
batch id, a hyphen and the card's position. Positions are whole numbers, so splitting at the last
hyphen recovers the batch even when batch ids contain hyphens.

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

from nazaha.errors import AuditInputError

__all__ = ["PHANTOM_BATCH", "BallotManifest", "Batch", "CardRef", "parse_manifest_csv"]

PHANTOM_BATCH = "(phantom)"

_BATCH_HEADERS = ("batch", "batch name", "batch id", "batch_id")
_CARDS_HEADERS = ("cards", "number of ballots", "number of cards", "ballots")
_CONTAINER_HEADERS = ("container", "location", "box")


@dataclass(frozen=True, slots=True, order=True)
class CardRef:
    """One paper card: its batch and its position (1-based) within the batch."""

    batch: str
    position: int

    @property
    def identifier(self) -> str:
        """The string the consistent sampler hashes: ``<batch>-<position>``."""
        return f"{self.batch}-{self.position}"

    @property
    def phantom(self) -> bool:
        return self.batch == PHANTOM_BATCH

    def __str__(self) -> str:
        return f"card {self.position} of batch {self.batch!r}"


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    cards: int
    container: str = ""


@dataclass(frozen=True, slots=True)
class BallotManifest:
    """Batches in manifest order, plus phantom cards up to ``max_cards`` when that is larger."""

    batches: tuple[Batch, ...]
    phantoms: int = 0
    _index: dict[str, Batch] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Batch] = {}
        for batch in self.batches:
            if batch.id in index:
                raise AuditInputError("manifest", f"batch {batch.id!r} is listed twice")
            if batch.id == PHANTOM_BATCH:
                raise AuditInputError("manifest", f"the batch name {PHANTOM_BATCH!r} is reserved for phantom cards")
            if batch.cards < 0:
                raise AuditInputError("manifest", f"batch {batch.id!r} has a negative number of cards")
            index[batch.id] = batch
        if self.phantoms < 0:
            raise AuditInputError("manifest", "the number of phantom cards cannot be negative")
        object.__setattr__(self, "_index", index)

    @property
    def physical_cards(self) -> int:
        return sum(batch.cards for batch in self.batches)

    @property
    def total_cards(self) -> int:
        return self.physical_cards + self.phantoms

    def with_max_cards(self, max_cards: int | None) -> BallotManifest:
        """Add phantom cards so the manifest accounts for ``max_cards`` cards in all."""
        if max_cards is None:
            return self
        physical = self.physical_cards
        if max_cards < physical:
            raise AuditInputError(
                "contests: max_cards",
                f"{max_cards} cards cast, but the manifest lists {physical} cards; the manifest must not hold more "
                "cards than were cast",
            )
        return BallotManifest(self.batches, phantoms=max_cards - physical)

    def batch(self, batch_id: str) -> Batch:
        try:
            return self._index[batch_id]
        except KeyError:
            raise AuditInputError("manifest", f"there is no batch {batch_id!r}") from None

    def check_card(self, card: CardRef, where: str) -> None:
        """Raise unless ``card`` is in the manifest (phantoms included)."""
        if card.phantom:
            if not 1 <= card.position <= self.phantoms:
                raise AuditInputError(where, f"{card} is not one of the {self.phantoms} phantom cards")
            return
        if card.batch not in self._index:
            raise AuditInputError(where, f"batch {card.batch!r} is not in the ballot manifest")
        cards = self._index[card.batch].cards
        if not 1 <= card.position <= cards:
            raise AuditInputError(
                where, f"{card} is not in the ballot manifest: batch {card.batch!r} holds {cards} cards"
            )

    def cards(self) -> Iterator[CardRef]:
        """Every card, physical ones in manifest order, then the phantoms."""
        for batch in self.batches:
            for position in range(1, batch.cards + 1):
                yield CardRef(batch.id, position)
        for position in range(1, self.phantoms + 1):
            yield CardRef(PHANTOM_BATCH, position)

    def to_rows(self) -> list[dict[str, object]]:
        return [{"batch": b.id, "cards": b.cards, "container": b.container} for b in self.batches]


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
    if batch_column is None or cards_column is None:
        raise AuditInputError(source, f"the header {header} needs the columns 'batch' and 'cards'")
    batches: list[Batch] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{source}, row {number}"
        if len(row) < len(header):
            raise AuditInputError(where, f"expected {len(header)} columns, found {len(row)}")
        batch_id = row[batch_column].strip()
        if not batch_id:
            raise AuditInputError(where, "the batch id is empty")
        if batch_id in seen:
            raise AuditInputError(where, f"batch {batch_id!r} is already listed in row {seen[batch_id]}")
        raw_cards = row[cards_column].strip()
        if not raw_cards.isdigit():
            raise AuditInputError(where, f"cards: {raw_cards!r} is not a whole number")
        container = row[container_column].strip() if container_column is not None else ""
        seen[batch_id] = number
        if batch_id == PHANTOM_BATCH:
            raise AuditInputError(where, f"the batch name {PHANTOM_BATCH!r} is reserved for phantom cards")
        batches.append(Batch(batch_id, int(raw_cards), container))
    if not batches:
        raise AuditInputError(source, "the manifest lists no batches")
    return BallotManifest(tuple(batches))
