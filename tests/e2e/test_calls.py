"""Call records from real LiveKit webhooks: sessions, reconnects, tracks, status, replay-safety."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from sqlalchemy import select, text

from roomsvc.webhooks.models import WebhookEvent
from roomsvc.webhooks.verify import sign_webhook
from tests.e2e.clients import Tone, connected
from tests.support import DEFAULT_PROJECT_ID, eventually

pytestmark = pytest.mark.e2e


async def _join(api: Any, room: str, identity: str) -> dict[str, Any]:
    response = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _call(api: Any, room: str) -> dict[str, Any]:
    calls = (await api.get(f"/v1/rooms/{room}/calls")).json()["items"]
    if not calls:
        return {}
    return (await api.get(f"/v1/calls/{calls[0]['id']}")).json()  # type: ignore[no-any-return]


async def test_session_records_and_room_status_follow_livekit(api: Any, room_name: str) -> None:
    assert (
        await api.post(
            "/v1/rooms", json={"name": room_name, "creator": "o", "call_type": "audio", "seats": 0}
        )
    ).status_code == 201
    alice = await _join(api, room_name, "alice")
    bob = await _join(api, room_name, "bob")
    async with connected(alice["url"], alice["token"]) as a_room:
        async with connected(bob["url"], bob["token"]):
            tone = Tone()
            await tone.publish(a_room)
            await eventually(
                lambda: _call(api, room_name),
                check=lambda c: len(c.get("participants", [])) == 2 and c.get("tracks"),
                what="two sessions and a track recorded",
            )
            room = (await api.get(f"/v1/rooms/{room_name}")).json()
            assert room["status"] == "active"
            await tone.stop()
        call = await eventually(
            lambda: _call(api, room_name),
            check=lambda c: any(p["left_at"] for p in c["participants"]),
            what="bob's session closed",
        )
    call = await eventually(
        lambda: _call(api, room_name),
        check=lambda c: all(p["left_at"] for p in c["participants"]),
        what="all closed",
    )
    assert call["peak_participants"] == 2
    by_identity = {p["identity"]: p for p in call["participants"]}
    assert by_identity["bob"]["disconnect_reason"] == "client_initiated"
    assert by_identity["bob"]["duration_seconds"] >= 0
    assert call["tracks"][0]["source"] == "microphone" and call["tracks"][0]["identity"] == "alice"
    assert call["tracks"][0]["unpublished_at"]
    room = await eventually(
        lambda: _room(api, room_name),
        check=lambda r: r["status"] == "created",
        what="room back to created when empty",
    )
    listed = (await api.get("/v1/calls", params={"identity": "bob", "room": room_name})).json()["items"]
    assert [c["id"] for c in listed] == [call["id"]]
    types = {
        e["type"]
        for e in (await api.get("/v1/events", params={"room": room_name, "limit": 100})).json()["items"]
    }
    assert {
        "room.created",
        "room.started",
        "participant.joined",
        "participant.left",
        "track.published",
        "track.unpublished",
    } <= types


async def _room(api: Any, name: str) -> dict[str, Any]:
    return (await api.get(f"/v1/rooms/{name}")).json()  # type: ignore[no-any-return]


async def test_quick_reconnect_gives_two_sessions_first_closed(api: Any, room_name: str) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    first = await _join(api, room_name, "carol")
    second = await _join(api, room_name, "carol")
    async with connected(first["url"], first["token"]):
        await eventually(
            lambda: _call(api, room_name),
            check=lambda c: len(c.get("participants", [])) == 1,
            what="first session",
        )
        async with connected(second["url"], second["token"]):  # LiveKit replaces the first connection
            call = await eventually(
                lambda: _call(api, room_name),
                check=lambda c: (
                    len(c["participants"]) == 2 and sum(1 for p in c["participants"] if p["left_at"]) == 1
                ),
                what="two sessions, one closed",
            )
            participants = (await api.get(f"/v1/rooms/{room_name}/participants/carol")).json()
            assert participants["state"] == "joined"
    closed = [p for p in call["participants"] if p["left_at"]]
    open_ = [p for p in call["participants"] if not p["left_at"]]
    assert len(closed) == 1 and len(open_) == 1
    assert closed[0]["sid"] != open_[0]["sid"]
    assert closed[0]["disconnect_reason"] == "duplicate_identity"


RECORD_QUERIES = {
    "room_sessions": "SELECT sid, room_name, started_at, ended_at, peak_participants FROM room_sessions ORDER BY sid",
    "participant_sessions": "SELECT sid, identity, kind, joined_at, left_at, disconnect_reason "
    "FROM participant_sessions ORDER BY sid",
    "tracks": "SELECT sid, participant_sid, kind, source, published_at, unpublished_at FROM tracks ORDER BY sid",
    "participants": "SELECT identity, state, livekit_sid, joined_at, left_at FROM participants ORDER BY identity",
    "rooms": "SELECT name, status, ended_at FROM rooms",
}


async def _replay(
    make_client: Any, url: str, settings: Any, room: dict[str, Any], bodies: list[bytes]
) -> dict[str, Any]:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    engine = create_engine(load_settings({"DATABASE_URL": url}).database)
    factory = create_session_factory(engine)
    async with factory() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO rooms (project_id, name, livekit_name, status, creator, owner, seats, seat_mode, "
                "call_type, invite_on, max_participants, empty_timeout, departure_timeout, metadata, spec_hash, "
                "livekit_sid, created_by, created_at, updated_at) VALUES (:project, :name, :name, 'created', 'o', "
                "'o', 0, 'apply', 'audio', 0, 0, 300, 20, '', 'x', :sid, 'test', NOW(6), NOW(6))"
            ),
            {"project": DEFAULT_PROJECT_ID, "name": room["name"], "sid": room["livekit_sid"]},
        )
    async with make_client(DATABASE_URL=url) as client:
        for body in bodies:
            token = sign_webhook(
                body, api_key=settings.livekit.api_key, api_secret=settings.livekit.api_secret
            )
            response = await client.post(
                "/webhooks/livekit",
                content=body,
                headers={"content-type": "application/webhook+json", "Authorization": token},
            )
            assert response.status_code == 200

        async def unprocessed() -> int:
            async with factory() as session:
                return len(
                    (
                        await session.execute(
                            select(WebhookEvent.id).where(WebhookEvent.processed_at.is_(None))
                        )
                    ).all()
                )

        await eventually(unprocessed, check=lambda n: n == 0, what="replayed events applied")
    records = {}
    async with factory() as session:
        for name, query in RECORD_QUERIES.items():
            records[name] = [tuple(r) for r in (await session.execute(text(query))).all()]
        outcomes = (
            await session.execute(text("SELECT outcome, COUNT(*) FROM webhook_events GROUP BY outcome"))
        ).all()
    await engine.dispose()
    assert all(o in ("applied", "ignored") for o, _ in outcomes), outcomes
    return records


async def test_shuffled_duplicated_replay_of_real_webhooks_gives_the_same_records(
    api: Any,
    settings: Any,
    session_factory: Any,
    make_client: Any,
    stack_env: dict[str, str],
    room_name: str,
) -> None:
    from tests.stack import create_isolated_database, drop_database

    created = await api.post(
        "/v1/rooms", json={"name": room_name, "creator": "o", "call_type": "audio", "seats": 0}
    )
    room = created.json()
    dave, erin = await _join(api, room_name, "dave"), await _join(api, room_name, "erin")
    async with connected(dave["url"], dave["token"]) as d_room:
        tone = Tone()
        await tone.publish(d_room)
        async with connected(erin["url"], erin["token"]):
            await asyncio.sleep(1)
        again = await _join(api, room_name, "erin")
        async with connected(again["url"], again["token"]):
            await asyncio.sleep(1)
        await tone.stop()
    await api.post(f"/v1/rooms/{room_name}/end")

    async def captured() -> list[WebhookEvent]:
        async with session_factory() as session:
            return list(
                (
                    await session.execute(
                        select(WebhookEvent)
                        .where(WebhookEvent.room_name == room_name)
                        .order_by(WebhookEvent.id)
                    )
                ).scalars()
            )

    events = await eventually(
        captured,
        check=lambda es: any(e.event_type == "room_finished" for e in es),
        what="the whole sequence captured from LiveKit",
    )
    kinds = {e.event_type for e in events}
    assert {
        "room_started",
        "participant_joined",
        "participant_left",
        "track_published",
        "room_finished",
    } <= kinds
    ordered = [e.body.encode() for e in events]
    rng = random.Random(7)
    shuffled = ordered + rng.sample(ordered, k=max(1, len(ordered) // 3))  # duplicates
    rng.shuffle(shuffled)

    first = await create_isolated_database(stack_env["DATABASE_URL"], stack_env)
    second = await create_isolated_database(stack_env["DATABASE_URL"], stack_env)
    try:
        in_order = await _replay(make_client, first, settings, room, ordered)
        out_of_order = await _replay(make_client, second, settings, room, shuffled)
    finally:
        await drop_database(first)
        await drop_database(second)
    assert len(in_order["participant_sessions"]) == 3  # dave, erin twice
    assert in_order["rooms"][0][1] == "ended"
    assert out_of_order == in_order
