"""The waiting room: a join to a room with ``lobby`` by an identity not yet admitted is a join request.

- :func:`needs_admission` is the rule the join applies (who bypasses the lobby: the owner and admins by
  role, invitation joins, callers with the ``admin`` scope, and identities admitted before);
- :func:`knock` answers such a join: the identity's pending request (repeated joins get the same one,
  held by ``UNIQUE (room_id, identity, pending)``), or a new one, or ``403 join-denied`` while a denial
  holds (``ROOMSVC_JOIN_REQUEST_DENY_COOLDOWN``);
- :func:`admit` and :func:`deny` are moderation (``permissions.authorize``, audited, with events);
- :func:`expire_due` expires unanswered requests (the ``join-request-expiry`` job; a join expires its own
  lazily, and reads show a pending request past ``expires_at`` as ``expired``).

An admission is the ``admitted`` row and lasts for the room's life: the identity's later joins get a token
directly. A ban still wins (the join refuses a banned identity before it looks at the lobby). Each change
sends the ``join_request.*`` notice to the room's owner and admins so their clients can show the knock.
"""

from __future__ import annotations

import datetime as dt
import secrets

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.config import LobbySettings
from roomsvc.db import oldest_first, utcnow
from roomsvc.errors import Conflict, Forbidden, NotFound
from roomsvc.livekit import LiveKitGateway
from roomsvc.lobby.models import LobbyRequest
from roomsvc.moderation import audit, permissions
from roomsvc.notices import service as notices
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import JoinRoom, Room
from roomsvc.rooms.service import RoomAction
from roomsvc.types import Page, iso

log = structlog.get_logger("roomsvc.lobby")


def needs_admission(
    room: Room | JoinRoom, role: str, latest_status: str | None, *, caller: Caller, via_invitation: bool
) -> bool:
    """Whether a join by an identity with ``role`` (and the status of its latest join request, None for
    none) must wait in the lobby."""
    if not room.lobby or via_invitation or caller.is_admin or role in ("owner", "admin"):
        return False
    return latest_status != "admitted"


async def moderators(session: AsyncSession, room: Room) -> list[str]:
    """The identities a knock is shown to: the owner and the room's admins."""
    query = select(Participant.identity).where(Participant.room_id == room.id, Participant.role == "admin")
    return [room.owner, *(i for i in (await session.execute(query)).scalars() if i != room.owner)]


async def _notify(
    session: AsyncSession, gateway: LiveKitGateway, room: Room, kind: str, request: LobbyRequest
) -> None:
    data = {
        "request_id": request.public_id,
        "identity": request.identity,
        "name": request.name,
        "status": request.status,
        "expires_at": iso(request.expires_at),
    }
    await notices.notify(gateway, room, kind, data, identities=await moderators(session, room))


def _decide(request: LobbyRequest, status: str, by: str | None, reason: str = "") -> None:
    request.status, request.pending, request.decided_by = status, None, by
    request.decided_at, request.reason = utcnow(), reason


async def _expire(session: AsyncSession, room: Room, request: LobbyRequest) -> None:
    _decide(request, "expired", permissions.SYSTEM)
    await session.flush()
    params = {"request_id": request.public_id}
    await audit.record(
        session,
        room,
        "join_request_expire",
        permissions.SYSTEM_CALLER,
        None,
        target=request.identity,
        reason="expired",
        params=params,
    )


async def knock(
    session: AsyncSession,
    gateway: LiveKitGateway,
    settings: LobbySettings,
    room: Room,
    identity: str,
    name: str,
    latest: LobbyRequest | None,
    caller: Caller,
) -> LobbyRequest:
    """The join request answering a join that must wait: the pending one, or a new one."""
    now = utcnow()
    if latest is not None and latest.status == "pending":
        if latest.expires_at > now:
            return latest
        # The expiry job may be expiring it at this moment (``expire_due``: SKIP LOCKED, so it never waits
        # on this lock): lock the row and read it again, so that it is expired, audited and notified once.
        await session.refresh(latest, with_for_update=True)
        if latest.status == "pending":
            await _expire(session, room, latest)
    if latest is not None and latest.status == "denied" and latest.decided_at is not None:
        until = latest.decided_at + dt.timedelta(seconds=settings.deny_cooldown)
        if until > now:
            raise Forbidden(
                f"{identity!r} was denied entry to room {room.name!r}; it may ask again after {iso(until)}.",
                code="join-denied",
                denied_until=iso(until),
            )
    request = LobbyRequest(
        public_id="jreq_" + secrets.token_hex(8),
        room_id=room.id,
        identity=identity,
        name=name,
        status="pending",
        pending=True,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.request_ttl),
    )
    try:
        async with session.begin_nested():
            session.add(request)
            await session.flush()
    except IntegrityError:  # a concurrent join of the same identity knocked first: that is the request
        query = select(LobbyRequest).where(
            LobbyRequest.room_id == room.id,
            LobbyRequest.identity == identity,
            LobbyRequest.status == "pending",
        )
        return (await session.execute(query)).scalar_one()
    params = {"request_id": request.public_id, "name": name, "expires_at": iso(request.expires_at)}
    await audit.record(session, room, "join_request", caller, identity, target=identity, params=params)
    await _notify(session, gateway, room, "join_request.created", request)
    return request


