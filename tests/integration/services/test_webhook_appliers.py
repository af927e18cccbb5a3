"""The webhook appliers of ``roomsvc jobs`` (webhooks/jobs.py) on a real MariaDB of this module's own:
room-scoped claims keep each room's order under concurrent appliers and never give one room to two of
them; a failing batch falls back to one event at a time and parks the bad event; the incrementally kept
peak equals the one recomputed from every session, in order and shuffled."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy import event as sa_event
from sqlalchemy import update as sa_update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls import recorder
from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.db import create_engine, create_session_factory, utcnow
from roomsvc.events.models import Event, EventDelivery, EventSubscription
from roomsvc.events.types import EventType
from roomsvc.moderation import bans, permissions
from roomsvc.participants.models import Participant
from roomsvc.rooms.models import Room
from roomsvc.seats.models import Seat
from roomsvc.webhooks import handlers
from roomsvc.webhooks import jobs as webhook_jobs
from roomsvc.webhooks.models import WebhookEvent
from tests.fakes import FakeLiveKitGateway
from tests.integration.services.support import MakeRoom, load_room
from tests.stack import create_isolated_database, drop_database


@pytest.fixture(scope="module")
async def session_factory(
    stack_env: dict[str, str], migrated_db: str, settings: Any
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Overrides tests/conftest.py's: a database no other appliers look at (the suite's own process
    applies the shared test database's webhooks)."""
    url = await create_isolated_database(migrated_db, stack_env)
    engine = create_engine(dataclasses.replace(settings.database, url=url))
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


def _event(
    kind: str, room: Room, sid: str, *, at: float, participant: dict[str, Any] | None = None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event": kind,
        "id": f"EV_{uuid.uuid4().hex}",
        "createdAt": str(int(at)),
        "room": {"sid": sid, "name": room.livekit_name},
    }
    if participant is not None:
        event["participant"] = participant
    return event


def _participant(sid: str, identity: str, joined: float, **extra: Any) -> dict[str, Any]:
    return {
        "sid": sid,
        "identity": identity,
        "joinedAtMs": str(int(joined * 1000)),
        "kind": "STANDARD",
    } | extra


async def _store(session_factory: async_sessionmaker[AsyncSession], events: list[dict[str, Any]]) -> None:
    """What intake writes: the raw events, in this order."""
    async with session_factory() as session, session.begin():
        for event in events:
            session.add(
                WebhookEvent(
                    event_id=event["id"],
                    event_type=event["event"],
                    room_name=handlers.room_name_of(event),
                    room_sid=(event.get("room") or {}).get("sid"),
                    created_at_unix=int(event["createdAt"]),
                    received_at=utcnow(),
                    attempts=0,
                    body=json.dumps(event),
                )
            )
            await session.flush()  # ids in this order


