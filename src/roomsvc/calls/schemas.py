from __future__ import annotations

import datetime as dt

import msgspec


class CallOut(msgspec.Struct):
    id: str
    room: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    duration_seconds: float | None
    peak_participants: int
    repaired: bool


class ParticipantSessionOut(msgspec.Struct):
    identity: str
    sid: str
    name: str
    kind: str
    joined_at: dt.datetime | None
    left_at: dt.datetime | None
    duration_seconds: float | None
    disconnect_reason: str | None
    repaired: bool


class TrackOut(msgspec.Struct):
    sid: str
    participant_sid: str
    identity: str
    kind: str
    source: str
    published_at: dt.datetime | None
    unpublished_at: dt.datetime | None


class CallDetail(CallOut):
    """A call (the fields of :class:`CallOut`) with its participant sessions and tracks."""

    participants: list[ParticipantSessionOut]
    tracks: list[TrackOut]


class CallPage(msgspec.Struct):
    items: list[CallOut]
    next_cursor: str | None
