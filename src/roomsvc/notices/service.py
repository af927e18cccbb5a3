"""roomsvc's own notices into a room, on the documented ``roomsvc.notice`` data topic.

Every action that changes what a participant may do (kick, mute, seat change, room controls, the room's
end) calls :func:`notify` so clients can tell the user ("you were muted for 1 h"). A notice is
best-effort: the action's rows and LiveKit effects are the truth, so a notice that cannot be sent is
logged and never fails the action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import structlog

from roomsvc.db import utcnow
from roomsvc.errors import AppError
from roomsvc.livekit import LiveKitGateway
from roomsvc.rooms.models import Room

log = structlog.get_logger("roomsvc.notices")

TOPIC = "roomsvc.notice"
_encoder = msgspec.json.Encoder()


def notice_body(room: Room, kind: str, data: Mapping[str, Any]) -> bytes:
    """``{"type": kind, "room": <room name>, **data, "sent_at": <RFC 3339>}`` as JSON."""
    body = {"type": kind, "room": room.name, **data, "sent_at": utcnow().isoformat().replace("+00:00", "Z")}
    return _encoder.encode(body)


async def notify(
    gateway: LiveKitGateway,
    room: Room,
    kind: str,
    data: Mapping[str, Any],
    *,
    identities: Sequence[str] = (),
) -> bool:
    """Send notice ``kind`` to ``identities`` (everyone when empty); False when it could not be sent."""
    try:
        await gateway.send_data(
            room.livekit_name, notice_body(room, kind, data), topic=TOPIC, destination_identities=identities
        )
    except AppError as exc:
        log.warning("notice.not_sent", room=room.name, kind=kind, code=exc.code)
        return False
    return True
