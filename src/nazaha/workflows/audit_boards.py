"""Audit boards entering paper readings on the web (the pages in ``service/pages/audit_board.py``).

Each board signs in with its name, its passcode (given by the officials; only its SHA-256 is kept)
and its two members' names. A board's pull list is its share of the round's containers (the
containers, sorted, dealt to the boards in turn), sorted by container and position; the board
reads one card at a time and enters "read" (with the marks), "blank", "not found" or "ballot
does not match its id". Both members confirm each entry. Each entry goes into the paper audit
(``PaperAudit.enter_readings``) at once and is never changed afterwards.

Sessions are random 256-bit tokens held in memory by this object, valid for ``lifetime`` seconds:
one service process serves the audit boards (``nazaha serve --workers 1``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.errors import AuthorizationError, InputError, NotFoundError
from nazaha.rla.committed import PaperReading
from nazaha.workflows.paper_audit import PaperAudit, PullItem

__all__ = ["AuditBoards", "BoardSession", "audit_boards_from_files"]


@dataclass(frozen=True, slots=True)
class BoardSession:
    board: str
    members: tuple[str, str]
    expires: float
    form_token: str = field(repr=False)


def _digest(passcode: str) -> bytes:
    return hashlib.sha256(b"nazaha audit board\x00" + passcode.encode("utf-8")).digest()


class AuditBoards:
    """The audit boards of one paper audit, their sign-in and their entries."""

    def __init__(
        self,
        audit: PaperAudit | Callable[[], PaperAudit],
        passcodes: Mapping[str, str],
        *,
        lifetime: int = 8 * 3600,
        clock: Callable[[], float] = time.monotonic,
        election: str | None = None,
    ) -> None:
        """``election``: the ballot box's election whose audit this is (None: a record folder's)."""
        if not passcodes:
            raise InputError("name at least one audit board")
        for board, passcode in passcodes.items():
            if not board.strip() or len(passcode) < 8:
                raise InputError(f"audit board {board!r}: a name and a passcode of 8 or more characters")
        self._audit = audit
        self.election = election
        self.boards = tuple(sorted(passcodes))
        self._digests = {board: _digest(passcode) for board, passcode in passcodes.items()}
        self._sessions: dict[str, BoardSession] = {}
        self._lifetime = lifetime
        self._clock = clock

    def __repr__(self) -> str:
        return f"AuditBoards(boards={self.boards!r})"

    @property
    def audit(self) -> PaperAudit:
        """The paper audit the boards enter readings for (made when first needed, for a ballot
        box's election that is published after the service started)."""
        return self._audit if isinstance(self._audit, PaperAudit) else self._audit()

    def manifest(self) -> Manifest:
        return parse_manifest((self.audit.record / "manifest.json").read_bytes(), require_canonical=True)

    def sign_in(self, board: str, passcode: str, members: Sequence[str]) -> str:
        """A session token for ``board``; ``AuthorizationError`` on a wrong name or passcode."""
        expected = self._digests.get(board)
        given = _digest(passcode)
        if expected is None or not hmac.compare_digest(expected, given):
            raise AuthorizationError("wrong audit board or passcode")
        names = tuple(member.strip() for member in members)
        if len(names) != 2 or not all(names) or names[0] == names[1]:
            raise InputError("an audit board signs in with its two members' names")
        token = secrets.token_urlsafe(32)
        self._sessions[token] = BoardSession(
            board, (names[0], names[1]), self._clock() + self._lifetime, secrets.token_urlsafe(16)
        )
        return token

    def session(self, token: str | None) -> BoardSession:
        session = self._sessions.get(token or "")
        if session is None or session.expires < self._clock():
            self._sessions.pop(token or "", None)
            raise AuthorizationError("sign in as an audit board first")
        return session

    def sign_out(self, token: str | None) -> None:
        self._sessions.pop(token or "", None)

    def pull_list(self, board: str) -> list[PullItem]:
        """This board's cards of the current round: its share of the containers, in order."""
        if board not in self.boards:
            raise NotFoundError(f"no audit board {board!r}")
        items = self.audit.pull_list()
        containers = sorted({item.container for item in items})
        mine = {c for number, c in enumerate(containers) if self.boards[number % len(self.boards)] == board}
        return [item for item in items if item.container in mine]

    def progress(self) -> list[tuple[str, int, int]]:
        """(board, cards read, cards on its pull list) of the current round, per board."""
        return [(board, sum(1 for i in items if i.read), len(items)) for board in self.boards for items in
                [self.pull_list(board)]]  # fmt: skip

    def next_card(self, board: str) -> PullItem | None:
        return next((item for item in self.pull_list(board) if not item.read), None)

    def enter(
        self,
        token: str | None,
        form_token: str,
        ballot: str,
        outcome: str,
        marks: Mapping[str, Sequence[str]],
        confirmed: Sequence[str],
    ) -> None:
        """One card's reading, confirmed by both members of the signed-in board."""
        session = self.session(token)
        if not hmac.compare_digest(session.form_token, form_token):
            raise AuthorizationError("the form is stale: reload the page")
        if sorted(confirmed) != sorted(session.members):
            raise InputError("both members of the audit board confirm each entry")
        card = self.next_card(session.board)
        if card is None or card.ballot != ballot:
            raise InputError("this card is not the next one on the board's pull list")
        shown = {name: tuple(options) for name, options in marks.items() if options} if outcome == "read" else {}
        self.audit.enter_readings(
            [PaperReading(ballot, outcome, shown)], board=session.board, members=list(session.members)
        )


def audit_boards_from_files(
    record: Path, boards_file: Path, audit: Callable[[], PaperAudit] | None = None, election: str | None = None
) -> AuditBoards:
    """The audit boards of the paper audit of ``record`` (or of ``audit``, a ballot box's
    election), with passcodes from ``boards_file`` (JSON ``{"Board 1": "passcode", ...}``, kept
    off the command line)."""
    try:
        raw = json.loads(boards_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{boards_file}: cannot be read as JSON ({error})") from None
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise InputError(f'{boards_file}: expected {{"board name": "passcode", ...}}')
    return AuditBoards(audit if audit is not None else PaperAudit(record), raw, election=election)
