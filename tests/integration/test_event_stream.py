"""GET /v1/events/stream: Server-Sent Events, resumable with Last-Event-ID."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.support import problem


async def _read_events(response: Any, count: int, until: str | None = None) -> list[dict[str, str]]:
    """Read ``count`` events, or until one of type ``until`` arrives."""
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}
    async for line in response.aiter_lines():
        if not line:
            if "data" in current:
                events.append(current)
                if len(events) == count or current.get("event") == until:
                    return events
            current = {}
            continue
        if line.startswith(":"):
            continue
        key, _, value = line.partition(":")
        current[key] = value.strip()
    return events


async def test_stream_delivers_new_events_and_resumes(api: Any, room_name: str) -> None:
    async with api.stream("GET", "/v1/events/stream", params={"room": room_name}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = asyncio.create_task(_read_events(response, 5, until="room.updated"))
        await asyncio.sleep(0.3)
        await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})
        await api.patch(f"/v1/rooms/{room_name}", json={"metadata": "1"})
        first = await asyncio.wait_for(reader, 15)
    types = [e["event"] for e in first]  # room.started (from LiveKit's webhook) may come in between
    assert types[0] == "room.created" and types[-1] == "room.updated", types
    assert json.loads(first[0]["data"])["room"] == room_name

    await api.patch(f"/v1/rooms/{room_name}", json={"metadata": "2"})
    headers = {"Last-Event-ID": first[-1]["id"]}
    params = {"room": room_name, "type": "room.updated"}
    async with api.stream("GET", "/v1/events/stream", params=params, headers=headers) as response:
        resumed = await asyncio.wait_for(_read_events(response, 1), 15)
    assert resumed[0]["event"] == "room.updated"
    assert json.loads(resumed[0]["data"])["data"]["metadata"] == "2"

    problem(await api.get("/v1/events/stream", headers={"Last-Event-ID": "evt_nope"}), 400, "bad-request")
