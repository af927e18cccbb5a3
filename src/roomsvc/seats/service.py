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
from roomsvc.db import oldest_first, utcnow
from roomsvc.errors import Conflict, Forbidden, NotFound
from roomsvc.moderation import audit, permissions
from roomsvc.notices import service as notices
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.seats.models import Seat, SeatRequest
from roomsvc.types import Page

log = structlog.get_logger("roomsvc.seats")


async def create_seats(session: AsyncSession, room: Room) -> None:
    if room.seats:
        await session.execute(
            insert(Seat), [{"room_id": room.id, "seat_index": i, "locked": False} for i in range(room.seats)]
        )


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
    if await permissions.seat_of(session, room.id, identity) is not None:
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


async def take(act: RoomAction, index: int, identity: str, *, actor: str | None) -> Seat:
    """Free mode: the identity takes a free seat itself. Either mode: a moderator (actor) places someone."""
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    _ensure_stage(room, index)
    if actor is not None or room.seat_mode == "apply":
        if actor is None and not caller.is_admin:
            raise Forbidden(
                f"Room {room.name!r} gives seats on approval: send a seat request, or place the identity "
                "as an owner/admin (`actor`).",
                code="seat-approval-required",
            )
        actor = await permissions.authorize(
            session, room, caller, actor, target=None, action="place someone on a seat"
        )
    await permissions.ensure_not_banned(session, room, identity)
    await _occupy(session, room, index, identity)
    connected = await permissions.apply_live(session, gateway, room, identity)
    await cancel_requests_of(session, room, identity)
    params = {"seat": index, "applied_live": connected}
    await audit.record(session, room, "seat_take", caller, actor, target=identity, params=params)
    await notices.notify(gateway, room, "seat.taken", {"seat": index, "identity": identity, "actor": actor})
    return await _seat(session, room, index)


async def leave(act: RoomAction, index: int, identity: str) -> Seat:
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    seat = await _seat(session, room, index)
    if seat.identity != identity:
        raise Conflict(f"{identity!r} does not hold seat {index}.", code="not-seated")
    seat.identity = None
    await session.flush()
    connected = await permissions.apply_live(session, gateway, room, identity)
    params = {"seat": index, "applied_live": connected}
    await audit.record(session, room, "seat_leave", caller, identity, target=identity, params=params)
    await notices.notify(gateway, room, "seat.left", {"seat": index, "identity": identity})
    return seat


async def kick_from_seat(act: RoomAction, index: int, *, actor: str | None, reason: str) -> Seat:
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    seat = await _seat(session, room, index)
    if seat.identity is None:
        raise Conflict(f"Seat {index} is empty.", code="seat-empty")
    occupant = seat.identity
    actor = await permissions.authorize(
        session, room, caller, actor, target=occupant, action="remove from a seat"
    )
    seat.identity = None
    await session.flush()
    connected = await permissions.apply_live(session, gateway, room, occupant)
    params = {"seat": index, "applied_live": connected}
    await audit.record(
        session, room, "seat_kick", caller, actor, target=occupant, reason=reason, params=params
    )
    notice = {"seat": index, "identity": occupant, "actor": actor, "reason": reason}
    await notices.notify(gateway, room, "seat.kicked", notice)
    return seat


async def set_locked(act: RoomAction, index: int, locked: bool, *, actor: str | None) -> Seat:
    session, room, caller = act.session, act.room, act.caller
    seat = await _seat(session, room, index)
    actor = await permissions.authorize(
        session, room, caller, actor, target=None, action="lock or unlock seats"
    )
    if locked and seat.identity is not None:
        raise Conflict(
            f"Seat {index} is occupied by {seat.identity!r}; remove them first.", code="seat-occupied"
        )
    seat.locked = locked
    await audit.record(
        session,
        room,
        "seat_lock" if locked else "seat_unlock",
        caller,
        actor,
        target=None,
        params={"seat": index},
    )
    kind = "seat.locked" if locked else "seat.unlocked"
    await notices.notify(act.livekit, room, kind, {"seat": index, "actor": actor})
    return seat


async def vacate(
    session: AsyncSession, room: Room, identity: str, *, reason: str, caller: Caller
) -> int | None:
    """Free the identity's seat (kicked, or left the room); returns the seat index it held."""
    index = await permissions.seat_of(session, room.id, identity)
    if index is None:
        return None
    await session.execute(
        update(Seat).where(Seat.room_id == room.id, Seat.identity == identity).values(identity=None)
    )
    await audit.record(
        session, room, "seat_vacated", caller, None, target=identity, reason=reason, params={"seat": index}
    )
    return index


