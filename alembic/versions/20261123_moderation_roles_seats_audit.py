"""moderation roles seats audit

Revision ID: 0002_moderation
Revises: 0001
Create Date: 2026-11-23 04:35:45.191731
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0002_moderation"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=True),
        sa.Column("caller", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("target", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_audit_log_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_room_id_id", "audit_log", ["room_id", "id"], unique=False)
    op.create_table(
        "mutes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("expires_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_mutes_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mutes")),
        sa.UniqueConstraint("room_id", "identity", "source", name=op.f("uq_mutes_room_id_identity_source")),
    )
    op.create_index("ix_mutes_expires_at", "mutes", ["expires_at"], unique=False)
    op.create_table(
        "seat_requests",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=40, collation="utf8mb4_bin"), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("preferred_seat", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=True),
        sa.Column("seat_index", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("decided_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_seat_requests_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_requests")),
        sa.UniqueConstraint("public_id", name=op.f("uq_seat_requests_public_id")),
        sa.UniqueConstraint(
            "room_id", "identity", "pending", name=op.f("uq_seat_requests_room_id_identity_pending")
        ),
    )
    op.create_table(
        "seats",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("seat_index", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_seats_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seats")),
        sa.UniqueConstraint("room_id", "identity", name=op.f("uq_seats_room_id_identity")),
        sa.UniqueConstraint("room_id", "seat_index", name=op.f("uq_seats_room_id_seat_index")),
    )
    op.add_column("bans", sa.Column("lifted_at", mysql.DATETIME(fsp=6), nullable=True))
    op.add_column("bans", sa.Column("lifted_by", sa.String(length=128), nullable=True))
    # Existing rooms: the creator owns them, and they keep having no stage (they were made without one).
    op.add_column("rooms", sa.Column("owner", sa.String(length=128, collation="utf8mb4_bin"), nullable=True))
    op.execute("UPDATE rooms SET owner = creator")
    op.alter_column(
        "rooms", "owner", existing_type=sa.String(length=128, collation="utf8mb4_bin"), nullable=False
    )
    op.add_column("rooms", sa.Column("seats", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "rooms", sa.Column("seat_mode", sa.String(length=8), nullable=False, server_default="apply")
    )
    op.create_check_constraint(op.f("ck_rooms_seat_mode"), "rooms", "seat_mode IN ('free','apply')")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_rooms_seat_mode"), "rooms", type_="check")
    op.drop_column("rooms", "seat_mode")
    op.drop_column("rooms", "seats")
    op.drop_column("rooms", "owner")
    op.drop_column("bans", "lifted_by")
    op.drop_column("bans", "lifted_at")
    op.drop_table("seats")
    op.drop_table("seat_requests")
    op.drop_table("mutes")
    op.drop_table("audit_log")
