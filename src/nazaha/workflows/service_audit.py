"""The paper audit run by the ballot box: its files in the store, the guardians decrypting the
sampled ballots through the service.

The ballot box keeps the audit of a published election in its store (SQLite or PostgreSQL),
beside the election, as write-once artifacts: each audit file under ``audit/<name>`` and each
log entry under ``paper-audit-log/<position>``. Two officials acting at once cannot both append
at the same position: the store refuses the second write and nothing of it is kept. The record
it exports carries them as ``audit/`` beside the sealed record, exactly as ``nazaha audit paper``
writes them in a record folder, so ``nazaha verify`` checks both the same way (check A).

The sampled ballots are decrypted by the guardians on their own machines (``nazaha guardian
decrypt --paper-audit``), in *audit decryption rounds*: the administrator names the guardians
present, the round lists the sampled ballots not yet decrypted (at most ``ROUND_BALLOTS``), and
each guardian posts the tally's three signed messages (commit, reveal, respond: spec §3.6.5,
eqs. 84-93) for every ballot of the round, one sub-message per ballot. Each message is checked
before it is stored, as the tally's are; once every guardian has responded, each ballot's
decryption with its joint proofs is appended to the audit (``audit/decrypted/<code>.json``).
Guardians sign with step names of their own (``paper-audit-commit`` ...), so no audit message
can be replayed as a tally message or the other way round.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from nazaha.election.ballot import EncryptedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.tally import PartialDecryption
from nazaha.errors import (
    AuditStateError,
    ConflictError,
    InputError,
    NotFoundError,
    RecordFormatError,
)
from nazaha.record.codec import decode_ballot
from nazaha.record.decryption import (
    CommitMessage,
    decode_commit,
    decode_respond,
    decode_reveal,
    signed_bytes,
    verify_signature,
)
from nazaha.record.paper_audit import (
    AUDIT_DIR,
    COMMITMENT,
    LOG,
    SEED,
    decode_audit_doc,
    encode_audit_doc,
    entry_hash,
    file_digest,
)
from nazaha.rla.committed import committed_audit
from nazaha.storage.ports import ElectionStore
from nazaha.tallying.decrypt import check_commitment, check_response, check_reveal, combine_tally
from nazaha.voting.ballot_box import ElectionState
from nazaha.voting.confirmation import confirmation_code, contest_hash
from nazaha.workflows.decryption import present_guardians
from nazaha.workflows.paper_audit import PaperAudit, audited_tally, encode_log, log_entries

__all__ = [
    "AUDIT_STEPS",
    "ROUND_BALLOTS",
    "AuditDecryption",
    "AuditDecryptionStatus",
    "StoreAuditFiles",
    "audit_samples",
    "ballot_of",
    "commit_message",
    "decode_audit_message",
    "encode_audit_message",
]

AUDIT_PREFIX = f"{AUDIT_DIR}/"
LOG_PREFIX = "paper-audit-log/"
ROUNDS_PREFIX = "paper-audit-decryption/"
AUDIT_STEPS = ("commit", "reveal", "respond")
ROUND_BALLOTS = 32
"""Ballots per audit decryption round: a guardian's message for 32 ballots stays well under the
service's 2 MiB body limit; more sampled ballots take more rounds."""
MESSAGE_FORMAT = "nazaha-paper-audit-decryption/1"
_APPEND_ATTEMPTS = 5
ROUND_FORMAT = "nazaha-paper-audit-round/1"


