"""The election store on SQLite or PostgreSQL, with SQLAlchemy Core (``nazaha.storage.ports``).

A unit of work is one database transaction on one election, serialized with every other: on
PostgreSQL by locking the election's row (``SELECT ... FOR UPDATE``), on SQLite by write
transactions that take the database lock at their start (``BEGIN IMMEDIATE``). The lifecycle's
reads and appends inside it are committed together or not at all. The adapter holds no rules;
the schema's triggers refuse any UPDATE or DELETE of ballots and board entries, and unique keys
back the uniqueness the rules ask for (a code, a selection encryption identifier, an H_E).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from nazaha.errors import ConflictError, NotFoundError, StorageError
from nazaha.record.board import BoardEntry, BoardKind, chain_entry
from nazaha.storage.ports import BallotRow, ElectionRow, ElectionState, NewBallot
from nazaha.storage.sql import schema
from nazaha.storage.sql.engine import make_engine, reading
from nazaha.storage.sql.migrate import upgrade

__all__ = ["SqlStore"]

_BATCH = 200


def _files_blob(files: dict[str, bytes]) -> bytes:
    return msgspec.json.encode({name: data.decode("utf-8") for name, data in sorted(files.items())})


def _files(blob: bytes) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in msgspec.json.decode(blob, type=dict[str, str]).items()}


def _election(row: Any) -> ElectionRow:
    return ElectionRow(
        id=row.id,
        label=row.label,
        state=ElectionState(row.state),
        files=_files(row.files),
        created_at=row.created_at,
        board_length=row.board_length,
        board_head=row.board_head,
        extended_hash=row.extended_hash,
    )


def _entry(row: Any) -> BoardEntry:
    return BoardEntry(row.position, BoardKind(row.kind), row.code, row.previous, row.recorded_at, row.hash)


def _ballot(row: Any) -> BallotRow:
    return BallotRow(
        row.code, row.selection_id, row.device, bytes(row.data), row.position, row.received_at, row.credential
    )


class _SqlTransaction:
    """One election locked inside one database transaction (``StoreTransaction``)."""

    def __init__(self, conn: Connection, row: Any) -> None:
        self._conn = conn
        self._row = _election(row)

    @property
    def election(self) -> ElectionRow:
        return self._row

    def set_state(self, state: ElectionState) -> None:
        self._conn.execute(
            update(schema.elections).where(schema.elections.c.id == self._row.id).values(state=state.value)
        )
        self._row = replace(self._row, state=state)

    def ballot(self, code: str) -> BallotRow | None:
        row = self._conn.execute(
            select(schema.ballots).where(
                and_(schema.ballots.c.election_id == self._row.id, schema.ballots.c.code == code)
            )
        ).one_or_none()
        return _ballot(row) if row is not None else None

    def selection_id_taken(self, selection_id: str) -> bool:
        row = self._conn.execute(
            select(schema.ballots.c.code).where(
                and_(schema.ballots.c.election_id == self._row.id, schema.ballots.c.selection_id == selection_id)
            )
        ).first()
        return row is not None

    def last_code_for_device(self, device: str) -> str | None:
        return _last_code_for_device(self._conn, self._row.id, device)

    def ballots_with_credential(self, credential: str) -> int:
        rows = self._conn.execute(
            select(schema.ballots.c.code).where(
                and_(schema.ballots.c.election_id == self._row.id, schema.ballots.c.credential == credential)
            )
        ).all()
        return len(rows)

    def entries_for(self, code: str) -> list[BoardEntry]:
        return _entries_for(self._conn, self._row.id, code)

    def undecided_codes(self) -> list[str]:
        rows = self._conn.execute(
            select(schema.board.c.code, schema.board.c.kind)
            .where(schema.board.c.election_id == self._row.id)
            .order_by(schema.board.c.position)
        ).all()
        decided = {r.code for r in rows if r.kind in (BoardKind.CAST.value, BoardKind.CHALLENGE.value)}
        return [r.code for r in rows if r.kind == BoardKind.BALLOT.value and r.code not in decided]

    def append_entry(self, kind: BoardKind, code: str, recorded_at: str) -> BoardEntry:
        election = self._row
        previous = None
        if election.board_length:
            last = self._conn.execute(
                select(schema.board).where(
                    and_(schema.board.c.election_id == election.id, schema.board.c.position == election.board_length)
                )
            ).one()
            previous = _entry(last)
        entry = chain_entry(previous, election.board_head, kind, code, recorded_at)
        self._conn.execute(
            insert(schema.board).values(
                election_id=election.id,
                position=entry.position,
                kind=entry.kind.value,
                code=entry.code,
                previous=entry.previous,
                recorded_at=entry.recorded_at,
                hash=entry.hash,
            )
        )
        self._conn.execute(
            update(schema.elections)
            .where(schema.elections.c.id == election.id)
            .values(board_length=entry.position, board_head=entry.hash)
        )
        self._row = replace(election, board_length=entry.position, board_head=entry.hash)
        return entry

    def append_ballot(self, ballot: NewBallot, recorded_at: str) -> tuple[BallotRow, BoardEntry]:
        entry = self.append_entry(BoardKind.BALLOT, ballot.code, recorded_at)
        self._conn.execute(
            insert(schema.ballots).values(
                election_id=self._row.id,
                code=ballot.code,
                selection_id=ballot.selection_id,
                device=ballot.device,
                data=ballot.data,
                position=entry.position,
                received_at=recorded_at,
                credential=ballot.credential,
            )
        )
        row = BallotRow(
            ballot.code, ballot.selection_id, ballot.device, ballot.data, entry.position, recorded_at, ballot.credential
        )
        return row, entry

    def artifact(self, name: str) -> bytes | None:
        return _artifact(self._conn, self._row.id, name)

    def put_artifact(self, name: str, data: bytes) -> None:
        if _artifact(self._conn, self._row.id, name) is not None:
            raise ConflictError(f"{name} was already stored")
        self._conn.execute(insert(schema.artifacts).values(election_id=self._row.id, name=name, data=data))


def _artifacts_named(election_id: str, prefix: str) -> ColumnElement[bool]:
    """The election's artifacts whose name starts with ``prefix`` (LIKE wildcards escaped)."""
    return and_(
        schema.artifacts.c.election_id == election_id, schema.artifacts.c.name.startswith(prefix, autoescape=True)
    )


