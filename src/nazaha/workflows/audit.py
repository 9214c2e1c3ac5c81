"""A risk-limiting audit run step by step, kept in an audit folder.

Layout::

    audit.json               format, settings, seed and rounds (targets and sample length)
    manifest.csv             the ballot manifest, as given
    contests.json            contests and reported results, normalized
    cvrs.json                cast-vote records (comparison audits), normalized
    rounds/round-<n>.csv     the cards the audit board pulls in round n, in draw order
    readings.json            every reading the audit board has recorded
    report.json              after ``report``: inputs, sample and results in one file

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
from nazaha.rla.cards import CardRecord, parse_card_records, records_to_json
from nazaha.rla.contests import parse_contests
from nazaha.rla.manifest import BallotManifest, CardRef, parse_manifest_csv
from nazaha.rla.risk import AlphaSettings
from nazaha.rla.sample_size import ErrorRates

__all__ = [
    "AUDIT_FORMAT",
    "REPORT_FORMAT",
    "AuditFolder",
    "RoundSample",
    "check_report",
    "plan_audit",
    "status_to_json",
]

AUDIT_FORMAT = "nazaha-audit/1"
REPORT_FORMAT = "nazaha-audit-report/1"


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
    start: int
    stop: int
    rows: list[dict[str, Any]]


def plan_audit(
    folder: Path,
    *,
    manifest_csv: bytes,
    contests_json: bytes,
    settings: AuditSettings,
    cvrs: Sequence[CardRecord] | bytes | None = None,
    cvr_source: str = "cvrs",
) -> list[PlannedContest]:
    """Check the inputs against each other, create the audit folder and estimate sample sizes."""
    if (folder / "audit.json").exists():
        raise AuditStateError(f"{folder} already holds an audit; plan a new one in an empty folder")
    manifest_text = manifest_csv.decode("utf-8-sig")
    manifest = parse_manifest_csv(manifest_text)
    contests = parse_contests(contests_json)
    full_manifest = manifest.with_max_cards(contests.max_cards)
    records: Sequence[CardRecord] | None
    if isinstance(cvrs, bytes):
        records = parse_card_records(cvrs, manifest=full_manifest, contests=contests, readings=False, source=cvr_source)
    else:
        records = cvrs
    audit = Audit(manifest, contests, settings, records)
    planned = audit.plan()
    write_file_atomically(folder / "manifest.csv", manifest_text.encode("utf-8"))
    write_file_atomically(folder / "contests.json", _json_bytes(contests.to_json()))
    if records is not None:
        write_file_atomically(folder / "cvrs.json", _json_bytes(records_to_json(records)))
    inputs = {"manifest.csv": _sha256(manifest_csv), "contests.json": _sha256(contests_json)}
    if isinstance(cvrs, bytes):
        inputs[cvr_source] = _sha256(cvrs)
    state: dict[str, Any] = {
        "format": AUDIT_FORMAT,
        "settings": _settings_to_json(settings),
        "inputs_sha256": inputs,
        "seed": None,
        "rounds": [],
    }
    write_file_atomically(folder / "audit.json", _json_bytes(state))
    return planned


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
        self.readings: dict[CardRef, CardRecord] = {}
        if (folder / "readings.json").exists():
            for record in parse_card_records(
                (folder / "readings.json").read_bytes(),
                manifest=self.audit.manifest,
                contests=self.contests,
                readings=True,
                source=str(folder / "readings.json"),
            ):
                self.readings[record.card] = record

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

    def _save_state(self) -> None:
        write_file_atomically(self.folder / "audit.json", _json_bytes(self.state))

    def status(self) -> list[ContestStatus]:
        if self.seed is None:
            raise AuditStateError("no sample drawn yet; run 'nazaha audit sample' with the public seed")
        return self.audit.status(self.seed, self.prefix, self.readings)

    def _sample_rows(self, seed: str, start: int, stop: int, number: int) -> list[dict[str, Any]]:
        rows = []
        seen_before = {card for _, _, card in self.audit.sample(seed, 0, start)}
        for index, draw, card in self.audit.sample(seed, start, stop):
            container = "" if card.phantom else self.audit.manifest.batch(card.batch).container
            rows.append(
                {
                    "round": number,
                    "draw": index + 1,
                    "batch": card.batch,
                    "position": card.position,
                    "container": container,
                    "ticket": draw.ticket,
                    "generation": draw.generation,
                    "contests": "|".join(self.audit.contests_on(card)),
                    "note": "phantom: no card to pull, counts as the worst case"
                    if card.phantom
                    else ("already read" if card in seen_before or card in self.readings else ""),
                }
            )
            seen_before.add(card)
        return rows

    def draw_round(self, *, seed: str | None = None, size: int | None = None) -> RoundSample:
        """Draw the next round: the first from the public seed, later ones from the status."""
        if seed is not None:
            seed = check_seed(seed)
            if self.seed is not None and seed != self.seed:
                raise AuditStateError("the seed is already fixed for this audit; a later round uses the same one")
        seed = seed or self.seed
        if seed is None:
            raise AuditStateError(
                "the first round needs the public seed (--seed), rolled after the inputs are published"
            )
        if size is not None and size < 1:
            raise AuditInputError("size", "a round needs at least one card per contest")
        if not self.rounds:
            targets = {plan.contest: size or plan.estimate for plan in self.audit.plan()}
        else:
            statuses = self.audit.status(seed, self.prefix, self.readings)
            waiting = [s for s in statuses if s.state is ContestState.AWAITING]
            if waiting:
                count = max(s.awaiting for s in waiting)
                raise AuditStateError(
                    f"round {len(self.rounds)} still awaits readings "
                    f"({count} card(s) for contest {waiting[0].contest!r})"
                )
            open_contests = [s for s in statuses if s.state is ContestState.ESCALATE]
            if not open_contests:
                raise AuditStateError("every contest is confirmed or fully hand counted; the audit is complete")
            targets = {
                s.contest: (s.draws + size if size is not None else (s.next_target or s.population))
                for s in open_contests
            }
        start = self.prefix
        stop = self.audit.prefix_for(seed, targets)
        if stop <= start:
            raise AuditStateError("the targets ask for no new cards")
        number = len(self.rounds) + 1
        rows = self._sample_rows(seed, start, stop, number)
        self.state["seed"] = seed
        self.state["rounds"] = [*self.rounds, {"number": number, "targets": targets, "draws": stop}]
        write_file_atomically(self.folder / "rounds" / f"round-{number}.csv", _rows_to_csv(rows))
        self._save_state()
        return RoundSample(number, targets, start, stop, rows)

    def record(self, data: bytes, *, source: str, format: str = "auto") -> int:
        """Add the audit board's readings; every card must be in the sample drawn so far."""
        if self.seed is None:
            raise AuditStateError("no sample drawn yet; there is nothing to record")
        records = parse_card_records(
            data, manifest=self.audit.manifest, contests=self.contests, readings=True, source=source, format=format
        )
        drawn = {card for _, _, card in self.audit.sample(self.seed, 0, self.prefix)}
        merged = dict(self.readings)
        added = 0
        for record in records:
            if record.card.phantom:
                raise AuditInputError(source, f"{record.card} is a phantom: there is no paper to read")
            if record.card not in drawn:
                raise AuditInputError(
                    source, f"{record.card} is not in the sample drawn so far; only sampled cards are read"
                )
            previous = merged.get(record.card)
            if previous is not None and previous != record:
                raise AuditInputError(
                    source, f"{record.card} was already recorded with different marks; readings are never changed"
                )
            if previous is None:
                added += 1
            merged[record.card] = record
        write_file_atomically(self.folder / "readings.json", _json_bytes(records_to_json(merged.values())))
        self.readings = merged
        return added

    def report(self) -> dict[str, Any]:
        """Every input, the sample and the results, in one file that ``check_report`` re-runs."""
        statuses = self.status()
        report = {
            "format": REPORT_FORMAT,
            "settings": _settings_to_json(self.settings),
            "manifest": self.manifest.to_rows(),
            "contests": self.contests.to_json(),
            "cvrs": None if self.cvrs is None else records_to_json(self.cvrs)["cards"],
            "seed": self.seed,
            "rounds": self.rounds,
            "readings": records_to_json(self.readings.values())["cards"],
            "sample": [
                {"draw": index + 1, "batch": card.batch, "position": card.position, "ticket": draw.ticket}
                for index, draw, card in self.audit.sample(self.seed or "", 0, self.prefix)
            ],
            "results": [status_to_json(status) for status in statuses],
        }
        data = _json_bytes(report)
        write_file_atomically(self.folder / "report.json", data)
        return report


