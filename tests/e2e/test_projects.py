"""Projects (tenants) on the real stack: one project's credential never reaches another project's objects.

Project A is the default project (the dev credential); project B is created here with a credential of its
own holding every project scope. Every route of the OpenAPI document is called with B's credential
against A's objects (a room with participants, a real call, an invitation, a seat request, a ban, a
subscription, an event, a recording): each answers 404 exactly as for a missing object (403 where the route
belongs to no project, or only to the worker), never a 2xx, and no listing of B shows anything of A's.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from roomsvc.auth import mint_caller_token
from roomsvc.credentials import service as credential_service
from tests.e2e.clients import connected
from tests.support import eventually, project_client

pytestmark = pytest.mark.usefixtures("jobs_process")

# What each write route is sent: a body valid for A's objects, so that only the project boundary can stop it.
BODIES: dict[tuple[str, str], Any] = {
    ("post", "/v1/rooms/{room}/end"): {"reason": "probe"},
    ("patch", "/v1/rooms/{room}"): {"max_participants": 5},
    ("delete", "/v1/rooms/{room}/participants/{identity}"): None,
    ("patch", "/v1/rooms/{room}/participants/{identity}"): {"name": "probe"},
    ("post", "/v1/rooms/{room}/participants"): {"identity": "mallory"},
    ("post", "/v1/rooms/{room}/invitations"): {"identities": ["mallory"]},
    ("post", "/v1/invitations/{invitation_id}/accept"): {},
    ("post", "/v1/invitations/{invitation_id}/decline"): None,
    ("delete", "/v1/invitations/{invitation_id}"): None,
    ("post", "/v1/rooms/{room}/participants/{identity}/kick"): {"actor": "alice"},
    ("delete", "/v1/rooms/{room}/bans/{identity}"): None,
    ("post", "/v1/rooms/{room}/participants/{identity}/mute"): {"actor": "alice", "sources": ["microphone"]},
    ("post", "/v1/rooms/{room}/participants/{identity}/role"): {"role": "audience", "actor": "alice"},
    ("post", "/v1/rooms/{room}/owner"): {"identity": "bob", "actor": "alice"},
    ("patch", "/v1/rooms/{room}/controls"): {"actor": "alice", "audio_disabled": True},
    ("post", "/v1/rooms/{room}/messages"): {"topic": "chat", "text": "probe"},
    ("post", "/v1/rooms/{room}/participants/{identity}/unmute"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seat-requests/{request_id}/approve"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seat-requests/{request_id}/reject"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seat-requests/{request_id}/cancel"): None,
    ("post", "/v1/rooms/{room}/seat-requests"): {"identity": "bob"},
    ("post", "/v1/rooms/{room}/join-requests/{request_id}/admit"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/join-requests/{request_id}/deny"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/kick"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/leave"): {"identity": "bob"},
    ("post", "/v1/rooms/{room}/seats/{index}/lock"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/unlock"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/take"): {"identity": "bob"},
    ("post", "/v1/rooms/{room}/seats/{index}/mic-lock"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/mic-unlock"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/camera-lock"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/camera-unlock"): {"actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/move"): {"to": 1, "actor": "alice"},
    ("post", "/v1/rooms/{room}/seats/{index}/swap"): {"with": 1, "actor": "alice"},
    ("post", "/v1/rooms/{room}/seat-requests/{request_id}/accept"): None,
    ("post", "/v1/rooms/{room}/seat-requests/{request_id}/decline"): {"reason": "probe"},
    ("post", "/v1/rooms/{room}/detections"): {"job_id": "j", "room_sid": "RM_x", "windows": []},
    ("post", "/v1/rooms/{room}/detection/report"): {"job_id": "j", "agent_identity": "a", "room_sid": "RM_x"},
    ("post", "/v1/rooms/{room}/detection"): {},
    ("delete", "/v1/rooms/{room}/detection"): None,
    ("post", "/v1/detection/models"): {},
    ("patch", "/v1/detection/models/{model_id}"): {"active": False},
    ("post", "/v1/event-subscriptions/{subscription_id}/enable"): None,
    ("delete", "/v1/event-subscriptions/{subscription_id}"): None,
    ("post", "/v1/event-subscriptions/{subscription_id}/rotate-secret"): None,
    ("post", "/v1/events/{event_id}/redeliver"): {},
    ("post", "/v1/rooms/{room}/recordings"): {"kind": "tracks"},
    ("post", "/v1/recordings/{recording_id}/stop"): None,
    ("delete", "/v1/recordings/{recording_id}"): None,
    ("post", "/v1/rooms/{room}/agents"): {"agent_name": "{agent}"},
    ("delete", "/v1/rooms/{room}/agents/{dispatch_id}"): None,
    ("delete", "/v1/agents/{name}"): None,
}
# Routes that create in the caller's own project, or list it: checked below for what they show.
OWN_PROJECT = {
    ("post", "/v1/rooms"),
    ("post", "/v1/event-subscriptions"),
    ("get", "/v1/rooms"),
    ("get", "/v1/calls"),
    ("get", "/v1/usage"),
    ("get", "/v1/events"),
    ("get", "/v1/detections"),
    ("get", "/v1/recordings"),
    ("get", "/v1/event-subscriptions"),
    ("get", "/v1/events/stream"),
    ("get", "/v1/me"),
    ("post", "/v1/agents"),
    ("get", "/v1/agents"),
}
# The detection model registry belongs to no project: anyone with `detection` reads it; only `platform`
# callers change it. The worker's own routes answer 403 to every other credential before any lookup.
GLOBAL_READS = {("get", "/v1/detection/models"), ("get", "/v1/detection/models/{model_id}")}
FORBIDDEN = {
    ("post", "/v1/detection/models"),
    ("patch", "/v1/detection/models/{model_id}"),
    ("post", "/v1/rooms/{room}/detections"),
    ("post", "/v1/rooms/{room}/detection/report"),
    ("get", "/v1/rooms/{room}/detection/config"),
    *(
        ("post", f"/v1/recordings/{{recording_id}}/worker/{report}")
        for report in ("started", "file-opened", "heartbeat", "file-finished", "finished", "failed")
    ),
}


@pytest.fixture
async def project_b(api_server: str, session_factory: Any, settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with project_client(api_server, session_factory, settings, f"b-{uuid.uuid4().hex[:10]}") as client:
        yield client


@pytest.fixture
async def objects_of_a(
    api: httpx.AsyncClient, settings: Any, room_name: str
) -> AsyncIterator[dict[str, str]]:
    """Project A's room with an owner, a connected member (so a real call exists), a seat request, an
    invitation, a ban, a subscription and events."""
    created = await api.post("/v1/rooms", json={"name": room_name, "creator": "alice", "seats": 2})
    assert created.status_code == 201, created.text
    for identity in ("alice", "dave"):
        assert (await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": identity})).is_success
    bob = await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "bob"})
    assert bob.status_code in (200, 201), bob.text
    kicked = await api.post(
        f"/v1/rooms/{room_name}/participants/dave/kick", json={"actor": "alice", "ban_seconds": 600}
    )
    assert kicked.is_success, kicked.text
    invitation = await api.post(f"/v1/rooms/{room_name}/invitations", json={"identities": ["carol"]})
    assert invitation.status_code == 201, invitation.text
    request = await api.post(f"/v1/rooms/{room_name}/seat-requests", json={"identity": "bob"})
    assert request.status_code == 201, request.text
    recording = await api.post(f"/v1/rooms/{room_name}/recordings", json={"kind": "room_audio"})
    assert recording.status_code == 201, recording.text
    agent = f"a-agent-{uuid.uuid4().hex[:10]}"
    assert (await api.post("/v1/agents", json={"name": agent})).status_code == 201
    dispatch = await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": agent})
    assert dispatch.status_code == 201, dispatch.text
    subscription = await api.post(
        "/v1/event-subscriptions", json={"url": "http://127.0.0.1:9/a-hook", "event_types": ["room.*"]}
    )
    assert subscription.status_code == 201, subscription.text
    async with connected(settings.livekit.public_url, bob.json()["token"]):

        async def a_call() -> str | None:
            calls = (await api.get(f"/v1/rooms/{room_name}/calls")).json()["items"]
            return calls[0]["id"] if calls else None

        call_id = await eventually(a_call, timeout=20)
        events = (await api.get("/v1/events", params={"room": room_name})).json()["items"]
        assert events
        models = (await api.get("/v1/detection/models")).json()["items"]
        yield {
            "room": room_name,
            "identity": "bob",
            "invitation_id": invitation.json()["items"][0]["id"],
            "request_id": request.json()["id"],
            "subscription_id": subscription.json()["id"],
            "event_id": events[0]["id"],
            "call_id": call_id,
            "recording_id": recording.json()["id"],
            "name": agent,
            "dispatch_id": dispatch.json()["id"],
            "index": "0",
            "model_id": str(models[0]["id"]) if models else "1",
        }
    await api.delete(f"/v1/event-subscriptions/{subscription.json()['id']}")


def _operations(doc: dict[str, Any]) -> list[tuple[str, str]]:
    methods = ("get", "post", "patch", "put", "delete")
    return [(m, p) for p, ops in doc["paths"].items() if p.startswith("/v1/") for m in ops if m in methods]


async def test_every_route_refuses_another_projects_objects(
    api: httpx.AsyncClient, project_b: httpx.AsyncClient, objects_of_a: dict[str, str]
) -> None:
    doc = (await api.get("/schema/openapi.json")).json()
    operations = _operations(doc)
    covered = set(BODIES) | OWN_PROJECT | GLOBAL_READS | FORBIDDEN
    uncovered = [(m, p) for m, p in operations if (m, p) not in covered and not (m == "get" and "{" in p)]
    assert not uncovered, f"routes this test does not probe yet: {uncovered}"
    secrets_of_a = {v for k, v in objects_of_a.items() if k not in ("index", "model_id", "identity")}
    outcomes: dict[tuple[str, str], int] = {}
    for method, path in operations:
        if (method, path) in OWN_PROJECT:
            continue
        url = path.format(**objects_of_a)
        body = BODIES.get((method, path))
        if isinstance(body, dict) and body.get("agent_name") == "{agent}":
            body = body | {"agent_name": objects_of_a["name"]}  # A's registered agent, in A's room
        response = await project_b.request(method.upper(), url, json=body)
        outcomes[(method, path)] = response.status_code
        if (method, path) in GLOBAL_READS:
            assert response.status_code in (200, 404), (method, path, response.text)
            continue
        expected = 403 if (method, path) in FORBIDDEN else 404
        assert response.status_code == expected, (method, url, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        # The answer names nothing of A's beyond what B itself sent in the URL.
        leaked = {s for s in secrets_of_a if s in response.text and s not in url}
        assert not leaked, (method, path, leaked)
    assert len(outcomes) >= 40  # every project route of the document was probed


async def test_listings_and_event_feed_show_nothing_of_another_project(
    api: httpx.AsyncClient, project_b: httpx.AsyncClient, objects_of_a: dict[str, str]
) -> None:
    room = objects_of_a["room"]
    for path, params in (
        ("/v1/rooms", {}),
        ("/v1/calls", {}),
        ("/v1/calls", {"room": room}),
        ("/v1/usage", {"group_by": "room"}),
        ("/v1/events", {}),
        ("/v1/events", {"room": room}),
        ("/v1/detections", {}),
        ("/v1/recordings", {}),
        ("/v1/recordings", {"room": room}),
        ("/v1/event-subscriptions", {}),
    ):
        response = await project_b.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
        text = response.text
        for key in ("room", "call_id", "event_id", "subscription_id", "recording_id"):
            assert objects_of_a[key] not in text, (path, params, key)
    me = (await project_b.get("/v1/me")).json()
    assert me["project"].startswith("b-") and me["credential_id"] != "cred_dev"
    # A's own view still has them: the filter is by project, not a broken query.
    assert any(r["name"] == room for r in (await api.get("/v1/rooms", params={"limit": 100})).json()["items"])
    # Resuming B's stream from A's event is refused as an unknown id, not served from A's place in the feed.
    stream = await project_b.get(
        "/v1/events/stream", headers={"Last-Event-ID": objects_of_a["event_id"]}, timeout=5
    )
    assert stream.status_code == 400
    assert stream.json()["field"] == "Last-Event-ID"


async def test_sse_stream_of_one_project_never_carries_anothers_events(
    api: httpx.AsyncClient, project_b: httpx.AsyncClient, room_name: str
) -> None:
    """B streams while both projects create rooms: B's stream carries B's room.created and never A's."""
    mine, theirs = f"{room_name}-b", f"{room_name}-a"
    seen: list[dict[str, Any]] = []

    async def read_stream() -> None:
        async with project_b.stream("GET", "/v1/events/stream", timeout=30) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    seen.append(event)
                    if event["room"] == mine:
                        return

    reader = asyncio.create_task(read_stream())
    await asyncio.sleep(0.5)  # the stream starts at the feed's end: open it before the events
    assert (await api.post("/v1/rooms", json={"name": theirs, "creator": "alice"})).status_code == 201
    assert (await project_b.post("/v1/rooms", json={"name": mine, "creator": "bea"})).status_code == 201
    await asyncio.wait_for(reader, 30)
    assert [e["room"] for e in seen if e["type"] == "room.created"] == [mine]
    assert all(e["room"] != theirs for e in seen)


