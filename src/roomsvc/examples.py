"""Request-body examples for the OpenAPI document (shown at /schema), one realistic body per main flow."""

from __future__ import annotations

from typing import Any

from litestar.openapi.spec import Example
from litestar.params import Body, BodyKwarg


def body(summary: str, value: dict[str, Any]) -> BodyKwarg:
    kwarg: BodyKwarg = Body(examples=[Example(summary=summary, value=value)])
    return kwarg


ROOM_CREATE = body(
    "A voice room with a stage of 8 seats given on approval, and forgery detection",
    {
        "name": "standup-42",
        "creator": "alice",
        "call_type": "audio",
        "source_channel_id": "channel-7",
        "source_channel_type": "group",
        "max_participants": 50,
        "metadata": {"topic": "daily standup"},
        "seats": 8,
        "seat_mode": "apply",
        "detection": {"enabled": True, "policy": "notify"},
    },
)
ROOM_UPDATE = body(
    "Change the metadata live and raise the cap", {"metadata": {"topic": "retro"}, "max_participants": 80}
)
JOIN = body(
    "A member joins with a display name and attributes",
    {"identity": "bob", "name": "Bob", "role": "member", "attributes": {"team": "blue"}, "ttl": 600},
)
INVITE = body(
    "Invite two people as audience for a day",
    {"identities": ["carol", "dave"], "role": "audience", "expires_in": 86400},
)
KICK = body("An admin kicks someone for 10 minutes", {"actor": "alice", "reason": "spam", "ban_seconds": 600})
MUTE = body(
    "Mute the microphone for an hour",
    {"actor": "alice", "sources": ["microphone"], "duration": "1h", "reason": "noise"},
)
SEAT_REQUEST = body("Ask for seat 2", {"identity": "erin", "seat": 2})
MESSAGE = body(
    "A JSON message to everyone in the room, reliable",
    {"topic": "chat.system", "json": {"text": "The meeting ends in 5 minutes"}},
)
SUBSCRIBE = body(
    "Receive room and participant events",
    {
        "url": "https://app.example.com/hooks/roomsvc",
        "description": "main backend",
        "event_types": ["room.*", "participant.*"],
    },
)
