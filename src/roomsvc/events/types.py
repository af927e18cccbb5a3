"""The event catalogue: every event type roomsvc emits, in one ``StrEnum``.

:func:`roomsvc.events.service.emit` accepts only these members, subscription filters are validated
against them, and docs/events.md documents exactly them (``tests/unit/test_docs.py`` checks both ways).
A member's value is the wire name that subscribers see in the envelope's ``type``.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    # rooms
    ROOM_CREATED = "room.created"
    ROOM_UPDATED = "room.updated"
    ROOM_STARTED = "room.started"
    ROOM_ENDED = "room.ended"
    ROOM_OWNER_CHANGED = "room.owner_changed"
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
    SEAT_REQUEST_CREATED = "seat_request.created"
    SEAT_REQUEST_APPROVED = "seat_request.approved"
    SEAT_REQUEST_REJECTED = "seat_request.rejected"
    SEAT_REQUEST_CANCELLED = "seat_request.cancelled"
    # egress and ingress (from LiveKit)
    EGRESS_UPDATED = "egress.updated"
    INGRESS_UPDATED = "ingress.updated"
    # detection
    DETECTION_STARTED = "detection.started"
    DETECTION_STATE_CHANGED = "detection.state_changed"
    DETECTION_ALERT = "detection.alert"
