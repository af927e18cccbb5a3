from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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
    lifted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    lifted_by: Mapped[str | None] = mapped_column(String(128), default=None)


class Mute(IdMixin, Base):
    """One muted source of one identity: removed from its ``can_publish_sources`` until expiry."""

    __tablename__ = "mutes"
    __table_args__ = (
        UniqueConstraint("room_id", "identity", "source"),
        Index("ix_mutes_expires_at", "expires_at"),
    )

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(exact(128))
    source: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(256), default="")
    actor: Mapped[str | None] = mapped_column(String(128), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(IdMixin, Base):
    """Every moderation and seat action: who did what to whom, with which parameters and why."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_room_id_id", "room_id", "id"),)

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    actor: Mapped[str | None] = mapped_column(String(128), default=None)
    caller: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    target: Mapped[str | None] = mapped_column(exact(128), default=None)
    params: Mapped[str] = mapped_column(Text, default="{}")
    reason: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
