"""Usage figures, aggregated in the database from the call records (``room_sessions``,
``participant_sessions``).

- **Participant-minutes**: the time each participant session (kind ``standard``: people, not agents,
  egress, ingress or SIP) overlaps the range, summed: ``Σ (left_at - joined_at)``, clipped to the range.
- **Room-minutes**: the same for calls (room sessions, ``started_at`` → ``ended_at``): the time a LiveKit
  room was live, whoever was in it. A call whose start was never reported counts from when roomsvc first
  recorded it.
- **Peak concurrency**: the most participant sessions open at one instant, by a sweep over the sessions'
  join (+1) and leave (-1) points in each group (a leave sorts before a join at the same instant, so
  back-to-back sessions are not concurrent). It counts connections: the call records' own
  ``peak_participants`` counts distinct identities per call.

Sessions still open count up to ``now``; a session that crosses midnight (UTC) is split between the days.
Sessions with no recorded join (LiveKit's join webhook lost and never repaired) have no known length and
are not counted, as ``duration_seconds`` is null for them in ``GET /v1/calls/{id}``.

The database does the work: the intervals are clipped, split by day, summed and swept there (a recursive
CTE for the days and a window function for the sweep), and only one row per group of the page comes back,
so memory does not grow with the number of sessions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.mysql import DATETIME
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from roomsvc.calls.models import ParticipantSession, RoomSession
from roomsvc.credentials.models import Project
from roomsvc.rooms import service as room_service
from roomsvc.rooms.models import Room
from roomsvc.types import Page, decode_cursor, encode_cursor
from roomsvc.usage.ranges import UsageRange
from roomsvc.usage.schemas import GroupBy, UsageFigures, UsageItem, UsagePage

_MICROSECONDS_PER_MINUTE = 60_000_000
_ONE_DAY = text("INTERVAL 1 DAY")
# What groups a query: a column of the rooms table, or a constant (one group).
Key = ColumnElement[Any] | InstrumentedAttribute[Any]


def _time(value: dt.datetime) -> ColumnElement[Any]:
    """A bound time as ``CAST(… AS DATETIME(6))`` (naive UTC, as stored): MySQL compares a DATETIME with a
    string parameter as strings, and GREATEST/LEAST would return strings."""
    naive = value.astimezone(dt.UTC).replace(tzinfo=None)
    return cast(literal(naive, DATETIME(fsp=6)), DATETIME(fsp=6))


@dataclass(frozen=True)
class _Bounds:
    """``[start, end)`` and the instant open sessions end at, as SQL expressions."""

    start: ColumnElement[Any]
    end: ColumnElement[Any]
    now: ColumnElement[Any]
    first_day: ColumnElement[Any]

    @classmethod
    def of(cls, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> _Bounds:
        midnight = start.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(_time(start), _time(end), _time(now), _time(midnight))


@dataclass(frozen=True)
class Scope:
    """Whose records count: one project's (or every project's, for a platform caller naming none), and
    one room's only if ``room_id`` is set."""

    project_id: int | None
    room_id: int | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.project_id is not None:
            clauses.append(Room.project_id == self.project_id)
        if self.room_id is not None:
            clauses.append(Room.id == self.room_id)
        return clauses


def _intervals(participants: bool, key: Key, where: list[ColumnElement[bool]], b: _Bounds) -> Select[Any]:
    """Participant sessions (kind ``standard``) or calls that overlap ``[start, end)``, clipped to it, as
    ``(k, s, e)`` keyed by ``key``; open ones end now."""
    if participants:
        table: Any = ParticipantSession
        start: Key = ParticipantSession.joined_at
        end = func.coalesce(ParticipantSession.left_at, b.now)
        where = [*where, ParticipantSession.kind == "standard"]
    else:
        table = RoomSession
        start = func.coalesce(RoomSession.started_at, RoomSession.created_at)
        end = func.coalesce(RoomSession.ended_at, b.now)
    clipped_start = func.greatest(start, b.start)
    return (
        select(key.label("k"), clipped_start.label("s"), func.least(end, b.end).label("e"))
        .select_from(Room)
        .join(table, table.room_id == Room.id)
        .where(*where, start < b.end, end > clipped_start)
    )


