"""Applying stored webhooks: the body of the ``webhook-applier-<n>`` jobs of ``roomsvc jobs``.

Intake (``webhooks/intake.py``) only stores and acknowledges. Each applier claims **rooms**, not events:

1. the rooms with pending events, oldest first (``GROUP BY room_name`` over the
   ``(processed_at, room_name, id)`` index: a loose index scan, not a read of the backlog), each
   joined to its ``rooms`` row if roomsvc holds it (one statement);
2. up to ``rooms`` of those rows of ``rooms`` locked ``FOR UPDATE SKIP LOCKED``: another applier (or an
   API request acting on the room) holds the others, so two appliers never apply one room at once;
3. the claimed rooms' pending events in id order (``FOR UPDATE``, read through the
   ``(processed_at, room_name, id)`` index so that no other claim's rows are examined), so a room's
   events apply in the order they were stored, each once (only the columns applying reads: a
   :class:`Pending` each, no ORM object). Events naming no room, or a room roomsvc
   does not hold (egress, ingress, LiveKit rooms made elsewhere: nothing is serialised by a room
   there), are claimed by the event rows themselves with ``SKIP LOCKED``.

The batch is applied in one transaction with no savepoint at all (two round trips saved per batch: at
idle a batch is one event), with one :class:`roomsvc.calls.batch.Batch`: the room sessions, participant
sessions (one query), tracks and seats its events name are read in one query each before the first event,
the per-event reads are answered from them, the new rows, events and deliveries are written by one flush
at the end (multi-row INSERTs), and the events are marked processed with one UPDATE per outcome. If any
event raises, the whole transaction is rolled back (the room locks with it) and a fresh claim is applied
one event at a time without a ``Batch`` (every read a query, as reconciliation does), each in its own
savepoint: the failing event gets its error recorded and is retried by later batches, then parked after
:data:`MAX_ATTEMPTS` (``outcome = 'error'``); the others apply. After the commit, the participants that
connected get their permission set re-asserted (or, banned, are removed: ``moderation/enforcement.py``),
in the background so the applier takes its next batch meanwhile; a batch enforces each (room, identity)
once, for its newest connection, and only if that connection is still open when the batch commits
(``_still_open``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import ColumnElement, func, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls.batch import Batch, Wanted
from roomsvc.config import DetectionSettings
from roomsvc.db import is_conflict, is_disconnect, mysql_code, utcnow
from roomsvc.livekit import LiveKitGateway
from roomsvc.moderation import enforcement
from roomsvc.moderation.enforcement import Enforcement
from roomsvc.retention import cutoff, purge
from roomsvc.rooms.models import Room
from roomsvc.webhooks import handlers
from roomsvc.webhooks.models import WebhookEvent
from roomsvc.webhooks.service import parse_event

log = structlog.get_logger("roomsvc.webhooks")
MAX_ATTEMPTS = 5
ROOMS_PER_CLAIM = 64  # rooms one applier holds per batch
EVENTS_PER_CLAIM = 500  # events per batch (one transaction)
CANDIDATES = 4  # rooms looked at per claim, as a multiple of ROOMS_PER_CLAIM: room for the others' claims
# A locking read locks every row it examines: through this index it examines only the claimed rooms'
# pending rows, never another applier's (which would make it wait, or with SKIP LOCKED skip a row of its
# own room that another scan touched in passing, and break the room's order).
BY_ROOM = "FORCE INDEX (ix_webhook_events_processed_at_room_name_id)"
LOST_SAVEPOINT = 1305  # ROLLBACK TO SAVEPOINT after the server already rolled the transaction back
# seconds; pending rooms all held by others: look again at the next lock release in this process
# (``Released``), at the latest this soon, not at the next poll
BUSY_PAUSE = 0.02


@dataclass(slots=True)
class Pending:
    """A claimed event: the columns of its ``webhook_events`` row the applier reads (no ORM object: the
    applier writes its outcome with UPDATE statements)."""

    id: int
    event_id: str
    room_name: str | None
    body: str
    attempts: int


PENDING = (
    WebhookEvent.id,
    WebhookEvent.event_id,
    WebhookEvent.room_name,
    WebhookEvent.body,
    WebhookEvent.attempts,
)


@dataclass
class Claim:
    """What one batch holds: the rooms locked (by LiveKit name) and their pending events, in order."""

    rooms: dict[str, Room]
    events: list[Pending]
    busy: bool = False  # rooms with pending events were left to whoever holds them


async def claim(
    session: AsyncSession, *, rooms: int = ROOMS_PER_CLAIM, limit: int = EVENTS_PER_CLAIM
) -> Claim:
    """Lock up to ``rooms`` rooms with pending events and take their pending events (module docstring)."""
    oldest = func.min(WebhookEvent.id).label("oldest")
    candidates = (
        select(WebhookEvent.room_name, oldest)
        .where(WebhookEvent.processed_at.is_(None))
        .group_by(WebhookEvent.room_name)
        .order_by(oldest)
        .limit(rooms * CANDIDATES)
        .subquery("candidates")
    )
    # The rooms roomsvc holds among them in the same round trip (a unique-key lookup per candidate; the
    # derived table keeps its loose index scan).
    pending = (
        await session.execute(
            select(candidates.c.room_name, Room.livekit_name)
            .select_from(candidates)
            .outerjoin(Room, Room.livekit_name == candidates.c.room_name)
            .order_by(candidates.c.oldest)
        )
    ).all()
    if not pending:
        return Claim({}, [])
    names = [name for name, _ in pending if name is not None]
    known = {livekit_name for _, livekit_name in pending if livekit_name is not None}
    held: dict[str, Room] = {}
    if known:
        locked = await session.execute(
            select(Room)
            .where(Room.livekit_name.in_(sorted(known)))
            .limit(rooms)
            .with_for_update(skip_locked=True)
        )
        held = {room.livekit_name: room for room in locked.scalars()}  # webhooks name rooms as LiveKit does
    events: list[Pending] = []
    if held:
        events += (
            Pending(*row)
            for row in await session.execute(
                select(*PENDING)
                .where(WebhookEvent.processed_at.is_(None), WebhookEvent.room_name.in_(list(held)))
                .order_by(WebhookEvent.id)
                .limit(limit)
                .with_hint(WebhookEvent, BY_ROOM, "mysql")
                .with_for_update()
            )
        )
    unheld = [name for name in names if name not in known]
    if unheld or len(names) < len(pending):  # a room roomsvc does not hold, or no room at all
        roomless: list[ColumnElement[bool]] = [WebhookEvent.room_name.in_(unheld)] if unheld else []
        if len(names) < len(pending):
            roomless.append(WebhookEvent.room_name.is_(None))
        where = WebhookEvent.processed_at.is_(None), or_(*roomless)
        events += (
            Pending(*row)
            for row in await session.execute(
                select(*PENDING)
                .where(*where)
                .order_by(WebhookEvent.id)
                .limit(limit)
                .with_hint(WebhookEvent, BY_ROOM, "mysql")
                .with_for_update(skip_locked=True)
            )
        )
        events.sort(key=lambda row: row.id)
    return Claim(held, events, busy=bool(known) and len(held) < min(rooms, len(known)))


async def apply_each(
    session: AsyncSession, taken: Claim, enforcements: list[Enforcement], *, detection: DetectionSettings
) -> None:
    """Apply a claim's events one by one, each in its own savepoint: a failing event gets its error
    recorded (and is parked after :data:`MAX_ATTEMPTS`), the others apply."""
    now = utcnow()
    for row in taken.events:
        mark = len(enforcements)
        await _reload(session, list(taken.rooms.values()))  # what a savepoint's rollback expired
        try:
            async with session.begin_nested():
                await _apply_one(session, row, taken.rooms, enforcements, detection=detection)
        except Exception as exc:  # one bad event must not block the others
            lost = exc.__context__ if mysql_code(exc) == LOST_SAVEPOINT else exc
            if not session.in_transaction() or mysql_code(exc) == LOST_SAVEPOINT or is_conflict(exc):
                # A deadlock or lock wait rolled the transaction (or the statement) back: not this event's
                # fault. The scheduler runs the claim again (a conflict after a short pause).
                raise (lost or exc) from None
            del enforcements[mark:]
            attempts = row.attempts + 1
            failed: dict[str, Any] = {
                "attempts": attempts,
                "last_error": f"{type(exc).__name__}: {exc}"[:512],
            }
            log.exception("webhook.apply_failed", event_id=row.event_id, attempts=attempts)
            if attempts >= MAX_ATTEMPTS:
                failed.update(outcome="error", processed_at=now)
            await _mark(session, [row.id], **failed)


async def apply_claim(
    session: AsyncSession, taken: Claim, enforcements: list[Enforcement], *, detection: DetectionSettings
) -> None:
    """The claim's events in the caller's transaction as one batch with one :class:`Batch`, no savepoint
    (module docstring): if any event raises, the caller rolls the transaction back and applies a fresh
    claim with :func:`apply_each`."""
    mark = len(enforcements)
    parsed = [(row, parse_event(row.body.encode())) for row in taken.events]
    wanted = Wanted()
    for row, event in parsed:
        handlers.wanted(event, taken.rooms.get(row.room_name or ""), wanted)
    batch = await Batch.load(session, wanted)
    await handlers.prepare(session, wanted, batch)
    outcomes: dict[str, list[int]] = {}
    for row, event in parsed:
        room = taken.rooms.get(row.room_name or "")
        outcome = await handlers.apply(session, event, room, enforcements, detection=detection, batch=batch)
        outcomes.setdefault(outcome, []).append(row.id)
    await batch.finish(session)
    enforcements[mark:] = _still_open(batch, enforcements[mark:])
    now = utcnow()
    for outcome, ids in outcomes.items():
        await _mark(
            session,
            ids,
            outcome=outcome,
            attempts=WebhookEvent.attempts + 1,
            processed_at=now,
            last_error=None,
        )


async def _mark(session: AsyncSession, ids: list[int], **values: Any) -> None:
    """Write the outcome columns of the events ``ids``."""
    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id.in_(ids))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _still_open(batch: Batch, joined: list[Enforcement]) -> list[Enforcement]:
    """The batch's enforcements worth doing once it commits: one per (room, identity), for its newest
    connection, and only if that connection is still open. One that joined and left within the batch is
    gone (nothing to re-assert or remove); a later connect is enforced by its own ``participant_joined``,
    and reconciliation compares every live participant anyway."""
    newest: dict[tuple[int, str], tuple[tuple[Any, ...], Enforcement | None]] = {}
    for position, e in enumerate(joined):
        ps = batch.participants.get(e.participant_sid) if e.participant_sid is not None else None
        if ps is None:  # not read by the batch (never the case for a join it applied): keep it
            rank: tuple[Any, ...] = (1, position)
            keep: Enforcement | None = e
        else:
            joined_at = ps.joined_at.timestamp() if ps.joined_at is not None else float("-inf")
            rank = (0, joined_at, batch.order(ps), position)
            keep = e if ps.left_at is None and ps.joined_at is not None else None
        key = (e.room_id, e.identity)
        if key not in newest or rank >= newest[key][0]:
            newest[key] = (rank, keep)
    return [e for _, e in newest.values() if e is not None]


async def _reload(session: AsyncSession, objects: list[Any]) -> None:
    """Load again what a savepoint's rollback expired (lazy loads cannot run under asyncio)."""
    for obj in objects:
        if inspect(obj).expired_attributes:
            await session.refresh(obj)


