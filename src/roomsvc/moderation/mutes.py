"""Timed mutes.

``MutePublishedTrack`` can be undone by the client, so a mute removes the sources from the participant's
``can_publish_sources`` instead: LiveKit removes the track and refuses republishing. The mute rows also
shape every later token (``permissions.effective_grants``), and the jobs scheduler lifts them at expiry
(``moderation/jobs.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import delete
from sqlalchemy.dialects.mysql import insert as mysql_insert

from roomsvc.db import utcnow
from roomsvc.errors import BadRequest, NotFound
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit, permissions
from roomsvc.moderation.models import Mute
from roomsvc.notices import service as notices
from roomsvc.rooms.models import Room
from roomsvc.rooms.service import RoomAction
from roomsvc.types import iso

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
    notice = {
        "identity": identity,
        "sources": params["sources"],
        "expires_at": iso(expires_at),
        "reason": reason,
        "actor": actor,
    }
    if connected:
        await notices.notify(gateway, room, "participant.muted", notice, identities=(identity,))
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
    lifted = list(sources or permissions.SOURCES)
    params = {"sources": lifted, "applied_live": connected}
    await audit.record(session, room, "unmute", caller, actor, target=identity, reason=reason, params=params)
    remaining = await permissions.active_mutes(session, room.id, identity)
    if connected:
        await notify_unmuted(gateway, room, identity, lifted, remaining, reason=reason, actor=actor)
    return remaining


async def notify_unmuted(
    gateway: LiveKitGateway,
    room: Room,
    identity: str,
    sources: Sequence[str],
    remaining: Mapping[str, dt.datetime | None],
    *,
    reason: str,
    actor: str | None,
) -> None:
    """Tell ``identity`` which sources it may publish again (an unmute, or the jobs lifting a mute at
    expiry), and which stay muted until when."""
    notice = {
        "identity": identity,
        "sources": list(sources),
        "still_muted": [{"source": s, "expires_at": iso(at)} for s, at in sorted(remaining.items())],
        "reason": reason,
        "actor": actor,
    }
    await notices.notify(gateway, room, "participant.unmuted", notice, identities=(identity,))
