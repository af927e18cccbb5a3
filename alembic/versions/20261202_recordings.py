"""recordings and recording_files; rooms.auto_record

A recording is one capture of a room (``room_audio``: every audio track mixed into one file; ``tracks``:
a file per track), made by the recorder agent or passed through to LiveKit Egress. ``active`` is 1 while
the recording runs and NULL after, so the unique key ``(room_id, kind, active)`` lets at most one run per
room and kind (docs/recording.md). ``rooms.auto_record`` starts one when the first participant joins.

Revision ID: 0008_recordings
Revises: 0007_client_admin
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0008_recordings"
down_revision: str | None = "0007_client_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bin(length: int) -> sa.String:
    return sa.String(length=length, collation="utf8mb4_bin")


def upgrade() -> None:
    op.add_column(
        "rooms", sa.Column("auto_record", sa.String(length=16), nullable=False, server_default="off")
    )
    op.create_table(
        "recordings",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", _bin(40), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("room_name", _bin(128), nullable=False),
        sa.Column("room_sid", _bin(64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("identities", sa.Text(), nullable=False),
        sa.Column("track_sids", sa.Text(), nullable=False),
        sa.Column("backend", sa.String(length=8), nullable=False),
        sa.Column("storage", sa.String(length=8), nullable=False),
        sa.Column("key_prefix", sa.String(length=400), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("auto", sa.Boolean(), nullable=False),
        sa.Column("failure_reason", sa.String(length=512), nullable=True),
        sa.Column("stop_reason", sa.String(length=64), nullable=True),
        sa.Column("dispatch_id", _bin(64), nullable=True),
        sa.Column("dispatch_due_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("egress_id", _bin(64), nullable=True),
        sa.Column("agent_identity", _bin(128), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("actor", _bin(128), nullable=True),
        sa.Column("bytes_written", sa.BigInteger(), nullable=False),
        sa.Column("started_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("stopped_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("ended_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("heartbeat_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint(
            "state IN ('starting','recording','stopping','ready','partial','failed')",
            name=op.f("ck_recordings_state"),
        ),
        sa.CheckConstraint("kind IN ('room_audio','tracks')", name=op.f("ck_recordings_kind")),
        sa.CheckConstraint("backend IN ('agent','egress')", name=op.f("ck_recordings_backend")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_recordings_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_recordings_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("public_id", name=op.f("uq_recordings_public_id")),
        sa.UniqueConstraint("egress_id", name=op.f("uq_recordings_egress_id")),
        sa.UniqueConstraint("room_id", "kind", "active", name=op.f("uq_recordings_room_id_kind_active")),
    )
    op.create_index("ix_recordings_project_id_id", "recordings", ["project_id", "id"], unique=False)
    op.create_index(
        "ix_recordings_active_heartbeat_at", "recordings", ["active", "heartbeat_at"], unique=False
    )
    op.create_index("ix_recordings_dispatch_due_at", "recordings", ["dispatch_due_at"], unique=False)
    op.create_index("ix_recordings_created_at", "recordings", ["created_at"], unique=False)
    op.create_table(
        "recording_files",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", _bin(40), nullable=False),
        sa.Column("recording_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("identity", _bin(128), nullable=True),
        sa.Column("track_sid", _bin(64), nullable=True),
        sa.Column("storage_key", _bin(512), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("egress_id", _bin(64), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("location", sa.String(length=1024), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint("kind IN ('audio','video','mix')", name=op.f("ck_recording_files_kind")),
        sa.CheckConstraint(
            "state IN ('writing','ready','partial','failed')", name=op.f("ck_recording_files_state")
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_recording_files_recording_id_recordings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_files")),
        sa.UniqueConstraint("public_id", name=op.f("uq_recording_files_public_id")),
        sa.UniqueConstraint(
            "recording_id", "storage_key", name=op.f("uq_recording_files_recording_id_storage_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("recording_files")
    op.drop_table("recordings")
    op.drop_column("rooms", "auto_record")
