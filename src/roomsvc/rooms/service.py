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
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import newest_first, utcnow
from roomsvc.errors import Conflict, LiveKitUnavailable, NotFound
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitGateway
from roomsvc.recordings import service as recording_service
from roomsvc.rooms.mappers import event_data
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import RoomCreate, RoomUpdate
from roomsvc.types import DEFAULT_PROJECT, Page, livekit_room_name, metadata_text, require_aware

log = structlog.get_logger("roomsvc.rooms")


@dataclass(frozen=True)
class RoomAction:
    """Who acts on which room, with what: the room (loaded and locked by the caller), the request's
    session, LiveKit, and the caller (``moderation.permissions.SYSTEM_CALLER`` for automated actions).

    Every moderation and seat action takes one: the routes get it from the ``action`` dependency
    (``rooms/dependencies.py``), jobs and flows build it.
    """

    room: Room
    session: AsyncSession
    livekit: LiveKitGateway
    caller: Caller


def spec_hash(data: RoomCreate, metadata: str) -> str:
    spec = msgspec.structs.asdict(data) | {"metadata": metadata}
    if not data.client_admin:  # added later: rooms made before it keep their digest
        del spec["client_admin"]
    if data.auto_record == "off":  # likewise
        del spec["auto_record"]
    return hashlib.sha256(msgspec.json.encode(spec, order="sorted")).hexdigest()


async def _find(
    session: AsyncSession, project_id: int, name: str, *, for_update: bool = False
) -> Room | None:
    """The project's room of that name: another project's room of the same name is not it (a 404, so
    nothing tells a caller that another project has one)."""
    query = select(Room).where(Room.project_id == project_id, Room.name == name)
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


async def get_room(session: AsyncSession, project_id: int, name: str, *, for_update: bool = False) -> Room:
    return visible(await _find(session, project_id, name, for_update=for_update), name)


async def get_open_room(
    session: AsyncSession, project_id: int, name: str, *, for_update: bool = False
) -> Room:
    return open_(await _find(session, project_id, name, for_update=for_update), name)


async def insert_pending(
    session: AsyncSession,
    data: RoomCreate,
    *,
    caller: Caller,
    with_row: Callable[[Room], None] | None = None,
) -> Room:
    """Step 1 of a create: the ``creating`` row, **committed** (see the module docstring).

    ``with_row`` adds rows that belong to the create (the detection run) in the same commit, so that
    completing a stale ``creating`` row (``rooms.flows.complete_create``) finds them.
    Returns the room of that name: this one, or the one a concurrent or earlier create made — with the
    same options (any status), otherwise ``409 room-exists``.
    """
    metadata = metadata_text(data.metadata)
    digest = spec_hash(data, metadata)
    project_id = caller.require_project()
    room = await _find(session, project_id, data.name)
    if room is None:
        room = Room(
            project_id=project_id,
            name=data.name,
            livekit_name=livekit_room_name(caller.project or DEFAULT_PROJECT, data.name),
            status="creating",
            source_channel_id=data.source_channel_id,
            source_channel_type=data.source_channel_type,
            creator=data.creator,
            owner=data.creator,
            call_type=data.call_type,
            seats=data.seats,
            seat_mode=data.seat_mode,
            invite_on=data.invite_on,
            client_admin=data.client_admin,
            auto_record=data.auto_record,
            max_participants=data.max_participants,
            empty_timeout=data.empty_timeout,
            departure_timeout=data.departure_timeout,
            room_metadata=metadata,
            spec_hash=digest,
            created_by=caller.credential_id,
        )
        session.add(room)
        try:
            if with_row is not None:
                await session.flush()  # the room's id, for the rows that go with it
                with_row(room)
            await session.commit()  # pending row first: see the module docstring
        except IntegrityError:
            await session.rollback()
            room = await _find(session, project_id, data.name)
            if room is None:  # created and rolled back by someone else in between: let the caller retry
                raise Conflict(
                    f"Room {data.name!r} is being created concurrently; retry.", code="room-busy"
                ) from None
    if room.spec_hash != digest:
        raise Conflict(
            f"A room named {data.name!r} already exists with different options; pick another name.",
            code="room-exists",
        )
    return room


