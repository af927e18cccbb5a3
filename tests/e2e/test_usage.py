"""Usage from a real call: two `livekit` rtc clients join a room and leave; GET /v1/usage shows the room
with the participant-minutes of its call record and a peak of 2."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.clients import connected
from tests.support import eventually

pytestmark = pytest.mark.e2e


async def _call(api: Any, room: str) -> dict[str, Any]:
    calls = (await api.get(f"/v1/rooms/{room}/calls")).json()["items"]
    if not calls:
        return {}
    return (await api.get(f"/v1/calls/{calls[0]['id']}")).json()  # type: ignore[no-any-return]


async def _room_usage(api: Any, room: str, around: dict[str, str]) -> dict[str, Any]:
    response = await api.get("/v1/usage", params={**around, "group_by": "room", "room": room})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return items[0] if items else {}  # type: ignore[no-any-return]


async def test_a_call_of_two_clients_shows_in_usage(api: Any, room_name: str) -> None:
    now = dt.datetime.now(dt.UTC)
    around = {
        "from": (now - dt.timedelta(hours=1)).isoformat(),
        "to": (now + dt.timedelta(hours=1)).isoformat(),
    }
    created = await api.post("/v1/rooms", json={"name": room_name, "creator": "alice", "call_type": "audio"})
    assert created.status_code == 201, created.text
    tokens = {}
    for identity in ("alice", "bob"):
        joined = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": identity})
        assert joined.status_code == 201, joined.text
        tokens[identity] = joined.json()
    # Nobody has connected yet: no participant-minutes (the LiveKit room itself may already be live).
    before = await _room_usage(api, room_name, around)
    assert before.get("participant_minutes", 0) == 0 and before.get("peak_concurrency", 0) == 0
    async with (
        connected(tokens["alice"]["url"], tokens["alice"]["token"]),
        connected(tokens["bob"]["url"], tokens["bob"]["token"]),
    ):
        # While both are connected their open sessions count, up to now: wait until they have lasted a
        # few seconds (LiveKit reports leave times in whole seconds, so a sub-second session records as
        # zero-length).
        live = await eventually(
            lambda: _room_usage(api, room_name, around),
            check=lambda u: u.get("peak_concurrency") == 2 and u["participant_minutes"] >= 5 / 60,
            what="usage shows both clients connected for a few seconds",
        )
        assert live["room"] == room_name
    call = await eventually(
        lambda: _call(api, room_name),
        check=lambda c: len(c.get("participants", [])) == 2 and all(p["left_at"] for p in c["participants"]),
        what="both sessions closed in the call record",
    )
    recorded_minutes = sum(p["duration_seconds"] for p in call["participants"]) / 60
    used = await _room_usage(api, room_name, around)
    assert used["project"] == "default"
    assert used["peak_concurrency"] == 2 == call["peak_participants"], (used, call)
    assert used["participant_minutes"] > 0
    assert used["participant_minutes"] == pytest.approx(recorded_minutes, abs=0.001)
    # The LiveKit room was live at least as long as either client was in it.
    longest = max(p["duration_seconds"] for p in call["participants"]) / 60
    assert used["room_minutes"] >= longest - 0.001
    # The project's per-day report over the same range holds at least this room's minutes and peak.
    days = (await api.get("/v1/usage", params={**around, "group_by": "day"})).json()
    assert sum(item["participant_minutes"] for item in days["items"]) >= used["participant_minutes"] - 0.003
    assert days["totals"]["peak_concurrency"] >= 2
