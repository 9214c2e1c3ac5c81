"""A risk-limiting audit run step by step, kept in an audit folder.

Layout::

    audit.json                  format, settings, input files and their SHA-256, seed, rounds
    manifest.csv                the ballot manifest, as given
    contests.json               contests and reported results, normalized
    cvrs.json                   cast-vote records (comparison audits), normalized from the vendor files
    rounds/round-<n>.csv        the round's draws in draw order (and the cards of a full hand count)
    rounds/pull-list-<n>.csv    the cards to pull, by container, tabulator, batch and position
    rounds/pull-sheet-<n>.html  the same, as a sheet to print for the audit boards
    readings.json               the readings log: every reading and every correction (``nazaha.rla.readings_log``)
    report.json                 after ``report``: inputs, sample, readings log and results in one file

Each step checks its input before it writes, and each file is written atomically, so a rejected
step leaves the folder as it was. ``report.json`` carries every input, so an observer re-runs it
with ``nazaha audit check`` and gets the same sample and the same measured risk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nazaha.errors import AuditInputError, AuditStateError, RecordFormatError, VerificationFailed
from nazaha.record.layout import write_file_atomically
from nazaha.rla.audit import (
    Audit,
    AuditSettings,
    AuditType,
    ContestState,
    ContestStatus,
    PlannedContest,
    RiskMethod,
    check_seed,
)
from nazaha.rla.cards import CardRecord, CvrImport, parse_card_records, records_to_json
from nazaha.rla.contests import ContestsFile, parse_contests
from nazaha.rla.cvr_formats import CvrFormat, import_cvrs
from nazaha.rla.manifest import BallotManifest, CardRef, IdStyle, parse_manifest_csv
from nazaha.rla.pull_list import NO_TARGETED_CONTEST, PullItem, pull_list_csv, pull_sheet_html, sort_pull_list
from nazaha.rla.readings_log import ReadingsLog
from nazaha.rla.risk import AlphaSettings
from nazaha.rla.sample_size import ErrorRates
from nazaha.rla.sampling import TicketScheme

__all__ = [
    "AUDIT_FORMAT",
    "REPORT_FORMAT",
    "AuditFolder",
    "AuditPlan",
    "ReadingsCheck",
    "RoundSample",
    "check_report",
    "plan_audit",
    "status_to_json",
]

AUDIT_FORMAT = "nazaha-audit/2"
REPORT_FORMAT = "nazaha-audit-report/2"


def _settings_to_json(settings: AuditSettings) -> dict[str, Any]:
    return {
        "type": settings.type.value,
        "risk_limit": settings.risk_limit,
        "method": settings.method.value,
        "gamma": settings.gamma,
        "planning_error_rates": {
            "o1": settings.rates.o1,
            "o2": settings.rates.o2,
            "u1": settings.rates.u1,
            "u2": settings.rates.u2,
        },
        "alpha": {"d": settings.alpha.d, "c": settings.alpha.c},
        "sampler": settings.sampler.value,
        "id_style": settings.id_style.value,
        "jurisdiction": settings.jurisdiction,
    }


def _settings_from_json(raw: Mapping[str, Any], where: str) -> AuditSettings:
    try:
        rates = raw["planning_error_rates"]
        return AuditSettings(
            type=AuditType(raw["type"]),
            risk_limit=float(raw["risk_limit"]),
            method=RiskMethod(raw["method"]),
            gamma=float(raw["gamma"]),
            rates=ErrorRates(float(rates["o1"]), float(rates["o2"]), float(rates["u1"]), float(rates["u2"])),
            alpha=AlphaSettings(
                float(raw["alpha"]["d"]), None if raw["alpha"]["c"] is None else float(raw["alpha"]["c"])
            ),
            sampler=TicketScheme(raw["sampler"]),
            id_style=IdStyle(raw["id_style"]),
            jurisdiction=str(raw["jurisdiction"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RecordFormatError(where, f"settings are incomplete or malformed ({error})") from None


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class RoundSample:
    number: int
    targets: dict[str, int]
    hand_count: tuple[str, ...]
    start: int
    stop: int
    rows: list[dict[str, Any]]
    pull_list: list[PullItem]


@dataclass(frozen=True, slots=True)
class AuditPlan:
    """``plan``'s result: the targeted contests' sizes, the contests audited opportunistically, and
    the CVR contests that are not part of the audit (with the number of cards holding each)."""

    planned: list[PlannedContest]
    opportunistic: tuple[str, ...]
    ignored: tuple[tuple[str, int], ...]
    cvr_files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReadingsCheck:
    """Readings parsed and checked, not yet recorded: ``omitted`` lists, per card, the contests the
    card may hold that the reading leaves out (they will count as not on the card)."""

    records: list[CardRecord]
    omitted: dict[CardRef, tuple[str, ...]]


def plan_audit(
    folder: Path,
    *,
    manifest_csv: bytes,
    contests_json: bytes,
    settings: AuditSettings,
    cvr_files: Sequence[tuple[str, bytes]] = (),
    cvr_format: CvrFormat = CvrFormat.NAZAHA,
    manifest_source: str = "manifest.csv",
    contests_source: str = "contests.json",
) -> AuditPlan:
    """Check the inputs against each other, create the audit folder and estimate sample sizes.

    Error messages name the files as the user gave them (``manifest_source``, ``contests_source``
    and the names in ``cvr_files``)."""
    if (folder / "audit.json").exists():
        raise AuditStateError(f"{folder} already holds an audit; plan a new one in an empty folder")
    manifest_text = manifest_csv.decode("utf-8-sig")
    manifest = parse_manifest_csv(manifest_text, source=manifest_source)
    contests = parse_contests(contests_json, source=contests_source)
    full_manifest = manifest.with_max_cards(contests.max_cards, where=f"{contests_source}: max_cards")
    imported: CvrImport | None = None
    if settings.type is AuditType.COMPARISON:
        imported = import_cvrs(cvr_format, cvr_files, manifest=full_manifest, contests=contests)
    elif cvr_files:
        raise AuditInputError("cvrs", "a ballot-polling audit does not use cast-vote records")
    audit = Audit(manifest, contests, settings, None if imported is None else list(imported.records))
    planned = audit.plan()
    write_file_atomically(folder / "manifest.csv", manifest_text.encode("utf-8"))
    write_file_atomically(folder / "contests.json", _json_bytes(contests.to_json()))
    if imported is not None:
        write_file_atomically(folder / "cvrs.json", _json_bytes(records_to_json(imported.records)))
    inputs = {manifest_source: _sha256(manifest_csv), contests_source: _sha256(contests_json)}
    inputs |= {name: _sha256(data) for name, data in cvr_files}
    state: dict[str, Any] = {
        "format": AUDIT_FORMAT,
        "settings": _settings_to_json(settings),
        "inputs_sha256": inputs,
        "cvr_format": None if imported is None else cvr_format.value,
        "ignored_contests": [] if imported is None else [list(item) for item in imported.ignored],
        "seed": None,
        "rounds": [],
    }
    write_file_atomically(folder / "audit.json", _json_bytes(state))
    return AuditPlan(
        planned,
        tuple(contest.id for contest in contests.contests if not contest.targeted),
        () if imported is None else imported.ignored,
        tuple(name for name, _ in cvr_files),
    )


class AuditFolder:
    """An audit folder opened for the next step."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        path = folder / "audit.json"
        if not path.exists():
            raise AuditStateError(f"{folder} holds no audit; start one with 'nazaha audit plan'")
        try:
            self.state: dict[str, Any] = json.loads(path.read_bytes())
        except json.JSONDecodeError as error:
            raise RecordFormatError(str(path), f"not valid JSON: {error}") from None
        if self.state.get("format") != AUDIT_FORMAT:
            raise RecordFormatError(str(path), f"expected format {AUDIT_FORMAT!r}")
        self.settings = _settings_from_json(self.state["settings"], str(path))
        self.manifest = parse_manifest_csv(
            (folder / "manifest.csv").read_text("utf-8"), source=str(folder / "manifest.csv")
        )
        self.contests = parse_contests((folder / "contests.json").read_bytes(), source=str(folder / "contests.json"))
        full = self.manifest.with_max_cards(self.contests.max_cards)
        self.cvrs: list[CardRecord] | None = None
        if (folder / "cvrs.json").exists():
            self.cvrs = parse_card_records(
                (folder / "cvrs.json").read_bytes(),
                manifest=full,
                contests=self.contests,
                readings=False,
                source=str(folder / "cvrs.json"),
            )
        self.audit = Audit(self.manifest, self.contests, self.settings, self.cvrs)
        self.log = ReadingsLog()
        if (folder / "readings.json").exists():
            self.log = ReadingsLog.from_json(
                json.loads((folder / "readings.json").read_bytes()),
                manifest=self.audit.manifest,
                contests=self.contests,
                source=str(folder / "readings.json"),
            )

    @property
    def readings(self) -> dict[CardRef, CardRecord]:
        return self.log.current()

    @property
    def seed(self) -> str | None:
        seed = self.state.get("seed")
        return seed if isinstance(seed, str) else None

    @property
    def rounds(self) -> list[dict[str, Any]]:
        rounds = self.state.get("rounds", [])
        return rounds if isinstance(rounds, list) else []

    @property
    def prefix(self) -> int:
        return int(self.rounds[-1]["draws"]) if self.rounds else 0

    @property
    def hand_counts(self) -> set[str]:
        return {name for round_ in self.rounds for name in round_.get("hand_count", [])}

    @property
    def ignored_contests(self) -> list[tuple[str, int]]:
        return [(str(name), int(count)) for name, count in self.state.get("ignored_contests", [])]

    def _save_state(self) -> None:
        write_file_atomically(self.folder / "audit.json", _json_bytes(self.state))

    def status(self) -> list[ContestStatus]:
        if self.seed is None:
            raise AuditStateError("no sample drawn yet; run 'nazaha audit sample' with the public seed")
        return self.audit.status(self.seed, self.prefix, self.readings, self.hand_counts)

    # -- drawing a round ------------------------------------------------------------------------

    def _pull_items(
        self, seed: str, start: int, stop: int, hand_cards: Sequence[CardRef]
    ) -> tuple[list[dict[str, Any]], list[PullItem]]:
        audit = self.audit
        seen_before = {card for _, _, card in audit.sample(seed, 0, start)}
        readings = self.readings
        targeted_ids = {contest.id for contest in self.contests.targeted}
        rows: list[dict[str, Any]] = []
        draws_of: dict[CardRef, list[int]] = {}
        notes: dict[CardRef, str] = {}
        number = len(self.rounds) + 1

        def describe(card: CardRef, drawn_before: bool) -> str:
            if card.phantom:
                return "phantom: no card to pull, counts as the worst case"
            if drawn_before or card in readings:
                return "already read"
            if not audit.targeted_contests_on(card):
                return NO_TARGETED_CONTEST
            return ""

        for index, draw, card in audit.sample(seed, start, stop):
            note = describe(card, card in seen_before)
            rows.append(
                {
                    "round": number,
                    "draw": index + 1,
                    "tabulator": card.tabulator,
                    "batch": card.batch,
                    "position": card.position,
                    "container": audit.manifest.container_of(card),
                    "ticket": draw.ticket,
                    "generation": draw.generation,
                    "contests": "|".join(audit.contests_on(card)),
                    "note": note,
                }
            )
            draws_of.setdefault(card, []).append(index + 1)
            notes.setdefault(card, note)
            seen_before.add(card)
        for card in hand_cards:
            if card in draws_of:
                continue
            note = "already read" if card in readings else "full hand count"
            rows.append(
                {
                    "round": number,
                    "draw": "",
                    "tabulator": card.tabulator,
                    "batch": card.batch,
                    "position": card.position,
                    "container": audit.manifest.container_of(card),
                    "ticket": "",
                    "generation": "",
                    "contests": "|".join(audit.contests_on(card)),
                    "note": note,
                }
            )
            draws_of[card] = []
            notes[card] = note
        items = [
            PullItem(
                card,
                audit.manifest.container_of(card),
                tuple(draws),
                tuple(name for name in audit.contests_on(card) if name in targeted_ids),
                tuple(name for name in audit.contests_on(card) if name not in targeted_ids),
                notes[card],
            )
            for card, draws in draws_of.items()
        ]
        return rows, sort_pull_list(items)

    def draw_round(
        self, *, seed: str | None = None, size: int | None = None, probability: float | None = None
    ) -> RoundSample:
        """Draw the next round: the first from the public seed, later ones from the status.

        Round 1's targets are the expected sizes, or with ``probability`` (0.7, 0.8 or 0.9) the
        sizes that finish in one round with that probability, or ``size`` per contest. A contest
        whose next target reaches its population is hand counted instead: every card of it."""
        seed = self._round_seed(seed)
        if size is not None and size < 1:
            raise AuditInputError("size", "a round needs at least one card per contest")
        if size is not None and probability is not None:
            raise AuditInputError("size", "give a size or a probability of finishing in one round, not both")
        if not self.rounds:
            targets, hand_count = self._first_targets(size, probability)
        else:
            targets, hand_count = self._escalation_targets(seed, size, probability)
        start = self.prefix
        stop = max(start, self.audit.prefix_for(seed, targets)) if targets else start
        hand_cards = self.audit.hand_count_cards(hand_count)
        if stop <= start and not hand_count:
            raise AuditStateError("the targets ask for no new cards")
        number = len(self.rounds) + 1
        rows, items = self._pull_items(seed, start, stop, hand_cards)
        self.state["seed"] = seed
        round_state: dict[str, Any] = {"number": number, "targets": targets, "draws": stop, "hand_count": hand_count}
        self.state["rounds"] = [*self.rounds, round_state]
        self._write_round(number, rows, items)
        self._save_state()
        return RoundSample(number, targets, tuple(hand_count), start, stop, rows, items)

    def _round_seed(self, seed: str | None) -> str:
        """The public seed: the one given (checked, and the same as before once fixed) or the audit's."""
        if seed is not None:
            seed = check_seed(seed)
            if self.seed is not None and seed != self.seed:
                raise AuditStateError("the seed is already fixed for this audit; a later round uses the same one")
        seed = seed or self.seed
        if seed is None:
            raise AuditStateError(
                "the first round needs the public seed (--seed), rolled after the inputs are published"
            )
        return seed

    def _first_targets(self, size: int | None, probability: float | None) -> tuple[dict[str, int], list[str]]:
        """Round 1's targets and the contests hand counted instead (a target reaching the population)."""
        hand_count: list[str] = []
        targets: dict[str, int] = {}
        for plan in self.audit.plan():
            chosen = size or (plan.size_for(probability) if probability is not None else plan.estimate)
            if chosen >= plan.population:
                hand_count.append(plan.contest)
            else:
                targets[plan.contest] = chosen
        return targets, hand_count

    def _escalation_targets(
        self, seed: str, size: int | None, probability: float | None
    ) -> tuple[dict[str, int], list[str]]:
        """A later round's targets, from the status of the contests that must escalate."""
        if probability is not None:
            raise AuditInputError("probability", "the probability of finishing in one round applies to round 1")
        statuses = self.audit.status(seed, self.prefix, self.readings, self.hand_counts)
        waiting = [s for s in statuses if s.targeted and s.state is ContestState.AWAITING]
        if waiting:
            counts = ", ".join(f"{s.awaiting} card(s) for contest {s.contest!r}" for s in waiting)
            raise AuditStateError(f"round {len(self.rounds)} still awaits readings ({counts})")
        open_contests = [s for s in statuses if s.targeted and s.state is ContestState.ESCALATE]
        if not open_contests:
            raise AuditStateError("every targeted contest is confirmed or fully hand counted; the audit is complete")
        hand_count: list[str] = []
        targets: dict[str, int] = {}
        for s in open_contests:
            target = s.draws + size if size is not None else (s.next_target or s.population)
            if s.full_count_next or target >= s.population:
                hand_count.append(s.contest)
            else:
                targets[s.contest] = target
        return targets, hand_count

    def _write_round(self, number: int, rows: list[dict[str, Any]], items: list[PullItem]) -> None:
        """The round's files: its draws, its pull list and its printable pull sheet."""
        rounds = self.folder / "rounds"
        write_file_atomically(rounds / f"round-{number}.csv", _rows_to_csv(rows))
        write_file_atomically(rounds / f"pull-list-{number}.csv", pull_list_csv(items).encode("utf-8"))
        sheet = pull_sheet_html(
            items,
            title=f"Round {number}: cards to pull",
            contests=[contest.id for contest in self.contests.targeted],
        )
        write_file_atomically(rounds / f"pull-sheet-{number}.html", sheet.encode("utf-8"))

    # -- readings and corrections ---------------------------------------------------------------

    def check_readings(self, data: bytes, *, source: str, format: str = "auto") -> ReadingsCheck:
        """Parse readings and check them against the sample, without recording anything."""
        if self.seed is None:
            raise AuditStateError("no sample drawn yet; there is nothing to record")
        records = parse_card_records(
            data, manifest=self.audit.manifest, contests=self.contests, readings=True, source=source, format=format
        )
        allowed = {card for _, _, card in self.audit.sample(self.seed, 0, self.prefix)}
        allowed |= set(self.audit.hand_count_cards(self.hand_counts))
        for record in records:
            if record.card.phantom:
                raise AuditInputError(source, f"{record.card} is a phantom: there is no paper to read")
            if record.card not in allowed:
                raise AuditInputError(
                    source, f"{record.card} is not in the sample drawn so far; only sampled cards are read"
                )
        omitted = {record.card: self.audit.omitted_contests(record) for record in records}
        return ReadingsCheck(records, {card: names for card, names in omitted.items() if names})

    def _require_accepted(self, checked: ReadingsCheck, accept_omissions: bool, source: str) -> None:
        if checked.omitted and not accept_omissions:
            first, names = next(iter(checked.omitted.items()))
            raise AuditInputError(
                source,
                f"{len(checked.omitted)} reading(s) leave out contests the card may hold ({first}: "
                f"{', '.join(names)}); they would count as not on the card, which is the worst case where the CVR "
                "lists them: add them, or confirm that they are not on the card",
            )

    def _save_log(self, log: ReadingsLog) -> None:
        write_file_atomically(self.folder / "readings.json", _json_bytes(log.to_json()))
        self.log = log

    def record(
        self, data: bytes, *, source: str, format: str = "auto", board: str = "", accept_omissions: bool = False
    ) -> int:
        """Add the audit board's readings of sampled cards; returns how many are new."""
        checked = self.check_readings(data, source=source, format=format)
        self._require_accepted(checked, accept_omissions, source)
        log, added = self.log.add_readings(
            checked.records, round=len(self.rounds), recorded_by=board, omitted=checked.omitted, source=source
        )
        self._save_log(log)
        return added

    def correct(
        self,
        data: bytes,
        *,
        source: str,
        signed_off_by: str,
        reason: str,
        format: str = "auto",
        board: str = "",
        accept_omissions: bool = False,
    ) -> int:
        """Correct readings: new entries, signed off, that supersede the cards' current readings."""
        checked = self.check_readings(data, source=source, format=format)
        self._require_accepted(checked, accept_omissions, source)
        log = self.log.add_corrections(
            checked.records,
            round=len(self.rounds),
            recorded_by=board,
            signed_off_by=signed_off_by,
            reason=reason,
            omitted=checked.omitted,
            source=source,
        )
        self._save_log(log)
        return len(checked.records)

    # -- the report -----------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        """Every input, the sample, the readings log and the results, in one file that
        ``check_report`` re-runs."""
        statuses = self.status()
        report = {
            "format": REPORT_FORMAT,
            "settings": _settings_to_json(self.settings),
            "inputs_sha256": self.state.get("inputs_sha256", {}),
            "manifest": self.manifest.to_rows(),
            "contests": self.contests.to_json(),
            "cvrs": None if self.cvrs is None else records_to_json(self.cvrs)["cards"],
            "ignored_contests": [list(item) for item in self.ignored_contests],
            "seed": self.seed,
            "rounds": self.rounds,
            "readings_log": self.log.to_json()["entries"],
            "readings": records_to_json(self.readings.values())["cards"],
            "corrections": [
                {
                    "card": new.record.to_json(),
                    "entry": new.number,
                    "supersedes": old.number,
                    "before": old.record.to_json(),
                    "signed_off_by": new.signed_off_by,
                    "reason": new.reason,
                }
                for old, new in self.log.corrections()
            ],
            "sample": [
                {
                    "draw": index + 1,
                    "tabulator": card.tabulator,
                    "batch": card.batch,
                    "position": card.position,
                    "ticket": draw.ticket,
                }
                for index, draw, card in self.audit.sample(self.seed or "", 0, self.prefix)
            ],
            "results": [status_to_json(status) for status in statuses],
        }
        write_file_atomically(self.folder / "report.json", _json_bytes(report))
        return report


def status_to_json(status: ContestStatus) -> dict[str, Any]:
    return {
        "contest": status.contest,
        "targeted": status.targeted,
        "state": status.state.value,
        "population": status.population,
        "draws": status.draws,
        "awaiting": status.awaiting,
        "risk": _number(status.risk),
        "next_target": status.next_target,
        "full_count_next": status.full_count_next,
        "hand_count_winners": None if status.hand_count_winners is None else list(status.hand_count_winners),
        "tied": None if status.tied is None else list(status.tied),
        "outcome_changed": status.outcome_changed,
        "assertions": [
            {"assertion": a.name, "risk": _number(a.risk), "evidence": _number(a.evidence), "draws": a.draws}
            for a in status.assertions
        ],
    }


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")


_ROUND_COLUMNS = [
    "round",
    "draw",
    "tabulator",
    "batch",
    "position",
    "container",
    "ticket",
    "generation",
    "contests",
    "note",
]


def _rows_to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_ROUND_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _same(expected: object, found: object, where: str) -> None:
    if isinstance(expected, float) and isinstance(found, (int, float)):
        if math.isclose(expected, float(found), rel_tol=1e-9, abs_tol=1e-12):
            return
    elif expected == found:
        return
    raise VerificationFailed("audit", f"the report says {found!r}, re-running gives {expected!r}", subject=where)


def _manifest_from_rows(rows: list[dict[str, Any]], source: str) -> BallotManifest:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["batch", "cards", "container", "tabulator"])
    for row in rows:
        writer.writerow([row["batch"], row["cards"], row.get("container", ""), row.get("tabulator", "")])
    return parse_manifest_csv(out.getvalue(), source=source)


def check_report(data: bytes, *, source: str = "report.json") -> list[ContestStatus]:
    """Re-run an audit report from the inputs it carries; raise if any number differs."""
    try:
        report = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RecordFormatError(source, f"not valid JSON: {error}") from None
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        raise RecordFormatError(source, f"expected an audit report of format {REPORT_FORMAT!r}")
    settings = _settings_from_json(report["settings"], source)
    manifest = _manifest_from_rows(report["manifest"], f"{source}: manifest")
    contests: ContestsFile = parse_contests(report["contests"], source=f"{source}: contests")
    full = manifest.with_max_cards(contests.max_cards)
    cvrs = None
    if report.get("cvrs") is not None:
        cvrs = parse_card_records(
            json.dumps({"cards": report["cvrs"]}),
            manifest=full,
            contests=contests,
            readings=False,
            source=f"{source}: cvrs",
        )
    audit = Audit(manifest, contests, settings, cvrs)
    readings = {
        record.card: record
        for record in parse_card_records(
            json.dumps({"cards": report["readings"]}),
            manifest=audit.manifest,
            contests=contests,
            readings=True,
            source=f"{source}: readings",
        )
    }
    seed = check_seed(report["seed"])
    rounds = report["rounds"]
    prefix = int(rounds[-1]["draws"]) if rounds else 0
    previous = 0
    hand_counts: set[str] = set()
    for round_ in rounds:
        stop = audit.prefix_for(seed, round_["targets"]) if round_["targets"] else previous
        _same(max(stop, previous), round_["draws"], f"round {round_['number']}: sample length")
        if stop <= previous and not round_.get("hand_count"):
            raise VerificationFailed("audit", "a round drew no new cards", subject=f"round {round_['number']}")
        previous = max(stop, previous)
        hand_counts |= set(round_.get("hand_count", []))
    sample = audit.sample(seed, 0, prefix)
    _same(len(sample), len(report["sample"]), "sample length")
    for (index, draw, card), listed in zip(sample, report["sample"], strict=True):
        _same(
            [index + 1, card.tabulator, card.batch, card.position, draw.ticket],
            [listed["draw"], listed["tabulator"], listed["batch"], listed["position"], listed["ticket"]],
            f"draw {index + 1}",
        )
    statuses = audit.status(seed, prefix, readings, hand_counts)
    expected = [status_to_json(status) for status in statuses]
    _compare(expected, report["results"], "results")
    # the readings in force are the log's latest entries, and every correction is listed
    log = ReadingsLog.from_json(
        {"entries": report["readings_log"]},
        manifest=audit.manifest,
        contests=contests,
        source=f"{source}: readings_log",
    )
    _compare(records_to_json(log.current().values())["cards"], report["readings"], "readings (from the readings log)")
    corrections = [
        {
            "card": new.record.to_json(),
            "entry": new.number,
            "supersedes": old.number,
            "before": old.record.to_json(),
            "signed_off_by": new.signed_off_by,
            "reason": new.reason,
        }
        for old, new in log.corrections()
    ]
    _compare(corrections, report["corrections"], "corrections")
    return statuses


def _compare(expected: object, found: object, where: str) -> None:
    if isinstance(expected, dict) and isinstance(found, dict):
        if set(expected) != set(found):
            raise VerificationFailed("audit", "fields differ", subject=where)
        for key in expected:
            _compare(expected[key], found[key], f"{where}.{key}")
    elif isinstance(expected, list) and isinstance(found, list):
        if len(expected) != len(found):
            raise VerificationFailed("audit", f"{len(found)} entries, re-running gives {len(expected)}", subject=where)
        for index, (left, right) in enumerate(zip(expected, found, strict=True)):
            _compare(left, right, f"{where}[{index}]")
    else:
        _same(expected, found, where)
