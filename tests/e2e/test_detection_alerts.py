"""Alert policies with real clients: what the owner's client receives, and what LiveKit does to the suspect.

The test stands in for the worker at its API (signed with the worker credential, as the worker is) and
reports a window in ``alert`` for a real participant's real track; everything after that is the real
path: policy through the moderation service, data message through LiveKit, event in the outbox.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from livekit import rtc

from tests.e2e.clients import Tone, connected, wait_disconnected
from tests.support import eventually, problem, validated_audio_model

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def worker(api_server: str, settings: Any, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
    token = caller_token(
        scopes=["detection"],
        ttl=3600,
        credential_id=settings.detection.worker_credential_id,
        secret=settings.detection.worker_credential_secret,
    )
    async with httpx.AsyncClient(
        base_url=api_server, headers={"Authorization": f"Bearer {token}"}, timeout=20
    ) as c:
        yield c


@pytest.fixture(autouse=True)
async def validated_model(platform_api: Any, session_factory: Any) -> AsyncIterator[dict[str, Any]]:
    """mute and kick need a model the safety gate lets act: a version of the baseline's file whose registry
    row records validated rates (what `roomsvc detection evaluate --write-card` writes)."""
    async with validated_audio_model(platform_api, session_factory) as model:
        yield model


async def _setup(api: Any, room: str, policy: str, call_type: str = "audio") -> tuple[dict[str, Any], int]:
    body = {
        "name": room,
        "creator": "olga",
        "call_type": call_type,
        "seats": 0,
        "detection": {"enabled": True, "policy": policy, "mute_seconds": 60, "ban_seconds": 120},
    }
    created = await api.post("/v1/rooms", json=body)
    assert created.status_code == 201, created.text
    models = (await api.get("/v1/detection/models", params={"kind": "audio", "active": True})).json()["items"]
    [model] = [m for m in models if m["gate"]["actions_allowed"]]  # the validated model (fixture)
    return created.json(), model["id"]


async def _join(api: Any, room: str, identity: str) -> dict[str, Any]:
    response = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _alert(
    worker: httpx.AsyncClient, room: dict[str, Any], model_id: int, identity: str, track: str, sid: str
) -> dict[str, Any]:
    start = dt.datetime.now(dt.UTC)
    window = {
        "identity": identity,
        "participant_sid": sid,
        "track_sid": track,
        "kind": "audio",
        "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(seconds=4)).isoformat(),
        "score": 0.99,
        "smoothed_score": 0.98,
        "state": "alert",
        "model_id": model_id,
    }
    batch = {"job_id": "AJ_test", "room_sid": room["livekit_sid"], "windows": [window]}
    response = await worker.post(f"/v1/rooms/{room['name']}/detections", json=batch)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _collect(room: rtc.Room) -> list[dict[str, Any]]:
    """Alerts as a client must read them: on the topic and with no sender (sent by roomsvc through
    LiveKit's server API; anything a participant publishes carries its identity)."""
    messages: list[dict[str, Any]] = []

    def on_data(packet: rtc.DataPacket) -> None:
        if packet.topic == "roomsvc.detection" and packet.participant is None:
            messages.append(json.loads(packet.data))

    room.on("data_received", on_data)
    return messages


async def _got(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return messages


async def _published(livekit: Any, room: str, identity: str) -> Any:
    participant = await livekit.get_participant(room, identity)
    return participant if participant and participant.tracks else None


async def test_mute_policy_takes_the_microphone_and_tells_the_owner(
    api: Any, livekit: Any, worker: httpx.AsyncClient, room_name: str
) -> None:
    room, model_id = await _setup(api, room_name, "mute")
    owner, suspect = await _join(api, room_name, "olga"), await _join(api, room_name, "mallory")
    async with (
        connected(owner["url"], owner["token"]) as owner_room,
        connected(suspect["url"], suspect["token"]) as suspect_room,
    ):
        messages = _collect(owner_room)
        tone = Tone()
        publication = await tone.publish(suspect_room)
        participant = await eventually(
            lambda: _published(livekit, room_name, "mallory"), what="mallory's track"
        )
        result = await _alert(worker, room, model_id, "mallory", publication.sid, participant.sid)
        assert [(a["identity"], a["action"], a["notified"]) for a in result["alerts"]] == [
            ("mallory", "muted", ["olga"])
        ]
        await eventually(lambda: _got(messages), what="the alert at the owner's client")
        muted = await eventually(
            lambda: livekit.get_participant(room_name, "mallory"),
            check=lambda p: p is not None and "microphone" not in p.can_publish_sources and not p.tracks,
            what="mallory's microphone taken away in LiveKit",
        )
        assert muted.identity == "mallory"
        await tone.stop()
    message = messages[0]
    assert (
        message["type"] == "detection.alert" and message["action"] == "muted" and message["policy"] == "mute"
    )
    assert message["track_sid"] == publication.sid and message["score"] == pytest.approx(0.99)
    events = (await api.get("/v1/events", params={"room": room_name, "limit": 100})).json()["items"]
    types = [e["type"] for e in events]
    assert "detection.alert" in types and "participant.muted" in types


async def test_mute_policy_on_screen_share_audio_takes_every_audio_source(
    api: Any, livekit: Any, worker: httpx.AsyncClient, room_name: str
) -> None:
    """Forged speech played as screen-share audio: the mute takes that source and the microphone, so the
    voice cannot move to the other one; a forged alert from a participant never counts as one."""
    room, model_id = await _setup(api, room_name, "mute", call_type="video")
    owner, suspect = await _join(api, room_name, "olga"), await _join(api, room_name, "mallory")
    async with (
        connected(owner["url"], owner["token"]) as owner_room,
        connected(suspect["url"], suspect["token"]) as suspect_room,
    ):
        messages = _collect(owner_room)
        forged: list[rtc.DataPacket] = []
        owner_room.on("data_received", lambda p: forged.append(p) if p.participant is not None else None)
        tone = Tone()
        publication = await tone.publish(suspect_room, source=rtc.TrackSource.SOURCE_SCREENSHARE_AUDIO)
        participant = await eventually(
            lambda: _published(livekit, room_name, "mallory"), what="mallory's screen-share audio"
        )
        await suspect_room.local_participant.publish_data(
            json.dumps({"type": "detection.alert", "identity": "olga", "action": "kicked"}).encode(),
            reliable=True,
            destination_identities=["olga"],
            topic="roomsvc.detection",
        )
        await eventually(lambda: _got(forged), what="the forged alert at the owner's client")
        assert [t.source for t in participant.tracks] == ["screen_share_audio"]
        assert {"microphone", "screen_share_audio"} <= set(participant.can_publish_sources)
        result = await _alert(worker, room, model_id, "mallory", publication.sid, participant.sid)
        assert [(a["identity"], a["action"]) for a in result["alerts"]] == [("mallory", "muted")]
        await eventually(lambda: _got(messages), what="the alert at the owner's client")
        muted = await eventually(
            lambda: livekit.get_participant(room_name, "mallory"),
            check=lambda p: p is not None and not p.tracks,
            what="mallory's screen-share audio taken away in LiveKit",
        )
        await tone.stop()
    assert "screen_share_audio" not in muted.can_publish_sources
    assert "microphone" not in muted.can_publish_sources
    assert "camera" in muted.can_publish_sources  # an audio alert leaves the camera alone
    moderation = (await api.get(f"/v1/rooms/{room_name}/participants/mallory/moderation")).json()
    assert moderation["is_muted"] is True
    # The participant's forgery reached the owner's client with its sender stamped by LiveKit, so it
    # is told apart from the genuine alert, which has none.
    assert [p.participant.identity for p in forged if p.participant] == ["mallory"]
    assert [m["identity"] for m in messages] == ["mallory"] and messages[0]["action"] == "muted"


async def test_kick_policy_removes_and_bans_the_suspect(
    api: Any, livekit: Any, worker: httpx.AsyncClient, room_name: str
) -> None:
    room, model_id = await _setup(api, room_name, "kick")
    owner, suspect = await _join(api, room_name, "olga"), await _join(api, room_name, "mallory")
    async with (
        connected(owner["url"], owner["token"]) as owner_room,
        connected(suspect["url"], suspect["token"]) as suspect_room,
    ):
        messages = _collect(owner_room)
        tone = Tone()
        publication = await tone.publish(suspect_room)
        participant = await eventually(
            lambda: _published(livekit, room_name, "mallory"), what="mallory's track"
        )
        waiter = asyncio.create_task(wait_disconnected(suspect_room))
        await asyncio.sleep(0)
        result = await _alert(worker, room, model_id, "mallory", publication.sid, participant.sid)
        assert result["alerts"][0]["action"] == "kicked"
        assert await waiter == str(rtc.DisconnectReason.PARTICIPANT_REMOVED)
        await eventually(lambda: _got(messages), what="the alert at the owner's client")
        await tone.stop()
    assert messages[0]["action"] == "kicked"
    problem(
        await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "mallory"}),
        403,
        "identity-banned",
    )


async def test_the_owner_is_never_kicked_by_a_detector(
    api: Any, livekit: Any, worker: httpx.AsyncClient, room_name: str
) -> None:
    room, model_id = await _setup(api, room_name, "kick")
    owner = await _join(api, room_name, "olga")
    async with connected(owner["url"], owner["token"]) as owner_room:
        messages = _collect(owner_room)
        tone = Tone()
        publication = await tone.publish(owner_room)
        participant = await eventually(lambda: _published(livekit, room_name, "olga"), what="olga's track")
        result = await _alert(worker, room, model_id, "olga", publication.sid, participant.sid)
        assert result["alerts"][0]["action"].startswith("refused: ")
        await eventually(lambda: _got(messages), what="the alert at the owner's client")
        assert owner_room.isconnected() and await livekit.get_participant(room_name, "olga") is not None
        await tone.stop()
    assert messages[0]["action"].startswith("refused: ")
    events = (await api.get("/v1/events", params={"room": room_name, "type": "detection.alert"})).json()[
        "items"
    ]
    assert events[0]["data"]["action"].startswith("refused: ")
