"""Applying stored webhooks: the body of the API's webhook applier and of the jobs' sweeper.

Intake (``webhooks/service.py``) only stores and acknowledges. This claims unprocessed events with
``SELECT … FOR UPDATE SKIP LOCKED`` (so any number of API and jobs processes share the work without
applying one twice), locks the rooms involved in name order, and applies each event inside a savepoint.
An event whose application fails is retried a few times, then parked with its error
(``outcome = 'error'``). The scheduler (``roomsvc.scheduler``) runs it; it owns its transaction because
the participants that connected get their permissions re-asserted (or, banned, are removed) only after
the batch commits (``moderation/enforcement.py``).
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.config import DetectionSettings
from roomsvc.db import utcnow
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import enforcement
from roomsvc.moderation.enforcement import Enforcement
from roomsvc.retention import cutoff, purge
from roomsvc.rooms.models import Room
from roomsvc.webhooks import handlers
from roomsvc.webhooks.models import WebhookEvent
from roomsvc.webhooks.service import parse_event

log = structlog.get_logger("roomsvc.webhooks")
MAX_ATTEMPTS = 5


async def apply_pending(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    detection: DetectionSettings,
    gateway: LiveKitGateway | None = None,
    limit: int = 200,
    min_age: float = 0.0,
) -> int:
    """Apply up to ``limit`` unprocessed events received at least ``min_age`` seconds ago.

    Participants seen joining get their effective permission set re-asserted after the commit, and
    banned ones are removed (reconciliation repairs any LiveKit call that fails here). Returns how many
    events were claimed.
    """
    enforcements: list[Enforcement] = []
    async with session_factory() as session, session.begin():
        applied = await apply_batch(session, enforcements, detection=detection, limit=limit, min_age=min_age)
    if gateway is not None and enforcements:
        await enforcement.enforce_all(session_factory, gateway, enforcements)
    return applied


async def apply_batch(
    session: AsyncSession,
    enforcements: list[Enforcement],
    *,
    detection: DetectionSettings,
    limit: int = 200,
    min_age: float = 0.0,
) -> int:
    """Claim and apply one batch in the caller's transaction; append the participants that joined to
    ``enforcements`` (for :func:`roomsvc.moderation.enforcement.enforce_all` after the commit)."""
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
            select(Room).where(Room.livekit_name.in_(names)).order_by(Room.livekit_name).with_for_update()
        )
        rooms = {room.livekit_name: room for room in locked.scalars()}  # webhooks name rooms as LiveKit does
    now = utcnow()
    for row in rows:
        row.attempts += 1
        try:
            async with session.begin_nested():
                event = parse_event(row.body.encode())
                row.outcome = await handlers.apply(
                    session, event, rooms.get(row.room_name or ""), enforcements, detection=detection
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


async def purge_processed(session: AsyncSession, *, days: int, batch: int) -> int:
    """Retention: delete up to ``batch`` processed webhooks received more than ``days`` days ago (row and
    body). Their ids stop de-duplicating then, long after LiveKit has stopped retrying (minutes); a webhook
    not yet processed is never deleted."""
    before = cutoff(days)
    if before is None:
        return 0
    processed = WebhookEvent.processed_at.is_not(None)
    return await purge(session, WebhookEvent, WebhookEvent.received_at, before, processed, batch=batch)
