"""LiveKit stopped mid-way: create and join answer 503 problem+json, nothing half-written, retry works.

A private livekit-server (same binary and livekit.yaml, other ports) is started and killed here, so the
shared server the rest of the suite uses is never disturbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from roomsvc.rooms.models import Room
from tests.stack import PrivateLiveKit
from tests.support import eventually, problem

pytestmark = pytest.mark.e2e
PORT = 7980


@pytest.fixture
def private_livekit(settings: Any) -> Iterator[PrivateLiveKit]:
    # No webhooks: stopping LiveKit sends `room_finished` for its rooms, and the suite's API would end the
    # room before the listing below asks LiveKit (an ended room is listed from its rows alone: 200).
    server = PrivateLiveKit(settings, PORT, webhooks=False)
    server.start()
    yield server
    server.stop()


async def _count(session_factory: Any, name: str) -> int:
    async with session_factory() as session:
        return int((await session.execute(select(func.count()).where(Room.name == name))).scalar_one())


async def test_livekit_stopped_gives_503_and_consistent_rows(
    private_livekit: PrivateLiveKit, make_client: Any, session_factory: Any, room_name: str
) -> None:
    async with make_client(
        LIVEKIT_URL=f"http://127.0.0.1:{PORT}",
        LIVEKIT_PUBLIC_URL=f"ws://127.0.0.1:{PORT}",
        LIVEKIT_TIMEOUT="2",
    ) as client:
        before = await client.post("/v1/rooms", json={"name": room_name, "creator": "alice"})
        assert before.status_code == 201, before.text

        private_livekit.stop()
        second = f"{room_name}-b"
        created = await client.post("/v1/rooms", json={"name": second, "creator": "alice"})
        problem(created, 503, "livekit-unavailable")
        assert int(created.headers["retry-after"]) >= 1
        assert await _count(session_factory, second) == 0  # no row claims a room LiveKit lacks
        joined = await client.post(f"/v1/rooms/{room_name}/participants", json={"identity": "bob"})
        problem(joined, 503, "livekit-unavailable")
        listing = await client.get(f"/v1/rooms/{room_name}/participants")
        problem(listing, 503, "livekit-unavailable")

        private_livekit.start()
        retried = await eventually(
            lambda: client.post("/v1/rooms", json={"name": second, "creator": "alice"}),
            check=lambda r: r.status_code == 201,
            what="create succeeding after LiveKit restart",
        )
        assert retried.json()["livekit_sid"]
        assert await _count(session_factory, second) == 1
        join_after = await eventually(
            lambda: client.post(f"/v1/rooms/{second}/participants", json={"identity": "bob"}),
            check=lambda r: r.status_code == 201,
            what="join succeeding after LiveKit restart",
        )
        assert join_after.json()["token"]
