"""The outbox relay: signed, at-least-once, per-room-ordered delivery of events to subscriptions.

A delivery row (one event owed to one subscription) moves ``pending`` → ``delivered`` (2xx) or, after
``ROOMSVC_DELIVERY_MAX_AGE`` of failures, ``failed``. The relay runs in ``roomsvc jobs``; any number of
those may run:

1. **Pick heads.** A plain read finds due pending deliveries that are the *oldest* pending one of their
   (subscription, room) — so a room's events reach a subscriber in order, one at a time.
2. **Claim.** ``SELECT … FOR UPDATE SKIP LOCKED`` on those ids, re-checking the lease, then set
   ``lease_until`` and commit. Two relays never send the same delivery at once.
3. **Send** outside any transaction (HMAC-signed POST, bounded concurrency).
4. **Record** the attempt: success clears the subscription's failure count; failure schedules the next
   attempt with exponential backoff and full jitter, and disables the subscription after
   ``ROOMSVC_DELIVERY_DISABLE_AFTER`` consecutive failures.

A relay killed at any point (even ``kill -9`` mid-send) loses nothing: its leases expire and another
relay — or itself, restarted — sends again. Receivers must therefore de-duplicate by event id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import random
import time
from dataclasses import dataclass

import httpx
import msgspec
import structlog
from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from roomsvc import __version__
from roomsvc.config import JobSettings
from roomsvc.credentials.service import open_secret
from roomsvc.db import utcnow
from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from roomsvc.events.service import envelope

log = structlog.get_logger("roomsvc.delivery")
_encoder = msgspec.json.Encoder()

SIGNATURE_HEADER = "Roomsvc-Signature"
TIMESTAMP_HEADER = "Roomsvc-Timestamp"
EVENT_ID_HEADER = "Roomsvc-Event-Id"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``v1=`` + hex HMAC-SHA256(secret, "{timestamp}.{body}") — what receivers recompute."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def backoff(attempts: int, base: float, cap: float) -> float:
    """Full-jitter exponential backoff: uniform in [base/2, min(cap, base * 2**(attempts-1))]."""
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return random.uniform(min(base / 2, ceiling), ceiling)


@dataclass
class Claimed:
    delivery_id: int
    subscription_id: int
    subscription_public_id: str
    url: str
    secret: str
    event_public_id: str
    body: bytes
    attempts: int
    created_at: dt.datetime


@dataclass
class Outcome:
    claimed: Claimed
    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class DeliveryRelay:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: JobSettings,
        master_key: str,
        http: httpx.AsyncClient,
        *,
        batch: int = 100,
        observer: object | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._master_key = master_key
        self._http = http
        self._batch = batch
        self._semaphore = asyncio.Semaphore(settings.delivery_concurrency)
        self.observer = observer

    async def _claim(self) -> list[Claimed]:
        now = utcnow()
        async with self._session_factory() as session, session.begin():
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
                        .limit(self._batch)
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
            lease_until = now + dt.timedelta(seconds=self._settings.lease)
            claimed = []
            for delivery, subscription, event in rows:
                delivery.lease_until = lease_until
                claimed.append(
                    Claimed(
                        delivery_id=delivery.id,
                        subscription_id=subscription.id,
                        subscription_public_id=subscription.public_id,
                        url=subscription.url,
                        secret=open_secret(
                            self._master_key, subscription.secret_sealed, subscription.public_id
                        ),
                        event_public_id=event.public_id,
                        body=_encoder.encode(envelope(event)),
                        attempts=delivery.attempts,
                        created_at=delivery.created_at,
                    )
                )
            return claimed

    async def _send(self, claimed: Claimed) -> Outcome:
        async with self._semaphore:
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "User-Agent": f"roomsvc/{__version__}",
                EVENT_ID_HEADER: claimed.event_public_id,
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(claimed.secret, timestamp, claimed.body),
            }
            started = time.perf_counter()
            try:
                response = await self._http.post(
                    claimed.url,
                    content=claimed.body,
                    headers=headers,
                    timeout=self._settings.delivery_timeout,
                )
                status, error = response.status_code, None if response.is_success else response.text[:200]
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"[:512]
            latency = int((time.perf_counter() - started) * 1000)
            return Outcome(claimed, status, latency, error)

    async def _record(self, outcomes: list[Outcome]) -> None:
        now = utcnow()
        async with self._session_factory() as session, session.begin():
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
                    delay = backoff(attempt, self._settings.backoff_base, self._settings.backoff_cap)
                    given_up = (now - c.created_at).total_seconds() > self._settings.max_age
                    values |= {
                        "status": "failed" if given_up else "pending",
                        "next_attempt_at": now + dt.timedelta(seconds=delay),
                    }
                    if subscription is not None and subscription.status == "active":
                        subscription.consecutive_failures += 1
                        if subscription.consecutive_failures >= self._settings.disable_after:
                            subscription.status = "disabled"
                            subscription.disabled_reason = (
                                f"{subscription.consecutive_failures} consecutive failed deliveries"
                            )
                            log.warning("subscription.disabled", subscription=c.subscription_public_id)
                await session.execute(
                    update(EventDelivery).where(EventDelivery.id == c.delivery_id).values(**values)
                )
                log.info(
                    "event.delivery",
                    event_id=c.event_public_id,
                    subscription=c.subscription_public_id,
                    status_code=outcome.status_code,
                    ok=outcome.ok,
                    attempt=attempt,
                    latency_ms=outcome.latency_ms,
                )
                if self.observer is not None:
                    self.observer(outcome)  # type: ignore[operator]

    async def run_once(self) -> int:
        claimed = await self._claim()
        if not claimed:
            return 0
        outcomes = await asyncio.gather(*(self._send(c) for c in claimed))
        await self._record(list(outcomes))
        return len(claimed)

    async def run(self) -> None:
        while True:
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("delivery.relay_failed")
                sent = 0
            if not sent:
                await asyncio.sleep(self._settings.poll_interval)
