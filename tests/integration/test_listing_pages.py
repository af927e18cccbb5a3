"""Every listing is paged with a bounded ``limit`` and a ``next_cursor`` (issue 13, point 6): invitations,
seat requests, participants, subscriptions, a call's sessions and tracks, the detection summary."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.calls.service import DETAIL_CAP
from roomsvc.detection.records import DetectionModel, DetectionTrack
from roomsvc.rooms.models import Room
from tests.support import problem


async def _pages(api: Any, url: str, limit: int, key: str = "items", **params: Any) -> list[list[Any]]:
    """Every page of ``url`` (``limit`` each), following ``next_cursor`` until it is null."""
    pages: list[list[Any]] = []
    cursor = None
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        response = await api.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body[key])
        assert len(body[key]) <= limit
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the cursor does not advance"


async def _room(api: Any, name: str, **extra: Any) -> None:
    body = {"name": name, "creator": "olivia", "call_type": "audio"} | extra
    assert (await api.post("/v1/rooms", json=body)).status_code == 201


async def test_invitations_are_paged_oldest_first(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    identities = ["a", "b", "c", "d", "e"]
    created = await api.post(f"/v1/rooms/{room_name}/invitations", json={"identities": identities})
    assert created.status_code == 201, created.text
    pages = await _pages(api, f"/v1/rooms/{room_name}/invitations", 2)
    assert [[i["identity"] for i in page] for page in pages] == [["a", "b"], ["c", "d"], ["e"]]
    assert (await api.get(f"/v1/rooms/{room_name}/invitations")).json()["next_cursor"] is None
    for bad in ({"limit": 0}, {"limit": 101}):
        problem(await api.get(f"/v1/rooms/{room_name}/invitations", params=bad), 400, "validation-failed")
    problem(
        await api.get(f"/v1/rooms/{room_name}/invitations", params={"cursor": "nope"}), 400, "bad-request"
    )


async def test_seat_requests_are_paged_in_queue_order(api: Any, room_name: str) -> None:
    await _room(api, room_name, seats=2, seat_mode="apply")
    for identity in ("r1", "r2", "r3"):
        response = await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": identity})
        assert response.status_code == 201, response.text
    pages = await _pages(api, f"/v1/rooms/{room_name}/seat-requests", 2, status="pending")
    assert [[r["identity"] for r in page] for page in pages] == [["r1", "r2"], ["r3"]]


async def test_participants_are_paged_by_record(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    for identity in ("p1", "p2", "p3"):
        response = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": identity})
        assert response.status_code == 201, response.text
    pages = await _pages(api, f"/v1/rooms/{room_name}/participants", 2)
    assert [[p["identity"] for p in page] for page in pages] == [["p1", "p2"], ["p3"]]


async def test_subscriptions_are_paged(api: Any) -> None:
    mine = []
    for n in range(3):
        body = {"url": f"http://127.0.0.1:9/pages-{n}", "event_types": ["room.created"]}
        response = await api.post("/v1/event-subscriptions", json=body)
        assert response.status_code == 201, response.text
        mine.append(response.json()["id"])
    try:
        listed = [s["id"] for page in await _pages(api, "/v1/event-subscriptions", 1) for s in page]
        assert len(listed) == len(set(listed))  # each once
        assert [s for s in listed if s in mine] == mine  # oldest first
    finally:
        for sub in mine:
            await api.delete(f"/v1/event-subscriptions/{sub}")


async def test_call_detail_is_capped_and_its_sessions_and_tracks_are_paged(
    api: Any, session_factory: Any, room_name: str
) -> None:
    sid = "RM_" + uuid.uuid4().hex[:12]
    count = DETAIL_CAP + 3
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
    async with session_factory() as session, session.begin():
        room_id = (await session.execute(select(Room.id).where(Room.livekit_name == room_name))).scalar_one()
        # A call belongs to its room's project: a call without a room is no caller's.
        call = RoomSession(room_id=room_id, room_name=room_name, sid=sid)
        session.add(call)
        await session.flush()
        for n in range(count):
            session.add(ParticipantSession(room_session_id=call.id, sid=f"{sid}_PA{n}", identity=f"i{n}"))
            session.add(
                Track(
                    room_session_id=call.id,
                    sid=f"{sid}_TR{n}",
                    participant_sid=f"{sid}_PA{n}",
                    identity=f"i{n}",
                    kind="audio",
                    source="microphone",
                )
            )
    detail = (await api.get(f"/v1/calls/{sid}")).json()
    assert [p["identity"] for p in detail["participants"]] == [f"i{n}" for n in range(DETAIL_CAP)]
    assert len(detail["tracks"]) == DETAIL_CAP
    assert detail["participants_next_cursor"] and detail["tracks_next_cursor"]
    rest = await api.get(
        f"/v1/calls/{sid}/participants", params={"cursor": detail["participants_next_cursor"], "limit": 100}
    )
    assert [p["identity"] for p in rest.json()["items"]] == [f"i{n}" for n in range(DETAIL_CAP, count)]
    assert rest.json()["next_cursor"] is None
    tracks = [t["sid"] for page in await _pages(api, f"/v1/calls/{sid}/tracks", 40) for t in page]
    assert tracks == [f"{sid}_TR{n}" for n in range(count)]
    problem(await api.get("/v1/calls/RM_missing/tracks"), 404, "call-not-found")


async def test_detection_summary_is_paged_by_participant(
    api: Any, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    async with session_factory() as session, session.begin():
        room = (await session.execute(select(Room).where(Room.name == room_name))).scalar_one()
        model = (await session.execute(select(DetectionModel).limit(1))).scalar_one()
        for n, identity in enumerate(["zed", "amy", "kim", "amy"]):  # first scored: zed, amy, kim
            session.add(
                DetectionTrack(
                    room_id=room.id,
                    room_sid="RM_x",
                    identity=identity,
                    participant_sid=f"PA_{identity}",
                    track_sid=f"TR_{room_name}_{n}",
                    kind="audio",
                    windows=n + 1,
                    model_id=model.id,
                )
            )
    url = f"/v1/rooms/{room_name}/detection/summary"
    pages = await _pages(api, url, 2, key="participants")
    assert [[p["identity"] for p in page] for page in pages] == [["zed", "amy"], ["kim"]]
    amy = pages[0][1]
    assert amy["windows"] == 2 + 4 and len(amy["tracks"]) == 2 and amy["tracks_truncated"] is False
