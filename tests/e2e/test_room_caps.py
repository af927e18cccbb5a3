"""``max_participants`` is LiveKit's to enforce: 100 real clients rush a room of 10.

roomsvc's join route refuses a token once LiveKit already lists ``max_participants`` people, but that
count cannot hold against clients that all got their tokens before anyone connected (or kept an older
token). So all 100 tokens are minted first, while the room is empty (the route must mint every one of
them), then the 100 clients connect at once: only LiveKit's CreateRoom ``max_participants`` can keep
the room at 10.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from livekit import rtc

pytestmark = pytest.mark.e2e

CAP = 10
ATTEMPTS = 100
CONCURRENCY = 25  # connects in flight at once: enough to race, light enough for a 2-core machine


async def test_one_hundred_concurrent_joins_into_a_room_of_ten(
    api: Any, livekit: Any, room_name: str
) -> None:
    body = {"name": room_name, "creator": "host", "call_type": "audio", "max_participants": CAP}
    created = await api.post("/v1/rooms", json=body)
    assert created.status_code == 201, created.text
    lk_room = await livekit.get_room(room_name)
    assert lk_room is not None and lk_room.max_participants == CAP

    async def mint(i: int) -> dict[str, Any]:
        response = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": f"rush-{i:03d}"})
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    tokens = await asyncio.gather(*(mint(i) for i in range(ATTEMPTS)))
    assert len({t["token"] for t in tokens}) == ATTEMPTS  # roomsvc's own count saw an empty room

    gate = asyncio.Semaphore(CONCURRENCY)
    rooms: list[rtc.Room] = []
    refused: list[str] = []

    async def connect(token: dict[str, Any]) -> None:
        async with gate:
            room = rtc.Room()
            try:
                await room.connect(token["url"], token["token"], rtc.RoomOptions(auto_subscribe=False))
            except rtc.ConnectError as exc:
                refused.append(str(exc))
                return
            rooms.append(room)

    try:
        await asyncio.gather(*(connect(t) for t in tokens))
        present = [p for p in await livekit.list_participants(room_name) if p.kind == "standard"]
        still_connected = [r for r in rooms if r.isconnected()]
    finally:
        await asyncio.gather(*(r.disconnect() for r in rooms), return_exceptions=True)

    print(f"max_participants={CAP}: {len(rooms)} of {ATTEMPTS} connected, {len(refused)} refused")
    assert 0 < len(present) <= CAP, [p.identity for p in present]
    assert len(still_connected) <= CAP
    assert len(rooms) + len(refused) == ATTEMPTS
    assert len(refused) >= ATTEMPTS - CAP
