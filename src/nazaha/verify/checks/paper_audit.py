"""Check A: the paper audit appended to the record (``audit/``, see ``nazaha.record.paper_audit``).

A.1  the audit log is an unbroken hash chain anchored on the sealed record's ``record.json``, and
     every audit file is the one the log lists (no file added, changed or missing);
A.2  the commitment lists exactly the record's cast ballots as cards (by device and paper id),
     with the decrypted tally as the reported results;
A.3  the commitment preceded the seed: it is the log's first entry, the seed its second, and the
     seed names the commitment's SHA-256;
A.4  each round's sample follows from the seed (the consistent sampler, re-run), and each later
     round's targets are the ones the measured risk called for;
A.5  each sampled ballot's audited contests are correctly decrypted (Verification 10's equations
     on that ballot's (α, β), spec §3.6.5, eqs. 90-93), the contests not audited keep their
     published contest hashes (§3.6.7), and no ballot outside the sample was decrypted;
A.6  every reading is of a card on its round's pull list, confirmed by two members, and each
     round's discrepancies are the ones the readings and decryptions give;
A.7  the risk re-computed from the readings and decryptions is the one each round reports.

The sampler and the risk measure are ``nazaha.rla``'s (pure math that produced nothing of the
election record); the cryptography is checked here on its own, from the record's files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nazaha.crypto.elgamal import Ciphertext
from nazaha.election.manifest import Contest
from nazaha.errors import AuditInputError, RecordFormatError
from nazaha.record.codec import Hex, decode_ballot
from nazaha.record.paper_audit import (
    AUDIT_DIR,
    COMMITMENT,
    LOG,
    SEED,
    cards_from_record,
    decode_audit_doc,
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
from nazaha.rla.manifest import CardRef
from nazaha.rla.settings import check_seed
from nazaha.verify import spec_hashes
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21

__all__ = ["check_paper_audit", "paper_audit_applies"]

_RISK_TOLERANCE = 1e-9


def paper_audit_applies(root: Path) -> bool:
    return (root / AUDIT_DIR / LOG).is_file()


def _log(root: Path, findings: Findings) -> dict[str, dict[str, Any]]:
    """A.1; the documents by file name, in log order (only those whose digest matches)."""
    folder = root / AUDIT_DIR
    entries = decode_audit_doc((folder / LOG).read_bytes(), f"{AUDIT_DIR}/{LOG}", "log")["entries"]
    previous = record_anchor(root)
    docs: dict[str, dict[str, Any]] = {}
    for position, entry in enumerate(entries):
        findings.count("A")
        name = str(entry.get("file", ""))
        subject = f"{AUDIT_DIR}/{name}"
        if entry.get("position") != position or entry.get("previous") != previous:
            findings.fail("A.1", subject, "the audit log's chain is broken here (an entry removed, added or moved)")
        if entry.get("hash") != entry_hash(entry):
            findings.fail("A.1", subject, "the audit log entry's hash is wrong")
        previous = str(entry.get("hash"))
        path = folder / name
        if ".." in name.split("/") or not path.is_file():
            findings.fail("A.1", subject, "listed in the audit log but missing")
            continue
        data = path.read_bytes()
        if file_digest(data) != entry.get("sha256"):
            findings.fail(
                "A.1", subject, "the file's SHA-256 differs from the one in the audit log: changed after entry"
            )
            continue
        try:
            docs[name] = decode_audit_doc(data, subject, str(entry.get("kind")))
        except RecordFormatError as error:
            findings.fail("A.1", subject, str(error))
            continue
        docs[name]["_recorded_at"] = entry.get("recorded_at")
    listed = {str(entry.get("file")) for entry in entries} | {LOG}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not path.name.startswith(".") and relative not in listed:
            findings.fail("A.1", f"{AUDIT_DIR}/{relative}", "the file is not in the audit log")
    return docs


def _plain(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key != "_recorded_at"}


def check_paper_audit(root: Path, record: Record21, findings: Findings) -> str:
    """Checks A.1-A.7 (see the module docstring); every failure is named, and checking goes on.
    Returns the audit in plain language, for the report's note."""
    docs = _log(root, findings)
    commitment = docs.get(COMMITMENT)
    seed_doc = docs.get(SEED)
    if commitment is None:
        findings.fail(
            "A.2", f"{AUDIT_DIR}/{COMMITMENT}", "the audit has no valid commitment; nothing else can be checked"
        )
        return ""
    _check_commitment(root, record, _plain(commitment), findings)
    if seed_doc is None:
        findings.fail("A.3", f"{AUDIT_DIR}/{SEED}", "the audit has no valid seed")
        return ""
    seed = _check_seed_doc(root, docs, commitment, seed_doc, findings)
    if seed is None:
        return ""
    decryptions = {name: doc for name, doc in docs.items() if doc.get("kind") == "decryption"}
    decrypted = _decrypted_choices(decryptions)
    try:
        audit, cards = committed_audit(_plain(commitment), decrypted)
    except (AuditInputError, KeyError, TypeError) as error:
        findings.fail("A.2", f"{AUDIT_DIR}/{COMMITMENT}", f"the commitment cannot be audited: {error}")
        return ""
    rounds = [doc for doc in docs.values() if doc.get("kind") == "round"]
    results = {int(doc["round"]): doc for doc in docs.values() if doc.get("kind") == "result"}
    context = _AuditContext(docs, audit, seed, cards, {card.card: card for card in cards.values()}, decrypted, results)
    state = _RoundState()
    for number, round_doc in enumerate(rounds, start=1):
        _check_round(context, number, round_doc, state, findings)
    _check_decryptions(record, decryptions, cards, state.sampled, state.measured, findings)
    return _summary(commitment, rounds, results, len(decryptions), len(cards))


