"""The waiting room with real clients: a lobby join gets no token until admitted, the knock reaches the
owner's client as a notice, and the admitted identity connects with its token and is seen by the owner."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from livekit import rtc

from tests.e2e.clients import connected
from tests.support import eventually

pytestmark = pytest.mark.e2e

APP_SCOPES = ["rooms:read", "rooms:write", "moderation"]


@pytest.fixture
async def app_api(api_server: str, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An app backend without the admin scope (that scope skips the lobby)."""
    headers = {"Authorization": f"Bearer {caller_token(scopes=APP_SCOPES, ttl=3600)}"}
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as client:
        yield client


def _notices(room: rtc.Room) -> list[dict[str, Any]]:
    """roomsvc's notices as a client reads them: on the topic, sent by the server (no participant)."""
    received: list[dict[str, Any]] = []

    def on_data(packet: rtc.DataPacket) -> None:
        if packet.topic == "roomsvc.notice" and packet.participant is None:
            received.append(json.loads(packet.data))

    room.on("data_received", on_data)
    return received


async def test_a_lobby_join_connects_only_once_admitted(
    app_api: httpx.AsyncClient, livekit: Any, room_name: str
) -> None:
    created = await app_api.post("/v1/rooms", json={"name": room_name, "creator": "olivia", "lobby": True})
    assert created.status_code == 201, created.text
    owner = await app_api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "olivia"})
    assert owner.status_code == 201, owner.text  # the owner does not wait
    url = owner.json()["url"]

    async with connected(url, owner.json()["token"]) as owner_room:
        notices = _notices(owner_room)
        knock = await app_api.post(
            f"/v1/rooms/{room_name}/participants", json={"identity": "bob", "name": "Bob"}
        )
        assert knock.status_code == 202, knock.text
        assert "token" not in knock.json()
        request_id = knock.json()["id"]

        async def knocks() -> list[dict[str, Any]]:
            return [n for n in notices if n["type"] == "join_request.created"]

        shown = await eventually(knocks, what="the knock at the owner's client")
        assert shown[0]["request_id"] == request_id
        assert shown[0]["identity"] == "bob" and shown[0]["name"] == "Bob" and shown[0]["room"] == room_name

        # Still waiting: another join gets the same request, and LiveKit has never seen bob.
        again = await app_api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "bob"})
        assert again.status_code == 202 and again.json()["id"] == request_id
        assert await livekit.get_participant(owner_room.name, "bob") is None

        admitted = await app_api.post(
            f"/v1/rooms/{room_name}/join-requests/{request_id}/admit", json={"actor": "olivia"}
        )
        assert admitted.status_code == 200, admitted.text
        joined = await app_api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "bob"})
        assert joined.status_code == 201, joined.text

        async with connected(joined.json()["url"], joined.json()["token"]) as bob_room:
            assert bob_room.local_participant.identity == "bob"
            await eventually(
                lambda: _remote(owner_room), check=lambda ids: "bob" in ids, what="bob in the owner's room"
            )
            assert "olivia" in bob_room.remote_participants
            live = await livekit.get_participant(owner_room.name, "bob")
            assert live is not None

        async def admissions() -> list[dict[str, Any]]:
            return [n for n in notices if n["type"] == "join_request.admitted" and n["identity"] == "bob"]

        await eventually(admissions, what="the admission notice at the owner's client")


async def _remote(room: rtc.Room) -> set[str]:
    return set(room.remote_participants)
