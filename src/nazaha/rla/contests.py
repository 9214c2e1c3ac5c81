"""Contests under audit and their reported results.

The reported results come from the voting system. The audit checks the reported *outcome* (the set
of winners), not the vote totals. The JSON form::

    {
      "max_cards": 10000,
      "contests": [
        {"id": "mayor", "kind": "plurality", "winners": 1,
         "reported": {"Alice": 5600, "Bob": 3900}, "cards": 9800},
        {"id": "council", "kind": "approval", "winners": 2, "votes_allowed": 3,
         "reported": {"Ann": 4100, "Ben": 3900, "Cy": 2500, "Di": 2400}},
        {"id": "measure-a", "kind": "supermajority", "threshold": 0.6667,
         "reported": {"Yes": 7200, "No": 2300}, "batches": ["Precinct 1 - Box A"]}
      ]
    }

``max_cards`` (optional) is the number of cards cast, from poll books; when the ballot manifest
lists fewer, phantom cards make up the difference. Per contest:

* ``kind``: ``plurality`` (the ``winners`` candidates with the most votes win; a card may mark up
  to ``votes_allowed``, by default ``winners``), ``approval`` (like plurality, with
  ``votes_allowed`` defaulting to every candidate) or ``supermajority`` (one winner, who needs more
  than ``threshold`` of the valid votes, as for a ballot measure needing two thirds);
* ``reported``: votes per candidate; every candidate of the contest must appear, even with 0;
* ``cards`` (optional): how many cards carry the contest, an upper bound the audit checks against
  the manifest and the cast-vote records;
* ``batches`` (optional): the batches whose cards carry the contest, when it covers only part of
  the manifest; a ballot-polling audit samples only from them. Without it every card may carry it.
  An entry is a batch name (every batch of that name, under any tabulator) or
  ``{"tabulator": "Tabulator A", "batch": "Batch 1"}``;
* ``name`` (optional): the contest's name in the vendor's cast-vote records, when it differs from
  ``id`` (``"Mayor (Vote For=1)"`` becomes ``"Mayor"`` there; see ``nazaha.rla.vendors``);
* ``targeted`` (optional, default true): false audits the contest *opportunistically*: it sets no
  sample size and never escalates; its risk is measured on the cards drawn for the targeted
  contests and reported separately.

Contests that appear in the cast-vote records but not here are not part of the audit; they are
ignored (and listed in the plan and the report).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from nazaha.errors import AuditInputError

__all__ = ["BatchSelector", "Contest", "ContestKind", "ContestsFile", "HandCount", "parse_contests"]

BatchSelector = tuple[str | None, str]
"""(tabulator, batch name) of batches holding a contest; tabulator None matches every tabulator."""


class ContestKind(StrEnum):
    PLURALITY = "plurality"
    APPROVAL = "approval"
    SUPERMAJORITY = "supermajority"


@dataclass(frozen=True, slots=True)
class Contest:
    """A contest with its reported results; built valid or not at all."""

    id: str
    kind: ContestKind
    reported: tuple[tuple[str, int], ...]
    winners: int = 1
    votes_allowed: int = 1
    threshold: float = 0.5
    cards: int | None = None
    batches: tuple[BatchSelector, ...] | None = None
    name: str | None = None
    targeted: bool = True

    def __post_init__(self) -> None:
        where = f"contest {self.id!r}"
        names = [name for name, _ in self.reported]
        if len(names) < 2:
            raise AuditInputError(where, "a contest needs at least two candidates")
        if len(set(names)) != len(names):
            raise AuditInputError(where, "a candidate is listed twice")
        if any(votes < 0 for _, votes in self.reported):
            raise AuditInputError(where, "reported votes cannot be negative")
        if not 1 <= self.winners < len(names):
            raise AuditInputError(where, f"winners must be between 1 and {len(names) - 1}")
        if self.votes_allowed < self.winners:
            raise AuditInputError(where, "votes_allowed cannot be smaller than the number of winners")
        if self.kind is ContestKind.SUPERMAJORITY:
            if self.winners != 1 or self.votes_allowed != 1:
                raise AuditInputError(where, "a supermajority contest has one winner and one vote per card")
            if not 0 < self.threshold < 1:
                raise AuditInputError(where, "threshold must be a fraction between 0 and 1")
        if self.cards is not None:
            most = max(votes for _, votes in self.reported)
            valid_bound = self.cards * self.votes_allowed
            if self.cards < most or sum(votes for _, votes in self.reported) > valid_bound:
                raise AuditInputError(
                    where, f"the reported votes do not fit on {self.cards} cards with {self.votes_allowed} vote(s) each"
                )
        self.reported_winners  # noqa: B018  (raises on a tie for the last winning place)

    @property
    def exact_threshold(self) -> Fraction:
        """f as the exact decimal it was written as (0.6667 is 6667/10000, not the nearest float)."""
        return Fraction(repr(self.threshold))

    @property
    def vendor_name(self) -> str:
        """The name the contest carries in vendors' cast-vote records."""
        return self.name if self.name is not None else self.id

    def hand_count(self, tally: Mapping[str, int]) -> HandCount:
        """The outcome of a full hand count with ``tally`` votes per candidate (SHANGRLA's social
        choice functions: the ``winners`` most votes; a supermajority needs more than f of the
        valid votes). A tie for the last winning place is no outcome: the tie rules decide it."""
        counts = {name: tally.get(name, 0) for name in self.candidates}
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        if self.kind is ContestKind.SUPERMAJORITY:
            name, votes = ranked[0]
            if votes > self.exact_threshold * sum(counts.values()):
                return HandCount((name,), tied=())
            return HandCount((), tied=())
        last = ranked[self.winners - 1][1]
        if ranked[self.winners][1] == last:
            tied = tuple(sorted(name for name, votes in ranked if votes == last))
            sure = tuple(name for name, votes in ranked if votes > last)
            return HandCount(sure, tied=tied)
        return HandCount(tuple(name for name, _ in ranked[: self.winners]), tied=())

    @property
    def candidates(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.reported)

    @property
    def votes(self) -> Mapping[str, int]:
        return dict(self.reported)

    @property
    def valid_votes(self) -> int:
        return sum(votes for _, votes in self.reported)

    @property
    def reported_winners(self) -> tuple[str, ...]:
        """The winners by the reported totals; a tie at the last winning place cannot be audited."""
        ranked = sorted(self.reported, key=lambda item: -item[1])
        if self.kind is ContestKind.SUPERMAJORITY:
            name, votes = ranked[0]
            if not votes > self.exact_threshold * self.valid_votes:
                raise AuditInputError(
                    f"contest {self.id!r}",
                    f"no candidate has more than {self.threshold:g} of the valid votes; to audit that the measure "
                    "failed, list it as a supermajority for the other side with threshold 1 - t",
                )
            return (name,)
        if ranked[self.winners - 1][1] == ranked[self.winners][1]:
            raise AuditInputError(
                f"contest {self.id!r}",
                f"the reported results tie for the last winning place ({ranked[self.winners - 1][0]!r} and "
                f"{ranked[self.winners][0]!r}); a tied outcome cannot be confirmed by an audit",
            )
        return tuple(name for name, _ in ranked[: self.winners])

    @property
    def reported_losers(self) -> tuple[str, ...]:
        winners = set(self.reported_winners)
        return tuple(name for name in self.candidates if name not in winners)

    def check_marks(self, marks: tuple[str, ...], where: str) -> None:
        for mark in marks:
            if mark not in self.votes:
                raise AuditInputError(where, f"{mark!r} is not a candidate in contest {self.id!r}")
        if len(set(marks)) != len(marks):
            raise AuditInputError(where, f"a candidate is marked twice in contest {self.id!r}")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind.value, "reported": dict(self.reported)}
        data["winners"] = self.winners
        data["votes_allowed"] = self.votes_allowed
        if self.kind is ContestKind.SUPERMAJORITY:
            data["threshold"] = self.threshold
        if self.cards is not None:
            data["cards"] = self.cards
        if self.batches is not None:
            data["batches"] = [
                batch if tabulator is None else {"tabulator": tabulator, "batch": batch}
                for tabulator, batch in self.batches
            ]
        if self.name is not None:
            data["name"] = self.name
        if not self.targeted:
            data["targeted"] = False
        return data


