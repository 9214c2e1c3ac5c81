"""The ballot-box service's use cases, independent of HTTP: one method per API action.

Elections are created from the public files of a key ceremony, opened, and then accept
encrypted ballots that are verified at the door (every proof, the confirmation code, the
ballot style and the device's chain) before they are stored with their bulletin-board entry.
The voter casts or challenges a ballot with the decision token from its receipt. Closing voting
challenges undecided ballots and closes the board; the tally aggregates the cast ballots
(validated once, at the door, not again) and the guardians decrypt it through three rounds of
messages (commit, reveal, respond) without ever sending a secret. The published election
record is written from the store.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from nazaha.election.ballot import BallotState, EncryptedBallot, SubmittedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.tally import ChallengedBallot, EncryptedTally
from nazaha.errors import (
    AuthorizationError,
    BallotError,
    ConflictError,
    DecryptionError,
    InputError,
    NotFoundError,
    RecordFormatError,
)
from nazaha.record.board import BoardEntry, BoardKind, genesis_hash
from nazaha.record.codec import (
    decode_ballot,
    decode_challenged,
    decode_encrypted_tally,
    decode_tally,
    encode_challenged,
    encode_encrypted_tally,
    encode_tally,
)
from nazaha.record.decryption import CommitMessage, decode_commit, decode_respond, decode_reveal
from nazaha.storage.ports import BallotRow, ElectionRow, ElectionState, ElectionStore, NewBallot
from nazaha.tallying.aggregate import TallyAccumulator
from nazaha.tallying.decrypt import combine_ballot_nonce, combine_tally
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import identifier_hash
from nazaha.voting.opening import open_ballot
from nazaha.voting.validate import validate_ballot
from nazaha.workflows.clock import utc_now
from nazaha.workflows.election_files import load_context
from nazaha.workflows.publish import device_log, tally_labels, write_record

__all__ = ["BallotBoxService", "BallotView", "Receipt"]

_ELECTION_FILE = re.compile(r"^(parameters|manifest|hashes)\.json$|^guardians/guardian_[1-9][0-9]*\.json$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")
_CODE = re.compile(r"^[0-9A-F]{64}$")


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the voter gets back for a ballot accepted at the door."""

    election: str
    confirmation_code: str
    position: int
    entry_hash: str
    recorded_at: str
    decision_token: str
    """Proves to the service that the holder submitted the ballot: needed to cast or challenge it."""
    signature: str
    """Ed25519 signature of the service over the other fields (hex)."""
    public_key: str


class _ReceiptBody(msgspec.Struct):
    format: str
    election: str
    confirmation_code: str
    position: int
    entry_hash: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class BallotView:
    """A ballot as anyone can look it up by its confirmation code."""

    row: BallotRow
    state: str
    entries: list[BoardEntry]


@dataclass(slots=True)
class DecryptionStatus:
    present: list[int]
    committed: list[int]
    revealed: list[int]
    responded: list[int]
    messages: dict[str, bytes] = field(repr=False)


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:70] or "election"
    return slug


