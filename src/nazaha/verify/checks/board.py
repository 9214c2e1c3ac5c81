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

from nazaha.record.board import BoardKind, entry_hash, genesis_hash, stream_board
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
    previous = genesis
    header = StreamedDocument(BOARD_FILE)
    summary = BoardSummary()
    closed = False
    rounds = 0
    position = 0
    for position, entry in enumerate(stream_board(root / BOARD_FILE, header), start=1):
        findings.count("B")
        subject = f"board entry {entry.position}"
        if entry.kind is BoardKind.OPEN:
            if position != 1 or summary.opened is not None:
                findings.fail("B.4", subject, "voting is opened anywhere but at the board's first entry")
            summary.opened = entry.code
        elif entry.kind is BoardKind.CREDENTIAL:
            if summary.opened is None or closed:
                findings.fail("B.4", subject, "a credential is replaced while voting is not open")
            summary.updates.append((entry.position, entry.code))
        if entry.kind is BoardKind.DECRYPT:
            rounds += 1
            if not closed:
                findings.fail("B.4", subject, "a decryption round starts before voting is closed")
            _check_round(root, rounds, entry.code, subject, findings)
        elif closed:
            findings.fail("B.4", subject, "an entry other than a decryption round follows the closing of voting")
        if entry.position != position:
            findings.fail("B.1", subject, f"expected position {position}: an entry is missing or moved")
        if entry.previous != previous:
            findings.fail("B.1", subject, "does not link to the entry before it: the chain is broken")
        if entry_hash(entry.position, entry.kind, entry.code, entry.previous, entry.recorded_at) != entry.hash:
            findings.fail("B.1", subject, "its hash does not match its content")
        previous = entry.hash
        if entry.kind in (BoardKind.DECRYPT, BoardKind.OPEN, BoardKind.CREDENTIAL):
            continue
        if entry.kind is BoardKind.CLOSE:
            if closed:
                findings.fail("B.4", subject, "voting is closed twice")
            closed = True
            continue
        if entry.kind is BoardKind.BALLOT:
            if not scratch.receive(entry.code, entry.position):
                findings.fail("B.2", subject, f"ballot {entry.code[:16]}… is received twice")
            continue
        received, decided = scratch.board_state(entry.code)
        if not received:
            findings.fail("B.2", subject, f"ballot {entry.code[:16]}… is decided before it is received")
        if decided is not None:
            findings.fail("B.2", subject, f"ballot {entry.code[:16]}… is decided twice")
        scratch.decide(entry.code, "cast" if entry.kind is BoardKind.CAST else "challenged")
    if not closed:
        findings.fail("B.4", BOARD_FILE, "the board does not close voting")
    if (root / "decryption" / f"round-{rounds + 1}.json").exists():
        findings.fail("B.4", f"decryption/round-{rounds + 1}.json", "a decryption round the board does not show")
    head = previous if position else genesis
    if head != header.scalars["head"] or index_head != head:
        findings.fail("B.4", BOARD_FILE, "the published head hash is not the hash of the last entry")
    for code, state, received, decision in scratch.ballots_against_board():
        subject = f"ballot {code[:16]}…"
        if not received:
            findings.fail("B.3", subject, "is in the record but was never received on the board: a ballot slipped in")
        elif decision != state:
            findings.fail("B.3", subject, f"is {state} in the record but {decision or 'undecided'} on the board")
    for code in scratch.received_without_ballot():
        findings.fail("B.3", f"ballot {code[:16]}…", "was received on the board but is missing from the record")
    return summary


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
