"""What happens when a track enters ``alert``: the room's policy (applied by ``detection/flows.py``), a data
message to its owner and admins, and a ``detection.alert`` event — in that order, so the message and the
event say what was done.

The data message (topic ``roomsvc.detection``, reliable, sent through LiveKit's server API only to the
owner's and admins' identities) carries the same JSON as the event's ``data``. It has no sender
participant: LiveKit stamps every packet a client publishes with that client's identity, so a message with
no sender can only come from a holder of the LiveKit API secret (roomsvc). Clients must show an alert only
when the sender is absent (livekit-client: ``participant`` undefined and ``participantIdentity`` empty;
Python rtc: ``packet.participant is None``); anyone in the room can publish on this topic
(docs/detection.md, "Genuine alerts")::

    {"type": "detection.alert", "room": "…", "room_sid": "RM_…", "identity": "…",
     "participant_sid": "PA_…", "track_sid": "TR_…", "kind": "audio", "score": 0.97,
     "smoothed_score": 0.95, "state": "alert", "window_start": "…Z", "window_end": "…Z",
     "model": {"id": 1, "name": "audio-baseline", "version": "1"},
     "policy": "mute", "action": "muted", "occurred_at": "…Z"}

``action`` is ``notified`` (policy notify), ``muted``, ``kicked``, or ``refused: <why>`` / ``failed: <why>``
when the policy could not be applied (e.g. the owner cannot be kicked; LiveKit was unreachable). A
failure of the side effects never fails the request that reported the window: the alert is recorded,
and the event says what did not happen.
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.detection.records import Detection, DetectionModel, DetectionTrack, RoomDetection
from roomsvc.detection.schemas import AlertOut
from roomsvc.errors import AppError
from roomsvc.events import service as events
from roomsvc.events.types import EventType
from roomsvc.livekit import LiveKitGateway
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from roomsvc.types import iso

log = structlog.get_logger("roomsvc.detection.alerts")
TOPIC = "roomsvc.detection"
_encoder = msgspec.json.Encoder()


async def admin_identities(session: AsyncSession, room: Room) -> list[str]:
    """The room's owner and its admins, owner first."""
    rows = (
        await session.execute(
            select(Participant.identity)
            .where(Participant.room_id == room.id, Participant.role.in_(("owner", "admin")))
            .order_by(Participant.identity)
        )
    ).scalars()
    return list(dict.fromkeys([room.owner, *rows]))


async def raise_alert(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    run: RoomDetection,
    track: DetectionTrack,
    window: Detection,
    model: DetectionModel,
    *,
    action: str,
) -> AlertOut:
    """The data message to the owner and admins, and the ``detection.alert`` event; ``action`` is what
    the room's policy did (``detection/flows.py`` applies it first)."""
    payload: dict[str, Any] = {
        "type": EventType.DETECTION_ALERT.value,
        "room": room.name,
        "room_sid": window.room_sid,
        "identity": track.identity,
        "participant_sid": track.participant_sid,
        "track_sid": track.track_sid,
        "kind": track.kind,
        "score": round(window.score, 4),
        "smoothed_score": round(window.smoothed_score, 4),
        "state": "alert",
        "window_start": iso(window.window_start),
        "window_end": iso(window.window_end),
        "model": {"id": model.id, "name": model.name, "version": model.version},
        "policy": run.policy,
        "action": action,
        "occurred_at": iso(utcnow()),
    }
    recipients = await admin_identities(session, room)
    notified: list[str] = []
    try:
        await gateway.send_data(
            room.livekit_name, _encoder.encode(payload), topic=TOPIC, destination_identities=recipients
        )
        notified = recipients
    except AppError as exc:
        log.warning("detection.alert_not_sent", room=room.name, code=exc.code)
    await events.emit(
        session,
        EventType.DETECTION_ALERT,
        room=room.name,
        project_id=room.project_id,
        data=payload | {"notified": notified},
    )
    log.warning(
        "detection.alert", room=room.name, identity=track.identity, track=track.track_sid, action=action
    )
    return AlertOut(
        identity=track.identity,
        track_sid=track.track_sid,
        kind=track.kind,  # type: ignore[arg-type]
        score=window.smoothed_score,
        policy=run.policy,  # type: ignore[arg-type]
        action=action,
        notified=notified,
    )
