"""The ballot-box service's use cases, independent of HTTP: the election lifecycle
(``nazaha.workflows.lifecycle``) plus what a networked ballot box adds to it.

* **Receipts**: each accepted ballot gets a receipt signed with the service's Ed25519 key,
  holding its board position and entry hash, and a decision token (an HMAC of the service
  secret) without which nobody can cast or challenge that ballot.
* **Read models**: what the API and the pages show (elections, the board, a ballot's history,
  results, the decryption's progress), as plain views. The store stays private to the
  workflows: the service never reaches into it.
* **Officials' sessions** (``nazaha.workflows.officials``) over a ``SessionStore`` in the same
  database as the elections, so that every worker process shares them.
* **Opening a store** from a database URL, so that the service layer needs no storage import.
* **The service secret** (the HMAC key of decision tokens and the seed of the receipt key): from
  a secret file outside the database when one is given (``load_service_secret``), else stored
  with the elections (tests, demonstrations; see docs/decisions.md for the trade-off).

Every election id and confirmation code from outside is checked here before any store sees it:
an id that could not name an election (a NUL, a newline, a capital) is simply not found, and a
code must be 64 ASCII hex digits (a ligature such as 'ﬀ' is not upper-cased into 'FF').
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import re
import secrets
import shutil
import tempfile
import threading
import weakref
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from nazaha.election.ballot import BallotState
from nazaha.election.context import ElectionContext
from nazaha.election.tally import ChallengedBallot, DecryptedTally, EncryptedTally
from nazaha.errors import (
    AuthorizationError,
    ConflictError,
    InputError,
    MissingDependencyError,
    NotFoundError,
    StorageError,
)
from nazaha.record.board import BoardEntry, BoardKind
from nazaha.record.paper_audit import AUDIT_DIR
from nazaha.storage.ports import ElectionRow, ElectionStore
from nazaha.storage.sessions import MemorySessions, SessionStore
from nazaha.voting.ballot_box import ElectionState, ballot_decision
from nazaha.workflows.clock import utc_now
from nazaha.workflows.decryption import PUBLISHED_AT
from nazaha.workflows.lifecycle import DecryptionStatus, ElectionLifecycle, normalize_code
from nazaha.workflows.officials import OfficialSessions
from nazaha.workflows.paper_audit import PaperAudit
from nazaha.workflows.service_audit import AuditDecryption, StoreAuditFiles

__all__ = [
    "BallotBoxService",
    "BallotView",
    "ElectionView",
    "EntryView",
    "Receipt",
    "default_secret_file",
    "load_service_secret",
    "open_ballot_box",
]

_ELECTION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,78}[a-z0-9]")
"""The ids ``ElectionLifecycle.create`` gives or accepts: nothing else can name an election."""
_MAX_POSITION = (1 << 31) - 1
_SECRET_BYTES = 32


def _election_id(election_id: str) -> str:
    if not _ELECTION_ID.fullmatch(election_id):
        raise NotFoundError(f"no election {election_id[:80]!r}")
    return election_id


def _code(code: str) -> str:
    if not code.isascii():
        raise InputError(f"{code[:80]!r} is not a confirmation code (64 hex digits)")
    return normalize_code(code)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the voter gets back for a ballot accepted at the door."""

    election: str
    confirmation_code: str
    position: int
    entry_hash: str
    recorded_at: str
    decision_token: str = field(repr=False)
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
class EntryView:
    """A bulletin-board entry as the API and the pages show it."""

    position: int
    kind: str
    """ballot, cast, challenge or close."""
    code: str
    previous: str
    recorded_at: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "kind": self.kind,
            "code": self.code,
            "previous": self.previous,
            "recorded_at": self.recorded_at,
            "hash": self.hash,
        }


def _view(entry: BoardEntry) -> EntryView:
    return EntryView(entry.position, entry.kind.value, entry.code, entry.previous, entry.recorded_at, entry.hash)


@dataclass(frozen=True, slots=True)
class ElectionView:
    """An election as the API and the pages show it (without its files)."""

    id: str
    label: str
    state: ElectionState
    created_at: str
    board_length: int
    board_head: str
    context: ElectionContext = field(repr=False)


@dataclass(frozen=True, slots=True)
class BallotView:
    """A ballot as anyone can look it up by its confirmation code."""

    code: str
    device: str
    received_at: str
    state: str
    """pending, cast or challenged."""
    entries: list[EntryView]


@dataclass(frozen=True, slots=True)
class Timeline:
    created: str
    first_ballot: str | None
    last_entry: str | None
    closed_at: str | None
    published_at: str | None = None


