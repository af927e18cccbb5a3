"""Stage seats and seat requests.

Races for a seat are settled by the database, not by the API: a seat is taken with a conditional
``UPDATE seats SET identity = :who WHERE … identity IS NULL AND NOT locked`` (one row changes for exactly
one of two racing requests), and ``UNIQUE (room_id, identity)`` keeps anyone from holding two seats.
Taking a seat grants publish live (microphone, plus camera in video rooms); leaving it, being kicked from
it or leaving the room revokes it (LiveKit then removes the tracks).
"""

from __future__ import annotations

import secrets
from typing import Any

import structlog
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import utcnow
from roomsvc.errors import Conflict, Forbidden, NotFound
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms.models import Room
from roomsvc.seats.models import Seat, SeatRequest

log = structlog.get_logger("roomsvc.seats")

EVENT_OF = {
    "seat_take": "seat.taken",
    "seat_leave": "seat.left",
    "seat_kick": "seat.kicked",
    "seat_lock": "seat.locked",
    "seat_unlock": "seat.unlocked",
    "seat_vacated": "seat.vacated",
    "seat_request": "seat_request.created",
    "seat_request_approve": "seat_request.approved",
    "seat_request_reject": "seat_request.rejected",
    "seat_request_cancel": "seat_request.cancelled",
}


def _moderation() -> Any:
    # moderation.service imports this module; import it lazily the other way round.
    from roomsvc.moderation import service

    return service


async def create_seats(session: AsyncSession, room: Room) -> None:
    if room.seats:
        await session.execute(
            insert(Seat), [{"room_id": room.id, "seat_index": i, "locked": False} for i in range(room.seats)]
        )


async def seat_of(session: AsyncSession, room_id: int, identity: str) -> int | None:
    query = select(Seat.seat_index).where(Seat.room_id == room_id, Seat.identity == identity)
    return (await session.execute(query)).scalar_one_or_none()


async def list_seats(session: AsyncSession, room: Room) -> list[Seat]:
    return list(
        (
            await session.execute(select(Seat).where(Seat.room_id == room.id).order_by(Seat.seat_index))
        ).scalars()
    )


def _ensure_stage(room: Room, index: int | None = None) -> None:
    if not room.has_stage:
        raise Conflict(f"Room {room.name!r} has no stage (seats = 0).", code="no-stage")
    if index is not None and not 0 <= index < room.seats:
        raise NotFound(
            f"Room {room.name!r} has seats 0-{room.seats - 1}; there is no seat {index}.",
            code="seat-not-found",
        )


async def _seat(session: AsyncSession, room: Room, index: int) -> Seat:
    _ensure_stage(room, index)
    query = select(Seat).where(Seat.room_id == room.id, Seat.seat_index == index).with_for_update()
    return (await session.execute(query)).scalar_one()


async def _occupy(session: AsyncSession, room: Room, index: int, identity: str) -> None:
    """The conditional UPDATE that settles races; raises 409 naming why the seat could not be had."""
    if await seat_of(session, room.id, identity) is not None:
        raise Conflict(f"{identity!r} already has a seat.", code="already-seated")
    try:
        result = await session.execute(
            update(Seat)
            .where(
                Seat.room_id == room.id,
                Seat.seat_index == index,
                Seat.identity.is_(None),
                Seat.locked.is_(False),
            )
            .values(identity=identity, updated_at=utcnow())
        )
    except IntegrityError:  # the same identity won another seat concurrently
        raise Conflict(f"{identity!r} already has a seat.", code="already-seated") from None
    if result.rowcount != 1:  # type: ignore[attr-defined]
        seat = (
            await session.execute(select(Seat).where(Seat.room_id == room.id, Seat.seat_index == index))
        ).scalar_one()
        if seat.locked:
            raise Conflict(f"Seat {index} is locked.", code="seat-locked")
        raise Conflict(f"Seat {index} is taken.", code="seat-taken")


async def _free_seat_index(session: AsyncSession, room: Room, preferred: int | None) -> int:
    if preferred is not None:
        _ensure_stage(room, preferred)
        return preferred
    query = (
        select(Seat.seat_index)
        .where(Seat.room_id == room.id, Seat.identity.is_(None), Seat.locked.is_(False))
        .order_by(Seat.seat_index)
        .limit(1)
    )
    index = (await session.execute(query)).scalar_one_or_none()
    if index is None:
        raise Conflict(f"Room {room.name!r} has no free seat.", code="no-free-seat")
    return index