def _pieces(participants: bool, key: Key | None, where: list[ColumnElement[bool]], b: _Bounds) -> Any:
    """The intervals as ``pieces (k, s, e)``: split at UTC midnights when ``key`` is None (``k`` is then
    the day's midnight, from a recursive CTE of the days), else keyed by ``key``."""
    if key is not None:
        return _intervals(participants, key, where, b).cte("pieces")
    seed = select(b.first_day.label("d")).cte("days", recursive=True)
    following = func.date_add(seed.c.d, _ONE_DAY)
    days = seed.union_all(select(following).where(following < b.end))
    intervals = _intervals(participants, literal_column("0"), where, b).cte("intervals")
    day_end = func.date_add(days.c.d, _ONE_DAY)
    return (
        select(
            days.c.d.label("k"),
            func.greatest(intervals.c.s, days.c.d).label("s"),
            func.least(intervals.c.e, day_end).label("e"),
        )
        .select_from(intervals)
        .join(days, and_(intervals.c.s < day_end, intervals.c.e > days.c.d))
        .cte("pieces")
    )


def _microseconds(pieces: Any) -> ColumnElement[Any]:
    return func.timestampdiff(text("MICROSECOND"), pieces.c.s, pieces.c.e)


def _participant_query(pieces: Any) -> Select[Any]:
    """Per group: the microseconds of the sessions and the peak of a sweep over their +1 (join) and -1
    (leave) points, a leave before a join at the same instant."""
    points = union_all(
        select(
            pieces.c.k,
            pieces.c.s.label("t"),
            literal_column("1").label("delta"),
            _microseconds(pieces).label("us"),
        ),
        select(pieces.c.k, pieces.c.e, literal_column("-1"), literal_column("0")),
    ).subquery("points")
    running = select(
        points.c.k,
        points.c.us,
        func.sum(points.c.delta)
        .over(partition_by=points.c.k, order_by=(points.c.t, points.c.delta), rows=(None, 0))
        .label("c"),
    ).subquery("running")
    return select(
        running.c.k, func.sum(running.c.us).label("us"), func.max(running.c.c).label("peak")
    ).group_by(running.c.k)


def _call_query(pieces: Any) -> Select[Any]:
    return select(pieces.c.k, func.sum(_microseconds(pieces)).label("us")).group_by(pieces.c.k)


@dataclass
class _Figures:
    microseconds: int = 0
    room_microseconds: int = 0
    peak: int = 0

    def out(self) -> UsageFigures:
        return UsageFigures(
            participant_minutes=_minutes(self.microseconds),
            room_minutes=_minutes(self.room_microseconds),
            peak_concurrency=self.peak,
        )


def _minutes(microseconds: int) -> float:
    return round(microseconds / _MICROSECONDS_PER_MINUTE, 3)


