"""Agents' background work, run by ``roomsvc jobs`` (``roomsvc.scheduler``; the job table is
``roomsvc/jobs.py``). The body takes the scheduler's session and claims its rows with ``SKIP LOCKED``.

- :func:`redispatch_due`: active dispatches flagged when a human joined (is the agent still there?) or
  never dispatched (the API died between its commit and ``CreateDispatch``): ``service.check`` asks
  LiveKit and dispatches the agent again when it is gone.
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.agents import service
from roomsvc.agents.models import AgentDispatch
from roomsvc.db import utcnow
from roomsvc.errors import AppError, LiveKitUnavailable
from roomsvc.livekit import LiveKitGateway, LiveKitNotFound
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.agents")
RETRY = dt.timedelta(seconds=5)


async def redispatch_due(session: AsyncSession, *, gateway: LiveKitGateway, limit: int = 20) -> int:
    """Check (and where the agent is gone, re-dispatch) flagged dispatches; returns rows handled."""
    now = utcnow()
    rows = (
        await session.execute(
            select(AgentDispatch, Room)
            .join(Room, Room.id == AgentDispatch.room_id)
            .where(AgentDispatch.redispatch_at.is_not(None), AgentDispatch.redispatch_at <= now)
            .order_by(AgentDispatch.redispatch_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=AgentDispatch)
        )
    ).all()
    for row, room in rows:
        if not row.active or row.owner != "api" or not room.is_open:
            row.redispatch_at = None
            continue
        try:
            await service.check(session, gateway, room, row)  # no write before its LiveKit calls
        except LiveKitNotFound:
            row.redispatch_at = None  # LiveKit has no such room now: the next human's join flags it again
        except LiveKitUnavailable:
            row.redispatch_at = now + RETRY
        except AppError as exc:
            log.warning("agent.redispatch_failed", dispatch=row.public_id, code=exc.code, error=exc.detail)
            row.redispatch_at = now + RETRY
    return len(rows)
