"""Per-batch state for :mod:`roomsvc.calls.recorder`: what the webhook applier's batch reads once.

The recorder's functions take an optional :class:`Batch`. Without one (reconciliation, a single event, the
one-by-one retry of a failed batch) every read is a query, as it always was. With one, the rows a batch
needs are read up front in one query each (:meth:`Batch.load`) and the per-event reads are answered from
memory; writes whose ids nothing needs until the end are left to one flush (:meth:`Batch.finish`), and
the changes to rows it read are written with one UPDATE per table and set of columns.

Every answer from memory is exact, not a guess: the batch holds every row the query would have found.

* ``room_sessions``, ``participants``, ``tracks``: by LiveKit sid, for every sid the batch's events name
  (a sid absent here is absent from the database too; the rows the batch creates are added). The room
  sessions its events would create are created by :meth:`Batch.load` itself, in the order of their first
  event: one multi-row ``INSERT IGNORE`` and one SELECT (``Wanted.room_session_rooms``).
* ``sessions``: every participant session of each (room, identity) the batch's events name, for the
  membership row (``recorder._derive``).
* ``present``: per room, every participant session that is open or left at or after ``present_since``
  (a second before the batch's earliest join), plus every session the batch touched. A session outside
  it was closed before ``present_since`` and is not changed by the batch, so it counts neither for "is
  anyone present" nor for the number present at any of the batch's joins (``recorder._present_at``).
* ``seated``: the identities holding a seat in each room (only the applier frees seats here).

The caller holds the rooms' row locks, so nothing else changes these rows during the batch.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Select, Table, or_, select, union
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.db import utcnow, write_modified
from roomsvc.events import service as events
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from roomsvc.seats.models import Seat

MEMBERSHIP_UPDATES = ("state", "livekit_sid", "joined_at", "left_at", "updated_at")
# The rows a batch changes many of (a session left, a track unpublished, a peak raised, a claimed room
# made active): written with one UPDATE per table and set of columns instead of one per row
WRITTEN_TOGETHER = (RoomSession, ParticipantSession, Track, Room)
# Executed with a list of rows (executemany): one statement compiled once, which the driver sends as one
# multi-row INSERT (aiomysql rewrites an executemany of INSERT … VALUES, ON DUPLICATE KEY UPDATE included).
_INSERT_ROOM_SESSIONS = mysql_insert(cast(Table, RoomSession.__table__)).prefix_with("IGNORE")
_membership = mysql_insert(cast(Table, Participant.__table__))
_UPSERT_MEMBERSHIPS = _membership.on_duplicate_key_update(
    {name: _membership.inserted[name] for name in MEMBERSHIP_UPDATES}
)


async def flush(session: AsyncSession) -> None:
    """The recorder's flush: the changed rows of :data:`WRITTEN_TOGETHER` with one UPDATE per table and
    set of columns (``db.write_modified``), then the unit of work for the rest (new rows, other tables).
    A batch's recomputed peak flushes mid-batch; the unit of work alone would send an UPDATE per row."""
    await write_modified(session, WRITTEN_TOGETHER)
    await session.flush()


async def peaks(
    session: AsyncSession, room_session_ids: list[int]
) -> dict[int, tuple[int, dt.datetime | None]]:
    """Each room session's peak — most distinct identities connected at once, from the session intervals
    (order-independent) — and the latest join it counted, from every standard session (one query).

    Leave times come from webhooks' whole-second ``createdAt``, so a session counts as present until the
    end of the second it left in; joins at the same instant count before leaves. The caller has flushed.
    """
    rows = (
        await session.execute(
            select(
                ParticipantSession.room_session_id,
                ParticipantSession.identity,
                ParticipantSession.joined_at,
                ParticipantSession.left_at,
            ).where(
                ParticipantSession.room_session_id.in_(room_session_ids),
                ParticipantSession.kind == "standard",
                ParticipantSession.joined_at.is_not(None),
            )
        )
    ).all()
    points: dict[int, list[tuple[dt.datetime, int, str]]] = {rs_id: [] for rs_id in room_session_ids}
    latest: dict[int, dt.datetime | None] = dict.fromkeys(room_session_ids)
    for rs_id, identity, joined, left in rows:
        assert joined is not None  # filtered in the query
        points[rs_id].append((joined, 0, identity))
        if left is not None:
            points[rs_id].append(
                (max(left, joined).replace(microsecond=0) + dt.timedelta(seconds=1), 1, identity)
            )
        seen = latest[rs_id]
        latest[rs_id] = joined if seen is None or joined > seen else seen
    out: dict[int, tuple[int, dt.datetime | None]] = {}
    for rs_id, timeline in points.items():
        timeline.sort()
        present: dict[str, int] = {}
        peak = 0
        for _, leaving, identity in timeline:
            present[identity] = present.get(identity, 0) + (-1 if leaving else 1)
            if present[identity] <= 0:
                present.pop(identity)
            peak = max(peak, len(present))
        out[rs_id] = (peak, latest[rs_id])
    return out


