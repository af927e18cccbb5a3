from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

ROLES = ("owner", "admin", "member", "audience")
STATES = ("invited", "joined", "left")


class Participant(IdMixin, Base):
    """One row per (room, identity): its role and latest membership state. Sessions live in calls."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("room_id", "identity"),
        CheckConstraint("role IN ('owner','admin','member','audience')", name="role"),
        CheckConstraint("state IN ('invited','joined','left')", name="state"),
    )

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(exact(128))
    name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(16), default="member")
    participant_metadata: Mapped[str] = mapped_column("metadata", Text, default="")
    attributes: Mapped[str] = mapped_column(Text, default="{}")
    state: Mapped[str] = mapped_column(String(16), default="invited")
    livekit_sid: Mapped[str | None] = mapped_column(exact(64), default=None)
    joined_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    left_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    token_expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
