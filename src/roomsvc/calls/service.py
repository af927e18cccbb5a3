"""Reading call records (writing them is calls/recorder.py's job)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.calls.mappers import call_out, duration
from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.calls.schemas import CallDetail, CallPage, ParticipantSessionOut, TrackOut
from roomsvc.db import newest_first
from roomsvc.errors import NotFound
from roomsvc.types import Page, require_aware, to_struct


async def list_calls(
    session: AsyncSession,
    *,
    page: Page,
    room: str | None = None,
    identity: str | None = None,
    started_after: dt.datetime | None = None,
    started_before: dt.datetime | None = None,
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
    if started_after:
        query = query.where(RoomSession.started_at >= require_aware(started_after, "started_after"))
    if started_before:
        query = query.where(RoomSession.started_at < require_aware(started_before, "started_before"))
    rows, next_cursor = await newest_first(session, query, RoomSession.id, page)
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
    return to_struct(
        CallDetail,
        call_out(rs),
        participants=[
            to_struct(ParticipantSessionOut, p, duration_seconds=duration(p.joined_at, p.left_at))
            for p in participants
        ],
        tracks=[to_struct(TrackOut, t) for t in tracks],
    )