def _check_seed_doc(
    root: Path,
    docs: dict[str, dict[str, Any]],
    commitment: dict[str, Any],
    seed_doc: dict[str, Any],
    findings: Findings,
) -> str | None:
    """A.3: the seed was entered right after the commitment it names; the seed, or None when invalid."""
    names = list(docs)
    commitment_sha = file_digest((root / AUDIT_DIR / COMMITMENT).read_bytes())
    if names[:2] != [COMMITMENT, SEED] or seed_doc.get("commitment") != commitment_sha:
        findings.fail("A.3", f"{AUDIT_DIR}/{SEED}", "the seed was not entered right after the commitment it names")
    if str(seed_doc.get("_recorded_at", "")) < str(commitment.get("_recorded_at", "")):
        findings.fail("A.3", f"{AUDIT_DIR}/{SEED}", "the seed is dated before the commitment")
    try:
        return check_seed(str(seed_doc.get("seed", "")))
    except AuditInputError as error:
        findings.fail("A.3", f"{AUDIT_DIR}/{SEED}", str(error))
        return None


def _decrypted_choices(decryptions: dict[str, dict[str, Any]]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Confirmation code -> contest label -> the options the published decryption shows marked."""
    return {
        str(doc["ballot"]): {
            str(c["label"]): tuple(str(o["label"]) for o in c["options"] if int(o["value"]) > 0)
            for c in doc["contests"]
        }
        for doc in decryptions.values()
    }


@dataclass(frozen=True, slots=True)
class _AuditContext:
    """What every round's check reads: the audit's documents, the committed audit and its seed."""

    docs: dict[str, dict[str, Any]]
    audit: Audit
    seed: str
    cards: dict[str, CommittedCard]
    by_card: dict[CardRef, CommittedCard]
    decrypted: dict[str, dict[str, tuple[str, ...]]]
    results: dict[int, dict[str, Any]]


@dataclass(slots=True)
class _RoundState:
    """What checking the rounds in order carries from one round to the next."""

    sampled: set[str] = field(default_factory=set)
    measured: set[str] = field(default_factory=set)
    """The sampled ballots of measured rounds: each must be decrypted."""
    readings: dict[str, PaperReading] = field(default_factory=dict)
    reading_round: dict[str, int] = field(default_factory=dict)
    prefix: int = 0
    targets: dict[str, int] = field(default_factory=dict)
    hand: list[str] = field(default_factory=list)
    expected_next: tuple[dict[str, int], list[str]] | None = None


def _check_round(
    context: _AuditContext, number: int, round_doc: dict[str, Any], state: _RoundState, findings: Findings
) -> None:
    """A.4 for round ``number``, A.6 for its readings and, when it was measured, A.6 and A.7 for its result."""
    subject = f"{AUDIT_DIR}/round-{number}.json"
    findings.count("A")
    targets = {str(k): int(v) for k, v in round_doc["targets"].items()}
    hand = [str(c) for c in round_doc["hand_counts"]]
    _check_round_targets(number, round_doc, targets, hand, state, subject, findings)
    codes = _check_round_sample(context, round_doc, targets, hand, state, subject, findings)
    for doc in context.docs.values():
        if doc.get("kind") == "readings" and int(doc.get("round", 0)) == number:
            _collect_readings(doc, number, codes, context.cards, state.readings, state.reading_round, findings)
    result = context.results.get(number)
    state.expected_next = None
    if result is None:
        return
    _check_round_result(context, number, result, codes, hand, state, findings)


def _check_round_targets(
    number: int,
    round_doc: dict[str, Any],
    targets: dict[str, int],
    hand: list[str],
    state: _RoundState,
    subject: str,
    findings: Findings,
) -> None:
    """A.4: the round is in order, and a later round's targets are those the measured risk called for."""
    if int(round_doc["round"]) != number:
        findings.fail("A.4", subject, "rounds are out of order")
    if number > 1:
        if state.expected_next is None:
            findings.fail("A.4", subject, "a round was drawn before the previous one was measured")
        else:
            escalating, full = state.expected_next
            if targets != {**state.targets, **escalating} or sorted(set(state.hand) | set(full)) != hand:
                findings.fail("A.4", subject, "the round's targets are not the ones the measured risk called for")


def _check_round_sample(
    context: _AuditContext,
    round_doc: dict[str, Any],
    targets: dict[str, int],
    hand: list[str],
    state: _RoundState,
    subject: str,
    findings: Findings,
) -> set[str]:
    """A.4: the round's draws follow from the seed and its hand counts are whole populations;
    returns the confirmation codes the round pulls, and moves ``state`` on to this round."""
    audit, by_card = context.audit, context.by_card
    prefix = audit.prefix_for(context.seed, targets)
    expected = [
        {"index": index, "ticket": draw.ticket, "ballot": by_card[card].ballot}
        for index, draw, card in audit.sample(context.seed, state.prefix, max(prefix, state.prefix))
    ]
    counted = [by_card[card].ballot for card in audit.hand_count_cards(hand)]
    if int(round_doc["prefix"]) != max(prefix, state.prefix) or round_doc["draws"] != expected:
        findings.fail("A.4", subject, "the sample does not follow from the seed: a card was swapped, added or left out")
    if round_doc["hand_counted"] != counted:
        findings.fail("A.4", subject, "the hand-counted cards are not the contests' whole populations")
    codes = {str(d["ballot"]) for d in expected} | set(counted)
    state.sampled |= codes
    state.prefix = max(prefix, state.prefix)
    state.targets, state.hand = targets, hand
    return codes


def _check_round_result(
    context: _AuditContext,
    number: int,
    result: dict[str, Any],
    codes: set[str],
    hand: list[str],
    state: _RoundState,
    findings: Findings,
) -> None:
    """A.6 and A.7 for a measured round: its discrepancies and risks, re-computed from the readings."""
    cards = context.cards
    state.measured |= codes
    current = {code: r for code, r in state.readings.items() if state.reading_round[code] <= number}
    try:
        records = {cards[code].card: reading_record(cards[code], r) for code, r in current.items()}
        statuses = context.audit.status(context.seed, state.prefix, records, hand)
        found = [d.to_json() for d in discrepancies(context.audit, cards, context.decrypted, current)]
    except AuditInputError as error:
        findings.fail("A.7", f"{AUDIT_DIR}/result-{number}.json", f"the risk cannot be re-computed: {error}")
        return
    if result["discrepancies"] != found:
        findings.fail(
            "A.6", f"{AUDIT_DIR}/result-{number}.json", "the discrepancies differ from those the readings give"
        )
    _compare_risks(number, statuses, result, findings)
    state.expected_next = next_targets(statuses)


def _summary(
    commitment: dict[str, Any], rounds: list[dict[str, Any]], results: dict[int, dict[str, Any]], opened: int, cast: int
) -> str:
    """The paper audit in a sentence or two: what a reader of the report wants to know."""
    text = (
        f"paper audit at a {float(commitment['risk_limit']):.0%} risk limit: {len(rounds)} round(s), "
        f"{opened} of {cast} cast ballots decrypted (audited contests only)"
    )
    if results:
        last = results[max(results)]
        states = "; ".join(f"{c['contest']} {c['state']} (risk {float(c['risk']):.4f})" for c in last["contests"])
        text += f", {len(last['discrepancies'])} discrepancy(ies) between paper and encryption; {states}"
    return text


def _collect_readings(
    doc: dict[str, Any],
    number: int,
    codes: set[str],
    cards: dict[str, Any],
    readings: dict[str, PaperReading],
    reading_round: dict[str, int],
    findings: Findings,
) -> None:
    subject = f"{AUDIT_DIR}/readings-{number} ({doc.get('board')})"
    members = [str(m).strip() for m in doc.get("members", [])]
    if len(members) != 2 or len(set(members)) != 2 or not all(members):
        findings.fail("A.6", subject, "an entry is not confirmed by two different audit-board members")
    for raw in doc["cards"]:
        findings.count("A")
        try:
            reading = PaperReading(
                str(raw["ballot"]),
                str(raw["outcome"]),
                {str(k): tuple(str(o) for o in v) for k, v in raw.get("marks", {}).items()},
            )
            if reading.ballot not in codes:
                raise AuditInputError("reading", f"ballot {reading.ballot[:16]}… is not on round {number}'s pull list")
            if reading.ballot in readings:
                raise AuditInputError("reading", f"ballot {reading.ballot[:16]}… is read twice")
            reading_record(cards[reading.ballot], reading)
        except (AuditInputError, KeyError, TypeError, AttributeError) as error:
            findings.fail("A.6", subject, str(error))
            continue
        readings[reading.ballot] = reading
        reading_round[reading.ballot] = number


def _compare_risks(number: int, statuses: list[ContestStatus], result: dict[str, Any], findings: Findings) -> None:
    subject = f"{AUDIT_DIR}/result-{number}.json"
    reported = {str(c["contest"]): c for c in result["contests"]}
    for status in statuses:
        findings.count("A")
        given = reported.get(status.contest)
        if given is None:
            findings.fail("A.7", subject, f"contest {status.contest!r} has no reported risk")
            continue
        risk = float(given["risk"])
        if not math.isfinite(risk) or risk < status.risk - _RISK_TOLERANCE:
            findings.fail(
                "A.7",
                f"{subject}: contest {status.contest!r}",
                f"the reported risk {risk:.6g} is below the re-computed {status.risk:.6g}",
            )
        elif abs(risk - status.risk) > _RISK_TOLERANCE or given["state"] != status.state.value:
            findings.fail(
                "A.7",
                f"{subject}: contest {status.contest!r}",
                f"reported {risk:.6g} ({given['state']}), re-computed {status.risk:.6g} ({status.state.value})",
            )


def _check_commitment(root: Path, record: Record21, commitment: dict[str, Any], findings: Findings) -> None:
    subject = f"{AUDIT_DIR}/{COMMITMENT}"
    findings.count("A")
    if commitment.get("record") != record_anchor(root):
        findings.fail("A.2", subject, "the commitment names another record.json than this record's")
    tally = {
        contest.label: {option.label: option.value for option in contest.options} for contest in record.tally.contests
    }
    audited = set()
    for contest in commitment.get("contests", []):
        audited.add(str(contest.get("id")))
        if tally.get(str(contest.get("id"))) != contest.get("reported"):
            findings.fail("A.2", subject, f"contest {contest.get('id')!r}: the reported results are not the tally's")
    try:
        expected = [card.to_json() for card in cards_from_record(root, record.group, record.manifest, audited)]
    except RecordFormatError as error:
        findings.fail("A.2", subject, f"the record's ballots cannot be read: {error}")
        return
    if commitment.get("cards") != expected:
        findings.fail(
            "A.2", subject, "the committed cards are not the record's cast ballots: the ballot list was changed"
        )


def _check_decryptions(
    record: Record21,
    decryptions: dict[str, dict[str, Any]],
    cards: dict[str, Any],
    sampled: set[str],
    measured: set[str],
    findings: Findings,
) -> None:
    seen = set()
    for name, doc in decryptions.items():
        code = str(doc["ballot"])
        subject = f"{AUDIT_DIR}/{name}"
        seen.add(code)
        if code not in sampled:
            findings.fail("A.5", subject, "a ballot outside the sample was decrypted")
        if code not in cards:
            continue
        _check_decryption(record, doc, code, set(cards[code].contests), subject, findings)
    for code in sorted(measured - seen):
        findings.fail("A.5", f"ballot {code[:16]}…", "sampled and measured, but its decryption is not in the audit")


def _check_decryption(
    record: Record21, doc: dict[str, Any], code: str, audited: set[str], subject: str, findings: Findings
) -> None:
    """A.5 for one sampled ballot's decryption: a quorum decrypted exactly its audited contests, correctly."""
    group = record.group
    manifest = record.manifest
    present = [int(j) for j in doc["guardians_present"]]
    if len(set(present)) < record.parameters.quorum or any(not 1 <= j <= record.parameters.guardians for j in present):
        findings.fail("A.5", subject, f"guardians present {present} are not a quorum of distinct guardians")
    ballot_name = f"ballots/{code}.json"
    try:
        ballot = decode_ballot(record.reader.read(ballot_name), group, ballot_name).ballot
    except RecordFormatError as error:
        findings.fail("A.5", subject, f"its ballot cannot be read: {error}")
        return
    on_ballot = {c.contest_index: c for c in ballot.contests}
    shown = {int(c["contest"]) for c in doc["contests"]}
    hidden = {int(c["contest"]) for c in doc["undisclosed"]}
    expected_shown = {i for i in on_ballot if manifest.contest(i).label in audited}
    if shown != expected_shown or hidden != set(on_ballot) - expected_shown:
        findings.fail("A.5", subject, "it does not decrypt exactly the audited contests of the ballot")
    for contest in doc["undisclosed"]:
        index = int(contest["contest"])
        if index in on_ballot and contest["contest_hash"] != on_ballot[index].contest_hash.hex().upper():
            findings.fail("A.5", subject, f"contest {index}: the undisclosed contest's hash is not the ballot's")
    hx = Hex(group, subject)
    for contest in doc["contests"]:
        index = int(contest["contest"])
        if index not in on_ballot:
            continue
        selections = {s.option_index: s.ciphertext for s in on_ballot[index].selections}
        info = manifest.contest(index)
        if contest["label"] != info.label or {int(o["option"]) for o in contest["options"]} != set(selections):
            findings.fail("A.5", subject, f"contest {index}: the options are not the ballot's")
            continue
        for option in contest["options"]:
            findings.count("A")
            where = f"{subject}: contest {info.label!r}, option {option['label']!r}"
            _check_decrypted_option(record, hx, index, info, selections, option, where, findings)


def _check_decrypted_option(
    record: Record21,
    hx: Hex,
    index: int,
    info: Contest,
    selections: dict[int, Ciphertext],
    option: dict[str, Any],
    where: str,
    findings: Findings,
) -> None:
    """A.5 for one decrypted option: its value and T, and the decryption proof (spec §3.6.5, eqs. 90-93)."""
    group = record.group
    vote_key = record.hashes.vote_key
    try:
        oi = int(option["option"])
        value = int(option["value"])
        power = hx.p(option["value_power"], "value_power")
        challenge = hx.q(option["challenge"], "challenge")
        response = hx.q(option["response"], "response")
    except (RecordFormatError, KeyError, TypeError, ValueError) as error:
        findings.fail("A.5", where, str(error))
        return
    ciphertext = selections[oi]
    limit = info.option_limit(info.options[oi - 1])
    if option["label"] != info.options[oi - 1].label or not 0 <= value <= limit or power == 0:
        findings.fail("A.5", where, "the option, its value or T is not valid")
        return
    m = group.div(ciphertext.data, power)
    a = group.mul(group.g_pow(response), group.pow(vote_key, challenge))
    b = group.pow_pair(ciphertext.pad, response, m, challenge)
    expected = spec_hashes.decryption_challenge(
        group, record.hashes.extended_hash, index, oi, ciphertext.pad, ciphertext.data, a, b, m
    )
    if expected != challenge:
        findings.fail("A.5", where, "the decryption proof does not verify (M = B/T is not A^s)")
    if group.pow(vote_key, value) != power:
        findings.fail("A.5", where, f"T is not K^t for the published value t = {value}")
