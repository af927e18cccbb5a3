"""detection: model registry, room detection runs, per-track state and scored windows

Revision ID: 0003_detection
Revises: 0002_moderation
Create Date: 2026-11-23 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0003_detection"
down_revision: str | None = "0002_moderation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "detection_models",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("version", sa.String(length=32, collation="utf8mb4_bin"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uri", sa.String(length=512), nullable=False),
        sa.Column("suspicious_threshold", sa.Float(), nullable=False),
        sa.Column("alert_threshold", sa.Float(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=True),
        sa.Column("window_samples", sa.Integer(), nullable=True),
        sa.Column("input_size", sa.Integer(), nullable=True),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("active_kind", sa.String(length=8), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint("kind IN ('audio','video')", name=op.f("ck_detection_models_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_models")),
        sa.UniqueConstraint("active_kind", name=op.f("uq_detection_models_active_kind")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_detection_models_name_version")),
    )
    op.create_table(
        "detection_tracks",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("room_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("participant_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("track_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("last_score", sa.Float(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("windows", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.BigInteger(), nullable=False),
        sa.Column("last_window_end", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.Column("alerted_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint("state IN ('clear','suspicious','alert')", name=op.f("ck_detection_tracks_state")),
        sa.ForeignKeyConstraint(
            ["model_id"], ["detection_models.id"], name=op.f("fk_detection_tracks_model_id_detection_models")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_detection_tracks_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_tracks")),
        sa.UniqueConstraint("track_sid", name=op.f("uq_detection_tracks_track_sid")),
    )
    op.create_index(
        "ix_detection_tracks_room_id_identity", "detection_tracks", ["room_id", "identity"], unique=False
    )
    op.create_table(
        "detections",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("room_name", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("room_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("participant_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("track_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("window_start", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("window_end", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("smoothed_score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("model_id", sa.BigInteger(), nullable=False),
        sa.Column("model_name", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("model_version", sa.String(length=32, collation="utf8mb4_bin"), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint("kind IN ('audio','video')", name=op.f("ck_detections_kind")),
        sa.CheckConstraint("state IN ('clear','suspicious','alert')", name=op.f("ck_detections_state")),
        sa.ForeignKeyConstraint(
            ["model_id"], ["detection_models.id"], name=op.f("fk_detections_model_id_detection_models")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_detections_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detections")),
        sa.UniqueConstraint(
            "track_sid",
            "model_id",
            "window_start",
            name=op.f("uq_detections_track_sid_model_id_window_start"),
        ),
    )
    op.create_index("ix_detections_identity_id", "detections", ["identity", "id"], unique=False)
    op.create_index("ix_detections_room_id_id", "detections", ["room_id", "id"], unique=False)
    op.create_index("ix_detections_state_id", "detections", ["state", "id"], unique=False)
    op.create_index("ix_detections_window_start", "detections", ["window_start"], unique=False)
    op.create_table(
        "room_detection",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("policy", sa.String(length=8), nullable=False),
        sa.Column("mute_seconds", sa.Integer(), nullable=True),
        sa.Column("ban_seconds", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dispatch_id", sa.String(length=64, collation="utf8mb4_bin"), nullable=True),
        sa.Column("dispatched_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("redispatch_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("started_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("stopped_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("heartbeat_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("job_id", sa.String(length=64, collation="utf8mb4_bin"), nullable=True),
        sa.Column("agent_identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint("policy IN ('notify','mute','kick')", name=op.f("ck_room_detection_policy")),
        sa.CheckConstraint(
            "status IN ('dispatched','running','stopped')", name=op.f("ck_room_detection_status")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_room_detection_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_detection")),
        sa.UniqueConstraint("room_id", name=op.f("uq_room_detection_room_id")),
    )
    op.create_index("ix_room_detection_redispatch_at", "room_detection", ["redispatch_at"], unique=False)


def downgrade() -> None:
    # Indexes go with their tables (MariaDB refuses to drop one a foreign key still uses).
    op.drop_table("room_detection")
    op.drop_table("detections")
    op.drop_table("detection_tracks")
    op.drop_table("detection_models")
