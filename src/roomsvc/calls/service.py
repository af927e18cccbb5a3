"""Reading call records (writing them is calls/recorder.py's job)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.calls.schemas import CallDetail, CallOut, CallPage, ParticipantSessionOut, TrackOut
from roomsvc.db import newest_first
from roomsvc.errors import BadRequest, NotFound


def _duration(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    return round((end - start).total_seconds(), 3) if start and end else None


def call_out(rs: RoomSession) -> CallOut:
    return CallOut(
        id=rs.sid,
        room=rs.room_name,
        started_at=rs.started_at,
        ended_at=rs.ended_at,
        duration_seconds=_duration(rs.started_at, rs.ended_at),
        peak_participants=rs.peak_participants,
        repaired=rs.repaired,
    )


async def list_calls(
    session: AsyncSession,
    *,
    room: str | None,
    identity: str | None,
    started_after: dt.datetime | None,
    started_before: dt.datetime | None,
    cursor: str | None,
    limit: int,
) -> CallPage:
    query = select(RoomSession)
    if room:
        query = query.where(RoomSession.room_name == room)
    if identity:
        query = query.where(
            RoomSession.id.in_(
                select(ParticipantSession.room_session_id).where(ParticipantSession.identity == identity)
            )
        )
    for value, field in ((started_after, "started_after"), (started_before, "started_before")):
        if value is not None and value.tzinfo is None:
            raise BadRequest(f"`{field}` needs a time zone offset, e.g. 2026-01-01T00:00:00Z", field=field)
    if started_after:
        query = query.where(RoomSession.started_at >= started_after)
    if started_before:
        query = query.where(RoomSession.started_at < started_before)
    rows, next_cursor = await newest_first(session, query, RoomSession.id, cursor=cursor, limit=limit)
    return CallPage(items=[call_out(r) for r in rows], next_cursor=next_cursor)


async def get_call(session: AsyncSession, call_id: str) -> CallDetail:
    rs = (await session.execute(select(RoomSession).where(RoomSession.sid == call_id))).scalar_one_or_none()
    if rs is None:
        raise NotFound(f"No call {call_id!r}.", code="call-not-found")
    participants = (
        await session.execute(
            select(ParticipantSession)
            .where(ParticipantSession.room_session_id == rs.id)
            .order_by(ParticipantSession.joined_at, ParticipantSession.id)
        )
    ).scalars()
    tracks = (
        await session.execute(
            select(Track).where(Track.room_session_id == rs.id).order_by(Track.published_at, Track.id)
        )
    ).scalars()
    base = call_out(rs)
    return CallDetail(
        id=base.id,
        room=base.room,
        started_at=base.started_at,
        ended_at=base.ended_at,
        duration_seconds=base.duration_seconds,
        peak_participants=base.peak_participants,
        repaired=base.repaired,
        participants=[
            ParticipantSessionOut(
                identity=p.identity,
                sid=p.sid,
                name=p.name,
                kind=p.kind,
                joined_at=p.joined_at,
                left_at=p.left_at,
                duration_seconds=_duration(p.joined_at, p.left_at),
                disconnect_reason=p.disconnect_reason,
                repaired=p.repaired,
            )
            for p in participants
        ],
        tracks=[
            TrackOut(
                sid=t.sid,
                participant_sid=t.participant_sid,
                identity=t.identity,
                kind=t.kind,
                source=t.source,
                published_at=t.published_at,
                unpublished_at=t.unpublished_at,
            )
            for t in tracks
        ],
    )
