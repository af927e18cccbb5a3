from __future__ import annotations

from litestar import Controller, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.lobby import service
from roomsvc.lobby.mappers import request_out
from roomsvc.lobby.schemas import JoinRequestDecision, JoinRequestList, JoinRequestOut, JoinRequestStatus
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.routes import MODERATE, PAGE, READ
from roomsvc.types import Page


class JoinRequestController(Controller):
    """The waiting room of a room with ``lobby``: the knocks, and the owner's or an admin's answer."""

    path = "/v1/rooms/{room:str}/join-requests"
    tags = ["lobby"]
    dependencies = ROOM_DEPENDENCIES

    @get(
        "/",
        opt=READ,
        summary="Join requests (knocks) in the order they were made (filter by status)",
        dependencies=PAGE,
    )
    async def list_requests(
        self,
        room_row: Room,
        db_session: AsyncSession,
        page: Page,
        status: JoinRequestStatus | None = None,
    ) -> JoinRequestList:
        requests, next_cursor = await service.list_requests(db_session, room_row, status, page)
        return JoinRequestList(
            items=[request_out(r, room_row.name) for r in requests], next_cursor=next_cursor
        )

    @get("/{request_id:str}", opt=READ, summary="One join request: poll it until it is decided")
    async def get_request(self, request_id: str, room_row: Room, db_session: AsyncSession) -> JoinRequestOut:
        return request_out(await service.get_request(db_session, room_row, request_id), room_row.name)

    @post(
        "/{request_id:str}/admit",
        opt=MODERATE,
        status_code=200,
        summary="Admit (owner/admin `actor`): the identity's next join returns a token",
    )
    async def admit(
        self, request_id: str, action: RoomAction, data: JoinRequestDecision | None = None
    ) -> JoinRequestOut:
        data = data or JoinRequestDecision()
        request = await service.admit(action, request_id, actor=data.actor)
        return request_out(request, action.room.name)

    @post(
        "/{request_id:str}/deny",
        opt=MODERATE,
        status_code=200,
        summary="Deny (owner/admin `actor`): the identity's joins get 403 for a while",
    )
    async def deny(
        self, request_id: str, action: RoomAction, data: JoinRequestDecision | None = None
    ) -> JoinRequestOut:
        data = data or JoinRequestDecision()
        request = await service.deny(action, request_id, actor=data.actor, reason=data.reason)
        return request_out(request, action.room.name)
