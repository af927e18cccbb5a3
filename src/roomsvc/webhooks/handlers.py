"""Event → domain change. Unknown event types are stored and otherwise ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room


def _time(value: Any) -> dt.datetime:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return utcnow()
    return dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds else utcnow()


async def _room(session: AsyncSession, event: dict[str, Any]) -> Room | None:
    name = (event.get("room") or {}).get("name")
    if not name:
        return None
    return (await session.execute(select(Room).where(Room.name == name))).scalar_one_or_none()


async def _anyone_joined(session: AsyncSession, room_id: int) -> bool:
    query = (
        select(Participant.id).where(Participant.room_id == room_id, Participant.state == "joined").limit(1)
    )
    return (await session.execute(query)).first() is not None


async def apply(session: AsyncSession, event: dict[str, Any]) -> str:
    kind = event["event"]
    room = await _room(session, event)
    if room is None:
        return "unknown-room"
    if kind == "room_started":
        # LiveKit starts the room on CreateRoom; status turns `active` only when someone joins.
        return "applied"
    if kind == "room_finished":
        if room.status in ("created", "active"):
            room.status = "ended"
            room.ended_at = _time(event.get("createdAt"))
            room.end_reason = "closed by LiveKit (room finished)"
        return "applied"
    participant = event.get("participant") or {}
    identity, sid = participant.get("identity"), participant.get("sid")
    if not identity or not sid:
        return "ignored"
    if kind == "participant_joined":
        joined_at = _time(participant.get("joinedAt") or event.get("createdAt"))
        statement = mysql_insert(Participant).values(
            room_id=room.id,
            identity=identity,
            name=participant.get("name") or "",
            role="member",
            state="joined",
            livekit_sid=sid,
            joined_at=joined_at,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        statement = statement.on_duplicate_key_update(
            state="joined", livekit_sid=sid, joined_at=joined_at, left_at=None, updated_at=utcnow()
        )
        await session.execute(statement)
        if room.status == "created":
            room.status = "active"
        return "applied"
    if kind in ("participant_left", "participant_connection_aborted"):
        # Only the session LiveKit is talking about closes: a newer sid (quick reconnect) stays joined.
        await session.execute(
            update(Participant)
            .where(
                Participant.room_id == room.id,
                Participant.identity == identity,
                Participant.livekit_sid == sid,
            )
            .values(state="left", left_at=_time(event.get("createdAt")), updated_at=utcnow())
        )
        if room.status == "active" and not await _anyone_joined(session, room.id):
            room.status = "created"
        return "applied"
    return "ignored"
