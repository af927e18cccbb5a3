"""The outbox and what callers do with events: emit (same transaction as the change), list, subscribe.

:func:`emit` is the one way any domain records an event, of a type from the catalogue
(:class:`roomsvc.events.types.EventType`). It inserts the event and one pending delivery per
subscription (active, or disabled: sent once enabled again) that wants its type, in the caller's
transaction — so an event exists if and only if the change it describes was committed, and delivery
(``events/delivery.py``) can never miss it. Its ``data`` is checked against the type's struct in
:mod:`roomsvc.events.payloads` (the schema the OpenAPI document publishes): a mismatch raises in dev and
tests, and in production is logged and counted while the event is still recorded
(:func:`set_strict_payloads`).

A caller that emits many events in one transaction (the webhook applier's batch) passes an
:class:`Outbox`: the project's subscriptions are read once per batch, and the events and their
deliveries are written together by :meth:`Outbox.flush` (one multi-row INSERT each, the events as plain
rows, no ORM objects) instead of a flush, a SELECT and an INSERT per event. The rows are the same; the
caller must flush the outbox before it commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any, cast, overload

import msgspec
import structlog
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import metrics, wake
from roomsvc.db import utcnow
from roomsvc.events import payloads
from roomsvc.events.models import Event, EventDelivery, EventSubscription
from roomsvc.events.types import EventType, wants
from roomsvc.logging import current_request_id

log = structlog.get_logger("roomsvc.events")
_encoder = msgspec.json.Encoder()
_strict_payloads = True
_OUTBOX = "roomsvc.events.outbox"  # the session's attached Outbox (``Session.info`` key)


def set_strict_payloads(strict: bool) -> bool:
    """Whether a ``data`` that does not match its payload struct raises (dev, tests: the default) or is
    logged as ``event.payload_mismatch`` and counted (production). The API's lifespan and ``roomsvc jobs``
    set it from ROOMSVC_ENV; returns the previous value, for the lifespan to restore."""
    global _strict_payloads
    previous, _strict_payloads = _strict_payloads, strict
    return previous


def check_payload(event_type: EventType, encoded: bytes) -> None:
    try:
        payloads.check(event_type, encoded)
    except payloads.PayloadMismatch as exc:
        if _strict_payloads:
            raise
        metrics.EVENT_PAYLOAD_MISMATCHES.labels(str(event_type)).inc()
        log.error("event.payload_mismatch", event_type=str(event_type), error=exc.error)


@dataclass
class Outbox:
    """Events emitted in one batch: subscriptions cached per project, events and deliveries written by
    :meth:`flush`. An event here is its row's values (no ORM object: a batch emits hundreds)."""

    subscriptions: dict[int, list[tuple[int, Any]]] = field(default_factory=dict)
    pending: list[tuple[dict[str, Any], list[int], str]] = field(default_factory=list)

    def attach(self, session: AsyncSession) -> None:
        """Make this the session's outbox until :meth:`detach`: an :func:`emit` without one in that
        session (a domain service called by the batch) flushes it first, so ids stay in emit order."""
        session.info[_OUTBOX] = self

    def detach(self, session: AsyncSession) -> None:
        if session.info.get(_OUTBOX) is self:
            del session.info[_OUTBOX]

    async def flush(self, session: AsyncSession) -> None:
        """Insert the events emitted since the last flush (one multi-row ``INSERT … RETURNING id``, ids in
        emit order), then their deliveries (one multi-row INSERT)."""
        if not self.pending:
            return
        table = cast(Table, Event.__table__)
        inserted = await session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [row for row, _, _ in self.pending],
        )
        ids = inserted.scalars().all()
        deliveries = [
            (sid, event_id, room_key)
            for event_id, (_, subscribers, room_key) in zip(ids, self.pending, strict=True)
            for sid in subscribers
        ]
        self.pending.clear()
        await _deliver(session, deliveries)


