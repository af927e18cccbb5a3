"""The event feed: every committed event once, in commit order (``events.seq``), shared by every stream.

Event ids are assigned at INSERT, and transactions commit out of id order: the webhook applier emits up
to 200 events in one transaction while API requests commit higher ids first. A reader that advances a
cursor over ``id`` skips the low ids that commit late. So the feed has its own order, ``seq``,
assigned only **after** commit, by :func:`sequence_committed`:

- it takes the unsequenced events in id order with ``SELECT … FOR UPDATE SKIP LOCKED``. Under READ
  COMMITTED a row whose inserting transaction is still open is invisible to the plain read and locked
  for the locking one, so SKIP LOCKED passes it over; it is sequenced on a later run, after it commits,
  with a higher ``seq`` than anything already in the feed;
- it numbers them from ``MAX(seq) + 1`` and commits. One sequencer at a time, across replicas
  (``GET_LOCK``); ``seq`` is also UNIQUE, so two that ever raced would collide, and one would roll back,
  rather than interleave.

A sequencer commits its numbers at once, after every earlier sequencer committed, so what any read
sees of ``seq`` is a prefix of the feed: ``seq > cursor`` misses nothing, and a resume from any event
(``Last-Event-ID``) continues exactly after it.

:class:`EventFeed` is the one poller of each API replica: its job (``event-feed`` in ``roomsvc/jobs.py``)
sequences (when this replica holds the lock) and reads the new part of the feed into a bounded buffer,
then wakes every stream. Streams read from the buffer; one that fell behind it (a slow reader, or a
resume from long ago) reads its own pages from MySQL until it catches up. It also counts the open
streams against the per-replica and per-caller caps.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from dataclasses import dataclass

import msgspec
import structlog
from sqlalchemy import case, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.errors import RateLimited
from roomsvc.events.models import Event
from roomsvc.events.service import envelope

log = structlog.get_logger("roomsvc.events.feed")

SEQUENCE_LOCK = "roomsvc.event-seq"
SEQUENCE_BATCH = 500
POLL_SECONDS = 0.25  # how often each replica sequences and reads the feed's new tail
BUFFER_SIZE = 4096  # events kept in memory per replica for the streams
PAGE = 200  # events per catch-up read of a stream that is behind the buffer
LISTING_LOCK_WAIT = 2.0  # seconds a listing waits for the sequencer lock (it is held for milliseconds)
_encoder = msgspec.json.Encoder()

SessionFactory = async_sessionmaker[AsyncSession]


class TooManyStreams(RateLimited, code="too-many-streams", title="Too many event streams"):
    """The per-caller or per-replica cap on open event streams is reached."""


async def sequence_committed(session_factory: SessionFactory, *, wait: float = 0) -> int:
    """Give committed events without a place in the feed the next ``seq`` values, in id order.

    Returns how many were sequenced (0 also when another process held the sequencer lock for longer
    than ``wait`` seconds).
    """
    async with session_factory() as lock:  # GET_LOCK belongs to this session's connection
        got = (
            await lock.execute(text("SELECT GET_LOCK(:name, :wait)"), {"name": SEQUENCE_LOCK, "wait": wait})
        ).scalar()
        if got != 1:
            return 0
        try:
            async with session_factory() as session, session.begin():
                ids = list(
                    (
                        await session.execute(
                            select(Event.id)
                            .where(Event.seq.is_(None))
                            .order_by(Event.id)
                            .limit(SEQUENCE_BATCH)
                            .with_for_update(skip_locked=True)
                        )
                    ).scalars()
                )
                if not ids:
                    return 0
                top = int((await session.execute(select(func.max(Event.seq)))).scalar() or 0)
                numbers = {event_id: top + n for n, event_id in enumerate(ids, 1)}
                await session.execute(
                    update(Event)
                    .where(Event.id.in_(ids))
                    .values(seq=case(numbers, value=Event.id))
                    .execution_options(synchronize_session=False)
                )
            return len(ids)
        finally:
            await lock.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": SEQUENCE_LOCK})


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One event as streams send it: encoded once per replica, not once per stream."""

    seq: int
    public_id: str
    project_id: int
    type: str
    room: str | None
    data: str

    @classmethod
    def of(cls, event: Event) -> FeedEvent:
        assert event.seq is not None
        return cls(
            event.seq,
            event.public_id,
            event.project_id,
            event.type,
            event.room_name,
            _encoder.encode(envelope(event)).decode(),
        )

    def matches(self, project_id: int, room: str | None, event_type: str | None) -> bool:
        return (
            self.project_id == project_id
            and (room is None or self.room == room)
            and (event_type is None or self.type == event_type)
        )


class StreamLease:
    """One open stream's place under the caps; :meth:`release` gives it back (idempotent)."""

    def __init__(self, feed: EventFeed, caller_id: str) -> None:
        self._feed, self.caller_id, self._open = feed, caller_id, True

    def release(self) -> None:
        if self._open:
            self._open = False
            self._feed._release(self.caller_id)


