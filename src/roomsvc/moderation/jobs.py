"""Moderation's background work, run by the jobs scheduler (``roomsvc.scheduler``).

Job bodies take a session; the scheduler owns the transaction, the loop, backoff, logging and metrics.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit, controls, mutes, permissions
from roomsvc.moderation.models import AuditEntry, Mute
from roomsvc.retention import cutoff, purge
from roomsvc.rooms.models import Room


async def expire_mutes(session: AsyncSession, gateway: LiveKitGateway) -> int:
    """Lift mutes whose time is up, room by room in the one lock order every room action follows
    (docs/architecture.md#lock-order): the room's row first, then its expired mutes in id order. A mute
    request locks the room and then upserts its mute rows; taking a mute row before its room here made
    the two deadlock. The room is taken ``SKIP LOCKED``: one held by a request or another instance is
    lifted on a later run.

    Returns how many mute rows were lifted (0 tells the scheduler to sleep).
    """
    now = utcnow()
    due = (Mute.expires_at.is_not(None), Mute.expires_at <= now)
    room_ids = list(
        (
            await session.execute(
                select(Mute.room_id).where(*due).group_by(Mute.room_id).order_by(func.min(Mute.id)).limit(20)
            )
        ).scalars()
    )
    lifted = 0
    for room_id in room_ids:
        query = select(Room).where(Room.id == room_id).with_for_update(skip_locked=True)
        room = (await session.execute(query)).scalar_one_or_none()
        if room is None:
            continue
        rows = list(
            (
                await session.execute(
                    select(Mute)
                    .where(Mute.room_id == room_id, *due)
                    .order_by(Mute.id)
                    .limit(100)
                    .with_for_update()
                )
            ).scalars()
        )
        lifted += await _lift(session, gateway, room, rows)
    return lifted


async def _lift(session: AsyncSession, gateway: LiveKitGateway, room: Room, rows: list[Mute]) -> int:
    """Delete ``rows`` (expired mutes of ``room``, both locked), audit each identity's unmute and push
    its restored permissions to LiveKit."""
    expired: dict[str, list[str]] = {}
    for row in rows:
        expired.setdefault(row.identity, []).append(row.source)
        await session.delete(row)
    await session.flush()
    for identity, sources in expired.items():
        connected = await permissions.apply_live(session, gateway, room, identity) if room.is_open else False
        params = {"sources": sources, "applied_live": connected}
        await audit.record(
            session,
            room,
            "unmute",
            permissions.SYSTEM_CALLER,
            None,
            target=identity,
            reason="mute expired",
            params=params,
        )
        if connected:
            remaining = await permissions.active_mutes(session, room.id, identity)
            await mutes.notify_unmuted(
                gateway, room, identity, sources, remaining, reason="mute expired", actor=None
            )
    return len(rows)


async def expire_room_controls(session: AsyncSession, gateway: LiveKitGateway) -> int:
    """Switch off room-wide controls whose end has come, pushing the restored permissions live; each room
    is claimed once across instances (``SKIP LOCKED`` on its row, the lock every room action takes).

    Returns how many rooms were handled (0 tells the scheduler to sleep).
    """
    rooms = list(
        (
            await session.execute(
                select(Room)
                .where(Room.controls_expire_at.is_not(None), Room.controls_expire_at <= utcnow())
                .order_by(Room.controls_expire_at)
                .limit(20)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    for room in rooms:
        await controls.expire(session, gateway, room)
    return len(rooms)


async def purge_audit(session: AsyncSession, *, days: int, batch: int) -> int:
    """Retention: delete up to ``batch`` audit entries written more than ``days`` days ago."""
    before = cutoff(days)
    if before is None:
        return 0
    return await purge(session, AuditEntry, AuditEntry.created_at, before, batch=batch)
