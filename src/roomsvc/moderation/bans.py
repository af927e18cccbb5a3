"""Re-entry bans: the ban rows, listing and lifting them.

``RemoveParticipant`` does not revoke tokens on self-hosted LiveKit, so the ban row is what holds: joins
through the API are refused while it lasts (``permissions.join_context``), and a banned identity that
reconnects with an older token is removed when its ``participant_joined`` webhook is applied or, if that
webhook is lost, by reconciliation. The kick itself (ban + seat + removal + audit) is a flow:
``moderation/flows.py``.
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import or_, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import utcnow
from roomsvc.errors import AppError, NotFound
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit, permissions
from roomsvc.moderation.models import Ban
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.moderation")


async def upsert_ban(
    session: AsyncSession,
    room: Room,
    identity: str,
    *,
    expires_at: dt.datetime | None,
    reason: str,
    actor: str | None,
) -> None:
    """Ban ``identity`` until ``expires_at`` (None: for good); a repeated ban replaces the previous one."""
    now = utcnow()
    statement = mysql_insert(Ban).values(
        room_id=room.id, identity=identity, expires_at=expires_at, reason=reason, actor=actor, created_at=now
    )
    await session.execute(
        statement.on_duplicate_key_update(
            expires_at=expires_at, reason=reason, actor=actor, created_at=now, lifted_at=None, lifted_by=None
        )
    )


async def evict(gateway: LiveKitGateway, room_name: str, identity: str) -> bool:
    """Remove a banned identity that got back in with an older token (self-hosted LiveKit does not revoke
    tokens). True when it was connected and is now removed. A failure is logged, not raised: the next
    reconciliation pass tries again."""
    try:
        removed = await gateway.remove_participant(room_name, identity)
    except AppError as exc:
        log.warning("moderation.eviction_failed", room=room_name, identity=identity, error=exc.code)
        return False
    if removed:
        log.warning("moderation.evicted_banned", room=room_name, identity=identity)
    return removed


async def ban_row(session: AsyncSession, room: Room, identity: str) -> Ban:
    """The identity's ban row in the room, active or not (one per identity and room)."""
    query = select(Ban).where(Ban.room_id == room.id, Ban.identity == identity)
    return (await session.execute(query)).scalar_one()


async def list_bans(session: AsyncSession, room: Room) -> list[Ban]:
    query = (
        select(Ban)
        .where(
            Ban.room_id == room.id,
            Ban.lifted_at.is_(None),
            or_(Ban.expires_at.is_(None), Ban.expires_at > utcnow()),
        )
        .order_by(Ban.id)
    )
    return list((await session.execute(query)).scalars())


async def lift_ban(
    session: AsyncSession, room: Room, identity: str, *, caller: Caller, actor: str | None, reason: str = ""
) -> Ban:
    actor = await permissions.authorize(session, room, caller, actor, target=None, action="lift bans")
    ban = await permissions.active_ban(session, room.id, identity)
    if ban is None:
        raise NotFound(f"{identity!r} is not banned from room {room.name!r}.", code="ban-not-found")
    ban.lifted_at, ban.lifted_by = utcnow(), actor or caller.credential_id
    await audit.record(session, room, "ban_lifted", caller, actor, target=identity, reason=reason)
    return ban
