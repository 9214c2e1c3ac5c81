"""The officials' sessions and failed sign-in attempts in the SQL database (``SessionStore``),
shared by every worker process of one service (tables created by migration 0003)."""

from __future__ import annotations

from sqlalchemy import Engine, and_, delete, func, insert, select

from nazaha.storage.sessions import SessionRow
from nazaha.storage.sql import schema
from nazaha.storage.sql.engine import reading

__all__ = ["SqlSessions"]


class SqlSessions:
    """A ``SessionStore`` on the ballot box's SQLite or PostgreSQL database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_session(self, session: SessionRow) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(schema.admin_sessions).values(
                    key=session.key, created_at=session.created_at, expires_at=session.expires_at
                )
            )

    def session(self, key: str) -> SessionRow | None:
        with reading(self.engine) as conn:
            row = conn.execute(select(schema.admin_sessions).where(schema.admin_sessions.c.key == key)).one_or_none()
        return SessionRow(row.key, row.created_at, row.expires_at) if row is not None else None

    def remove_session(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(schema.admin_sessions).where(schema.admin_sessions.c.key == key))

    def remove_expired(self, now: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(schema.admin_sessions).where(schema.admin_sessions.c.expires_at <= now))

    def add_failure(self, client: str, at: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(schema.sign_in_failures).values(client=client, attempted_at=at))

    def failures_since(self, client: str, since: int) -> int:
        table = schema.sign_in_failures
        with reading(self.engine) as conn:
            count = conn.execute(
                select(func.count()).where(and_(table.c.client == client, table.c.attempted_at >= since))
            ).scalar_one()
        return int(count)

    def remove_failures_before(self, before: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(schema.sign_in_failures).where(schema.sign_in_failures.c.attempted_at < before))
