from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.dialects.mysql import LONGTEXT
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow


class WebhookEvent(IdMixin, Base):
    """Every accepted LiveKit webhook, raw, keyed by LiveKit's event id (retries resend the same id)."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        Index("ix_webhook_events_room_name_id", "room_name", "id"),
        Index("ix_webhook_events_processed_at_id", "processed_at", "id"),
        Index("ix_webhook_events_processed_at_room_name_id", "processed_at", "room_name", "id"),
    )

    event_id: Mapped[str] = mapped_column(exact(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(48))
    room_name: Mapped[str | None] = mapped_column(exact(128), default=None)
    room_sid: Mapped[str | None] = mapped_column(String(64), default=None)
    participant_identity: Mapped[str | None] = mapped_column(exact(128), default=None)
    participant_sid: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at_unix: Mapped[int] = mapped_column(BigInteger, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(512), default=None)
    body: Mapped[str] = mapped_column(Text().with_variant(LONGTEXT(), "mysql"))
