"""The one election lifecycle that the ballot-box service and the command line both run.

create → open → admit (ballots verified at the door) → decide (cast or challenge) → close →
tally → decrypt (by the guardians' commit, reveal and respond messages, from their own machines
or all in this process) → publish the record.

Each step reads the facts a rule needs and appends what the rule allows inside one store
transaction (``ElectionStore.transaction``): the rules themselves are in
``nazaha.voting.ballot_box``, the cryptography in ``voting`` and ``tallying``, and the adapters
(SQL, memory, folder) hold none. Every step that writes several things (the tally and the list
of challenged ballots; the decrypted tally, the opened ballots and the new state) writes them in
one transaction, and every message is checked before it is stored, so nothing invalid is ever
stored and a crash leaves each step either done or not begun.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from nazaha.credentials.keys import public_key
from nazaha.election.ballot import BallotState, EncryptedBallot, SubmittedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.eligibility import BallotSignatures, Eligibility
from nazaha.election.tally import ChallengedBallot, DecryptedTally, EncryptedTally, UnopenedBallot
from nazaha.errors import (
    BallotError,
    ConflictError,
    DecryptionError,
    InputError,
    NotFoundError,
    RecordFormatError,
)
from nazaha.progress import NoProgress, Progress
from nazaha.record.board import BoardEntry, BoardKind, genesis_hash
from nazaha.record.codec import (
    decode_ballot,
    decode_challenged,
    decode_encrypted_tally,
    decode_tally,
    encode_encrypted_tally,
)
from nazaha.record.decryption import (
    CommitMessage,
    decode_unopened,
    encode_commit,
    encode_respond,
    encode_reveal,
)
from nazaha.record.eligibility import (
    ELIGIBILITY,
    ELIGIBILITY_FILES,
    decode_credential_update,
    eligibility_commitment,
    encode_eligibility,
)
from nazaha.record.hints import encode_hints, hint_name, split_submission
from nazaha.storage.ports import BallotRow, ElectionRow, ElectionStore, NewBallot, StoreTransaction
from nazaha.tallying.aggregate import TallyAccumulator
from nazaha.tallying.decrypt import (
    DecryptingGuardian,
)
from nazaha.voting import ballot_box as rules
from nazaha.voting.ballot_box import ElectionState
from nazaha.voting.encrypt import identifier_hash
from nazaha.voting.validate import validate_ballot
from nazaha.workflows.clock import utc_now
from nazaha.workflows.decryption import DecryptionStatus, Rounds, current_status, present_guardians, signed
from nazaha.workflows.election_files import eligibility_of, load_context
from nazaha.workflows.eligibility import CredentialState, credential_state, superseded, update_hash, update_name
from nazaha.workflows.publish import tally_labels, write_record

__all__ = ["Admitted", "DecryptionStatus", "ElectionLifecycle"]

_ELECTION_FILE = re.compile(
    r"(parameters|manifest|hashes|eligibility|credentials|devices)\.json|guardians/guardian_[1-9][0-9]{0,5}\.json"
)
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,78}[a-z0-9]")
_CODE = re.compile(r"[0-9A-F]{64}")
_ENCRYPTED_TALLY = "encrypted_tally.json"
_CHALLENGED_CODES = "challenged_codes.json"
_TALLY = "tally.json"
SUPERSEDED = "superseded.json"
RECORD_CREATED = "record_created.txt"
"""Under re-voting: the cast ballots that a later cast ballot of the same credential replaced."""


@dataclass(frozen=True, slots=True)
class Admitted:
    """A ballot on the board: its row, its ``ballot`` entry, and whether this call stored it."""

    row: BallotRow
    entry: BoardEntry
    created: bool


def election_id_for(label: str) -> str:
    """The default election id: the manifest label as lowercase letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:70] or "election"


def normalize_code(code: str) -> str:
    """A confirmation code as the board keeps it (64 uppercase hex digits); ``InputError`` if not one."""
    cleaned = code.strip().replace(" ", "").replace("-", "").upper()
    if not _CODE.fullmatch(cleaned):
        raise InputError(f"{code[:80]!r} is not a confirmation code (64 hex digits)")
    return cleaned


