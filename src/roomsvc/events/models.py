from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roomsvc.db import Base, IdMixin, exact, utcnow


class Event(IdMixin, Base):
    """The outbox: written in the same transaction as the change it describes.

    ``id`` is assigned at INSERT, so ids commit out of order; ``seq`` is the feed's order, assigned after
    commit by the one sequencer (``events/feed.py``): NULL until then, unique, and gap-free in what
    readers see (docs/architecture.md#the-outbox-and-event-delivery).
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_room_name_id", "room_name", "id"),
        Index("ix_events_type_id", "type", "id"),
        Index("ix_events_room_name_seq", "room_name", "seq"),
        Index("ix_events_type_seq", "type", "seq"),
        Index("ix_events_project_id_seq", "project_id", "seq"),
        Index("ix_events_project_id_room_name_seq", "project_id", "room_name", "seq"),
    )

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True, default=None)
    type: Mapped[str] = mapped_column(String(64))
    room_name: Mapped[str | None] = mapped_column(exact(128), default=None)
    occurred_at: Mapped[dt.datetime] = mapped_column()
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EventSubscription(IdMixin, Base):
    __tablename__ = "event_subscriptions"
    __table_args__ = (Index("ix_event_subscriptions_project_id_id", "project_id", "id"),)

    public_id: Mapped[str] = mapped_column(exact(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(256), default="")
    # Space-separated event types, or "*" for all.
    event_types: Mapped[str] = mapped_column(String(1024), default="*")
    secret_sealed: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), default="active")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_reason: Mapped[str | None] = mapped_column(String(256), default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class EventDelivery(IdMixin, Base):
    """One event owed to one subscription. ``room_key`` orders deliveries per (subscription, room)."""

    __tablename__ = "event_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_event_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_event_deliveries_order", "subscription_id", "room_key", "status", "event_id"),
        # The relay counts what is in flight per subscription: only leased rows, however long the backlog.
        Index("ix_event_deliveries_lease_until", "lease_until"),
    )

    subscription_id: Mapped[int] = mapped_column(ForeignKey("event_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    room_key: Mapped[str] = mapped_column(exact(128), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The token of the claim that holds the lease: results are written only under it (fencing).
    claim: Mapped[str | None] = mapped_column(String(32), default=None)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    # An error class (events/delivery.py ERROR_CLASSES), never a response body or exception text.
    last_error: Mapped[str | None] = mapped_column(String(512), default=None)
    last_latency_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class DeliveryAttempt(IdMixin, Base):
    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_delivery_id", "delivery_id"),)

    delivery_id: Mapped[int] = mapped_column(ForeignKey("event_deliveries.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(512), default=None)
    attempted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
