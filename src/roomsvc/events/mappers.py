"""Subscriptions and events → API responses (the one place events are shaped for the outside)."""

from __future__ import annotations

import msgspec

from roomsvc.events.models import Event, EventSubscription
from roomsvc.events.schemas import EventOut, SubscriptionOut


def subscription_out(sub: EventSubscription, secret: str | None = None) -> SubscriptionOut:
    return SubscriptionOut(
        id=sub.public_id,
        url=sub.url,
        description=sub.description,
        event_types=sub.event_types.split(),
        status=sub.status,  # type: ignore[arg-type]
        consecutive_failures=sub.consecutive_failures,
        disabled_reason=sub.disabled_reason,
        created_at=sub.created_at,
        secret=secret,
    )


def event_out(event: Event) -> EventOut:
    return EventOut(
        id=event.public_id,
        type=event.type,
        room=event.room_name,
        occurred_at=event.occurred_at,
        data=msgspec.json.decode(event.data),
    )
