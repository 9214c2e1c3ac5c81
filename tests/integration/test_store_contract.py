"""Every ``ElectionStore`` adapter holds to the same port contract: SQLite, PostgreSQL, memory and
folder. And the compare-and-append that the lifecycle builds on it: two ballots from one device
that both continue the same chain, sent at once, get exactly one onto the board."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nazaha.errors import BallotError, ConflictError, NotFoundError
from nazaha.record.board import BoardKind, genesis_hash
from nazaha.storage.folder import FolderStore
from nazaha.storage.memory import MemoryStore
from nazaha.storage.ports import ElectionRow, ElectionState, ElectionStore, NewBallot
from nazaha.storage.sql.store import SqlStore
from nazaha.voting.confirmation import ChainingMode
from nazaha.workflows.ballot_box import BallotBoxService
from tests.support.databases import postgres_database
from tests.support.elections import ServiceElection

FILES = {"parameters.json": b"{}"}
NOW = "2026-12-02T00:00:00Z"


@pytest.fixture(params=["sqlite", "postgresql", "memory", "folder"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ElectionStore]:
    if request.param == "sqlite":
        store = SqlStore.open(f"sqlite:///{tmp_path / 'contract.db'}")
        yield store
        store.dispose()
    elif request.param == "postgresql":
        for url in postgres_database():
            store = SqlStore.open(url)
            yield store
            store.dispose()
    elif request.param == "memory":
        yield MemoryStore()
    else:
        yield FolderStore(tmp_path / "workspace")


def _row(election_id: str = "e1", extended: str = "E1" * 32) -> ElectionRow:
    return ElectionRow(election_id, election_id, ElectionState.SETUP, FILES, NOW, 0, genesis_hash(bytes(32)), extended)


def _ballot(n: int, device: str = "kiosk") -> NewBallot:
    return NewBallot(f"{n:064X}", f"{n + 1000:064X}", device, f'{{"ballot":{n}}}'.encode())


def test_elections_are_unique_by_id_and_by_extended_hash(any_store: ElectionStore) -> None:
    any_store.create_election(_row())
    with pytest.raises(ConflictError, match="already exists"):
        any_store.create_election(_row())
    with pytest.raises(ConflictError, match="H_E"):
        any_store.create_election(_row("e2"))
    assert [row.id for row in any_store.elections()] == ["e1"]
    assert any_store.election("e1").extended_hash == "E1" * 32
    with pytest.raises(NotFoundError):
        any_store.election("nowhere")
    with pytest.raises(NotFoundError), any_store.transaction("nowhere"):
        pass


def test_a_unit_of_work_commits_everything_together(any_store: ElectionStore) -> None:
    any_store.create_election(_row())
    with any_store.transaction("e1") as tx:
        tx.set_state(ElectionState.OPEN)
        first, entry1 = tx.append_ballot(_ballot(1), NOW)
        second, entry2 = tx.append_ballot(_ballot(2), NOW)
        decided = tx.append_entry(BoardKind.CAST, first.code, NOW)
        tx.put_artifact("notes/a", b"A")
        # Inside the transaction its own appends are visible.
        assert tx.election.board_length == 3 and tx.election.board_head == decided.hash
        assert tx.ballot(first.code) == first
        assert tx.selection_id_taken(first.selection_id) and not tx.selection_id_taken("00" * 32)
        assert tx.last_code_for_device("kiosk") == second.code
        assert [e.kind for e in tx.entries_for(first.code)] == [BoardKind.BALLOT, BoardKind.CAST]
        assert tx.undecided_codes() == [second.code]
        assert tx.artifact("notes/a") == b"A"
    assert entry1.previous == genesis_hash(bytes(32)) and entry2.previous == entry1.hash
    assert decided.previous == entry2.hash
    election = any_store.election("e1")
    assert (election.state, election.board_length, election.board_head) == (ElectionState.OPEN, 3, decided.hash)
    assert [e.position for e in any_store.board("e1", 0, 10)] == [1, 2, 3]
    assert [e.position for e in any_store.board("e1", 1, 1)] == [2]
    assert [b.code for b in any_store.ballots("e1")] == [first.code, second.code]
    assert any_store.ballot("e1", second.code) == second
    assert any_store.ballot("e1", "AB" * 32) is None
    assert any_store.codes_with_prefix("e1", "0" * 63, 10) == [first.code, second.code]
    assert any_store.codes_with_prefix("e1", f"{2:064X}", 10) == [second.code]
    assert [e.kind for e in any_store.entries_for("e1", first.code)] == [BoardKind.BALLOT, BoardKind.CAST]
    assert any_store.artifact("e1", "notes/a") == b"A"
    assert any_store.artifacts("e1", "notes/") == {"notes/a": b"A"}


def test_a_failed_unit_of_work_leaves_nothing(any_store: ElectionStore) -> None:
    any_store.create_election(_row())
    with any_store.transaction("e1") as tx:
        tx.append_ballot(_ballot(1), NOW)
    before = (any_store.election("e1"), list(any_store.ballots("e1")), any_store.board("e1", 0, 10))
    with pytest.raises(RuntimeError, match="midway"), any_store.transaction("e1") as tx:
        tx.set_state(ElectionState.CLOSED)
        tx.append_ballot(_ballot(2), NOW)
        tx.append_entry(BoardKind.CLOSE, "", NOW)
        tx.put_artifact("tally", b"T")
        raise RuntimeError("midway")
    assert (any_store.election("e1"), list(any_store.ballots("e1")), any_store.board("e1", 0, 10)) == before
    assert any_store.artifact("e1", "tally") is None
    with any_store.transaction("e1") as tx:
        tx.put_artifact("tally", b"T")
        with pytest.raises(ConflictError, match="already stored"):
            tx.put_artifact("tally", b"other")
    with pytest.raises(ConflictError, match="already stored"), any_store.transaction("e1") as tx:
        tx.put_artifact("tally", b"T")
    assert any_store.artifact("e1", "tally") == b"T"


def test_units_of_work_on_one_election_never_interleave(any_store: ElectionStore) -> None:
    """Eight threads each read the device's last code and append a ballot continuing it: with
    serialized units of work, the board is one chain with no fork."""
    any_store.create_election(_row())
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            barrier.wait()
            with any_store.transaction("e1") as tx:
                last = tx.last_code_for_device("kiosk")
                tx.put_artifact(f"follows/{n}", (last or "first").encode())
                tx.append_ballot(_ballot(n), NOW)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(any_store.ballots("e1"))
    follows = {row.code: any_store.artifact("e1", f"follows/{int(row.code, 16)}") for row in rows}
    assert [follows[row.code] for row in rows] == [b"first", *(row.code.encode() for row in rows[:-1])]


def test_the_folder_store_survives_reopening_and_a_torn_journal_line(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "ws")
    store.create_election(_row())
    with store.transaction("e1") as tx:
        tx.set_state(ElectionState.OPEN)
        tx.append_ballot(_ballot(1), NOW)
    journal = tmp_path / "ws" / "journal.jsonl"
    committed = journal.read_bytes()
    journal.write_bytes(committed + b'{"state":"closed","entries":[[2,"close"')  # a crash mid-append
    reopened = FolderStore(tmp_path / "ws")
    assert reopened.election("e1").state is ElectionState.OPEN
    assert [b.code for b in reopened.ballots("e1")] == [_ballot(1).code]
    with reopened.transaction("e1") as tx:
        tx.append_ballot(_ballot(2), NOW)
    assert journal.read_bytes().startswith(committed) and journal.read_bytes().count(b"\n") == 3
    again = FolderStore(tmp_path / "ws")
    assert [b.code for b in again.ballots("e1")] == [_ballot(1).code, _ballot(2).code]
    assert again.board("e1", 0, 10) == reopened.board("e1", 0, 10)
    with pytest.raises(ConflictError, match="already holds election"):
        again.create_election(_row("e2", "E2" * 32))


def test_two_ballots_continuing_one_chain_at_once_get_one_on_the_board(
    store: SqlStore, service_election: ServiceElection
) -> None:
    """Both are the first ballot of device "twin" (both chain to its H_0); sent together, exactly
    one is admitted and the other is refused because the chain moved on."""
    box = BallotBoxService(store)
    election = box.create_election({k: v.encode() for k, v in service_election.files.items()}, "chain-race").id
    box.open_voting(election)
    first = service_election.ballots(1, device="twin", mode=ChainingMode.SIMPLE, seed="race-a")[0]
    second = service_election.ballots(1, device="twin", mode=ChainingMode.SIMPLE, seed="race-b")[0]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def send(data: bytes) -> None:
        barrier.wait()
        try:
            outcomes.append(box.submit(election, data)[1])
        except BallotError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=send, args=(data,)) for data in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(type, outcomes), key=str) == sorted([bool, BallotError], key=str)
    refused = next(o for o in outcomes if isinstance(o, BallotError))
    assert "does not continue device 'twin'" in str(refused)
    assert len(list(store.ballots(election))) == 1
