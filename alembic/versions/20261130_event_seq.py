"""events.seq: the feed's commit order, assigned after commit by the one sequencer

Existing events are all committed, so they take their id as their place in the feed.

Revision ID: 0004_event_seq
Revises: 0003_detection
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_event_seq"
down_revision: str | None = "0003_detection"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.execute("UPDATE events SET seq = id")
    op.create_unique_constraint(op.f("uq_events_seq"), "events", ["seq"])
    # The listing and the streams' catch-up filter by room or type and order by seq.
    op.create_index("ix_events_room_name_seq", "events", ["room_name", "seq"])
    op.create_index("ix_events_type_seq", "events", ["type", "seq"])


def downgrade() -> None:
    op.drop_index("ix_events_type_seq", table_name="events")
    op.drop_index("ix_events_room_name_seq", table_name="events")
    op.drop_constraint(op.f("uq_events_seq"), "events", type_="unique")
    op.drop_column("events", "seq")
