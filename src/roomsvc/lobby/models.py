from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow

JOIN_REQUEST_STATUSES = ("pending", "admitted", "denied", "expired")


class LobbyRequest(IdMixin, Base):
    """A join request (a knock) on a room with ``lobby``: an identity asked to join and waits.

    ``admitted`` rows are the record of admission: an identity with one joins the room directly for the
    room's life (docs/api.md, "Waiting room"). ``pending`` is 1 while pending and NULL after, as in
    ``seat_requests``: at most one pending request per identity and room, held by the database.
    """

    __tablename__ = "join_requests"
    __table_args__ = (
        UniqueConstraint("room_id", "identity", "pending"),
        CheckConstraint("status IN ('pending','admitted','denied','expired')", name="status"),
        Index("ix_join_requests_status_expires_at", "status", "expires_at"),
    )

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(exact(128))
    name: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    pending: Mapped[bool | None] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(String(256), default="")
    decided_by: Mapped[str | None] = mapped_column(String(128), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