async def list_requests(
    session: AsyncSession, room: Room, status: str | None, page: Page
) -> tuple[list[LobbyRequest], str | None]:
    """A page of the room's join requests in the order they were made (a pending one past its expiry
    counts as ``expired``)."""
    query = select(LobbyRequest).where(LobbyRequest.room_id == room.id)
    now = utcnow()
    if status == "pending":
        query = query.where(LobbyRequest.status == "pending", LobbyRequest.expires_at > now)
    elif status == "expired":
        query = query.where(
            (LobbyRequest.status == "expired")
            | ((LobbyRequest.status == "pending") & (LobbyRequest.expires_at <= now))
        )
    elif status:
        query = query.where(LobbyRequest.status == status)
    return await oldest_first(session, query, LobbyRequest.id, page)


async def get_request(
    session: AsyncSession, room: Room, request_id: str, *, for_update: bool = False
) -> LobbyRequest:
    query = select(LobbyRequest).where(LobbyRequest.room_id == room.id, LobbyRequest.public_id == request_id)
    if for_update:
        query = query.with_for_update()
    request = (await session.execute(query)).scalar_one_or_none()
    if request is None:
        raise NotFound(
            f"No join request {request_id!r} in room {room.name!r}.", code="join-request-not-found"
        )
    return request


async def _pending_request(session: AsyncSession, room: Room, request_id: str) -> LobbyRequest:
    request = await get_request(session, room, request_id, for_update=True)
    status = request.status
    if status == "pending" and request.expires_at <= utcnow():
        status = "expired"  # the expiry job records it; nothing is written by a refused decision
    if status != "pending":
        raise Conflict(f"Join request {request_id} was already {status}.", code=f"request-{status}")
    return request


async def admit(act: RoomAction, request_id: str, *, actor: str | None) -> LobbyRequest:
    session, room, caller = act.session, act.room, act.caller
    request = await _pending_request(session, room, request_id)
    actor = await permissions.authorize(
        session, room, caller, actor, target=None, action="admit join requests"
    )
    _decide(request, "admitted", actor or caller.credential_id)
    await session.flush()
    params = {"request_id": request_id}
    await audit.record(
        session, room, "join_request_admit", caller, actor, target=request.identity, params=params
    )
    await _notify(session, act.livekit, room, "join_request.admitted", request)
    log.info("join_request.admitted", room=room.name, identity=request.identity, actor=actor)
    return request


async def deny(act: RoomAction, request_id: str, *, actor: str | None, reason: str) -> LobbyRequest:
    session, room, caller = act.session, act.room, act.caller
    request = await _pending_request(session, room, request_id)
    actor = await permissions.authorize(
        session, room, caller, actor, target=None, action="deny join requests"
    )
    _decide(request, "denied", actor or caller.credential_id, reason)
    await session.flush()
    params = {"request_id": request_id}
    await audit.record(
        session,
        room,
        "join_request_deny",
        caller,
        actor,
        target=request.identity,
        reason=reason,
        params=params,
    )
    await _notify(session, act.livekit, room, "join_request.denied", request)
    return request


async def expire_due(session: AsyncSession, gateway: LiveKitGateway, *, limit: int = 100) -> int:
    """Expire pending requests whose time is up; returns how many (0 tells the scheduler to sleep).

    Room by room, in the API's lock order (the room row, then its requests), skipping what another
    instance or a request in flight holds (``SKIP LOCKED``): each request is expired once.
    """
    now = utcnow()
    due = LobbyRequest.status == "pending", LobbyRequest.expires_at <= now
    room_ids = list(
        (await session.execute(select(LobbyRequest.room_id).where(*due).distinct().limit(limit))).scalars()
    )
    count = 0
    for room_id in room_ids:
        query = select(Room).where(Room.id == room_id).with_for_update(skip_locked=True)
        room = (await session.execute(query)).scalar_one_or_none()
        if room is None:
            continue
        requests = (
            await session.execute(
                select(LobbyRequest)
                .where(LobbyRequest.room_id == room_id, *due)
                .order_by(LobbyRequest.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
        for request in list(requests):
            await _expire(session, room, request)
            if room.is_open:
                await _notify(session, gateway, room, "join_request.expired", request)
            count += 1
    return count