async def create_in_livekit(session: AsyncSession, gateway: LiveKitGateway, room: Room) -> None:
    """Step 2 and 3: ``CreateRoom`` (idempotent in LiveKit), then the row becomes ``created``.

    If LiveKit is unreachable the pending row is deleted (committed) and LiveKitUnavailable propagates:
    nothing half-written remains.
    """
    try:
        lk_room = await gateway.create_room(
            room.livekit_name,
            empty_timeout=room.empty_timeout,
            departure_timeout=room.departure_timeout,
            # LiveKit refuses the connection past the cap, whatever tokens exist (the join route's own
            # count only saves minting a token that cannot connect).
            max_participants=room.max_participants,
            metadata=room.room_metadata,
        )
    except LiveKitUnavailable:
        await session.execute(delete(Room).where(Room.id == room.id, Room.status == "creating"))
        await session.commit()
        raise
    room.livekit_sid = lk_room.sid
    room.status = "created"
    room.updated_at = utcnow()


async def list_rooms(
    session: AsyncSession,
    *,
    project_id: int,
    status: str | None,
    creator: str | None,
    source_channel_id: str | None,
    created_after: dt.datetime | None,
    created_before: dt.datetime | None,
    page: Page,
    name_prefix: str | None = None,
) -> tuple[list[Room], str | None]:
    query = select(Room).where(Room.project_id == project_id, Room.status != "creating")
    if name_prefix:
        # `_` is a LIKE wildcard and a legal name character: escaped (autoescape), so it matches itself.
        query = query.where(Room.name.startswith(name_prefix, autoescape=True))
    if status:
        query = query.where(Room.status == status)
    if creator:
        query = query.where(Room.creator == creator)
    if source_channel_id:
        query = query.where(Room.source_channel_id == source_channel_id)
    if created_after:
        query = query.where(Room.created_at >= require_aware(created_after, "created_after"))
    if created_before:
        query = query.where(Room.created_at < require_aware(created_before, "created_before"))
    return await newest_first(session, query, Room.id, page)


async def update_room(session: AsyncSession, gateway: LiveKitGateway, room: Room, data: RoomUpdate) -> Room:
    """Metadata (applied live), ``max_participants``, or ``status: ended``; ``room`` is locked."""
    if data.status is not msgspec.UNSET:
        reason = data.end_reason if data.end_reason is not msgspec.UNSET else "ended by API"
        return await end_room(session, gateway, room, reason)
    if not room.is_open:
        raise Conflict(f"Room {room.name!r} has ended and can no longer be changed.", code="room-ended")
    if data.max_participants is not msgspec.UNSET:
        room.max_participants = data.max_participants
    if data.client_admin is not msgspec.UNSET:
        room.client_admin = data.client_admin
    if data.auto_record is not msgspec.UNSET:
        room.auto_record = data.auto_record
    if data.metadata is not msgspec.UNSET:
        metadata = metadata_text(data.metadata)
        if metadata != room.room_metadata:
            await gateway.update_room_metadata(room.livekit_name, metadata)
            room.room_metadata = metadata
    room.updated_at = utcnow()
    await session.flush()
    await events.emit(
        session, EventType.ROOM_UPDATED, room=room.name, project_id=room.project_id, data=event_data(room)
    )
    return room


async def end_room(session: AsyncSession, gateway: LiveKitGateway, room: Room, reason: str) -> Room:
    """End the (locked) room: ``DeleteRoom`` first (already gone counts as done), then the row."""
    if room.status == "ended":
        return room
    await gateway.delete_room(room.livekit_name)  # disconnects every client; already gone is fine
    room.status = "ended"
    room.ended_at = utcnow()
    room.end_reason = reason
    room.updated_at = room.ended_at
    await session.flush()
    await recording_service.on_room_ended(session, room)  # running recordings stop with the room
    await events.emit(
        session,
        EventType.ROOM_ENDED,
        room=room.name,
        project_id=room.project_id,
        data={"reason": reason, "room_sid": room.livekit_sid},
    )
    return room
