from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms import service
from roomsvc.rooms.schemas import PublicStatus, RoomCreate, RoomEnd, RoomOut, RoomPage, RoomUpdate

READ = {"scopes": ("rooms:read",)}
WRITE = {"scopes": ("rooms:write",), "rate_bucket": "rooms:write"}


class RoomController(Controller):
    path = "/v1/rooms"
    tags = ["rooms"]

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
    ) -> Response[RoomOut]:
        room, created = await service.create_room(
            db_session, livekit, data, caller_id=request.user.credential_id
        )
        return Response(service.to_out(room), status_code=201 if created else 200)

    @get("/", opt=READ, summary="List rooms, newest first")
    async def list_rooms(
        self,
        db_session: AsyncSession,
        status: PublicStatus | None = None,
        creator: str | None = None,
        source_channel_id: str | None = None,
        created_after: dt.datetime | None = None,
        created_before: dt.datetime | None = None,
        cursor: str | None = None,
        limit: Annotated[int, Parameter(ge=1, le=100, description="page size, 1-100")] = 50,
    ) -> RoomPage:
        return await service.list_rooms(
            db_session,
            status=status,
            creator=creator,
            source_channel_id=source_channel_id,
            created_after=created_after,
            created_before=created_before,
            cursor=cursor,
            limit=limit,
        )

    @get("/{room:str}", opt=READ, summary="Get a room")
    async def get_room(self, room: str, db_session: AsyncSession) -> RoomOut:
        return service.to_out(await service.get_room(db_session, room))

    @patch("/{room:str}", opt=WRITE, summary="Update metadata (live), max_participants or end the room")
    async def update(
        self,
        room: str,
        data: Annotated[RoomUpdate, examples.ROOM_UPDATE],
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> RoomOut:
        return service.to_out(await service.update_room(db_session, livekit, room, data))

    @post("/{room:str}/end", opt=WRITE, summary="End the room: every client is disconnected", status_code=200)
    async def end(
        self, room: str, db_session: AsyncSession, livekit: LiveKitGateway, data: RoomEnd | None = None
    ) -> RoomOut:
        reason = data.reason if data else "ended by API"
        return service.to_out(await service.end_room(db_session, livekit, room, reason))