async def _deliver(session: AsyncSession, deliveries: list[tuple[int, int, str]]) -> None:
    """One pending delivery per ``(subscription id, event id, room key)``, in one INSERT; the commit wakes
    the delivery relay."""
    if not deliveries:
        return
    now = utcnow()
    rows = [
        {
            "subscription_id": sid,
            "event_id": event_id,
            "room_key": room_key,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for sid, event_id, room_key in deliveries
    ]
    await session.execute(insert(EventDelivery), rows)
    wake.deliveries_due(session)  # its commit wakes the delivery relay


async def _subscriptions(session: AsyncSession, project_id: int) -> list[tuple[int, Any]]:
    rows = await session.execute(
        # Disabled ones too: their deliveries wait, unsent, until the subscription is enabled again.
        select(EventSubscription.id, EventSubscription.event_types).where(
            EventSubscription.project_id == project_id,
            EventSubscription.status.in_(("active", "disabled")),
        )
    )
    return [(sid, types) for sid, types in rows.all()]


@overload
async def emit(
    session: AsyncSession,
    event_type: EventType,
    *,
    room: str | None,
    project_id: int,
    data: dict[str, Any],
    occurred_at: dt.datetime | None = None,
    outbox: None = None,
) -> Event: ...


@overload
async def emit(
    session: AsyncSession,
    event_type: EventType,
    *,
    room: str | None,
    project_id: int,
    data: dict[str, Any],
    occurred_at: dt.datetime | None = None,
    outbox: Outbox | None,
) -> Event | None: ...


async def emit(
    session: AsyncSession,
    event_type: EventType,
    *,
    room: str | None,
    project_id: int,
    data: dict[str, Any],
    occurred_at: dt.datetime | None = None,
    outbox: Outbox | None = None,
) -> Event | None:
    """Record an event in the caller's transaction: the inserted :class:`Event`, or with an ``outbox``
    None (its row is written by :meth:`Outbox.flush`)."""
    if not isinstance(event_type, EventType):  # the catalogue is the contract: no free-string types
        raise TypeError(f"emit() takes an EventType, not {event_type!r}")
    request_id = current_request_id()
    if request_id and "request_id" not in data:
        # The API request that caused it (also on its log lines and X-Request-ID): one id from the
        # caller's request through LiveKit calls to the event. Absent for webhook-driven events.
        data = {**data, "request_id": request_id}
    encoded = _encoder.encode(data)
    check_payload(event_type, encoded)
    public_id = "evt_" + secrets.token_hex(12)
    if outbox is not None:
        subscriptions = outbox.subscriptions.get(project_id)
        if subscriptions is None:
            subscriptions = outbox.subscriptions[project_id] = await _subscriptions(session, project_id)
        wanted = [sid for sid, types in subscriptions if wants(types, event_type)]
        row = {
            "public_id": public_id,
            "project_id": project_id,
            "seq": None,
            "type": str(event_type),
            "room_name": room,
            "occurred_at": occurred_at or utcnow(),
            "data": encoded.decode(),
            "created_at": utcnow(),
        }
        outbox.pending.append((row, wanted, room or ""))
        log.info(str(event_type), event_id=public_id, event_type=str(event_type), room=room)
        return None
    earlier = session.info.get(_OUTBOX)
    if earlier is not None:
        await earlier.flush(session)  # the batch's events emitted before this one get the lower ids
    event = Event(
        public_id=public_id,
        project_id=project_id,
        type=str(event_type),
        room_name=room,
        occurred_at=occurred_at or utcnow(),
        data=encoded.decode(),
    )
    session.add(event)
    await session.flush()
    subscriptions = await _subscriptions(session, project_id)
    await _deliver(
        session, [(sid, event.id, room or "") for sid, types in subscriptions if wants(types, event_type)]
    )
    log.info(str(event_type), event_id=event.public_id, event_type=str(event_type), room=room)
    return event


def envelope(event: Event) -> dict[str, Any]:
    """The JSON document delivered to subscribers and streamed over SSE."""
    return {
        "id": event.public_id,
        "type": event.type,
        "room": event.room_name,
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": msgspec.json.decode(event.data),
    }
