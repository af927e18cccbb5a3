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
from typing import TypeVar

import msgspec
import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import newest_first, utcnow
from roomsvc.errors import BadRequest, Conflict, LiveKitUnavailable, NotFound
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitGateway, LiveKitRoom
from roomsvc.notices import service as notices
from roomsvc.recordings import service as recording_service
from roomsvc.rooms.mappers import event_data
from roomsvc.rooms.models import JoinRoom, Room
from roomsvc.rooms.schemas import RoomCreate, RoomUpdate
from roomsvc.types import DEFAULT_PROJECT, Page, iso, livekit_room_name, metadata_text, require_aware

log = structlog.get_logger("roomsvc.rooms")
# A room entity, or the columns of one a join reads: the checks below read only what both have.
AnyRoom = TypeVar("AnyRoom", Room, JoinRoom)


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
    for name in ("opens_at", "closes_at", "max_duration"):  # likewise
        if spec[name] is None:
            del spec[name]
    if not data.lobby:  # likewise
        del spec["lobby"]
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


def visible(room: AnyRoom | None, name: str) -> AnyRoom:
    """The room callers may see: 404 for none, and for a row still ``creating`` (see the module doc)."""
    if room is None or room.status == "creating":
        raise NotFound(f"No room named {name!r}.", code="room-not-found")
    return room


def open_(room: AnyRoom | None, name: str) -> AnyRoom:
    room = visible(room, name)
    if not room.is_open:
        raise Conflict(f"Room {name!r} has ended.", code="room-ended")
    return room


# Schedules and locks -------------------------------------------------------------------------------------
SCHEDULE_HORIZON = dt.timedelta(days=366)


def check_schedule(
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    *,
    changed: tuple[str, ...] = ("opens_at", "closes_at"),
    now: dt.datetime | None = None,
) -> None:
    """400 naming the field: ``changed`` times within a year of now, ``closes_at`` in the future and after
    ``opens_at``."""
    now = now or utcnow()
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if value is not None and field in changed:
            require_aware(value, field)
            if abs(value - now) > SCHEDULE_HORIZON:
                raise BadRequest(f"`{field}` must be within 366 days of now.", field=field)
    if closes_at is not None:
        if closes_at <= now:
            raise BadRequest("`closes_at` must be in the future.", field="closes_at")
        if opens_at is not None and closes_at <= opens_at:
            raise BadRequest("`closes_at` must be after `opens_at`.", field="closes_at")


def session_deadline(room: Room) -> dt.datetime | None:
    """When the room must end: ``closes_at``, or earlier when the running session reaches ``max_duration``."""
    deadlines = [room.closes_at] if room.closes_at is not None else []
    # A room created before sessions were timed has a LiveKit room since its create.
    started = room.session_started_at or (room.created_at if room.livekit_sid is not None else None)
    if started is not None and room.max_duration:
        deadlines.append(started + dt.timedelta(seconds=room.max_duration))
    return min(deadlines, default=None)


def _set_deadline(room: Room) -> None:
    deadline = session_deadline(room)
    if deadline != room.ends_at:
        room.ends_at = deadline
        room.closing_notice_at = None  # a new deadline gets its own notice


def start_session(room: Room, sid: str) -> None:
    """LiveKit has a room (session) ``sid`` for ``room`` now: its deadline counts from here."""
    room.livekit_sid = sid
    room.session_started_at = utcnow()
    room.updated_at = room.session_started_at
    _set_deadline(room)


def session_over(room: Room) -> None:
    """LiveKit closed the current session of a scheduled room that goes on: the next join opens another."""
    room.livekit_sid = None
    room.session_started_at = None
    room.status = "created"
    room.updated_at = utcnow()
    _set_deadline(room)


def ensure_joinable(room: Room | JoinRoom, now: dt.datetime | None = None) -> None:
    """409 for a join to an open room that is locked, not open yet, or past its end (the join hot path:
    no read, the room is loaded)."""
    now = now or utcnow()
    if room.locked_at is not None:
        raise Conflict(
            f"Room {room.name!r} is locked: no new joins until it is reopened (PATCH `status: open`).",
            code="room-locked",
        )
    if room.opens_at is not None and now < room.opens_at:
        raise Conflict(
            f"Room {room.name!r} opens at {iso(room.opens_at)}; join then.",
            code="room-not-open-yet",
            opens_at=iso(room.opens_at),
        )
    if room.ends_at is not None and now >= room.ends_at:
        raise Conflict(
            f"Room {room.name!r} closed at {iso(room.ends_at)}.",
            code="room-closed",
            ends_at=iso(room.ends_at),
        )


async def open_session(session: AsyncSession, gateway: LiveKitGateway, room: Room | JoinRoom) -> Room:
    """The first join of a session of a room LiveKit has no room for (a scheduled room): ``CreateRoom``.
    Returns the ``Room`` entity, read again under its row lock.

    The row is locked first, so of concurrent first joins one creates and the others find its session
    (CreateRoom is idempotent in LiveKit anyway); the lock lasts until the join's transaction ends.
    """
    query = select(Room).where(Room.id == room.id).with_for_update().execution_options(populate_existing=True)
    room = open_((await session.execute(query)).scalar_one_or_none(), room.name)
    ensure_joinable(room)
    if room.livekit_sid is None:
        lk_room = await _create_livekit_room(gateway, room)
        start_session(room, lk_room.sid)
        await session.flush()
        log.info("room.session_opened", room=room.name, room_sid=room.livekit_sid)
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
    check_schedule(data.opens_at, data.closes_at)
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
            lobby=data.lobby,
            auto_record=data.auto_record,
            max_participants=data.max_participants,
            opens_at=data.opens_at,
            closes_at=data.closes_at,
            max_duration=data.max_duration,
            ends_at=data.closes_at,
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


