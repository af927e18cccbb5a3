from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.errors import BadRequest
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.routes import IDEMPOTENT, MODERATE, PAGE, READ, WRITE
from roomsvc.seats import controls, invitations, service
from roomsvc.seats.mappers import request_out, seat_out
from roomsvc.seats.schemas import (
    INVITATION_TTL,
    InvitationAnswer,
    LeaveSeat,
    RequestStatus,
    SeatAction,
    SeatChange,
    SeatList,
    SeatMove,
    SeatOut,
    SeatRequestCreate,
    SeatRequestDecision,
    SeatRequestList,
    SeatRequestOut,
    SeatSwap,
    TakeSeat,
)
from roomsvc.types import Page

Index = Annotated[int, Parameter(ge=0, le=63, description="seat index")]


class SeatController(Controller):
    path = "/v1/rooms/{room:str}"
    tags = ["seats"]
    dependencies = ROOM_DEPENDENCIES

    @get("/seats", opt=READ, summary="The stage: every seat, its occupant and lock")
    async def seats(self, room_row: Room, db_session: AsyncSession) -> SeatList:
        return SeatList(
            seat_mode=room_row.seat_mode,  # type: ignore[arg-type]
            items=[seat_out(s) for s in await service.list_seats(db_session, room_row)],
        )

    @post(
        "/seats/{index:int}/take",
        opt=WRITE,
        status_code=200,
        summary="Take a free seat (free mode), or place someone (owner/admin `actor`)",
    )
    async def take(self, index: Index, data: TakeSeat, action: RoomAction) -> SeatOut:
        seat = await service.take(action, index, data.identity, actor=data.actor)
        return seat_out(seat)

    @post("/seats/{index:int}/leave", opt=WRITE, status_code=200, summary="The occupant leaves the seat")
    async def leave(self, index: Index, data: LeaveSeat, action: RoomAction) -> SeatOut:
        seat = await service.leave(action, index, data.identity)
        return seat_out(seat)

    @post(
        "/seats/{index:int}/kick", opt=MODERATE, status_code=200, summary="Remove the occupant (owner/admin)"
    )
    async def kick(self, index: Index, data: SeatAction, action: RoomAction) -> SeatOut:
        seat = await service.kick_from_seat(action, index, actor=data.actor, reason=data.reason)
        return seat_out(seat)

    @post("/seats/{index:int}/lock", opt=MODERATE, status_code=200, summary="Lock a free seat")
    async def lock(self, index: Index, action: RoomAction, data: SeatAction | None = None) -> SeatOut:
        return await _set_locked(action, index, True, data)

    @post("/seats/{index:int}/unlock", opt=MODERATE, status_code=200, summary="Unlock a seat")
    async def unlock(self, index: Index, action: RoomAction, data: SeatAction | None = None) -> SeatOut:
        return await _set_locked(action, index, False, data)

    @post(
        "/seats/{index:int}/mic-lock",
        opt=MODERATE,
        status_code=200,
        summary="Lock the seat's microphone: whoever sits there cannot publish it (occupant stays)",
    )
    async def mic_lock(self, index: Index, action: RoomAction, data: SeatAction | None = None) -> SeatOut:
        return await _set_media_locked(action, index, "microphone", True, data)

    @post("/seats/{index:int}/mic-unlock", opt=MODERATE, status_code=200, summary="Unlock the microphone")
    async def mic_unlock(self, index: Index, action: RoomAction, data: SeatAction | None = None) -> SeatOut:
        return await _set_media_locked(action, index, "microphone", False, data)

    @post(
        "/seats/{index:int}/camera-lock",
        opt=MODERATE,
        status_code=200,
        summary="Lock the seat's camera: whoever sits there cannot publish it (occupant stays)",
    )
    async def camera_lock(self, index: Index, action: RoomAction, data: SeatAction | None = None) -> SeatOut:
        return await _set_media_locked(action, index, "camera", True, data)

    @post("/seats/{index:int}/camera-unlock", opt=MODERATE, status_code=200, summary="Unlock the camera")
    async def camera_unlock(
        self, index: Index, action: RoomAction, data: SeatAction | None = None
    ) -> SeatOut:
        return await _set_media_locked(action, index, "camera", False, data)

    @post(
        "/seats/{index:int}/move",
        opt=MODERATE,
        status_code=200,
        summary="Move the occupant to another, free seat (owner/admin)",
    )
    async def move(self, index: Index, data: SeatMove, action: RoomAction) -> SeatChange:
        seats = await controls.move(action, index, data.to, actor=data.actor, reason=data.reason)
        return SeatChange(items=[seat_out(s) for s in seats])

    @post(
        "/seats/{index:int}/swap",
        opt=MODERATE,
        status_code=200,
        summary="Swap the occupants of two seats (owner/admin)",
    )
    async def swap(self, index: Index, data: SeatSwap, action: RoomAction) -> SeatChange:
        seats = await controls.swap(action, index, data.with_, actor=data.actor, reason=data.reason)
        return SeatChange(items=[seat_out(s) for s in seats])

    @post(
        "/seat-requests",
        opt=WRITE | IDEMPOTENT,
        status_code=201,
        summary="Ask for a seat (optionally a preferred one), or invite someone onto the stage",
    )
    async def create_request(
        self, data: Annotated[SeatRequestCreate, examples.SEAT_REQUEST], action: RoomAction
    ) -> SeatRequestOut:
        if data.kind == "invitation":
            request = await invitations.invite(
                action,
                data.identity,
                data.seat,
                actor=data.actor,
                expires_in=data.expires_in or INVITATION_TTL,
            )
            return request_out(request)
        for name in ("actor", "expires_in"):
            if getattr(data, name) is not None:
                raise BadRequest(f"`{name}` is for invitations (`kind: invitation`) only.", field=name)
        request = await service.create_request(action, data.identity, data.seat)
        return request_out(request)

    @get(
        "/seat-requests",
        opt=READ,
        summary="Seat requests in queue order (filter by status)",
        dependencies=PAGE,
    )
    async def list_requests(
        self,
        room_row: Room,
        db_session: AsyncSession,
        page: Page,
        status: RequestStatus | None = None,
    ) -> SeatRequestList:
        requests, next_cursor = await service.list_requests(db_session, room_row, status, page)
        return SeatRequestList(items=[request_out(r) for r in requests], next_cursor=next_cursor)

    @post(
        "/seat-requests/{request_id:str}/approve",
        opt=MODERATE,
        status_code=200,
        summary="Approve: seat the requester (the requested/preferred seat, or the first free one)",
    )
    async def approve(
        self, request_id: str, action: RoomAction, data: SeatRequestDecision | None = None
    ) -> SeatRequestOut:
        data = data or SeatRequestDecision()
        request = await service.approve(action, request_id, actor=data.actor, seat=data.seat)
        return request_out(request)

    @post("/seat-requests/{request_id:str}/reject", opt=MODERATE, status_code=200, summary="Reject")
    async def reject(
        self, request_id: str, action: RoomAction, data: SeatRequestDecision | None = None
    ) -> SeatRequestOut:
        data = data or SeatRequestDecision()
        request = await service.reject(action, request_id, actor=data.actor, reason=data.reason)
        return request_out(request)

    @post(
        "/seat-requests/{request_id:str}/cancel",
        opt=WRITE,
        status_code=200,
        summary="The requester cancels (or the inviter withdraws an invitation)",
    )
    async def cancel(self, request_id: str, action: RoomAction) -> SeatRequestOut:
        return request_out(await service.cancel(action, request_id))

    @post(
        "/seat-requests/{request_id:str}/accept",
        opt=WRITE,
        status_code=200,
        summary="The invited identity accepts an invitation and takes its seat",
    )
    async def accept(self, request_id: str, action: RoomAction) -> SeatRequestOut:
        return request_out(await invitations.accept(action, request_id))

    @post(
        "/seat-requests/{request_id:str}/decline",
        opt=WRITE,
        status_code=200,
        summary="The invited identity declines an invitation",
    )
    async def decline(
        self, request_id: str, action: RoomAction, data: InvitationAnswer | None = None
    ) -> SeatRequestOut:
        reason = (data or InvitationAnswer()).reason
        return request_out(await invitations.decline(action, request_id, reason=reason))


async def _set_media_locked(
    action: RoomAction, index: int, source: controls.LockedSource, locked: bool, data: SeatAction | None
) -> SeatOut:
    data = data or SeatAction()
    seat = await controls.set_media_locked(
        action, index, source, locked, actor=data.actor, reason=data.reason
    )
    return seat_out(seat)


async def _set_locked(action: RoomAction, index: int, locked: bool, data: SeatAction | None) -> SeatOut:
    actor = (data or SeatAction()).actor
    seat = await service.set_locked(action, index, locked, actor=actor)
    return seat_out(seat)
