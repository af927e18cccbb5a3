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


class CallTrackOut(msgspec.Struct):
    sid: str
    participant_sid: str
    identity: str
    kind: str
    source: str
    published_at: dt.datetime | None
    unpublished_at: dt.datetime | None


class CallDetail(CallOut):
    """A call (the fields of :class:`CallOut`) with its first participant sessions and tracks (at most
    ``calls.service.DETAIL_CAP`` of each, in the order they were recorded); the ``*_next_cursor`` fields,
    when set, continue them through ``/v1/calls/{call_id}/participants`` and ``…/tracks``."""

    participants: list[ParticipantSessionOut]
    tracks: list[CallTrackOut]
    participants_next_cursor: str | None = None
    tracks_next_cursor: str | None = None


class ParticipantSessionPage(msgspec.Struct):
    items: list[ParticipantSessionOut]
    next_cursor: str | None


class TrackPage(msgspec.Struct):
    items: list[CallTrackOut]
    next_cursor: str | None


class CallPage(msgspec.Struct):
    items: list[CallOut]
    next_cursor: str | None
