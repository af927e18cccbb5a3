"""waiting room: rooms.lobby and join_requests (issue 16 part 4)

``lobby`` is off for every existing room. A join request is an identity's knock on a lobby room; its
``admitted`` rows are the record of admission (docs/api.md, "Waiting room").

Revision ID: 0011_join_requests
Revises: 0010_seat_controls
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0011_join_requests"
down_revision: str | None = "0010_seat_controls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rooms", sa.Column("lobby", sa.Boolean(), nullable=False, server_default="0"))
    op.create_table(
        "join_requests",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=40, collation="utf8mb4_bin"), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("expires_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("decided_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending','admitted','denied','expired')", name=op.f("ck_join_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_join_requests_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
        sa.UniqueConstraint("public_id", name=op.f("uq_join_requests_public_id")),
        sa.UniqueConstraint(
            "room_id", "identity", "pending", name=op.f("uq_join_requests_room_id_identity_pending")
        ),
    )
    op.create_index(
        "ix_join_requests_status_expires_at", "join_requests", ["status", "expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_join_requests_status_expires_at", table_name="join_requests")
    op.drop_table("join_requests")
    op.drop_column("rooms", "lobby")
