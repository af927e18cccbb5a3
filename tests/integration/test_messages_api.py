"""POST /v1/rooms/{room}/messages over the real stack: what is refused, and what the answer says.

What clients receive (everyone, one identity, lossy) is tested with real clients in
tests/e2e/test_notices.py.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support import problem, project_client


async def _room(api: Any, name: str) -> None:
    body = {"name": name, "creator": "olivia", "call_type": "audio"}
    assert (await api.post("/v1/rooms", json=body)).status_code == 201


def _send(api: Any, room: str, body: Any) -> Any:
    return api.post(f"/v1/rooms/{room}/messages", json=body)


async def test_bad_messages_are_refused_naming_the_field(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    cases: list[tuple[dict[str, Any], int, str, str]] = [
        ({"topic": "chat", "text": "x" * (15 * 1024 + 1)}, 413, "message-too-large", "text"),
        ({"topic": "chat", "json": {"blob": "é" * 8000}}, 413, "message-too-large", "json"),
        ({"topic": "roomsvc.notice", "json": {"type": "participant.kicked"}}, 400, "topic-reserved", "topic"),
        ({"topic": "RoomSvc.detection", "text": "x"}, 400, "topic-reserved", "topic"),
        ({"topic": "chat"}, 400, "bad-request", "json"),
        ({"topic": "chat", "text": "a", "json": "b"}, 400, "bad-request", "text"),
    ]
    for body, status, code, field in cases:
        refused = problem(await _send(api, room_name, body), status, code)
        assert refused["field"] == field, (body, refused)
    invalid: list[tuple[dict[str, Any], str]] = [
        ({"topic": "", "text": "x"}, "topic"),
        ({"topic": "has space", "text": "x"}, "topic"),
        ({"topic": "t" * 129, "text": "x"}, "topic"),
        ({"topic": "chat", "text": "x", "identities": []}, "identities"),
        ({"topic": "chat", "text": "x", "identities": [f"u{i}" for i in range(101)]}, "identities"),
        ({"topic": "chat", "text": "x", "identities": ["no spaces"]}, "identities"),
        ({"topic": "chat", "text": "x", "reliable": "yes"}, "reliable"),
        ({"topic": "chat", "text": 5}, "text"),
        ({"topic": "chat", "text": "x", "to": "all"}, "to"),
    ]
    for body, field in invalid:
        refused = problem(await _send(api, room_name, body), 400, "validation-failed")
        # The offending key is in `fields`; an unknown field is named in `detail`.
        assert f"`{field}`" in refused["detail"] or field in str(refused.get("fields")), (body, refused)


async def test_exactly_15_kib_is_accepted_and_the_answer_says_what_was_sent(api: Any, room_name: str) -> None:
    await _room(api, room_name)
    sent = await _send(api, room_name, {"topic": "chat", "text": "x" * (15 * 1024)})
    assert sent.status_code == 200, sent.text
    body = sent.json()
    # Nobody is connected: nothing to deliver, and the answer says so (no recipients).
    assert {k: body[k] for k in ("topic", "format", "bytes", "reliable", "everyone", "recipients")} == {
        "topic": "chat",
        "format": "text",
        "bytes": 15 * 1024,
        "reliable": True,
        "everyone": True,
        "recipients": [],
    }
    assert body["sent_at"].endswith("Z") or "+" in body["sent_at"]
    lossy = await _send(
        api, room_name, {"topic": "game/state", "json": [1, 2], "reliable": False, "identities": ["ann"]}
    )
    assert lossy.status_code == 200, lossy.text
    assert {k: lossy.json()[k] for k in ("format", "bytes", "reliable", "everyone", "recipients")} == {
        "format": "json",
        "bytes": len(b"[1,2]"),
        "reliable": False,
        "everyone": False,
        "recipients": [],
    }


async def test_unknown_ended_and_other_projects_rooms(
    api: Any, api_server: str, session_factory: Any, settings: Any, room_name: str, caller_token: Any
) -> None:
    body = {"topic": "chat", "text": "hello"}
    problem(await _send(api, "no-such-room-" + uuid.uuid4().hex[:6], body), 404, "room-not-found")

    await _room(api, room_name)
    async with project_client(api_server, session_factory, settings, f"msg-{uuid.uuid4().hex[:8]}") as other:
        problem(await _send(other, room_name, body), 404, "room-not-found")

    reader = caller_token(scopes=["rooms:read"])
    async with httpx.AsyncClient(
        base_url=api_server, headers={"Authorization": f"Bearer {reader}"}, timeout=20
    ) as read_only:
        problem(await _send(read_only, room_name, body), 403, "missing-scope")

    assert (await api.post(f"/v1/rooms/{room_name}/end", json={"reason": "done"})).status_code == 200
    problem(await _send(api, room_name, body), 409, "room-ended")
