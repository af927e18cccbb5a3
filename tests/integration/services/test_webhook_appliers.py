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
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from roomsvc.calls import recorder
from roomsvc.calls.models import ParticipantSession, RoomSession
from roomsvc.db import create_engine, create_session_factory, utcnow
from roomsvc.events.models import Event
from roomsvc.events.types import EventType
from roomsvc.rooms.models import Room
from roomsvc.webhooks import handlers
from roomsvc.webhooks import jobs as webhook_jobs
from roomsvc.webhooks.models import WebhookEvent
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

    async def counting(session: AsyncSession, rs: RoomSession) -> None:
        nonlocal recomputed
        recomputed += 1
        await real_recompute(session, rs)

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