async def test_same_room_name_in_two_projects(
    api: httpx.AsyncClient,
    project_b: httpx.AsyncClient,
    livekit: Any,
    settings: Any,
    room_name: str,
) -> None:
    """Two projects both hold a room of the same name; each sees and joins its own; LiveKit keeps two rooms,
    and a client of one is never in the other."""
    a = await api.post("/v1/rooms", json={"name": room_name, "creator": "alice", "metadata": "a"})
    b = await project_b.post("/v1/rooms", json={"name": room_name, "creator": "bea", "metadata": "b"})
    assert a.status_code == 201 and b.status_code == 201, (a.text, b.text)
    assert (await api.get(f"/v1/rooms/{room_name}")).json()["creator"] == "alice"
    assert (await project_b.get(f"/v1/rooms/{room_name}")).json()["creator"] == "bea"
    join_a = (await api.post(f"/v1/rooms/{room_name}/participants", json={"identity": "sam"})).json()
    join_b = (await project_b.post(f"/v1/rooms/{room_name}/participants", json={"identity": "sam"})).json()
    live_names = {r.name for r in await livekit.list_rooms()}
    livekit_b = [n for n in live_names if n.endswith(f"~{room_name}")]
    assert room_name in live_names and len(livekit_b) == 1
    async with connected(settings.livekit.public_url, join_b["token"]):
        in_b = await eventually(lambda: _identities(livekit, livekit_b[0]), timeout=15)
        assert in_b == ["sam"]
        assert await _identities(livekit, room_name) is None  # A's room has nobody
    async with connected(settings.livekit.public_url, join_a["token"]):
        assert await eventually(lambda: _identities(livekit, room_name), timeout=15) == ["sam"]
    # Ending B's room leaves A's open.
    assert (await project_b.post(f"/v1/rooms/{room_name}/end")).json()["status"] == "ended"
    assert (await api.get(f"/v1/rooms/{room_name}")).json()["status"] != "ended"
    await api.post(f"/v1/rooms/{room_name}/end")


