"""The outbox relay: signed, at-least-once, per-room-ordered delivery of events to subscriptions.

A delivery row (one event owed to one subscription) moves ``pending`` → ``delivered`` (2xx) or, after
``ROOMSVC_DELIVERY_MAX_AGE`` of failures, ``failed``. The relay is the ``delivery-relay`` job of
``roomsvc jobs`` (its body is :func:`roomsvc.events.jobs.deliver_due`; this module holds the signing and
sending it uses); any number of those may run:

1. **Pick heads.** A plain read finds due pending deliveries that are the *oldest* pending one of their
   (subscription, room) — so a room's events reach a subscriber in order, one at a time — at most
   ``ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY`` per subscription counting those already in flight, and
   no more than the relay has free send slots (``ROOMSVC_DELIVERY_CONCURRENCY``).
2. **Claim.** ``SELECT … FOR UPDATE SKIP LOCKED`` on those ids, re-checking the lease, then set
   ``lease_until`` and a fresh claim token, and commit. Two relays never send the same delivery at once.
3. **Send** each one in its own task, outside any transaction: resolve and check the destination
   (``events/destinations.py``), HMAC-signed POST to the checked address, all of it under one deadline
   (``ROOMSVC_EVENT_TIMEOUT``); at most :data:`RESPONSE_READ_LIMIT` bytes of the answer are read.
4. **Record** each attempt as soon as it ends (with the others that ended meanwhile, in one
   transaction), ``WHERE id = ? AND claim = ?``: a relay whose lease ran
   out and whose delivery was claimed again writes nothing. Success clears the subscription's failure
   count; failure schedules the next attempt with exponential backoff and full jitter, and disables the
   subscription after ``ROOMSVC_DELIVERY_DISABLE_AFTER`` consecutive failures. Only the status code and
   an error class (:data:`ERROR_CLASSES`) are stored, never a response body or exception text.

A relay killed at any point (even ``kill -9`` mid-send) loses nothing: its leases expire and another
relay — or itself, restarted — sends again. Receivers must therefore de-duplicate by event id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import random
import ssl
import time
from dataclasses import dataclass

import httpx

from roomsvc import __version__
from roomsvc.events.destinations import DestinationPolicy, RefusedDestination, UnresolvableDestination

SIGNATURE_HEADER = "Roomsvc-Signature"
TIMESTAMP_HEADER = "Roomsvc-Timestamp"
EVENT_ID_HEADER = "Roomsvc-Event-Id"
# The headers :func:`send` sets besides Content-Type, as the OpenAPI document's ``webhooks`` states them:
# name → (pattern of the value, description).
HEADERS_DOCUMENTED: dict[str, tuple[str, str]] = {
    SIGNATURE_HEADER: (
        r"^v1=[0-9a-f]{64}$",
        "`v1=` + hex HMAC-SHA256(secret, `{timestamp}.{body}`): the `Roomsvc-Timestamp` value as sent, a "
        "full stop, and the raw body bytes. Check it before trusting the body (docs/events.md).",
    ),
    TIMESTAMP_HEADER: (
        r"^[0-9]+$",
        "Unix time in seconds when this attempt was signed (each attempt has a fresh one); refuse values "
        "more than 5 minutes from your clock.",
    ),
    EVENT_ID_HEADER: (r"^evt_[0-9a-f]+$", "The event's `id`: a redelivery carries the same one."),
    "User-Agent": (r"^roomsvc/", "`roomsvc/<version>`"),
    "Accept-Encoding": (r"^identity$", "`identity`: the answer's body is discarded (at most 4 KB is read)."),
}
RESPONSE_READ_LIMIT = 4096  # bytes of an answer read (then discarded); the status code is the answer

# What an attempt's ``error`` may hold (docs/events.md#delivery lists them).
ERROR_CLASSES = (
    "http-error",  # answered, but not 2xx (the status code is stored next to it)
    "timeout",  # no whole answer within ROOMSVC_EVENT_TIMEOUT
    "dns",  # the host name did not resolve
    "refused-destination",  # it resolved to an address the destination policy refuses
    "connect",  # the connection was refused or could not be made
    "tls",  # the TLS handshake or certificate check failed
    "protocol",  # the answer was not valid HTTP/1.1
    "network",  # the connection broke mid-exchange
    "expired",  # given up unsent: queued longer than ROOMSVC_DELIVERY_MAX_AGE
)


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
    claim: str
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
    error: str | None  # one of ERROR_CLASSES, None on success

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


_EXCHANGE_ERRORS = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.StreamError,
    RefusedDestination,
    TimeoutError,
    OSError,
    ssl.SSLError,
)


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def error_class(exc: BaseException) -> str:
    """The class stored for a failed exchange (the exception itself is never stored)."""
    if isinstance(exc, UnresolvableDestination):
        return "dns"
    if isinstance(exc, RefusedDestination):
        return "refused-destination"
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout"
    if _is_tls(exc):
        return "tls"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    if isinstance(exc, httpx.ProtocolError):
        return "protocol"
    return "network"


async def send(
    http: httpx.AsyncClient, claimed: Claimed, *, policy: DestinationPolicy, deadline: float
) -> Outcome:
    """POST one claimed delivery to its checked address, under one deadline; never raises for HTTP."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"roomsvc/{__version__}",
        # The answer is discarded: never ask for a compressed one (no decompression, no gzip bomb).
        "Accept-Encoding": "identity",
        EVENT_ID_HEADER: claimed.event_public_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(claimed.secret, timestamp, claimed.body),
    }
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        # One deadline around everything: httpx's timeouts are per read, so an endpoint that drips a
        # byte at a time, or sends `100 Continue` over and over, would otherwise hold the send forever.
        async with asyncio.timeout(deadline):
            destination = await policy.resolve(claimed.url)
            headers["Host"] = destination.host_header
            if destination.url.scheme == "https":
                # The pool is keyed by address: never carry a TLS session verified for one host name
                # over to another name on the same address.
                headers["Connection"] = "close"
            async with http.stream(
                "POST",
                destination.pinned_url,
                content=claimed.body,
                headers=headers,
                extensions=destination.extensions,
                timeout=deadline,
            ) as response:
                status = response.status_code
                received = 0
                async for chunk in response.aiter_raw():  # raw: never decoded
                    received += len(chunk)
                    if received >= RESPONSE_READ_LIMIT:
                        break
        if not 200 <= status < 300:
            error = "http-error"
    except _EXCHANGE_ERRORS as exc:  # a failed exchange is an outcome, not an error of the relay
        error = error_class(exc)
    latency = int((time.perf_counter() - started) * 1000)
    return Outcome(claimed, status, latency, error)
