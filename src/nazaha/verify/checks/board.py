"""Check B: the bulletin board is an unbroken hash chain, and it agrees with the ballots.

Deleting, inserting or reordering a board entry breaks the chain (B.1). A ballot without its
board entry, an entry without its ballot, or a decision that differs from the ballot's state is
a ballot slipped in, lost or altered (B.2, B.3). The chain ends with the closing of voting,
whose hash is the head published in record.json (B.4).
"""

from __future__ import annotations

from nazaha.record.board import BoardKind, entry_hash, genesis_hash
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21

__all__ = ["check_board"]


def check_board(record: Record21, states: dict[str, str], findings: Findings) -> None:
    """``states`` maps each ballot file's confirmation code to ``cast`` or ``challenged``."""
    entries = record.board
    previous = genesis_hash(record.hashes.extended_hash)
    received: dict[str, int] = {}
    decided: dict[str, str] = {}
    for expected_position, entry in enumerate(entries, start=1):
        findings.count("B")
        subject = f"board entry {entry.position}"
        if entry.position != expected_position:
            findings.fail("B.1", subject, f"expected position {expected_position}: an entry is missing or moved")
        if entry.previous != previous:
            findings.fail("B.1", subject, "does not link to the entry before it: the chain is broken")
        if entry_hash(entry.position, entry.kind, entry.code, entry.previous, entry.recorded_at) != entry.hash:
            findings.fail("B.1", subject, "its hash does not match its content")
        previous = entry.hash
        if entry.kind is BoardKind.CLOSE:
            if expected_position != len(entries):
                findings.fail("B.4", subject, "entries follow the closing of voting")
            continue
        if entry.kind is BoardKind.BALLOT:
            if entry.code in received:
                findings.fail("B.2", subject, f"ballot {entry.code[:16]}… is received twice")
            received[entry.code] = entry.position
            continue
        if entry.code not in received:
            findings.fail("B.2", subject, f"ballot {entry.code[:16]}… is decided before it is received")
        if entry.code in decided:
            findings.fail("B.2", subject, f"ballot {entry.code[:16]}… is decided twice")
        decided[entry.code] = "cast" if entry.kind is BoardKind.CAST else "challenged"
    if not entries or entries[-1].kind is not BoardKind.CLOSE:
        findings.fail("B.4", "board.json", "the board does not end with the closing of voting")
    head = entries[-1].hash if entries else genesis_hash(record.hashes.extended_hash)
    index = record.reader.index
    if head != record.board_head or (index is not None and index.board_head != head):
        findings.fail("B.4", "board.json", "the published head hash is not the hash of the last entry")
    for code, state in states.items():
        subject = f"ballot {code[:16]}…"
        if code not in received:
            findings.fail("B.3", subject, "is in the record but was never received on the board: a ballot slipped in")
        elif decided.get(code) != state:
            findings.fail("B.3", subject, f"is {state} in the record but {decided.get(code, 'undecided')} on the board")
    for code in sorted(set(received) - set(states)):
        findings.fail("B.3", f"ballot {code[:16]}…", "was received on the board but is missing from the record")
