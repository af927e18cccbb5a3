from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms import service as room_service
from roomsvc.seats import service
from roomsvc.seats.models import Seat, SeatRequest
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

READ = {"scopes": ("rooms:read",)}
WRITE = {"scopes": ("rooms:write",)}
MODERATE = {"scopes": ("moderation",)}
Index = Annotated[int, Parameter(ge=0, le=63, description="seat index")]


def seat_out(seat: Seat) -> SeatOut:
    return SeatOut(index=seat.seat_index, identity=seat.identity, locked=seat.locked)


def request_out(r: SeatRequest) -> SeatRequestOut:
    return SeatRequestOut(
        id=r.public_id,
        identity=r.identity,
        preferred_seat=r.preferred_seat,
        status=r.status,  # type: ignore[arg-type]
        seat=r.seat_index,
        reason=r.reason,
        decided_by=r.decided_by,
        created_at=r.created_at,
        decided_at=r.decided_at,
    )


class SeatController(Controller):
    path = "/v1/rooms/{room:str}"
    tags = ["seats"]

    @get("/seats", opt=READ, summary="The stage: every seat, its occupant and lock")
    async def seats(self, room: str, db_session: AsyncSession) -> SeatList:
        row = await room_service.get_room(db_session, room)
        return SeatList(
            seat_mode=row.seat_mode,  # type: ignore[arg-type]
            items=[seat_out(s) for s in await service.list_seats(db_session, row)],
        )

    @post(
        "/seats/{index:int}/take",
        opt=WRITE,
        status_code=200,
        summary="Take a free seat (free mode), or place someone (owner/admin `actor`)",
    )
    async def take(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        index: Index,
        data: TakeSeat,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> SeatOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return seat_out(
            await service.take(
                db_session, livekit, row, index, data.identity, caller=request.user, actor=data.actor
            )
        )

    @post("/seats/{index:int}/leave", opt=WRITE, status_code=200, summary="The occupant leaves the seat")
    async def leave(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        index: Index,
        data: LeaveSeat,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> SeatOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return seat_out(
            await service.leave(db_session, livekit, row, index, data.identity, caller=request.user)
        )

    @post(
        "/seats/{index:int}/kick", opt=MODERATE, status_code=200, summary="Remove the occupant (owner/admin)"
    )
    async def kick(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        index: Index,
        data: SeatAction,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> SeatOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return seat_out(
            await service.kick_from_seat(
                db_session, livekit, row, index, caller=request.user, actor=data.actor, reason=data.reason
            )
        )

    @post("/seats/{index:int}/lock", opt=MODERATE, status_code=200, summary="Lock a free seat")
    async def lock(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        index: Index,
        db_session: AsyncSession,
        data: SeatAction | None = None,
    ) -> SeatOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return seat_out(
            await service.set_locked(
                db_session, row, index, True, caller=request.user, actor=(data or SeatAction()).actor
            )
        )

    @post("/seats/{index:int}/unlock", opt=MODERATE, status_code=200, summary="Unlock a seat")
    async def unlock(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        index: Index,
        db_session: AsyncSession,
        data: SeatAction | None = None,
    ) -> SeatOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return seat_out(
            await service.set_locked(
                db_session, row, index, False, caller=request.user, actor=(data or SeatAction()).actor
            )
        )

    @post("/seat-requests", opt=WRITE, status_code=201, summary="Ask for a seat (optionally a preferred one)")
    async def create_request(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        data: Annotated[SeatRequestCreate, examples.SEAT_REQUEST],
        db_session: AsyncSession,
    ) -> SeatRequestOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return request_out(
            await service.create_request(db_session, row, data.identity, data.seat, caller=request.user)
        )

    @get("/seat-requests", opt=READ, summary="Seat requests (filter by status)")
    async def list_requests(
        self,
        room: str,
        db_session: AsyncSession,
        status: Literal["pending", "approved", "rejected", "cancelled"] | None = None,
    ) -> SeatRequestList:
        row = await room_service.get_room(db_session, room)
        return SeatRequestList(
            items=[request_out(r) for r in await service.list_requests(db_session, row, status)]
        )

    @post(
        "/seat-requests/{request_id:str}/approve",
        opt=MODERATE,
        status_code=200,
        summary="Approve: seat the requester (the requested/preferred seat, or the first free one)",
    )
    async def approve(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        request_id: str,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
        data: SeatRequestDecision | None = None,
    ) -> SeatRequestOut:
        data = data or SeatRequestDecision()
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return request_out(
            await service.approve(
                db_session, livekit, row, request_id, caller=request.user, actor=data.actor, seat=data.seat
            )
        )

    @post("/seat-requests/{request_id:str}/reject", opt=MODERATE, status_code=200, summary="Reject")
    async def reject(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        request_id: str,
        db_session: AsyncSession,
        data: SeatRequestDecision | None = None,
    ) -> SeatRequestOut:
        data = data or SeatRequestDecision()
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return request_out(
            await service.reject(
                db_session, row, request_id, caller=request.user, actor=data.actor, reason=data.reason
            )
        )

    @post(
        "/seat-requests/{request_id:str}/cancel", opt=WRITE, status_code=200, summary="The requester cancels"
    )
    async def cancel(
        self, request: Request[Caller, Any, Any], room: str, request_id: str, db_session: AsyncSession
    ) -> SeatRequestOut:
        row = await room_service.get_open_room(db_session, room, for_update=True)
        return request_out(await service.cancel(db_session, row, request_id, caller=request.user))
