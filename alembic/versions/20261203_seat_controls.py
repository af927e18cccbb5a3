"""seat microphone/camera locks, moves, swaps, invitations to the stage (issue 16 part 2)

``seats.mic_locked`` / ``seats.camera_locked``: the seat's microphone or camera is locked; whoever sits
there cannot publish that source (it joins the ``muted`` set of the effective grants). Off for every
existing seat.

``seat_requests.kind``: ``application`` (the identity asked; every existing request) or ``invitation`` (an
owner/admin invited the identity onto the stage, and the identity accepts or declines).
``seat_requests.invited_by`` names the inviting identity, ``seat_requests.expires_at`` when a pending
invitation expires (the jobs process marks it ``expired``).

Revision ID: 0010_seat_controls
Revises: 0009_room_controls
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0010_seat_controls"
down_revision: str | None = "0009_room_controls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("seats", sa.Column("mic_locked", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column("seats", sa.Column("camera_locked", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column(
        "seat_requests",
        sa.Column("kind", sa.String(length=16), nullable=False, server_default="application"),
    )
    op.add_column(
        "seat_requests",
        sa.Column("invited_by", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
    )
    op.add_column("seat_requests", sa.Column("expires_at", mysql.DATETIME(fsp=6), nullable=True))
    op.create_index("ix_seat_requests_expires_at", "seat_requests", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_seat_requests_expires_at", table_name="seat_requests")
    op.drop_column("seat_requests", "expires_at")
    op.drop_column("seat_requests", "invited_by")
    op.drop_column("seat_requests", "kind")
    op.drop_column("seats", "camera_locked")
    op.drop_column("seats", "mic_locked")
