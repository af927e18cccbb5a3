"""Timed mutes.

``MutePublishedTrack`` can be undone by the client, so a mute removes the sources from the participant's
``can_publish_sources`` instead: LiveKit removes the track and refuses republishing. The mute rows also
shape every later token (``permissions.effective_grants``), and the jobs scheduler lifts them at expiry
(``moderation/jobs.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.dialects.mysql import insert as mysql_insert

from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, NotFound
from roomsvc.moderation import audit, permissions
from roomsvc.moderation.models import Mute
from roomsvc.rooms.service import RoomAction

NAMED_DURATIONS = {"1h": 3600, "24h": 86_400, "permanent": None}


def parse_duration(value: str | int) -> int | None:
    """``1h`` | ``24h`` | ``permanent`` | seconds → seconds (None = permanent)."""
    if isinstance(value, int):
        if value < 1 or value > 365 * 86_400:
            raise BadRequest("`duration` in seconds must be between 1 and 31536000", field="duration")
        return value
    if value in NAMED_DURATIONS:
        return NAMED_DURATIONS[value]
    raise BadRequest("`duration` must be 1h, 24h, permanent or a number of seconds", field="duration")


async def mute(
    act: RoomAction,
    identity: str,
    *,
    sources: Sequence[str],
    duration_seconds: int | None,
    reason: str,
    actor: str | None,
) -> dict[str, dt.datetime | None]:
    """Mute ``sources`` of ``identity`` (None duration: until unmuted); returns the active mutes."""
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    actor = await permissions.authorize(session, room, caller, actor, target=identity, action="mute")
    unknown = [s for s in sources if s not in permissions.SOURCES]
    if unknown or not sources:
        raise BadRequest(f"`sources` must be some of {', '.join(permissions.SOURCES)}", field="sources")
    now = utcnow()
    expires_at = None if duration_seconds is None else now + dt.timedelta(seconds=duration_seconds)
    for source in dict.fromkeys(sources):
        statement = mysql_insert(Mute).values(
            room_id=room.id,
            identity=identity,
            source=source,
            expires_at=expires_at,
            reason=reason,
            actor=actor,
            created_at=now,
        )
        await session.execute(
            statement.on_duplicate_key_update(
                expires_at=expires_at, reason=reason, actor=actor, created_at=now
            )
        )
    connected = await permissions.apply_live(session, gateway, room, identity)
    params = {
        "sources": list(dict.fromkeys(sources)),
        "expires_at": expires_at.isoformat() if expires_at else None,
        "applied_live": connected,
    }
    await audit.record(session, room, "mute", caller, actor, target=identity, reason=reason, params=params)
    return await permissions.active_mutes(session, room.id, identity)


async def unmute(
    act: RoomAction, identity: str, *, sources: Sequence[str] | None, actor: str | None, reason: str = ""
) -> dict[str, dt.datetime | None]:
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    actor = await permissions.authorize(session, room, caller, actor, target=identity, action="unmute")
    query = delete(Mute).where(Mute.room_id == room.id, Mute.identity == identity)
    if sources:
        query = query.where(Mute.source.in_(list(sources)))
    result = await session.execute(query)
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"{identity!r} has no such mute in room {room.name!r}.", code="mute-not-found")
    connected = await permissions.apply_live(session, gateway, room, identity)
    params = {"sources": list(sources or permissions.SOURCES), "applied_live": connected}
    await audit.record(session, room, "unmute", caller, actor, target=identity, reason=reason, params=params)
    return await permissions.active_mutes(session, room.id, identity)
