"""Stage seats and seat requests: rules, grants, and races settled by the database."""

from __future__ import annotations

import asyncio
from typing import Any

import jwt

from tests.support import make_admin, problem


async def _room(api: Any, name: str, **extra: Any) -> None:
    body = {"name": name, "creator": "olivia", "call_type": "audio", "seats": 2, "seat_mode": "apply"} | extra
    assert (await api.post("/v1/rooms", json=body)).status_code == 201
    await make_admin(api, name, "ada", owner="olivia")


def _publish(token: str, settings: Any) -> bool:
    claims = jwt.decode(
        token, settings.livekit.api_secret, algorithms=["HS256"], issuer=settings.livekit.api_key
    )
    return bool(claims["video"]["canPublish"])


async def _token(api: Any, room: str, identity: str, role: str = "member") -> str:
    response = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity, "role": role})
    return response.json()["token"]  # type: ignore[no-any-return]


async def test_stage_gates_publishing(api: Any, settings: Any, room_name: str) -> None:
    await _room(api, room_name, seat_mode="free")
    assert _publish(await _token(api, room_name, "mem"), settings) is False
    assert _publish(await _token(api, room_name, "aud", "audience"), settings) is False
    assert _publish(await _token(api, room_name, "ada", "admin"), settings) is True  # admins always may
    seats = (await api.get(f"/v1/rooms/{room_name}/seats")).json()
    assert seats["seat_mode"] == "free" and [s["identity"] for s in seats["items"]] == [None, None]
    taken = await api.post(f"/v1/rooms/{room_name}/seats/1/take", json={"identity": "aud"})
    assert taken.status_code == 200 and taken.json() == {
        "index": 1,
        "identity": "aud",
        "locked": False,
        "mic_locked": False,
        "camera_locked": False,
    }
    assert _publish(await _token(api, room_name, "aud", "audience"), settings) is True
    problem(
        await api.post(f"/v1/rooms/{room_name}/seats/1/take", json={"identity": "mem"}), 409, "seat-taken"
    )
    problem(
        await api.post(f"/v1/rooms/{room_name}/seats/0/take", json={"identity": "aud"}), 409, "already-seated"
    )
    problem(
        await api.post(f"/v1/rooms/{room_name}/seats/0/leave", json={"identity": "aud"}), 409, "not-seated"
    )
    left = await api.post(f"/v1/rooms/{room_name}/seats/1/leave", json={"identity": "aud"})
    assert left.json()["identity"] is None
    assert _publish(await _token(api, room_name, "aud", "audience"), settings) is False
    problem(
        await api.post(f"/v1/rooms/{room_name}/seats/5/take", json={"identity": "mem"}), 404, "seat-not-found"
    )


