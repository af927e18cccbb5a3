"""Webhook storm: 10,000 LiveKit events, 30% dropped, 10% duplicated, shuffled within rooms → exact records.

The timeline is synthetic and complete, so the truth is known: 100 rooms, each started, visited by
reconnecting participants who publish and unpublish a track and all leave, then finished. LiveKit
itself holds none of these rooms at the end (each was created through the API and then deleted in
LiveKit), so reconciliation must close whatever the dropped events left open. "Exact" then means:

- one record per LiveKit id that any delivered event named (room sessions, participant sessions, tracks,
  memberships, stored events) — duplicates changed nothing;
- every session, room session and room is closed after reconciliation;
- a time that a delivered event carried is recorded exactly as the timeline has it (a later real
  ``participant_left`` replaces a time inferred from ``room_finished``), whatever the order;
- a time no delivered event carried is inferred, never invented: a leave inferred from the room's end or
  from reconciliation, never before the join;
- in the ten control rooms nothing is dropped (only duplicated and shuffled), so every field is exact,
  the peak included.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from roomsvc.webhooks.verify import sign_webhook

pytestmark = pytest.mark.faults
ROOMS = 100
CONTROL_ROOMS = 10
TOTAL_EVENTS = 10_000
DROP = 0.30
DUPLICATE = 0.10
IDENTITIES_PER_ROOM = 12
SEND_CONCURRENCY = 8
UNLIMITED = "default=100000/100000,rooms:write=100000/100000"
CT = {"content-type": "application/webhook+json"}


def _at(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@dataclass
class SessionTruth:
    room: str
    sid: str
    identity: str
    joined_ms: int
    left_s: int
    track_sid: str
    published_s: int
    unpublished_s: int


@dataclass
class RoomTruth:
    name: str
    sid: str
    control: bool
    started_s: int
    finished_s: int = 0
    sessions: list[SessionTruth] = field(default_factory=list)


@dataclass
class Event:
    id: str
    kind: str
    room: RoomTruth
    created_s: int
    session: SessionTruth | None = None

    def body(self) -> bytes:
        room = {"sid": self.room.sid, "name": self.room.name, "creationTime": str(self.room.started_s)}
        event: dict[str, Any] = {
            "event": self.kind,
            "id": self.id,
            "createdAt": str(self.created_s),
            "room": room,
        }
        if self.session is not None:
            s = self.session
            event["participant"] = {
                "sid": s.sid,
                "identity": s.identity,
                "name": s.identity.upper(),
                "state": "ACTIVE",
                "joinedAt": str(s.joined_ms // 1000),
                "joinedAtMs": str(s.joined_ms),
                "kind": "STANDARD",
                **({"disconnectReason": "CLIENT_INITIATED"} if self.kind == "participant_left" else {}),
            }
            if self.kind.startswith("track_"):
                event["track"] = {"sid": s.track_sid, "type": "AUDIO", "source": "MICROPHONE", "name": "mic"}
        return json.dumps(event, separators=(",", ":")).encode()


def _timeline(rooms: list[tuple[str, str]], rng: random.Random) -> tuple[list[RoomTruth], list[Event]]:
    """Rooms with reconnecting participants; every participant leaves, then every room finishes."""
    base = int(time.time()) - 3 * 3600
    sessions_total = (TOTAL_EVENTS - 2 * len(rooms)) // 4  # 2 room events + 4 per session
    per_room = [sessions_total // len(rooms)] * len(rooms)
    for i in range(sessions_total - sum(per_room)):
        per_room[i] += 1
    truths: list[RoomTruth] = []
    events: list[Event] = []
    for index, ((name, sid), count) in enumerate(zip(rooms, per_room, strict=True)):
        room = RoomTruth(name=name, sid=sid, control=index < CONTROL_ROOMS, started_s=base + index * 7)
        free_at = {
            f"user-{k}": room.started_s * 1000 + rng.randint(100, 5000) for k in range(IDENTITIES_PER_ROOM)
        }
        for n in range(count):
            identity = (
                min(free_at, key=lambda i: (free_at[i], i)) if n >= IDENTITIES_PER_ROOM else f"user-{n}"
            )
            joined_ms = free_at[identity] + rng.randint(0, 3000)
            left_s = joined_ms // 1000 + rng.randint(4, 120)
            session = SessionTruth(
                room=name,
                sid=f"PA_{sid}_{n}",
                identity=identity,
                joined_ms=joined_ms,
                left_s=left_s,
                track_sid=f"TR_{sid}_{n}",
                published_s=joined_ms // 1000 + 1,
                unpublished_s=left_s - 1,
            )
            free_at[identity] = left_s * 1000 + rng.randint(200, 20_000)  # reconnects come later
            room.sessions.append(session)
        room.finished_s = max(s.left_s for s in room.sessions) + 5
        truths.append(room)
        events.append(Event(f"EV_{sid}_rs", "room_started", room, room.started_s))
        events.append(Event(f"EV_{sid}_rf", "room_finished", room, room.finished_s))
        for s in room.sessions:
            events.append(Event(f"EV_{s.sid}_j", "participant_joined", room, s.joined_ms // 1000, s))
            events.append(Event(f"EV_{s.sid}_tp", "track_published", room, s.published_s, s))
            events.append(Event(f"EV_{s.sid}_tu", "track_unpublished", room, s.unpublished_s, s))
            events.append(Event(f"EV_{s.sid}_l", "participant_left", room, s.left_s, s))
    assert len(events) == TOTAL_EVENTS
    return truths, events


def _deliveries(events: list[Event], rng: random.Random) -> tuple[set[str], list[Event]]:
    """Drop 30% (never in control rooms), duplicate 10%, shuffle within each room, interleave rooms."""
    droppable = [e for e in events if not e.room.control]
    dropped = {e.id for e in rng.sample(droppable, int(TOTAL_EVENTS * DROP))}
    delivered = [e for e in events if e.id not in dropped]
    sent = delivered + rng.sample(delivered, int(len(delivered) * DUPLICATE))
    per_room: dict[str, list[Event]] = defaultdict(list)
    for event in sent:
        per_room[event.room.name].append(event)
    for stream in per_room.values():
        rng.shuffle(stream)
    order: list[Event] = []
    queues = {name: list(reversed(stream)) for name, stream in per_room.items()}
    while queues:
        name = rng.choice(sorted(queues))
        order.append(queues[name].pop())
        if not queues[name]:
            del queues[name]
    return {e.id for e in delivered}, order


def _expected_peak(sessions: list[SessionTruth]) -> int:
    """The recorder's documented rule: present until the end of the second of the leave."""
    points: list[tuple[dt.datetime, int, str]] = []
    for s in sessions:
        joined = _at(s.joined_ms / 1000)
        points.append((joined, 0, s.identity))
        left = max(_at(s.left_s), joined).replace(microsecond=0) + dt.timedelta(seconds=1)
        points.append((left, 1, s.identity))
    points.sort()
    present: dict[str, int] = {}
    peak = 0
    for _, leaving, identity in points:
        present[identity] = present.get(identity, 0) + (-1 if leaving else 1)
        if present[identity] <= 0:
            present.pop(identity)
        peak = max(peak, len(present))
    return peak


