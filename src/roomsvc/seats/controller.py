from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.routes import IDEMPOTENT, MODERATE, PAGE, READ, WRITE
from roomsvc.seats import service
from roomsvc.seats.mappers import request_out, seat_out
from roomsvc.seats.schemas import (
    LeaveSeat,
    SeatAction,
    SeatList,
    SeatOut,
    SeatRequestCreate,
    SeatRequestDecision,
    SeatRequestList,
    SeatRequestOut,
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
        "/seat-requests",
        opt=WRITE | IDEMPOTENT,
        status_code=201,
        summary="Ask for a seat (optionally a preferred one)",
    )
    async def create_request(
        self, data: Annotated[SeatRequestCreate, examples.SEAT_REQUEST], action: RoomAction
    ) -> SeatRequestOut:
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
        status: Literal["pending", "approved", "rejected", "cancelled"] | None = None,
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
        "/seat-requests/{request_id:str}/cancel", opt=WRITE, status_code=200, summary="The requester cancels"
    )
    async def cancel(self, request_id: str, action: RoomAction) -> SeatRequestOut:
        return request_out(await service.cancel(action, request_id))


async def _set_locked(action: RoomAction, index: int, locked: bool, data: SeatAction | None) -> SeatOut:
    actor = (data or SeatAction()).actor
    seat = await service.set_locked(action, index, locked, actor=actor)
    return seat_out(seat)