@dataclass(frozen=True, slots=True)
class _AtTheDoor:
    """A ballot as submitted, decoded: what the store will keep, and what vouches for it."""

    ballot: EncryptedBallot
    new: NewBallot
    signatures: BallotSignatures
    style: str
    offered: tuple[int, ...] | None = None
    """The proofs' commitments its voting device sent with it, if any (untrusted)."""
    hints: tuple[int, ...] = ()
    """The commitments its proofs' checks recomputed, kept as the ballot's proof hints."""


def _decode_at_door(context: ElectionContext, data: bytes, offered: tuple[int, ...] | None) -> _AtTheDoor:
    """The ballot's encoding, state, contests and H_I: cheap, before any proof is checked.
    ``data`` is the ballot file, ``offered`` the commitments its envelope carried, if any
    (``nazaha.record.hints.split_submission``)."""
    decoded = decode_ballot(data, context.group, "ballot")
    ballot = decoded.ballot
    if decoded.state is not None:
        raise BallotError("a ballot is submitted with state 'pending'; it is cast or challenged afterwards")
    manifest = context.manifest
    for index, label in decoded.contest_labels.items():
        if not 1 <= index <= len(manifest.contests) or manifest.contest(index).label != label:
            raise BallotError(f"contest {index} is labelled {label!r}, which is not this election's manifest")
    if ballot.id_hash != identifier_hash(context.group, context.extended_hash, ballot.selection_id):
        raise BallotError("the ballot was not encrypted for this election (its H_I does not match H_E)")
    if not 1 <= ballot.style_index <= len(manifest.ballot_styles):
        raise BallotError(f"ballot style index {ballot.style_index} names no ballot style")
    signatures = decoded.signatures
    new = NewBallot(
        ballot.code_hex, ballot.selection_id.hex().upper(), ballot.device, data, signatures.credential.hex().upper()
    )
    return _AtTheDoor(ballot, new, signatures, manifest.style(ballot.style_index).label, offered)


def _check_at_door(context: ElectionContext, data: bytes) -> _AtTheDoor:
    """Everything about an encrypted ballot that does not depend on what is stored (pure, so it
    can run in worker processes): its encoding, state, contests, H_I and every proof."""
    checked = _decode_at_door(context, *split_submission(data, context.group))
    return dataclasses.replace(checked, hints=validate_ballot(context, checked.ballot, offered=checked.offered))


def _checked_at_door(context: ElectionContext, first: int, blobs: Sequence[bytes]) -> list[_AtTheDoor]:
    """``_check_at_door`` for ballots numbered from ``first``; an error names the ballot's number."""
    checked = []
    for number, data in enumerate(blobs, start=first):
        try:
            checked.append(_check_at_door(context, data))
        except RecordFormatError as error:
            raise RecordFormatError(f"ballot {number}: {error.where}", error.problem) from None
        except BallotError as error:
            raise BallotError(f"ballot {number}: {error}") from None
    return checked


