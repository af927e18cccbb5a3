"""Reconciliation: make our records agree with what LiveKit holds, whatever webhooks were lost.

LiveKit drops webhooks after 5 failed attempts, when 200 are queued, or when one waits 30 s. Every
``ROOMSVC_RECONCILE_INTERVAL`` seconds ``roomsvc jobs`` compares ListRooms/ListParticipants with our open
records and repairs both ways, through the same recorder the webhooks use (so a repair emits the same
events, marked ``repaired``):

- a room LiveKit no longer has → ended, its open sessions closed (``reconciled``); a scheduled room
  before ``closes_at`` only loses its session (the next join opens another), and one with no session
  (``livekit_sid`` null) is not checked at all;
- a room session or participant LiveKit has and we missed → opened (a participant only once it joined
  longer ago than the grace period: a fresh one's ``participant_joined`` is still on its way);
- an open participant session LiveKit no longer lists → closed (a later real ``participant_left``
  still replaces the inferred time). The ``roomsvc jobs`` reconciler closes it only once it has been
  missing from LiveKit's listings for the grace period (``Departures``): a participant that has just
  left or been kicked is unlisted at once, but its ``participant_left`` is still on its way;
- a ``creating`` row older than the grace period → completed if LiveKit has the room, by the same
  function that completes a create request (``rooms.flows.complete_create``: seats, detection run,
  ``room.created``), else deleted;
- a room missing from the ListRooms answer is asked for by name first: only a confirmed absence ends
  (or drops) it, never one listing's miss;
- a room LiveKit still lists but whose node died (a cluster node killed: LiveKit never unlists its
  rooms) counts as gone: every listed room is probed with a call routed to its node
  (``LiveKitGateway.room_hosted``), a few at a time;
- a live standard participant whose LiveKit permission differs from its effective one (an older token,
  a push that failed, a change made behind roomsvc's back) → the effective set pushed again, and a banned
  one removed (``moderation/enforcement.py``, the same check every ``participant_joined`` gets).

Records younger than ``ROOMSVC_RECONCILE_GRACE`` are left alone: their webhooks may still be in flight.
A room with webhooks stored but not yet applied is left alone for this pass too (``deferred``): those
webhooks are about to tell the truth (a kicked participant's ``participant_left``, say), and a repair
made first would mark a session ``repaired`` that no webhook was lost for. The next pass looks again.
Only one reconciler runs at a time across all instances (MySQL ``GET_LOCK``, taken by the job body in
``calls/jobs.py``); the repairs themselves are idempotent, so a second one would be harmless anyway.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import structlog
from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc import metrics
from roomsvc.calls import recorder
from roomsvc.calls.models import ParticipantSession, RoomSession
from roomsvc.db import utcnow
from roomsvc.livekit import LiveKitGateway, LiveKitParticipant, LiveKitRoom
from roomsvc.moderation import enforcement
from roomsvc.rooms.models import Room
from roomsvc.webhooks.models import WebhookEvent

log = structlog.get_logger("roomsvc.reconcile")
# Rooms probed at once for a live node (an unanswered probe waits psrpc's 3 s, twice).
PROBE_CONCURRENCY = 16


@dataclass
class Report:
    rooms_checked: int = 0
    repairs: dict[str, int] = field(default_factory=dict)
    deferred: int = 0  # rooms left for the next pass: webhooks of theirs were still being applied

    def add(self, kind: str, count: int = 1) -> None:
        if count:
            self.repairs[kind] = self.repairs.get(kind, 0) + count


@dataclass
class Departures:
    """When this process's reconciler first saw each open participant session missing from LiveKit.

    A session is closed by reconciliation only when it was already missing on a pass ``grace`` seconds
    earlier: LiveKit unlists a participant the moment it leaves and sends ``participant_left`` after,
    so a pass between the two would otherwise close it first and mark it ``repaired`` though no webhook
    was lost. Kept in memory: a restart only delays a repair by one grace period; a room whose node is
    gone, or that LiveKit no longer has, is ended at once as before (its sessions with it).
    """

    first_missing: dict[str, dt.datetime] = field(default_factory=dict)
    _this_pass: dict[str, dt.datetime] = field(default_factory=dict)
    _started: dt.datetime | None = None

    def begin_pass(self, started: dt.datetime) -> None:
        self._started, self._this_pass = started, {}

    def missing_since(self, sid: str) -> dt.datetime:
        """When a pass first saw ``sid`` missing (this pass's start, the first time)."""
        assert self._started is not None, "begin_pass first"
        since = self.first_missing.get(sid, self._started)
        self._this_pass[sid] = since
        return since

    def end_pass(self, *, whole: bool) -> None:
        """After a pass: a whole pass forgets sids no longer missing (returned, closed, or gone)."""
        if whole:
            self.first_missing = self._this_pass
        else:
            self.first_missing.update(self._this_pass)
        self._this_pass = {}


# Completes a stale ``creating`` row LiveKit has: ``rooms.flows.complete_create`` (with repaired=True),
# handed in by the job and the CLI, because flows are called from the edges only (import-linter).
CompletePending = Callable[[AsyncSession, LiveKitGateway, Room], Awaitable[None]]


async def reconcile(
    session_factory: async_sessionmaker[AsyncSession],
    gateway: LiveKitGateway,
    *,
    complete_pending: CompletePending,
    grace: float = 10.0,
    rooms: Sequence[str] | None = None,
    departures: Departures | None = None,
) -> Report:
    """One pass. ``rooms`` limits it to those LiveKit room names (``roomsvc reconcile --room``).
    ``departures``: the job's memory of sessions already seen missing (see :class:`Departures`); without
    it (``roomsvc reconcile``, run by hand) a missing session past the grace period is closed at once."""
    report = Report()
    started = utcnow()
    live = {r.name: r for r in await gateway.list_rooms(list(rooms or ()))}
    cutoff = started - dt.timedelta(seconds=grace)
    if departures is not None:
        departures.begin_pass(started)
    async with session_factory() as session:
        query = select(Room.livekit_name).where(
            Room.status.in_(("creating", "created", "active")),
            # A scheduled room between sessions (or before its first join) expects no LiveKit room.
            or_(Room.status == "creating", Room.livekit_sid.is_not(None)),
        )
        if rooms:
            query = query.where(Room.livekit_name.in_(list(rooms)))
        names = list((await session.execute(query)).scalars())
    orphaned = await _orphaned(gateway, [name for name in names if name in live])
    for name in names:
        lk_room = None if name in orphaned else live.get(name)
        if lk_room is None and name not in orphaned:
            # One ListRooms answer is not proof that a room is gone (a LiveKit node restarting, a room
            # moving between nodes, a listing cut short): ask for this room by name before ending or
            # dropping anything on it.
            lk_room = await gateway.get_room(name)
            if lk_room is not None:
                log.warning("reconcile.listing_missed_room", room=name)
        participants = await gateway.list_participants(name) if lk_room else []
        async with session_factory() as session, session.begin():
            room = (
                await session.execute(select(Room).where(Room.livekit_name == name).with_for_update())
            ).scalar_one_or_none()
            if room is None:
                continue
            report.rooms_checked += 1
            if await _webhooks_pending(session, name):
                report.deferred += 1
                continue
            await _reconcile_room(
                session, gateway, room, lk_room, participants, cutoff, report, complete_pending, departures
            )
    if departures is not None:
        departures.end_pass(whole=not rooms)
    if report.repairs:
        log.info("reconcile.repaired", **report.repairs)
    if report.deferred:
        log.info("reconcile.deferred", rooms=report.deferred, why="webhooks still being applied")
    metrics.observe_reconcile(report.repairs)
    return report


async def _webhooks_pending(session: AsyncSession, livekit_name: str) -> bool:
    """Whether webhooks of the room are stored and not yet applied (the appliers' own index: a point read
    under the room lock, which the appliers also take, so none is being applied meanwhile)."""
    query = (
        select(WebhookEvent.id)
        .where(WebhookEvent.processed_at.is_(None), WebhookEvent.room_name == livekit_name)
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def _orphaned(gateway: LiveKitGateway, names: list[str]) -> set[str]:
    """The rooms among ``names`` (all listed by LiveKit) that no live node hosts: their node died."""
    limit = asyncio.Semaphore(PROBE_CONCURRENCY)

    async def hosted(name: str) -> bool:
        async with limit:
            return await gateway.room_hosted(name)

    answers = await asyncio.gather(*(hosted(name) for name in names), return_exceptions=True)
    orphaned: set[str] = set()
    for name, answer in zip(names, answers, strict=True):
        if isinstance(answer, BaseException):
            raise answer  # LiveKit unreachable: the pass stops, as for any other call
        if not answer:
            log.warning("reconcile.room_node_gone", room=name)
            orphaned.add(name)
    return orphaned


async def _reconcile_room(
    session: AsyncSession,
    gateway: LiveKitGateway,
    room: Room,
    lk_room: LiveKitRoom | None,
    participants: list[LiveKitParticipant],
    cutoff: dt.datetime,
    report: Report,
    complete_pending: CompletePending,
    departures: Departures | None = None,
) -> None:
    now = utcnow()
    if room.status == "creating":
        if room.created_at > cutoff:
            return
        if lk_room is None:
            await session.execute(delete(Room).where(Room.id == room.id))
            report.add("pending_rooms_dropped")
        else:  # the same completion as the request's: seats, detection run, room.created
            await complete_pending(session, gateway, room)
            report.add("pending_rooms_completed")
        return
    if lk_room is None:
        if room.created_at > cutoff:
            return
        open_sessions = (
            (
                await session.execute(
                    select(RoomSession).where(RoomSession.room_id == room.id, RoomSession.ended_at.is_(None))
                )
            )
            .scalars()
            .all()
        )
        for rs in open_sessions:
            await recorder.room_finished(session, room, rs.sid, now, reason="reconciled")
            rs.repaired = True
        if room.status != "ended" and (room.livekit_sid is not None or not room.scheduled):
            # no session was known: end the room itself (a scheduled room: its session)
            await recorder.room_finished(
                session, room, room.livekit_sid or f"unknown-{room.id}", now, reason="reconciled"
            )
        # A scheduled room before closes_at is not ended: only its session is over (calls/recorder.py).
        report.add("rooms_ended" if room.status == "ended" else "room_sessions_closed")
        return

    report.add(
        "room_sessions_closed", await recorder.close_room_sessions_except(session, room, lk_room.sid, now)
    )
    rs = await recorder.room_session(session, room, lk_room.sid, repaired=True)
    if rs.started_at is None:
        await recorder.room_started(session, room, lk_room.sid, lk_room.created_at or now)
        rs.repaired = True
        report.add("room_sessions_opened")
    # An older token (kicked, muted, unseated, demoted), whose join webhook was lost or whose push failed.
    enforced = {"evicted": "banned_evicted", "updated": "permissions_restored"}
    standard = {p.identity: p.permission for p in participants if p.kind == "standard"}
    for outcome in (await enforcement.enforce_many(session, gateway, room, standard)).values():
        if outcome in enforced:
            report.add(enforced[outcome])
    live_sids = {p.sid for p in participants}
    known = {
        ps.sid: ps
        for ps in (
            await session.execute(
                select(ParticipantSession).where(ParticipantSession.room_session_id == rs.id)
            )
        ).scalars()
    }
    for p in participants:
        ps = known.get(p.sid)
        if p.joined_at is not None and p.joined_at > cutoff:
            continue  # joined moments ago: its participant_joined may still be on its way
        if ps is None or ps.joined_at is None:
            fact = recorder.ParticipantFact(
                sid=p.sid, identity=p.identity, name=p.name, kind=p.kind, joined_at=p.joined_at
            )
            await recorder.participant_joined(
                session, room, lk_room.sid, fact, p.joined_at or now, repaired=True
            )
            await recorder.mark_repaired(session, p.sid)
            report.add("participant_sessions_opened")
    for sid, ps in known.items():
        if ps.left_at is None and sid not in live_sids and (ps.joined_at or ps.created_at) <= cutoff:
            if departures is not None and departures.missing_since(sid) > cutoff:
                continue  # unlisted only lately: its participant_left may still be on its way
            fact = recorder.ParticipantFact(sid=sid, identity=ps.identity, name=ps.name, kind=ps.kind)
            await recorder.participant_left(
                session, room, lk_room.sid, fact, now, "reconciled", source="inferred"
            )
            report.add("participant_sessions_closed")
