"""The foundation smoke test: API → LiveKit room → token → real WebRTC client → signed webhook back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.webhooks.models import WebhookEvent
from tests.e2e.clients import Tone, connected
from tests.support import eventually

pytestmark = pytest.mark.e2e


async def test_create_join_connect_publish_and_webhook(
    api: Any, livekit: Any, session_factory: Any, room_name: str
) -> None:
    created = await api.post(
        "/v1/rooms", json={"name": room_name, "creator": "alice", "call_type": "audio", "seats": 0}
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "created"

    lk_rooms = await livekit.list_rooms([room_name])
    assert [r.name for r in lk_rooms] == [room_name]

    joined = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "bob", "role": "member"})
    assert joined.status_code == 201, joined.text
    body = joined.json()
    assert body["grants"]["can_publish"] is True

    async with connected(body["url"], body["token"]) as room:
        tone = Tone()
        publication = await tone.publish(room)
        try:
            participants = await eventually(
                lambda: livekit.list_participants(room_name),
                check=lambda ps: any(p.identity == "bob" and p.tracks for p in ps),
                what="bob's published track in LiveKit",
            )
            bob = next(p for p in participants if p.identity == "bob")
            assert [t.sid for t in bob.tracks] == [publication.sid]
            assert bob.tracks[0].source == "microphone"

            async def joined_events() -> list[WebhookEvent]:
                async with session_factory() as session:
                    rows = await session.execute(
                        select(WebhookEvent).where(
                            WebhookEvent.room_name == room_name,
                            WebhookEvent.event_type == "participant_joined",
                        )
                    )
                    return list(rows.scalars())

            # The row exists only if the webhook passed signature verification in the API process.
            events = await eventually(joined_events, what="participant_joined webhook stored")
            assert events[0].participant_identity == "bob"
            assert events[0].participant_sid == bob.sid
        finally:
            await tone.stop()