@dataclass(frozen=True, slots=True)
class HandCount:
    """A full hand count's outcome: its ``winners``, or, at a tie for the last winning place, the
    candidates sure to win and the ``tied`` ones (the tie rules, such as lot, decide among them)."""

    winners: tuple[str, ...]
    tied: tuple[str, ...]

    @property
    def is_tie(self) -> bool:
        return bool(self.tied)


@dataclass(frozen=True, slots=True)
class ContestsFile:
    contests: tuple[Contest, ...]
    max_cards: int | None = None
    source: str = "contests.json"

    def contest(self, contest_id: str, where: str) -> Contest:
        for contest in self.contests:
            if contest.id == contest_id:
                return contest
        raise AuditInputError(where, f"there is no contest {contest_id!r} in the audit")

    def find(self, contest_id: str) -> Contest | None:
        """The contest with this id, or None when it is not in the audit."""
        return next((contest for contest in self.contests if contest.id == contest_id), None)

    def by_vendor_name(self, name: str) -> Contest | None:
        """The contest a vendor's file calls ``name`` (its ``name``, else its id), or None."""
        return next((contest for contest in self.contests if contest.vendor_name == name), None)

    @property
    def targeted(self) -> tuple[Contest, ...]:
        return tuple(contest for contest in self.contests if contest.targeted)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"contests": [contest.to_json() for contest in self.contests]}
        if self.max_cards is not None:
            data["max_cards"] = self.max_cards
        return data