def _last_code_for_device(conn: Connection, election_id: str, device: str) -> str | None:
    row = conn.execute(
        select(schema.ballots.c.code)
        .where(and_(schema.ballots.c.election_id == election_id, schema.ballots.c.device == device))
        .order_by(schema.ballots.c.position.desc())
        .limit(1)
    ).one_or_none()
    return row.code if row is not None else None


def _entries_for(conn: Connection, election_id: str, code: str) -> list[BoardEntry]:
    rows = conn.execute(
        select(schema.board)
        .where(and_(schema.board.c.election_id == election_id, schema.board.c.code == code))
        .order_by(schema.board.c.position)
    ).all()
    return [_entry(r) for r in rows]


def _artifact(conn: Connection, election_id: str, name: str) -> bytes | None:
    row = conn.execute(
        select(schema.artifacts.c.data).where(
            and_(schema.artifacts.c.election_id == election_id, schema.artifacts.c.name == name)
        )
    ).one_or_none()
    return bytes(row.data) if row is not None else None


class SqlStore:
    """An ``ElectionStore`` in a SQL database (see ``nazaha.storage.ports``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> SqlStore:
        """Connect to ``url`` and (by default) bring its schema up to date."""
        try:
            engine = make_engine(url)
            if migrate:
                upgrade(engine)
        except OperationalError as error:
            raise StorageError(f"cannot open the database: {error.orig}") from None
        return cls(engine)

    def dispose(self) -> None:
        self.engine.dispose()

    # -- elections ----------------------------------------------------------------------------

    def create_election(self, election: ElectionRow) -> None:
        try:
            with self.engine.begin() as conn:
                taken = conn.execute(
                    select(schema.elections.c.id).where(
                        (schema.elections.c.id == election.id)
                        | (schema.elections.c.extended_hash == election.extended_hash)
                    )
                ).first()
                if taken is not None:
                    raise _taken(election, taken.id)
                conn.execute(
                    insert(schema.elections).values(
                        id=election.id,
                        label=election.label,
                        state=election.state.value,
                        files=_files_blob(dict(election.files)),
                        created_at=election.created_at,
                        board_length=election.board_length,
                        board_head=election.board_head,
                        extended_hash=election.extended_hash,
                    )
                )
        except IntegrityError:
            raise ConflictError(f"an election with id {election.id!r} or with the same H_E already exists") from None

    @contextmanager
    def transaction(self, election_id: str) -> Iterator[_SqlTransaction]:
        with self.engine.begin() as conn:
            query = select(schema.elections).where(schema.elections.c.id == election_id)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()
            row = conn.execute(query).one_or_none()
            if row is None:
                raise NotFoundError(f"no election {election_id!r}")
            yield _SqlTransaction(conn, row)

    def election(self, election_id: str) -> ElectionRow:
        with reading(self.engine) as conn:
            row = conn.execute(select(schema.elections).where(schema.elections.c.id == election_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"no election {election_id!r}")
        return _election(row)

    def elections(self) -> list[ElectionRow]:
        with reading(self.engine) as conn:
            rows = conn.execute(select(schema.elections).order_by(schema.elections.c.created_at)).all()
        return [_election(row) for row in rows]

    # -- reads ----------------------------------------------------------------------------------

    def ballot(self, election_id: str, code: str) -> BallotRow | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(schema.ballots).where(
                    and_(schema.ballots.c.election_id == election_id, schema.ballots.c.code == code)
                )
            ).one_or_none()
        return _ballot(row) if row is not None else None

    def ballots_of_credential(self, election_id: str, credential: str, limit: int) -> list[BallotRow]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(schema.ballots)
                .where(and_(schema.ballots.c.election_id == election_id, schema.ballots.c.credential == credential))
                .order_by(schema.ballots.c.position)
                .limit(limit)
            ).all()
        return [_ballot(row) for row in rows]

    def codes_with_prefix(self, election_id: str, prefix: str, limit: int) -> list[str]:
        if not re.fullmatch(r"[0-9A-F]*", prefix):
            return []
        upper = prefix + "G"  # every code with this prefix sorts between prefix and prefix + "G"
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(schema.ballots.c.code)
                .where(
                    and_(
                        schema.ballots.c.election_id == election_id,
                        schema.ballots.c.code >= prefix,
                        schema.ballots.c.code < upper,
                    )
                )
                .order_by(schema.ballots.c.code)
                .limit(limit)
            ).all()
        return [row[0] for row in rows]

    def ballots(self, election_id: str) -> Iterator[BallotRow]:
        after = 0
        while True:
            with reading(self.engine) as conn:
                rows = conn.execute(
                    select(schema.ballots)
                    .where(and_(schema.ballots.c.election_id == election_id, schema.ballots.c.position > after))
                    .order_by(schema.ballots.c.position)
                    .limit(_BATCH)
                ).all()
            if not rows:
                return
            for row in rows:
                yield _ballot(row)
            after = rows[-1].position

    def board(self, election_id: str, offset: int, limit: int) -> list[BoardEntry]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(schema.board)
                .where(and_(schema.board.c.election_id == election_id, schema.board.c.position > offset))
                .order_by(schema.board.c.position)
                .limit(limit)
            ).all()
        return [_entry(r) for r in rows]

    def entries_for(self, election_id: str, code: str) -> list[BoardEntry]:
        with reading(self.engine) as conn:
            return _entries_for(conn, election_id, code)

    def artifact(self, election_id: str, name: str) -> bytes | None:
        with reading(self.engine) as conn:
            return _artifact(conn, election_id, name)

    def artifacts(self, election_id: str, prefix: str) -> dict[str, bytes]:
        with reading(self.engine) as conn:
            rows = conn.execute(select(schema.artifacts).where(_artifacts_named(election_id, prefix))).all()
        return {row.name: bytes(row.data) for row in rows}

    def artifact_names(self, election_id: str, prefix: str) -> list[str]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(schema.artifacts.c.name)
                .where(_artifacts_named(election_id, prefix))
                .order_by(schema.artifacts.c.name)
            ).all()
        return [row.name for row in rows]

    def service_secret(self, make: bytes) -> bytes:
        with self.engine.begin() as conn:
            row = conn.execute(select(schema.service_secrets).where(schema.service_secrets.c.id == 1)).one_or_none()
            if row is not None:
                return bytes(row.secret)
            conn.execute(insert(schema.service_secrets).values(id=1, secret=make))
        return make


def _taken(election: ElectionRow, existing: str) -> ConflictError:
    if existing == election.id:
        return ConflictError(f"an election with id {election.id!r} already exists")
    return ConflictError(
        f"election {existing!r} already has this H_E (the same key ceremony and manifest): every election "
        "needs its own manifest (election id and dates), or its ballots could be replayed into the other"
    )
