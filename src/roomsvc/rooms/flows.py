"""Creating a room: the steps that span MySQL, LiveKit, stage seats, detection and events.

Flows sit one layer above the domain services (Dispatch's ``<domain>/flows.py``): ``rooms/service.py``
knows rooms only; this module calls rooms, seats and detection in the documented order:

1. the ``creating`` row, committed (``rooms.service.insert_pending``: the unique name serialises
   concurrent creates, and an identical repeat returns the existing room), with the detection run when
   detection is asked for (``detection.service.record_spec``, same commit);
2. ``CreateRoom`` in LiveKit (with ``max_participants``), then the row becomes ``created``
   (``rooms.service.create_in_livekit``);
3. the stage seats, the detection agent's dispatch if step 1 recorded a run, and the ``room.created``
   event — all committed with step 2's row change by the request edge.

Steps 2 and 3 are :func:`complete_create`, the one function that completes a create: the request calls
it, and so does reconciliation for a row left ``creating`` by a crash between 1 and 3 (when LiveKit has
the room; ``calls/reconcile.py`` gets it from its job, ``calls/jobs.py``), so a repaired room gets the
same seats, detection run and event as any other.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import DetectionSettings
from roomsvc.detection import service as detection_service
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit
from roomsvc.notices import service as notices
from roomsvc.rooms import service as room_service
from roomsvc.rooms.mappers import event_data
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import RoomCreate, RoomUpdate
from roomsvc.seats import service as seat_service


async def create_room(
    session: AsyncSession,
    gateway: LiveKitGateway,
    data: RoomCreate,
    *,
    caller: Caller,
    detection: DetectionSettings,
) -> tuple[Room, bool]:
    """Create the room, or return the existing one when the same spec was created before.

    Returns ``(room, created)``; ``created`` is False for an idempotent repeat.
    """
    spec = data.detection
    if spec is not None and caller.project_id is not None:  # the safety gate on mute/kick (409)
        await detection_service.check_spec(session, caller.project_id, spec, detection)

    def with_row(room: Room) -> None:
        if spec is not None:
            detection_service.record_spec(session, room, spec)

    room = await room_service.insert_pending(session, data, caller=caller, with_row=with_row)
    if room.status != "creating":
        return room, False
    room = await room_service.lock_pending(session, room)
    if room.status != "creating":  # a concurrent create of the same room completed it meanwhile
        return room, False
    await complete_create(session, gateway, room, detection=detection)
    return room, True


async def complete_create(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    *,
    detection: DetectionSettings,
    repaired: bool = False,
) -> None:
    """Steps 2 and 3 of a create for a ``creating`` row, from the request or from reconciliation
    (``repaired``); the caller commits."""
    await room_service.create_in_livekit(session, gateway, room)
    await seat_service.create_seats(session, room)
    await session.flush()
    # Dispatches the detection agent when step 1 recorded a run (AgentDispatchService, list first). A
    # scheduled room has no LiveKit room yet: the first join's participant_joined flags the re-dispatch.
    if room.livekit_sid is not None:
        await detection_service.on_room_created(session, gateway, room, settings=detection)
    data = event_data(room) | ({"repaired": True} if repaired else {})
    await events.emit(session, EventType.ROOM_CREATED, room=room.name, project_id=room.project_id, data=data)


async def update_room(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, data: RoomUpdate, *, caller: Caller
) -> Room:
    """PATCH /v1/rooms/{room}: the room's own changes (``rooms.service.update_room``), then, when it was
    locked or reopened, the audit entry with its event (``room.locked``/``room.unlocked``) and the notice
    of the same kind to whoever is connected."""
    was_locked = room.locked_at is not None
    room = await room_service.update_room(session, gateway, room, data)
    locked = room.locked_at is not None
    if room.is_open and locked != was_locked:
        action = "room_lock" if locked else "room_unlock"
        await audit.record(session, room, action, caller, caller.operator, target=None)
        if room.livekit_sid is not None:
            await notices.notify(gateway, room, "room.locked" if locked else "room.unlocked", {})
    return room
