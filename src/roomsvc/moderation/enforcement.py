"""Re-asserting the effective permission set on LiveKit: on every connect and every reconciliation pass.

Self-hosted LiveKit does not revoke tokens. A join token minted before a mute, a lost stage seat, a
demotion or an ownership transfer still connects with the permissions it was minted with. So whenever a
participant connects (its ``participant_joined`` webhook) and in every reconciliation pass, roomsvc
compares the permission LiveKit holds for it with the effective one (``permissions.live_grants``: role,
stage seat, active mutes, room flags) and, when they differ, pushes the effective set with
``UpdateParticipant``. That call replaces the whole set; a source taken out of ``can_publish_sources``
makes LiveKit remove that track at once. A banned identity is removed instead (``bans.evict``), and so
is one that connects to a locked room without having been connected when it was locked.

The webhook handler only notes *who* connected (an :class:`Enforcement`); :func:`enforce_all` runs after
the handler's transaction committed, one short transaction per participant holding the room's row lock
— the lock every moderation and seat action takes — so a push never overtakes a newer change made by a
request. A failed LiveKit call is logged and left to the next reconciliation pass (which repeats the
comparison for every live participant).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls.models import ParticipantSession
from roomsvc.errors import AppError
from roomsvc.livekit import LiveKitGateway, Permission
from roomsvc.moderation import bans, permissions
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.moderation")

# What :func:`enforce` did: nothing to do, pushed the effective set, removed a banned identity, found
# the participant gone, or could not reach LiveKit (reconciliation tries again).
OUTCOMES = ("unchanged", "updated", "evicted", "gone", "failed")


@dataclass(frozen=True)
class Enforcement:
    """A participant that connected: check it once the webhook batch has committed.

    ``current`` is LiveKit's permission as the webhook reported it; None when the webhook carried none
    (then :func:`enforce` asks LiveKit with ``GetParticipant``).
    """

    room_id: int
    identity: str
    current: Permission | None = None


async def enforce(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    current: Permission | None,
) -> str:
    """Make LiveKit hold ``identity``'s effective permission set; the caller holds ``room``'s row lock.

    Returns one of :data:`OUTCOMES`. Never raises for LiveKit failures: they are logged as ``failed``.
    """
    if await permissions.active_ban(session, room.id, identity):
        return "evicted" if await bans.evict(gateway, room.livekit_name, identity) else "gone"
    if room.locked_at is not None and not await _connected_at(session, room, identity, room.locked_at):
        # A locked room takes no new joins, whatever token the client holds (one minted before the lock
        # still connects: self-hosted LiveKit does not revoke tokens). Who was connected when it was
        # locked may reconnect.
        return "evicted" if await bans.evict(gateway, room.livekit_name, identity) else "gone"
    grants = await permissions.live_grants(session, room, identity)
    wanted = Permission.of(grants)
    try:
        if current is None:
            live = await gateway.get_participant(room.livekit_name, identity)
            if live is None:
                return "gone"
            current = live.permission
        if current == wanted:
            return "unchanged"
        updated = await gateway.update_participant(room.livekit_name, identity, grants=grants)
    except AppError as exc:
        log.warning("permissions.enforce_failed", room=room.name, identity=identity, error=exc.code)
        return "failed"
    if updated is None:
        return "gone"
    log.info(
        "permissions.enforced",
        room=room.name,
        identity=identity,
        had=current.to_dict(),
        now=wanted.to_dict(),
    )
    return "updated"


async def _connected_at(session: AsyncSession, room: Room, identity: str, at: dt.datetime) -> bool:
    """Whether ``identity`` had a connection to the room open at ``at`` (its session rows)."""
    query = (
        select(ParticipantSession.id)
        .where(
            ParticipantSession.room_id == room.id,
            ParticipantSession.identity == identity,
            ParticipantSession.joined_at <= at,
            or_(ParticipantSession.left_at.is_(None), ParticipantSession.left_at >= at),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def enforce_all(
    session_factory: async_sessionmaker[AsyncSession],
    gateway: LiveKitGateway,
    enforcements: Sequence[Enforcement],
) -> dict[str, int]:
    """Apply the enforcements a committed webhook batch collected; returns a count per outcome.

    The last enforcement of an identity in a room wins (one check per connect is enough: the set is
    recomputed from the database at this moment anyway).
    """
    latest = {(e.room_id, e.identity): e for e in enforcements}
    counts: dict[str, int] = {}
    for enforcement in latest.values():
        async with session_factory() as session, session.begin():
            query = select(Room).where(Room.id == enforcement.room_id).with_for_update()
            room = (await session.execute(query)).scalar_one_or_none()
            if room is None or not room.is_open:
                continue
            outcome = await enforce(session, gateway, room, enforcement.identity, enforcement.current)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
