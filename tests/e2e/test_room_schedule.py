"""Scheduled and lockable rooms with real clients: what a user sees.

A scheduled room refuses an early join (409 with ``opens_at``); inside the window a client connects, is
told ``room.closing`` before the end, and is disconnected at ``closes_at`` with the room ended by
``roomsvc jobs`` (the ``room.ended`` notice first). A session LiveKit closes (the last client left,
``departure_timeout``) leaves the room open, and the next join opens a second LiveKit session: a second
call record. Locking keeps connected clients while refusing new joins.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from livekit import rtc

from tests.e2e.clients import connected, wait_disconnected
from tests.support import eventually, problem

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("jobs_process")]
NOTICE_TOPIC = "roomsvc.notice"


def _at(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat()


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _join(api: Any, room: str, identity: str) -> Any:
    return await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity})


async def _room(api: Any, name: str) -> dict[str, Any]:
    return (await api.get(f"/v1/rooms/{name}")).json()  # type: ignore[no-any-return]


def _collect_notices(room: rtc.Room) -> list[dict[str, Any]]:
    notices: list[dict[str, Any]] = []

    def on_data(packet: rtc.DataPacket) -> None:
        if packet.topic == NOTICE_TOPIC:
            notices.append(json.loads(packet.data))

    room.on("data_received", on_data)
    return notices


async def test_a_scheduled_room_refuses_early_joins_warns_and_ends_on_time(
    api: Any, livekit: Any, room_name: str
) -> None:
    opens_at, closes_at = _at(4), _at(24)
    response = await api.post(
        "/v1/rooms",
        json={
            "name": room_name,
            "creator": "olivia",
            "call_type": "audio",
            "opens_at": opens_at,
            "closes_at": closes_at,
        },
    )
    assert response.status_code == 201, response.text
    early = problem(await _join(api, room_name, "alice"), 409, "room-not-open-yet")
    assert _time(early["opens_at"]) == _time(opens_at)
    assert await livekit.get_room(room_name) is None  # booked, not opened

    joined = await eventually(
        lambda: _join(api, room_name, "alice"),
        check=lambda r: r.status_code != 409,
        what="the window opened",
    )
    assert joined.status_code == 201, joined.text
    body = joined.json()
    async with connected(body["url"], body["token"]) as client:
        notices = _collect_notices(client)
        closing = await eventually(
            lambda: _first(notices, "room.closing"),
            check=lambda n: n is not None,
            timeout=30,
            what="the room.closing notice",
        )
        assert closing["room"] == room_name and closing["reason"] == "closes_at"
        assert _time(closing["closes_at"]) == _time(closes_at) == _time(closing["ends_at"])
        assert closing["seconds_left"] >= 0
        await wait_disconnected(client, timeout=60)
    ended = await _first(notices, "room.ended")  # sent before the DeleteRoom that disconnected it
    assert ended is not None and ended["reason"] == "closes_at reached", notices
    room = await eventually(
        lambda: _room(api, room_name), check=lambda r: r["status"] == "ended", what="the room ended"
    )
    assert room["end_reason"] == "closes_at reached"
    assert _time(room["ended_at"]) >= _time(closes_at)
    assert await livekit.get_room(room_name) is None
    problem(await _join(api, room_name, "alice"), 409, "room-ended")


async def _first(notices: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((n for n in notices if n.get("type") == kind), None)


async def _people(livekit: Any, room: str) -> list[str]:
    """The identities of the room's standard participants (not agents, not egress) in LiveKit."""
    return [p.identity for p in await livekit.list_participants(room) if p.kind == "standard"]


async def _calls(api: Any, room: str) -> list[dict[str, Any]]:
    return (await api.get(f"/v1/rooms/{room}/calls")).json()["items"]  # type: ignore[no-any-return]


async def test_a_second_livekit_session_in_the_same_room_is_a_second_call(
    api: Any, livekit: Any, room_name: str
) -> None:
    response = await api.post(
        "/v1/rooms",
        json={
            "name": room_name,
            "creator": "olivia",
            "call_type": "audio",
            "closes_at": _at(3600),
            "departure_timeout": 1,
            "empty_timeout": 5,
        },
    )
    assert response.status_code == 201, response.text
    first = (await _join(api, room_name, "alice")).json()
    async with connected(first["url"], first["token"]):
        await eventually(
            lambda: _room(api, room_name), check=lambda r: r["status"] == "active", what="alice in the room"
        )
    first_sid = (await _room(api, room_name))["livekit_sid"]
    assert first_sid
    # LiveKit closes the empty room (departure_timeout): the session is over, the room is not.
    room = await eventually(
        lambda: _room(api, room_name),
        check=lambda r: r["livekit_sid"] is None,
        timeout=60,
        what="LiveKit's session closed",
    )
    assert room["status"] == "created" and room["ended_at"] is None

    second = await _join(api, room_name, "bob")
    assert second.status_code == 201, second.text
    async with connected(second.json()["url"], second.json()["token"]) as client:
        assert client.isconnected()
        room = await eventually(
            lambda: _room(api, room_name), check=lambda r: r["status"] == "active", what="bob in the room"
        )
        assert room["livekit_sid"] not in (None, first_sid)
        calls = await eventually(
            lambda: _calls(api, room_name), check=lambda c: len(c) == 2, what="two call records"
        )
        by_sid = {c["id"]: c for c in calls}  # a call's id is its LiveKit session's sid
        assert set(by_sid) == {first_sid, room["livekit_sid"]}
        assert by_sid[first_sid]["ended_at"] and by_sid[room["livekit_sid"]]["ended_at"] is None
        detail = (await api.get(f"/v1/calls/{first_sid}")).json()
        assert [p["identity"] for p in detail["participants"]] == ["alice"]
        # Locked: bob stays connected, a new join is refused.
        dave = await _join(api, room_name, "dave")  # a token minted before the lock, not used yet
        assert dave.status_code == 201, dave.text
        locked = await api.patch(f"/v1/rooms/{room_name}", json={"status": "locked"})
        assert locked.status_code == 200 and locked.json()["status"] == "locked"
        problem(await _join(api, room_name, "carol"), 409, "room-locked")
        # The older token still connects (LiveKit does not revoke tokens), and roomsvc removes it.
        async with connected(dave.json()["url"], dave.json()["token"]) as late:
            await wait_disconnected(late)
        # The client hears "removed" before LiveKit has dropped it from the room's list: wait for that.
        await eventually(
            lambda: _people(livekit, room_name),
            check=lambda people: people == ["bob"],
            what="LiveKit dropping the late joiner from the locked room",
        )
        assert client.isconnected()
    assert (await api.post(f"/v1/rooms/{room_name}/end")).status_code == 200