# Requests ------------------------------------------------------------------------------------------
async def add_request(
    session: AsyncSession, room: Room, identity: str, preferred: int | None, **extra: Any
) -> SeatRequest:
    """A pending seat request of ``identity`` (an application, or with ``extra`` an invitation): refused
    for a banned or seated identity, and by the unique key while another of its requests is pending."""
    await permissions.ensure_not_banned(session, room, identity)
    if await permissions.seat_of(session, room.id, identity) is not None:
        raise Conflict(f"{identity!r} already has a seat.", code="already-seated")
    request = SeatRequest(
        public_id="sreq_" + secrets.token_hex(8),
        room_id=room.id,
        identity=identity,
        preferred_seat=preferred,
        status="pending",
        pending=True,
        **extra,
    )
    session.add(request)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"{identity!r} already has a pending seat request.", code="request-pending") from None
    return request


async def create_request(act: RoomAction, identity: str, preferred: int | None) -> SeatRequest:
    session, room, caller = act.session, act.room, act.caller
    _ensure_stage(room, preferred)
    request = await add_request(session, room, identity, preferred)
    params = {"request_id": request.public_id, "preferred_seat": preferred}
    await audit.record(session, room, "seat_request", caller, identity, target=identity, params=params)
    return request


async def list_requests(
    session: AsyncSession, room: Room, status: str | None, page: Page
) -> tuple[list[SeatRequest], str | None]:
    """A page of the room's seat requests in the order they were made (the queue's order)."""
    query = select(SeatRequest).where(SeatRequest.room_id == room.id)
    if status:
        query = query.where(SeatRequest.status == status)
    return await oldest_first(session, query, SeatRequest.id, page)


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


def _ensure_application(request: SeatRequest) -> None:
    if request.kind == "invitation":
        raise Conflict(
            f"Seat request {request.public_id} is an invitation: the invited identity accepts or declines "
            "it, and cancelling withdraws it.",
            code="request-is-invitation",
        )


async def approve(act: RoomAction, request_id: str, *, actor: str | None, seat: int | None) -> SeatRequest:
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    request = await _pending_request(session, room, request_id)
    _ensure_application(request)
    actor = await permissions.authorize(
        session, room, caller, actor, target=None, action="approve seat requests"
    )
    index = await _free_seat_index(session, room, seat if seat is not None else request.preferred_seat)
    await _occupy(session, room, index, request.identity)
    _decide(request, "approved", actor or caller.credential_id)
    request.seat_index = index
    await session.flush()
    connected = await permissions.apply_live(session, gateway, room, request.identity)
    params = {"request_id": request_id, "seat": index, "applied_live": connected}
    await audit.record(
        session, room, "seat_request_approve", caller, actor, target=request.identity, params=params
    )
    notice = {"seat": index, "identity": request.identity, "actor": actor, "request_id": request_id}
    await notices.notify(gateway, room, "seat.taken", notice)
    return request


async def reject(act: RoomAction, request_id: str, *, actor: str | None, reason: str) -> SeatRequest:
    session, room, caller = act.session, act.room, act.caller
    request = await _pending_request(session, room, request_id)
    _ensure_application(request)
    actor = await permissions.authorize(
        session, room, caller, actor, target=None, action="reject seat requests"
    )
    _decide(request, "rejected", actor or caller.credential_id, reason)
    await audit.record(
        session,
        room,
        "seat_request_reject",
        caller,
        actor,
        target=request.identity,
        reason=reason,
        params={"request_id": request_id},
    )
    notice = {"request_id": request_id, "identity": request.identity, "actor": actor, "reason": reason}
    await notices.notify(act.livekit, room, "seat_request.rejected", notice, identities=(request.identity,))
    return request


async def cancel(act: RoomAction, request_id: str) -> SeatRequest:
    session, room, caller = act.session, act.room, act.caller
    request = await _pending_request(session, room, request_id)
    # An application is withdrawn by the requester, an invitation by (the backend of) its inviter.
    by = request.invited_by if request.kind == "invitation" else request.identity
    _decide(request, "cancelled", by)
    await audit.record(
        session,
        room,
        "seat_request_cancel",
        caller,
        by,
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
