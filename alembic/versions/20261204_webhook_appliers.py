"""webhook application in roomsvc jobs (issue 14): room-scoped claims and an incremental peak

- ``webhook_events (processed_at, room_name, id)``: the appliers find the rooms with pending events (a
  loose index scan: ``GROUP BY room_name`` among ``processed_at IS NULL``) and take a claimed room's
  pending events in order without reading the whole backlog;
- ``room_sessions.latest_joined_at``: the latest join counted into ``peak_participants``; a join at or
  after it raises the peak by a count of who is present, anything earlier recomputes it
  (calls/recorder.py);
- ``participant_sessions (room_session_id, left_at)``: that count reads only the sessions still present.

Revision ID: 0015_webhook_appliers
Revises: 0014_detection_gate
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0015_webhook_appliers"
down_revision: str | None = "0014_detection_gate"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_webhook_events_processed_at_room_name_id",
        "webhook_events",
        ["processed_at", "room_name", "id"],
        unique=False,
    )
    op.add_column("room_sessions", sa.Column("latest_joined_at", mysql.DATETIME(fsp=6), nullable=True))
    op.create_index(
        "ix_participant_sessions_room_session_id_left_at",
        "participant_sessions",
        ["room_session_id", "left_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_participant_sessions_room_session_id_left_at", table_name="participant_sessions")
    op.drop_column("room_sessions", "latest_joined_at")
    op.drop_index("ix_webhook_events_processed_at_room_name_id", table_name="webhook_events")
