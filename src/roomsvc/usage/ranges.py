"""The range a usage report covers: ``from`` and ``to`` as the caller wrote them, checked and made UTC.

Each bound is a date (``2026-12-01``: midnight UTC starting that day) or an RFC 3339 time with its offset
(``2026-12-01T09:30:00+01:00``). The range is half-open, ``[from, to)``: ``to=2026-12-08`` ends as
7 December ends. ``to`` defaults to now and ``from`` to 30 days before ``to``; ``from`` must be before
``to`` and at most :data:`MAX_RANGE_DAYS` days before it. Anything else is 400 naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from roomsvc.errors import BadRequest
from roomsvc.types import require_aware

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30
# DATETIME holds years 1000-9999; a usage range is for records roomsvc could have written.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class UsageRange:
    """The half-open range ``[start, end)`` in UTC, and the instant open sessions count up to."""

    start: dt.datetime
    end: dt.datetime
    now: dt.datetime

    def days(self) -> list[dt.date]:
        """The UTC days the range touches, in order."""
        first, last = self.start.date(), (self.end - dt.timedelta(microseconds=1)).date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def parse_instant(value: str, field: str) -> dt.datetime:
    """A date (midnight UTC) or an RFC 3339 time with its offset, as an aware UTC datetime."""
    text = value.strip()
    example = "a date like 2026-12-01 or a time like 2026-12-01T00:00:00Z"
    try:
        if _DATE.fullmatch(text):
            parsed = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)
        elif _TIME.fullmatch(text):
            fraction = re.search(r"\.(\d+)", text)
            if fraction and len(fraction.group(1)) > 6:  # fromisoformat takes microseconds at most
                text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
            parsed = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        else:
            raise ValueError(text)
    except ValueError:
        raise BadRequest(f"`{field}` must be {example}", field=field) from None
    parsed = require_aware(parsed, field).astimezone(dt.UTC)
    if not EARLIEST <= parsed <= LATEST:
        raise BadRequest(f"`{field}` must be between 1970-01-01 and 9998-12-31", field=field)
    return parsed


def parse_range(from_: str | None, to: str | None, *, now: dt.datetime) -> UsageRange:
    given = parse_instant(from_, "from") if from_ is not None else None
    end = parse_instant(to, "to") if to is not None else now
    start = given if given is not None else end - dt.timedelta(days=DEFAULT_RANGE_DAYS)
    if start >= end:
        raise BadRequest("`to` must be after `from`", field="to" if to is not None else "from")
    if end - start > dt.timedelta(days=MAX_RANGE_DAYS):
        raise BadRequest(
            f"the range is longer than {MAX_RANGE_DAYS} days: `from` must be at most {MAX_RANGE_DAYS} days "
            "before `to`",
            field="from",
        )
    return UsageRange(start=start, end=end, now=now)
