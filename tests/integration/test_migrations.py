"""Schema migrations run forward and back on both databases; ballots and board are append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from nazaha.record.board import BoardKind
from nazaha.storage.ports import ElectionRow, ElectionState, NewBallot
from nazaha.storage.sql.engine import make_engine
from nazaha.storage.sql.migrate import downgrade, upgrade
from nazaha.storage.sql.store import SqlStore

TABLES = {"elections", "ballots", "board", "artifacts", "service_secrets", "admin_sessions", "sign_in_failures"}


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        upgrade(engine)  # idempotent at head
        downgrade(engine, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_ballots_and_board_refuse_updates_and_deletes(store: SqlStore) -> None:
    store.create_election(
        ElectionRow(
            "e", "e", ElectionState.OPEN, {"parameters.json": b"{}"}, "2026-11-29T00:00:00Z", 0, "A" * 64, "E" * 64
        )
    )
    with store.transaction("e") as tx:
        tx.append_ballot(NewBallot("B" * 64, "C" * 64, "d", b"{}"), "2026-11-29T00:00:01Z")
        tx.append_entry(BoardKind.CAST, "B" * 64, "2026-11-29T00:00:02Z")
    for statement in (
        "UPDATE ballots SET device = 'x'",
        "DELETE FROM ballots",
        "UPDATE board SET kind = 'challenge'",
        "DELETE FROM board",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.kind for e in store.board("e", 0, 10)] == [BoardKind.BALLOT, BoardKind.CAST]
    assert store.ballot("e", "B" * 64) is not None
