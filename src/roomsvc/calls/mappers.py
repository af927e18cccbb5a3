"""Call records → API responses (the one place calls are shaped for the outside)."""

from __future__ import annotations

import datetime as dt

from roomsvc.calls.models import RoomSession
from roomsvc.calls.schemas import CallOut
from roomsvc.types import to_struct


def duration(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    return round((end - start).total_seconds(), 3) if start and end else None


def call_out(rs: RoomSession) -> CallOut:
    return to_struct(
        CallOut, rs, id=rs.sid, room=rs.room_name, duration_seconds=duration(rs.started_at, rs.ended_at)
    )
