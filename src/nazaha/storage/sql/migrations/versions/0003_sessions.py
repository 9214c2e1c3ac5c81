"""The officials' sessions and failed sign-in attempts, kept in the database so that every worker
process of one service sees the same ones (a sign-out in one ends the session in all).

A session row holds the SHA-256 of the session's random identifier, never the identifier (which
only the official's cookie holds), and when it expires. Failed attempts are kept per client
address for the throttling window.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_sessions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_admin_sessions_expires_at", "admin_sessions", ["expires_at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("attempted_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_sign_in_failures_client", "sign_in_failures", ["client", "attempted_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_client", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_admin_sessions_expires_at", table_name="admin_sessions")
    op.drop_table("admin_sessions")