async def _pending(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        query = select(func.count()).where(WebhookEvent.processed_at.is_(None))
        return int((await session.execute(query)).scalar_one())


def _visits(room: Room, sid: str, visits: int, start: float) -> list[dict[str, Any]]:
    """room_started, then ``visits`` sessions joining and leaving one after another."""
    events = [_event("room_started", room, sid, at=start)]
    for n in range(visits):
        at = start + 1 + n * 2
        person = _participant(f"PA_{sid}_{n}", f"user-{n % 3}", at)
        events.append(_event("participant_joined", room, sid, at=at, participant=person))
        events.append(_event("participant_left", room, sid, at=at + 1, participant=person))
    return events


async def test_appliers_keep_each_rooms_order_and_never_share_a_room(
    session_factory: async_sessionmaker[AsyncSession],
    make_room: MakeRoom,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rooms = [await make_room() for _ in range(6)]
    start = time.time() - 3600
    streams = {room.livekit_name: _visits(room, f"RM_{uuid.uuid4().hex[:10]}", 15, start) for room in rooms}
    interleaved = [e for group in zip(*streams.values(), strict=True) for e in group]
    await _store(session_factory, interleaved)

    applying: dict[str, int] = defaultdict(int)
    most: dict[str, int] = defaultdict(int)
    workers: set[str] = set()
    real_apply = handlers.apply

    async def watched(
        session: AsyncSession, event: dict[str, Any], room: Room | None, *a: Any, **kw: Any
    ) -> str:
        name = handlers.room_name_of(event) or ""
        applying[name] += 1
        most[name] = max(most[name], applying[name])
        task = asyncio.current_task()
        workers.add(task.get_name() if task else "")
        try:
            await asyncio.sleep(0)  # let the other appliers run in between
            return await real_apply(session, event, room, *a, **kw)
        finally:
            applying[name] -= 1

    monkeypatch.setattr(handlers, "apply", watched)
    appliers = [webhook_jobs.Applier(detection=settings.detection, rooms=2, limit=9) for _ in range(4)]

    async def drain(applier: webhook_jobs.Applier) -> None:
        deadline = time.monotonic() + 60
        while await _pending(session_factory):
            assert time.monotonic() < deadline, "the appliers did not drain the events"
            await applier(session_factory)

    await asyncio.gather(
        *(asyncio.create_task(drain(a), name=f"applier-{n}") for n, a in enumerate(appliers))
    )

    assert set(most) == set(streams)
    assert max(most.values()) == 1, most  # never two appliers inside one room
    assert len(workers) > 1, workers  # and the work was shared
    async with session_factory() as session:
        for name, stream in streams.items():
            emitted = (
                await session.execute(
                    select(Event.type, Event.data).where(Event.room_name == name).order_by(Event.id)
                )
            ).all()
            got = [(kind, json.loads(data).get("participant_sid")) for kind, data in emitted]
            wanted = [(str(EventType.ROOM_STARTED), None)] + [
                (
                    str(
                        EventType.PARTICIPANT_JOINED
                        if e["event"] == "participant_joined"
                        else EventType.PARTICIPANT_LEFT
                    ),
                    e["participant"]["sid"],
                )
                for e in stream[1:]
            ]
            assert got == wanted, name  # applied in the order stored, each once
        outcomes = (
            await session.execute(select(WebhookEvent.outcome, func.count()).group_by(WebhookEvent.outcome))
        ).all()
    assert dict(outcomes) == {"applied": len(interleaved)}


async def test_a_claimed_room_is_skipped_by_the_next_claim(
    session_factory: async_sessionmaker[AsyncSession], make_room: MakeRoom
) -> None:
    first, second = await make_room(), await make_room()
    start = time.time() - 3600
    await _store(session_factory, _visits(first, "RM_first_" + uuid.uuid4().hex[:6], 2, start))
    await _store(session_factory, _visits(second, "RM_second_" + uuid.uuid4().hex[:6], 2, start))
    async with session_factory() as a, a.begin(), session_factory() as b, b.begin():
        taken_a = await webhook_jobs.claim(a, rooms=1)
        taken_b = await webhook_jobs.claim(b, rooms=1)
        names_a = {e.room_name for e in taken_a.events}
        names_b = {e.room_name for e in taken_b.events}
        assert len(names_a) == len(names_b) == 1
        assert names_a | names_b == {first.livekit_name, second.livekit_name}  # disjoint, both served
        assert len(taken_a.events) == len(taken_b.events) == 5
        taken_c = await webhook_jobs.claim(b, rooms=2)  # b's own lock is re-entrant; a's room is skipped
        assert {e.room_name for e in taken_c.events} == names_b
        await a.rollback()
        await b.rollback()
    async with session_factory() as session, session.begin():  # leave no pending events to other tests
        names = [first.livekit_name, second.livekit_name]
        await session.execute(delete(WebhookEvent).where(WebhookEvent.room_name.in_(names)))


async def test_a_full_claim_tells_the_other_appliers_and_a_partial_one_does_not(
    session_factory: async_sessionmaker[AsyncSession], make_room: MakeRoom, settings: Any
) -> None:
    """The polling applier wakes the others (roomsvc.jobs.webhook_appliers) only when a backlog waits:
    its claim took as many rooms as it may hold."""
    first, second = await make_room(), await make_room()
    start = time.time() - 3600
    await _store(session_factory, _visits(first, "RM_full_" + uuid.uuid4().hex[:6], 1, start))
    await _store(session_factory, _visits(second, "RM_part_" + uuid.uuid4().hex[:6], 1, start))
    told: list[int] = []
    applier = webhook_jobs.Applier(detection=settings.detection, rooms=2)
    applier.on_work = lambda: told.append(1)
    assert await applier(session_factory) == 6  # both rooms: a full claim
    assert told == [1]
    third = await make_room()
    await _store(session_factory, _visits(third, "RM_one_" + uuid.uuid4().hex[:6], 1, start))
    assert await applier(session_factory) == 3  # one room of the two it may hold
    assert await applier(session_factory) == 0  # nothing left
    assert told == [1]


async def test_a_failing_batch_is_applied_one_by_one_and_the_bad_event_parked(
    session_factory: async_sessionmaker[AsyncSession], make_room: MakeRoom, settings: Any
) -> None:
    room = await make_room()
    sid = f"RM_{uuid.uuid4().hex[:10]}"
    at = time.time() - 600
    good_a = _event(
        "participant_joined", room, sid, at=at, participant=_participant(f"PA_{sid}_a", "ann", at)
    )
    bad = _event("track_published", room, sid, at=at, participant=_participant(f"PA_{sid}_a", "ann", at))
    bad["track"] = "not an object"  # parses, then fails in the handler
    good_b = _event(
        "participant_joined", room, sid, at=at + 1, participant=_participant(f"PA_{sid}_b", "bob", at + 1)
    )
    await _store(session_factory, [good_a, bad, good_b])

    async def rows() -> dict[str, WebhookEvent]:
        async with session_factory() as session:
            found = (
                await session.execute(select(WebhookEvent).where(WebhookEvent.room_sid == sid))
            ).scalars()
            return {row.event_id: row for row in found}

    assert await webhook_jobs.apply_pending(session_factory, detection=settings.detection) == 3
    after_one = await rows()
    assert [after_one[e["id"]].outcome for e in (good_a, good_b)] == ["applied", "applied"]
    assert after_one[bad["id"]].processed_at is None
    assert after_one[bad["id"]].attempts == 1
    assert (after_one[bad["id"]].last_error or "").startswith("AttributeError")
    for _ in range(webhook_jobs.MAX_ATTEMPTS - 1):
        assert await webhook_jobs.apply_pending(session_factory, detection=settings.detection) == 1
    parked = (await rows())[bad["id"]]
    assert (parked.outcome, parked.attempts) == ("error", webhook_jobs.MAX_ATTEMPTS)
    assert parked.processed_at is not None
    assert await webhook_jobs.apply_pending(session_factory, detection=settings.detection) == 0
    async with session_factory() as session:
        sessions = (
            await session.execute(select(ParticipantSession).where(ParticipantSession.room_id == room.id))
        ).scalars()
        assert sorted((s.identity, s.joined_at is not None) for s in sessions) == [
            ("ann", True),
            ("bob", True),
        ]
        joined = await session.execute(
            select(func.count()).where(
                Event.room_name == room.name, Event.type == str(EventType.PARTICIPANT_JOINED)
            )
        )
        assert joined.scalar_one() == 2  # the failed batch's work was rolled back, then done once


def _timeline(room: Room, sid: str, rng: random.Random) -> list[tuple[float, int, dict[str, Any]]]:
    """Overlapping sessions of a few identities (reconnects included), as (time, join 0 / leave 1, event)."""
    base = time.time() - 7200
    out = []
    for n in range(40):
        joined = base + rng.randint(0, 90_000) / 1000
        left = int(joined) + rng.randint(0, 12)
        person = _participant(f"PA_{sid}_{n}", f"u{rng.randint(0, 5)}", joined)
        out.append((joined, 0, _event("participant_joined", room, sid, at=joined, participant=person)))
        out.append((float(left), 1, _event("participant_left", room, sid, at=left, participant=person)))
    return out


@pytest.mark.parametrize("shuffled", [False, True])
async def test_incremental_peak_equals_the_recomputed_one(
    db: AsyncSession,
    make_room: MakeRoom,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    shuffled: bool,
) -> None:
    recomputed = 0
    real_recompute = recorder._recompute_peak

    async def counting(session: AsyncSession, rs: RoomSession, batch: Any = None) -> None:
        nonlocal recomputed
        recomputed += 1
        await real_recompute(session, rs, batch)

    monkeypatch.setattr(recorder, "_recompute_peak", counting)
    for seed in range(3):
        rng = random.Random(seed)
        room = await make_room()
        sid = f"RM_{uuid.uuid4().hex[:10]}"
        timeline = _timeline(room, sid, rng)
        events = [e for _, _, e in sorted(timeline, key=lambda t: (t[0], t[1]))]
        if shuffled:
            rng.shuffle(events)
        locked = await load_room(db, room.name, for_update=True)
        for event in events:
            await handlers.apply(db, event, locked, detection=settings.detection)
            rs = (await db.execute(select(RoomSession).where(RoomSession.sid == sid))).scalar_one()
            kept = rs.peak_participants
            assert kept == await recorder._peak(db, rs.id), (
                seed,
                event["event"],
                event["participant"]["sid"],
            )
        assert kept >= 2
    if not shuffled:
        assert recomputed == 0  # in order, the peak is only ever raised by a count of who is present
    else:
        assert recomputed > 0


async def test_a_batch_recomputes_its_stale_peaks_once_at_its_end(
    session_factory: async_sessionmaker[AsyncSession], make_room: MakeRoom, settings: Any
) -> None:
    """Two rooms' sessions, shuffled, applied as one batch: each peak equals the one recomputed from every
    session, and the batch read the sessions for its stale peaks once, for both rooms, at its end (not
    after each late join or early leave)."""
    rng = random.Random(7)
    rooms = [await make_room(), await make_room()]
    sids = {room.id: f"RM_{uuid.uuid4().hex[:10]}" for room in rooms}
    events: list[dict[str, Any]] = []
    for room in rooms:
        shuffled = [e for _, _, e in _timeline(room, sids[room.id], rng)]
        rng.shuffle(shuffled)
        events += shuffled
    await _store(session_factory, events)
    peak_reads: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if (
            "FROM participant_sessions" in statement
            and "participant_sessions.joined_at IS NOT NULL" in statement
        ):
            peak_reads.append(statement)

    engine = session_factory.kw["bind"].sync_engine
    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        applied = await webhook_jobs.apply_pending(session_factory, detection=settings.detection)
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)
    assert applied == len(events)
    assert len(peak_reads) == 1
    async with session_factory() as session:
        for room in rooms:
            query = select(RoomSession).where(RoomSession.sid == sids[room.id])
            rs = (await session.execute(query)).scalar_one()
            assert rs.peak_participants == await recorder._peak(session, rs.id)
            assert rs.peak_participants >= 2


def _call(room: Room, tag: str, base: float) -> list[dict[str, Any]]:
    """One room's call: a join, leave and re-join of one identity, a reconnect with a new sid (joined
    before the old one left), tracks, a seated identity leaving, and a late (out of order) join."""
    sid = f"RM_{tag}"

    def person(n: str, identity: str, joined: float) -> dict[str, Any]:
        return _participant(f"PA_{tag}_{n}", identity, joined, name=f"{identity} {n}")

    ann1, ann2, ann3 = (
        person("a1", "ann", base + 1),
        person("a2", "ann", base + 5),
        person("a3", "ann", base + 9),
    )
    bob, cal = person("b1", "bob", base + 2.5), person("c1", "cal", base + 3.25)
    track = {"sid": f"TR_{tag}_1", "type": "AUDIO", "source": "MICROPHONE"}

    def ev(kind: str, at: float, who: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        return _event(kind, room, sid, at=at, participant=who) | extra

    return [
        ev("room_started", base),
        ev("participant_joined", base + 1, ann1),
        ev("track_published", base + 2, ann1, track=track),
        ev("participant_joined", base + 2.5, bob),
        ev("track_unpublished", base + 3, ann1, track=track),
        ev("participant_left", base + 4, ann1 | {"disconnectReason": "CLIENT_INITIATED"}),
        ev("participant_joined", base + 5, ann2),  # the same identity again
        ev("participant_left", base + 6, bob | {"disconnectReason": "CLIENT_INITIATED"}),  # seated: frees it
        ev("participant_joined", base + 9, ann3),  # a reconnect: the new sid joins ...
        ev(
            "participant_left", base + 10, ann2 | {"disconnectReason": "DUPLICATE_IDENTITY"}
        ),  # ... the old leaves
        ev("participant_joined", base + 11, cal),  # joined at +3.25: before the peak's watermark
        ev("participant_left", base + 12, cal | {"disconnectReason": "CLIENT_INITIATED"}),
        ev("participant_left", base + 13, ann3 | {"disconnectReason": "CLIENT_INITIATED"}),
    ]


async def _call_rows(session: AsyncSession, room: Room, tag: str) -> dict[str, Any]:
    """Everything the call left behind, with the room's own names and sids made comparable."""

    def same(value: Any) -> str:
        return str(value).replace(tag, "T").replace(room.name, "R").replace(room.livekit_name, "R")

    rs = (await session.execute(select(RoomSession).where(RoomSession.room_id == room.id))).scalar_one()
    sessions = (
        await session.execute(
            select(ParticipantSession)
            .where(ParticipantSession.room_id == room.id)
            .order_by(ParticipantSession.id)
        )
    ).scalars()
    tracks = (await session.execute(select(Track).where(Track.room_session_id == rs.id))).scalars()
    members = (
        await session.execute(
            select(Participant).where(Participant.room_id == room.id).order_by(Participant.identity)
        )
    ).scalars()
    emitted = (
        await session.execute(select(Event).where(Event.room_name == room.name).order_by(Event.id))
    ).scalars()
    events = []
    for event in emitted:
        deliveries = await session.execute(select(func.count()).where(EventDelivery.event_id == event.id))
        wall_clock = event.type == str(EventType.SEAT_VACATED)  # occurred when applied, not in the call
        at = None if wall_clock else event.occurred_at
        events.append((event.type, same(event.data), at, deliveries.scalar_one()))
    seats = await session.execute(select(Seat.seat_index, Seat.identity).where(Seat.room_id == room.id))
    status = (await session.execute(select(Room.status).where(Room.id == room.id))).scalar_one()
    return {
        "room_session": (same(rs.sid), rs.started_at, rs.ended_at, rs.peak_participants, rs.latest_joined_at),
        "sessions": [
            (same(s.sid), s.identity, s.name, s.kind, s.joined_at, s.left_at, s.disconnect_reason, s.repaired)
            for s in sessions
        ],
        "tracks": sorted(
            (same(t.sid), same(t.participant_sid), t.identity, t.kind, t.published_at, t.unpublished_at)
            for t in tracks
        ),
        "members": [
            (m.identity, m.name, m.role, m.state, same(m.livekit_sid), m.joined_at, m.left_at)
            for m in members
        ],
        "events": events,
        "seats": sorted(seats.all()),
        "status": status,
    }


@pytest.mark.parametrize("split", [0, 6])
async def test_a_batch_leaves_the_same_rows_as_the_events_one_at_a_time(
    session_factory: async_sessionmaker[AsyncSession], make_room: MakeRoom, settings: Any, split: int
) -> None:
    """The applier's batch (calls/batch.py: rows read up front, answered from memory, written at the end)
    against each event applied on its own, without a batch; ``split``: events applied before the batch."""
    batched, single = await make_room(seats=2), await make_room(seats=2)
    async with session_factory() as session, session.begin():
        for room in (batched, single):  # bob holds a seat: his leaving frees it
            await session.execute(
                sa_update(Seat).where(Seat.room_id == room.id, Seat.seat_index == 0).values(identity="bob")
            )
        subscription = EventSubscription(
            public_id=f"sub_{uuid.uuid4().hex[:12]}",
            project_id=batched.project_id,
            url="https://example.invalid/hook",
            event_types="participant.* track.published",
            secret_sealed="unused",
            created_by="test",
        )
        session.add(subscription)
    batched_tag, single_tag = uuid.uuid4().hex[:8], uuid.uuid4().hex[:8]
    base = float(int(time.time()) - 3600)
    try:
        events = _call(batched, batched_tag, base)
        if split:
            await _store(session_factory, events[:split])
            assert await webhook_jobs.apply_pending(session_factory, detection=settings.detection) == split
        await _store(session_factory, events[split:])
        assert (
            await webhook_jobs.apply_pending(session_factory, detection=settings.detection)
            == len(events) - split
        )
        for event in _call(single, single_tag, base):
            async with session_factory() as session, session.begin():
                locked = await load_room(session, single.name, for_update=True)
                assert await handlers.apply(session, event, locked, detection=settings.detection) == "applied"
        async with session_factory() as session:
            got = await _call_rows(session, batched, batched_tag)
            want = await _call_rows(session, single, single_tag)
            outcomes = await session.execute(
                select(WebhookEvent.outcome, WebhookEvent.attempts).where(
                    WebhookEvent.room_name == batched.livekit_name
                )
            )
            assert set(outcomes.all()) == {("applied", 1)}
    finally:
        async with session_factory() as session, session.begin():
            await session.execute(delete(EventSubscription).where(EventSubscription.id == subscription.id))
    assert len(got["sessions"]) == 5 and len(got["tracks"]) == 1
    assert got["seats"] == want["seats"] == [(0, None), (1, None)]
    assert got["room_session"][3] == want["room_session"][3] == 3  # ann, bob and cal at +3.25
    assert sum(e[3] for e in got["events"]) > 0  # deliveries were written
    for key in ("sessions", "tracks", "members", "events", "room_session", "status"):
        assert got[key] == want[key], key


async def test_a_batch_enforces_only_the_newest_connection_still_open(
    session_factory: async_sessionmaker[AsyncSession],
    make_room: MakeRoom,
    settings: Any,
) -> None:
    # bob and eve are banned; bob reconnects with an old token and stays, eve joins and leaves within the
    # batch (gone: nothing to remove), mia reconnects (two connections: one check, for the newest).
    room = await make_room(call_type="audio")
    async with session_factory() as session, session.begin():
        for identity in ("bob", "eve"):
            await bans.upsert_ban(session, room, identity, expires_at=None, reason="abuse", actor=None)
    fake = FakeLiveKitGateway()
    fake.connect(room.livekit_name, "bob", grants=permissions.grants_for_role("member", "audio"))
    fake.connect(room.livekit_name, "mia", grants=permissions.grants_for_role("member", "audio"))
    sid, start = f"RM_{uuid.uuid4().hex[:10]}", time.time() - 60
    bob = _participant("PA_bob", "bob", start + 1)
    eve = _participant("PA_eve", "eve", start + 2)
    mia_old = _participant("PA_mia_1", "mia", start + 3)
    mia_new = _participant("PA_mia_2", "mia", start + 5)
    await _store(
        session_factory,
        [
            _event("room_started", room, sid, at=start),
            _event("participant_joined", room, sid, at=start + 1, participant=bob),
            _event("participant_joined", room, sid, at=start + 2, participant=eve),
            _event("participant_joined", room, sid, at=start + 3, participant=mia_old),
            _event("participant_left", room, sid, at=start + 4, participant=eve),
            _event("participant_joined", room, sid, at=start + 5, participant=mia_new),
            _event("participant_left", room, sid, at=start + 6, participant=mia_old),
        ],
    )
    applied = await webhook_jobs.apply_pending(
        session_factory,
        detection=settings.detection,
        gateway=fake,  # type: ignore[arg-type]
    )
    assert applied == 7
    assert fake.removed == [(room.livekit_name, "bob")]  # the banned one still connected, and only it
    # bob asked (no permission in the webhook) and removed, mia's newest connection asked once; eve, gone
    # within the batch, cost no call (before: a RemoveParticipant that found nobody).
    # (a room's permissions are asked first, all of them, then its enforcements run under one lock)
    assert sorted(fake.calls) == ["get_participant", "get_participant", "remove_participant"]
    assert fake.participants[room.livekit_name].keys() == {"mia"}
