"""Moderation's background work, run by the jobs scheduler (``roomsvc.scheduler``).

Job bodies take a session; the scheduler owns the transaction, the loop, backoff, logging and metrics.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit, controls, mutes, permissions
from roomsvc.moderation.models import AuditEntry, Mute
from roomsvc.retention import cutoff, purge
from roomsvc.rooms.models import Room


async def expire_mutes(session: AsyncSession, gateway: LiveKitGateway) -> int:
    """Lift mutes whose time is up; each row is claimed once across instances (``SKIP LOCKED``).

    Returns how many mute rows were lifted (0 tells the scheduler to sleep).
    """
    rows = list(
        (
            await session.execute(
                select(Mute)
                .where(Mute.expires_at.is_not(None), Mute.expires_at <= utcnow())
                .order_by(Mute.id)
                .limit(100)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    if not rows:
        return 0
    expired: dict[tuple[int, str], list[str]] = {}
    for row in rows:
        expired.setdefault((row.room_id, row.identity), []).append(row.source)
        await session.delete(row)
    await session.flush()
    for (room_id, identity), sources in expired.items():
        room = (await session.execute(select(Room).where(Room.id == room_id).with_for_update())).scalar_one()
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
