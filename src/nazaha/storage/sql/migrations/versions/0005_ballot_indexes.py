"""The ballots indexed by position, and each device's ballots by position.

Without them, reading the ballots in board order (the tally, the record export) and finding a
device's last ballot (the door's chain check) scanned every stored ballot, reading past each
one's data to reach its position: time in proportion to the ballots already stored, for every
batch read and every ballot admitted.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ballots_position", "ballots", ["election_id", "position"])
    op.create_index("ix_ballots_device", "ballots", ["election_id", "device", "position"])


def downgrade() -> None:
    op.drop_index("ix_ballots_device", table_name="ballots")
    op.drop_index("ix_ballots_position", table_name="ballots")