async def _apply_one(
    session: AsyncSession,
    row: Pending,
    rooms: dict[str, Room],
    enforcements: list[Enforcement],
    *,
    detection: DetectionSettings,
) -> None:
    event = parse_event(row.body.encode())
    outcome = await handlers.apply(
        session, event, rooms.get(row.room_name or ""), enforcements, detection=detection
    )
    await _mark(
        session, [row.id], outcome=outcome, attempts=row.attempts + 1, processed_at=utcnow(), last_error=None
    )


CLOSE_TIMEOUT = 5.0  # seconds aclose() waits for a cancelled enforcement


class Released:
    """Room row locks let go in this process: an applier's commit, an enforcement's transaction. An
    applier whose claim found its rooms held waits for the next release (at most :data:`BUSY_PAUSE`:
    an API request or another process may be the holder) instead of sleeping the whole pause. At idle
    the holder is typically the previous event's enforcement (its LiveKit call under the room lock)."""

    def __init__(self) -> None:
        self.generation = 0
        self._waiters: set[asyncio.Future[None]] = set()

    def __call__(self) -> None:
        self.generation += 1
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seen: int, at_most: float) -> None:
        """Return at the first release after generation ``seen`` (at once if one happened), or after
        ``at_most`` seconds."""
        if self.generation != seen:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait({waiter}, timeout=at_most)
        finally:
            self._waiters.discard(waiter)


