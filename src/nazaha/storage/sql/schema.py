"""The tables of the ballot-box store (created by the Alembic migrations, which are the truth)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "admin_sessions",
    "artifacts",
    "ballots",
    "board",
    "elections",
    "metadata",
    "service_secrets",
    "sign_in_failures",
]

metadata = MetaData()

elections = Table(
    "elections",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("label", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("files", LargeBinary, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("board_length", Integer, nullable=False),
    Column("board_head", String(64), nullable=False),
    Column("extended_hash", String(64), nullable=False),
    Index("uq_elections_extended_hash", "extended_hash", unique=True),
)

ballots = Table(
    "ballots",
    metadata,
    Column("election_id", String(80), ForeignKey("elections.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("selection_id", String(64), nullable=False),
    Column("device", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("position", Integer, nullable=False),
    Column("received_at", String(32), nullable=False),
    Column("credential", String(64), nullable=False, server_default=""),
    PrimaryKeyConstraint("election_id", "code"),
    UniqueConstraint("election_id", "selection_id", name="uq_ballots_selection_id"),
    Index("ix_ballots_credential", "election_id", "credential"),
    Index("ix_ballots_position", "election_id", "position"),
    Index("ix_ballots_device", "election_id", "device", "position"),
)

board = Table(
    "board",
    metadata,
    Column("election_id", String(80), ForeignKey("elections.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("code", String(64), nullable=False),
    Column("previous", String(64), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("hash", String(64), nullable=False),
    PrimaryKeyConstraint("election_id", "position"),
    Index("ix_board_code", "election_id", "code"),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("election_id", String(80), ForeignKey("elections.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("election_id", "name"),
)

service_secrets = Table(
    "service_secrets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("secret", LargeBinary, nullable=False),
)

admin_sessions = Table(
    "admin_sessions",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Index("ix_admin_sessions_expires_at", "expires_at"),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(200), nullable=False),
    Column("attempted_at", BigInteger, nullable=False),
    Index("ix_sign_in_failures_client", "client", "attempted_at"),
)
