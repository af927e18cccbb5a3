"""Recording tables: one row per recording, one per file it wrote (docs/recording.md).

``active`` is 1 while a recording is ``starting``, ``recording`` or ``stopping`` and NULL after: the
unique key on ``(room_id, kind, active)`` lets the database itself hold "at most one active recording per
room and kind", whatever races the API sees (NULLs never collide), like ``seat_requests.pending``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

ACTIVE_STATES = ("starting", "recording", "stopping")
FINAL_STATES = ("ready", "partial", "failed")
STATES = ACTIVE_STATES + FINAL_STATES
KINDS = ("room_audio", "tracks")
BACKENDS = ("agent", "egress")
FILE_KINDS = ("audio", "video", "mix")
FILE_STATES = ("writing", "ready", "partial", "failed")


class Recording(IdMixin, Base):
    __tablename__ = "recordings"
    __table_args__ = (
        CheckConstraint(
            "state IN ('starting','recording','stopping','ready','partial','failed')", name="state"
        ),
        CheckConstraint("kind IN ('room_audio','tracks')", name="kind"),
        CheckConstraint("backend IN ('agent','egress')", name="backend"),
        UniqueConstraint("room_id", "kind", "active"),
        Index("ix_recordings_project_id_id", "project_id", "id"),
        Index("ix_recordings_active_heartbeat_at", "active", "heartbeat_at"),
        Index("ix_recordings_dispatch_due_at", "dispatch_due_at"),
        Index("ix_recordings_created_at", "created_at"),
    )

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    room_name: Mapped[str] = mapped_column(exact(128))  # the API name, for listings and events
    room_sid: Mapped[str | None] = mapped_column(exact(64), default=None)
    kind: Mapped[str] = mapped_column(String(16))
    identities: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; empty = everyone
    track_sids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; empty = every track
    backend: Mapped[str] = mapped_column(String(8), default="agent")
    storage: Mapped[str] = mapped_column(String(8))  # local | s3: where the files are
    key_prefix: Mapped[str] = mapped_column(String(400))  # every file's key starts with it
    state: Mapped[str] = mapped_column(String(16), default="starting")
    active: Mapped[bool | None] = mapped_column(Boolean, default=True)
    auto: Mapped[bool] = mapped_column(Boolean, default=False)  # started by the room's auto_record
    failure_reason: Mapped[str | None] = mapped_column(String(512), default=None)
    stop_reason: Mapped[str | None] = mapped_column(String(64), default=None)
    dispatch_id: Mapped[str | None] = mapped_column(exact(64), default=None)
    # When `roomsvc jobs` must dispatch the recorder if the API has not (a crash between commit and
    # CreateDispatch; auto recordings are dispatched by the jobs alone). NULL once dispatched.
    dispatch_due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    egress_id: Mapped[str | None] = mapped_column(exact(64), default=None, unique=True)
    agent_identity: Mapped[str | None] = mapped_column(exact(128), default=None)
    requested_by: Mapped[str] = mapped_column(String(64))  # the caller credential
    actor: Mapped[str | None] = mapped_column(exact(128), default=None)
    bytes_written: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class RecordingFile(IdMixin, Base):
    __tablename__ = "recording_files"
    __table_args__ = (
        CheckConstraint("kind IN ('audio','video','mix')", name="kind"),
        CheckConstraint("state IN ('writing','ready','partial','failed')", name="state"),
        UniqueConstraint("recording_id", "storage_key"),
    )

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    identity: Mapped[str | None] = mapped_column(exact(128), default=None)
    track_sid: Mapped[str | None] = mapped_column(exact(64), default=None)
    storage_key: Mapped[str] = mapped_column(exact(512))
    content_type: Mapped[str] = mapped_column(String(64))
    egress_id: Mapped[str | None] = mapped_column(exact(64), default=None)
    state: Mapped[str] = mapped_column(String(8), default="writing")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    duration_s: Mapped[float | None] = mapped_column(Float, default=None)
    location: Mapped[str | None] = mapped_column(String(1024), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
