"""The first schema: elections, append-only ballots and board, artifacts, service secret.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY = ("ballots", "board")


def upgrade() -> None:
    op.create_table(
        "elections",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("files", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("board_length", sa.Integer, nullable=False),
        sa.Column("board_head", sa.String(64), nullable=False),
    )
    op.create_table(
        "ballots",
        sa.Column("election_id", sa.String(80), sa.ForeignKey("elections.id"), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("selection_id", sa.String(64), nullable=False),
        sa.Column("device", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("election_id", "code"),
        sa.UniqueConstraint("election_id", "selection_id", name="uq_ballots_selection_id"),
    )
    op.create_table(
        "board",
        sa.Column("election_id", sa.String(80), sa.ForeignKey("elections.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("previous", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("election_id", "position"),
    )
    op.create_index("ix_board_code", "board", ["election_id", "code"])
    op.create_table(
        "artifacts",
        sa.Column("election_id", sa.String(80), sa.ForeignKey("elections.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("election_id", "name"),
    )
    op.create_table(
        "service_secrets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("secret", sa.LargeBinary, nullable=False),
    )
    # Accepted ballots and board entries can never be changed or removed, whatever the caller.
    dialect = op.get_bind().dialect.name
    for table in _APPEND_ONLY:
        if dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in _APPEND_ONLY:
        if dialect == "sqlite":
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    for table in ("service_secrets", "artifacts", "board", "ballots", "elections"):
        op.drop_table(table)