@pytest.mark.timeout(420)  # 10,000 events applied at ~100/s on 2 shared cores; the test bounds its own wait
async def test_webhook_storm_then_reconciliation_gives_exact_records(
    isolated_db: str, make_client: Any, settings: Any, room_name: str
) -> None:
    from roomsvc.calls.jobs import completer
    from roomsvc.calls.models import ParticipantSession, RoomSession, Track
    from roomsvc.calls.reconcile import reconcile
    from roomsvc.db import create_engine, create_session_factory
    from roomsvc.livekit import LiveKitGateway
    from roomsvc.participants.models import Participant
    from roomsvc.rooms.models import Room
    from roomsvc.webhooks.models import WebhookEvent

    rng = random.Random(20261123)
    gateway = LiveKitGateway(settings.livekit)
    engine = create_engine(dataclasses.replace(settings.database, url=isolated_db))
    session_factory = create_session_factory(engine)
    key, secret = settings.livekit.api_key, settings.livekit.api_secret
    try:
        async with make_client(DATABASE_URL=isolated_db, ROOMSVC_RATE_LIMITS=UNLIMITED) as client:
            rooms: list[tuple[str, str]] = []
            for i in range(ROOMS):
                name = f"{room_name}-s{i}"
                created = await client.post("/v1/rooms", json={"name": name, "creator": "owner"})
                assert created.status_code == 201, created.text
                rooms.append((name, created.json()["livekit_sid"]))
            # LiveKit loses every room (its own room_finished goes to the shared API, not here).
            await asyncio.gather(*(gateway.delete_room(name) for name, _ in rooms))

            truths, events = _timeline(rooms, rng)
            delivered_ids, order = _deliveries(events, rng)
            statuses: dict[str, int] = defaultdict(int)
            queue: asyncio.Queue[Event] = asyncio.Queue()
            for event in order:
                queue.put_nowait(event)

            async def sender() -> None:
                while not queue.empty():
                    event = queue.get_nowait()
                    body = event.body()
                    token = sign_webhook(body, api_key=key, api_secret=secret)
                    response = await client.post(
                        settings.webhook_path, content=body, headers=CT | {"Authorization": token}
                    )
                    assert response.status_code == 200, response.text
                    statuses[response.json()["status"]] += 1

            await asyncio.gather(*(sender() for _ in range(SEND_CONCURRENCY)))
            assert statuses["accepted"] == len(delivered_ids)
            assert statuses["duplicate"] == len(order) - len(delivered_ids)

            async def pending() -> int:
                async with session_factory() as session:
                    query = select(func.count()).where(WebhookEvent.processed_at.is_(None))
                    return int((await session.execute(query)).scalar_one())

            deadline = time.monotonic() + 240
            while await pending():
                assert time.monotonic() < deadline, "the stored events were not all applied"
                await asyncio.sleep(0.5)

        reconciled_from = dt.datetime.now(dt.UTC).replace(microsecond=0)
        await reconcile(
            session_factory,
            gateway,
            grace=0,
            rooms=[name for name, _ in rooms],
            complete_pending=completer(settings.detection),
        )

        async with session_factory() as session:
            stored = (await session.execute(select(WebhookEvent.event_id, WebhookEvent.outcome))).all()
            room_rows = {r.name: r for r in (await session.execute(select(Room))).scalars()}
            room_sessions = {r.sid: r for r in (await session.execute(select(RoomSession))).scalars()}
            sessions = {s.sid: s for s in (await session.execute(select(ParticipantSession))).scalars()}
            tracks = {t.sid: t for t in (await session.execute(select(Track))).scalars()}
            members = (
                await session.execute(
                    select(Room.name, Participant.identity, Participant.state).join(
                        Room, Room.id == Participant.room_id
                    )
                )
            ).all()
    finally:
        await gateway.aclose()
        await engine.dispose()

    # Stored once each, all applied.
    assert sorted(e for e, _ in stored) == sorted(delivered_ids)
    assert {outcome for _, outcome in stored} == {"applied"}

    by_id = {e.id: e for e in events}
    got = {
        kind: {by_id[i].session.sid for i in delivered_ids if by_id[i].kind == kind and by_id[i].session}
        for kind in ("participant_joined", "participant_left", "track_published", "track_unpublished")
    }
    all_sessions = {s.sid: s for room in truths for s in room.sessions}
    expected_sessions = got["participant_joined"] | got["participant_left"]
    assert set(sessions) == expected_sessions
    assert set(tracks) == {
        all_sessions[sid].track_sid for sid in got["track_published"] | got["track_unpublished"]
    }
    assert set(room_sessions) == {room.sid for room in truths}
    expected_members = {(all_sessions[sid].room, all_sessions[sid].identity) for sid in expected_sessions}
    still_open = sorted(sid for sid, record in sessions.items() if record.left_at is None)
    assert not still_open, (
        f"{len(still_open)} sessions still open after reconciliation, e.g. {still_open[:5]}"
    )
    assert {(room, identity) for room, identity, _ in members if identity != "owner"} == expected_members
    assert {state for _, identity, state in members if identity != "owner"} == {"left"}

    delivered_kinds = {(by_id[i].room.name, by_id[i].kind) for i in delivered_ids}
    for room in truths:
        row, rs = room_rows[room.name], room_sessions[room.sid]
        assert row.status == "ended", room.name
        assert rs.ended_at is not None, room.name
        if (room.name, "room_started") in delivered_kinds:
            assert rs.started_at == _at(room.started_s)
        if (room.name, "room_finished") in delivered_kinds:
            assert rs.ended_at == _at(room.finished_s)
        else:
            assert rs.ended_at >= reconciled_from
        if room.control:
            assert rs.peak_participants == _expected_peak(room.sessions), room.name

    ended = {room.name: room_sessions[room.sid].ended_at for room in truths}
    for sid, record in sessions.items():
        truth = all_sessions[sid]
        joined, left = sid in got["participant_joined"], sid in got["participant_left"]
        assert record.identity == truth.identity
        assert record.left_at is not None, f"{sid} still open after reconciliation"
        if joined:
            assert record.joined_at == _at(truth.joined_ms / 1000), sid
            assert record.left_at >= record.joined_at, sid
        if left:
            assert record.left_at == max(_at(truth.left_s), record.joined_at or _at(0)), sid
            assert record.disconnect_reason == "client_initiated", sid
        else:
            assert record.disconnect_reason in ("room_finished", "reconciled"), (
                sid,
                record.disconnect_reason,
            )
            room_end = ended[truth.room]
            assert room_end is not None
            assert record.left_at == max(room_end, record.joined_at or room_end), sid
    by_track = {s.track_sid: s for s in all_sessions.values()}
    for sid, track in tracks.items():
        truth = by_track[sid]
        if truth.sid in got["track_published"]:
            assert track.published_at == _at(truth.published_s)
        if truth.sid in got["track_unpublished"]:
            assert track.unpublished_at == _at(truth.unpublished_s)
