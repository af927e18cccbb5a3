from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

# `creating` is internal: the row is written before LiveKit's CreateRoom and is never shown to callers.
ROOM_STATUSES = ("creating", "created", "active", "ended")


class Room(IdMixin, Base):
    __tablename__ = "rooms"
    __table_args__ = (
        CheckConstraint("status IN ('creating','created','active','ended')", name="status"),
        CheckConstraint("call_type IN ('audio','video')", name="call_type"),
        CheckConstraint("seat_mode IN ('free','apply')", name="seat_mode"),
        Index("ix_rooms_status_id", "status", "id"),
        Index("ix_rooms_creator_id", "creator", "id"),
        Index("ix_rooms_source_channel_id_id", "source_channel_id", "id"),
        Index("ix_rooms_created_at", "created_at"),
        Index("ix_rooms_project_id_id", "project_id", "id"),
        UniqueConstraint("project_id", "name"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    # The API's name, unique in its project; LiveKit knows the room as `livekit_name`
    # (types.livekit_room_name: `<project>~<name>`).
    name: Mapped[str] = mapped_column(exact(128))
    livekit_name: Mapped[str] = mapped_column(exact(192), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="creating")
    source_channel_id: Mapped[str | None] = mapped_column(String(128), default=None)
    source_channel_type: Mapped[str | None] = mapped_column(String(32), default=None)
    creator: Mapped[str] = mapped_column(exact(128))
    owner: Mapped[str] = mapped_column(exact(128))
    call_type: Mapped[str] = mapped_column(String(8), default="video")
    invite_on: Mapped[bool] = mapped_column(Boolean, default=False)
    # The owner-only opt-in to a join token with LiveKit's roomAdmin (docs/api.md, "The token model").
    client_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # `off`, `room_audio` or `tracks`: a recording of that kind starts when the first participant joins.
    auto_record: Mapped[str] = mapped_column(String(16), default="off")
    max_participants: Mapped[int] = mapped_column(Integer, default=0)
    empty_timeout: Mapped[int] = mapped_column(Integer, default=300)
    departure_timeout: Mapped[int] = mapped_column(Integer, default=20)
    room_metadata: Mapped[str] = mapped_column("metadata", Text, default="")
    seats: Mapped[int] = mapped_column(Integer, default=0)
    seat_mode: Mapped[str] = mapped_column(String(8), default="apply")
    spec_hash: Mapped[str] = mapped_column(String(64))
    livekit_sid: Mapped[str | None] = mapped_column(exact(64), default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    end_reason: Mapped[str | None] = mapped_column(String(256), default=None)

    @property
    def is_open(self) -> bool:
        return self.status in ("created", "active")

    @property
    def has_stage(self) -> bool:
        return self.seats > 0
