"""Check B: the bulletin board is an unbroken hash chain, and it agrees with the ballots.

Deleting, inserting or reordering a board entry breaks the chain (B.1). A ballot without its
board entry, an entry without its ballot, or a decision that differs from the ballot's state is
a ballot slipped in, lost or altered (B.2, B.3). After the closing of voting only decryption
rounds follow, each naming the SHA-256 of its round document ``decryption/round-<n>.json``; the
last entry's hash is the head published in record.json (B.4).

The board is read one entry at a time and what it says of each ballot goes into the scratch
database, so that the check's memory does not grow with the election.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from nazaha.record.board import BoardEntry, BoardKind, entry_hash, genesis_hash, stream_board
from nazaha.record.stream import StreamedDocument
from nazaha.verify.findings import Findings
from nazaha.verify.scratch import Scratch

__all__ = ["BoardSummary", "check_board"]

BOARD_FILE = "board.json"


@dataclass(slots=True)
class BoardSummary:
    """What the eligibility check needs from the board: the opening's commitment and the
    credential updates, with their positions."""

    opened: str | None = None
    """The ``open`` entry's code (the eligibility commitment), if the board has one."""
    updates: list[tuple[int, str]] = field(default_factory=list)
    """(position, code) of each ``credential`` entry, in order."""


def check_board(
    root: Path, extended_hash: bytes, index_head: str, scratch: Scratch, findings: Findings
) -> BoardSummary:
    """Check the board against the ballots already in ``scratch`` (code and state of each
    ballot file) and against ``index_head``, the head hash that record.json publishes."""
    genesis = genesis_hash(extended_hash)
    header = StreamedDocument(BOARD_FILE)
    walk = _BoardWalk(root, scratch, findings, previous=genesis)
    position = 0
    for position, entry in enumerate(stream_board(root / BOARD_FILE, header), start=1):
        walk.step(position, entry)
    if not walk.closed:
        findings.fail("B.4", BOARD_FILE, "the board does not close voting")
    if (root / "decryption" / f"round-{walk.rounds + 1}.json").exists():
        findings.fail("B.4", f"decryption/round-{walk.rounds + 1}.json", "a decryption round the board does not show")
    head = walk.previous if position else genesis
    if head != header.scalars["head"] or index_head != head:
        findings.fail("B.4", BOARD_FILE, "the published head hash is not the hash of the last entry")
    _check_ballots_against_board(scratch, findings)
    return walk.summary


@dataclass(slots=True)
class _BoardWalk:
    """The board read one entry at a time: where voting stands, and the chain so far."""

    root: Path
    scratch: Scratch
    findings: Findings
    previous: str
    summary: BoardSummary = field(default_factory=BoardSummary)
    closed: bool = False
    rounds: int = 0

    def step(self, position: int, entry: BoardEntry) -> None:
        self.findings.count("B")
        subject = f"board entry {entry.position}"
        self._phase(position, entry, subject)
        self._link(position, entry, subject)
        if entry.kind in (BoardKind.DECRYPT, BoardKind.OPEN, BoardKind.CREDENTIAL):
            return
        if entry.kind is BoardKind.CLOSE:
            if self.closed:
                self.findings.fail("B.4", subject, "voting is closed twice")
            self.closed = True
            return
        self._ballot_event(entry, subject)

    def _phase(self, position: int, entry: BoardEntry, subject: str) -> None:
        """B.4: the opening first, credentials while voting is open, only rounds after closing."""
        fail = self.findings.fail
        if entry.kind is BoardKind.OPEN:
            if position != 1 or self.summary.opened is not None:
                fail("B.4", subject, "voting is opened anywhere but at the board's first entry")
            self.summary.opened = entry.code
        elif entry.kind is BoardKind.CREDENTIAL:
            if self.summary.opened is None or self.closed:
                fail("B.4", subject, "a credential is replaced while voting is not open")
            self.summary.updates.append((entry.position, entry.code))
        if entry.kind is BoardKind.DECRYPT:
            self.rounds += 1
            if not self.closed:
                fail("B.4", subject, "a decryption round starts before voting is closed")
            _check_round(self.root, self.rounds, entry.code, subject, self.findings)
        elif self.closed:
            fail("B.4", subject, "an entry other than a decryption round follows the closing of voting")

    def _link(self, position: int, entry: BoardEntry, subject: str) -> None:
        """B.1: the entry's position, its link to the one before, and its own hash."""
        fail = self.findings.fail
        if entry.position != position:
            fail("B.1", subject, f"expected position {position}: an entry is missing or moved")
        if entry.previous != self.previous:
            fail("B.1", subject, "does not link to the entry before it: the chain is broken")
        if entry_hash(entry.position, entry.kind, entry.code, entry.previous, entry.recorded_at) != entry.hash:
            fail("B.1", subject, "its hash does not match its content")
        self.previous = entry.hash

    def _ballot_event(self, entry: BoardEntry, subject: str) -> None:
        """B.2: a ballot received once, then decided once."""
        fail = self.findings.fail
        if entry.kind is BoardKind.BALLOT:
            if not self.scratch.receive(entry.code, entry.position):
                fail("B.2", subject, f"ballot {entry.code[:16]}… is received twice")
            return
        received, decided = self.scratch.board_state(entry.code)
        if not received:
            fail("B.2", subject, f"ballot {entry.code[:16]}… is decided before it is received")
        if decided is not None:
            fail("B.2", subject, f"ballot {entry.code[:16]}… is decided twice")
        self.scratch.decide(entry.code, "cast" if entry.kind is BoardKind.CAST else "challenged")


def _check_ballots_against_board(scratch: Scratch, findings: Findings) -> None:
    """B.3: every ballot of the record was received, and decided as the record says."""
    for code, state, received, decision in scratch.ballots_against_board():
        subject = f"ballot {code[:16]}…"
        if not received:
            findings.fail("B.3", subject, "is in the record but was never received on the board: a ballot slipped in")
        elif decision != state:
            findings.fail("B.3", subject, f"is {state} in the record but {decision or 'undecided'} on the board")
    for code in scratch.received_without_ballot():
        findings.fail("B.3", f"ballot {code[:16]}…", "was received on the board but is missing from the record")


def _check_round(root: Path, number: int, code: str, subject: str, findings: Findings) -> None:
    """The board's n-th ``decrypt`` entry names the SHA-256 of ``decryption/round-<n>.json``."""
    name = f"decryption/round-{number}.json"
    try:
        document = (root / name).read_bytes()
    except OSError:
        findings.fail("B.4", subject, f"decryption round {number} is on the board, but {name} is not in the record")
        return
    if hashlib.sha256(document).hexdigest().upper() != code:
        findings.fail("B.4", subject, f"does not name the hash of {name}: the round document was altered")
