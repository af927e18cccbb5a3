"""Invitations to the stage: an owner or admin invites an identity onto a seat, and it accepts or declines.

An invitation is a seat request of kind ``invitation`` (``seat_requests.kind``), so it shares the
request's rules: at most one pending request per identity and room (``UNIQUE (room_id, identity,
pending)``), the same listing, and a seat given by the same conditional UPDATE as a take
(``service._occupy``). The invited identity's app backend answers with ``accept`` or ``decline``; an
owner/admin ``approve`` or ``reject`` is for applications only. A pending invitation expires at
``expires_at`` (the ``seat-invitation-expiry`` job marks it ``expired``; an answer after that moment is
refused even before the job has run).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.errors import Conflict
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit, permissions
from roomsvc.notices import service as notices
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.seats import service
from roomsvc.seats.models import SeatRequest
from roomsvc.types import iso


async def invite(
    act: RoomAction, identity: str, seat: int | None, *, actor: str | None, expires_in: int
) -> SeatRequest:
    """An owner/admin invites ``identity`` onto the stage (``seat``, else the first free one on accept)."""
    session, room, caller = act.session, act.room, act.caller
    service._ensure_stage(room, seat)
    actor = await permissions.authorize(
        session, room, caller, actor, target=identity, action="invite someone onto the stage"
    )
    request = await service.add_request(
        session,
        room,
        identity,
        seat,
        kind="invitation",
        invited_by=actor,
        expires_at=utcnow() + dt.timedelta(seconds=expires_in),
    )
    assert request.expires_at is not None
    expires_at = iso(request.expires_at)
    params = {"request_id": request.public_id, "preferred_seat": seat, "expires_at": expires_at}
    await audit.record(session, room, "seat_invite", caller, actor, target=identity, params=params)
    notice = {"request_id": request.public_id, "seat": seat, "expires_at": expires_at, "actor": actor}
    await notices.notify(act.livekit, room, "seat_request.invited", notice, identities=(identity,))
    return request


async def _pending_invitation(act: RoomAction, request_id: str) -> SeatRequest:
    request = await service._pending_request(act.session, act.room, request_id)
    if request.kind != "invitation":
        raise Conflict(
            f"Seat request {request_id} is an application: an owner or admin approves or rejects it.",
            code="not-an-invitation",
        )
    if request.expires_at is not None and request.expires_at <= utcnow():
        raise Conflict(
            f"The invitation {request_id} expired at {iso(request.expires_at)}.",
            code="request-expired",
        )
    return request


async def accept(act: RoomAction, request_id: str) -> SeatRequest:
    """The invited identity accepts: it takes the invitation's seat, else the first free one."""
    session, room = act.session, act.room
    request = await _pending_invitation(act, request_id)
    identity = request.identity
    await permissions.ensure_not_banned(session, room, identity)
    index = await service._free_seat_index(session, room, request.preferred_seat)
    await service._occupy(session, room, index, identity)
    service._decide(request, "accepted", identity)
    request.seat_index = index
    await session.flush()
    connected = await permissions.apply_live(session, act.livekit, room, identity)
    params = {"request_id": request_id, "seat": index, "applied_live": connected}
    await audit.record(
        session, room, "seat_invite_accept", act.caller, identity, target=identity, params=params
    )
    await _tell_inviter(act.livekit, room, request, "seat_request.accepted", seat=index)
    notice = {"seat": index, "identity": identity, "actor": identity, "request_id": request_id}
    await notices.notify(act.livekit, room, "seat.taken", notice)
    return request


async def decline(act: RoomAction, request_id: str, *, reason: str) -> SeatRequest:
    request = await _pending_invitation(act, request_id)
    identity = request.identity
    service._decide(request, "declined", identity, reason)
    params = {"request_id": request_id}
    await audit.record(
        act.session,
        act.room,
        "seat_invite_decline",
        act.caller,
        identity,
        target=identity,
        reason=reason,
        params=params,
    )
    await _tell_inviter(act.livekit, act.room, request, "seat_request.declined", reason=reason)
    return request


async def _tell_inviter(
    gateway: LiveKitGateway, room: Room, request: SeatRequest, kind: str, **data: object
) -> None:
    if request.invited_by:
        notice = {"request_id": request.public_id, "identity": request.identity, **data}
        await notices.notify(gateway, room, kind, notice, identities=(request.invited_by,))


async def expire_due(session: AsyncSession, gateway: LiveKitGateway, *, batch: int = 100) -> int:
    """Mark pending invitations past ``expires_at`` ``expired`` (audit entry, event, notices).

    The candidates are read without locks; each one is then decided under its room's row lock, taken
    before the request's own (the order every API action takes them in), and only if it is still pending.
    Returns how many expired (0 tells the scheduler to sleep).
    """
    now = utcnow()
    candidates = (
        await session.execute(
            select(SeatRequest.id, SeatRequest.room_id)
            .where(SeatRequest.pending.is_(True), SeatRequest.expires_at <= now)
            .order_by(SeatRequest.id)
            .limit(batch)
        )
    ).all()
    expired = 0
    for request_pk, room_id in candidates:
        room = (await session.execute(select(Room).where(Room.id == room_id).with_for_update())).scalar_one()
        query = (
            select(SeatRequest)
            .where(SeatRequest.id == request_pk, SeatRequest.pending.is_(True))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        request = (await session.execute(query)).scalar_one_or_none()
        if request is None:
            continue
        service._decide(request, "expired", permissions.SYSTEM)
        await audit.record(
            session,
            room,
            "seat_invite_expire",
            permissions.SYSTEM_CALLER,
            None,
            target=request.identity,
            reason="invitation expired",
            params={"request_id": request.public_id},
        )
        if room.is_open:
            notice = {"request_id": request.public_id}
            await notices.notify(
                gateway, room, "seat_request.expired", notice, identities=(request.identity,)
            )
            await _tell_inviter(gateway, room, request, "seat_request.expired")
        expired += 1
    return expired