def _whole(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AuditInputError(where, f"expected a whole number, found {value!r}")
    return value


_CONTEST_KEYS = {
    "id",
    "kind",
    "winners",
    "votes_allowed",
    "threshold",
    "reported",
    "cards",
    "batches",
    "name",
    "targeted",
}


def _batch_selectors(raw: object, where: str) -> tuple[BatchSelector, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        raise AuditInputError(where, "expected a non-empty list of batch names")
    selectors: list[BatchSelector] = []
    for index, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            selectors.append((None, item))
        elif (
            isinstance(item, dict)
            and set(item) == {"tabulator", "batch"}
            and all(isinstance(value, str) and value.strip() for value in item.values())
        ):
            selectors.append((item["tabulator"], item["batch"]))
        else:
            raise AuditInputError(f"{where}[{index}]", 'expected a batch name or {"tabulator": ..., "batch": ...}')
    return tuple(selectors)


def _parse_contest(raw: object, where: str) -> Contest:
    if not isinstance(raw, dict):
        raise AuditInputError(where, "expected an object")
    unknown = set(raw) - _CONTEST_KEYS
    if unknown:
        raise AuditInputError(where, f"unknown field(s) {sorted(unknown)}")
    contest_id = raw.get("id")
    if not isinstance(contest_id, str) or not contest_id.strip():
        raise AuditInputError(f"{where}.id", "expected a non-empty string")
    try:
        kind = ContestKind(raw.get("kind", "plurality"))
    except ValueError:
        raise AuditInputError(f"{where}.kind", f"expected one of {[k.value for k in ContestKind]}") from None
    reported = raw.get("reported")
    if not isinstance(reported, dict) or not reported:
        raise AuditInputError(f"{where}.reported", "expected an object of candidate: votes")
    pairs = tuple((str(name), _whole(votes, f"{where}.reported.{name}")) for name, votes in reported.items())
    winners = _whole(raw.get("winners", 1), f"{where}.winners")
    default_allowed = len(pairs) if kind is ContestKind.APPROVAL else winners
    votes_allowed = _whole(raw.get("votes_allowed", default_allowed), f"{where}.votes_allowed")
    threshold = raw.get("threshold", 0.5)
    if kind is ContestKind.SUPERMAJORITY and "threshold" not in raw:
        raise AuditInputError(f"{where}.threshold", "a supermajority contest needs its threshold, such as 0.6667")
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or not math.isfinite(threshold):
        raise AuditInputError(f"{where}.threshold", f"expected a fraction, found {threshold!r}")
    cards = raw.get("cards")
    name = raw.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise AuditInputError(f"{where}.name", "expected the contest's name in the cast-vote records")
    targeted = raw.get("targeted", True)
    if not isinstance(targeted, bool):
        raise AuditInputError(f"{where}.targeted", f"expected true or false, found {targeted!r}")
    return Contest(
        id=contest_id,
        kind=kind,
        reported=pairs,
        winners=winners,
        votes_allowed=votes_allowed,
        threshold=float(threshold),
        cards=None if cards is None else _whole(cards, f"{where}.cards"),
        batches=_batch_selectors(raw.get("batches"), f"{where}.batches"),
        name=name,
        targeted=targeted,
    )


def parse_contests(data: bytes | str | Mapping[str, Any], *, source: str = "contests.json") -> ContestsFile:
    """Read the contests file; every error names the file and the field."""
    if isinstance(data, (bytes, str)):
        try:
            raw = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise AuditInputError(source, f"not valid JSON: {error}") from None
    else:
        raw = data
    if not isinstance(raw, dict) or not isinstance(raw.get("contests"), list) or not raw["contests"]:
        raise AuditInputError(source, "expected an object with a non-empty list 'contests'")
    unknown = set(raw) - {"contests", "max_cards"}
    if unknown:
        raise AuditInputError(source, f"unknown field(s) {sorted(unknown)}")
    contests = tuple(_parse_contest(item, f"{source}: contests[{index}]") for index, item in enumerate(raw["contests"]))
    ids = [contest.id for contest in contests]
    for contest_id in ids:
        if ids.count(contest_id) > 1:
            raise AuditInputError(source, f"contest {contest_id!r} is listed twice")
    names = [contest.vendor_name for contest in contests]
    for name in names:
        if names.count(name) > 1:
            raise AuditInputError(source, f"two contests carry the name {name!r} in the cast-vote records")
    if not any(contest.targeted for contest in contests):
        raise AuditInputError(source, "no contest is targeted; an audit needs at least one targeted contest")
    max_cards = raw.get("max_cards")
    return ContestsFile(
        contests, None if max_cards is None else _whole(max_cards, f"{source}: max_cards"), source=source
    )
