from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.invitations import service
from roomsvc.invitations.mappers import invitation_out
from roomsvc.invitations.schemas import InvitationAccept, InvitationCreate, InvitationList, InvitationOut
from roomsvc.livekit import LiveKitGateway
from roomsvc.participants.mappers import join_response
from roomsvc.participants.schemas import JoinResponse
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.routes import IDEMPOTENT, PAGE, PROJECT, READ, WRITE
from roomsvc.types import Page


class RoomInvitationController(Controller):
    path = "/v1/rooms/{room:str}/invitations"
    tags = ["invitations"]
    dependencies = ROOM_DEPENDENCIES

    @post("/", opt=WRITE | IDEMPOTENT, summary="Invite identities to a room", status_code=201)
    async def create(
        self,
        request: Request[Caller, Any, Any],
        data: Annotated[InvitationCreate, examples.INVITE],
        open_room: Room,
        db_session: AsyncSession,
    ) -> InvitationList:
        created = await service.create_invitations(db_session, open_room, data, request.user)
        return InvitationList(items=[invitation_out(i, open_room) for i in created])

    @get("/", opt=READ, summary="A room's invitations, oldest first", dependencies=PAGE)
    async def list_invitations(self, room_row: Room, db_session: AsyncSession, page: Page) -> InvitationList:
        rows, next_cursor = await service.list_invitations(db_session, room_row, page)
        return InvitationList(items=[invitation_out(i, room_row) for i in rows], next_cursor=next_cursor)


class InvitationController(Controller):
    path = "/v1/invitations"
    tags = ["invitations"]
    dependencies = PROJECT

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
        admission = await service.accept(
            db_session, livekit, settings, invitation_id, data or InvitationAccept(), request.user
        )
        return join_response(admission, settings.livekit.public_url)

    @post("/{invitation_id:str}/decline", opt=WRITE, summary="Decline", status_code=200)
    async def decline(self, invitation_id: str, db_session: AsyncSession, project_id: int) -> InvitationOut:
        return invitation_out(*await service.respond(db_session, project_id, invitation_id, "declined"))

    @delete("/{invitation_id:str}", opt=WRITE, summary="Revoke", status_code=200)
    async def revoke(self, invitation_id: str, db_session: AsyncSession, project_id: int) -> InvitationOut:
        return invitation_out(*await service.respond(db_session, project_id, invitation_id, "revoked"))
