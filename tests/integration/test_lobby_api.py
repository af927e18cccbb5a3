"""The waiting room over the API on the real stack: 202 and a join request, admit, deny, expiry, who
bypasses it, rank, tenancy, bad input, and the events and audit entries written with each change.

The effect on real clients (no token until admitted, then connected and seen by others, the knock shown to
the owner's client) is in tests/e2e/test_lobby.py.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from roomsvc.events.models import Event
from roomsvc.lobby.models import LobbyRequest
from roomsvc.rooms.models import Room
from tests.support import eventually, make_admin, problem, project_client

# An app backend without the admin scope (the admin scope bypasses the lobby).
APP_SCOPES = ["rooms:read", "rooms:write", "moderation"]


@pytest.fixture
async def app_api(api_server: str, caller_token: Any) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {caller_token(scopes=APP_SCOPES, ttl=3600)}"}
    async with httpx.AsyncClient(base_url=api_server, headers=headers, timeout=20) as client:
        yield client


async def _lobby_room(api: Any, name: str, **extra: Any) -> None:
    body = {"name": name, "creator": "olivia", "lobby": True} | extra
    created = await api.post("/v1/rooms", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["lobby"] is True
    await make_admin(api, name, "ada", owner="olivia")


async def _join(client: Any, room: str, identity: str, **extra: Any) -> httpx.Response:
    return await client.post(f"/v1/rooms/{room}/participants", json={"identity": identity} | extra)  # type: ignore[no-any-return]


async def _events(session_factory: Any, room: str) -> list[tuple[str, dict[str, Any]]]:
    async with session_factory() as session:
        rows = await session.execute(
            select(Event.type, Event.data)
            .where(Event.room_name == room, Event.type.like("join_request.%"))
            .order_by(Event.id)
        )
        return [(kind, json.loads(data)) for kind, data in rows.all()]


def _aware(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert value.tzinfo is not None, text
    return value


async def test_a_knock_waits_until_admitted_then_joins(
    api: Any, app_api: httpx.AsyncClient, session_factory: Any, room_name: str
) -> None:
    await _lobby_room(api, room_name)
    knock = await _join(app_api, room_name, "bob", name="Bob")
    assert knock.status_code == 202, knock.text
    body = knock.json()
    assert "token" not in body
    assert body["status"] == "pending" and body["identity"] == "bob" and body["name"] == "Bob"
    assert body["id"].startswith("jreq_") and body["room"] == room_name
    assert _aware(body["expires_at"]) > dt.datetime.now(dt.UTC)
    assert knock.headers["location"] == f"/v1/rooms/{room_name}/join-requests/{body['id']}"

    again = await _join(app_api, room_name, "bob")
    assert again.status_code == 202 and again.json()["id"] == body["id"]  # the same pending request
    polled = await app_api.get(knock.headers["location"])
    assert polled.status_code == 200 and polled.json()["status"] == "pending"
    listed = (await app_api.get(f"/v1/rooms/{room_name}/join-requests", params={"status": "pending"})).json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]

    # The owner and admins, by role, do not wait.
    for moderator in ("olivia", "ada"):
        joined = await _join(app_api, room_name, moderator)
        assert joined.status_code == 201, joined.text
        assert joined.json()["token"]

    problem(
        await app_api.post(
            f"/v1/rooms/{room_name}/join-requests/{body['id']}/admit", json={"actor": "carol"}
        ),
        403,
        "not-a-moderator",
    )
    problem(
        await app_api.post(f"/v1/rooms/{room_name}/join-requests/{body['id']}/admit"), 403, "actor-required"
    )
    admitted = await app_api.post(
        f"/v1/rooms/{room_name}/join-requests/{body['id']}/admit", json={"actor": "ada"}
    )
    assert admitted.status_code == 200, admitted.text
    assert admitted.json()["status"] == "admitted" and admitted.json()["decided_by"] == "ada"
    problem(
        await app_api.post(f"/v1/rooms/{room_name}/join-requests/{body['id']}/deny", json={"actor": "ada"}),
        409,
        "request-admitted",
    )

    for _ in range(2):  # the admission holds for the room's life
        joined = await _join(app_api, room_name, "bob")
        assert joined.status_code == 201, joined.text
        assert joined.json()["token"] and joined.json()["role"] == "member"

    events = await _events(session_factory, room_name)
    assert [kind for kind, _ in events] == ["join_request.created", "join_request.admitted"]
    created, admit = events[0][1], events[1][1]
    assert created["target"] == "bob" and created["params"]["request_id"] == body["id"]
    assert created["params"]["name"] == "Bob"
    assert admit["actor"] == "ada" and admit["target"] == "bob"
    assert admit["params"] == {"request_id": body["id"]}
    audit = [a["action"] for a in (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]]
    assert audit[:2] == ["join_request_admit", "join_request"]


async def test_a_denied_identity_is_refused_for_a_while(
    api: Any,
    app_api: httpx.AsyncClient,
    make_client: Any,
    caller_token: Any,
    session_factory: Any,
    room_name: str,
) -> None:
    await _lobby_room(api, room_name)
    request_id = (await _join(app_api, room_name, "bob")).json()["id"]
    denied = await app_api.post(
        f"/v1/rooms/{room_name}/join-requests/{request_id}/deny",
        json={"actor": "olivia", "reason": "not on the list"},
    )
    assert denied.status_code == 200, denied.text
    assert denied.json()["status"] == "denied" and denied.json()["reason"] == "not on the list"
    refused = problem(await _join(app_api, room_name, "bob"), 403, "join-denied")
    assert _aware(refused["denied_until"]) > dt.datetime.now(dt.UTC)
    problem(
        await app_api.post(
            f"/v1/rooms/{room_name}/join-requests/{request_id}/admit", json={"actor": "olivia"}
        ),
        409,
        "request-denied",
    )
    listed = (await app_api.get(f"/v1/rooms/{room_name}/join-requests", params={"status": "denied"})).json()
    assert [r["identity"] for r in listed["items"]] == ["bob"]

    # With no cool-down, a denied identity may knock again: a new request.
    async with make_client(ROOMSVC_JOIN_REQUEST_DENY_COOLDOWN="0") as client:
        client.headers["Authorization"] = f"Bearer {caller_token(scopes=APP_SCOPES)}"
        again = await _join(client, room_name, "bob")
        assert again.status_code == 202, again.text
        assert again.json()["id"] != request_id and again.json()["status"] == "pending"

    events = await _events(session_factory, room_name)
    assert [kind for kind, _ in events] == [
        "join_request.created",
        "join_request.denied",
        "join_request.created",
    ]
    assert events[1][1]["actor"] == "olivia" and events[1][1]["reason"] == "not on the list"


async def test_an_unanswered_request_expires(
    api: Any, make_client: Any, caller_token: Any, session_factory: Any, room_name: str
) -> None:
    await _lobby_room(api, room_name)
    async with make_client(ROOMSVC_JOIN_REQUEST_TTL="1") as client:
        client.headers["Authorization"] = f"Bearer {caller_token(scopes=APP_SCOPES)}"
        first = (await _join(client, room_name, "bob")).json()
        assert first["status"] == "pending"
        url = f"/v1/rooms/{room_name}/join-requests/{first['id']}"

        async def status() -> str:
            return (await client.get(url)).json()["status"]  # type: ignore[no-any-return]

        await eventually(status, check=lambda s: s == "expired", what="the request to expire")
        problem(await client.post(url + "/admit", json={"actor": "olivia"}), 409, "request-expired")
        listed = (
            await client.get(f"/v1/rooms/{room_name}/join-requests", params={"status": "pending"})
        ).json()
        assert listed["items"] == []
        second = await _join(client, room_name, "bob")
        assert second.status_code == 202 and second.json()["id"] != first["id"]

    async def expired_events() -> list[dict[str, Any]]:
        events = await _events(session_factory, room_name)
        return [d for kind, d in events if kind == "join_request.expired"]

    # the second request expires too (same 1 s TTL) when the machine is slow: count the first one's events
    expired = await eventually(expired_events, what="the join_request.expired event")
    mine = [d for d in expired if d["params"] == {"request_id": first["id"]}]
    assert len(mine) == 1
    assert mine[0]["actor"] is None and mine[0]["target"] == "bob"
    async with session_factory() as session:
        row = (
            await session.execute(select(LobbyRequest).where(LobbyRequest.public_id == first["id"]))
        ).scalar_one()
    assert row.status == "expired" and row.pending is None


async def test_the_expiry_job_records_what_nobody_answered(
    api: Any, make_client: Any, caller_token: Any, session_factory: Any, livekit: Any, room_name: str
) -> None:
    from roomsvc.lobby import jobs as lobby_jobs

    await _lobby_room(api, room_name)
    async with make_client(ROOMSVC_JOIN_REQUEST_TTL="1") as client:
        client.headers["Authorization"] = f"Bearer {caller_token(scopes=APP_SCOPES)}"
        request_id = (await _join(client, room_name, "carol")).json()["id"]
        url = f"/v1/rooms/{room_name}/join-requests/{request_id}"

        async def status() -> str:
            return (await client.get(url)).json()["status"]  # type: ignore[no-any-return]

        await eventually(status, check=lambda s: s == "expired", what="the request to read as expired")

    async def run_job() -> str:
        async with session_factory() as session, session.begin():
            await lobby_jobs.expire_requests(session, livekit)
        async with session_factory() as session:
            query = select(LobbyRequest.status).where(LobbyRequest.public_id == request_id)
            return (await session.execute(query)).scalar_one()  # type: ignore[no-any-return]

    # (A `roomsvc jobs` process of another test may record it first: either way it is recorded once.)
    await eventually(run_job, check=lambda s: s == "expired", what="the job to record the expiry")
    events = await _events(session_factory, room_name)
    assert [kind for kind, _ in events] == ["join_request.created", "join_request.expired"]
    assert events[1][1]["params"] == {"request_id": request_id} and events[1][1]["reason"] == "expired"
    audit = [a["action"] for a in (await api.get(f"/v1/rooms/{room_name}/audit")).json()["items"]]
    assert audit[0] == "join_request_expire"


async def test_who_bypasses_the_lobby_and_the_ban_that_wins(
    api: Any, app_api: httpx.AsyncClient, session_factory: Any, room_name: str
) -> None:
    await _lobby_room(api, room_name)
    # A caller with the admin scope does not wait.
    assert (await _join(api, room_name, "zoe")).status_code == 201
    # Nor does an invitation join.
    invited = await app_api.post(f"/v1/rooms/{room_name}/invitations", json={"identities": ["ivy"]})
    assert invited.status_code == 201, invited.text
    accepted = await app_api.post(f"/v1/invitations/{invited.json()['items'][0]['id']}/accept", json={})
    assert accepted.status_code in (200, 201), accepted.text
    assert accepted.json()["token"]

    # A banned identity is refused before any request is made.
    kicked = await app_api.post(
        f"/v1/rooms/{room_name}/participants/mal/kick", json={"actor": "olivia", "ban_seconds": 600}
    )
    assert kicked.status_code == 200, kicked.text
    problem(await _join(app_api, room_name, "mal"), 403, "identity-banned")

    # An admitted identity banned later: the ban wins.
    request_id = (await _join(app_api, room_name, "bob")).json()["id"]
    admitted = await app_api.post(
        f"/v1/rooms/{room_name}/join-requests/{request_id}/admit", json={"actor": "olivia"}
    )
    assert admitted.status_code == 200
    assert (await _join(app_api, room_name, "bob")).status_code == 201
    kicked = await app_api.post(
        f"/v1/rooms/{room_name}/participants/bob/kick", json={"actor": "olivia", "ban_seconds": 600}
    )
    assert kicked.status_code == 200, kicked.text
    problem(await _join(app_api, room_name, "bob"), 403, "identity-banned")

    async with session_factory() as session:
        query = (
            select(LobbyRequest.identity)
            .join(Room, Room.id == LobbyRequest.room_id)
            .where(Room.name == room_name)
        )
        knocked = set((await session.execute(query)).scalars())
    assert knocked == {"bob"}  # zoe, ivy and mal never made a request


async def test_the_lobby_can_be_switched_on_and_off(
    api: Any, app_api: httpx.AsyncClient, room_name: str
) -> None:
    created = await api.post("/v1/rooms", json={"name": room_name, "creator": "olivia"})
    assert created.status_code == 201 and created.json()["lobby"] is False
    assert (await _join(app_api, room_name, "bob")).status_code == 201
    patched = await api.patch(f"/v1/rooms/{room_name}", json={"lobby": True})
    assert patched.status_code == 200 and patched.json()["lobby"] is True
    assert (await api.get(f"/v1/rooms/{room_name}")).json()["lobby"] is True
    assert (await _join(app_api, room_name, "bob")).status_code == 202
    assert (await _join(app_api, room_name, "olivia")).status_code == 201
    patched = await api.patch(f"/v1/rooms/{room_name}", json={"lobby": False})
    assert patched.json()["lobby"] is False
    assert (await _join(app_api, room_name, "bob")).status_code == 201


async def test_bad_input_names_the_field(api: Any, app_api: httpx.AsyncClient, room_name: str) -> None:
    bad = problem(
        await api.post("/v1/rooms", json={"name": room_name, "creator": "olivia", "lobby": "yes"}),
        400,
        "validation-failed",
    )
    assert "lobby" in bad["fields"], bad
    await _lobby_room(api, room_name)
    bad = problem(await api.patch(f"/v1/rooms/{room_name}", json={"lobby": 3}), 400, "validation-failed")
    assert "lobby" in bad["fields"], bad
    request_id = (await _join(app_api, room_name, "bob")).json()["id"]
    base = f"/v1/rooms/{room_name}/join-requests"
    bad = problem(
        await app_api.post(f"{base}/{request_id}/admit", json={"actor": "not valid!"}),
        400,
        "validation-failed",
    )
    assert "actor" in bad["fields"], bad
    bad = problem(
        await app_api.post(f"{base}/{request_id}/deny", json={"actor": "olivia", "reason": "x" * 300}),
        400,
        "validation-failed",
    )
    assert "reason" in bad["fields"], bad
    bad = problem(
        await app_api.post(f"{base}/{request_id}/admit", json={"actor": "olivia", "extra": 1}),
        400,
        "validation-failed",
    )
    assert "extra" in bad["detail"], bad
    bad = problem(await app_api.get(base, params={"status": "bogus"}), 400, "validation-failed")
    assert "status" in bad["fields"], bad
    bad = problem(await app_api.get(base, params={"limit": 0}), 400, "validation-failed")
    assert "limit" in bad["fields"], bad
    problem(await app_api.get(f"{base}/jreq_nope"), 404, "join-request-not-found")
    problem(
        await app_api.post(f"{base}/jreq_nope/admit", json={"actor": "olivia"}), 404, "join-request-not-found"
    )
    problem(await app_api.get(f"/v1/rooms/no-{room_name}/join-requests"), 404, "room-not-found")
    # Nothing was decided by the refused calls.
    assert (await app_api.get(f"{base}/{request_id}")).json()["status"] == "pending"


async def test_list_pages(api: Any, app_api: httpx.AsyncClient, room_name: str) -> None:
    await _lobby_room(api, room_name)
    ids = [(await _join(app_api, room_name, f"guest{i}")).json()["id"] for i in range(3)]
    first = (await app_api.get(f"/v1/rooms/{room_name}/join-requests", params={"limit": 2})).json()
    assert [r["id"] for r in first["items"]] == ids[:2] and first["next_cursor"]
    rest = (
        await app_api.get(
            f"/v1/rooms/{room_name}/join-requests", params={"limit": 2, "cursor": first["next_cursor"]}
        )
    ).json()
    assert [r["id"] for r in rest["items"]] == ids[2:] and rest["next_cursor"] is None


async def test_another_projects_room_is_not_found(
    api: Any, app_api: httpx.AsyncClient, api_server: str, session_factory: Any, settings: Any, room_name: str
) -> None:
    await _lobby_room(api, room_name)
    request_id = (await _join(app_api, room_name, "bob")).json()["id"]
    base = f"/v1/rooms/{room_name}/join-requests"
    async with project_client(
        api_server, session_factory, settings, f"lobby-{uuid.uuid4().hex[:10]}"
    ) as other:
        problem(await other.get(base), 404, "room-not-found")
        problem(await other.get(f"{base}/{request_id}"), 404, "room-not-found")
        problem(
            await other.post(f"{base}/{request_id}/admit", json={"actor": "olivia"}), 404, "room-not-found"
        )
        problem(
            await other.post(f"{base}/{request_id}/deny", json={"actor": "olivia"}), 404, "room-not-found"
        )
    assert (await app_api.get(f"{base}/{request_id}")).json()["status"] == "pending"