def status_to_json(status: ContestStatus) -> dict[str, Any]:
    return {
        "contest": status.contest,
        "state": status.state.value,
        "population": status.population,
        "draws": status.draws,
        "awaiting": status.awaiting,
        "risk": _number(status.risk),
        "next_target": status.next_target,
        "hand_count_winners": None if status.hand_count_winners is None else list(status.hand_count_winners),
        "assertions": [
            {"assertion": a.name, "risk": _number(a.risk), "evidence": _number(a.evidence), "draws": a.draws}
            for a in status.assertions
        ],
    }


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")


def _rows_to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=["round", "draw", "batch", "position", "container", "ticket", "generation", "contests", "note"],
        lineterminator="\n",
    )
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


def check_report(data: bytes, *, source: str = "report.json") -> list[ContestStatus]:
    """Re-run an audit report from the inputs it carries; raise if any number differs."""
    try:
        report = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RecordFormatError(source, f"not valid JSON: {error}") from None
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        raise RecordFormatError(source, f"expected an audit report of format {REPORT_FORMAT!r}")
    settings = _settings_from_json(report["settings"], source)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["batch", "cards", "container"])
    for row in report["manifest"]:
        writer.writerow([row["batch"], row["cards"], row.get("container", "")])
    manifest: BallotManifest = parse_manifest_csv(rows.getvalue(), source=f"{source}: manifest")
    contests = parse_contests(report["contests"], source=f"{source}: contests")
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
    for round_ in rounds:
        stop = audit.prefix_for(seed, round_["targets"])
        _same(stop, round_["draws"], f"round {round_['number']}: sample length")
        if stop <= previous:
            raise VerificationFailed("audit", "a round drew no new cards", subject=f"round {round_['number']}")
        previous = stop
    sample = audit.sample(seed, 0, prefix)
    _same(len(sample), len(report["sample"]), "sample length")
    for (index, draw, card), listed in zip(sample, report["sample"], strict=True):
        _same(
            [index + 1, card.batch, card.position, draw.ticket],
            [listed["draw"], listed["batch"], listed["position"], listed["ticket"]],
            f"draw {index + 1}",
        )
    statuses = audit.status(seed, prefix, readings)
    expected = [status_to_json(status) for status in statuses]
    _compare(expected, report["results"], "results")
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
