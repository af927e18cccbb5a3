from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow


class RoomSession(IdMixin, Base):
    """One LiveKit room instance (one room sid): the original design's "call"."""

    __tablename__ = "room_sessions"
    __table_args__ = (Index("ix_room_sessions_room_id_id", "room_id", "id"),)

    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), default=None)
    room_name: Mapped[str] = mapped_column(exact(128))
    sid: Mapped[str] = mapped_column(exact(64), unique=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    peak_participants: Mapped[int] = mapped_column(Integer, default=0)
    # The latest join counted into the peak (calls/recorder.py): the peak is kept incrementally while
    # joins come in order, and recomputed from every session when one comes before it.
    latest_joined_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    repaired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ParticipantSession(IdMixin, Base):
    """One connection of one identity, keyed by LiveKit's participant sid (a reconnect is a new sid)."""

    __tablename__ = "participant_sessions"
    __table_args__ = (
        Index("ix_participant_sessions_room_id_identity", "room_id", "identity"),
        Index("ix_participant_sessions_identity_id", "identity", "id"),
        Index("ix_participant_sessions_room_session_id", "room_session_id"),
        Index("ix_participant_sessions_room_session_id_left_at", "room_session_id", "left_at"),
    )

    room_session_id: Mapped[int] = mapped_column(ForeignKey("room_sessions.id", ondelete="CASCADE"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), default=None)
    sid: Mapped[str] = mapped_column(exact(64), unique=True)
    identity: Mapped[str] = mapped_column(exact(128))
    name: Mapped[str] = mapped_column(String(128), default="")
    kind: Mapped[str] = mapped_column(String(16), default="standard")
    joined_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    left_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    disconnect_reason: Mapped[str | None] = mapped_column(String(64), default=None)
    repaired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Track(IdMixin, Base):
    __tablename__ = "tracks"
    __table_args__ = (Index("ix_tracks_room_session_id", "room_session_id"),)

    room_session_id: Mapped[int] = mapped_column(ForeignKey("room_sessions.id", ondelete="CASCADE"))
    sid: Mapped[str] = mapped_column(exact(64), unique=True)
    participant_sid: Mapped[str] = mapped_column(exact(64))
    identity: Mapped[str] = mapped_column(exact(128))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    unpublished_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class MediaJob(IdMixin, Base):
    """Egress and ingress as LiveKit reports them (we don't run them; we keep their record)."""

    __tablename__ = "media_jobs"
    __table_args__ = (Index("uq_media_jobs_kind_job_id", "kind", "job_id", unique=True),)

    kind: Mapped[str] = mapped_column(String(8))
    job_id: Mapped[str] = mapped_column(exact(64))
    room_name: Mapped[str | None] = mapped_column(exact(128), default=None)
    status: Mapped[str] = mapped_column(String(32))
    status_rank: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    info: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
