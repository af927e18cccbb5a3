"""room-wide media and chat controls (issue 16 part 1): rooms.<control>_disabled[_until]

Four switches on the room row, off for every existing room: ``audio_disabled`` (the microphone),
``video_disabled`` (the camera), ``screen_share_disabled`` (screen share and its audio) and
``data_disabled`` (data messages and chat), each with an optional ``…_until`` (null: until switched
back on). ``controls_expire_at`` is the earliest ``…_until`` of the switches that are on, indexed so the
``room-controls-expiry`` job finds due rooms without scanning them all. On the room row, the join's one
read (``permissions.join_context``) gets them for free.

Revision ID: 0009_room_controls
Revises: 0008_recordings
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0009_room_controls"
down_revision: str | None = "0008_recordings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTROLS = ("audio", "video", "screen_share", "data")


def upgrade() -> None:
    for control in CONTROLS:
        op.add_column(
            "rooms", sa.Column(f"{control}_disabled", sa.Boolean(), nullable=False, server_default="0")
        )
        op.add_column("rooms", sa.Column(f"{control}_disabled_until", mysql.DATETIME(fsp=6), nullable=True))
    op.add_column("rooms", sa.Column("controls_expire_at", mysql.DATETIME(fsp=6), nullable=True))
    op.create_index("ix_rooms_controls_expire_at", "rooms", ["controls_expire_at"])


def downgrade() -> None:
    op.drop_index("ix_rooms_controls_expire_at", table_name="rooms")
    op.drop_column("rooms", "controls_expire_at")
    for control in reversed(CONTROLS):
        op.drop_column("rooms", f"{control}_disabled_until")
        op.drop_column("rooms", f"{control}_disabled")
