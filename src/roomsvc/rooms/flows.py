"""Creating a room: the steps that span MySQL, LiveKit, stage seats, detection and events.

Flows sit one layer above the domain services (Dispatch's ``<domain>/flows.py``): ``rooms/service.py``
knows rooms only; this module calls rooms, seats and detection in the documented order:

1. the ``creating`` row, committed (``rooms.service.insert_pending``: the unique name serialises
   concurrent creates, and an identical repeat returns the existing room);
2. ``CreateRoom`` in LiveKit, then the row becomes ``created`` (``rooms.service.create_in_livekit``);
3. the stage seats, the detection agent's dispatch if asked for, and the ``room.created`` event — all
   committed with step 2's row change by the request edge.

Reconciliation completes a row left ``creating`` by a crash between 1 and 3.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.config import DetectionSettings
from roomsvc.detection import service as detection_service
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms import service as room_service
from roomsvc.rooms.mappers import event_data
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import RoomCreate
from roomsvc.seats import service as seat_service


async def create_room(
    session: AsyncSession,
    gateway: LiveKitGateway,
    data: RoomCreate,
    *,
    caller_id: str,
    detection: DetectionSettings,
) -> tuple[Room, bool]:
    """Create the room, or return the existing one when the same spec was created before.

    Returns ``(room, created)``; ``created`` is False for an idempotent repeat.
    """
    room = await room_service.insert_pending(session, data, caller_id=caller_id)
    if room.status != "creating":
        return room, False
    await room_service.create_in_livekit(session, gateway, room)
    await seat_service.create_seats(session, room)
    await session.flush()
    if data.detection is not None:  # dispatches the detection agent (AgentDispatchService, list first)
        await detection_service.on_room_created(session, gateway, room, data.detection, settings=detection)
    await events.emit(session, EventType.ROOM_CREATED, room=room.name, data=event_data(room))
    return room, True
