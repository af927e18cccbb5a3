"""A room's `auto_record` on the real stack: a real LiveKit client joins, LiveKit's `participant_joined`
webhook creates the recording, and `roomsvc jobs` dispatches the recorder agent in LiveKit (once)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.e2e.clients import connected
from tests.support import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("jobs_process")]


async def test_a_participant_joining_starts_one_auto_recording_and_dispatches_the_recorder(
    api: httpx.AsyncClient, livekit: Any, settings: Any, room_name: str
) -> None:
    created = await api.post(
        "/v1/rooms", json={"name": room_name, "creator": "alice", "auto_record": "room_audio"}
    )
    assert created.status_code == 201 and created.json()["auto_record"] == "room_audio", created.text
    assert (await api.get("/v1/recordings", params={"room": room_name})).json()["items"] == []
    tokens = []
    for identity in ("alice", "bob"):
        joined = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": identity})
        assert joined.is_success, joined.text
        tokens.append(joined.json()["token"])
    async with connected(settings.livekit.public_url, tokens[0]):

        async def dispatched() -> list[dict[str, Any]]:
            items = (await api.get("/v1/recordings", params={"room": room_name})).json()["items"]
            return [r for r in items if r["dispatch_id"]]

        (recording,) = await eventually(dispatched, timeout=20, what="the auto recording dispatched")
        assert recording["auto"] is True and recording["kind"] == "room_audio"
        assert recording["requested_by"] == "auto_record" and recording["backend"] == "agent"
        ours = [
            (dispatch_id, json.loads(metadata))
            for dispatch_id, name, metadata in await livekit.list_dispatch_details(room_name)
            if name == settings.recording.agent_name
        ]
        assert ours == [(recording["dispatch_id"], ours[0][1])]
        assert ours[0][1]["recording_id"] == recording["id"] and ours[0][1]["kind"] == "room_audio"

        # A second participant in the same LiveKit session starts nothing more.
        async with connected(settings.livekit.public_url, tokens[1]):
            calls = await eventually(
                lambda: _calls(api, room_name), check=lambda n: n >= 2, what="bob's join applied"
            )
            assert calls >= 2
        items = (await api.get("/v1/recordings", params={"room": room_name})).json()["items"]
        assert [r["id"] for r in items] == [recording["id"]]
        recorder_dispatches = [
            d
            for d, name, _ in await livekit.list_dispatch_details(room_name)
            if name == settings.recording.agent_name
        ]
        assert recorder_dispatches == [recording["dispatch_id"]]

    # PATCH turns it off for the next start.
    patched = await api.patch(f"/v1/rooms/{room_name}", json={"auto_record": "off"})
    assert patched.status_code == 200 and patched.json()["auto_record"] == "off"


async def _calls(api: httpx.AsyncClient, room: str) -> int:
    events = (await api.get("/v1/events", params={"room": room, "limit": 100})).json()["items"]
    return len([e for e in events if e["type"] == "participant.joined"])
