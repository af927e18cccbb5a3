from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow


class Seat(IdMixin, Base):
    """One stage seat. The unique constraints make "one occupant per seat, one seat per identity" hold
    in the database itself, whatever races the API sees."""

    __tablename__ = "seats"
    __table_args__ = (UniqueConstraint("room_id", "seat_index"), UniqueConstraint("room_id", "identity"))

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    seat_index: Mapped[int] = mapped_column(Integer)
    identity: Mapped[str | None] = mapped_column(exact(128), default=None)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The seat's microphone / camera is locked: whoever sits here cannot publish that source.
    mic_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    camera_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SeatRequest(IdMixin, Base):
    """An identity's application for a seat (``kind`` ``application``), or an owner/admin's invitation
    onto the stage (``invitation``) that the identity accepts or declines before ``expires_at``."""

    __tablename__ = "seat_requests"
    # `pending` is 1 while pending and NULL after: at most one pending request per identity and room.
    __table_args__ = (
        UniqueConstraint("room_id", "identity", "pending"),
        Index("ix_seat_requests_expires_at", "expires_at"),
    )

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(exact(128))
    preferred_seat: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    pending: Mapped[bool | None] = mapped_column(Boolean, default=True)
    seat_index: Mapped[int | None] = mapped_column(Integer, default=None)
    reason: Mapped[str] = mapped_column(String(256), default="")
    decided_by: Mapped[str | None] = mapped_column(String(128), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(16), default="application")
    invited_by: Mapped[str | None] = mapped_column(exact(128), default=None)
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