async def _record(
    session: AsyncSession,
    room: Room,
    action: str,
    *,
    caller_id: str,
    actor: str | None,
    target: str | None,
    params: dict[str, Any],
    reason: str = "",
) -> None:
    await _moderation().record(
        session,
        room,
        action,
        caller_id=caller_id,
        actor=actor,
        target=target,
        params=params,
        reason=reason,
        event_type=EVENT_OF[action],
    )


async def take(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    index: int,
    identity: str,
    *,
    caller: Caller,
    actor: str | None,
) -> Seat:
    """Free mode: the identity takes a free seat itself. Either mode: a moderator (actor) places someone."""
    _ensure_stage(room, index)
    moderation = _moderation()
    if actor is not None or room.seat_mode == "apply":
        if actor is None and not caller.is_admin:
            raise Forbidden(
                f"Room {room.name!r} gives seats on approval: send a seat request, or place the identity "
                "as an owner/admin (`actor`).",
                code="seat-approval-required",
            )
        await moderation.authorize(
            session, room, caller, actor, target=None, action="place someone on a seat"
        )
    if await moderation.active_ban(session, room.id, identity) is not None:
        raise Forbidden(f"{identity!r} is banned from this room.", code="identity-banned")
    await _occupy(session, room, index, identity)
    connected = await moderation.apply_live(session, gateway, room, identity)
    await cancel_requests_of(session, room, identity)
    await _record(
        session,
        room,
        "seat_take",
        caller_id=caller.credential_id,
        actor=actor,
        target=identity,
        params={"seat": index, "applied_live": connected},
    )
    return await _seat(session, room, index)


async def leave(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, index: int, identity: str, *, caller: Caller
) -> Seat:
    seat = await _seat(session, room, index)
    if seat.identity != identity:
        raise Conflict(f"{identity!r} does not hold seat {index}.", code="not-seated")
    seat.identity = None
    await session.flush()
    connected = await _moderation().apply_live(session, gateway, room, identity)
    await _record(
        session,
        room,
        "seat_leave",
        caller_id=caller.credential_id,
        actor=identity,
        target=identity,
        params={"seat": index, "applied_live": connected},
    )
    return seat


async def kick_from_seat(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    index: int,
    *,
    caller: Caller,
    actor: str | None,
    reason: str,
) -> Seat:
    seat = await _seat(session, room, index)
    if seat.identity is None:
        raise Conflict(f"Seat {index} is empty.", code="seat-empty")
    occupant = seat.identity
    await _moderation().authorize(session, room, caller, actor, target=occupant, action="remove from a seat")
    seat.identity = None
    await session.flush()
    connected = await _moderation().apply_live(session, gateway, room, occupant)
    await _record(
        session,
        room,
        "seat_kick",
        caller_id=caller.credential_id,
        actor=actor,
        target=occupant,
        params={"seat": index, "applied_live": connected},
        reason=reason,
    )
    return seat


async def set_locked(
    session: AsyncSession, room: Room, index: int, locked: bool, *, caller: Caller, actor: str | None
) -> Seat:
    seat = await _seat(session, room, index)
    await _moderation().authorize(session, room, caller, actor, target=None, action="lock or unlock seats")
    if locked and seat.identity is not None:
        raise Conflict(
            f"Seat {index} is occupied by {seat.identity!r}; remove them first.", code="seat-occupied"
        )
    seat.locked = locked
    await _record(
        session,
        room,
        "seat_lock" if locked else "seat_unlock",
        caller_id=caller.credential_id,
        actor=actor,
        target=None,
        params={"seat": index},
    )
    return seat


async def vacate(
    session: AsyncSession, room: Room, identity: str, *, reason: str, caller_id: str
) -> int | None:
    """Free the identity's seat (kicked, or left the room); returns the seat index it held."""
    index = await seat_of(session, room.id, identity)
    if index is None:
        return None
    await session.execute(
        update(Seat).where(Seat.room_id == room.id, Seat.identity == identity).values(identity=None)
    )
    await _record(
        session,
        room,
        "seat_vacated",
        caller_id=caller_id,
        actor=None,
        target=identity,
        params={"seat": index},
        reason=reason,
    )
    return index