class EventFeed:
    """The replica's one poller of the feed, its buffer, and the count of open streams."""

    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        max_streams: int,
        max_streams_per_caller: int,
        buffer_size: int = BUFFER_SIZE,
    ) -> None:
        self._session_factory = session_factory
        self.max_streams = max_streams
        self.max_streams_per_caller = max_streams_per_caller
        self._buffer: deque[FeedEvent] = deque(maxlen=buffer_size)
        self.head = 0  # the highest seq this replica has read (0: nothing yet)
        self._started = False
        self._changed = asyncio.Condition()
        self._streams: Counter[str] = Counter()
        self.polls = 0  # how many times this replica read the feed (all streams share these reads)
        self.catch_up_reads = 0  # pages read by streams behind the buffer (the only per-stream reads)

    # --- the caps ------------------------------------------------------------------------------------

    @property
    def open_streams(self) -> int:
        return sum(self._streams.values())

    def acquire(self, caller_id: str) -> StreamLease:
        """A place for one more stream of ``caller_id``, or 429 when a cap is reached."""
        if self._streams[caller_id] >= self.max_streams_per_caller:
            raise TooManyStreams(
                f"This caller already has {self._streams[caller_id]} open event streams on this replica "
                f"(ROOMSVC_SSE_MAX_STREAMS_PER_CALLER={self.max_streams_per_caller}); close one, or "
                "resume later with Last-Event-ID.",
                retry_after=5,
                limit=self.max_streams_per_caller,
            )
        if self.open_streams >= self.max_streams:
            raise TooManyStreams(
                f"This replica serves its maximum of {self.max_streams} event streams "
                "(ROOMSVC_SSE_MAX_STREAMS); retry later with Last-Event-ID.",
                retry_after=5,
                limit=self.max_streams,
            )
        self._streams[caller_id] += 1
        return StreamLease(self, caller_id)

    def _release(self, caller_id: str) -> None:
        self._streams[caller_id] -= 1
        if self._streams[caller_id] <= 0:
            del self._streams[caller_id]

    # --- the poller (the replica's `event-feed` job) ---------------------------------------------------

    async def advance(self, session_factory: SessionFactory) -> int:
        """Sequence what has committed (if this replica holds the lock), then read the feed's new tail."""
        sequenced = await sequence_committed(session_factory)
        return sequenced + await self.poll(session_factory)

    async def poll(self, session_factory: SessionFactory) -> int:
        async with session_factory() as session:
            if not self._started:
                # Start at the current end: streams older than this read their pages from MySQL.
                self.head = int((await session.execute(select(func.max(Event.seq)))).scalar() or 0)
                self._started = True
            rows = list(
                (
                    await session.execute(
                        select(Event).where(Event.seq > self.head).order_by(Event.seq).limit(SEQUENCE_BATCH)
                    )
                ).scalars()
            )
        self.polls += 1
        if rows:
            self._buffer.extend(FeedEvent.of(row) for row in rows)
            self.head = self._buffer[-1].seq
            async with self._changed:
                self._changed.notify_all()
        return len(rows)

    async def sequence_now(self) -> None:
        """Read-your-writes for the listing: sequence what has committed but has no ``seq`` yet, now
        (waiting briefly for a sequencer at work elsewhere) rather than on the next tick."""
        async with self._session_factory() as session:
            pending = (await session.execute(select(Event.id).where(Event.seq.is_(None)).limit(1))).scalar()
        if pending is not None:
            await sequence_committed(self._session_factory, wait=LISTING_LOCK_WAIT)

    # --- what streams call ---------------------------------------------------------------------------

    async def current_end(self) -> int:
        """The feed's last seq now: where a stream without Last-Event-ID starts."""
        async with self._session_factory() as session:
            return int((await session.execute(select(func.max(Event.seq)))).scalar() or 0)

    async def position_of(self, public_id: str, project_id: int) -> int | None:
        """The seq of one of the project's events (a Last-Event-ID), or None when it has no sequenced event
        of that id (another project's event is not one of them)."""
        async with self._session_factory() as session:
            found = (
                await session.execute(
                    select(Event.seq).where(Event.public_id == public_id, Event.project_id == project_id)
                )
            ).scalar()
        return None if found is None else int(found)

    async def after(
        self, cursor: int, *, project_id: int, room: str | None, event_type: str | None, wait: float
    ) -> tuple[list[FeedEvent], int]:
        """The stream's next events after ``cursor`` that match its filters, and its new cursor.

        Waits up to ``wait`` seconds for the feed to move when the stream is at its end.
        """
        if cursor >= self.head:
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: self.head > cursor), wait)
                except TimeoutError:
                    return [], cursor
        buffer = self._buffer
        if buffer and cursor >= buffer[0].seq - 1:
            head = self.head
            found = [e for e in buffer if cursor < e.seq <= head]
            return [e for e in found if e.matches(project_id, room, event_type)], head
        return await self._catch_up(cursor, project_id=project_id, room=room, event_type=event_type)

    async def _catch_up(
        self, cursor: int, *, project_id: int, room: str | None, event_type: str | None
    ) -> tuple[list[FeedEvent], int]:
        """One page of the feed after ``cursor`` from MySQL, for a stream behind the buffer."""
        upto = self.head
        query = select(Event).where(Event.project_id == project_id, Event.seq > cursor, Event.seq <= upto)
        if room is not None:
            query = query.where(Event.room_name == room)
        if event_type is not None:
            query = query.where(Event.type == event_type)
        self.catch_up_reads += 1
        async with self._session_factory() as session:
            rows = list((await session.execute(query.order_by(Event.seq).limit(PAGE))).scalars())
        events = [FeedEvent.of(row) for row in rows]
        # A short page means everything up to `upto` that matches was read.
        return events, (events[-1].seq if len(events) == PAGE else upto)