class BallotBoxService:
    """The ballot box over an ``ElectionStore``; thread-safe as long as the store is."""

    def __init__(self, store: ElectionStore, *, clock: Callable[[], str] = utc_now) -> None:
        self.store = store
        self._clock = clock
        secret = store.service_secret(secrets.token_bytes(32))
        self._secret = secret
        self._signing = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"nazaha receipt key" + secret).digest())
        self.public_key = self._signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex().upper()
        self._contexts: dict[str, ElectionContext] = {}
        self._lock = threading.Lock()

    # -- elections ----------------------------------------------------------------------------

    def create_election(self, files: dict[str, bytes], election_id: str | None = None) -> ElectionRow:
        """Create an election from the public files of a key ceremony (checked in full)."""
        for name in files:
            if not _ELECTION_FILE.match(name):
                raise InputError(f"files: {name!r} is not an election file")

        def read(name: str) -> bytes:
            try:
                return files[name]
            except KeyError:
                raise RecordFormatError(f"files: {name}", "missing") from None

        context = load_context(read)
        identifier = election_id or _slug(context.manifest.label)
        if not _ID.match(identifier):
            raise InputError(f"election id {identifier!r}: use 2 to 80 lowercase letters, digits and hyphens")
        row = ElectionRow(
            id=identifier,
            label=context.manifest.label,
            state=ElectionState.SETUP,
            files=dict(files),
            created_at=self._clock(),
            board_length=0,
            board_head=genesis_hash(context.extended_hash),
        )
        self.store.create_election(row)
        with self._lock:
            self._contexts[identifier] = context
        return row

    def context(self, election_id: str) -> ElectionContext:
        """The election's context, loaded and checked once, then cached."""
        with self._lock:
            cached = self._contexts.get(election_id)
        if cached is not None:
            return cached
        files = self.store.election(election_id).files
        context = load_context(lambda name: files[name])
        with self._lock:
            self._contexts[election_id] = context
        return context

    def open_voting(self, election_id: str) -> ElectionRow:
        return self.store.transition(election_id, [ElectionState.SETUP], ElectionState.OPEN)

    def close_voting(self, election_id: str) -> list[BoardEntry]:
        """Close voting: undecided ballots are challenged (never counted) and the board closed."""
        return self.store.close_voting(election_id, self._clock())

    # -- ballots ------------------------------------------------------------------------------

    def decision_token(self, election_id: str, code: str) -> str:
        return hmac.new(self._secret, f"decision\x00{election_id}\x00{code}".encode(), hashlib.sha256).hexdigest()[:32]

    def _receipt(self, election_id: str, row: BallotRow, entry: BoardEntry) -> Receipt:
        body = _ReceiptBody("nazaha-receipt/1", election_id, row.code, entry.position, entry.hash, entry.recorded_at)
        signature = self._signing.sign(msgspec.json.encode(body)).hex().upper()
        return Receipt(
            election=election_id,
            confirmation_code=row.code,
            position=entry.position,
            entry_hash=entry.hash,
            recorded_at=entry.recorded_at,
            decision_token=self.decision_token(election_id, row.code),
            signature=signature,
            public_key=self.public_key,
        )

    def submit(self, election_id: str, data: bytes) -> tuple[Receipt, bool]:
        """Verify an encrypted ballot at the door and store it; (receipt, newly stored)."""
        election = self.store.election(election_id)
        context = self.context(election_id)
        decoded = decode_ballot(data, context.group, "ballot")
        ballot = decoded.ballot
        existing = self.store.ballot(election_id, ballot.code_hex)
        if existing is not None and existing.data == data:
            entries = self.store.entries_for(election_id, ballot.code_hex)
            return self._receipt(election_id, existing, entries[0]), False
        if election.state is not ElectionState.OPEN:
            raise ConflictError(f"voting is not open (the election is {election.state.value})")
        if decoded.state is not None:
            raise BallotError("a ballot is submitted with state 'pending'; it is cast or challenged afterwards")
        for index, label in decoded.contest_labels.items():
            if not 1 <= index <= len(context.manifest.contests) or context.manifest.contest(index).label != label:
                raise BallotError(f"contest {index} is labelled {label!r}, which is not this election's manifest")
        if ballot.id_hash != identifier_hash(context.group, context.extended_hash, ballot.selection_id):
            raise BallotError("the ballot was not encrypted for this election (its H_I does not match H_E)")
        validate_ballot(context, ballot)
        self._check_chain(election_id, context, ballot)
        new = NewBallot(ballot.code_hex, ballot.selection_id.hex().upper(), ballot.device, data)
        row, entry, created = self.store.append_ballot(election_id, new, self._clock())
        return self._receipt(election_id, row, entry), created

    def _check_chain(self, election_id: str, context: ElectionContext, ballot: EncryptedBallot) -> None:
        """With simple chaining, B_C must hold the previous ballot from the same device (eq. 76)."""
        if ballot.chaining_field[:4] != ChainingMode.SIMPLE.identifier:
            return
        last = self.store.last_code_for_device(election_id, ballot.device)
        device = EncryptionDevice(context.group, context.extended_hash, ballot.device, ChainingMode.SIMPLE)
        expected = device.initial_hash if last is None else bytes.fromhex(last)
        if ballot.chaining_field[4:] != expected:
            raise BallotError(
                f"the chaining field does not continue device {ballot.device!r}'s chain "
                "(it must hold the confirmation code of that device's previous ballot)"
            )

    def decide(self, election_id: str, code: str, state: BallotState, token: str) -> BoardEntry:
        """Cast or challenge a ballot; ``token`` is the decision token from its receipt."""
        code = _code(code)
        if not hmac.compare_digest(token, self.decision_token(election_id, code)):
            self.store.election(election_id)
            raise AuthorizationError("the decision token does not belong to this ballot")
        kind = BoardKind.CAST if state is BallotState.CAST else BoardKind.CHALLENGE
        return self.store.append_decision(election_id, code, kind, self._clock())

    def lookup(self, election_id: str, code: str) -> BallotView:
        code = _code(code)
        row = self.store.ballot(election_id, code)
        if row is None:
            raise NotFoundError(f"no ballot with confirmation code {code} in election {election_id!r}")
        entries = self.store.entries_for(election_id, code)
        kinds = [e.kind for e in entries]
        state = "cast" if BoardKind.CAST in kinds else "challenged" if BoardKind.CHALLENGE in kinds else "pending"
        return BallotView(row, state, entries)

    def board(self, election_id: str, offset: int, limit: int) -> tuple[ElectionRow, list[BoardEntry]]:
        election = self.store.election(election_id)
        return election, self.store.board(election_id, max(0, offset), max(1, min(limit, 500)))

    def _decisions(self, election_id: str) -> dict[str, BoardKind]:
        decisions: dict[str, BoardKind] = {}
        offset = 0
        while True:
            page = self.store.board(election_id, offset, 500)
            if not page:
                return decisions
            for entry in page:
                if entry.kind in (BoardKind.CAST, BoardKind.CHALLENGE):
                    decisions[entry.code] = entry.kind
            offset = page[-1].position

    def _submitted(self, election_id: str, context: ElectionContext) -> Iterator[SubmittedBallot]:
        decisions = self._decisions(election_id)
        for row in self.store.ballots(election_id):
            ballot = decode_ballot(row.data, context.group, f"ballot {row.code}").ballot
            kind = decisions.get(row.code)
            if kind is None:
                raise ConflictError(f"ballot {row.code} is neither cast nor challenged; close voting first")
            yield SubmittedBallot(ballot, BallotState.CAST if kind is BoardKind.CAST else BallotState.CHALLENGED)

    # -- tally and decryption -------------------------------------------------------------------

    def tally(self, election_id: str) -> EncryptedTally:
        """Aggregate the cast ballots (already validated at the door) into the encrypted tally."""
        election = self.store.election(election_id)
        if election.state is not ElectionState.CLOSED:
            raise ConflictError(f"the election is {election.state.value}; close voting before the tally")
        context = self.context(election_id)
        accumulator = TallyAccumulator(context.group, context.manifest)
        challenged = []
        for submitted in self._submitted(election_id, context):
            if submitted.state is BallotState.CAST:
                accumulator.add(submitted.ballot)
            else:
                challenged.append(submitted.ballot.code_hex)
        result = accumulator.result()
        self.store.put_artifact(
            election_id, "encrypted_tally.json", encode_encrypted_tally(context.group, result, tally_labels(context))
        )
        self.store.put_artifact(election_id, "challenged_codes.json", msgspec.json.encode(challenged))
        self.store.transition(election_id, [ElectionState.CLOSED], ElectionState.DECRYPTING)
        return result

    def encrypted_tally(self, election_id: str) -> EncryptedTally:
        data = self.store.artifact(election_id, "encrypted_tally.json")
        if data is None:
            raise ConflictError("the tally has not been computed yet")
        return decode_encrypted_tally(data, self.context(election_id).group)[0]

    def challenged_codes(self, election_id: str) -> list[str]:
        data = self.store.artifact(election_id, "challenged_codes.json")
        return msgspec.json.decode(data, type=list[str]) if data else []

    def start_decryption(self, election_id: str, present: list[int]) -> list[int]:
        """Name the guardians who will decrypt (at least k)."""
        context = self.context(election_id)
        election = self.store.election(election_id)
        if election.state is not ElectionState.DECRYPTING:
            raise ConflictError(f"the election is {election.state.value}, not decrypting")
        ordered = sorted(set(present))
        if len(ordered) != len(present) or any(not 1 <= i <= context.parameters.guardians for i in ordered):
            raise InputError(f"guardians {present} are not distinct guardians of this election")
        if len(ordered) < context.parameters.quorum:
            raise InputError(
                f"{len(ordered)} guardian(s) named, but the quorum is {context.parameters.quorum} of "
                f"{context.parameters.guardians}"
            )
        self.store.put_artifact(election_id, "decryption/present.json", msgspec.json.encode(ordered))
        return ordered

    def decryption_status(self, election_id: str) -> DecryptionStatus:
        present_data = self.store.artifact(election_id, "decryption/present.json")
        present = msgspec.json.decode(present_data, type=list[int]) if present_data else []
        messages = self.store.artifacts(election_id, "decryption/")

        def who(round_: str) -> list[int]:
            prefix = f"decryption/{round_}/"
            return sorted(int(name[len(prefix) :]) for name in messages if name.startswith(prefix))

        return DecryptionStatus(present, who("commit"), who("reveal"), who("respond"), messages)

    def _require_round(self, election_id: str, guardian: int, before: str) -> DecryptionStatus:
        status = self.decryption_status(election_id)
        if not status.present:
            raise ConflictError("the decryption has not been started")
        if guardian not in status.present:
            raise ConflictError(f"guardian {guardian} is not among the guardians decrypting {status.present}")
        if before:
            missing = sorted(set(status.present) - set(getattr(status, before)))
            if missing:
                raise ConflictError(f"waiting for guardian(s) {missing} to {before.rstrip('ed')}")
        return status

    def post_commit(self, election_id: str, guardian: int, data: bytes) -> None:
        status = self._require_round(election_id, guardian, "")
        context = self.context(election_id)
        message = decode_commit(data, context.group)
        tally = self.encrypted_tally(election_id)
        if message.guardian != guardian or list(message.present) != status.present:
            raise InputError("the commitment names another guardian or another set of guardians")
        wanted = {(c.contest_index, j) for c in tally.contests for j in range(1, len(c.options) + 1)}
        if {(p.contest_index, p.option_index) for p in message.partials} != wanted or len(message.partials) != len(
            wanted
        ):
            raise InputError("the commitment must hold exactly one share for every option of the tally")
        if set(message.nonce_shares) != set(self.challenged_codes(election_id)):
            raise InputError("the commitment must hold one nonce share for every challenged ballot")
        self.store.put_artifact(election_id, f"decryption/commit/{guardian}", data)

    def post_reveal(self, election_id: str, guardian: int, data: bytes) -> None:
        self._require_round(election_id, guardian, "committed")
        context = self.context(election_id)
        index, _ = decode_reveal(data, context.group)
        if index != guardian:
            raise InputError("the reveal names another guardian")
        self.store.put_artifact(election_id, f"decryption/reveal/{guardian}", data)

    def post_respond(self, election_id: str, guardian: int, data: bytes) -> bool:
        """Store a guardian's responses; once all are in, finish the decryption. True if finished."""
        self._require_round(election_id, guardian, "revealed")
        context = self.context(election_id)
        index, _ = decode_respond(data, context.group)
        if index != guardian:
            raise InputError("the response names another guardian")
        self.store.put_artifact(election_id, f"decryption/respond/{guardian}", data)
        status = self.decryption_status(election_id)
        if sorted(status.responded) != status.present:
            return False
        self._finish(election_id, status)
        return True

    def _finish(self, election_id: str, status: DecryptionStatus) -> None:
        context = self.context(election_id)
        group = context.group
        tally = self.encrypted_tally(election_id)
        commits: list[CommitMessage] = [
            decode_commit(status.messages[f"decryption/commit/{i}"], group) for i in status.present
        ]
        partials = [p for message in commits for p in message.partials]
        reveals = [
            c for i in status.present for c in decode_reveal(status.messages[f"decryption/reveal/{i}"], group)[1]
        ]
        responses = {i: decode_respond(status.messages[f"decryption/respond/{i}"], group)[1] for i in status.present}
        decrypted = combine_tally(context, tally, status.present, partials, reveals, responses)
        openings: list[ChallengedBallot] = []
        for code in self.challenged_codes(election_id):
            row = self.store.ballot(election_id, code)
            if row is None:
                raise DecryptionError(f"challenged ballot {code} is missing from the store")
            ballot = decode_ballot(row.data, group, f"ballot {code}").ballot
            nonce = combine_ballot_nonce(context, ballot, {m.guardian: m.nonce_shares[code] for m in commits})
            openings.append(open_ballot(context, ballot, nonce))
        # Two last responses can arrive at once and both finish: every result is deterministic,
        # so the second finds identical artifacts and the election already published.
        for opened in openings:
            name = f"challenged/{opened.confirmation_code.hex().upper()}.json"
            self._put_once(election_id, name, encode_challenged(group, opened))
        self._put_once(election_id, "tally.json", encode_tally(group, decrypted))
        try:
            self.store.transition(election_id, [ElectionState.DECRYPTING], ElectionState.PUBLISHED)
        except ConflictError:
            if self.store.election(election_id).state is not ElectionState.PUBLISHED:
                raise

    def _put_once(self, election_id: str, name: str, data: bytes) -> None:
        try:
            self.store.put_artifact(election_id, name, data)
        except ConflictError:
            if self.store.artifact(election_id, name) != data:
                raise

    # -- the record -----------------------------------------------------------------------------

    def write_record(self, election_id: str, target: Path) -> Path:
        """Write the published election record into ``target`` (atomically)."""
        election = self.store.election(election_id)
        if election.state is not ElectionState.PUBLISHED:
            raise ConflictError(f"the election is {election.state.value}; its record is published after decryption")
        context = self.context(election_id)
        group = context.group
        tally_data = self.store.artifact(election_id, "tally.json")
        assert tally_data is not None
        openings = [
            decode_challenged(data, group, name)
            for name, data in sorted(self.store.artifacts(election_id, "challenged/").items())
        ]
        devices: dict[str, tuple[ChainingMode, list[bytes]]] = {}
        for row in self.store.ballots(election_id):
            ballot = decode_ballot(row.data, group, row.code).ballot
            mode = (
                ChainingMode.SIMPLE
                if ballot.chaining_field[:4] == ChainingMode.SIMPLE.identifier
                else ChainingMode.NONE
            )
            devices.setdefault(row.device, (mode, []))[1].append(ballot.confirmation_code)
        logs = [
            device_log(EncryptionDevice.resume(group, context.extended_hash, name, mode, codes))
            for name, (mode, codes) in sorted(devices.items())
        ]
        board: list[BoardEntry] = []
        offset = 0
        while True:
            page = self.store.board(election_id, offset, 500)
            if not page:
                break
            board.extend(page)
            offset = page[-1].position
        return write_record(
            target,
            context,
            self._submitted(election_id, context),
            logs,
            self.encrypted_tally(election_id),
            decode_tally(tally_data, group),
            openings,
            board,
            created=self._clock(),
            total_ballots=sum(1 for e in board if e.kind is BoardKind.BALLOT),
        )


def _code(code: str) -> str:
    cleaned = code.strip().upper()
    if not _CODE.match(cleaned):
        raise InputError(f"{code!r} is not a confirmation code (64 hex digits)")
    return cleaned
