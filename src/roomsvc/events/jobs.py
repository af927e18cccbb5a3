"""Event delivery's background work: the ``delivery-relay`` job of ``roomsvc jobs`` (``roomsvc.scheduler``).

One run claims due deliveries (committed leases), sends them outside any transaction, and records the
outcomes (``events/delivery.py`` explains the states and the ordering). The body owns its transactions
because it commits between the phases; :func:`claim` and :func:`record` take a session.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import httpx
import msgspec
import structlog
from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from roomsvc.config import JobSettings
from roomsvc.credentials.service import open_secret
from roomsvc.db import utcnow
from roomsvc.events.delivery import Claimed, Outcome, backoff, send
from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from roomsvc.events.service import envelope

log = structlog.get_logger("roomsvc.delivery")
_encoder = msgspec.json.Encoder()
BATCH = 100


async def deliver_due(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    http: httpx.AsyncClient,
    settings: JobSettings,
    master_key: str,
    batch: int = BATCH,
    observer: Callable[[Outcome], None] | None = None,
) -> int:
    """Claim → send → record one batch; returns how many deliveries were attempted."""
    async with session_factory() as session, session.begin():
        claimed = await claim(session, settings, master_key, batch=batch)
    if not claimed:
        return 0
    semaphore = asyncio.Semaphore(settings.delivery_concurrency)
    outcomes = await asyncio.gather(
        *(send(http, c, request_timeout=settings.delivery_timeout, semaphore=semaphore) for c in claimed)
    )
    async with session_factory() as session, session.begin():
        await record(session, list(outcomes), settings, observer=observer)
    return len(claimed)


async def claim(
    session: AsyncSession, settings: JobSettings, master_key: str, *, batch: int = BATCH
) -> list[Claimed]:
    """Lease up to ``batch`` due deliveries, each the oldest pending one of its (subscription, room)."""
    now = utcnow()
    earlier = aliased(EventDelivery)
    blocked = (
        select(earlier.id)
        .where(
            earlier.subscription_id == EventDelivery.subscription_id,
            earlier.room_key == EventDelivery.room_key,
            earlier.status == "pending",
            earlier.event_id < EventDelivery.event_id,
        )
        .exists()
    )
    active = select(EventSubscription.id).where(EventSubscription.status == "active")
    heads = (
        (
            await session.execute(
                select(EventDelivery.id)
                .where(
                    EventDelivery.status == "pending",
                    EventDelivery.next_attempt_at <= now,
                    EventDelivery.subscription_id.in_(active.scalar_subquery()),
                    ~blocked,
                )
                .order_by(EventDelivery.id)
                .limit(batch)
            )
        )
        .scalars()
        .all()
    )
    if not heads:
        return []
    rows = (
        await session.execute(
            select(EventDelivery, EventSubscription, Event)
            .join(EventSubscription, EventSubscription.id == EventDelivery.subscription_id)
            .join(Event, Event.id == EventDelivery.event_id)
            .where(
                EventDelivery.id.in_(heads),
                EventDelivery.status == "pending",
                and_((EventDelivery.lease_until.is_(None)) | (EventDelivery.lease_until < now)),
            )
            .with_for_update(skip_locked=True)
        )
    ).all()
    lease_until = now + dt.timedelta(seconds=settings.lease)
    claimed = []
    for delivery, subscription, event in rows:
        delivery.lease_until = lease_until
        claimed.append(
            Claimed(
                delivery_id=delivery.id,
                subscription_id=subscription.id,
                subscription_public_id=subscription.public_id,
                url=subscription.url,
                secret=open_secret(master_key, subscription.secret_sealed, subscription.public_id),
                event_public_id=event.public_id,
                body=_encoder.encode(envelope(event)),
                attempts=delivery.attempts,
                created_at=delivery.created_at,
            )
        )
    return claimed


async def record(
    session: AsyncSession,
    outcomes: list[Outcome],
    settings: JobSettings,
    *,
    observer: Callable[[Outcome], None] | None = None,
) -> None:
    """Store each attempt; schedule retries with backoff, or disable a subscription that keeps failing."""
    now = utcnow()
    for outcome in outcomes:
        c = outcome.claimed
        attempt = c.attempts + 1
        session.add(
            DeliveryAttempt(
                delivery_id=c.delivery_id,
                attempt=attempt,
                status_code=outcome.status_code,
                latency_ms=outcome.latency_ms,
                error=outcome.error,
                attempted_at=now,
            )
        )
        values: dict[str, object] = {
            "attempts": attempt,
            "lease_until": None,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
            "last_latency_ms": outcome.latency_ms,
        }
        subscription = await session.get(EventSubscription, c.subscription_id, with_for_update=True)
        if outcome.ok:
            values |= {"status": "delivered", "delivered_at": now}
            if subscription is not None:
                subscription.consecutive_failures = 0
        else:
            delay = backoff(attempt, settings.backoff_base, settings.backoff_cap)
            given_up = (now - c.created_at).total_seconds() > settings.max_age
            values |= {
                "status": "failed" if given_up else "pending",
                "next_attempt_at": now + dt.timedelta(seconds=delay),
            }
            if subscription is not None and subscription.status == "active":
                subscription.consecutive_failures += 1
                if subscription.consecutive_failures >= settings.disable_after:
                    subscription.status = "disabled"
                    subscription.disabled_reason = (
                        f"{subscription.consecutive_failures} consecutive failed deliveries"
                    )
                    log.warning("subscription.disabled", subscription=c.subscription_public_id)
        await session.execute(update(EventDelivery).where(EventDelivery.id == c.delivery_id).values(**values))
        log.info(
            "event.delivery",
            event_id=c.event_public_id,
            subscription=c.subscription_public_id,
            status_code=outcome.status_code,
            ok=outcome.ok,
            attempt=attempt,
            latency_ms=outcome.latency_ms,
        )
        if observer is not None:
            observer(outcome)