class ElectionLifecycle:
    """Runs every step of an election over an ``ElectionStore``; thread-safe as the store is."""

    def __init__(self, store: ElectionStore, *, clock: Callable[[], str] = utc_now, cached_contexts: int = 64) -> None:
        self._store = store
        self._clock = clock
        self._contexts: OrderedDict[str, tuple[ElectionContext, Eligibility]] = OrderedDict()
        self._cached = cached_contexts
        self._lock = threading.Lock()

    # -- elections ------------------------------------------------------------------------------

    def create(
        self, files: Mapping[str, bytes], election_id: str | None = None, *, administrator_key: bytes = b""
    ) -> ElectionRow:
        """Create an election from the public files of a key ceremony (checked in full).

        ``administrator_key`` is the Ed25519 key of whoever creates it (the ballot box, or the
        workspace): it signs the published record, so it is declared in ``eligibility.json``
        (which the board commits to when voting opens). Whatever key the uploaded files declare
        (a workspace declares its own when ``nazaha ceremony`` writes them) is replaced by this
        one before anything is committed: only the creator can sign the record, and the key it
        will sign with is the one the board's first entry commits to."""
        for name in files:
            if not _ELECTION_FILE.fullmatch(name):
                raise InputError(f"files: {name[:120]!r} is not an election file")

        def read(name: str) -> bytes:
            try:
                return files[name]
            except KeyError:
                raise RecordFormatError(f"files: {name}", "missing") from None

        context = load_context(read)
        eligibility = eligibility_of(files, context.manifest)
        if administrator_key and eligibility.administrator_key != administrator_key:
            eligibility = dataclasses.replace(eligibility, administrator_key=administrator_key)
            files = {**files, ELIGIBILITY: encode_eligibility(eligibility)}
        identifier = election_id or election_id_for(context.manifest.label)
        if not _ID.fullmatch(identifier):
            raise InputError(f"election id {identifier[:120]!r}: use 2 to 80 lowercase letters, digits and hyphens")
        row = ElectionRow(
            id=identifier,
            label=context.manifest.label,
            state=ElectionState.SETUP,
            files=dict(files),
            created_at=self._clock(),
            board_length=0,
            board_head=genesis_hash(context.extended_hash),
            extended_hash=context.extended_hash.hex().upper(),
        )
        self._store.create_election(row)
        self._remember(identifier, context, eligibility)
        return row

    def context(self, election_id: str) -> ElectionContext:
        """The election's context, loaded and checked once, then kept (least recently used first out)."""
        return self._loaded(election_id)[0]

    def eligibility(self, election_id: str) -> Eligibility:
        """Who may submit ballots to the election (its eligibility files; open when none)."""
        return self._loaded(election_id)[1]

    def _loaded(self, election_id: str) -> tuple[ElectionContext, Eligibility]:
        with self._lock:
            cached = self._contexts.get(election_id)
            if cached is not None:
                self._contexts.move_to_end(election_id)
                return cached
        files = self._store.election(election_id).files
        context = load_context(lambda name: files[name])
        eligibility = eligibility_of(files, context.manifest)
        self._remember(election_id, context, eligibility)
        return context, eligibility

    def _remember(self, election_id: str, context: ElectionContext, eligibility: Eligibility) -> None:
        with self._lock:
            self._contexts[election_id] = (context, eligibility)
            self._contexts.move_to_end(election_id)
            while len(self._contexts) > self._cached:
                self._contexts.popitem(last=False)

    def _transition(self, election_id: str, to: ElectionState) -> ElectionRow:
        with self._store.transaction(election_id) as tx:
            tx.set_state(rules.transition(election_id, tx.election.state, to))
            return tx.election

    def open(self, election_id: str) -> ElectionRow:
        """Open voting: the board's first entry commits to the eligibility files as published."""
        commitment = eligibility_commitment(self._store.election(election_id).files)
        with self._store.transaction(election_id) as tx:
            event = rules.open_voting(tx.election.state, commitment)
            tx.set_state(ElectionState.OPEN)
            tx.append_entry(event.kind, event.code, self._clock())
            return tx.election

    def update_credential(self, election_id: str, data: bytes) -> BoardEntry:
        """Replace a lost credential (the authority's update document), visibly on the board."""
        eligibility = self.eligibility(election_id)
        if not eligibility.mode.needs_credential:
            raise ConflictError("this election takes no credentials")
        with self._store.transaction(election_id) as tx:
            state = credential_state(eligibility, tx.artifact)
            event = rules.update_credentials(tx.election.state, update_hash(data))
            state.apply(decode_credential_update(data, "credential update"))
            tx.put_artifact(update_name(state.updates), data)
            return tx.append_entry(event.kind, event.code, self._clock())

    # -- ballots --------------------------------------------------------------------------------

    def admit(self, election_id: str, submitted: bytes) -> Admitted:
        """Verify an encrypted ballot at the door and put it on the board (or find it there).
        ``submitted`` is a ballot file, alone or with its proofs' commitments in an envelope
        (``nazaha.record.hints.encode_submission``)."""
        context = self.context(election_id)
        data, offered = split_submission(submitted, context.group)
        stored = self._store.ballot(election_id, _code_of(data))
        if stored is not None and stored.data == data:
            # The very same bytes again (a retry after a lost answer): the first receipt's entry.
            return Admitted(stored, self._store.entries_for(election_id, stored.code)[0], created=False)
        # Refuse early, before the proofs are checked, when no ballot could get in; the rule is
        # applied again inside the transaction, where it counts.
        rules.require_voting_open(self._store.election(election_id).state)
        decoded = _decode_at_door(context, data, offered)
        eligibility = self.eligibility(election_id)
        self._check_signatures(
            eligibility, context, decoded, credential_state(eligibility, lambda n: self._store.artifact(election_id, n))
        )
        decoded = dataclasses.replace(decoded, hints=validate_ballot(context, decoded.ballot, offered=decoded.offered))
        with self._store.transaction(election_id) as tx:
            return self._admit_in(tx, context, decoded)

    def admit_many(
        self, election_id: str, blobs: Sequence[bytes], *, jobs: int = 1, progress: Progress | None = None
    ) -> list[Admitted]:
        """Verify many ballots at the door (in ``jobs`` processes) and admit them all in one
        transaction, in order: all of them get onto the board, or none does."""
        progress = progress or NoProgress()
        context = self.context(election_id)
        progress.start("Checking ballots at the door", len(blobs))
        checked: list[_AtTheDoor] = []
        size = max(1, min(16, len(blobs) // max(1, jobs)))
        starts = range(0, len(blobs), size)
        if jobs > 1 and len(blobs) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                chunks = [list(blobs[i : i + size]) for i in starts]
                for result in pool.map(_checked_at_door, [context] * len(chunks), [i + 1 for i in starts], chunks):
                    checked.extend(result)
                    progress.advance(len(result))
        else:
            for start in starts:
                result = _checked_at_door(context, start + 1, blobs[start : start + size])
                checked.extend(result)
                progress.advance(len(result))
        progress.finish()
        with self._store.transaction(election_id) as tx:
            return [self._admit_in(tx, context, one) for one in checked]

    def _check_signatures(
        self,
        eligibility: Eligibility,
        context: ElectionContext,
        door: _AtTheDoor,
        state: CredentialState,
        ballots_of_credential: int = 0,
    ) -> None:
        credential, revoked = state.lookup(door.signatures.credential)
        rules.check_ballot_signatures(
            eligibility,
            context.extended_hash,
            door.ballot,
            door.style,
            door.signatures,
            credential=credential,
            revoked=revoked,
            ballots_of_credential=ballots_of_credential,
        )

    def _admit_in(self, tx: StoreTransaction, context: ElectionContext, door: _AtTheDoor) -> Admitted:
        ballot, new = door.ballot, door.new
        stored = tx.ballot(new.code)
        event = rules.admit_ballot(
            tx.election.state,
            code=new.code,
            data=new.data,
            stored_with_code=stored.data if stored is not None else None,
            selection_id_taken=tx.selection_id_taken(new.selection_id),
        )
        if event is None and stored is not None:
            return Admitted(stored, tx.entries_for(stored.code)[0], created=False)
        eligibility = self.eligibility(tx.election.id)
        used = tx.ballots_with_credential(new.credential) if new.credential else 0
        self._check_signatures(eligibility, context, door, credential_state(eligibility, tx.artifact), used)
        rules.check_device_chain(context.group, context.extended_hash, ballot, tx.last_code_for_device(new.device))
        row, entry = tx.append_ballot(new, self._clock())
        if door.hints:
            tx.put_artifact(hint_name(new.code), encode_hints(context.group, door.hints))
        return Admitted(row, entry, created=True)

    def last_ballot_of_device(self, election_id: str, device: str) -> EncryptedBallot | None:
        """The latest ballot on the board from ``device`` (where its chain continues), if any."""
        context = self.context(election_id)
        with self._store.transaction(election_id) as tx:
            code = tx.last_code_for_device(device)
            row = tx.ballot(code) if code is not None else None
        return decode_ballot(row.data, context.group, f"ballot {row.code}").ballot if row is not None else None

    def ballot_document(self, election_id: str, code: str) -> bytes | None:
        """A ballot's encoding exactly as admitted, or None if no ballot has the code."""
        row = self._store.ballot(election_id, normalize_code(code))
        return row.data if row is not None else None

    def decide(self, election_id: str, code: str, state: BallotState) -> BoardEntry:
        """Cast or challenge the pending ballot ``code``."""
        code = normalize_code(code)
        decision = BoardKind.CAST if state is BallotState.CAST else BoardKind.CHALLENGE
        with self._store.transaction(election_id) as tx:
            kinds = [entry.kind for entry in tx.entries_for(code)]
            event = rules.decide_ballot(tx.election.state, code, kinds, decision)
            return tx.append_entry(event.kind, event.code, self._clock())

    def close(self, election_id: str) -> list[BoardEntry]:
        """Close voting: undecided ballots are challenged (never counted), then the board closes."""
        with self._store.transaction(election_id) as tx:
            events = rules.close_voting(tx.election.state, tx.undecided_codes())
            now = self._clock()
            appended = [tx.append_entry(event.kind, event.code, now) for event in events]
            tx.set_state(rules.transition(election_id, tx.election.state, ElectionState.CLOSED))
            return appended

    # -- the tally ------------------------------------------------------------------------------

    def _decision(self, election_id: str, code: str) -> BoardKind | None:
        """The ballot's decision (cast or challenge), looked up by its code (an indexed query):
        no table of every ballot's decision is ever held."""
        kinds = (e.kind for e in self._store.entries_for(election_id, code))
        return next((k for k in kinds if k in (BoardKind.CAST, BoardKind.CHALLENGE)), None)

    def submitted(self, election_id: str) -> Iterator[SubmittedBallot]:
        """Every decided ballot in board order (all of them, once voting is closed)."""
        context = self.context(election_id)
        for row in self._store.ballots(election_id):
            decoded = decode_ballot(row.data, context.group, f"ballot {row.code}")
            kind = self._decision(election_id, row.code)
            if kind is None:
                raise ConflictError(f"ballot {row.code} is neither cast nor challenged; close voting first")
            state = BallotState.CAST if kind is BoardKind.CAST else BallotState.CHALLENGED
            yield SubmittedBallot(decoded.ballot, state, decoded.signatures)

    def credentials_voted(self, election_id: str) -> int:
        """How many distinct credential keys signed a cast ballot (the results page's "keys voted")."""
        return len(
            {
                row.credential
                for row in self._store.ballots(election_id)
                if row.credential and self._decision(election_id, row.code) is BoardKind.CAST
            }
        )

    def tally(self, election_id: str, progress: Progress | None = None) -> EncryptedTally:
        """Aggregate the cast ballots (verified at the door, not again) into the encrypted tally."""
        progress = progress or NoProgress()
        election = self._store.election(election_id)
        rules.require_state(election.state, ElectionState.CLOSED, "the tally")
        context = self.context(election_id)
        replaced = set(
            superseded(
                self.eligibility(election_id),
                (
                    (row.code, row.credential, self._decision(election_id, row.code))
                    for row in self._store.ballots(election_id)
                ),
            )
        )
        accumulator = TallyAccumulator(context.group, context.manifest)
        challenged = []
        progress.start("Aggregating cast ballots", election.board_length)
        for submitted in self.submitted(election_id):
            if submitted.state is not BallotState.CAST:
                challenged.append(submitted.ballot.code_hex)
            elif submitted.ballot.code_hex not in replaced:
                accumulator.add(submitted.ballot)
            progress.advance()
        progress.finish()
        result = accumulator.result()
        with self._store.transaction(election_id) as tx:
            tx.set_state(rules.transition(election_id, tx.election.state, ElectionState.DECRYPTING))
            tx.put_artifact(_ENCRYPTED_TALLY, encode_encrypted_tally(context.group, result, tally_labels(context)))
            tx.put_artifact(_CHALLENGED_CODES, msgspec.json.encode(challenged))
            if replaced:
                tx.put_artifact(SUPERSEDED, msgspec.json.encode(sorted(replaced)))
        return result

    def encrypted_tally(self, election_id: str) -> EncryptedTally:
        data = self._store.artifact(election_id, _ENCRYPTED_TALLY)
        if data is None:
            raise ConflictError("the tally has not been computed yet")
        return decode_encrypted_tally(data, self.context(election_id).group)[0]

    def encrypted_tally_document(self, election_id: str) -> bytes | None:
        """The encrypted tally as published, or None before the tally."""
        return self._store.artifact(election_id, _ENCRYPTED_TALLY)

    def challenged_codes(self, election_id: str) -> list[str]:
        data = self._store.artifact(election_id, _CHALLENGED_CODES)
        return msgspec.json.decode(data, type=list[str]) if data else []

    def challenged_ballot(self, election_id: str, code: str) -> bytes:
        """A challenged ballot's encoding, for the guardians who open it."""
        code = normalize_code(code)
        if code not in self.challenged_codes(election_id):
            raise NotFoundError(f"{code} is not a challenged ballot of election {election_id!r}")
        row = self._store.ballot(election_id, code)
        if row is None:
            raise NotFoundError(f"no ballot {code}")
        return row.data

    def decrypted_tally(self, election_id: str) -> DecryptedTally | None:
        """The decrypted tally once published, else None."""
        data = self._store.artifact(election_id, _TALLY)
        return decode_tally(data, self.context(election_id).group) if data is not None else None

    def decrypted_tally_document(self, election_id: str) -> bytes | None:
        return self._store.artifact(election_id, _TALLY)

    def openings(self, election_id: str) -> list[ChallengedBallot]:
        """The challenged ballots as the guardians opened them, once published."""
        return list(self._iter_openings(election_id))

    def _iter_openings(self, election_id: str) -> Iterator[ChallengedBallot]:
        """``openings``, decoded one at a time."""
        group = self.context(election_id).group
        for name in self._store.artifact_names(election_id, "challenged/"):
            data = self._store.artifact(election_id, name)
            if data is not None:
                yield decode_challenged(data, group, name)

    def opening(self, election_id: str, code: str) -> tuple[str, bytes]:
        """One challenged ballot's opening as published with the tally, its record file's name and
        bytes: ``challenged/<code>.json`` (the guardians' decrypted nonce opened it) or
        ``unopened/<code>.json`` (it did not: the device encrypted another nonce)."""
        code = normalize_code(code)
        for name in (f"challenged/{code}.json", f"unopened/{code}.json"):
            data = self._store.artifact(election_id, name)
            if data is not None:
                return name, data
        raise NotFoundError(
            f"ballot {code} is not opened yet: the guardians open the challenged ballots when they decrypt the tally"
        )

    def unopened(self, election_id: str) -> list[UnopenedBallot]:
        """The challenged ballots that did not open (a device encrypted another nonce), once published."""
        group = self.context(election_id).group
        return [
            decode_unopened(data, group, name)
            for name, data in sorted(self._store.artifacts(election_id, "unopened/").items())
        ]

    # -- the decryption -------------------------------------------------------------------------

    def start_decryption(self, election_id: str, present: Sequence[int], *, abandon: bool = False) -> int:
        """Start a decryption round with the guardians present (at least k); its number.

        A round in progress must be abandoned explicitly (``abandon``) to start another: both go
        onto the bulletin board."""
        context = self.context(election_id)
        with self._store.transaction(election_id) as tx:
            return Rounds(tx, context, self._clock).start(present, self._clock(), abandon=abandon)

    def decryption_status(self, election_id: str) -> DecryptionStatus:
        """The current round's progress (round 0 with nobody named before the first round).

        A plain read, not a unit of work: it never waits for a step in progress."""
        return current_status(self._store.artifacts(election_id, "decryption/"))

    def post(self, election_id: str, step: str, guardian: int, data: bytes, signature: bytes) -> bool:
        """Store a guardian's signed message of the current round once checked; True when the
        decryption is finished (this message, or an earlier one, completed it)."""
        context = self.context(election_id)
        tally = self.encrypted_tally(election_id)
        with self._store.transaction(election_id) as tx:
            return Rounds(tx, context, self._clock).post(tally, step, guardian, data, signature)

    def decrypt_here(
        self, election_id: str, guardians: Sequence[DecryptingGuardian], progress: Progress | None = None
    ) -> DecryptedTally:
        """Decrypt with guardians whose keys are in this process, by the same signed messages a
        remote decryption exchanges, in one round stored in one transaction (a failure stores
        nothing, not even the round).

        The same messages carry the guardians' decryption of every challenged ballot's contest
        data, with the joint proofs of §3.6.6 (``contest_data/<code>.json``, Verification 12)."""
        progress = progress or NoProgress()
        context = self.context(election_id)
        present = present_guardians(context, [guardian.index for guardian in guardians])
        tally = self.encrypted_tally(election_id)
        group = context.group
        challenged = [
            decode_ballot(self.challenged_ballot(election_id, code), group, f"ballot {code}").ballot
            for code in self.challenged_codes(election_id)
        ]
        by_index = {guardian.index: guardian for guardian in guardians}
        progress.start("Guardians decrypting", 3 * len(guardians))
        with self._store.transaction(election_id) as tx:
            rounds = Rounds(tx, context, self._clock)
            current = rounds.current()
            number = rounds.start(present, self._clock(), abandon=current is not None)

            def post(step: str, index: int, body: bytes) -> None:
                rounds.post(tally, step, index, body, signed(by_index[index].sign, context, number, step, index, body))
                progress.advance()

            partials, data_shares = [], []
            for guardian in guardians:
                mine = guardian.commit(tally, present)
                shares = {ballot.code_hex: guardian.nonce_share(ballot) for ballot in challenged}
                mine_data = guardian.commit_contest_data(challenged, present)
                message = CommitMessage(guardian.index, tuple(present), tuple(mine), shares, tuple(mine_data))
                post("commit", guardian.index, encode_commit(group, message))
                partials.extend(mine)
                data_shares.extend(mine_data)
            reveals, data_reveals = [], []
            for guardian in guardians:
                revealed = guardian.reveal(partials)
                revealed_data = guardian.reveal_contest_data(data_shares)
                post("reveal", guardian.index, encode_reveal(group, guardian.index, revealed, revealed_data))
                reveals.extend(revealed)
                data_reveals.extend(revealed_data)
            for guardian in guardians:
                responses = guardian.respond(partials, reveals)
                data_responses = guardian.respond_contest_data(data_shares, data_reveals)
                post("respond", guardian.index, encode_respond(group, guardian.index, responses, data_responses))
        progress.finish()
        decrypted = self.decrypted_tally(election_id)
        if decrypted is None:
            raise DecryptionError("the decryption did not complete")
        return decrypted

    # -- the record -----------------------------------------------------------------------------

    def write_record(
        self,
        election_id: str,
        target: Path,
        *,
        replace: bool = False,
        progress: Progress | None = None,
        signing_seed: bytes = b"",
    ) -> Path:
        """Write the published election record into ``target`` (atomically), signed with
        ``signing_seed`` when the election declared an administrator key (the seed must be its)."""
        declared = self.eligibility(election_id).administrator_key
        sign = None
        if declared:
            if not signing_seed or public_key(signing_seed) != declared:
                raise InputError("this election's record must be signed by the administrator key it declared")
            signer = Ed25519PrivateKey.from_private_bytes(signing_seed)
            sign = signer.sign
        election = self._store.election(election_id)
        rules.require_state(election.state, ElectionState.PUBLISHED, "the record")
        context = self.context(election_id)
        tally = self.decrypted_tally(election_id)
        if tally is None:
            raise ConflictError("the decrypted tally is missing")
        # Everything that grows with the election is streamed from the store.
        return write_record(
            target,
            context,
            self.submitted(election_id),
            self.encrypted_tally(election_id),
            tally,
            self._iter_openings(election_id),
            self._board_entries(election_id),
            board_head=election.board_head,
            created=self._record_created(election_id),
            total_ballots=sum(1 for e in self._board_entries(election_id) if e.kind is BoardKind.BALLOT),
            replace=replace,
            progress=progress,
            extra=self._record_extras(election_id),
            sign=sign,
            hints=lambda code: self._store.artifact(election_id, hint_name(code)),
        )

    def _board_entries(self, election_id: str) -> Iterator[BoardEntry]:
        """The board's entries in order, read a page at a time."""
        offset = 0
        while True:
            page = self._store.board(election_id, offset, 500)
            if not page:
                return
            yield from page
            offset = page[-1].position

    def _record_created(self, election_id: str) -> str:
        """When the record was first written: kept, so that every later export of the published
        record is the same, byte for byte (the paper audit's log is anchored to its digest)."""
        stored = self._store.artifact(election_id, RECORD_CREATED)
        if stored is None:
            with contextlib.suppress(ConflictError), self._store.transaction(election_id) as tx:
                tx.put_artifact(RECORD_CREATED, self._clock().encode("utf-8"))
            stored = self._store.artifact(election_id, RECORD_CREATED)
        if stored is None:
            raise ConflictError("the record's creation time could not be kept")
        return stored.decode("utf-8")

    def _record_extras(self, election_id: str) -> Mapping[str, bytes]:
        """The decryption's rounds and signed messages, the unopened ballots and the eligibility
        files, as record files: read from the store one at a time, as they are written."""
        files = self._store.election(election_id).files
        stored: dict[str, str] = {}
        for prefix in ("unopened/", "contest_data/", "credentials/"):
            stored.update((name, name) for name in self._store.artifact_names(election_id, prefix))
        if self._store.artifact_names(election_id, SUPERSEDED):
            stored[SUPERSEDED] = SUPERSEDED
        for name in self._store.artifact_names(election_id, "decryption/"):
            parts = name.split("/")
            if len(parts) == 4:  # decryption/round-<n>/<step>/<i>[.sig]
                index, _, suffix = parts[3].partition(".")
                stored[f"{'/'.join(parts[:3])}/guardian_{index}.{suffix or 'json'}"] = name
            else:
                stored[name] = name
        eligibility = {name: files[name] for name in ELIGIBILITY_FILES if name in files}
        return _StoredFiles(eligibility, stored, lambda name: self._store.artifact(election_id, name))


class _StoredFiles(Mapping[str, bytes]):
    """Record files by name: some in memory, the rest read from the store when asked for."""

    def __init__(
        self, present: Mapping[str, bytes], stored: Mapping[str, str], read: Callable[[str], bytes | None]
    ) -> None:
        self._present = present
        self._stored = stored
        """Record name to artifact name."""
        self._read = read

    def __getitem__(self, name: str) -> bytes:
        if name in self._present:
            return self._present[name]
        data = self._read(self._stored[name])
        if data is None:
            raise KeyError(name)
        return data

    def __iter__(self) -> Iterator[str]:
        yield from self._present
        yield from (name for name in self._stored if name not in self._present)

    def __len__(self) -> int:
        return len(self._present) + sum(1 for name in self._stored if name not in self._present)


def _code_of(data: bytes) -> str:
    """The confirmation code a ballot document claims, for the idempotent-retry lookup only."""
    match = re.search(rb'"confirmation_code":"([0-9A-F]{64})"', data)
    return match.group(1).decode("ascii") if match else ""
