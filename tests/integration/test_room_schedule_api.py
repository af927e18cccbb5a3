"""Scheduled and lockable rooms over the real stack: the window's 409s, the LiveKit room opened by the first
join (not at create), a session closed by LiveKit that does not end the room, locks, and the
``room-closer`` job of the shared ``roomsvc jobs`` process ending rooms on time."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from tests.support import eventually, problem

pytestmark = pytest.mark.usefixtures("jobs_process")


def _at(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat()


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _create(api: Any, name: str, **options: Any) -> dict[str, Any]:
    response = await api.post("/v1/rooms", json={"name": name, "creator": "olivia", **options})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _room(api: Any, name: str) -> dict[str, Any]:
    return (await api.get(f"/v1/rooms/{name}")).json()  # type: ignore[no-any-return]


async def _join(api: Any, room: str, identity: str) -> Any:
    return await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity})


async def _events(api: Any, room: str) -> list[dict[str, Any]]:
    return (await api.get("/v1/events", params={"room": room, "limit": 100})).json()["items"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("schedule", "status", "field"),
    [
        ({"opens_at": "2030-01-01T10:00:00"}, "validation-failed", "opens_at"),  # no offset
        ({"closes_at": "2020-01-01T10:00:00Z"}, "bad-request", "closes_at"),  # past
        ({"opens_at": 3600, "closes_at": 1800}, "bad-request", "closes_at"),  # before opens_at
        ({"opens_at": 3600, "closes_at": 3600}, "bad-request", "closes_at"),  # no window at all
        ({"closes_at": 400 * 86_400}, "bad-request", "closes_at"),  # beyond a year
        ({"opens_at": "0001-01-01T00:00:00+05:00"}, "bad-request", "opens_at"),  # before year 1 in UTC
        ({"max_duration": 0}, "validation-failed", "max_duration"),
        ({"closes_at": "tomorrow"}, "validation-failed", "closes_at"),
    ],
)
async def test_schedule_validation_names_the_field(
    api: Any, room_name: str, schedule: dict[str, Any], status: str, field: str
) -> None:
    base = dt.datetime.now(dt.UTC)  # offsets in seconds are from one instant
    body = {
        k: (base + dt.timedelta(seconds=v)).isoformat() if isinstance(v, int) and k != "max_duration" else v
        for k, v in schedule.items()
    }
    result = problem(
        await api.post("/v1/rooms", json={"name": room_name, "creator": "o", **body}), 400, status
    )
    assert field in (result.get("fields") or [result.get("field")]), result
    assert (await api.get(f"/v1/rooms/{room_name}")).status_code == 404  # nothing was created


async def test_patch_schedule_is_validated_and_moves_the_deadline(api: Any, room_name: str) -> None:
    closes_at = _at(3600)
    room = await _create(api, room_name, closes_at=closes_at)
    assert _time(room["ends_at"]) == _time(closes_at)
    bad = await api.patch(f"/v1/rooms/{room_name}", json={"closes_at": "2020-01-01T00:00:00Z"})
    assert problem(bad, 400, "bad-request")["field"] == "closes_at"
    bad = await api.patch(f"/v1/rooms/{room_name}", json={"opens_at": _at(7200)})
    assert problem(bad, 400, "bad-request")["field"] == "closes_at"  # the window would be empty
    later = _at(7200)
    patched = await api.patch(f"/v1/rooms/{room_name}", json={"closes_at": later, "max_duration": 600})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert _time(body["closes_at"]) == _time(later) and body["max_duration"] == 600
    assert _time(body["ends_at"]) == _time(later)  # no session yet: max_duration has nothing to count from
    # The metadata of a room LiveKit has no room for is stored for its next session.
    patched = await api.patch(f"/v1/rooms/{room_name}", json={"metadata": "agenda"})
    assert patched.status_code == 200 and patched.json()["metadata"] == "agenda"
    assert (await _join(api, room_name, "alice")).status_code == 201
    room = await _room(api, room_name)
    assert room["livekit_sid"]
    assert _time(room["ends_at"]) < _time(later)  # now the session counts: start + 600 s


async def test_early_join_is_409_and_the_livekit_room_opens_with_the_first_join(
    api: Any, livekit: Any, room_name: str
) -> None:
    opens_at, closes_at = _at(3), _at(600)
    room = await _create(api, room_name, opens_at=opens_at, closes_at=closes_at, metadata="topic")
    assert room["status"] == "created" and room["livekit_sid"] is None
    assert _time(room["opens_at"]) == _time(opens_at) and _time(room["closes_at"]) == _time(closes_at)
    assert await livekit.get_room(room_name) is None
    early = problem(await _join(api, room_name, "alice"), 409, "room-not-open-yet")
    assert _time(early["opens_at"]) == _time(opens_at)
    assert "opens at" in early["detail"]
    assert await livekit.get_room(room_name) is None  # a refused join opens nothing

    joined = await eventually(
        lambda: _join(api, room_name, "alice"),
        check=lambda r: r.status_code != 409,
        what="the window opened",
    )
    assert joined.status_code == 201, joined.text
    lk = await livekit.get_room(room_name)
    assert lk is not None and lk.metadata == "topic"
    room = await _room(api, room_name)
    assert room["livekit_sid"] == lk.sid


async def test_concurrent_first_joins_open_one_session(api: Any, livekit: Any, room_name: str) -> None:
    await _create(api, room_name, closes_at=_at(600))
    responses = await asyncio.gather(*(_join(api, room_name, f"user-{i}") for i in range(6)))
    assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses]
    lk = await livekit.get_room(room_name)
    assert lk is not None and (await _room(api, room_name))["livekit_sid"] == lk.sid


async def test_a_session_closed_by_livekit_does_not_end_a_scheduled_room(
    api: Any, livekit: Any, room_name: str
) -> None:
    await _create(api, room_name, closes_at=_at(600))
    assert (await _join(api, room_name, "alice")).status_code == 201
    first_sid = (await _room(api, room_name))["livekit_sid"]
    assert first_sid
    await livekit.delete_room(room_name)  # what empty_timeout does: room_finished
    room = await eventually(
        lambda: _room(api, room_name),
        check=lambda r: r["livekit_sid"] is None,
        what="the session's end applied",
    )
    assert room["status"] == "created" and room["ended_at"] is None
    assert (await _join(api, room_name, "alice")).status_code == 201
    lk = await livekit.get_room(room_name)
    assert lk is not None and lk.sid != first_sid
    assert (await _room(api, room_name))["livekit_sid"] == lk.sid
    assert "room.ended" not in {e["type"] for e in await _events(api, room_name)}


async def test_lock_and_reopen(api: Any, livekit: Any, room_name: str) -> None:
    await _create(api, room_name)
    assert (await _join(api, room_name, "alice")).status_code == 201
    locked = await api.patch(f"/v1/rooms/{room_name}", json={"status": "locked"})
    assert locked.status_code == 200, locked.text
    assert locked.json()["status"] == "locked"
    refused = problem(await _join(api, room_name, "bob"), 409, "room-locked")
    assert "reopen" in refused["detail"]
    assert await livekit.get_room(room_name) is not None  # locked is not ended
    listed = (await api.get("/v1/rooms", params={"status": "locked", "name_prefix": room_name})).json()
    assert [r["name"] for r in listed["items"]] == [room_name]
    listed = (await api.get("/v1/rooms", params={"status": "created", "name_prefix": room_name})).json()
    assert listed["items"] == []

    reopened = await api.patch(f"/v1/rooms/{room_name}", json={"status": "open"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "created"
    assert (await _join(api, room_name, "bob")).status_code == 201
    audit = (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]
    assert [a["action"] for a in audit] == ["room_unlock", "room_lock"]
    events = await eventually(
        lambda: _events(api, room_name),
        check=lambda items: {"room.locked", "room.unlocked"} <= {e["type"] for e in items},
        what="room.locked and room.unlocked listed",
    )
    locked_event = next(e for e in events if e["type"] == "room.locked")
    assert locked_event["data"]["target"] is None and locked_event["data"]["params"] == {}
    # Locking twice records once; an ended room cannot be locked.
    assert (await api.patch(f"/v1/rooms/{room_name}", json={"status": "locked"})).status_code == 200
    assert (await api.patch(f"/v1/rooms/{room_name}", json={"status": "locked"})).status_code == 200
    audit = (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]
    assert [a["action"] for a in audit] == ["room_lock", "room_unlock", "room_lock"]
    assert (await api.post(f"/v1/rooms/{room_name}/end")).status_code == 200
    problem(await api.patch(f"/v1/rooms/{room_name}", json={"status": "open"}), 409, "room-ended")


async def test_the_room_closer_ends_rooms_at_closes_at_and_after_max_duration(
    api: Any, livekit: Any, room_name: str
) -> None:
    scheduled, timed = f"{room_name}-s", f"{room_name}-t"
    await _create(api, scheduled, closes_at=_at(3))
    await _create(api, timed, max_duration=3)  # not scheduled: LiveKit's room exists at once
    assert (await _room(api, timed))["ends_at"] is not None
    assert await livekit.get_room(timed) is not None
    for name, reason in ((scheduled, "closes_at reached"), (timed, "max_duration reached")):
        room = await eventually(
            lambda name=name: _room(api, name),
            check=lambda r: r["status"] == "ended",
            timeout=30,
            what=f"{name} ended on time",
        )
        assert room["end_reason"] == reason and room["ends_at"] is None
        assert await livekit.get_room(name) is None
        events = await eventually(
            lambda name=name: _events(api, name),
            check=lambda items: any(e["type"] == "room.ended" for e in items),
            what="room.ended listed",
        )
        ended = [e for e in events if e["type"] == "room.ended"]
        assert len(ended) == 1 and ended[0]["data"]["reason"] == reason
    problem(await _join(api, scheduled, "late"), 409, "room-ended")


async def test_clearing_the_schedule_opens_the_livekit_room_at_once(
    api: Any, livekit: Any, room_name: str
) -> None:
    await _create(api, room_name, opens_at=_at(3600), closes_at=_at(7200))
    assert await livekit.get_room(room_name) is None
    patched = await api.patch(f"/v1/rooms/{room_name}", json={"opens_at": None, "closes_at": None})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["opens_at"] is None and body["closes_at"] is None and body["ends_at"] is None
    lk = await livekit.get_room(room_name)
    assert lk is not None and body["livekit_sid"] == lk.sid  # an unscheduled room has its LiveKit room
    assert (await _join(api, room_name, "alice")).status_code == 201
