from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

GroupBy = Literal["day", "room", "project"]


class UsageFigures(msgspec.Struct):
    """What a stretch of time used. Minutes are rounded to 0.001 (60 ms)."""

    participant_minutes: float
    room_minutes: float
    peak_concurrency: int


class UsageItem(msgspec.Struct):
    """One group's figures: ``day`` is set when grouped by day (a UTC day, clipped to the range at its
    ends), ``room`` when grouped by room; ``project`` whenever the group belongs to one project."""

    day: dt.date | None
    room: str | None
    project: str | None
    participant_minutes: float
    room_minutes: float
    peak_concurrency: int


class UsagePage(msgspec.Struct):
    """A page of groups, and the totals of the whole range (every page carries the same totals; the
    minutes of all pages' items add up to them)."""

    from_: dt.datetime = msgspec.field(name="from")
    to: dt.datetime = msgspec.field()
    group_by: GroupBy = msgspec.field()
    as_of: dt.datetime = msgspec.field()
    totals: UsageFigures = msgspec.field()
    items: list[UsageItem] = msgspec.field()
    next_cursor: str | None = msgspec.field()
