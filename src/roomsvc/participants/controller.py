from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.livekit import LiveKitGateway
from roomsvc.participants import service
from roomsvc.participants.schemas import (
    JoinRequest,
    JoinResponse,
    ParticipantList,
    ParticipantOut,
    ParticipantUpdate,
)

READ = {"scopes": ("rooms:read",)}
WRITE = {"scopes": ("rooms:write",)}


class ParticipantController(Controller):
    path = "/v1/rooms/{room:str}/participants"
    tags = ["participants"]

    @post(
        "/", opt=WRITE, summary="Join: returns a LiveKit token whose grants follow the role", status_code=201
    )
    async def join(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        data: Annotated[JoinRequest, examples.JOIN],
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
    ) -> JoinResponse:
        return await service.join(db_session, livekit, settings, room, data, request.user)

    @get("/", opt=READ, summary="Who is in the room now (LiveKit), merged with our records")
    async def list_participants(
        self, room: str, db_session: AsyncSession, livekit: LiveKitGateway
    ) -> ParticipantList:
        return await service.list_participants(db_session, livekit, room)

    @get("/{identity:str}", opt=READ, summary="One participant")
    async def get_participant(
        self, room: str, identity: str, db_session: AsyncSession, livekit: LiveKitGateway
    ) -> ParticipantOut:
        return await service.get_participant(db_session, livekit, room, identity)

    @patch("/{identity:str}", opt=WRITE, summary="Update name, metadata, attributes or role (applied live)")
    async def update(
        self,
        room: str,
        identity: str,
        data: ParticipantUpdate,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> ParticipantOut:
        return await service.update_participant(db_session, livekit, room, identity, data)

    @delete("/{identity:str}", opt=WRITE, summary="Remove from the room (disconnects it)", status_code=200)
    async def remove(
        self, room: str, identity: str, db_session: AsyncSession, livekit: LiveKitGateway
    ) -> ParticipantOut:
        return await service.remove_participant(db_session, livekit, room, identity)
