"""scheduled and lockable rooms (issue 16 part 5): rooms.opens_at, closes_at, max_duration,
session_started_at, ends_at, closing_notice_at, locked_at

A room with ``opens_at`` or ``closes_at`` is *scheduled*: its LiveKit room is created on the first join
inside the window, and LiveKit closing a session before ``closes_at`` does not end it.
``session_started_at`` is when roomsvc created the current LiveKit room; ``ends_at`` is that session's
deadline (the earliest of ``closes_at`` and ``session_started_at`` plus ``max_duration``), indexed for the
``room-closer`` job; ``closing_notice_at`` says the ``room.closing`` notice went out for it.
``locked_at`` set: closed to new joins (shown as ``status: locked``). Every existing room gets nulls:
unscheduled, unlocked, as before.

Revision ID: 0012_room_schedule
Revises: 0011_join_requests
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0012_room_schedule"
down_revision: str | None = "0011_join_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMES = ("opens_at", "closes_at", "session_started_at", "ends_at", "closing_notice_at", "locked_at")


def upgrade() -> None:
    for name in TIMES[:2]:
        op.add_column("rooms", sa.Column(name, mysql.DATETIME(fsp=6), nullable=True))
    op.add_column("rooms", sa.Column("max_duration", sa.Integer(), nullable=True))
    for name in TIMES[2:]:
        op.add_column("rooms", sa.Column(name, mysql.DATETIME(fsp=6), nullable=True))
    op.create_index("ix_rooms_ends_at", "rooms", ["ends_at"])


def downgrade() -> None:
    op.drop_index("ix_rooms_ends_at", table_name="rooms")
    op.drop_column("rooms", "max_duration")
    for name in TIMES:
        op.drop_column("rooms", name)
