"""Server → room data messages: roomsvc's own notices (topic ``roomsvc.notice``) and app messages
(``POST /v1/rooms/{room}/messages``).

Every action that changes what a participant may do (kick, mute, role, seat change, room controls, the
room's end) calls :func:`notify` so clients can tell the user ("you were muted for 1 h"). A notice is
best-effort: the action's rows and LiveKit effects are the truth, so a notice that cannot be sent is
logged and never fails the action. docs/api.md ("Notices") documents the body and the table of kinds.

Both go through LiveKit's ``SendData``, so the packet has no sender participant: only a holder of the
LiveKit API secret can send one. Apps may not use topics starting with ``roomsvc.`` (:data:`RESERVED_PREFIX`),
so a sender-less packet on ``roomsvc.notice`` is roomsvc's own.

LiveKit answers ``SendData`` for a room it does not have (an idle room closed by ``empty_timeout``, a
scheduled one not opened yet) only after its 3 s routing timeout, with a 503 that would count as LiveKit
being down (livekit-server v1.13). :func:`deliver` therefore lists the room's participants first (a fast
call that answers an empty list for a missing room) and sends only when someone is there to receive it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import structlog

from roomsvc.db import utcnow
from roomsvc.errors import AppError, BadRequest, Conflict, PayloadTooLarge
from roomsvc.livekit import LiveKitGateway
from roomsvc.notices.schemas import MAX_MESSAGE_BYTES, MessageIn, MessageOut
from roomsvc.rooms.models import Room
from roomsvc.types import iso

log = structlog.get_logger("roomsvc.notices")

TOPIC = "roomsvc.notice"
# Topics roomsvc keeps for itself (``roomsvc.notice``, ``roomsvc.detection``): refused to apps.
RESERVED_PREFIX = "roomsvc."
# RemoveParticipant and DeleteRoom close a connection without flushing the data packets LiveKit has just
# queued for it: without a pause 1 in 10 room-end notices never arrived on loopback, none of 40 with 200 ms.
DISCONNECT_GRACE = 0.2
_encoder = msgspec.json.Encoder()


def notice_body(room: Room, kind: str, data: Mapping[str, Any]) -> bytes:
    """``{"type": kind, "room": <room name>, **data, "sent_at": <RFC 3339>}`` as JSON."""
    body = {"type": kind, "room": room.name, **data, "sent_at": iso(utcnow())}
    return _encoder.encode(body)


async def deliver(
    gateway: LiveKitGateway,
    room: Room,
    payload: bytes,
    *,
    topic: str,
    identities: Sequence[str] = (),
    reliable: bool = True,
) -> list[str]:
    """Send ``payload`` to those of ``identities`` who are connected (everyone connected when empty).

    Returns the identities it went to; an empty list means nobody was there and nothing was sent.
    Raises what the gateway raises.
    """
    connected = list(dict.fromkeys(p.identity for p in await gateway.list_participants(room.livekit_name)))
    if identities:
        present = set(connected)
        recipients = [i for i in dict.fromkeys(identities) if i in present]
    else:
        recipients = connected
    if recipients:
        await gateway.send_data(
            room.livekit_name,
            payload,
            topic=topic,
            destination_identities=recipients if identities else (),
            reliable=reliable,
        )
    return recipients


async def notify(
    gateway: LiveKitGateway,
    room: Room,
    kind: str,
    data: Mapping[str, Any],
    *,
    identities: Sequence[str] = (),
) -> bool:
    """Send notice ``kind`` to ``identities`` (everyone when empty), reliably, on :data:`TOPIC`.

    True when LiveKit took it for at least one connected recipient; False when nobody was there to
    receive it, or it could not be sent (logged; never raises).
    """
    try:
        recipients = await deliver(
            gateway, room, notice_body(room, kind, data), topic=TOPIC, identities=identities
        )
    except AppError as exc:
        log.warning("notice.not_sent", room=room.name, kind=kind, code=exc.code)
        return False
    log.debug("notice.sent", room=room.name, kind=kind, recipients=len(recipients))
    return bool(recipients)


async def notify_before_disconnect(
    gateway: LiveKitGateway,
    room: Room,
    kind: str,
    data: Mapping[str, Any],
    *,
    identities: Sequence[str] = (),
) -> bool:
    """:func:`notify`, then (when it was sent) wait :data:`DISCONNECT_GRACE` so that the packet reaches
    the clients before a RemoveParticipant or DeleteRoom that follows closes their connections."""
    sent = await notify(gateway, room, kind, data, identities=identities)
    if sent:
        await asyncio.sleep(DISCONNECT_GRACE)
    return sent


# App messages: POST /v1/rooms/{room}/messages -------------------------------------------------------
def message_payload(data: MessageIn) -> tuple[bytes, str]:
    """The bytes to send and their format (``json`` or ``text``); 400/413 naming the field."""
    has_json, has_text = data.json is not msgspec.UNSET, data.text is not msgspec.UNSET
    if has_json == has_text:
        raise BadRequest(
            "Give exactly one payload: `json` (any JSON value) or `text` (a string).",
            field="text" if has_json else "json",
        )
    field = "json" if has_json else "text"
    payload = _encoder.encode(data.json) if has_json else str(data.text).encode()
    if len(payload) > MAX_MESSAGE_BYTES:
        raise PayloadTooLarge(
            f"`{field}` is {len(payload)} bytes once encoded; a message carries at most {MAX_MESSAGE_BYTES}.",
            code="message-too-large",
            field=field,
            max_bytes=MAX_MESSAGE_BYTES,
        )
    return payload, field


def check_topic(topic: str) -> None:
    if topic.lower().startswith(RESERVED_PREFIX):
        raise BadRequest(
            f"Topics starting with `{RESERVED_PREFIX}` are roomsvc's own (its notices); pick another topic.",
            code="topic-reserved",
            field="topic",
        )


async def send_message(gateway: LiveKitGateway, room: Room, data: MessageIn) -> MessageOut:
    """Send an app's data message into the open ``room``: what was sent, and to whom."""
    check_topic(data.topic)
    payload, form = message_payload(data)
    if not room.is_open:
        raise Conflict(f"Room {room.name!r} has ended.", code="room-ended")
    identities = data.identities or ()
    recipients = await deliver(
        gateway, room, payload, topic=data.topic, identities=identities, reliable=data.reliable
    )
    log.info(
        "message.sent",
        room=room.name,
        topic=data.topic,
        bytes=len(payload),
        reliable=data.reliable,
        recipients=len(recipients),
    )
    return MessageOut(
        topic=data.topic,
        format=form,  # type: ignore[arg-type]
        bytes=len(payload),
        reliable=data.reliable,
        everyone=not identities,
        recipients=recipients,
        sent_at=utcnow(),
    )
