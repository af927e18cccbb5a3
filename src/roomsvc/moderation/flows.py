"""Moderation actions that span domains: the kick (ban, stage seat, LiveKit removal, audit).

Flows sit one layer above the domain services (Dispatch's ``<domain>/flows.py``): they may call several
domains; no domain service imports a flow.
"""

from __future__ import annotations

import datetime as dt

from roomsvc.db import utcnow
from roomsvc.errors import Forbidden
from roomsvc.moderation import audit, bans, permissions
from roomsvc.moderation.models import Ban
from roomsvc.notices import service as notices
from roomsvc.rooms.service import RoomAction
from roomsvc.seats import service as seat_service
from roomsvc.types import iso


async def kick(
    act: RoomAction,
    identity: str,
    *,
    actor: str | None,
    reason: str,
    ban_seconds: int | None = 600,
    permanent: bool = False,
) -> Ban:
    """Ban ``identity`` (until now + ``ban_seconds``, or for good), free its seat and remove it now."""
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    actor = await permissions.authorize(session, room, caller, actor, target=identity, action="kick")
    if identity == room.owner:
        raise Forbidden(
            "The room's owner cannot be kicked; transfer ownership first.", code="insufficient-rank"
        )
    expires_at = None if permanent or ban_seconds is None else utcnow() + dt.timedelta(seconds=ban_seconds)
    await bans.upsert_ban(session, room, identity, expires_at=expires_at, reason=reason, actor=actor)
    seat = await seat_service.vacate(session, room, identity, reason="kicked", caller=caller)
    await seat_service.cancel_requests_of(session, room, identity)
    # Told first, so that the client can say why it is leaving (notices: "participant.kicked").
    notice = {
        "identity": identity,
        "actor": actor,
        "reason": reason,
        "ban_expires_at": iso(expires_at),
        "permanent": expires_at is None,
    }
    await notices.notify_before_disconnect(
        gateway, room, "participant.kicked", notice, identities=(identity,)
    )
    was_connected = await gateway.remove_participant(room.livekit_name, identity)
    if seat is not None:
        await notices.notify(
            gateway, room, "seat.vacated", {"seat": seat, "identity": identity, "reason": "kicked"}
        )
    params = {
        "ban_expires_at": expires_at.isoformat() if expires_at else None,
        "permanent": expires_at is None,
        "was_connected": was_connected,
        "seat": seat,
    }
    await audit.record(session, room, "kick", caller, actor, target=identity, reason=reason, params=params)
    # The row as written: with ban_seconds 0 it has already expired (a kick without a lasting ban).
    return await bans.ban_row(session, room, identity)
