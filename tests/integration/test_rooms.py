"""Rooms against the real stack: MySQL rows and LiveKit rooms stay in agreement."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.rooms.models import Room
from tests.support import problem


async def _row(session_factory: Any, name: str) -> Room | None:
    async with session_factory() as session:
        return (await session.execute(select(Room).where(Room.name == name))).scalar_one_or_none()


async def test_create_room_writes_row_and_livekit_room(
    api: Any, livekit: Any, session_factory: Any, room_name: str
) -> None:
    response = await api.post(
        "/v1/rooms",
        json={
            "name": room_name,
            "creator": "alice",
            "call_type": "audio",
            "source_channel_id": "chan-1",
            "source_channel_type": "group",
            "max_participants": 5,
            "empty_timeout": 120,
            "departure_timeout": 10,
            "metadata": {"topic": "standup"},
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "created"
    assert body["metadata"] == '{"topic":"standup"}'
    lk = await livekit.get_room(room_name)
    assert lk is not None
    assert lk.sid == body["livekit_sid"]
    assert lk.metadata == '{"topic":"standup"}'
    assert lk.empty_timeout == 120 and lk.departure_timeout == 10
    row = await _row(session_factory, room_name)
    assert row is not None and row.status == "created" and row.livekit_sid == lk.sid


async def test_create_is_idempotent_and_conflicts_on_different_body(api: Any, room_name: str) -> None:
    spec = {"name": room_name, "creator": "alice"}
    first = await api.post("/v1/rooms", json=spec)
    again = await api.post("/v1/rooms", json=spec)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["livekit_sid"] == first.json()["livekit_sid"]
    problem(await api.post("/v1/rooms", json=spec | {"call_type": "audio"}), 409, "room-exists")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "has space", "creator": "a"}, "name"),
        ({"name": "x" * 129, "creator": "a"}, "name"),
        ({"name": "ünïcode", "creator": "a"}, "name"),
        ({"name": "ok-name", "creator": "a/b"}, "creator"),
        ({"name": "ok-name", "creator": "a", "call_type": "hologram"}, "call_type"),
        ({"name": "ok-name", "creator": "a", "max_participants": -1}, "max_participants"),
        ({"name": "ok-name", "creator": "a", "unknown": 1}, "unknown"),
        ({"creator": "a"}, "name"),
    ],
)
async def test_invalid_room_input_is_400_naming_the_field(api: Any, body: dict[str, Any], field: str) -> None:
    result = problem(await api.post("/v1/rooms", json=body), 400, "validation-failed")
    assert field in result["detail"]


async def test_metadata_too_large_is_400(api: Any, room_name: str) -> None:
    response = await api.post("/v1/rooms", json={"name": room_name, "creator": "a", "metadata": "x" * 20_000})
    body = problem(response, 400, "bad-request")
    assert body["field"] == "metadata"


async def test_body_limit_and_malformed_json(api: Any) -> None:
    problem(
        await api.post(
            "/v1/rooms", content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"}
        ),
        413,
        "payload-too-large",
    )
    problem(
        await api.post("/v1/rooms", content=b"{not json", headers={"content-type": "application/json"}),
        400,
        "malformed-body",
    )


async def test_get_list_filter_and_paginate(api: Any, room_name: str) -> None:
    names = [f"{room_name}-{i}" for i in range(3)]
    for name in names:
        assert (await api.post("/v1/rooms", json={"name": name, "creator": room_name})).status_code == 201
    got = await api.get(f"/v1/rooms/{names[0]}")
    assert got.status_code == 200 and got.json()["name"] == names[0]
    problem(await api.get(f"/v1/rooms/{room_name}-missing"), 404, "room-not-found")

    page1 = (await api.get("/v1/rooms", params={"creator": room_name, "limit": 2})).json()
    assert [r["name"] for r in page1["items"]] == [names[2], names[1]]
    page2 = (
        await api.get("/v1/rooms", params={"creator": room_name, "limit": 2, "cursor": page1["next_cursor"]})
    ).json()
    assert [r["name"] for r in page2["items"]] == [names[0]]
    assert page2["next_cursor"] is None
    problem(await api.get("/v1/rooms", params={"limit": 101}), 400, "validation-failed")
    problem(await api.get("/v1/rooms", params={"cursor": "garbage!"}), 400, "bad-request")
    problem(await api.get("/v1/rooms", params={"status": "exploded"}), 400, "validation-failed")


async def test_patch_metadata_is_applied_live(api: Any, livekit: Any, room_name: str) -> None:
    await api.post("/v1/rooms", json={"name": room_name, "creator": "alice"})
    response = await api.patch(f"/v1/rooms/{room_name}", json={"metadata": "v2", "max_participants": 3})
    assert response.status_code == 200, response.text
    assert response.json()["max_participants"] == 3
    lk = await livekit.get_room(room_name)
    assert lk is not None and lk.metadata == "v2"


async def test_end_deletes_livekit_room_and_records_reason(
    api: Any, livekit: Any, session_factory: Any, room_name: str
) -> None:
    await api.post("/v1/rooms", json={"name": room_name, "creator": "alice"})
    ended = await api.post(f"/v1/rooms/{room_name}/end", json={"reason": "meeting over"})
    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert body["status"] == "ended" and body["end_reason"] == "meeting over" and body["ended_at"]
    assert await livekit.get_room(room_name) is None
    row = await _row(session_factory, room_name)
    assert row is not None and row.status == "ended"
    problem(await api.patch(f"/v1/rooms/{room_name}", json={"metadata": "late"}), 409, "room-ended")
    problem(
        await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "bob"}), 409, "room-ended"
    )


async def test_livekit_down_gives_503_and_leaves_no_row(
    make_client: Any, session_factory: Any, room_name: str
) -> None:
    async with make_client(LIVEKIT_URL="http://127.0.0.1:9") as client:
        response = await client.post("/v1/rooms", json={"name": room_name, "creator": "alice"})
    problem(response, 503, "livekit-unavailable")
    assert int(response.headers["retry-after"]) > 0
    assert await _row(session_factory, room_name) is None


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/rooms?created_after=0001-01-01T00:57:27%2B19:02", "created_after"),
        ("/v1/rooms?created_before=0001-01-01T00:00:00%2B01:00", "created_before"),
        ("/v1/calls?started_after=0001-01-01T00:00:00%2B10:00", "started_after"),
        ("/v1/detections?since=0001-01-01T00:00:00%2B10:00", "since"),
    ],
)
async def test_a_time_before_year_one_in_utc_is_400_naming_the_field(api: Any, path: str, field: str) -> None:
    """Regression (found by make fuzz): the offset pushed the time before year 1 and the bind raised 500."""
    response = await api.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


async def test_rooms_are_searched_by_name_prefix(api: Any) -> None:
    """`name_prefix` is a prefix match on the server, across pages; `_` matches only itself."""
    tag = uuid.uuid4().hex[:8]
    names = [f"s_{tag}-{i}" for i in range(3)] + [f"sx{tag}-0"]
    for name in names:
        assert (await api.post("/v1/rooms", json={"name": name, "creator": "olivia"})).status_code == 201
    found: list[str] = []
    cursor = None
    while True:
        params = {"name_prefix": f"s_{tag}", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await api.get("/v1/rooms", params=params)).json()
        found += [r["name"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(found) == names[:3]  # not sx…: `_` is not a wildcard
    body = problem(await api.get("/v1/rooms", params={"name_prefix": "no spaces"}), 400, "validation-failed")
    assert "name_prefix" in str(body)
