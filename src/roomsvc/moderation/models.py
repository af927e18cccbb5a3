from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow


class Ban(IdMixin, Base):
    """A re-entry ban: joins are refused while ``expires_at`` is in the future (NULL = permanent)."""

    __tablename__ = "bans"
    __table_args__ = (UniqueConstraint("room_id", "identity"),)

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(exact(128))
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(256), default="")
    actor: Mapped[str | None] = mapped_column(String(128), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
