"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 04:21:19.288335
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caller_credentials",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("scopes", sa.String(length=512), nullable=False),
        sa.Column("secret_ciphertext", sa.String(length=512), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("revoked_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_credentials")),
        sa.UniqueConstraint("public_id", name=op.f("uq_caller_credentials_public_id")),
    )
    op.create_table(
        "event_subscriptions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=40, collation="utf8mb4_bin"), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("description", sa.String(length=256), nullable=False),
        sa.Column("event_types", sa.String(length=1024), nullable=False),
        sa.Column("secret_sealed", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=256), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("deleted_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_subscriptions")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_subscriptions_public_id")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=40, collation="utf8mb4_bin"), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("room_name", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
        sa.Column("occurred_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("public_id", name=op.f("uq_events_public_id")),
    )
    op.create_index("ix_events_room_name_id", "events", ["room_name", "id"], unique=False)
    op.create_index("ix_events_type_id", "events", ["type", "id"], unique=False)
    op.create_table(
        "media_jobs",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("job_id", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("room_name", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_rank", sa.Integer(), nullable=False),
        sa.Column("started_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("ended_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("info", sa.Text(), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_jobs")),
    )
    op.create_index("uq_media_jobs_kind_job_id", "media_jobs", ["kind", "job_id"], unique=True)
    op.create_table(
        "rooms",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_channel_id", sa.String(length=128), nullable=True),
        sa.Column("source_channel_type", sa.String(length=32), nullable=True),
        sa.Column("creator", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("call_type", sa.String(length=8), nullable=False),
        sa.Column("invite_on", sa.Boolean(), nullable=False),
        sa.Column("max_participants", sa.Integer(), nullable=False),
        sa.Column("empty_timeout", sa.Integer(), nullable=False),
        sa.Column("departure_timeout", sa.Integer(), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("spec_hash", sa.String(length=64), nullable=False),
        sa.Column("livekit_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("ended_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("end_reason", sa.String(length=256), nullable=True),
        sa.CheckConstraint("call_type IN ('audio','video')", name=op.f("ck_rooms_call_type")),
        sa.CheckConstraint("status IN ('creating','created','active','ended')", name=op.f("ck_rooms_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.UniqueConstraint("name", name=op.f("uq_rooms_name")),
    )
    op.create_index("ix_rooms_created_at", "rooms", ["created_at"], unique=False)
    op.create_index("ix_rooms_creator_id", "rooms", ["creator", "id"], unique=False)
    op.create_index("ix_rooms_source_channel_id_id", "rooms", ["source_channel_id", "id"], unique=False)
    op.create_index("ix_rooms_status_id", "rooms", ["status", "id"], unique=False)
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("event_type", sa.String(length=48), nullable=False),
        sa.Column("room_name", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
        sa.Column("room_sid", sa.String(length=64), nullable=True),
        sa.Column("participant_identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=True),
        sa.Column("participant_sid", sa.String(length=64), nullable=True),
        sa.Column("created_at_unix", sa.BigInteger(), nullable=False),
        sa.Column("received_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("processed_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=512), nullable=True),
        sa.Column("body", sa.Text().with_variant(mysql.LONGTEXT(), "mysql"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_webhook_events_event_id")),
    )
    op.create_index(
        "ix_webhook_events_processed_at_id", "webhook_events", ["processed_at", "id"], unique=False
    )
    op.create_index("ix_webhook_events_room_name_id", "webhook_events", ["room_name", "id"], unique=False)
    op.create_table(
        "bans",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("expires_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_bans_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bans")),
        sa.UniqueConstraint("room_id", "identity", name=op.f("uq_bans_room_id_identity")),
    )
    op.create_table(
        "event_deliveries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("room_key", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("lease_until", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=512), nullable=True),
        sa.Column("last_latency_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("delivered_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_deliveries_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["event_subscriptions.id"],
            name=op.f("fk_event_deliveries_subscription_id_event_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_deliveries")),
        sa.UniqueConstraint(
            "subscription_id", "event_id", name=op.f("uq_event_deliveries_subscription_id_event_id")
        ),
    )
    op.create_index(
        "ix_event_deliveries_order",
        "event_deliveries",
        ["subscription_id", "room_key", "status", "event_id"],
        unique=False,
    )
    op.create_index(
        "ix_event_deliveries_status_next_attempt_at",
        "event_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=40, collation="utf8mb4_bin"), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("responded_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.CheckConstraint("role IN ('admin','member','audience')", name=op.f("ck_invitations_role")),
        sa.CheckConstraint(
            "status IN ('pending','accepted','declined','revoked')", name=op.f("ck_invitations_status")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_invitations_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("public_id", name=op.f("uq_invitations_public_id")),
    )
    op.create_index("ix_invitations_room_id_identity", "invitations", ["room_id", "identity"], unique=False)
    op.create_table(
        "participants",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("livekit_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=True),
        sa.Column("joined_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("left_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("token_expires_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner','admin','member','audience')", name=op.f("ck_participants_role")
        ),
        sa.CheckConstraint("state IN ('invited','joined','left')", name=op.f("ck_participants_state")),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_participants_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("room_id", "identity", name=op.f("uq_participants_room_id_identity")),
    )
    op.create_table(
        "room_sessions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=True),
        sa.Column("room_name", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("started_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("ended_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("peak_participants", sa.Integer(), nullable=False),
        sa.Column("repaired", sa.Boolean(), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_room_sessions_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_sessions")),
        sa.UniqueConstraint("sid", name=op.f("uq_room_sessions_sid")),
    )
    op.create_index("ix_room_sessions_room_id_id", "room_sessions", ["room_id", "id"], unique=False)
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=512), nullable=True),
        sa.Column("attempted_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["event_deliveries.id"],
            name=op.f("fk_delivery_attempts_delivery_id_event_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
    )
    op.create_index("ix_delivery_attempts_delivery_id", "delivery_attempts", ["delivery_id"], unique=False)
    op.create_table(
        "participant_sessions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_session_id", sa.BigInteger(), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=True),
        sa.Column("sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("joined_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("left_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("disconnect_reason", sa.String(length=64), nullable=True),
        sa.Column("repaired", sa.Boolean(), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("updated_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_participant_sessions_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["room_session_id"],
            ["room_sessions.id"],
            name=op.f("fk_participant_sessions_room_session_id_room_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_sessions")),
        sa.UniqueConstraint("sid", name=op.f("uq_participant_sessions_sid")),
    )
    op.create_index(
        "ix_participant_sessions_identity_id", "participant_sessions", ["identity", "id"], unique=False
    )
    op.create_index(
        "ix_participant_sessions_room_id_identity",
        "participant_sessions",
        ["room_id", "identity"],
        unique=False,
    )
    op.create_index(
        "ix_participant_sessions_room_session_id", "participant_sessions", ["room_session_id"], unique=False
    )
    op.create_table(
        "tracks",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("room_session_id", sa.BigInteger(), nullable=False),
        sa.Column("sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("participant_sid", sa.String(length=64, collation="utf8mb4_bin"), nullable=False),
        sa.Column("identity", sa.String(length=128, collation="utf8mb4_bin"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("published_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("unpublished_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["room_session_id"],
            ["room_sessions.id"],
            name=op.f("fk_tracks_room_session_id_room_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracks")),
        sa.UniqueConstraint("sid", name=op.f("uq_tracks_sid")),
    )
    op.create_index("ix_tracks_room_session_id", "tracks", ["room_session_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tracks_room_session_id", table_name="tracks")
    op.drop_table("tracks")
    op.drop_index("ix_participant_sessions_room_session_id", table_name="participant_sessions")
    op.drop_index("ix_participant_sessions_room_id_identity", table_name="participant_sessions")
    op.drop_index("ix_participant_sessions_identity_id", table_name="participant_sessions")
    op.drop_table("participant_sessions")
    op.drop_index("ix_delivery_attempts_delivery_id", table_name="delivery_attempts")
    op.drop_table("delivery_attempts")
    op.drop_index("ix_room_sessions_room_id_id", table_name="room_sessions")
    op.drop_table("room_sessions")
    op.drop_table("participants")
    op.drop_index("ix_invitations_room_id_identity", table_name="invitations")
    op.drop_table("invitations")
    op.drop_index("ix_event_deliveries_status_next_attempt_at", table_name="event_deliveries")
    op.drop_index("ix_event_deliveries_order", table_name="event_deliveries")
    op.drop_table("event_deliveries")
    op.drop_table("bans")
    op.drop_index("ix_webhook_events_room_name_id", table_name="webhook_events")
    op.drop_index("ix_webhook_events_processed_at_id", table_name="webhook_events")
    op.drop_table("webhook_events")
    op.drop_index("ix_rooms_status_id", table_name="rooms")
    op.drop_index("ix_rooms_source_channel_id_id", table_name="rooms")
    op.drop_index("ix_rooms_creator_id", table_name="rooms")
    op.drop_index("ix_rooms_created_at", table_name="rooms")
    op.drop_table("rooms")
    op.drop_index("uq_media_jobs_kind_job_id", table_name="media_jobs")
    op.drop_table("media_jobs")
    op.drop_index("ix_events_type_id", table_name="events")
    op.drop_index("ix_events_room_name_id", table_name="events")
    op.drop_table("events")
    op.drop_table("event_subscriptions")
    op.drop_table("caller_credentials")