@dataclass
class Wanted:
    """What a batch's events name, collected before it is applied (``webhooks/handlers.py wanted``)."""

    room_ids: set[int] = field(default_factory=set)
    room_sids: set[str] = field(default_factory=set)
    participant_sids: set[str] = field(default_factory=set)
    identities: set[tuple[int, str]] = field(default_factory=set)
    track_sids: set[str] = field(default_factory=set)
    earliest_join: dt.datetime | None = None
    joined_rooms: set[int] = field(default_factory=set)  # rooms a standard participant joins
    # room sid → (room id, room name), for the events that get or create their room session, in the
    # order of their first event (the order the one-by-one path would create them in)
    room_session_rooms: dict[str, tuple[int, str]] = field(default_factory=dict)

    def room_session_of(self, sid: str, room: Room) -> None:
        self.room_session_rooms.setdefault(sid, (room.id, room.name))

    def join_at(self, at: dt.datetime) -> None:
        if self.earliest_join is None or at < self.earliest_join:
            self.earliest_join = at


@dataclass
class Batch:
    """The rows one batch reads, loaded once (module docstring), and the writes it defers."""

    outbox: events.Outbox = field(default_factory=events.Outbox)
    room_sessions: dict[str, RoomSession | None] = field(default_factory=dict)
    participants: dict[str, ParticipantSession | None] = field(default_factory=dict)
    tracks: dict[str, Track | None] = field(default_factory=dict)
    sessions: dict[tuple[int, str], list[ParticipantSession]] = field(default_factory=dict)
    present: dict[int, dict[int, ParticipantSession]] = field(default_factory=dict)  # room id → by id()
    present_since: dt.datetime | None = None
    seated: dict[int, set[str]] = field(default_factory=dict)
    memberships: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    done: set[tuple[Any, ...]] = field(default_factory=set)
    # room sessions whose peak a fact made stale (``recorder._recompute_peak``): recomputed from every
    # session once, by :meth:`finish`, instead of after each such fact; their joins are not counted
    # one by one meanwhile (the recomputation counts them)
    recompute: dict[int, RoomSession] = field(default_factory=dict)
    # the per-room work of a join read for all the batch's joined rooms at once (``webhooks/handlers.py
    # prepare``): room id → its detection row (``detection.records.RoomDetection``)
    detection_runs: dict[int, Any] | None = None
    _order: itertools.count[int] = field(default_factory=itertools.count)
    created: dict[int, int] = field(default_factory=dict)  # id() of a session not flushed yet → order

    @classmethod
    async def load(cls, session: AsyncSession, wanted: Wanted) -> Batch:
        """Read what the batch's events need, one query per kind of row."""
        batch = cls()
        batch.outbox.attach(session)
        if wanted.room_sids:
            batch.room_sessions = dict.fromkeys(wanted.room_sids)
            by_sid = select(RoomSession).where(RoomSession.sid.in_(sorted(wanted.room_sids)))
            for rs in (await session.execute(by_sid)).scalars():
                batch.room_sessions[rs.sid] = rs
            await batch._create_room_sessions(session, wanted)
        # The participant sessions, one query: those possibly present in the batch's joined rooms, those of
        # the identities it names, and those of the sids it names (a UNION: each part keeps its index).
        parts: list[Select[Any]] = []
        rooms = sorted(wanted.room_ids)
        if rooms:
            batch.present = {room_id: {} for room_id in rooms}
            batch.seated = {room_id: set() for room_id in rooms}
            if wanted.earliest_join is not None:
                batch.present_since = wanted.earliest_join.replace(microsecond=0) - dt.timedelta(seconds=1)
            gone = (
                ParticipantSession.left_at >= batch.present_since
                if batch.present_since is not None
                else ParticipantSession.left_at.is_(None)
            )
            parts.append(
                select(ParticipantSession).where(
                    ParticipantSession.room_id.in_(rooms), or_(ParticipantSession.left_at.is_(None), gone)
                )
            )
        if wanted.identities:
            batch.sessions = {key: [] for key in wanted.identities}
            parts.append(
                select(ParticipantSession).where(
                    ParticipantSession.room_id.in_(sorted({room_id for room_id, _ in wanted.identities})),
                    ParticipantSession.identity.in_(sorted({identity for _, identity in wanted.identities})),
                )
            )
        if wanted.participant_sids:
            batch.participants.update(dict.fromkeys(wanted.participant_sids))
            parts.append(
                select(ParticipantSession).where(ParticipantSession.sid.in_(sorted(wanted.participant_sids)))
            )
        if parts:
            query = parts[0] if len(parts) == 1 else select(ParticipantSession).from_statement(union(*parts))
            for ps in (await session.execute(query)).scalars():
                batch.see(ps)
                if ps.room_id is not None and (ps.room_id, ps.identity) in batch.sessions:
                    batch.sessions[ps.room_id, ps.identity].append(ps)
        if rooms:
            seats = select(Seat.room_id, Seat.identity).where(
                Seat.room_id.in_(rooms), Seat.identity.is_not(None)
            )
            for room_id, identity in (await session.execute(seats)).all():
                if identity is not None:
                    batch.seated[room_id].add(identity)
        if wanted.track_sids:
            batch.tracks = dict.fromkeys(wanted.track_sids)
            tracks = select(Track).where(Track.sid.in_(sorted(wanted.track_sids)))
            for track in (await session.execute(tracks)).scalars():
                batch.tracks[track.sid] = track
        return batch

    async def _create_room_sessions(self, session: AsyncSession, wanted: Wanted) -> None:
        """The room sessions the batch's events will create (``recorder.room_session``), made up front:
        one multi-row ``INSERT IGNORE`` and one SELECT instead of the two statements per room session."""
        missing = [
            (sid, room)
            for sid, room in wanted.room_session_rooms.items()
            if self.room_sessions.get(sid) is None
        ]
        if not missing:
            return
        now = utcnow()
        rows = [
            {
                "room_id": room_id,
                "room_name": room_name,
                "sid": sid,
                "repaired": False,
                "created_at": now,
                "updated_at": now,
                "peak_participants": 0,
            }
            for sid, (room_id, room_name) in missing
        ]
        await session.execute(_INSERT_ROOM_SESSIONS, rows)  # executemany: one multi-row INSERT
        created = select(RoomSession).where(RoomSession.sid.in_([sid for sid, _ in missing]))
        for rs in (await session.execute(created)).scalars():
            self.room_sessions[rs.sid] = rs

    def see(self, ps: ParticipantSession) -> None:
        """A participant session the batch read or created: findable by sid, and counted as possibly
        present in its room (an over-approximation: presence is decided from its fields)."""
        self.participants[ps.sid] = ps
        if ps.room_id in self.present:
            self.present[ps.room_id][id(ps)] = ps

    def add(self, ps: ParticipantSession) -> None:
        """A participant session the batch created (inserted by the next flush)."""
        self.created[id(ps)] = next(self._order)
        self.see(ps)
        if ps.room_id is not None and (ps.room_id, ps.identity) in self.sessions:
            self.sessions[ps.room_id, ps.identity].append(ps)

    def order(self, ps: ParticipantSession) -> tuple[int, int]:
        """``ps.id``'s order before it has one: new rows get ids after every stored row, in add order."""
        if ps.id is not None:
            return (0, ps.id)
        return (1, self.created.get(id(ps), 0))

    def once(self, *key: Any) -> bool:
        """True the first time ``key`` is seen in this batch (per-room work done once per batch)."""
        if key in self.done:
            return False
        self.done.add(key)
        return True

    def membership(self, key: tuple[int, str], values: dict[str, Any]) -> None:
        """The membership upsert of ``recorder._derive``, deferred to :meth:`finish`: the row inserted is
        the first call's with the last call's updated fields, as the calls one by one would leave it."""
        pending = self.memberships.get(key)
        if pending is None:
            self.memberships[key] = dict(values)
        else:
            pending.update({name: values[name] for name in MEMBERSHIP_UPDATES})

    async def finish(self, session: AsyncSession) -> None:
        """Write what the batch deferred: the peaks it found stale (recomputed together, one query), the
        changes to rows it read (one UPDATE per table and set of columns, ``db.write_modified``), the
        membership rows (one upsert), the new rows and the events with their deliveries (one flush,
        multi-row INSERTs)."""
        if self.recompute:
            await flush(session)  # the peaks are read from the sessions as the batch leaves them
            for rs_id, (peak, latest) in (await peaks(session, list(self.recompute))).items():
                rs = self.recompute[rs_id]
                rs.peak_participants, rs.latest_joined_at = peak, latest
            self.recompute.clear()
        await write_modified(session, WRITTEN_TOGETHER)
        if self.memberships:
            await session.execute(_UPSERT_MEMBERSHIPS, list(self.memberships.values()))
            self.memberships.clear()
        await self.outbox.flush(session)
        self.outbox.detach(session)
        await session.flush()
