"""LiveKit stopped during a stream of create/join requests, then started again.

A private livekit-server (tests.stack.PrivateLiveKit, its own ports) and an isolated database: the
stream keeps creating rooms and joining them while the server is killed. Every answer must be a success
or a 503 problem+json with Retry-After (never a 500, a 502 or a hang); afterwards the rows agree with the
answers — a room whose create failed has no row, a refused join left no membership, nothing is stuck in
``creating`` — and once LiveKit is back everything succeeds again.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from tests.stack import PrivateLiveKit
from tests.support import eventually, problem

pytestmark = pytest.mark.faults
PORT = 7960
UNLIMITED = "default=100000/100000,rooms:write=100000/100000"


@pytest.fixture
def private_livekit(settings: Any) -> Iterator[PrivateLiveKit]:
    server = PrivateLiveKit(settings, PORT, webhooks=False)
    server.start()
    yield server
    server.stop()


@dataclass
class Outcomes:
    created: set[str] = field(default_factory=set)  # 201 (or 200 idempotent repeat)
    create_refused: set[str] = field(default_factory=set)  # 503
    joined: set[tuple[str, str]] = field(default_factory=set)
    join_refused: set[tuple[str, str]] = field(default_factory=set)
    unexpected: list[str] = field(default_factory=list)
    refusals: list[httpx.Response] = field(default_factory=list)


async def _now(value: int) -> int:
    return value


def _record(outcomes: Outcomes, response: httpx.Response, ok: set[Any], refused: set[Any], key: Any) -> None:
    if response.status_code in (200, 201):
        ok.add(key)
    elif response.status_code == 503:
        refused.add(key)
        outcomes.refusals.append(response)
    else:
        outcomes.unexpected.append(f"{key}: {response.status_code} {response.text[:300]}")


async def _stream(client: Any, prefix: str, outcomes: Outcomes, stop: asyncio.Event, worker: int) -> None:
    for n in itertools.count():
        if stop.is_set():
            return
        name = f"{prefix}-{worker}-{n}"
        created = await client.post("/v1/rooms", json={"name": name, "creator": "owner"})
        _record(outcomes, created, outcomes.created, outcomes.create_refused, name)
        # Join every room created so far by this worker (the newest and an older one).
        for room in {name, f"{prefix}-{worker}-{max(0, n - 3)}"} & outcomes.created:
            identity = f"u{n}"
            joined = await client.post(f"/v1/rooms/{room}/participants", json={"identity": identity})
            _record(outcomes, joined, outcomes.joined, outcomes.join_refused, (room, identity))
        await asyncio.sleep(0.02)


async def test_livekit_stopped_mid_stream(
    private_livekit: PrivateLiveKit, isolated_db: str, make_client: Any, room_name: str
) -> None:
    outcomes = Outcomes()
    async with make_client(
        DATABASE_URL=isolated_db,
        LIVEKIT_URL=private_livekit.url,
        LIVEKIT_PUBLIC_URL=private_livekit.ws_url,
        LIVEKIT_TIMEOUT="1",
        ROOMSVC_RATE_LIMITS=UNLIMITED,
    ) as client:
        client.timeout = httpx.Timeout(20)  # a hang fails the test through this timeout
        stop = asyncio.Event()
        workers = [asyncio.create_task(_stream(client, room_name, outcomes, stop, w)) for w in range(3)]
        try:
            await eventually(lambda: _now(len(outcomes.created)), check=lambda n: n >= 6, what="creates")
            await asyncio.to_thread(private_livekit.stop)
            await eventually(
                lambda: _now(len(outcomes.create_refused)),
                check=lambda n: n >= 6,
                what="creates refused while LiveKit is down",
            )
            created_before_restart = len(outcomes.created)
            await asyncio.to_thread(private_livekit.start)
            await eventually(
                lambda: _now(len(outcomes.created) - created_before_restart),
                check=lambda n: n >= 6,
                timeout=30,
                what="creates succeeding again after the restart",
            )
        finally:
            stop.set()
            await asyncio.gather(*workers)

        assert not outcomes.unexpected, outcomes.unexpected
        assert outcomes.join_refused, "no join was refused while LiveKit was down"
        for response in outcomes.refusals:
            body = problem(response, 503, "livekit-unavailable")
            assert int(response.headers["retry-after"]) >= 1, body

        # After the restart, a refused create succeeds when retried and a refused join too.
        retry_room = sorted(outcomes.create_refused - outcomes.created)[0]
        retried = await client.post("/v1/rooms", json={"name": retry_room, "creator": "owner"})
        assert retried.status_code == 201, retried.text
        outcomes.created.add(retry_room)
        outcomes.create_refused.discard(retry_room)
        rejoined = await client.post(f"/v1/rooms/{retry_room}/participants", json={"identity": "late"})
        assert rejoined.status_code == 201, rejoined.text
        outcomes.joined.add((retry_room, "late"))

    engine = create_async_engine(isolated_db)
    try:
        async with engine.connect() as connection:
            rooms = dict((await connection.execute(select_rooms())).all())
            members = {tuple(m) for m in (await connection.execute(select_members())).all()}
    finally:
        await engine.dispose()
    ours = {name: status for name, status in rooms.items() if name.startswith(room_name)}
    assert "creating" not in ours.values(), ours  # no half-written room
    assert set(ours) == outcomes.created, "rows must be exactly the rooms whose create succeeded"
    never_created = outcomes.create_refused - outcomes.created
    assert not never_created & set(ours)
    members = {(room, identity) for room, identity in members if room in ours and identity != "owner"}
    assert members == outcomes.joined, members ^ outcomes.joined  # refused joins left nothing behind

    # What LiveKit holds now agrees: every room created after the restart exists there.
    from roomsvc.config import load_settings
    from roomsvc.livekit import LiveKitGateway

    gateway = LiveKitGateway(load_settings({"LIVEKIT_URL": private_livekit.url}).livekit)
    try:
        live = {r.name for r in await gateway.list_rooms()}
    finally:
        await gateway.aclose()
    assert retry_room in live


def select_rooms() -> Any:
    from roomsvc.rooms.models import Room

    return select(Room.name, Room.status)


def select_members() -> Any:
    from roomsvc.participants.models import Participant
    from roomsvc.rooms.models import Room

    return select(Room.name, Participant.identity).join(Room, Room.id == Participant.room_id)
