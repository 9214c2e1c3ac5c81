"""Each election's H_E in its own column, unique: no two elections in one store share it.

Two elections created from the same key ceremony files would accept each other's ballots (a
ballot is bound to H_E, not to the service's election id), so a ballot cast in one could be
replayed into the other and opened there. Existing rows get H_E from their ``hashes.json``.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column and a unique index work in place on both databases (SQLite's batch mode would
    # rebuild the table, which foreign keys from existing ballots forbid).
    op.add_column("elections", sa.Column("extended_hash", sa.String(64), nullable=True))
    bind = op.get_bind()
    elections = sa.table("elections", sa.column("id"), sa.column("files"), sa.column("extended_hash"))
    for row in bind.execute(sa.select(elections.c.id, elections.c.files)).all():
        files = json.loads(bytes(row.files))
        extended = str(json.loads(files["hashes.json"])["extended_hash"]).upper()
        bind.execute(elections.update().where(elections.c.id == row.id).values(extended_hash=extended))
    if bind.dialect.name == "postgresql":
        op.alter_column("elections", "extended_hash", existing_type=sa.String(64), nullable=False)
    op.create_index("uq_elections_extended_hash", "elections", ["extended_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_elections_extended_hash", table_name="elections")
    with op.batch_alter_table("elections") as batch:
        batch.drop_column("extended_hash")
