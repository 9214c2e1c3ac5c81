"""The credential key that signed each ballot, indexed: one ballot per credential is a lookup.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A column with a constant default is added in place on both databases; the append-only
    # triggers concern UPDATE and DELETE, which this does not run.
    op.add_column("ballots", sa.Column("credential", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_ballots_credential", "ballots", ["election_id", "credential"])


def downgrade() -> None:
    op.drop_index("ix_ballots_credential", table_name="ballots")
    with op.batch_alter_table("ballots") as batch:
        batch.drop_column("credential")