async def lock_pending(session: AsyncSession, room: Room) -> Room:
    """The ``creating`` row, read again under its row lock before steps 2 and 3 change it or add rows
    that refer to it. Concurrent creates of one room all find the pending row; locked first (the room
    before its children, docs/architecture.md#lock-order), the others wait for the first to commit and
    then find it created, instead of each taking the shared lock of a child's foreign key check on the
    row and then waiting for the exclusive one (a deadlock)."""
    query = select(Room).where(Room.id == room.id).with_for_update().execution_options(populate_existing=True)
    locked = (await session.execute(query)).scalar_one_or_none()
    if locked is None:  # the first create failed (LiveKit away) and removed it: like a race on the name
        raise Conflict(f"Room {room.name!r} is being created concurrently; retry.", code="room-busy")
    return locked


async def create_in_livekit(session: AsyncSession, gateway: LiveKitGateway, room: Room) -> None:
    """Step 2 and 3: ``CreateRoom`` (idempotent in LiveKit), then the row becomes ``created``.

    If LiveKit is unreachable the pending row is deleted (committed) and LiveKitUnavailable propagates:
    nothing half-written remains. A scheduled room skips LiveKit: its first join creates the LiveKit room
    (:func:`open_session`), so a room booked days ahead is not closed by LiveKit's ``empty_timeout``.
    """
    if not room.scheduled:
        try:
            lk_room = await _create_livekit_room(gateway, room)
        except LiveKitUnavailable:
            await session.execute(delete(Room).where(Room.id == room.id, Room.status == "creating"))
            await session.commit()
            raise
        start_session(room, lk_room.sid)
    room.status = "created"
    room.updated_at = utcnow()


async def _create_livekit_room(gateway: LiveKitGateway, room: Room) -> LiveKitRoom:
    return await gateway.create_room(
        room.livekit_name,
        empty_timeout=room.empty_timeout,
        departure_timeout=room.departure_timeout,
        # LiveKit refuses the connection past the cap, whatever tokens exist (the join route's own
        # count only saves minting a token that cannot connect).
        max_participants=room.max_participants,
        metadata=room.room_metadata,
    )


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
    if status == "locked":  # shown for an open room closed to new joins (Room.public_status)
        query = query.where(Room.status.in_(("created", "active")), Room.locked_at.is_not(None))
    elif status:
        query = query.where(Room.status == status)
        if status != "ended":
            query = query.where(Room.locked_at.is_(None))
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
    """Metadata (applied live), ``max_participants``, the schedule, ``status: locked``/``open``, or
    ``status: ended``; ``room`` is locked."""
    if data.status == "ended":
        reason = data.end_reason if data.end_reason is not msgspec.UNSET else "ended by API"
        return await end_room(session, gateway, room, reason)
    if not room.is_open:
        raise Conflict(f"Room {room.name!r} has ended and can no longer be changed.", code="room-ended")
    if data.status == "locked" and room.locked_at is None:
        room.locked_at = utcnow()
    elif data.status == "open":
        room.locked_at = None
    await _update_schedule(gateway, room, data)
    if data.max_participants is not msgspec.UNSET:
        room.max_participants = data.max_participants
    if data.client_admin is not msgspec.UNSET:
        room.client_admin = data.client_admin
    if data.auto_record is not msgspec.UNSET:
        room.auto_record = data.auto_record
    if data.lobby is not msgspec.UNSET:
        room.lobby = data.lobby
    if data.metadata is not msgspec.UNSET:
        metadata = metadata_text(data.metadata)
        if metadata != room.room_metadata:
            if room.livekit_sid is not None:  # else the next session is created with it
                await gateway.update_room_metadata(room.livekit_name, metadata)
            room.room_metadata = metadata
    room.updated_at = utcnow()
    await session.flush()
    await events.emit(
        session, EventType.ROOM_UPDATED, room=room.name, project_id=room.project_id, data=event_data(room)
    )
    return room


async def _update_schedule(gateway: LiveKitGateway, room: Room, data: RoomUpdate) -> None:
    """A PATCH of ``opens_at``, ``closes_at`` or ``max_duration`` (null clears one); the deadline follows."""
    changed = tuple(
        name for name in ("opens_at", "closes_at", "max_duration") if getattr(data, name) is not msgspec.UNSET
    )
    if not changed:
        return
    opens_at = room.opens_at if data.opens_at is msgspec.UNSET else data.opens_at
    closes_at = room.closes_at if data.closes_at is msgspec.UNSET else data.closes_at
    if "opens_at" in changed or "closes_at" in changed:
        check_schedule(opens_at, closes_at, changed=changed)
    room.opens_at, room.closes_at = opens_at, closes_at
    if data.max_duration is not msgspec.UNSET:
        room.max_duration = data.max_duration
    _set_deadline(room)
    if not room.scheduled and room.livekit_sid is None:
        # No longer scheduled, so no longer opened by a join: its LiveKit room now, as a create would.
        start_session(room, (await _create_livekit_room(gateway, room)).sid)


async def end_room(session: AsyncSession, gateway: LiveKitGateway, room: Room, reason: str) -> Room:
    """End the (locked) room: ``DeleteRoom`` first (already gone counts as done), then the row."""
    if room.status == "ended":
        return room
    # Everyone is told first (notices: "room.ended"): DeleteRoom disconnects them all at once.
    await notices.notify_before_disconnect(gateway, room, "room.ended", {"reason": reason})
    await gateway.delete_room(room.livekit_name)  # disconnects every client; already gone is fine
    room.status = "ended"
    room.ended_at = utcnow()
    room.end_reason = reason
    room.updated_at = room.ended_at
    room.ends_at = None  # nothing left for the room-closer job (its index holds open rooms only)
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