# Requests ------------------------------------------------------------------------------------------
async def create_request(
    session: AsyncSession, room: Room, identity: str, preferred: int | None, *, caller: Caller
) -> SeatRequest:
    _ensure_stage(room, preferred)
    moderation = _moderation()
    if await moderation.active_ban(session, room.id, identity) is not None:
        raise Forbidden(f"{identity!r} is banned from this room.", code="identity-banned")
    if await seat_of(session, room.id, identity) is not None:
        raise Conflict(f"{identity!r} already has a seat.", code="already-seated")
    request = SeatRequest(
        public_id="sreq_" + secrets.token_hex(8),
        room_id=room.id,
        identity=identity,
        preferred_seat=preferred,
        status="pending",
        pending=True,
    )
    session.add(request)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"{identity!r} already has a pending seat request.", code="request-pending") from None
    await _record(
        session,
        room,
        "seat_request",
        caller_id=caller.credential_id,
        actor=identity,
        target=identity,
        params={"request_id": request.public_id, "preferred_seat": preferred},
    )
    return request


async def list_requests(session: AsyncSession, room: Room, status: str | None) -> list[SeatRequest]:
    query = select(SeatRequest).where(SeatRequest.room_id == room.id)
    if status:
        query = query.where(SeatRequest.status == status)
    return list((await session.execute(query.order_by(SeatRequest.id))).scalars())


async def _pending_request(session: AsyncSession, room: Room, request_id: str) -> SeatRequest:
    query = (
        select(SeatRequest)
        .where(SeatRequest.room_id == room.id, SeatRequest.public_id == request_id)
        .with_for_update()
    )
    request = (await session.execute(query)).scalar_one_or_none()
    if request is None:
        raise NotFound(
            f"No seat request {request_id!r} in room {room.name!r}.", code="seat-request-not-found"
        )
    if request.status != "pending":
        raise Conflict(
            f"Seat request {request_id} was already {request.status}.", code=f"request-{request.status}"
        )
    return request


def _decide(request: SeatRequest, status: str, by: str | None, reason: str = "") -> None:
    request.status, request.pending, request.decided_by = status, None, by
    request.decided_at, request.reason = utcnow(), reason


async def approve(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    request_id: str,
    *,
    caller: Caller,
    actor: str | None,
    seat: int | None,
) -> SeatRequest:
    request = await _pending_request(session, room, request_id)
    await _moderation().authorize(session, room, caller, actor, target=None, action="approve seat requests")
    index = await _free_seat_index(session, room, seat if seat is not None else request.preferred_seat)
    await _occupy(session, room, index, request.identity)
    _decide(request, "approved", actor or caller.credential_id)
    request.seat_index = index
    await session.flush()
    connected = await _moderation().apply_live(session, gateway, room, request.identity)
    await _record(
        session,
        room,
        "seat_request_approve",
        caller_id=caller.credential_id,
        actor=actor,
        target=request.identity,
        params={"request_id": request_id, "seat": index, "applied_live": connected},
    )
    return request


async def reject(
    session: AsyncSession, room: Room, request_id: str, *, caller: Caller, actor: str | None, reason: str
) -> SeatRequest:
    request = await _pending_request(session, room, request_id)
    await _moderation().authorize(session, room, caller, actor, target=None, action="reject seat requests")
    _decide(request, "rejected", actor or caller.credential_id, reason)
    await _record(
        session,
        room,
        "seat_request_reject",
        caller_id=caller.credential_id,
        actor=actor,
        target=request.identity,
        params={"request_id": request_id},
        reason=reason,
    )
    return request


async def cancel(session: AsyncSession, room: Room, request_id: str, *, caller: Caller) -> SeatRequest:
    request = await _pending_request(session, room, request_id)
    _decide(request, "cancelled", request.identity)
    await _record(
        session,
        room,
        "seat_request_cancel",
        caller_id=caller.credential_id,
        actor=request.identity,
        target=request.identity,
        params={"request_id": request_id},
    )
    return request


async def cancel_requests_of(session: AsyncSession, room: Room, identity: str) -> None:
    await session.execute(
        update(SeatRequest)
        .where(
            SeatRequest.room_id == room.id, SeatRequest.identity == identity, SeatRequest.status == "pending"
        )
        .values(status="cancelled", pending=None, decided_at=utcnow(), decided_by="system")
    )
