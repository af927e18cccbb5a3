"""The audit trail: the catalogue of audited actions, recording one (entry + event), listing them.

A leaf like ``permissions.py``: every moderation and seat action records here, in the caller's
transaction, so a room's audit entry and its event are committed together with the change or not at all.
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.auth import Caller
from roomsvc.db import newest_first
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.moderation.models import AuditEntry
from roomsvc.rooms.models import Room
from roomsvc.types import Page

log = structlog.get_logger("roomsvc.moderation")
_encoder = msgspec.json.Encoder()

# Every audited action (the ``action`` of an audit entry) and the event it emits.
ACTIONS: dict[str, EventType] = {
    "kick": EventType.PARTICIPANT_KICKED,
    "ban_lifted": EventType.PARTICIPANT_BAN_LIFTED,
    "mute": EventType.PARTICIPANT_MUTED,
    "unmute": EventType.PARTICIPANT_UNMUTED,
    "role": EventType.PARTICIPANT_ROLE_CHANGED,
    "owner": EventType.ROOM_OWNER_CHANGED,
    "room_lock": EventType.ROOM_LOCKED,
    "room_unlock": EventType.ROOM_UNLOCKED,
    "controls": EventType.ROOM_CONTROLS_CHANGED,
    "seat_take": EventType.SEAT_TAKEN,
    "seat_leave": EventType.SEAT_LEFT,
    "seat_kick": EventType.SEAT_KICKED,
    "seat_lock": EventType.SEAT_LOCKED,
    "seat_unlock": EventType.SEAT_UNLOCKED,
    "seat_vacated": EventType.SEAT_VACATED,
    "seat_request": EventType.SEAT_REQUEST_CREATED,
    "seat_request_approve": EventType.SEAT_REQUEST_APPROVED,
    "seat_request_reject": EventType.SEAT_REQUEST_REJECTED,
    "seat_request_cancel": EventType.SEAT_REQUEST_CANCELLED,
    "join_request": EventType.JOIN_REQUEST_CREATED,
    "join_request_admit": EventType.JOIN_REQUEST_ADMITTED,
    "join_request_deny": EventType.JOIN_REQUEST_DENIED,
    "join_request_expire": EventType.JOIN_REQUEST_EXPIRED,
    "seat_mic_lock": EventType.SEAT_MIC_LOCKED,
    "seat_mic_unlock": EventType.SEAT_MIC_UNLOCKED,
    "seat_camera_lock": EventType.SEAT_CAMERA_LOCKED,
    "seat_camera_unlock": EventType.SEAT_CAMERA_UNLOCKED,
    "seat_move": EventType.SEAT_MOVED,
    "seat_swap": EventType.SEAT_SWAPPED,
    "seat_invite": EventType.SEAT_REQUEST_INVITED,
    "seat_invite_accept": EventType.SEAT_REQUEST_ACCEPTED,
    "seat_invite_decline": EventType.SEAT_REQUEST_DECLINED,
    "seat_invite_expire": EventType.SEAT_REQUEST_EXPIRED,
}


async def record(
    session: AsyncSession,
    room: Room,
    action: str,
    caller: Caller,
    actor: str | None,
    *,
    target: str | None,
    params: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Audit entry + its event (``ACTIONS[action]``), in the caller's transaction.

    ``caller`` is the credential that called (``permissions.SYSTEM_CALLER`` for automated actions),
    ``actor`` the identity acting for it (None when the caller acts itself). The event's data is
    ``actor``, ``target``, ``params`` and ``reason``.
    """
    caller_id = caller.credential_id
    params = params or {}
    session.add(
        AuditEntry(
            room_id=room.id,
            actor=actor,
            caller=caller_id,
            action=action,
            target=target,
            params=_encoder.encode(params).decode(),
            reason=reason,
        )
    )
    await events.emit(
        session,
        ACTIONS[action],
        room=room.name,
        project_id=room.project_id,
        data={"actor": actor, "target": target, "params": params, "reason": reason},
    )
    log.info(f"moderation.{action}", room=room.name, actor=actor, target=target, caller=caller_id)


async def list_audit(session: AsyncSession, room: Room, page: Page) -> tuple[list[AuditEntry], str | None]:
    query = select(AuditEntry).where(AuditEntry.room_id == room.id)
    return await newest_first(session, query, AuditEntry.id, page)
