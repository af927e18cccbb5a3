"""Room-wide media and chat controls: what members and audience may not do, for the whole room.

``PATCH /v1/rooms/{room}/controls`` switches ``audio`` (the microphone), ``video`` (the camera),
``screen_share`` (screen share and its audio) and ``data`` (data messages and chat) off for members and
audience, and on again, each optionally until a time. Owners and admins keep every right.

The switches live on the room row, so the join's one read (``permissions.join_context``) shapes every new
token by them, and ``permissions.grants_for_role`` takes them out of the effective set. A change is
pushed live to every connected member and audience participant (``permissions.apply_live_to_all``),
re-asserted on every connect with an older token (``moderation/enforcement.py``), audited (action
``controls``, event ``room.controls_changed``, in the request's transaction) and announced to the room
(notice ``room.controls_changed``). ``roomsvc jobs`` switches timed controls off at their end
(:func:`expire`, run by ``moderation/jobs.py expire_room_controls``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import utcnow
from roomsvc.errors import BadRequest
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import audit, permissions
from roomsvc.notices import service as notices
from roomsvc.rooms.models import ROOM_CONTROLS, Room
from roomsvc.rooms.service import RoomAction
from roomsvc.types import iso

NOTICE = "room.controls_changed"
MAX_SECONDS = 365 * 86_400


def state(room: Room) -> dict[str, Any]:
    """The four controls as in force now (the event's and the notice's ``controls``)."""
    active = room.active_controls()
    values: dict[str, Any] = {}
    for control in ROOM_CONTROLS:
        values[f"{control}_disabled"] = control in active
        values[f"{control}_disabled_until"] = (
            iso(getattr(room, f"{control}_disabled_until")) if control in active else None
        )
    return values


def end_of(
    *, duration: int | None, until: dt.datetime | None, now: dt.datetime | None = None
) -> dt.datetime | None:
    """``duration`` seconds or ``until`` → when the controls switched on end (None: until switched off)."""
    now = now or utcnow()
    if duration is not None and until is not None:
        raise BadRequest("Give `duration` or `until`, not both.", field="until")
    if duration is not None:
        if not 1 <= duration <= MAX_SECONDS:
            raise BadRequest(f"`duration` must be 1 to {MAX_SECONDS} seconds.", field="duration")
        return now + dt.timedelta(seconds=duration)
    if until is None:
        return None
    if until.tzinfo is None:
        raise BadRequest("`until` needs a time zone offset, e.g. 2026-01-01T00:00:00Z", field="until")
    if until <= now:
        raise BadRequest("`until` must be in the future.", field="until")
    if until > now + dt.timedelta(seconds=MAX_SECONDS):
        raise BadRequest("`until` must be within a year.", field="until")
    return until.astimezone(dt.UTC)


def _earliest_end(room: Room) -> dt.datetime | None:
    ends = [
        getattr(room, f"{c}_disabled_until")
        for c in ROOM_CONTROLS
        if getattr(room, f"{c}_disabled") and getattr(room, f"{c}_disabled_until") is not None
    ]
    return min(ends, default=None)


async def set_controls(
    act: RoomAction,
    switches: Mapping[str, bool],
    *,
    duration: int | None = None,
    until: dt.datetime | None = None,
    actor: str | None,
    reason: str = "",
) -> Room:
    """Switch controls on (True) or off (False); ``duration``/``until`` time the ones switched on.

    A request that changes nothing (no switch, or the same switches and ends) is answered without an audit
    entry, event, notice or LiveKit call.
    """
    session, gateway, room, caller = act.session, act.livekit, act.room, act.caller
    actor = await permissions.authorize(
        session, room, caller, actor, target=None, action="change the room's controls"
    )
    unknown = [c for c in switches if c not in ROOM_CONTROLS]
    if unknown:
        raise BadRequest(f"Unknown control {unknown[0]!r}.", field=f"{unknown[0]}_disabled")
    ends = end_of(duration=duration, until=until)
    if ends is not None and not any(switches.values()):
        field = "duration" if duration is not None else "until"
        raise BadRequest(
            f"`{field}` times the controls switched on; this request switches none on.", field=field
        )
    before = room.active_controls()
    changed: list[str] = []
    for control in (c for c in ROOM_CONTROLS if c in switches):
        disabled = switches[control]
        new = (disabled, ends if disabled else None)
        old = (control in before, getattr(room, f"{control}_disabled_until") if control in before else None)
        if new != old:
            changed.append(control)
        setattr(room, f"{control}_disabled", disabled)
        setattr(room, f"{control}_disabled_until", new[1])
    if not changed:
        return room
    room.controls_expire_at = _earliest_end(room)
    await session.flush()
    await _apply(session, gateway, room, caller, actor, changed, reason=reason)
    return room


async def expire(session: AsyncSession, gateway: LiveKitGateway, room: Room) -> list[str]:
    """Switch off ``room``'s controls whose end has come (the caller holds the row lock); returns them."""
    now = utcnow()
    ended = [
        c
        for c in ROOM_CONTROLS
        if getattr(room, f"{c}_disabled")
        and (end := getattr(room, f"{c}_disabled_until")) is not None
        and end <= now
    ]
    for control in ended:
        setattr(room, f"{control}_disabled", False)
        setattr(room, f"{control}_disabled_until", None)
    room.controls_expire_at = _earliest_end(room)
    await session.flush()
    if ended:
        await _apply(
            session, gateway, room, permissions.SYSTEM_CALLER, None, ended, reason="controls expired"
        )
    return ended


async def _apply(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    caller: Caller,
    actor: str | None,
    changed: list[str],
    *,
    reason: str,
) -> None:
    """Push the change live (open rooms), audit it with its event, and tell the room."""
    pushed = await permissions.apply_live_to_all(session, gateway, room) if room.is_open else []
    controls = state(room)
    params = {"changed": changed, "controls": controls, "applied_live": len(pushed)}
    await audit.record(session, room, "controls", caller, actor, target=None, reason=reason, params=params)
    if room.is_open:
        await notices.notify(
            gateway,
            room,
            NOTICE,
            {"changed": changed, "controls": controls, "actor": actor, "reason": reason},
        )
