"""Rooms' background work: the ``room-closer`` job of ``roomsvc jobs`` (``roomsvc.scheduler``).

A room with a deadline (``ends_at``: its ``closes_at``, or its session's start + ``max_duration``) ends on
time. ``ROOMSVC_ROOM_CLOSING_NOTICE_SECONDS`` before it, whoever is connected gets the ``room.closing``
notice (once per deadline: moving the deadline clears ``closing_notice_at``); at it, the room ends like
``POST …/end`` does (``DeleteRoom`` disconnects everyone, ``room.ended`` with the reason). Rows are claimed
with ``SELECT … FOR UPDATE SKIP LOCKED``, so several jobs processes never handle one room twice, and a
join opening a session (which holds the row) is simply taken on the next pass. The body takes a session;
the scheduler owns the transaction.
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.livekit import LiveKitGateway
from roomsvc.notices import service as notices
from roomsvc.rooms import service as room_service
from roomsvc.rooms.models import Room
from roomsvc.types import iso

log = structlog.get_logger("roomsvc.rooms")
CLOSING = "room.closing"


def _cause(room: Room, deadline: dt.datetime) -> str:
    """``closes_at`` or ``max_duration``: which of the two set the deadline."""
    return "closes_at" if room.closes_at is not None and room.closes_at <= deadline else "max_duration"


async def close_due(
    session: AsyncSession, *, gateway: LiveKitGateway, notice_seconds: float, batch: int = 20
) -> int:
    """Send the due ``room.closing`` notices, then end the rooms past their deadline. Returns how many
    rooms it handled (the scheduler runs it again at once while that is > 0)."""
    now = utcnow()
    handled = 0
    warn = (
        (
            await session.execute(
                select(Room)
                .where(
                    Room.ends_at > now,
                    Room.ends_at <= now + dt.timedelta(seconds=notice_seconds),
                    Room.closing_notice_at.is_(None),
                    Room.status == "active",  # someone is connected to tell
                )
                .order_by(Room.ends_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    for room in warn:
        assert room.ends_at is not None  # filtered in the query
        data = {
            "closes_at": iso(room.closes_at),
            "ends_at": iso(room.ends_at),
            "reason": _cause(room, room.ends_at),
            "seconds_left": max(0, round((room.ends_at - now).total_seconds())),
        }
        await notices.notify(gateway, room, CLOSING, data)
        room.closing_notice_at = now
        handled += 1
    due = (
        (
            await session.execute(
                select(Room)
                .where(Room.ends_at <= now, Room.status.in_(("created", "active")))
                .order_by(Room.ends_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    for room in due:
        deadline = room.ends_at
        assert deadline is not None  # filtered in the query
        reason = f"{_cause(room, deadline)} reached"
        await room_service.end_room(session, gateway, room, reason)
        log.info("room.closed_on_time", room=room.name, reason=reason, ends_at=iso(deadline))
        handled += 1
    return handled
