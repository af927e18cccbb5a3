"""The event catalogue: every event type roomsvc emits, in one ``StrEnum``, and the filters over it.

:func:`roomsvc.events.service.emit` accepts only these members, subscription filters are validated
against them (:func:`unknown_filters`) and matched by :func:`wants`, and docs/events.md documents
exactly them (``tests/unit/test_docs.py`` checks both ways). A member's value is the wire name that
subscribers see in the envelope's ``type``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class EventType(StrEnum):
    # rooms
    ROOM_CREATED = "room.created"
    ROOM_UPDATED = "room.updated"
    ROOM_STARTED = "room.started"
    ROOM_ENDED = "room.ended"
    ROOM_OWNER_CHANGED = "room.owner_changed"
    ROOM_LOCKED = "room.locked"
    ROOM_UNLOCKED = "room.unlocked"
    ROOM_CONTROLS_CHANGED = "room.controls_changed"
    # participants (from LiveKit) and moderation
    PARTICIPANT_JOINED = "participant.joined"
    PARTICIPANT_LEFT = "participant.left"
    PARTICIPANT_KICKED = "participant.kicked"
    PARTICIPANT_BAN_LIFTED = "participant.ban_lifted"
    PARTICIPANT_MUTED = "participant.muted"
    PARTICIPANT_UNMUTED = "participant.unmuted"
    PARTICIPANT_ROLE_CHANGED = "participant.role_changed"
    # tracks
    TRACK_PUBLISHED = "track.published"
    TRACK_UNPUBLISHED = "track.unpublished"
    # stage seats
    SEAT_TAKEN = "seat.taken"
    SEAT_LEFT = "seat.left"
    SEAT_KICKED = "seat.kicked"
    SEAT_LOCKED = "seat.locked"
    SEAT_UNLOCKED = "seat.unlocked"
    SEAT_VACATED = "seat.vacated"
    SEAT_MIC_LOCKED = "seat.mic_locked"
    SEAT_MIC_UNLOCKED = "seat.mic_unlocked"
    SEAT_CAMERA_LOCKED = "seat.camera_locked"
    SEAT_CAMERA_UNLOCKED = "seat.camera_unlocked"
    SEAT_MOVED = "seat.moved"
    SEAT_SWAPPED = "seat.swapped"
    SEAT_REQUEST_CREATED = "seat_request.created"
    SEAT_REQUEST_APPROVED = "seat_request.approved"
    SEAT_REQUEST_REJECTED = "seat_request.rejected"
    SEAT_REQUEST_CANCELLED = "seat_request.cancelled"
    # waiting room (lobby)
    JOIN_REQUEST_CREATED = "join_request.created"
    JOIN_REQUEST_ADMITTED = "join_request.admitted"
    JOIN_REQUEST_DENIED = "join_request.denied"
    JOIN_REQUEST_EXPIRED = "join_request.expired"
    SEAT_REQUEST_INVITED = "seat_request.invited"
    SEAT_REQUEST_ACCEPTED = "seat_request.accepted"
    SEAT_REQUEST_DECLINED = "seat_request.declined"
    SEAT_REQUEST_EXPIRED = "seat_request.expired"
    # egress and ingress (from LiveKit)
    EGRESS_UPDATED = "egress.updated"
    INGRESS_UPDATED = "ingress.updated"
    # detection
    DETECTION_STARTED = "detection.started"
    DETECTION_STATE_CHANGED = "detection.state_changed"
    DETECTION_ALERT = "detection.alert"
    # recordings
    RECORDING_STARTED = "recording.started"
    RECORDING_STOPPED = "recording.stopped"
    RECORDING_READY = "recording.ready"
    RECORDING_FAILED = "recording.failed"
    # agents (dispatched through /v1/rooms/{room}/agents)
    AGENT_DISPATCHED = "agent.dispatched"
    AGENT_REMOVED = "agent.removed"


ALL = "*"
"""The filter entry that matches every event type."""


def prefixes() -> frozenset[str]:
    """The ``<prefix>`` of every member (``room`` for ``room.created``): ``<prefix>.*`` is a valid filter."""
    return frozenset(member.value.split(".", 1)[0] for member in EventType)


def unknown_filters(entries: Iterable[str]) -> list[str]:
    """The subscription filter entries that can match no event type, in the order given.

    A valid entry is ``*``, a member's value, or ``<prefix>.*`` where some member starts with ``<prefix>.``.
    """
    known, known_prefixes = {member.value for member in EventType}, prefixes()
    return [
        entry
        for entry in entries
        if entry != ALL and entry not in known and not (entry.endswith(".*") and entry[:-2] in known_prefixes)
    ]


def wants(filters: str, event_type: str) -> bool:
    """Whether a subscription's stored filter (entries separated by spaces) matches ``event_type``."""
    for entry in filters.split():
        if entry in (ALL, event_type) or (entry.endswith(".*") and event_type.startswith(entry[:-1])):
            return True
    return False
