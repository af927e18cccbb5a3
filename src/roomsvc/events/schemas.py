from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

EventTypeFilter = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^(\*|[a-z_]+\.(\*|[a-z_]+))$",
        max_length=64,
        examples=["participant.joined", "room.*", "*"],
        description="`*`, an event type from docs/events.md, or `<prefix>.*` for a prefix some type has; "
        "any other entry is a 400 naming `event_types`",
    ),
]


class SubscriptionCreate(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[
        str,
        msgspec.Meta(
            max_length=2048,
            pattern=r"^https?://[^\s]+$",
            examples=["https://app.example.com/hooks/roomsvc"],
            description="its host must resolve to public addresses, or to networks in "
            "ROOMSVC_EVENT_ALLOWED_NETWORKS (checked when the subscription is created: 400 naming `url`)",
        ),
    ]
    description: Annotated[str, msgspec.Meta(max_length=256)] = ""
    event_types: Annotated[list[EventTypeFilter], msgspec.Meta(min_length=1, max_length=50)] = msgspec.field(
        default_factory=lambda: ["*"]
    )


class SubscriptionOut(msgspec.Struct):
    id: str
    url: str
    description: str
    event_types: list[str]
    status: Literal["active", "disabled", "deleted"]
    consecutive_failures: int
    disabled_reason: str | None
    created_at: dt.datetime
    secret: str | None = None  # only in the responses that create or rotate it


class SubscriptionList(msgspec.Struct):
    items: list[SubscriptionOut]
    next_cursor: str | None = None


class AttemptOut(msgspec.Struct):
    attempt: int
    status_code: int | None
    latency_ms: int
    error: str | None
    attempted_at: dt.datetime


class DeliveryOut(msgspec.Struct):
    event_id: str
    event_type: str
    room: str | None
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    last_latency_ms: int | None
    delivered_at: dt.datetime | None
    history: list[AttemptOut]


class DeliveryPage(msgspec.Struct):
    items: list[DeliveryOut]
    next_cursor: str | None


class EventOut(msgspec.Struct):
    id: str
    type: str
    room: str | None
    occurred_at: dt.datetime
    data: Any


class EventPage(msgspec.Struct):
    items: list[EventOut]
    next_cursor: str | None


class Redeliver(msgspec.Struct, forbid_unknown_fields=True):
    subscription_id: str | None = None


class RedeliverResult(msgspec.Struct):
    event_id: str
    scheduled: list[str]
