from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.invitations import service
from roomsvc.invitations.schemas import InvitationAccept, InvitationCreate, InvitationList, InvitationOut
from roomsvc.livekit import LiveKitGateway
from roomsvc.participants.schemas import JoinResponse

READ = {"scopes": ("rooms:read",)}
WRITE = {"scopes": ("rooms:write",)}


class RoomInvitationController(Controller):
    path = "/v1/rooms/{room:str}/invitations"
    tags = ["invitations"]

    @post("/", opt=WRITE, summary="Invite identities to a room", status_code=201)
    async def create(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        data: Annotated[InvitationCreate, examples.INVITE],
        db_session: AsyncSession,
    ) -> InvitationList:
        return await service.create_invitations(db_session, room, data, request.user)

    @get("/", opt=READ, summary="A room's invitations")
    async def list_invitations(self, room: str, db_session: AsyncSession) -> InvitationList:
        return await service.list_invitations(db_session, room)


class InvitationController(Controller):
    path = "/v1/invitations"
    tags = ["invitations"]

    @post(
        "/{invitation_id:str}/accept", opt=WRITE, summary="Accept: returns the join response", status_code=200
    )
    async def accept(
        self,
        request: Request[Caller, Any, Any],
        invitation_id: str,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        settings: Settings,
        data: InvitationAccept | None = None,
    ) -> JoinResponse:
        return await service.accept(
            db_session, livekit, settings, invitation_id, data or InvitationAccept(), request.user
        )

    @post("/{invitation_id:str}/decline", opt=WRITE, summary="Decline", status_code=200)
    async def decline(self, invitation_id: str, db_session: AsyncSession) -> InvitationOut:
        return await service.respond(db_session, invitation_id, "declined")

    @delete("/{invitation_id:str}", opt=WRITE, summary="Revoke", status_code=200)
    async def revoke(self, invitation_id: str, db_session: AsyncSession) -> InvitationOut:
        return await service.respond(db_session, invitation_id, "revoked")
