"""Reading call records (writing them is calls/recorder.py's job)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.calls.mappers import call_out, duration
from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.calls.schemas import (
    CallDetail,
    CallPage,
    CallTrackOut,
    ParticipantSessionOut,
    ParticipantSessionPage,
    TrackPage,
)
from roomsvc.db import newest_first, oldest_first
from roomsvc.errors import NotFound
from roomsvc.rooms.models import Room
from roomsvc.types import Page, require_aware, to_struct

# A call's detail embeds at most this many participant sessions and tracks; the sub-listings page the rest.
DETAIL_CAP = 100


async def list_calls(
    session: AsyncSession,
    *,
    project_id: int,
    page: Page,
    room: str | None = None,
    identity: str | None = None,
    started_after: dt.datetime | None = None,
    started_before: dt.datetime | None = None,
) -> CallPage:
    """The project's calls (of the room named ``room`` only, if given)."""
    query = (
        select(RoomSession).join(Room, Room.id == RoomSession.room_id).where(Room.project_id == project_id)
    )
    if room:
        query = query.where(Room.name == room)
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


async def _call(session: AsyncSession, project_id: int, call_id: str) -> RoomSession:
    """The project's call; another project's is a 404 like a missing one."""
    rs = (
        await session.execute(
            select(RoomSession)
            .join(Room, Room.id == RoomSession.room_id)
            .where(RoomSession.sid == call_id, Room.project_id == project_id)
        )
    ).scalar_one_or_none()
    if rs is None:
        raise NotFound(f"No call {call_id!r}.", code="call-not-found")
    return rs


async def _sessions(session: AsyncSession, rs: RoomSession, page: Page) -> ParticipantSessionPage:
    query = select(ParticipantSession).where(ParticipantSession.room_session_id == rs.id)
    rows, next_cursor = await oldest_first(session, query, ParticipantSession.id, page)
    items = [
        to_struct(ParticipantSessionOut, p, duration_seconds=duration(p.joined_at, p.left_at)) for p in rows
    ]
    return ParticipantSessionPage(items=items, next_cursor=next_cursor)


async def _tracks(session: AsyncSession, rs: RoomSession, page: Page) -> TrackPage:
    query = select(Track).where(Track.room_session_id == rs.id)
    rows, next_cursor = await oldest_first(session, query, Track.id, page)
    return TrackPage(items=[to_struct(CallTrackOut, t) for t in rows], next_cursor=next_cursor)


async def get_call(session: AsyncSession, project_id: int, call_id: str) -> CallDetail:
    """The call with its first ``DETAIL_CAP`` participant sessions and tracks, in recorded order."""
    rs = await _call(session, project_id, call_id)
    first = Page(limit=DETAIL_CAP)
    participants, tracks = await _sessions(session, rs, first), await _tracks(session, rs, first)
    return to_struct(
        CallDetail,
        call_out(rs),
        participants=participants.items,
        tracks=tracks.items,
        participants_next_cursor=participants.next_cursor,
        tracks_next_cursor=tracks.next_cursor,
    )


async def participant_sessions(
    session: AsyncSession, project_id: int, call_id: str, page: Page
) -> ParticipantSessionPage:
    return await _sessions(session, await _call(session, project_id, call_id), page)


async def tracks(session: AsyncSession, project_id: int, call_id: str, page: Page) -> TrackPage:
    return await _tracks(session, await _call(session, project_id, call_id), page)
