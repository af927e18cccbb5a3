"""Room behaviour: create (MySQL + LiveKit, in a defined order), read, list, update live, end.

Order of writes for create, so that no caller ever sees a row claiming a room LiveKit lacks:

1. insert the row as ``creating`` and **commit** (the unique name serialises concurrent creates);
2. ``CreateRoom`` in LiveKit (idempotent there: an existing room is returned as is);
3. mark the row ``created`` (committed by the request edge).

If LiveKit is unreachable at 2, the pending row is deleted and the caller gets 503 with Retry-After. If
MySQL fails at 3, the row stays ``creating`` — invisible to reads — and the caller's retry resumes at 2.
Rows stuck in ``creating`` are swept by reconciliation. End is the mirror image: ``DeleteRoom`` first
(already-gone counts as done), then the row becomes ``ended``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import msgspec
import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import newest_first, utcnow
from roomsvc.detection import service as detection_service
from roomsvc.errors import BadRequest, Conflict, LiveKitUnavailable, NotFound
from roomsvc.events import service as events
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import RoomCreate, RoomOut, RoomPage, RoomUpdate
from roomsvc.seats import service as seat_service
from roomsvc.types import metadata_text

log = structlog.get_logger("roomsvc.rooms")


def spec_hash(data: RoomCreate, metadata: str) -> str:
    spec = msgspec.structs.asdict(data) | {"metadata": metadata}
    return hashlib.sha256(msgspec.json.encode(spec, order="sorted")).hexdigest()


def event_data(room: Room) -> dict[str, object]:
    return {
        "room_sid": room.livekit_sid,
        "creator": room.creator,
        "call_type": room.call_type,
        "max_participants": room.max_participants,
        "metadata": room.room_metadata,
    }


def to_out(room: Room) -> RoomOut:
    return RoomOut(
        name=room.name,
        status=room.status,  # type: ignore[arg-type]
        creator=room.creator,
        owner=room.owner,
        call_type=room.call_type,  # type: ignore[arg-type]
        source_channel_id=room.source_channel_id,
        source_channel_type=room.source_channel_type,
        invite_on=room.invite_on,
        max_participants=room.max_participants,
        empty_timeout=room.empty_timeout,
        departure_timeout=room.departure_timeout,
        metadata=room.room_metadata,
        seats=room.seats,
        seat_mode=room.seat_mode,  # type: ignore[arg-type]
        livekit_sid=room.livekit_sid,
        created_at=room.created_at,
        updated_at=room.updated_at,
        ended_at=room.ended_at,
        end_reason=room.end_reason,
    )


async def _find(session: AsyncSession, name: str, *, for_update: bool = False) -> Room | None:
    query = select(Room).where(Room.name == name)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


def visible(room: Room | None, name: str) -> Room:
    """The room callers may see: 404 for none, and for a row still ``creating`` (see the module doc)."""
    if room is None or room.status == "creating":
        raise NotFound(f"No room named {name!r}.", code="room-not-found")
    return room


def open_(room: Room | None, name: str) -> Room:
    room = visible(room, name)
    if not room.is_open:
        raise Conflict(f"Room {name!r} has ended.", code="room-ended")
    return room


async def get_room(session: AsyncSession, name: str, *, for_update: bool = False) -> Room:
    return visible(await _find(session, name, for_update=for_update), name)


async def get_open_room(session: AsyncSession, name: str, *, for_update: bool = False) -> Room:
    return open_(await _find(session, name, for_update=for_update), name)


async def create_room(
    session: AsyncSession, gateway: LiveKitGateway, data: RoomCreate, *, caller_id: str
) -> tuple[Room, bool]:
    """Create the room, or return the existing one when the same spec was created before.

    Returns ``(room, created)``; ``created`` is False for an idempotent repeat.
    """
    metadata = metadata_text(data.metadata)
    digest = spec_hash(data, metadata)
    room = await _find(session, data.name)
    if room is None:
        room = Room(
            name=data.name,
            status="creating",
            source_channel_id=data.source_channel_id,
            source_channel_type=data.source_channel_type,
            creator=data.creator,
            owner=data.creator,
            call_type=data.call_type,
            seats=data.seats,
            seat_mode=data.seat_mode,
            invite_on=data.invite_on,
            max_participants=data.max_participants,
            empty_timeout=data.empty_timeout,
            departure_timeout=data.departure_timeout,
            room_metadata=metadata,
            spec_hash=digest,
            created_by=caller_id,
        )
        session.add(room)
        try:
            await session.commit()  # pending row first: see the module docstring
        except IntegrityError:
            await session.rollback()
            room = await _find(session, data.name)
            if room is None:  # created and rolled back by someone else in between: let the caller retry
                raise Conflict(
                    f"Room {data.name!r} is being created concurrently; retry.", code="room-busy"
                ) from None
    if room.spec_hash != digest:
        raise Conflict(
            f"A room named {data.name!r} already exists with different options; pick another name.",
            code="room-exists",
        )
    if room.status != "creating":
        return room, False

    try:
        lk_room = await gateway.create_room(
            room.name,
            empty_timeout=room.empty_timeout,
            departure_timeout=room.departure_timeout,
            metadata=room.room_metadata,
        )
    except LiveKitUnavailable:
        # LiveKit did not take the room: remove the pending row so nothing half-written remains.
        await session.execute(delete(Room).where(Room.id == room.id, Room.status == "creating"))
        await session.commit()
        raise
    room.livekit_sid = lk_room.sid
    room.status = "created"
    room.updated_at = utcnow()
    await seat_service.create_seats(session, room)
    await session.flush()
    if data.detection is not None:  # dispatches the detection agent (AgentDispatchService, list first)
        await detection_service.on_room_created(session, gateway, room, data.detection)
    await events.emit(session, "room.created", room=room.name, data=event_data(room))
    return room, True


async def list_rooms(
    session: AsyncSession,
    *,
    status: str | None,
    creator: str | None,
    source_channel_id: str | None,
    created_after: dt.datetime | None,
    created_before: dt.datetime | None,
    cursor: str | None,
    limit: int,
) -> RoomPage:
    query = select(Room).where(Room.status != "creating")
    if status:
        query = query.where(Room.status == status)
    if creator:
        query = query.where(Room.creator == creator)
    if source_channel_id:
        query = query.where(Room.source_channel_id == source_channel_id)
    if created_after:
        query = query.where(Room.created_at >= _aware(created_after, "created_after"))
    if created_before:
        query = query.where(Room.created_at < _aware(created_before, "created_before"))
    rows, next_cursor = await newest_first(session, query, Room.id, cursor=cursor, limit=limit)
    return RoomPage(items=[to_out(r) for r in rows], next_cursor=next_cursor)


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None:
        raise BadRequest(f"`{field}` needs a time zone offset, e.g. 2026-01-01T00:00:00Z", field=field)
    return value


async def update_room(session: AsyncSession, gateway: LiveKitGateway, name: str, data: RoomUpdate) -> Room:
    room = await get_room(session, name, for_update=True)
    if data.status is not msgspec.UNSET:
        reason = data.end_reason if data.end_reason is not msgspec.UNSET else "ended by API"
        return await end_room(session, gateway, room.name, reason, room=room)
    if not room.is_open:
        raise Conflict(f"Room {name!r} has ended and can no longer be changed.", code="room-ended")
    if data.max_participants is not msgspec.UNSET:
        room.max_participants = data.max_participants
    if data.metadata is not msgspec.UNSET:
        metadata = metadata_text(data.metadata)
        if metadata != room.room_metadata:
            await gateway.update_room_metadata(room.name, metadata)
            room.room_metadata = metadata
    room.updated_at = utcnow()
    await session.flush()
    await events.emit(session, "room.updated", room=room.name, data=event_data(room))
    return room


async def end_room(
    session: AsyncSession, gateway: LiveKitGateway, name: str, reason: str, *, room: Room | None = None
) -> Room:
    room = room or await get_room(session, name, for_update=True)
    if room.status == "ended":
        return room
    await gateway.delete_room(room.name)  # disconnects every client; already gone is fine
    room.status = "ended"
    room.ended_at = utcnow()
    room.end_reason = reason
    room.updated_at = room.ended_at
    await session.flush()
    await events.emit(
        session, "room.ended", room=room.name, data={"reason": reason, "room_sid": room.livekit_sid}
    )
    return room
