"""The paper audit of an E2E-verifiable election: one record, two proofs.

Steps, each appended to ``<record>/audit/`` and its hash-chained log (``nazaha.record.paper_audit``):

1. ``commit``: the cards (every cast ballot, by device and paper id), the audited contests with
   the decrypted tally as the reported results, and the risk limit. Publish its SHA-256.
2. ``enter_seed``: dice rolled in public (or a beacon value) *after* the commitment is published;
   the seed document names the commitment's SHA-256.
3. ``draw``: a round of the consistent sampler (``nazaha.rla``) from the seed.
4. ``decrypt``: the guardians present decrypt the audited contests of each newly sampled ballot,
   with the same commit-then-reveal protocol and proofs as the tally (spec §3.6.3-§3.6.5, eqs.
   84-93), one ballot at a time; the contests not audited are not decrypted and keep their
   published contest hashes χ (§3.6.7's path for partially disclosed ballots).
5. ``enter_readings``: what an audit board read on each pulled card, confirmed by two members.
6. ``measure``: discrepancies (paper reading against decrypted ballot), measured risk per
   contest, confirmed or escalate; an escalating contest needs another ``draw``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from nazaha.ceremony.keyfile import open_key_share
from nazaha.crypto.nonces import RandomSource
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.manifest import parse_manifest
from nazaha.election.tally import DecryptedTally, EncryptedTally, EncryptedTallyContest
from nazaha.errors import AuditInputError, AuditStateError, KeyFileError
from nazaha.record.codec import Hex, decode_ballot, decode_hashes, decode_parameters, decode_tally
from nazaha.record.layout import RecordReader, write_file_atomically
from nazaha.record.paper_audit import (
    AUDIT_DIR,
    AUDIT_FORMAT,
    COMMITMENT,
    LOG,
    SEED,
    cards_from_record,
    decode_audit_doc,
    encode_audit_doc,
    entry_hash,
    file_digest,
    record_anchor,
)
from nazaha.rla.audit import Audit, ContestStatus
from nazaha.rla.committed import (
    CommittedCard,
    PaperReading,
    committed_audit,
    discrepancies,
    next_targets,
    reading_record,
)
from nazaha.rla.contests import parse_contests
from nazaha.rla.settings import check_seed
from nazaha.tallying.decrypt import DecryptingGuardian, decrypt_tally
from nazaha.workflows.clock import utc_now

__all__ = [
    "SEED_SOURCES",
    "AuditFiles",
    "FolderAuditFiles",
    "PaperAudit",
    "PullItem",
    "audited_tally",
    "encode_log",
    "log_entries",
]

SEED_SOURCES = ("dice", "beacon")


@dataclass(frozen=True, slots=True)
class PullItem:
    """One card an audit board must find: where it is, and the paper id printed on it."""

    container: str
    batch: str
    position: int
    paper_id: str
    ballot: str
    contests: tuple[str, ...]
    read: bool


class PaperAudit:
    """The paper audit appended to the election record at ``record``."""

    def __init__(self, record: Path, *, clock: Callable[[], str] = utc_now, files: AuditFiles | None = None) -> None:
        """``record``: the sealed election record (a folder). ``files``: where the audit's own
        files live; by default ``<record>/audit/`` (a ballot box keeps them in its store)."""
        self.record = record
        self._files_store = files if files is not None else FolderAuditFiles(record / AUDIT_DIR)
        self._clock = clock
        self._reader = RecordReader(record)

    # -- the log -----------------------------------------------------------------------------

    def _entries(self) -> list[dict[str, Any]]:
        return log_entries(self._files_store.read(LOG))

    def _append(self, name: str, kind: str, doc: Mapping[str, Any]) -> None:
        data = encode_audit_doc({"format": AUDIT_FORMAT, "kind": kind, **doc})

        def entry_after(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
            if any(entry["file"] == name for entry in entries):
                raise AuditStateError("audit", f"{AUDIT_DIR}/{name} is already recorded")
            entry: dict[str, Any] = {
                "position": len(entries),
                "kind": kind,
                "file": name,
                "sha256": file_digest(data),
                "recorded_at": self._clock(),
                "previous": entries[-1]["hash"] if entries else record_anchor(self.record),
            }
            entry["hash"] = entry_hash(entry)
            return entry

        self._files_store.append(name, data, entry_after)

    def read_file(self, name: str) -> bytes | None:
        """One of the audit's files (``log.json`` included) as published, or None."""
        return self._files_store.read(name)

    def _doc(self, name: str, kind: str) -> dict[str, Any]:
        data = self._files_store.read(name)
        if data is None:
            raise AuditStateError("audit", f"{AUDIT_DIR}/{name} does not exist yet")
        return decode_audit_doc(data, f"{AUDIT_DIR}/{name}", kind)

    def _files(self, kind: str) -> list[str]:
        return [entry["file"] for entry in self._entries() if entry["kind"] == kind]

    # -- the record ----------------------------------------------------------------------------

    def _group_and_manifest(self) -> tuple[Any, Any]:
        parameters, _ = decode_parameters(self._reader.read("parameters.json"))
        return parameters.group, parse_manifest(self._reader.read("manifest.json"), require_canonical=True)

    # -- 1. commitment ---------------------------------------------------------------------------

    def commit(self, *, risk_limit: float, contests: Sequence[str] | None = None) -> str:
        """Commit to the cards, contests and risk limit; returns the commitment's SHA-256."""
        if self._entries():
            raise AuditStateError("audit", "this record already holds a paper audit")
        group, manifest = self._group_and_manifest()
        tally = decode_tally(self._reader.read("tally.json"), group)
        labels = [contest.label for contest in tally.contests]
        chosen = list(contests) if contests else labels
        for label in chosen:
            if label not in labels:
                raise AuditInputError("contests", f"the record has no contest {label!r}")
        audited = []
        for contest in tally.contests:
            if contest.label not in chosen:
                continue
            limit = manifest.contest(contest.contest_index).contest_limit
            entry = {
                "id": contest.label,
                "reported": {option.label: option.value for option in contest.options},
                "winners": limit,
                "votes_allowed": limit,
            }
            try:
                parse_contests({"contests": [entry]}, source="tally.json")
            except AuditInputError:
                if contests:
                    raise
                continue  # a tie or a contest without a margin: no audit can confirm it (lot decides)
            audited.append(entry)
        if not audited:
            raise AuditInputError("contests", "no contest of the record has an outcome an audit can confirm")
        chosen = [entry["id"] for entry in audited]
        cards = cards_from_record(self.record, group, manifest, set(chosen))
        index = self._reader.index
        doc = {
            "record": record_anchor(self.record),
            "board_head": index.board_head if index is not None else "",
            "election": manifest.label,
            "risk_limit": risk_limit,
            "contests": audited,
            "cards": [card.to_json() for card in cards],
        }
        committed_audit({"format": AUDIT_FORMAT, **doc}, {})  # refuses inputs the audit cannot use
        self._append(COMMITMENT, "commitment", doc)
        return self.commitment_digest()

    def risk_limit(self) -> float:
        return float(self._doc(COMMITMENT, "commitment")["risk_limit"])

    def commitment_digest(self) -> str:
        data = self._files_store.read(COMMITMENT)
        if data is None:
            raise AuditStateError("audit", "commit first")
        return file_digest(data)

    # -- 2. seed -----------------------------------------------------------------------------------

    def enter_seed(self, seed: str, *, source: str = "dice") -> None:
        """Record the seed drawn after the commitment was published."""
        if source not in SEED_SOURCES:
            raise AuditInputError("seed source", f"expected one of {list(SEED_SOURCES)}")
        kinds = [entry["kind"] for entry in self._entries()]
        if kinds != ["commitment"]:
            raise AuditStateError(
                "audit", "the seed is entered once, right after the commitment" if kinds else "commit first"
            )
        self._append(SEED, "seed", {"seed": check_seed(seed), "source": source, "commitment": self.commitment_digest()})

    def seed(self) -> str:
        return str(self._doc(SEED, "seed")["seed"])

    # -- the audit so far ----------------------------------------------------------------------

    def decrypted(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Confirmation code -> contest -> the options the decryption shows marked."""
        result = {}
        for name in self._files("decryption"):
            doc = self._doc(name, "decryption")
            result[doc["ballot"]] = {
                contest["label"]: tuple(option["label"] for option in contest["options"] if option["value"] > 0)
                for contest in contest_list(doc)
            }
        return result

    def readings(self) -> dict[str, PaperReading]:
        result = {}
        for name in self._files("readings"):
            for raw in self._doc(name, "readings")["cards"]:
                result[raw["ballot"]] = paper_reading(raw)
        return result

    def measured(self) -> int:
        """How many rounds have been measured (``result-<n>.json`` written)."""
        return len(self._files("result"))

    def rounds(self) -> list[dict[str, Any]]:
        return [self._doc(name, "round") for name in self._files("round")]

    def _audit(self) -> tuple[Audit, dict[str, CommittedCard]]:
        return committed_audit(self._doc(COMMITMENT, "commitment"), self.decrypted())

    # -- 3. rounds -----------------------------------------------------------------------------

    def draw(self, *, size: int | None = None) -> dict[str, Any]:
        """Draw the next round: round 1 from the plan (or ``size`` draws per contest), later rounds
        from the escalating contests' next targets."""
        seed = self.seed()
        rounds = self.rounds()
        audit, cards = self._audit()
        previous_targets: dict[str, int] = dict(rounds[-1]["targets"]) if rounds else {}
        hand_counts: list[str] = list(rounds[-1]["hand_counts"]) if rounds else []
        if not rounds:
            if size is not None and not 1 <= size <= len(cards):
                raise AuditInputError("size", f"a round draws between 1 and {len(cards)} cards per contest (the cards)")
            targets = {plan.contest: size if size is not None else plan.estimate for plan in audit.plan()}
        else:
            results = self._files("result")
            if len(results) < len(rounds):
                raise AuditStateError("audit", f"round {len(rounds)} is not measured yet (enter its readings)")
            statuses = self.statuses(audit)
            escalating, full = next_targets(statuses)
            if not escalating and not full:
                raise AuditStateError("audit", "no contest escalates: the audit is over")
            targets = {**previous_targets, **escalating}
            hand_counts = sorted(set(hand_counts) | set(full))
        prefix = audit.prefix_for(seed, targets)
        start = rounds[-1]["prefix"] if rounds else 0
        by_card = {card.card: card for card in cards.values()}
        draws = [
            {"index": index, "ticket": draw.ticket, "ballot": by_card[card].ballot}
            for index, draw, card in audit.sample(seed, start, max(prefix, start))
        ]
        counted = [by_card[card].ballot for card in audit.hand_count_cards(hand_counts)]
        number = len(rounds) + 1
        self._append(
            f"round-{number}.json",
            "round",
            {"round": number, "targets": targets, "hand_counts": hand_counts, "prefix": max(prefix, start),
             "draws": draws, "hand_counted": counted},
        )  # fmt: skip
        return self._doc(f"round-{number}.json", "round")

    def sampled(self) -> list[str]:
        """Every ballot the rounds so far name, in the order first named."""
        seen: dict[str, None] = {}
        for round_doc in self.rounds():
            for draw in round_doc["draws"]:
                seen.setdefault(draw["ballot"], None)
            for code in round_doc["hand_counted"]:
                seen.setdefault(code, None)
        return list(seen)

    # -- 4. decryption of the sampled ballots only ----------------------------------------------

    def to_decrypt(self, context: ElectionContext) -> dict[str, tuple[EncryptedBallot, tuple[str, ...]]]:
        """Every sampled ballot not decrypted yet: confirmation code -> (the encrypted ballot as
        the record holds it, the contests of it the audit decrypts)."""
        hashes = decode_hashes(self._reader.read("hashes.json"), context.group)
        if hashes.extended_hash != context.extended_hash:
            raise AuditInputError("guardians", "the guardians' keys belong to another election (H_E differs)")
        _, cards = self._audit()
        done = set(self.decrypted())
        pending = {}
        for code in self.sampled():
            if code in done:
                continue
            name = f"ballots/{code}.json"
            pending[code] = (decode_ballot(self._reader.read(name), context.group, name).ballot, cards[code].contests)
        return pending

    def decrypt(self, context: ElectionContext, guardians: Sequence[DecryptingGuardian]) -> list[str]:
        """The guardians present decrypt the audited contests of every sampled ballot not yet
        decrypted, one ballot at a time, with proofs; returns the codes decrypted."""
        decrypted = []
        for code, (ballot, audited) in self.to_decrypt(context).items():
            tally = audited_tally(context, ballot, audited)
            self.record_decryption(context, ballot, audited, decrypt_tally(context, tally, guardians))
            decrypted.append(code)
        return decrypted

    def record_decryption(
        self, context: ElectionContext, ballot: EncryptedBallot, audited: Sequence[str], result: DecryptedTally
    ) -> None:
        """Append one sampled ballot's decryption (its audited contests, with the joint proofs);
        the contests not audited are listed with their contest hashes only (§3.6.7)."""
        hx = Hex(context.group, "decryption")
        contests = [
            {
                "contest": contest.contest_index,
                "label": contest.label,
                "options": [
                    {
                        "option": option.option_index,
                        "label": option.label,
                        "value": option.value,
                        "value_power": hx.fmt_p(option.value_power),
                        "challenge": hx.fmt_q(option.proof.challenge),
                        "response": hx.fmt_q(option.proof.response),
                    }
                    for option in contest.options
                ],
            }
            for contest in result.contests
        ]
        undisclosed = [
            {
                "contest": c.contest_index,
                "label": context.manifest.contest(c.contest_index).label,
                "contest_hash": c.contest_hash.hex().upper(),
            }
            for c in ballot.contests
            if context.manifest.contest(c.contest_index).label not in audited
        ]
        code = ballot.code_hex
        self._append(
            f"decrypted/{code}.json",
            "decryption",
            {"ballot": code, "guardians_present": list(result.guardians_present), "contests": contests,
             "undisclosed": undisclosed},
        )  # fmt: skip

    # -- 5. readings -----------------------------------------------------------------------------

    def pull_list(self) -> list[PullItem]:
        """The current round's cards, sorted by container, batch and position."""
        _, cards = self._audit()
        readings = self.readings()
        rounds = self.rounds()
        if not rounds:
            raise AuditStateError("audit", "no round has been drawn")
        current = rounds[-1]
        codes = {draw["ballot"] for draw in current["draws"]} | set(current["hand_counted"])
        items = [
            PullItem(
                cards[code].card.batch, cards[code].card.batch, cards[code].card.position, cards[code].paper_id,
                code, cards[code].contests, code in readings,
            )
            for code in codes
        ]  # fmt: skip
        return sorted(items, key=lambda item: (item.container, item.batch, item.position))

    def enter_readings(self, readings: Sequence[PaperReading], *, board: str, members: Sequence[str]) -> None:
        """Record what ``board`` read; two different members confirm every entry."""
        names = [member.strip() for member in members]
        if len(names) != 2 or not all(names) or names[0] == names[1]:
            raise AuditInputError("members", "two different audit-board members confirm each entry")
        if not board.strip():
            raise AuditInputError("board", "name the audit board")
        rounds = self.rounds()
        if not rounds:
            raise AuditStateError("audit", "no round has been drawn")
        _, cards = self._audit()
        wanted = {item.ballot for item in self.pull_list()}
        done = self.readings()
        seen = set()
        for reading in readings:
            if reading.ballot not in wanted:
                raise AuditInputError("readings", f"ballot {reading.ballot[:16]}… is not on this round's pull list")
            if reading.ballot in done or reading.ballot in seen:
                raise AuditInputError("readings", f"ballot {reading.ballot[:16]}… already has a reading")
            reading_record(cards[reading.ballot], reading)  # refuses contests not on the card
            seen.add(reading.ballot)
        if not readings:
            raise AuditInputError("readings", "no reading to enter")
        number = len(rounds)
        entry = len([name for name in self._files("readings") if name.startswith(f"readings-{number}-")]) + 1
        self._append(
            f"readings-{number}-{entry}.json",
            "readings",
            {"round": number, "board": board.strip(), "members": names, "cards": [reading_json(r) for r in readings]},
        )

    # -- 6. measurement ----------------------------------------------------------------------------

    def statuses(self, audit: Audit | None = None) -> list[ContestStatus]:
        """The measured risk per contest over the rounds drawn and the readings entered."""
        if audit is None:
            audit, cards = self._audit()
        else:
            _, cards = self._audit()
        rounds = self.rounds()
        if not rounds:
            raise AuditStateError("audit", "no round has been drawn")
        readings = {cards[code].card: reading_record(cards[code], r) for code, r in self.readings().items()}
        return audit.status(self.seed(), rounds[-1]["prefix"], readings, rounds[-1]["hand_counts"])

    def measure(self) -> list[ContestStatus]:
        """Measure the current round once every pulled card has a reading; write its result."""
        rounds = self.rounds()
        if not rounds:
            raise AuditStateError("audit", "no round has been drawn")
        number = len(rounds)
        if len(self._files("result")) >= number:
            raise AuditStateError("audit", f"round {number} is already measured")
        missing = [item for item in self.pull_list() if not item.read]
        if missing:
            raise AuditStateError("audit", f"{len(missing)} card(s) of round {number} await a reading")
        undecrypted = set(self.sampled()) - set(self.decrypted())
        if undecrypted:
            raise AuditStateError("audit", f"{len(undecrypted)} sampled ballot(s) are not decrypted yet")
        audit, cards = self._audit()
        statuses = self.statuses(audit)
        found = discrepancies(audit, cards, self.decrypted(), self.readings())
        self._append(
            f"result-{number}.json",
            "result",
            {"round": number, "contests": [status_json(s) for s in statuses],
             "discrepancies": [d.to_json() for d in found]},
        )  # fmt: skip
        return statuses

    def finished(self) -> bool:
        """True when the last round is measured and no contest escalates."""
        results = self._files("result")
        if not results or len(results) < len(self.rounds()):
            return False
        escalating, full = next_targets(self.statuses())
        return not escalating and not full


def contest_list(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    contests = doc.get("contests")
    if not isinstance(contests, list):
        raise AuditInputError("decryption", "expected a list of contests")
    return contests


def paper_reading(raw: Mapping[str, Any]) -> PaperReading:
    marks = raw.get("marks", {})
    if not isinstance(marks, dict):
        raise AuditInputError("reading", "marks: expected contest -> options")
    return PaperReading(
        str(raw.get("ballot", "")),
        str(raw.get("outcome", "")),
        {str(name): tuple(str(o) for o in options) for name, options in marks.items()},
    )


def reading_json(reading: PaperReading) -> dict[str, Any]:
    data: dict[str, Any] = {"ballot": reading.ballot, "outcome": reading.outcome}
    if reading.marks:
        data["marks"] = {name: list(options) for name, options in sorted(reading.marks.items())}
    return data


def status_json(status: ContestStatus) -> dict[str, Any]:
    return {
        "contest": status.contest,
        "risk": status.risk,
        "state": status.state.value,
        "draws": status.draws,
        "next_target": status.next_target,
        "full_count_next": status.full_count_next,
    }


def guardians_from_keys(
    context: ElectionContext, keys: Sequence[tuple[str, bytes, str]], rng: RandomSource
) -> list[DecryptingGuardian]:
    """The guardians present, from (where, sealed key file, passphrase) each (as ``nazaha decrypt``)."""
    guardians = []
    for where, data, passphrase in keys:
        try:
            share = open_key_share(data, passphrase, context.group)
        except KeyFileError as error:
            raise KeyFileError(f"{where}: {error}") from None
        guardians.append(DecryptingGuardian(context, share, rng))
    return guardians


def audited_tally(context: ElectionContext, ballot: EncryptedBallot, audited: Sequence[str]) -> EncryptedTally:
    """The audited contests of one ballot as a one-ballot tally, which the guardians decrypt with
    the tally's protocol and proofs (spec §3.6.3-§3.6.5); the other contests are left out."""
    chosen = set(audited)
    return EncryptedTally(
        contests=tuple(
            EncryptedTallyContest(c.contest_index, tuple(s.ciphertext for s in c.selections))
            for c in ballot.contests
            if context.manifest.contest(c.contest_index).label in chosen
        ),
        cast_ballots=1,
    )


def log_entries(data: bytes | None) -> list[dict[str, Any]]:
    """The entries of ``audit/log.json`` (none before the first file is recorded)."""
    if data is None:
        return []
    doc = decode_audit_doc(data, f"{AUDIT_DIR}/{LOG}", "log")
    entries = doc["entries"]
    if not isinstance(entries, list):
        raise AuditStateError("audit", "the audit log is damaged")
    return entries


def encode_log(entries: Sequence[Mapping[str, Any]]) -> bytes:
    return encode_audit_doc({"format": AUDIT_FORMAT, "kind": "log", "entries": list(entries)})


class AuditFiles(Protocol):
    """Where a paper audit's files live: append-only, each file with its log entry."""

    def read(self, name: str) -> bytes | None:
        """A file (``log.json`` included), or None when it is not recorded."""
        ...

    def append(
        self, name: str, data: bytes, entry_after: Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]
    ) -> None:
        """Record ``data`` as ``name`` with the log entry ``entry_after(entries so far)``, both or
        neither; ``AuditStateError`` when another append got there first."""
        ...


class FolderAuditFiles:
    """The audit's files in a folder (``<record>/audit/``), each written atomically, the log last."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str) -> bytes | None:
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None

    def append(
        self, name: str, data: bytes, entry_after: Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]
    ) -> None:
        entries = log_entries(self.read(LOG))
        entry = entry_after(entries)
        write_file_atomically(self.folder / name, data)
        write_file_atomically(self.folder / LOG, encode_log([*entries, entry]))
