from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.livekit import LiveKitGateway
from roomsvc.notices import service as notices
from roomsvc.notices.schemas import MessageIn, MessageOut
from roomsvc.rooms import flows, service
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.mappers import room_out
from roomsvc.rooms.models import Room
from roomsvc.rooms.schemas import PublicStatus, RoomCreate, RoomEnd, RoomOut, RoomPage, RoomUpdate
from roomsvc.routes import PAGE, READ
from roomsvc.routes import ROOM_WRITE as WRITE
from roomsvc.routes import WRITE as MESSAGE_WRITE
from roomsvc.types import Page


class RoomController(Controller):
    path = "/v1/rooms"
    tags = ["rooms"]
    dependencies = ROOM_DEPENDENCIES | PAGE

    @post(
        "/",
        opt=WRITE,
        summary="Create a room (idempotent by name and options)",
        status_code=201,
        responses={200: ResponseSpec(data_container=RoomOut, description="Created before, same options.")},
    )
    async def create(
        self,
        request: Request[Caller, Any, Any],
        data: Annotated[RoomCreate, examples.ROOM_CREATE],
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
    ) -> Response[RoomOut]:
        room, created = await flows.create_room(
            db_session, livekit, data, caller=request.user, detection=settings.detection
        )
        return Response(room_out(room), status_code=201 if created else 200)

    @get("/", opt=READ, summary="List rooms, newest first")
    async def list_rooms(
        self,
        db_session: AsyncSession,
        project_id: int,
        page: Page,
        status: PublicStatus | None = None,
        creator: str | None = None,
        source_channel_id: str | None = None,
        created_after: dt.datetime | None = None,
        created_before: dt.datetime | None = None,
        name_prefix: Annotated[
            str | None,
            Parameter(
                pattern=r"^[A-Za-z0-9._-]{1,128}$",
                description="only rooms whose name starts with this (case-sensitive)",
            ),
        ] = None,
    ) -> RoomPage:
        rows, next_cursor = await service.list_rooms(
            db_session,
            project_id=project_id,
            name_prefix=name_prefix,
            status=status,
            creator=creator,
            source_channel_id=source_channel_id,
            created_after=created_after,
            created_before=created_before,
            page=page,
        )
        return RoomPage(items=[room_out(r) for r in rows], next_cursor=next_cursor)

    @get("/{room:str}", opt=READ, summary="Get a room")
    async def get_room(self, room_row: Room) -> RoomOut:
        return room_out(room_row)

    @patch(
        "/{room:str}",
        opt=WRITE,
        summary="Update metadata (live), max_participants, the schedule; lock, reopen or end the room",
    )
    async def update(
        self,
        request: Request[Caller, Any, Any],
        data: Annotated[RoomUpdate, examples.ROOM_UPDATE],
        locked_room: Room,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> RoomOut:
        return room_out(await flows.update_room(db_session, livekit, locked_room, data, caller=request.user))

    @post("/{room:str}/end", opt=WRITE, summary="End the room: every client is disconnected", status_code=200)
    async def end(
        self,
        locked_room: Room,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        data: RoomEnd | None = None,
    ) -> RoomOut:
        reason = data.reason if data else "ended by API"
        return room_out(await service.end_room(db_session, livekit, locked_room, reason))


class RoomMessageController(Controller):
    """App data messages into a room (the notices domain sends them; the route lives with the room's
    other routes, so that ``notices`` never imports ``rooms`` beyond its table)."""

    path = "/v1/rooms/{room:str}"
    tags = ["messages"]
    dependencies = ROOM_DEPENDENCIES

    @post(
        "/messages",
        opt=MESSAGE_WRITE,
        status_code=200,
        summary="Send a data message into the room: a topic, JSON or text (≤ 15 KB), to everyone or to some",
    )
    async def send(
        self, data: Annotated[MessageIn, examples.MESSAGE], room_row: Room, livekit: LiveKitGateway
    ) -> MessageOut:
        return await notices.send_message(livekit, room_row, data)
