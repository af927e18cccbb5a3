"""The room a ``/v1/rooms/{room}/…`` route acts on, loaded once per request by a Litestar dependency.

Handlers ask for one of these by parameter name instead of loading the room themselves:

- ``room_row``: the room, read-only (404 for a missing room or one still being created);
- ``locked_room``: the same, locked ``FOR UPDATE`` until the request's transaction ends;
- ``open_room``: locked, and 409 ``room-ended`` once the room has ended;
- ``action``: a :class:`RoomAction`: the open, locked room with everything an action on it needs
  (the request's session, LiveKit and the caller).

Every action on a room locks the row first, so a room's audit entries and events are written in one order.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms import service
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.routes import PROJECT


async def provide_room_row(room: str, project_id: int, db_session: AsyncSession) -> Room:
    return await service.get_room(db_session, project_id, room)


async def provide_locked_room(room: str, project_id: int, db_session: AsyncSession) -> Room:
    return await service.get_room(db_session, project_id, room, for_update=True)


async def provide_open_room(room: str, project_id: int, db_session: AsyncSession) -> Room:
    return await service.get_open_room(db_session, project_id, room, for_update=True)


async def provide_action(
    request: Request[Caller, Any, Any], open_room: Room, db_session: AsyncSession, livekit: LiveKitGateway
) -> RoomAction:
    return RoomAction(room=open_room, session=db_session, livekit=livekit, caller=request.user)


ROOM_DEPENDENCIES = PROJECT | {
    "room_row": Provide(provide_room_row),
    "locked_room": Provide(provide_locked_room),
    "open_room": Provide(provide_open_room),
    "action": Provide(provide_action),
}
