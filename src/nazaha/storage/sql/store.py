"""The ballot-box store on SQLite or PostgreSQL, with SQLAlchemy Core.

Appends to an election's board are serialized: on PostgreSQL by locking the election's row
(``SELECT ... FOR UPDATE``), on SQLite by write transactions that take the database lock at
their start (``BEGIN IMMEDIATE``). Inside that transaction the store checks the state and the
uniqueness rules, inserts the ballot and its board entry and moves the board's head; either all
of it is committed or none of it. The schema's triggers refuse any UPDATE or DELETE of ballots
and board entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from nazaha.errors import ConflictError, NotFoundError, StorageError
from nazaha.record.board import BoardEntry, BoardKind, chain_entry
from nazaha.storage.ports import BallotRow, ElectionRow, ElectionState, NewBallot
from nazaha.storage.sql import schema
from nazaha.storage.sql.engine import make_engine
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
    )


def _entry(row: Any) -> BoardEntry:
    return BoardEntry(row.position, BoardKind(row.kind), row.code, row.previous, row.recorded_at, row.hash)


def _ballot(row: Any) -> BallotRow:
    return BallotRow(row.code, row.selection_id, row.device, bytes(row.data), row.position, row.received_at)


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
                conn.execute(
                    insert(schema.elections).values(
                        id=election.id,
                        label=election.label,
                        state=election.state.value,
                        files=_files_blob(dict(election.files)),
                        created_at=election.created_at,
                        board_length=election.board_length,
                        board_head=election.board_head,
                    )
                )
        except IntegrityError:
            raise ConflictError(f"an election with id {election.id!r} already exists") from None

    def _locked(self, conn: Connection, election_id: str) -> Any:
        query = select(schema.elections).where(schema.elections.c.id == election_id)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = conn.execute(query).one_or_none()
        if row is None:
            raise NotFoundError(f"no election {election_id!r}")
        return row

    def election(self, election_id: str) -> ElectionRow:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.elections).where(schema.elections.c.id == election_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"no election {election_id!r}")
        return _election(row)

    def elections(self) -> list[ElectionRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.elections).order_by(schema.elections.c.created_at)).all()
        return [_election(row) for row in rows]

    def transition(self, election_id: str, allowed: Sequence[ElectionState], to: ElectionState) -> ElectionRow:
        with self.engine.begin() as conn:
            row = self._locked(conn, election_id)
            state = ElectionState(row.state)
            if state not in allowed:
                raise ConflictError(f"election {election_id!r} is {state.value}; cannot become {to.value}")
            conn.execute(update(schema.elections).where(schema.elections.c.id == election_id).values(state=to.value))
        return self.election(election_id)

    # -- the board ------------------------------------------------------------------------------

    def _append_entry(self, conn: Connection, row: Any, kind: BoardKind, code: str, recorded_at: str) -> BoardEntry:
        previous = None
        if row.board_length:
            last = conn.execute(
                select(schema.board).where(
                    and_(schema.board.c.election_id == row.id, schema.board.c.position == row.board_length)
                )
            ).one()
            previous = _entry(last)
        entry = chain_entry(previous, row.board_head if previous is None else previous.hash, kind, code, recorded_at)
        conn.execute(
            insert(schema.board).values(
                election_id=row.id,
                position=entry.position,
                kind=entry.kind.value,
                code=entry.code,
                previous=entry.previous,
                recorded_at=entry.recorded_at,
                hash=entry.hash,
            )
        )
        conn.execute(
            update(schema.elections)
            .where(schema.elections.c.id == row.id)
            .values(board_length=entry.position, board_head=entry.hash)
        )
        return entry

    def append_ballot(
        self, election_id: str, ballot: NewBallot, recorded_at: str
    ) -> tuple[BallotRow, BoardEntry, bool]:
        with self.engine.begin() as conn:
            row = self._locked(conn, election_id)
            existing = conn.execute(
                select(schema.ballots).where(
                    and_(
                        schema.ballots.c.election_id == election_id,
                        (schema.ballots.c.code == ballot.code) | (schema.ballots.c.selection_id == ballot.selection_id),
                    )
                )
            ).first()
            if existing is not None:
                if existing.code == ballot.code and bytes(existing.data) == ballot.data:
                    first = conn.execute(
                        select(schema.board).where(
                            and_(
                                schema.board.c.election_id == election_id, schema.board.c.position == existing.position
                            )
                        )
                    ).one()
                    return _ballot(existing), _entry(first), False
                if existing.selection_id == ballot.selection_id:
                    raise ConflictError("a ballot with this selection encryption identifier was already submitted")
                raise ConflictError("a different ballot with this confirmation code was already submitted")
            if ElectionState(row.state) is not ElectionState.OPEN:
                raise ConflictError(f"voting is not open (the election is {row.state})")
            entry = self._append_entry(conn, row, BoardKind.BALLOT, ballot.code, recorded_at)
            conn.execute(
                insert(schema.ballots).values(
                    election_id=election_id,
                    code=ballot.code,
                    selection_id=ballot.selection_id,
                    device=ballot.device,
                    data=ballot.data,
                    position=entry.position,
                    received_at=recorded_at,
                )
            )
        stored = BallotRow(ballot.code, ballot.selection_id, ballot.device, ballot.data, entry.position, recorded_at)
        return stored, entry, True

    def _decisions(self, conn: Connection, election_id: str, code: str) -> list[BoardEntry]:
        rows = conn.execute(
            select(schema.board)
            .where(and_(schema.board.c.election_id == election_id, schema.board.c.code == code))
            .order_by(schema.board.c.position)
        ).all()
        return [_entry(r) for r in rows]

    def append_decision(self, election_id: str, code: str, kind: BoardKind, recorded_at: str) -> BoardEntry:
        with self.engine.begin() as conn:
            row = self._locked(conn, election_id)
            if ElectionState(row.state) is not ElectionState.OPEN:
                raise ConflictError(f"voting is not open (the election is {row.state})")
            entries = self._decisions(conn, election_id, code)
            if not entries:
                raise NotFoundError(f"no ballot with confirmation code {code}")
            decided = [e for e in entries if e.kind in (BoardKind.CAST, BoardKind.CHALLENGE)]
            if decided:
                raise ConflictError(
                    f"ballot {code} was already {'cast' if decided[0].kind is BoardKind.CAST else 'challenged'}"
                )
            return self._append_entry(conn, row, kind, code, recorded_at)

    def close_voting(self, election_id: str, recorded_at: str) -> list[BoardEntry]:
        with self.engine.begin() as conn:
            row = self._locked(conn, election_id)
            if ElectionState(row.state) is not ElectionState.OPEN:
                raise ConflictError(f"voting is not open (the election is {row.state})")
            rows = conn.execute(
                select(schema.board.c.code, schema.board.c.kind)
                .where(schema.board.c.election_id == election_id)
                .order_by(schema.board.c.position)
            ).all()
            decided = {r.code for r in rows if r.kind in (BoardKind.CAST.value, BoardKind.CHALLENGE.value)}
            undecided = [r.code for r in rows if r.kind == BoardKind.BALLOT.value and r.code not in decided]
            appended = []
            for code in undecided:
                appended.append(self._append_entry(conn, row, BoardKind.CHALLENGE, code, recorded_at))
                row = self._locked(conn, election_id)
            appended.append(self._append_entry(conn, row, BoardKind.CLOSE, "", recorded_at))
            conn.execute(
                update(schema.elections)
                .where(schema.elections.c.id == election_id)
                .values(state=ElectionState.CLOSED.value)
            )
        return appended

    def ballot(self, election_id: str, code: str) -> BallotRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.ballots).where(
                    and_(schema.ballots.c.election_id == election_id, schema.ballots.c.code == code)
                )
            ).one_or_none()
        return _ballot(row) if row is not None else None

    def codes_with_prefix(self, election_id: str, prefix: str, limit: int) -> list[str]:
        if not re.fullmatch(r"[0-9A-F]*", prefix):
            return []
        upper = prefix + "G"  # every code with this prefix sorts between prefix and prefix + "G"
        with self.engine.connect() as conn:
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
            with self.engine.connect() as conn:
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

    def last_code_for_device(self, election_id: str, device: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.ballots.c.code)
                .where(and_(schema.ballots.c.election_id == election_id, schema.ballots.c.device == device))
                .order_by(schema.ballots.c.position.desc())
                .limit(1)
            ).one_or_none()
        return row.code if row is not None else None

    def board(self, election_id: str, offset: int, limit: int) -> list[BoardEntry]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.board)
                .where(and_(schema.board.c.election_id == election_id, schema.board.c.position > offset))
                .order_by(schema.board.c.position)
                .limit(limit)
            ).all()
        return [_entry(r) for r in rows]

    def entries_for(self, election_id: str, code: str) -> list[BoardEntry]:
        with self.engine.connect() as conn:
            return self._decisions(conn, election_id, code)

    # -- artifacts ------------------------------------------------------------------------------

    def put_artifact(self, election_id: str, name: str, data: bytes) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(schema.artifacts).values(election_id=election_id, name=name, data=data))
        except IntegrityError:
            raise ConflictError(f"{name} was already stored") from None

    def artifact(self, election_id: str, name: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.artifacts.c.data).where(
                    and_(schema.artifacts.c.election_id == election_id, schema.artifacts.c.name == name)
                )
            ).one_or_none()
        return bytes(row.data) if row is not None else None

    def artifacts(self, election_id: str, prefix: str) -> dict[str, bytes]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.artifacts).where(
                    and_(schema.artifacts.c.election_id == election_id, schema.artifacts.c.name.startswith(prefix))
                )
            ).all()
        return {row.name: bytes(row.data) for row in rows}

    def service_secret(self, make: bytes) -> bytes:
        with self.engine.begin() as conn:
            row = conn.execute(select(schema.service_secrets).where(schema.service_secrets.c.id == 1)).one_or_none()
            if row is not None:
                return bytes(row.secret)
            conn.execute(insert(schema.service_secrets).values(id=1, secret=make))
        return make