def _day_key(value: Any) -> Any:
    """A day group's key (its midnight, as the driver returns it) as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


async def _aggregate(
    session: AsyncSession,
    scope: Scope,
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    key: Key | None,
    keys: Sequence[int] | None = None,
) -> dict[Any, _Figures]:
    """Figures per group over ``[start, end)``: per UTC day (``key`` None; keyed by date), or per value of
    ``key`` (only those in ``keys`` when given)."""
    bounds = _Bounds.of(start, end, now)
    where = scope.clauses()
    if key is not None and keys is not None:
        where.append(key.in_(list(keys)))
    figures: dict[Any, _Figures] = {}

    def group(k: Any) -> _Figures:
        return figures.setdefault(_day_key(k) if key is None else k, _Figures())

    for row in (await session.execute(_participant_query(_pieces(True, key, where, bounds)))).all():
        found = group(row.k)
        found.microseconds, found.peak = int(row.us or 0), int(row.peak or 0)
    for row in (await session.execute(_call_query(_pieces(False, key, where, bounds)))).all():
        group(row.k).room_microseconds = int(row.us or 0)
    return figures


async def _used_room_ids(
    session: AsyncSession, scope: Scope, window: UsageRange, after: int | None, limit: int
) -> list[int]:
    """Ids of the rooms with a call or a participant session in the range, in id order, after ``after``."""
    bounds = _Bounds.of(window.start, window.end, window.now)
    where = scope.clauses()
    used = union_all(
        _intervals(False, Room.id, where, bounds), _intervals(True, Room.id, where, bounds)
    ).subquery("used")
    query = select(used.c.k).where(used.c.k > (after or 0)).group_by(used.c.k).order_by(used.c.k).limit(limit)
    return [int(k) for k in (await session.execute(query)).scalars()]


def _next(keys: list[int], limit: int) -> tuple[list[int], str | None]:
    return keys[:limit], (encode_cursor(keys[limit - 1]) if len(keys) > limit else None)


async def _by_day(
    session: AsyncSession, scope: Scope, window: UsageRange, page: Page, project: str | None
) -> tuple[list[UsageItem], str | None]:
    after = decode_cursor(page.cursor)
    days = [day for day in window.days() if after is None or day.toordinal() > after]
    shown = days[: page.limit]
    next_cursor = encode_cursor(shown[-1].toordinal()) if len(days) > page.limit else None
    if not shown:
        return [], None
    first = dt.datetime.combine(shown[0], dt.time(), dt.UTC)
    last = dt.datetime.combine(shown[-1], dt.time(), dt.UTC) + dt.timedelta(days=1)
    figures = await _aggregate(
        session, scope, start=max(window.start, first), end=min(window.end, last), now=window.now, key=None
    )
    items = [_item(figures.get(day, _Figures()), day=day, project=project) for day in shown]
    return items, next_cursor


async def _by_room(
    session: AsyncSession, scope: Scope, window: UsageRange, page: Page
) -> tuple[list[UsageItem], str | None]:
    found = await _used_room_ids(session, scope, window, decode_cursor(page.cursor), page.limit + 1)
    ids, next_cursor = _next(found, page.limit)
    if not ids:
        return [], None
    labels = {
        row.id: (row.name, row.public_id)
        for row in (
            await session.execute(
                select(Room.id, Room.name, Project.public_id)
                .join(Project, Project.id == Room.project_id)
                .where(Room.id.in_(ids))
            )
        ).all()
    }
    figures = await _aggregate(
        session, scope, start=window.start, end=window.end, now=window.now, key=Room.id, keys=ids
    )
    items = [
        _item(figures.get(room_id, _Figures()), room=labels[room_id][0], project=labels[room_id][1])
        for room_id in ids
        if room_id in labels
    ]
    return items, next_cursor


async def _by_project(
    session: AsyncSession, scope: Scope, window: UsageRange, page: Page
) -> tuple[list[UsageItem], str | None]:
    after = decode_cursor(page.cursor)
    query = select(Project.id, Project.public_id).order_by(Project.id).limit(page.limit + 1)
    if scope.project_id is not None:
        query = query.where(Project.id == scope.project_id)
    if after is not None:
        query = query.where(Project.id > after)
    projects = dict((await session.execute(query)).tuples().all())
    ids, next_cursor = _next(list(projects), page.limit)
    if not ids:
        return [], None
    figures = await _aggregate(
        session, scope, start=window.start, end=window.end, now=window.now, key=Room.project_id, keys=ids
    )
    return [_item(figures.get(pid, _Figures()), project=projects[pid]) for pid in ids], next_cursor


def _item(
    figures: _Figures, *, day: dt.date | None = None, room: str | None = None, project: str | None = None
) -> UsageItem:
    out = figures.out()
    return UsageItem(
        day=day,
        room=room,
        project=project,
        participant_minutes=out.participant_minutes,
        room_minutes=out.room_minutes,
        peak_concurrency=out.peak_concurrency,
    )


async def _project_label(session: AsyncSession, project_id: int | None) -> str | None:
    if project_id is None:
        return None
    return (await session.execute(select(Project.public_id).where(Project.id == project_id))).scalar_one()


async def usage(
    session: AsyncSession,
    *,
    project_id: int | None,
    window: UsageRange,
    group_by: GroupBy,
    page: Page,
    room: str | None = None,
) -> UsagePage:
    """The usage of ``project_id`` (None: every project) over ``window``, one page of groups and the totals.

    ``room`` narrows it to one room of the project (404 for a room it does not have).
    """
    scope = Scope(project_id)
    if room is not None:
        assert project_id is not None  # the controller asks a platform caller to name the project
        scope = Scope(project_id, (await room_service.get_room(session, project_id, room)).id)
    totals = (
        await _aggregate(
            session, scope, start=window.start, end=window.end, now=window.now, key=literal_column("0")
        )
    ).get(0, _Figures())
    items: Iterable[UsageItem]
    if group_by == "day":
        items, next_cursor = await _by_day(
            session, scope, window, page, await _project_label(session, project_id)
        )
    elif group_by == "room":
        items, next_cursor = await _by_room(session, scope, window, page)
    else:
        items, next_cursor = await _by_project(session, scope, window, page)
    return UsagePage(
        from_=window.start,
        to=window.end,
        group_by=group_by,
        as_of=window.now,
        totals=totals.out(),
        items=list(items),
        next_cursor=next_cursor,
    )
