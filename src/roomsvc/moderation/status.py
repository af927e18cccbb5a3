"""One identity's moderation state in a room: role, ban, mutes and stage seat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.moderation import permissions
from roomsvc.rooms.models import Room


@dataclass(frozen=True)
class ModerationState:
    identity: str
    role: str | None
    ban_expires_at: dt.datetime | None
    is_banned: bool
    mutes: dict[str, dt.datetime | None]
    seat: int | None

    @property
    def mute_expires_at(self) -> dt.datetime | None:
        """When the last mute ends; None while any mute is permanent (or there is none)."""
        expiries = list(self.mutes.values())
        if not expiries or any(e is None for e in expiries):
            return None
        return max(e for e in expiries if e)


async def state_of(session: AsyncSession, room: Room, identity: str) -> ModerationState:
    ban = await permissions.active_ban(session, room.id, identity)
    return ModerationState(
        identity=identity,
        role=await permissions.role_of(session, room, identity),
        is_banned=ban is not None,
        ban_expires_at=ban.expires_at if ban else None,
        mutes=await permissions.active_mutes(session, room.id, identity),
        seat=await permissions.seat_of(session, room.id, identity),
    )