async def test_apply_mode_locks_and_kicks(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    placed = await api.post(f"/v1/rooms/{room_name}/seats/0/take", json={"identity": "mem", "actor": "ada"})
    assert placed.json()["identity"] == "mem"
    problem(
        await api.post(f"/v1/rooms/{room_name}/seats/0/lock", json={"actor": "ada"}), 409, "seat-occupied"
    )
    problem(
        await api.post(f"/v1/rooms/{room_name}/seats/0/kick", json={"actor": "mem"}), 403, "not-a-moderator"
    )
    kicked = await api.post(
        f"/v1/rooms/{room_name}/seats/0/kick", json={"actor": "ada", "reason": "off topic"}
    )
    assert kicked.json()["identity"] is None
    assert (await api.post(f"/v1/rooms/{room_name}/seats/1/lock", json={"actor": "ada"})).json()[
        "locked"
    ] is True
    problem(
        await api.post(f"/v1/rooms/{room_name}/seats/1/take", json={"identity": "x", "actor": "ada"}),
        409,
        "seat-locked",
    )
    assert (await api.post(f"/v1/rooms/{room_name}/seats/1/unlock", json={"actor": "ada"})).json()[
        "locked"
    ] is False
    actions = [a["action"] for a in (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]]
    assert actions[:4] == ["seat_unlock", "seat_lock", "seat_kick", "seat_take"]


async def test_apply_mode_refuses_self_service(
    anon: Any, api: Any, caller_token: Any, room_name: str
) -> None:
    await _room(api, room_name)
    writer = {"Authorization": f"Bearer {caller_token(scopes=['rooms:write', 'rooms:read'])}"}
    response = await anon.post(
        f"/v1/rooms/{room_name}/seats/0/take", json={"identity": "mem"}, headers=writer
    )
    problem(response, 403, "seat-approval-required")


async def test_seat_requests(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    first = await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": "r1", "seat": 1})
    assert first.status_code == 201 and first.json()["status"] == "pending"
    problem(
        await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": "r1"}),
        409,
        "request-pending",
    )
    approved = await api.post(
        f"/v1/rooms/{room_name}/seat-requests/{first.json()['id']}/approve", json={"actor": "ada"}
    )
    assert approved.json()["status"] == "approved" and approved.json()["seat"] == 1
    problem(
        await api.post(
            f"/v1/rooms/{room_name}/seat-requests/{first.json()['id']}/approve", json={"actor": "ada"}
        ),
        409,
        "request-approved",
    )
    second = (await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": "r2"})).json()
    rejected = await api.post(
        f"/v1/rooms/{room_name}/seat-requests/{second['id']}/reject", json={"actor": "ada", "reason": "full"}
    )
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "full"
    third = (await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": "r3"})).json()
    assert (await api.post(f"/v1/rooms/{room_name}/seat-requests/{third['id']}/cancel")).json()[
        "status"
    ] == "cancelled"
    pending = (await api.get(f"/v1/rooms/{room_name}/seat-requests", params={"status": "pending"})).json()[
        "items"
    ]
    assert pending == []
    problem(
        await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": "r1"}), 409, "already-seated"
    )


async def test_no_stage_and_no_free_seat(api: Any, room_name: str) -> None:
    await _room(api, room_name, seats=1)
    await api.post(f"/v1/rooms/{room_name}/seats/0/take", json={"identity": "s1", "actor": "ada"})
    request = (await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": "s2"})).json()
    problem(
        await api.post(f"/v1/rooms/{room_name}/seat-requests/{request['id']}/approve", json={"actor": "ada"}),
        409,
        "no-free-seat",
    )
    flat = f"{room_name}-flat"
    await _room(api, flat, seats=0)
    response = await api.post(f"/v1/rooms/{flat}/seats/0/take", json={"identity": "x", "actor": "ada"})
    problem(response, 409, "no-stage")


async def test_racing_approvals_for_the_last_seat_have_one_winner(api: Any, room_name: str) -> None:
    for round_ in range(5):
        name = f"{room_name}-{round_}"
        await _room(api, name, seats=1)
        requests = [
            (await api.post(f"/v1/rooms/{name}/seat-requests", json={"identity": f"c{i}"})).json()
            for i in range(6)
        ]
        results = await asyncio.gather(
            *(
                api.post(f"/v1/rooms/{name}/seat-requests/{r['id']}/approve", json={"actor": "ada"})
                for r in requests
            )
        )
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200] + [409] * 5, statuses
        seats = (await api.get(f"/v1/rooms/{name}/seats")).json()["items"]
        winner = next(r.json() for r in results if r.status_code == 200)
        assert seats[0]["identity"] == winner["identity"]
        assert all(r.json()["code"] == "no-free-seat" for r in results if r.status_code == 409)


async def test_racing_takes_in_free_mode_have_one_winner(api: Any, room_name: str) -> None:
    await _room(api, room_name, seats=1, seat_mode="free")
    results = await asyncio.gather(
        *(api.post(f"/v1/rooms/{room_name}/seats/0/take", json={"identity": f"t{i}"}) for i in range(6))
    )
    assert sorted(r.status_code for r in results) == [200] + [409] * 5
