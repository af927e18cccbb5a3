"""The usage report's range: dates and RFC 3339 times, defaults, limits, and the UTC days it touches."""

from __future__ import annotations

import datetime as dt

import pytest

from roomsvc.errors import BadRequest
from roomsvc.usage.ranges import parse_instant, parse_range

NOW = dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", dt.datetime(2026, 12, 1, tzinfo=dt.UTC)),
        ("2026-12-01T09:30:00+01:00", dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)),
        ("2026-12-01t09:30:00z", dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)),
        ("2026-12-01 23:30:00.123456789-02:00", dt.datetime(2026, 12, 2, 1, 30, 0, 123456, tzinfo=dt.UTC)),
    ],
)
def test_instants_are_utc(text: str, expected: dt.datetime) -> None:
    assert parse_instant(text, "from") == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "today",
        "2026-12",
        "2026-12-32",
        "2026-12-01T09:30:00",
        "2026-12-01T25:00:00Z",
        "1969-12-31",
        "9999-01-01",
    ],
)
def test_bad_instants_name_the_field(text: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_instant(text, "to")
    assert raised.value.extra["field"] == "to"


def test_defaults_and_days() -> None:
    window = parse_range(None, None, now=NOW)
    assert (window.start, window.end, window.now) == (NOW - dt.timedelta(days=30), NOW, NOW)
    assert len(window.days()) == 31
    window = parse_range("2026-11-30", "2026-12-02", now=NOW)
    assert window.days() == [dt.date(2026, 11, 30), dt.date(2026, 12, 1)]  # `to` is exclusive
    window = parse_range("2026-11-30T23:00:00Z", "2026-12-01T00:00:01Z", now=NOW)
    assert window.days() == [dt.date(2026, 11, 30), dt.date(2026, 12, 1)]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-12-02", "2026-12-01", "to"),
        ("2026-12-01", "2026-12-01", "to"),
        ("2025-11-30", "2026-12-02", "from"),
        ("2026-12-04", None, "from"),  # after the default `to`, now
    ],
)
def test_bad_ranges_name_the_field(start: str, end: str | None, field: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_range(start, end, now=NOW)
    assert raised.value.extra["field"] == field


def test_a_range_of_366_days_is_allowed() -> None:
    window = parse_range("2024-01-01", "2025-01-01", now=NOW)
    assert (window.end - window.start).days == 366
