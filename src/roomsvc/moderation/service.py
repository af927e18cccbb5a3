"""Moderation behaviour used by other domains. Today: the ban check on every join."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.errors import Forbidden
from roomsvc.moderation.models import Ban


async def active_ban(session: AsyncSession, room_id: int, identity: str) -> Ban | None:
    now = utcnow()
    query = select(Ban).where(
        Ban.room_id == room_id,
        Ban.identity == identity,
        or_(Ban.expires_at.is_(None), Ban.expires_at > now),
    )
    return (await session.execute(query)).scalar_one_or_none()


def _expiry_text(expires_at: dt.datetime | None) -> str:
    return "permanently" if expires_at is None else f"until {expires_at.isoformat()}"


async def ensure_not_banned(session: AsyncSession, room_id: int, room_name: str, identity: str) -> None:
    ban = await active_ban(session, room_id, identity)
    if ban is not None:
        raise Forbidden(
            f"{identity!r} is banned from room {room_name!r} {_expiry_text(ban.expires_at)}.",
            code="identity-banned",
            ban_expires_at=ban.expires_at.isoformat() if ban.expires_at else None,
        )
