"""The demonstration encrypts, admits and decides its ballots a chunk at a time, into any store:
the ballots are those of one pass, and the record verifies."""

from __future__ import annotations

import re
from pathlib import Path

from nazaha.crypto.params import TEST_GROUP
from nazaha.storage.sql.store import SqlStore
from nazaha.verify.runner import verify_record21
from nazaha.workflows.demo import run_demo


def _ballots(record: Path) -> dict[str, bytes]:
    """Each ballot file by name, but for the time the device encrypted it."""
    return {
        path.name: re.sub(rb'"encrypted_at":"[^"]*"', b"", path.read_bytes())
        for path in (record / "ballots").glob("*.json")
    }


def test_a_demo_in_chunks_on_sqlite_gives_the_ballots_of_one_pass(tmp_path: Path) -> None:
    common = {"ballots": 70, "group": TEST_GROUP, "challenge_every": 9, "seed": "chunks"}
    store = SqlStore.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        chunked = run_demo(output=tmp_path / "chunked", store=store, chunk=16, jobs=2, **common)  # type: ignore[arg-type]
    finally:
        store.dispose()
    whole = run_demo(output=tmp_path / "whole", **common)  # type: ignore[arg-type]
    assert chunked.matches() and whole.matches()
    assert len(_ballots(chunked.record)) == 70
    # Decisions follow each chunk's admissions, so the board differs; the ballots do not.
    assert _ballots(chunked.record) == _ballots(whole.record)
    report = verify_record21(chunked.record)
    # The toy group is not the standard one (1.B-1.D); everything else verifies.
    assert {check.number for check, _ in report.failures()} == {"1"}, list(report.failures())