class Applier:
    """One ``webhook-applier-<n>`` job body: claim, apply, commit, then enforce in the background (one
    enforcement batch in flight: the next batch's waits for it, which bounds what piles up)."""

    def __init__(
        self,
        *,
        detection: DetectionSettings,
        gateway: LiveKitGateway | None = None,
        rooms: int = ROOMS_PER_CLAIM,
        limit: int = EVENTS_PER_CLAIM,
        released: Released | None = None,
    ) -> None:
        self.detection = detection
        self.released = released if released is not None else Released()  # shared by a process's appliers
        self.gateway = gateway
        self.rooms = rooms
        self.limit = limit
        self._enforcing: asyncio.Task[dict[str, int]] | None = None
        self.running = False  # in a claim now (a wake-up goes to an applier that is not: ``wake_one``)
        # called after a full claim, a backlog (``roomsvc.jobs.webhook_appliers``: the polling applier
        # wakes the others, which look for work unprompted only rarely)
        self.on_work: Callable[[], None] | None = None

    async def __call__(self, session_factory: async_sessionmaker[AsyncSession]) -> int:
        """Apply one claim; returns how many events it applied (the scheduler drains while > 0)."""
        self.running = True
        try:
            return await self._run(session_factory)
        finally:
            self.running = False

    async def _run(self, session_factory: async_sessionmaker[AsyncSession]) -> int:
        enforcements: list[Enforcement] = []
        seen = self.released.generation
        try:
            async with session_factory() as session, session.begin():
                taken = await claim(session, rooms=self.rooms, limit=self.limit)
                if taken.events:
                    await apply_claim(session, taken, enforcements, detection=self.detection)
        except Exception as exc:
            if is_conflict(exc) or is_disconnect(exc):
                raise  # not the batch's fault: the scheduler runs the claim again (a conflict after a pause)
            enforcements.clear()
            log.warning(
                "webhook.batch_failed", error=f"{type(exc).__name__}: {exc}"[:300], retry="one by one"
            )
            async with session_factory() as session, session.begin():
                taken = await claim(session, rooms=self.rooms, limit=self.limit)
                if taken.events:
                    await apply_each(session, taken, enforcements, detection=self.detection)
        if taken.rooms:
            self.released()
        if self.gateway is not None and enforcements:
            await self.settle()
            task = asyncio.create_task(
                enforcement.enforce_all(session_factory, self.gateway, enforcements, released=self.released)
            )
            task.add_done_callback(_log_failure)
            self._enforcing = task
        if not taken.events and taken.busy:
            # pending rooms are held (another applier, an enforcement, an API request)
            await self.released.wait(seen, BUSY_PAUSE)
            return 1
        if self.on_work is not None and (len(taken.rooms) >= self.rooms or len(taken.events) >= self.limit):
            self.on_work()  # a full claim: more is waiting than one applier takes at a time
        return len(taken.events)

    async def settle(self) -> None:
        """Wait for the enforcement in flight, if any."""
        if self._enforcing is not None:
            await asyncio.gather(self._enforcing, return_exceptions=True)
            self._enforcing = None

    async def aclose(self) -> None:
        """Cancel the enforcement in flight and wait for it a bounded time: shutdown never hangs on a
        LiveKit call (reconciliation repairs what it did not finish)."""
        task, self._enforcing = self._enforcing, None
        if task is not None:
            task.cancel()
            await asyncio.wait({task}, timeout=CLOSE_TIMEOUT)


def _log_failure(task: asyncio.Task[dict[str, int]]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("webhook.enforcement_failed", error=repr(task.exception())[:300])


async def apply_pending(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    detection: DetectionSettings,
    gateway: LiveKitGateway | None = None,
    rooms: int = ROOMS_PER_CLAIM,
    limit: int = EVENTS_PER_CLAIM,
) -> int:
    """One claim applied, its enforcement awaited: for tests and tools that apply synchronously."""
    applier = Applier(detection=detection, gateway=gateway, rooms=rooms, limit=limit)
    try:
        return await applier(session_factory)
    finally:
        await applier.settle()


async def purge_processed(session: AsyncSession, *, days: int, batch: int) -> int:
    """Retention: delete up to ``batch`` processed webhooks received more than ``days`` days ago (row and
    body). Their ids stop de-duplicating then, long after LiveKit has stopped retrying (minutes); a webhook
    not yet processed is never deleted."""
    before = cutoff(days)
    if before is None:
        return 0
    processed = WebhookEvent.processed_at.is_not(None)
    return await purge(session, WebhookEvent, WebhookEvent.received_at, before, processed, batch=batch)
