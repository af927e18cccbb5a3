"""The outbox relay: signed, at-least-once, per-room-ordered delivery of events to subscriptions.

A delivery row (one event owed to one subscription) moves ``pending`` → ``delivered`` (2xx) or, after
``ROOMSVC_DELIVERY_MAX_AGE`` of failures, ``failed``. The relay is the ``delivery-relay`` job of
``roomsvc jobs`` (its body is :func:`roomsvc.events.jobs.deliver_due`; this module holds the signing and
sending it uses); any number of those may run:

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

from roomsvc import __version__

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


async def send(
    http: httpx.AsyncClient, claimed: Claimed, *, request_timeout: float, semaphore: asyncio.Semaphore
) -> Outcome:
    """POST one claimed delivery, HMAC-signed, outside any transaction; never raises for HTTP errors."""
    async with semaphore:
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
            response = await http.post(
                claimed.url, content=claimed.body, headers=headers, timeout=request_timeout
            )
            status, error = response.status_code, None if response.is_success else response.text[:200]
        except httpx.HTTPError as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"[:512]
        latency = int((time.perf_counter() - started) * 1000)
        return Outcome(claimed, status, latency, error)