async def _identities(livekit: Any, name: str) -> list[str] | None:
    found = sorted(p.identity for p in await livekit.list_participants(name) if p.kind == "standard")
    return found or None


async def test_project_header_rules(
    api: httpx.AsyncClient, api_server: str, session_factory: Any, settings: Any, room_name: str
) -> None:
    """A project credential cannot name another project; a platform credential must name one, and then acts
    in it only; an unknown project is a 404."""
    other = f"c-{secrets.token_hex(4)}"
    async with project_client(api_server, session_factory, settings, other) as project_c:
        refused = await project_c.get("/v1/rooms", headers={"Roomsvc-Project": "default"})
        assert refused.status_code == 403 and refused.json()["code"] == "project-mismatch"
        assert (await project_c.get("/v1/rooms", headers={"Roomsvc-Project": other})).status_code == 200
    async with session_factory() as session, session.begin():
        platform, secret = await credential_service.create_credential(
            session, master_key=settings.secret_key, name="operator", scopes=["platform", "rooms:read"]
        )
    token = mint_caller_token(
        credential_id=platform.public_id,
        secret=secret,
        audience=settings.caller_auth.audience,
        scopes=["platform", "rooms:read"],
        ttl=600,
    )
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "alice"})).status_code == 201
    async with httpx.AsyncClient(
        base_url=api_server, headers={"Authorization": f"Bearer {token}"}, timeout=20
    ) as operator:
        unnamed = await operator.get(f"/v1/rooms/{room_name}")
        assert unnamed.status_code == 400 and unnamed.json()["code"] == "project-required"
        named = await operator.get(f"/v1/rooms/{room_name}", headers={"Roomsvc-Project": "default"})
        assert named.status_code == 200 and named.json()["name"] == room_name
        elsewhere = await operator.get(f"/v1/rooms/{room_name}", headers={"Roomsvc-Project": other})
        assert elsewhere.status_code == 404
        unknown = await operator.get("/v1/rooms", headers={"Roomsvc-Project": "no-such-project"})
        assert unknown.status_code == 404
        # `platform` lifts the project boundary, not the scopes: this operator cannot write.
        write = await operator.post(
            "/v1/rooms",
            json={"name": room_name + "x", "creator": "o"},
            headers={"Roomsvc-Project": "default"},
        )
        assert write.status_code == 403 and write.json()["code"] == "missing-scope"
    await api.post(f"/v1/rooms/{room_name}/end")
