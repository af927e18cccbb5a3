"""Seat controls over the API: microphone/camera locks that stay with the seat, moves, swaps and
invitations to the stage; rules, grants, races settled by the database, audit entries and events."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import jwt
from sqlalchemy import update

from tests.support import eventually, make_admin, problem


async def _room(api: Any, name: str, **extra: Any) -> None:
    body = {"name": name, "creator": "olivia", "call_type": "audio", "seats": 3, "seat_mode": "apply"} | extra
    assert (await api.post("/v1/rooms", json=body)).status_code == 201
    await make_admin(api, name, "ada", owner="olivia")


async def _ok(api: Any, path: str, body: Any = None) -> Any:
    response = await api.post(path, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def _sources(api: Any, settings: Any, room: str, identity: str, role: str = "member") -> list[str]:
    """The sources a fresh join token of ``identity`` may publish (empty: may not publish)."""
    response = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity, "role": role})
    assert response.status_code == 201, response.text
    claims = jwt.decode(
        response.json()["token"],
        settings.livekit.api_secret,
        algorithms=["HS256"],
        issuer=settings.livekit.api_key,
    )
    video = claims["video"]
    return sorted(video.get("canPublishSources", [])) if video.get("canPublish") else []


async def _stage(api: Any, room: str) -> dict[int, dict[str, Any]]:
    return {s["index"]: s for s in (await api.get(f"/v1/rooms/{room}/seats")).json()["items"]}


async def _audit(api: Any, room: str) -> list[dict[str, Any]]:
    return (await api.get(f"/v1/rooms/{room}/audit", params={"limit": 100})).json()["items"]  # type: ignore[no-any-return]


async def _events(api: Any, room: str, event_type: str, count: int = 1) -> list[dict[str, Any]]:
    """The room's events of ``event_type``, oldest first, once ``count`` are listed (an event is listed
    once the feed has sequenced it, a moment after its commit)."""

    async def read() -> list[dict[str, Any]]:
        response = await api.get("/v1/events", params={"room": room, "type": event_type, "limit": 100})
        return response.json()["items"]  # type: ignore[no-any-return]

    items = await eventually(read, check=lambda items: len(items) >= count, what=f"{count} {event_type}")
    return list(reversed(items))


async def test_mic_lock_keeps_the_occupant_and_belongs_to_the_seat(
    api: Any, settings: Any, room_name: str
) -> None:
    await _room(api, room_name, call_type="video")
    base = f"/v1/rooms/{room_name}/seats"
    await _ok(api, f"{base}/0/take", {"identity": "mem", "actor": "ada"})
    assert await _sources(api, settings, room_name, "mem") == ["camera", "microphone"]

    locked = await _ok(api, f"{base}/0/mic-lock", {"actor": "ada", "reason": "noise"})
    assert locked == {
        "index": 0,
        "identity": "mem",
        "locked": False,
        "mic_locked": True,
        "camera_locked": False,
    }
    assert await _sources(api, settings, room_name, "mem") == ["camera"]  # still seated, no microphone
    await _ok(api, f"{base}/0/camera-lock", {"actor": "ada"})
    assert await _sources(api, settings, room_name, "mem") == []
    assert (await _stage(api, room_name))[0]["identity"] == "mem"

    # The lock stays with the seat: the next occupant gets it, the previous one is free of it.
    await _ok(api, f"{base}/0/leave", {"identity": "mem"})
    assert (await _stage(api, room_name))[0]["mic_locked"] is True
    await _ok(api, f"{base}/0/take", {"identity": "sam", "actor": "ada"})
    await _ok(api, f"{base}/1/take", {"identity": "mem", "actor": "ada"})
    assert await _sources(api, settings, room_name, "sam") == []
    assert await _sources(api, settings, room_name, "mem") == ["camera", "microphone"]
    # An owner or admin on the seat is bound by it too; others in the room are not.
    assert await _sources(api, settings, room_name, "ada", "admin") == [
        "camera",
        "microphone",
        "screen_share",
        "screen_share_audio",
    ]

    await _ok(api, f"{base}/0/mic-unlock", {"actor": "ada"})
    assert await _sources(api, settings, room_name, "sam") == ["microphone"]
    unlocked = await _ok(api, f"{base}/0/camera-unlock")  # admin-scope caller, no body
    assert unlocked["camera_locked"] is False
    assert await _sources(api, settings, room_name, "sam") == ["camera", "microphone"]

    # An empty seat's microphone can be locked ahead; the whole-seat lock keeps its old rule.
    empty = await _ok(api, f"{base}/2/mic-lock", {"actor": "olivia"})
    assert empty["identity"] is None and empty["mic_locked"] is True
    problem(await api.post(f"{base}/0/lock", json={"actor": "ada"}), 409, "seat-occupied")
    assert (await _ok(api, f"{base}/2/lock", {"actor": "ada"}))["locked"] is True

    actions = [(a["action"], a["target"], a["params"].get("seat")) for a in await _audit(api, room_name)]
    assert actions[:7] == [
        ("seat_lock", None, 2),
        ("seat_mic_lock", None, 2),
        ("seat_camera_unlock", "sam", 0),
        ("seat_mic_unlock", "sam", 0),
        ("seat_take", "mem", 1),
        ("seat_take", "sam", 0),
        ("seat_leave", "mem", 0),
    ]
    mic_locked = await _events(api, room_name, "seat.mic_locked", 2)
    assert [(e["data"]["target"], e["data"]["params"]["seat"]) for e in mic_locked] == [
        ("mem", 0),
        (None, 2),
    ]
    assert mic_locked[0]["data"]["reason"] == "noise" and mic_locked[0]["data"]["actor"] == "ada"
    assert mic_locked[0]["data"]["params"]["applied_live"] is False  # mem was not connected
    assert len(await _events(api, room_name, "seat.camera_unlocked")) == 1


async def test_seat_controls_follow_the_rank_rules(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    await make_admin(api, room_name, "adam", owner="olivia")
    base = f"/v1/rooms/{room_name}/seats"
    await _ok(api, f"{base}/0/take", {"identity": "olivia", "actor": "olivia"})
    await _ok(api, f"{base}/1/take", {"identity": "adam", "actor": "olivia"})
    await _ok(api, f"{base}/2/take", {"identity": "mem", "actor": "olivia"})
    problem(await api.post(f"{base}/2/mic-lock", json={"actor": "mem"}), 403, "not-a-moderator")
    problem(await api.post(f"{base}/0/mic-lock", json={"actor": "ada"}), 403, "insufficient-rank")
    problem(await api.post(f"{base}/1/camera-lock", json={"actor": "ada"}), 403, "insufficient-rank")
    problem(await api.post(f"{base}/0/swap", json={"with": 2, "actor": "ada"}), 403, "insufficient-rank")
    problem(await api.post(f"{base}/2/swap", json={"with": 1, "actor": "ada"}), 403, "insufficient-rank")
    # The owner outranks admins; a moderator may lock its own seat.
    assert (await _ok(api, f"{base}/1/mic-lock", {"actor": "olivia"}))["mic_locked"] is True
    assert (await _ok(api, f"{base}/0/mic-lock", {"actor": "olivia"}))["mic_locked"] is True
    assert (await _ok(api, f"{base}/2/mic-lock", {"actor": "ada"}))["mic_locked"] is True
    stage = await _stage(api, room_name)
    assert [stage[i]["mic_locked"] for i in range(3)] == [True, True, True]


async def test_bad_input_names_the_field(api: Any, anon: Any, caller_token: Any, room_name: str) -> None:
    await _room(api, room_name)
    base = f"/v1/rooms/{room_name}/seats"
    await _ok(api, f"{base}/0/take", {"identity": "mem", "actor": "ada"})
    assert problem(await api.post(f"{base}/0/move", json={"to": 0}), 400, "bad-request")["field"] == "to"
    assert problem(await api.post(f"{base}/0/swap", json={"with": 0}), 400, "bad-request")["field"] == "with"
    for path, body, field in (
        (f"{base}/0/move", {"to": 99}, "to"),
        (f"{base}/0/move", {"to": "one"}, "to"),
        (f"{base}/0/move", {}, "to"),
        (f"{base}/0/swap", {"with": -1}, "with"),
        (f"{base}/0/mic-lock", {"actor": "ada", "reason": "x" * 300}, "reason"),
        (f"{base}/0/mic-lock", {"actor": "ada", "sources": ["camera"]}, "sources"),
    ):
        response = await api.post(path, json=body)
        assert response.status_code == 400, (path, body, response.text)
        assert field in (response.json().get("field") or response.json()["detail"]), response.json()
    problem(await api.post(f"{base}/0/move", json={"to": 5}), 404, "seat-not-found")
    problem(await api.post(f"{base}/1/move", json={"to": 2}), 409, "seat-empty")
    problem(await api.post(f"{base}/0/swap", json={"with": 1}), 409, "seat-empty")
    problem(await api.post(f"{base}/9/mic-lock"), 404, "seat-not-found")
    writer = {"Authorization": f"Bearer {caller_token(scopes=['rooms:write', 'rooms:read'])}"}
    response = await anon.post(f"{base}/0/mic-lock", json={}, headers=writer)
    assert response.status_code == 403, response.text
    flat = f"{room_name}-flat"
    await _room(api, flat, seats=0)
    problem(await api.post(f"/v1/rooms/{flat}/seats/0/mic-lock"), 409, "no-stage")
    problem(await api.post("/v1/rooms/no-such-room-x/seats/0/mic-lock"), 404, "room-not-found")


async def test_move_and_swap_carry_grants_with_the_seats(api: Any, settings: Any, room_name: str) -> None:
    await _room(api, room_name, seats=4)
    base = f"/v1/rooms/{room_name}/seats"
    await _ok(api, f"{base}/0/take", {"identity": "amy", "actor": "ada"})
    await _ok(api, f"{base}/1/take", {"identity": "bo", "actor": "ada"})
    await _ok(api, f"{base}/0/mic-lock", {"actor": "ada"})
    await _ok(api, f"{base}/2/lock", {"actor": "ada"})
    problem(await api.post(f"{base}/0/move", json={"to": 1, "actor": "ada"}), 409, "seat-taken")
    problem(await api.post(f"{base}/0/move", json={"to": 2, "actor": "ada"}), 409, "seat-locked")
    assert await _sources(api, settings, room_name, "amy") == []
    assert await _sources(api, settings, room_name, "bo") == ["microphone"]

    swapped = await _ok(api, f"{base}/0/swap", {"with": 1, "actor": "ada", "reason": "rotation"})
    assert [(s["index"], s["identity"], s["mic_locked"]) for s in swapped["items"]] == [
        (0, "bo", True),
        (1, "amy", False),
    ]
    assert await _sources(api, settings, room_name, "amy") == ["microphone"]
    assert await _sources(api, settings, room_name, "bo") == []

    await _ok(api, f"{base}/2/unlock", {"actor": "ada"})
    moved = await _ok(api, f"{base}/0/move", {"to": 2, "actor": "ada"})
    assert [(s["index"], s["identity"], s["mic_locked"]) for s in moved["items"]] == [
        (0, None, True),
        (2, "bo", False),
    ]
    assert await _sources(api, settings, room_name, "bo") == ["microphone"]
    # A moderator may move itself; the seat's lock binds it like anyone.
    await _ok(api, f"{base}/3/take", {"identity": "ada", "actor": "ada"})
    await _ok(api, f"{base}/3/move", {"to": 0, "actor": "ada"})
    assert await _sources(api, settings, room_name, "ada", "admin") == []

    swap_event = (await _events(api, room_name, "seat.swapped"))[0]["data"]
    assert swap_event["actor"] == "ada" and swap_event["target"] == "amy"
    assert swap_event["reason"] == "rotation"
    assert swap_event["params"] == {
        "from": 0,
        "to": 1,
        "other": "bo",
        "applied_live": False,
        "other_applied_live": False,
    }
    moves = await _events(api, room_name, "seat.moved", 2)
    assert [(e["data"]["target"], e["data"]["params"]["from"], e["data"]["params"]["to"]) for e in moves] == [
        ("bo", 0, 2),
        ("ada", 3, 0),
    ]
    actions = [a["action"] for a in await _audit(api, room_name)]
    assert actions[:5] == ["seat_move", "seat_take", "seat_move", "seat_unlock", "seat_swap"]


async def test_racing_moves_and_swaps_have_one_consistent_outcome(api: Any, room_name: str) -> None:
    """Two moves to the same free seat: one wins, the other is refused. A swap racing a move of one of
    its seats: whichever order the database picked, nobody holds two seats and nobody is lost."""
    for round_ in range(4):
        name = f"{room_name}-{round_}"
        await _room(api, name, seats=4)
        base = f"/v1/rooms/{name}/seats"
        await _ok(api, f"{base}/0/take", {"identity": "p0", "actor": "ada"})
        await _ok(api, f"{base}/1/take", {"identity": "p1", "actor": "ada"})
        results = await asyncio.gather(
            api.post(f"{base}/0/move", json={"to": 2, "actor": "ada"}),
            api.post(f"{base}/1/move", json={"to": 2, "actor": "ada"}),
        )
        assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
        loser = next(r for r in results if r.status_code == 409)
        problem(loser, 409, "seat-taken")
        stage = await _stage(api, name)
        occupants = [stage[i]["identity"] for i in range(4)]
        assert sorted(o for o in occupants if o) == ["p0", "p1"] and occupants[2] in ("p0", "p1")

        # Now a swap of the two occupied seats races a move of one of them to the free seat 3.
        held = {stage[i]["identity"]: i for i in range(4) if stage[i]["identity"]}
        first, second = sorted(held.values())
        swap, move = await asyncio.gather(
            api.post(f"{base}/{first}/swap", json={"with": second, "actor": "ada"}),
            api.post(f"{base}/{first}/move", json={"to": 3, "actor": "ada"}),
        )
        assert swap.status_code in (200, 409) and move.status_code == 200, (swap.text, move.text)
        after = await _stage(api, name)
        seated = [after[i]["identity"] for i in range(4) if after[i]["identity"]]
        assert sorted(seated) == ["p0", "p1"], after  # nobody lost, nobody twice
        if swap.status_code == 409:  # the move went first: the first seat was empty for the swap
            problem(swap, 409, "seat-empty")
            assert after[3]["identity"] == held_by(held, first)
        else:  # the swap went first: the move took the swapped-in occupant of the first seat
            assert after[3]["identity"] == held_by(held, second)


def held_by(held: dict[str, int], index: int) -> str:
    return next(identity for identity, seat in held.items() if seat == index)


async def test_invitation_to_the_stage_is_accepted_by_the_invited_identity(
    api: Any, settings: Any, room_name: str
) -> None:
    await _room(api, room_name)
    requests = f"/v1/rooms/{room_name}/seat-requests"
    assert await _sources(api, settings, room_name, "gus", "audience") == []
    invited = await api.post(
        requests, json={"identity": "gus", "kind": "invitation", "actor": "ada", "seat": 1, "expires_in": 120}
    )
    assert invited.status_code == 201, invited.text
    invitation = invited.json()
    assert invitation["kind"] == "invitation" and invitation["status"] == "pending"
    assert invitation["invited_by"] == "ada" and invitation["preferred_seat"] == 1
    expires_at = dt.datetime.fromisoformat(invitation["expires_at"])
    assert expires_at.utcoffset() is not None
    assert 100 < (expires_at - dt.datetime.now(dt.UTC)).total_seconds() <= 120
    # One pending request per identity; moderators approve applications, not invitations.
    problem(await api.post(requests, json={"identity": "gus"}), 409, "request-pending")
    problem(
        await api.post(f"{requests}/{invitation['id']}/approve", json={"actor": "ada"}),
        409,
        "request-is-invitation",
    )
    problem(
        await api.post(f"{requests}/{invitation['id']}/reject", json={"actor": "ada"}),
        409,
        "request-is-invitation",
    )
    assert (await _stage(api, room_name))[1]["identity"] is None  # nothing happens before acceptance

    accepted = await _ok(api, f"{requests}/{invitation['id']}/accept")
    assert accepted["status"] == "accepted" and accepted["seat"] == 1 and accepted["decided_by"] == "gus"
    assert (await _stage(api, room_name))[1]["identity"] == "gus"
    assert await _sources(api, settings, room_name, "gus", "audience") == ["microphone"]
    problem(await api.post(f"{requests}/{invitation['id']}/accept"), 409, "request-accepted")
    problem(await api.post(f"{requests}/{invitation['id']}/decline"), 409, "request-accepted")

    # Declining, and the application/invitation mismatch the other way round.
    second = await _ok(api, requests, {"identity": "hal", "kind": "invitation", "actor": "olivia"})
    declined = await _ok(api, f"{requests}/{second['id']}/decline", {"reason": "not today"})
    assert declined["status"] == "declined" and declined["reason"] == "not today"
    application = await _ok(api, requests, {"identity": "hal"})
    assert application["kind"] == "application" and application["expires_at"] is None
    problem(await api.post(f"{requests}/{application['id']}/accept"), 409, "not-an-invitation")
    withdrawn = await _ok(api, requests, {"identity": "ivy", "kind": "invitation", "actor": "ada"})
    cancelled = await _ok(api, f"{requests}/{withdrawn['id']}/cancel")
    assert cancelled["status"] == "cancelled" and cancelled["decided_by"] == "ada"

    events = {
        "seat_request.invited": await _events(api, room_name, "seat_request.invited", 3),
        "seat_request.accepted": await _events(api, room_name, "seat_request.accepted"),
    }
    assert [e["data"]["target"] for e in events["seat_request.invited"]] == ["gus", "hal", "ivy"]
    invited_event = events["seat_request.invited"][0]["data"]
    assert invited_event["actor"] == "ada" and invited_event["params"]["request_id"] == invitation["id"]
    assert invited_event["params"]["preferred_seat"] == 1
    accepted_event = events["seat_request.accepted"][0]["data"]
    assert accepted_event["params"] == {"request_id": invitation["id"], "seat": 1, "applied_live": False}
    actions = [a["action"] for a in await _audit(api, room_name)]
    assert actions[:6] == [
        "seat_request_cancel",
        "seat_invite",
        "seat_request",
        "seat_invite_decline",
        "seat_invite",
        "seat_invite_accept",
    ]


async def test_invitation_rules_and_bad_input(api: Any, room_name: str) -> None:
    await _room(api, room_name, seats=1)
    await make_admin(api, room_name, "adam", owner="olivia")
    requests = f"/v1/rooms/{room_name}/seat-requests"
    body = {"identity": "gus", "kind": "invitation"}
    problem(await api.post(requests, json=body | {"actor": "mem"}), 403, "not-a-moderator")
    problem(
        await api.post(requests, json=body | {"actor": "ada", "identity": "adam"}), 403, "insufficient-rank"
    )
    problem(
        await api.post(requests, json=body | {"actor": "ada", "identity": "ada"}), 403, "cannot-target-self"
    )
    assert (
        problem(await api.post(requests, json={"identity": "gus", "actor": "ada"}), 400, "bad-request")[
            "field"
        ]
        == "actor"
    )
    assert (
        problem(await api.post(requests, json={"identity": "gus", "expires_in": 60}), 400, "bad-request")[
            "field"
        ]
        == "expires_in"
    )
    for bad in ({"expires_in": 5}, {"expires_in": 10**6}, {"kind": "summons"}, {"seat": 70}):
        response = await api.post(requests, json=body | {"actor": "ada"} | bad)
        assert response.status_code == 400, (bad, response.text)
        assert next(iter(bad)) in (response.json().get("field") or response.json()["detail"])
    problem(await api.post(requests, json=body | {"actor": "ada", "seat": 3}), 404, "seat-not-found")
    # The invited seat is taken meanwhile: accepting says so, and the invitation stays pending.
    invitation = await _ok(api, requests, body | {"actor": "ada", "seat": 0})
    await _ok(api, f"/v1/rooms/{room_name}/seats/0/take", {"identity": "kim", "actor": "ada"})
    problem(await api.post(f"{requests}/{invitation['id']}/accept"), 409, "seat-taken")
    pending = (await api.get(requests, params={"status": "pending"})).json()["items"]
    assert [r["id"] for r in pending] == [invitation["id"]]


async def test_an_unanswered_invitation_expires(
    api: Any, session_factory: Any, jobs_process: Any, room_name: str
) -> None:
    from roomsvc.seats.models import SeatRequest

    await _room(api, room_name)
    requests = f"/v1/rooms/{room_name}/seat-requests"
    invitation = await _ok(api, requests, {"identity": "gus", "kind": "invitation", "actor": "ada"})
    async with session_factory() as session, session.begin():
        await session.execute(
            update(SeatRequest)
            .where(SeatRequest.public_id == invitation["id"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    # Past expires_at an answer is refused, whether or not the jobs process has marked it yet.
    problem(await api.post(f"{requests}/{invitation['id']}/accept"), 409, "request-expired")
    expired = await eventually(
        lambda: _request(api, requests, invitation["id"]),
        check=lambda r: r["status"] == "expired",
        what="the jobs process expiring the invitation",
    )
    assert expired["decided_by"] == "system"
    assert (await _stage(api, room_name))[0]["identity"] is None
    event = (await _events(api, room_name, "seat_request.expired"))[0]["data"]
    assert event["target"] == "gus" and event["actor"] is None and event["reason"] == "invitation expired"
    # The identity may be invited (or apply) again.
    assert (await api.post(requests, json={"identity": "gus"})).status_code == 201


async def _request(api: Any, requests: str, request_id: str) -> dict[str, Any]:
    items = (await api.get(requests, params={"limit": 100})).json()["items"]
    return next(r for r in items if r["id"] == request_id)  # type: ignore[no-any-return]


async def test_another_projects_seats_are_not_found(
    api: Any, api_server: str, session_factory: Any, settings: Any, room_name: str
) -> None:
    """A tenant naming the default project's room gets 404 from every seat control, and changes nothing."""
    import uuid

    import httpx

    from roomsvc.auth import mint_caller_token
    from roomsvc.credentials import service as credential_service

    await _room(api, room_name)
    await _ok(api, f"/v1/rooms/{room_name}/seats/0/take", {"identity": "mem", "actor": "ada"})
    invitation = await _ok(
        api, f"/v1/rooms/{room_name}/seat-requests", {"identity": "gus", "kind": "invitation", "actor": "ada"}
    )
    project = f"p2-{uuid.uuid4().hex[:10]}"
    async with session_factory() as session, session.begin():
        await credential_service.create_project(session, project)
        credential, secret = await credential_service.create_credential(
            session,
            master_key=settings.secret_key,
            name="tenant",
            scopes=credential_service.PROJECT_SCOPES,
            project=project,
        )
    token = mint_caller_token(
        credential_id=credential.public_id,
        secret=secret,
        audience=settings.caller_auth.audience,
        scopes=list(credential_service.PROJECT_SCOPES),
        ttl=600,
    )
    base = f"/v1/rooms/{room_name}"
    async with httpx.AsyncClient(
        base_url=api_server, headers={"Authorization": f"Bearer {token}"}, timeout=20
    ) as tenant:
        for path, body in (
            (f"{base}/seats/0/mic-lock", {}),
            (f"{base}/seats/0/camera-unlock", {}),
            (f"{base}/seats/0/move", {"to": 1}),
            (f"{base}/seats/0/swap", {"with": 1}),
            (f"{base}/seat-requests", {"identity": "gus", "kind": "invitation"}),
            (f"{base}/seat-requests/{invitation['id']}/accept", None),
            (f"{base}/seat-requests/{invitation['id']}/decline", None),
        ):
            problem(await tenant.post(path, json=body), 404, "room-not-found")
    stage = await _stage(api, room_name)
    assert stage[0]["identity"] == "mem" and stage[0]["mic_locked"] is False
    assert (await _request(api, f"{base}/seat-requests", invitation["id"]))["status"] == "pending"