class BallotBoxService:
    """The ballot box over an ``ElectionStore``; thread-safe as long as the store is."""

    def __init__(
        self,
        store: ElectionStore,
        *,
        clock: Callable[[], str] = utc_now,
        secret: bytes | None = None,
        sessions: SessionStore | None = None,
    ) -> None:
        """``secret``: the service secret (``load_service_secret``); without one, the store keeps
        it. ``sessions``: where officials' sessions live; by default the SQL store's database,
        or memory for other stores."""
        self._store = store
        self._clock = clock
        self.lifecycle = ElectionLifecycle(store, clock=clock)
        if secret is not None and len(secret) < _SECRET_BYTES:
            raise InputError(f"the service secret must have at least {_SECRET_BYTES} bytes")
        if secret is None:
            secret = store.service_secret(secrets.token_bytes(_SECRET_BYTES))
        self._secret = secret
        self.sessions = sessions if sessions is not None else _sessions_for(store)
        self._signing = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"nazaha receipt key" + secret).digest())
        # The record key signs the records this box publishes (declared in each election it
        # creates); the receipt key signs what it promises each voter. Both come from the secret.
        self._record_seed = hashlib.sha256(b"nazaha record key" + secret).digest()
        self.record_key = (
            Ed25519PrivateKey.from_private_bytes(self._record_seed)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        self.public_key = self._signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex().upper()
        self._sealed: dict[str, Path] = {}
        self._sealed_locks: dict[str, threading.Lock] = {}
        self._sealed_lock = threading.Lock()
        self._sealed_root = Path(tempfile.mkdtemp(prefix="nazaha-sealed-"))
        weakref.finalize(self, shutil.rmtree, self._sealed_root, ignore_errors=True)

    def officials(
        self, admin_token: str, *, lifetime: int = 8 * 3600, attempts: int = 10, window: int = 300
    ) -> OfficialSessions:
        """Sign-in and sessions for the officials, who hold ``admin_token``."""
        return OfficialSessions(self.sessions, admin_token, lifetime=lifetime, attempts=attempts, window=window)

    def close_store(self) -> None:
        """Release the store's connections (a SQL store's pool), if it has any."""
        dispose = getattr(self._store, "dispose", None)
        if callable(dispose):
            dispose()

    # -- the lifecycle ------------------------------------------------------------------------

    def create_election(self, files: Mapping[str, bytes], election_id: str | None = None) -> ElectionView:
        """Create an election from the public files of a key ceremony (checked in full)."""
        if election_id is not None and not _ELECTION_ID.fullmatch(election_id):
            raise InputError(f"election id {election_id[:120]!r}: use 2 to 80 lowercase letters, digits and hyphens")
        return self._election_view(self.lifecycle.create(files, election_id, administrator_key=self.record_key))

    def context(self, election_id: str) -> ElectionContext:
        election_id = _election_id(election_id)
        return self.lifecycle.context(election_id)

    def open_voting(self, election_id: str) -> ElectionView:
        election_id = _election_id(election_id)
        return self._election_view(self.lifecycle.open(election_id))

    def close_voting(self, election_id: str) -> list[EntryView]:
        """Close voting: undecided ballots are challenged (never counted) and the board closed."""
        election_id = _election_id(election_id)
        return [_view(e) for e in self.lifecycle.close(election_id)]

    def submit(self, election_id: str, data: bytes) -> tuple[Receipt, bool]:
        """Verify an encrypted ballot at the door and store it; (receipt, newly stored)."""
        election_id = _election_id(election_id)
        admitted = self.lifecycle.admit(election_id, data)
        return self._receipt(election_id, admitted.row.code, admitted.entry), admitted.created

    def decide(self, election_id: str, code: str, state: BallotState, token: str) -> EntryView:
        """Cast or challenge a ballot; ``token`` is the decision token from its receipt."""
        election_id = _election_id(election_id)
        code = _code(code)
        if not hmac.compare_digest(
            token.encode("utf-8", "surrogatepass"), self.decision_token(election_id, code).encode()
        ):
            self._store.election(election_id)
            raise AuthorizationError("the decision token does not belong to this ballot")
        return _view(self.lifecycle.decide(election_id, code, state))

    def tally(self, election_id: str) -> EncryptedTally:
        election_id = _election_id(election_id)
        return self.lifecycle.tally(election_id)

    def start_decryption(self, election_id: str, present: Sequence[int], *, abandon: bool = False) -> int:
        """Start a decryption round (abandoning the one in progress if asked); its number."""
        election_id = _election_id(election_id)
        return self.lifecycle.start_decryption(election_id, present, abandon=abandon)

    def post_message(self, election_id: str, step: str, guardian: int, data: bytes, signature: bytes) -> bool:
        """Store a guardian's signed decryption message once checked; True when the decryption finished."""
        election_id = _election_id(election_id)
        return self.lifecycle.post(election_id, step, guardian, data, signature)

    def write_record(self, election_id: str, target: Path) -> Path:
        """Write the published election record into ``target`` (atomically), with its paper
        audit so far in ``audit/`` when one was started."""
        election_id = _election_id(election_id)
        record = self.lifecycle.write_record(election_id, target, signing_seed=self._record_seed)
        for name, data in sorted(StoreAuditFiles(self._store, election_id).files().items()):
            path = record / AUDIT_DIR / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return record

    def record_zip(self, election_id: str) -> bytes:
        """The published election record as a zip file (one folder, ``<id>-record/``)."""
        election_id = _election_id(election_id)
        workdir = Path(tempfile.mkdtemp(prefix="nazaha-record-"))
        try:
            record = self.write_record(election_id, workdir / "record")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(record.rglob("*")):
                    if path.is_file():
                        archive.write(path, f"{election_id}-record/{path.relative_to(record)}")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return buffer.getvalue()

    # -- the paper audit ------------------------------------------------------------------------

    def sealed_record(self, election_id: str) -> Path:
        """The sealed record of a published election (without its audit), written once per
        process into a private temporary folder (removed with this object): the paper audit
        reads its cards and ballots there. Every export of a published record is the same, byte
        for byte, so each process's copy is the same record."""
        election_id = _election_id(election_id)
        with self._sealed_lock:
            lock = self._sealed_locks.setdefault(election_id, threading.Lock())
        with lock:  # one election's first export does not hold up the others
            found = self._sealed.get(election_id)
            if found is not None and (found / "record.json").is_file():
                return found
            folder = self._sealed_root / election_id
            shutil.rmtree(folder, ignore_errors=True)
            try:
                record = self.lifecycle.write_record(election_id, folder / "record", signing_seed=self._record_seed)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            self._sealed[election_id] = record
            return record

    def paper_audit(self, election_id: str) -> PaperAudit:
        """The paper audit of a published election, its files in this box's store."""
        election_id = _election_id(election_id)
        state = self._store.election(election_id).state
        if state is not ElectionState.PUBLISHED:
            raise ConflictError(f"election {election_id!r} is {state.value}: a paper audit starts once it is published")
        return PaperAudit(
            self.sealed_record(election_id), clock=self._clock, files=StoreAuditFiles(self._store, election_id)
        )

    def audit_decryption(self, election_id: str) -> AuditDecryption:
        """The guardians' decryption of the sampled ballots, round by round, through this box."""
        audit = self.paper_audit(election_id)
        return AuditDecryption(self._store, _election_id(election_id), self.context(election_id), audit, self._clock)

    # -- receipts -------------------------------------------------------------------------------

    def decision_token(self, election_id: str, code: str) -> str:
        return hmac.new(self._secret, f"decision\x00{election_id}\x00{code}".encode(), hashlib.sha256).hexdigest()[:32]

    def _receipt(self, election_id: str, code: str, entry: BoardEntry) -> Receipt:
        body = _ReceiptBody("nazaha-receipt/1", election_id, code, entry.position, entry.hash, entry.recorded_at)
        signature = self._signing.sign(msgspec.json.encode(body)).hex().upper()
        return Receipt(
            election=election_id,
            confirmation_code=code,
            position=entry.position,
            entry_hash=entry.hash,
            recorded_at=entry.recorded_at,
            decision_token=self.decision_token(election_id, code),
            signature=signature,
            public_key=self.public_key,
        )

    # -- read models ----------------------------------------------------------------------------

    def _election_view(self, row: ElectionRow) -> ElectionView:
        return ElectionView(
            row.id,
            row.label,
            row.state,
            row.created_at,
            row.board_length,
            row.board_head,
            self.lifecycle.context(row.id),
        )

    def elections(self) -> list[ElectionView]:
        return [self._election_view(row) for row in self._store.elections()]

    def election(self, election_id: str) -> ElectionView:
        election_id = _election_id(election_id)
        return self._election_view(self._store.election(election_id))

    def check_health(self) -> None:
        """Raise ``StorageError`` if the store cannot be read."""
        self._store.elections()

    def election_file(self, election_id: str, name: str) -> bytes:
        election_id = _election_id(election_id)
        files = self._store.election(election_id).files
        if name not in files:
            raise NotFoundError(f"election {election_id!r} has no file {name[:120]!r}")
        return files[name]

    def lookup(self, election_id: str, code: str) -> BallotView:
        election_id = _election_id(election_id)
        code = _code(code)
        row = self._store.ballot(election_id, code)
        if row is None:
            self._store.election(election_id)
            raise NotFoundError(f"no ballot with confirmation code {code} in election {election_id!r}")
        entries = self._store.entries_for(election_id, code)
        decision = ballot_decision(e.kind for e in entries)
        state = "pending" if decision is None else "cast" if decision is BoardKind.CAST else "challenged"
        return BallotView(row.code, row.device, row.received_at, state, [_view(e) for e in entries])

    def board(self, election_id: str, offset: int, limit: int) -> tuple[ElectionView, list[EntryView]]:
        election_id = _election_id(election_id)
        election = self.election(election_id)
        offset = min(max(0, offset), election.board_length, _MAX_POSITION)
        entries = self._store.board(election_id, offset, max(1, min(limit, 500)))
        return election, [_view(e) for e in entries]

    def search_board(self, election_id: str, prefix: str, limit: int) -> list[EntryView]:
        """The board entries of the ballots whose confirmation code starts with ``prefix``."""
        election_id = _election_id(election_id)
        cleaned = re.sub(r"[\s-]+", "", prefix).upper()
        if not prefix.isascii() or not re.fullmatch(r"[0-9A-F]{1,64}", cleaned):
            return []
        self._store.election(election_id)
        return [
            _view(entry)
            for code in self._store.codes_with_prefix(election_id, cleaned, limit)
            for entry in self._store.entries_for(election_id, code)
        ]

    def timeline(self, election_id: str) -> Timeline:
        election_id = _election_id(election_id)
        row = self._store.election(election_id)
        first = self._store.board(election_id, 0, 1)
        last = self._store.board(election_id, row.board_length - 1, 1) if row.board_length else []
        closing = [entry for entry in last if entry.kind is BoardKind.CLOSE]
        return Timeline(
            created=row.created_at,
            first_ballot=first[0].recorded_at if first else None,
            last_entry=last[0].recorded_at if last else None,
            closed_at=closing[0].recorded_at if closing else None,
            published_at=published.decode("utf-8")
            if (published := self._store.artifact(election_id, PUBLISHED_AT))
            else None,
        )

    def decrypted_tally(self, election_id: str) -> DecryptedTally | None:
        election_id = _election_id(election_id)
        self._store.election(election_id)
        return self.lifecycle.decrypted_tally(election_id)

    def decrypted_tally_document(self, election_id: str) -> bytes | None:
        election_id = _election_id(election_id)
        self._store.election(election_id)
        return self.lifecycle.decrypted_tally_document(election_id)

    def encrypted_tally_document(self, election_id: str) -> bytes | None:
        election_id = _election_id(election_id)
        return self.lifecycle.encrypted_tally_document(election_id)

    def openings(self, election_id: str) -> list[ChallengedBallot]:
        election_id = _election_id(election_id)
        return self.lifecycle.openings(election_id)

    def replace_credential(self, election_id: str, update: bytes) -> EntryView:
        """Post the credential authority's replacement of a lost credential (on the board)."""
        return _view(self.lifecycle.update_credential(_election_id(election_id), update))

    def ballots_of_credential(self, election_id: str, key: str) -> list[BallotView]:
        """The ballots signed by the credential key ``key``: a voter checks nobody voted in their name."""
        election_id = _election_id(election_id)
        cleaned = key.strip().upper()
        if not cleaned.isascii() or not re.fullmatch(r"[0-9A-F]{64}", cleaned):
            raise InputError("a credential's public key is 64 hexadecimal digits")
        self._store.election(election_id)
        return [
            self.lookup(election_id, row.code) for row in self._store.ballots_of_credential(election_id, cleaned, 100)
        ]

    def eligibility_summary(self, election_id: str) -> dict[str, object]:
        """The election's eligibility rules as observers see them: mode, policy, list size and hash."""
        election_id = _election_id(election_id)
        eligibility = self.lifecycle.eligibility(election_id)
        files = self._store.election(election_id).files
        credentials = files.get("credentials.json")
        return {
            "mode": eligibility.mode.value,
            "policy": eligibility.policy.value,
            "credentials": len(eligibility.credentials.keys) if eligibility.credentials else 0,
            "credentials_sha256": hashlib.sha256(credentials).hexdigest().upper() if credentials else "",
            "devices": [{"device": d.device, "precinct": d.precinct} for d in eligibility.devices],
            "administrator_key": eligibility.administrator_key.hex().upper(),
        }

    def credentials_voted(self, election_id: str) -> int:
        """How many credential keys have a cast ballot."""
        return self.lifecycle.credentials_voted(_election_id(election_id))

    def challenged_document(self, election_id: str, code: str) -> bytes:
        """A challenged ballot's encrypted document, as the ballot box holds it: what the challenge
        checker page re-opens with the nonce the booth released (cast and pending ballots: 404)."""
        election_id = _election_id(election_id)
        view = self.lookup(election_id, code)
        if view.state != "challenged":
            raise NotFoundError(f"ballot {view.code} is not challenged")
        row = self._store.ballot(election_id, view.code)
        if row is None:
            raise NotFoundError(f"no ballot {view.code}")
        return row.data

    def challenged_opening(self, election_id: str, code: str) -> tuple[str, bytes]:
        """A challenged ballot's opening by the guardians, once the tally is published: the record
        file's name and bytes (``Lifecycle.opening``); 404 for a ballot that is not challenged
        and, before the decryption, for one that is."""
        election_id = _election_id(election_id)
        view = self.lookup(election_id, code)
        if view.state != "challenged":
            raise NotFoundError(f"ballot {view.code} is not challenged")
        return self.lifecycle.opening(election_id, view.code)

    def challenged_codes(self, election_id: str) -> list[str]:
        election_id = _election_id(election_id)
        return self.lifecycle.challenged_codes(election_id)

    def challenged_ballot(self, election_id: str, code: str) -> bytes:
        election_id = _election_id(election_id)
        return self.lifecycle.challenged_ballot(election_id, _code(code))

    def decryption_status(self, election_id: str) -> DecryptionStatus:
        election_id = _election_id(election_id)
        self._store.election(election_id)
        return self.lifecycle.decryption_status(election_id)


def _sessions_for(store: ElectionStore) -> SessionStore:
    """Officials' sessions in the SQL store's own database (shared by worker processes), else in memory."""
    engine = getattr(store, "engine", None)
    if engine is None:
        return MemorySessions()
    from nazaha.storage.sql.sessions import SqlSessions  # noqa: PLC0415  (SQLAlchemy: the service extra)

    return SqlSessions(engine)


def default_secret_file(database_url: str) -> Path:
    """Where the service secret lives when no file is named: beside a SQLite database file
    (``nazaha.db`` -> ``nazaha.db.secret``), else ``nazaha.secret`` in the current folder."""
    if database_url.startswith("sqlite:///"):
        path = database_url[len("sqlite:///") :].split("?", 1)[0]
        if path and path != ":memory:":
            return Path(path + ".secret")
    return Path("nazaha.secret")


def load_service_secret(path: Path) -> bytes:
    """The service secret from ``path`` (64 or more hex digits), created with mode 0600 when
    missing. Refused if others may read it: whoever holds it can compute every decision token
    and sign receipts."""
    try:
        _create_secret_file(path)
        status = path.stat()
        if status.st_mode & 0o077:
            raise InputError(f"{path}: the service secret must be readable by its owner only (chmod 600 {path})")
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise StorageError(f"cannot read the service secret {path}: {type(error).__name__}") from None
    if not re.fullmatch(r"(?:[0-9a-fA-F]{2}){32,}", text):
        raise InputError(f"{path}: the service secret must be 64 or more hex digits")
    return bytes.fromhex(text)


def _create_secret_file(path: Path) -> None:
    """Write a fresh secret to ``path`` unless it exists, atomically (a temporary file linked
    into place), so that worker processes starting together all read the same one."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(_SECRET_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: its secret is the one
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def open_ballot_box(database_url: str, *, migrate: bool = True, secret_file: Path | None = None) -> BallotBoxService:
    """The ballot box over the SQL database at ``database_url`` (SQLite or PostgreSQL), with
    the service secret from ``secret_file`` (by default ``default_secret_file``)."""
    # Imported here: SQLAlchemy comes with the ``service`` extra, and the command line must start
    # (and ``nazaha verify`` run) without it.
    try:
        from nazaha.storage.sql.store import SqlStore  # noqa: PLC0415
    except ModuleNotFoundError as missing:
        raise MissingDependencyError(
            f"the ballot box needs {missing.name!r}, which comes with the service extra: pip install 'nazaha[service]'"
        ) from None
    secret = load_service_secret(secret_file or default_secret_file(database_url))
    return BallotBoxService(SqlStore.open(database_url, migrate=migrate), secret=secret)
