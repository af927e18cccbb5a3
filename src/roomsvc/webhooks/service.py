"""Webhook intake and application.

Intake (the HTTP request) only verifies, parses and ``INSERT IGNORE``s the raw event keyed by LiveKit's
event id, commits, and acks: an acknowledged event is always on disk, and a retry of the same id is a
no-op. Application runs right after, off the request, in :class:`WebhookApplier`: it claims unprocessed
events with ``SELECT … FOR UPDATE SKIP LOCKED`` (so any number of API and jobs instances share the work
without applying one twice), locks the rooms involved, and applies each event inside a savepoint. An event
whose application fails is retried a few times, then parked with its error (``outcome = 'error'``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.db import utcnow
from roomsvc.errors import AppError, BadRequest
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms.models import Room
from roomsvc.webhooks import handlers
from roomsvc.webhooks.models import WebhookEvent

log = structlog.get_logger("roomsvc.webhooks")
_decoder = msgspec.json.Decoder(dict[str, Any])
MAX_ATTEMPTS = 5


def parse_event(body: bytes) -> dict[str, Any]:
    try:
        event = _decoder.decode(body)
    except msgspec.DecodeError:
        raise BadRequest("Webhook body is not a JSON object.", code="webhook-malformed") from None
    if not isinstance(event.get("id"), str) or not isinstance(event.get("event"), str):
        raise BadRequest("Webhook body lacks `id` or `event`.", code="webhook-malformed")
    return event


async def store(session: AsyncSession, body: bytes) -> tuple[str, dict[str, Any]]:
    """Persist the raw event once; return ``("accepted" | "duplicate", event)``."""
    event = parse_event(body)
    room = event.get("room") or {}
    participant = event.get("participant") or {}
    statement = (
        mysql_insert(WebhookEvent)
        .prefix_with("IGNORE")
        .values(
            event_id=event["id"][:64],
            event_type=event["event"][:48],
            room_name=handlers.room_name_of(event),
            room_sid=(room.get("sid") or None),
            participant_identity=(participant.get("identity") or None),
            participant_sid=(participant.get("sid") or None),
            created_at_unix=int(event.get("createdAt") or 0),
            received_at=utcnow(),
            attempts=0,
            body=body.decode(),
        )
    )
    result = await session.execute(statement)
    outcome = "accepted" if result.rowcount else "duplicate"  # type: ignore[attr-defined]
    log.info("webhook." + outcome, event_id=event["id"], event_type=event["event"], room=room.get("name"))
    return outcome, event


async def apply_pending(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    gateway: LiveKitGateway | None = None,
    limit: int = 200,
    min_age: float = 0.0,
) -> int:
    """Apply up to ``limit`` unprocessed events received at least ``min_age`` seconds ago.

    Banned identities seen joining are removed from LiveKit after the commit (reconciliation catches
    any eviction that fails here).
    """
    evictions: list[tuple[str, str]] = []
    applied = await _apply_batch(session_factory, evictions, limit=limit, min_age=min_age)
    for room_name, identity in evictions:
        if gateway is None:
            break
        try:
            if await gateway.remove_participant(room_name, identity):
                log.warning("moderation.evicted_banned", room=room_name, identity=identity)
        except AppError as exc:
            log.warning("moderation.eviction_failed", room=room_name, identity=identity, error=exc.code)
    return applied


async def _apply_batch(
    session_factory: async_sessionmaker[AsyncSession],
    evictions: list[tuple[str, str]],
    *,
    limit: int,
    min_age: float,
) -> int:
    async with session_factory() as session, session.begin():
        query = (
            select(WebhookEvent)
            .where(WebhookEvent.processed_at.is_(None))
            .order_by(WebhookEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if min_age:
            query = query.where(WebhookEvent.received_at <= utcnow() - dt.timedelta(seconds=min_age))
        rows = list((await session.execute(query)).scalars())
        if not rows:
            return 0
        names = sorted({r.room_name for r in rows if r.room_name})
        rooms: dict[str, Room] = {}
        if names:
            locked = await session.execute(
                select(Room).where(Room.name.in_(names)).order_by(Room.name).with_for_update()
            )
            rooms = {room.name: room for room in locked.scalars()}
        now = utcnow()
        for row in rows:
            row.attempts += 1
            try:
                async with session.begin_nested():
                    event = parse_event(row.body.encode())
                    row.outcome = await handlers.apply(
                        session, event, rooms.get(row.room_name or ""), evictions
                    )
                row.processed_at = now
                row.last_error = None
            except Exception as exc:  # one bad event must not block the others
                row.last_error = f"{type(exc).__name__}: {exc}"[:512]
                log.exception("webhook.apply_failed", event_id=row.event_id, attempts=row.attempts)
                if row.attempts >= MAX_ATTEMPTS:
                    row.outcome = "error"
                    row.processed_at = now
        return len(rows)


class WebhookApplier:
    """Applies stored events as soon as intake signals, and sweeps leftovers on a timer."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        gateway: LiveKitGateway | None = None,
        poll_interval: float = 1.0,
        min_age: float = 0.0,
        on_applied: Callable[[int], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._gateway = gateway
        self._wake = asyncio.Event()
        self._poll_interval = poll_interval
        self._min_age = min_age
        self._on_applied = on_applied

    def notify(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)
            self._wake.clear()
            try:
                while (
                    applied := await apply_pending(
                        self._session_factory, gateway=self._gateway, min_age=self._min_age
                    )
                ) > 0:
                    if self._on_applied:
                        self._on_applied(applied)
            except (DBAPIError, OSError) as exc:  # database away: the events wait on disk
                log.warning("webhook.applier_paused", error=type(exc).__name__)
                await asyncio.sleep(self._poll_interval)
            except Exception:
                log.exception("webhook.applier_failed")
                await asyncio.sleep(self._poll_interval)