class StoreAuditFiles:
    """A paper audit's files in a ballot box's store (``PaperAudit(files=...)``)."""

    def __init__(self, store: ElectionStore, election_id: str) -> None:
        self._store = store
        self._election = election_id

    def read(self, name: str) -> bytes | None:
        if name == LOG:
            stored = self._store.artifacts(self._election, LOG_PREFIX)
            if not stored:
                return None
            return encode_log([json.loads(stored[key]) for key in sorted(stored)])
        return self._store.artifact(self._election, AUDIT_PREFIX + name)

    def append(
        self, name: str, data: bytes, entry_after: Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]
    ) -> None:
        entries = log_entries(self.read(LOG))
        entry = entry_after(entries)
        position = len(entries)
        try:
            with self._store.transaction(self._election) as tx:
                if tx.election.state is not ElectionState.PUBLISHED:
                    raise AuditStateError("audit", "a paper audit starts once the results are published")
                tx.put_artifact(AUDIT_PREFIX + name, data)
                tx.put_artifact(f"{LOG_PREFIX}{position:06d}", encode_audit_doc(entry))
        except ConflictError:
            raise AuditStateError(
                "audit", f"{AUDIT_DIR}/{name}: another entry was recorded at the same time; try again"
            ) from None

    def files(self) -> dict[str, bytes]:
        """Every file of the audit as the record carries it under ``audit/``, the log included."""
        stored = self._store.artifacts(self._election, AUDIT_PREFIX)
        found = {name[len(AUDIT_PREFIX) :]: data for name, data in stored.items()}
        log = self.read(LOG)
        if log is not None:
            found[LOG] = log
        return found


# -- the guardians' messages -----------------------------------------------------------------------


class _MessageDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    guardian: int
    ballots: dict[str, msgspec.Raw]


def encode_audit_message(guardian: int, per_ballot: Mapping[str, bytes]) -> bytes:
    """One guardian's message of an audit round: the tally's message for each ballot, by code."""
    ballots = {code: msgspec.Raw(per_ballot[code]) for code in sorted(per_ballot)}
    return msgspec.json.encode(_MessageDoc(MESSAGE_FORMAT, guardian, ballots))


def decode_audit_message(data: bytes, where: str) -> tuple[int, dict[str, bytes]]:
    try:
        doc = msgspec.json.decode(data, type=_MessageDoc, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise RecordFormatError(where, str(error)) from None
    if doc.format != MESSAGE_FORMAT:
        raise RecordFormatError(f"{where}: format", f"expected {MESSAGE_FORMAT!r}")
    return doc.guardian, {code: bytes(raw) for code, raw in doc.ballots.items()}


class _RoundDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    round: int
    present: list[int]
    ballots: list[str]
    started_at: str


@dataclass(slots=True)
class AuditDecryptionStatus:
    """The current audit decryption round: who was named, the ballots, who posted what."""

    round: int
    present: list[int]
    ballots: list[str]
    committed: list[int]
    revealed: list[int]
    responded: list[int]
    finished: bool
    messages: dict[str, bytes] = field(repr=False)


def _round_name(number: int) -> str:
    return f"{ROUNDS_PREFIX}round-{number}.json"


def _message_name(number: int, step: str, guardian: int) -> str:
    return f"{ROUNDS_PREFIX}round-{number}/{step}/{guardian}"


class AuditDecryption:
    """The audit decryption rounds of one election's paper audit, in the ballot box's store."""

    def __init__(
        self,
        store: ElectionStore,
        election_id: str,
        context: ElectionContext,
        audit: PaperAudit,
        clock: Callable[[], str],
    ) -> None:
        self._store = store
        self._election = election_id
        self._context = context
        self._audit = audit
        self._clock = clock
        self._ballots: dict[str, tuple[EncryptedBallot, tuple[str, ...]]] = {}

    # -- rounds -------------------------------------------------------------------------------------

    def _round(self, number: int) -> _RoundDoc | None:
        data = self._store.artifact(self._election, _round_name(number))
        if data is None:
            return None
        return msgspec.json.decode(data, type=_RoundDoc)

    def current(self) -> _RoundDoc | None:
        number, found = 1, None
        while (doc := self._round(number)) is not None:
            found, number = doc, number + 1
        return found

    def start(self, present: Sequence[int]) -> AuditDecryptionStatus:
        """A new round for the sampled ballots not decrypted yet, with the guardians ``present``;
        a round still in progress is abandoned (its guardians may have left)."""
        ordered = present_guardians(self._context, present)
        current = self.current()
        if current is not None:
            self._finish_if_ready(current)  # a round whose last append did not go through ends now
        pending = list(self._audit.to_decrypt(self._context))[:ROUND_BALLOTS]
        if not pending:
            raise AuditStateError("audit", "every sampled ballot is decrypted: nothing for the guardians to do")
        number = 1 if current is None else current.round + 1
        doc = _RoundDoc(ROUND_FORMAT, number, ordered, pending, self._clock())
        try:
            with self._store.transaction(self._election) as tx:
                if tx.election.state is not ElectionState.PUBLISHED:
                    raise AuditStateError("audit", "a paper audit starts once the results are published")
                tx.put_artifact(_round_name(number), msgspec.json.encode(doc))
        except ConflictError:
            raise AuditStateError("audit", "another decryption round was started at the same time") from None
        return self.status()

    def status(self) -> AuditDecryptionStatus:
        current = self.current()
        if current is None:
            return AuditDecryptionStatus(0, [], [], [], [], [], False, {})
        prefix = f"{ROUNDS_PREFIX}round-{current.round}/"
        messages = self._store.artifacts(self._election, prefix)

        def posted(step: str) -> list[int]:
            start = f"{prefix}{step}/"
            return sorted(int(n[len(start) :]) for n in messages if n.startswith(start) and n[len(start) :].isdigit())

        done = set(self._audit.decrypted())
        return AuditDecryptionStatus(
            current.round,
            current.present,
            current.ballots,
            posted("commit"),
            posted("reveal"),
            posted("respond"),
            all(code in done for code in current.ballots),
            {name[len(ROUNDS_PREFIX) :]: data for name, data in messages.items()},
        )

    def ballot_documents(self) -> dict[str, bytes]:
        """The encrypted ballots of the current round as the store holds them, by code."""
        current = self.current()
        if current is None:
            return {}
        found = {}
        for code in current.ballots:
            row = self._store.ballot(self._election, code)
            if row is None:
                raise NotFoundError(f"sampled ballot {code} is missing from the store")
            found[code] = row.data
        return found

    # -- one message --------------------------------------------------------------------------------

    def _targets(self, codes: Sequence[str]) -> dict[str, tuple[EncryptedBallot, tuple[str, ...]]]:
        if not self._ballots:
            self._ballots = self._audit.to_decrypt(self._context)
        missing = [code for code in codes if code not in self._ballots]
        if missing:
            self._ballots = self._audit.to_decrypt(self._context)
        return {code: self._ballots[code] for code in codes if code in self._ballots}

    def post(self, step: str, guardian: int, data: bytes, signature: bytes) -> bool:
        """Check and store one guardian's message of the current round; True once the round's
        ballots are decrypted (this message, or an earlier one, completed it)."""
        if step not in AUDIT_STEPS:
            raise NotFoundError(f"unknown step {step[:40]!r} (commit, reveal or respond)")
        current = self.current()
        if current is None:
            raise ConflictError("no audit decryption round has been started")
        status = self.status()
        if status.finished:
            return True
        number, present = current.round, current.present
        who = f"guardian {guardian}"
        if guardian not in present:
            raise ConflictError(f"{who} is not among the guardians of audit decryption round {number} {present}")
        context = self._context
        verify_signature(
            context.guardian(guardian).signing_key,
            signature,
            signed_bytes(context.extended_hash, number, f"paper-audit-{step}", guardian, data),
            who,
        )
        name = _message_name(number, step, guardian)
        stored = self._store.artifact(self._election, name)
        if stored is not None:
            if stored != data:
                raise ConflictError(f"{who}'s {step} message of audit round {number} was already stored (another one)")
            return self._finish_if_ready(current)
        position = AUDIT_STEPS.index(step)
        if position:
            before = AUDIT_STEPS[position - 1]
            posted = {"commit": status.committed, "reveal": status.revealed}[before]
            missing = sorted(set(present) - set(posted))
            if missing:
                raise ConflictError(f"waiting for guardian(s) {missing} to {before}")
        self._check(current, step, guardian, data)
        try:
            with self._store.transaction(self._election) as tx:
                tx.put_artifact(name, data)
                tx.put_artifact(f"{name}.sig", signature.hex().upper().encode("ascii"))
        except ConflictError:
            # The same guardian posted twice at once: the first one stored stands, and a second,
            # different one is refused as any later one would be.
            if self._store.artifact(self._election, name) != data:
                raise ConflictError(f"{who}'s {step} message of audit round {number} was already stored") from None
        return self._finish_if_ready(current)

    def _messages(self, number: int, step: str, present: Sequence[int]) -> dict[int, dict[str, bytes]]:
        found = {}
        for index in present:
            data = self._store.artifact(self._election, _message_name(number, step, index))
            if data is not None:
                found[index] = decode_audit_message(data, f"guardian {index}'s {step}")[1]
        return found

    def _check(self, current: _RoundDoc, step: str, guardian: int, data: bytes) -> None:
        context = self._context
        group = context.group
        who = f"guardian {guardian}'s {step}"
        index, per_ballot = decode_audit_message(data, who)
        if index != guardian:
            raise InputError(f"{who} names another guardian ({index})")
        if sorted(per_ballot) != sorted(current.ballots):
            raise InputError(f"{who} must hold one message for each ballot of the round, and no other")
        targets = self._targets(current.ballots)
        present = current.present
        for code in current.ballots:
            if code not in targets:
                raise ConflictError(
                    f"ballot {code[:16]}… of audit round {current.round} is decrypted already: start another round"
                )
            ballot, audited = targets[code]
            tally = audited_tally(context, ballot, audited)
            where = f"{who} for ballot {code[:16]}…"
            if step == "commit":
                commit = decode_commit(per_ballot[code], group, where)
                if commit.guardian != guardian or list(commit.present) != present:
                    raise InputError(f"{where} names another guardian or another set of guardians")
                if commit.nonce_shares or commit.data_shares:
                    raise InputError(f"{where}: an audit decryption holds no nonce or contest data shares")
                check_commitment(context, tally, guardian, commit.partials)
                continue
            commits = self._messages(current.round, "commit", present)
            partials = [p for i in present for p in decode_commit(commits[i][code], group).partials]
            if step == "reveal":
                revealed_by, commitments = decode_reveal(per_ballot[code], group, where)
                if revealed_by != guardian:
                    raise InputError(f"{where} names another guardian")
                check_reveal(context, tally, present, partials, guardian, commitments)
            else:
                reveals = self._messages(current.round, "reveal", present)
                commitments = [c for i in present for c in decode_reveal(reveals[i][code], group)[1]]
                responded_by, responses = decode_respond(per_ballot[code], group, where)
                if responded_by != guardian:
                    raise InputError(f"{where} names another guardian")
                check_response(context, tally, present, partials, commitments, guardian, responses)

    # -- the decryptions ------------------------------------------------------------------------------

    def _finish_if_ready(self, current: _RoundDoc) -> bool:
        """Once every guardian of the round has responded, combine each ballot's decryption and
        append it to the audit; ballots already appended (a repeat, a crash between) are skipped."""
        present = current.present
        responded = self._messages(current.round, "respond", present)
        if sorted(responded) != present:
            return False
        context = self._context
        group = context.group
        commits = self._messages(current.round, "commit", present)
        reveals = self._messages(current.round, "reveal", present)
        done = set(self._audit.decrypted())
        targets = self._targets([code for code in current.ballots if code not in done])
        for code, (ballot, audited) in targets.items():
            tally = audited_tally(context, ballot, audited)
            partials = [p for i in present for p in decode_commit(commits[i][code], group).partials]
            commitments = [c for i in present for c in decode_reveal(reveals[i][code], group)[1]]
            responses = {i: decode_respond(responded[i][code], group)[1] for i in present}
            result = combine_tally(context, tally, present, partials, commitments, responses)
            for attempt in range(_APPEND_ATTEMPTS):
                try:
                    self._audit.record_decryption(context, ballot, audited, result)
                    break
                except AuditStateError:
                    # Another append took the log's next place at the same moment (an official's
                    # draw, a board's reading): try again; or it was this very decryption.
                    if code in self._audit.decrypted():
                        break
                    if attempt == _APPEND_ATTEMPTS - 1:
                        raise
        self._ballots = {}
        return True


def audit_samples(read: Callable[[str], bytes]) -> tuple[set[str], dict[str, tuple[str, ...]]]:
    """What a guardian agrees to decrypt, from the audit's published files (``read(name)``):
    the ballots its rounds sampled, and each card's audited contests.

    Nothing is taken on trust: the log's hash chain and every file's SHA-256 are checked, the
    seed must name the commitment and come after it, every card's contests must be contests the
    commitment audits, and every round's sample is drawn again from the seed with the consistent
    sampler (its prefix from its targets, its draws, its hand counts), so a ballot box that
    listed another ballot, or another contest, is refused."""
    entries = log_entries(read(LOG))
    previous = entries[0]["previous"] if entries else ""
    for position, entry in enumerate(entries):
        if entry.get("position") != position or entry.get("previous") != previous or entry_hash(entry) != entry["hash"]:
            raise ConflictError(f"the audit's log is broken at entry {position}: refused")
        if file_digest(read(str(entry["file"]))) != entry["sha256"]:
            raise ConflictError(f"audit/{entry['file']} is not the file its log entry names: refused")
        previous = entry["hash"]
    kinds = [str(entry["kind"]) for entry in entries]
    if kinds[:2] != ["commitment", "seed"]:
        raise ConflictError("the audit's log does not start with its commitment and then its seed: refused")
    commitment_data = read(COMMITMENT)
    commitment = decode_audit_doc(commitment_data, f"{AUDIT_DIR}/{COMMITMENT}", "commitment")
    seed_doc = decode_audit_doc(read(SEED), f"{AUDIT_DIR}/{SEED}", "seed")
    if seed_doc.get("commitment") != file_digest(commitment_data):
        raise ConflictError("the seed does not name the audit's commitment: refused")
    audited = {str(contest["id"]) for contest in commitment["contests"]}
    audit, cards = committed_audit(commitment, {})
    for code, card in cards.items():
        if not set(card.contests) <= audited:
            raise ConflictError(f"card {code[:16]}… lists contests the commitment does not audit: refused")
    by_card = {card.card: card for card in cards.values()}
    seed, start = str(seed_doc["seed"]), 0
    sampled: set[str] = set()
    for entry in entries:
        if entry["kind"] != "round":
            continue
        doc = decode_audit_doc(read(str(entry["file"])), f"{AUDIT_DIR}/{entry['file']}", "round")
        targets = {str(name): int(target) for name, target in doc["targets"].items()}
        prefix = max(audit.prefix_for(seed, targets), start)
        draws = [
            {"index": index, "ticket": draw.ticket, "ballot": by_card[card].ballot}
            for index, draw, card in audit.sample(seed, start, prefix)
        ]
        counted = [by_card[card].ballot for card in audit.hand_count_cards(list(doc["hand_counts"]))]
        if doc["prefix"] != prefix or doc["draws"] != draws or doc["hand_counted"] != counted:
            raise ConflictError(f"audit/{entry['file']} is not the sample its seed and targets give: refused")
        sampled.update(str(d["ballot"]) for d in draws)
        sampled.update(counted)
        start = prefix
    return sampled, {code: card.contests for code, card in cards.items()}


def ballot_of(context: ElectionContext, data: bytes, code: str) -> EncryptedBallot:
    """A sampled ballot as the service sends it to a guardian, checked before anything of it is
    decrypted: each contest hash χ_l recomputed from its encryptions (eq. 70) and the
    confirmation code H_C from those (eq. 71) must give the code it is listed under, so the
    service cannot have the guardians decrypt other ciphertexts than the sampled ballot's."""
    group = context.group
    where = f"sampled ballot {code[:16]}…"
    ballot = decode_ballot(data, group, where).ballot
    for contest in ballot.contests:
        recomputed = contest_hash(
            group, ballot.id_hash, contest.contest_index, [s.ciphertext for s in contest.selections],
            contest.contest_data,
        )  # fmt: skip
        if recomputed != contest.contest_hash:
            raise InputError(f"{where}: contest {contest.contest_index}'s hash does not match its encryptions")
    if len(ballot.chaining_field) != 36:
        raise InputError(f"{where}: the chaining field must be 36 bytes")
    recomputed_code = confirmation_code(
        group, ballot.id_hash, [c.contest_hash for c in ballot.contests], ballot.chaining_field
    )
    if recomputed_code.hex().upper() != code or ballot.code_hex != code:
        raise InputError(f"the service sent another ballot for {code[:16]}… (its confirmation code differs)")
    return ballot


def commit_message(guardian: int, present: Sequence[int], partials: Sequence[PartialDecryption]) -> CommitMessage:
    """A guardian's commitment for one ballot of an audit round (no nonce or data shares)."""
    return CommitMessage(guardian, tuple(present), tuple(partials), {}, ())
