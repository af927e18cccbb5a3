"""Agents API on the real stack: the registry (/v1/agents) and dispatches (/v1/rooms/{room}/agents), with
LiveKit's AgentDispatchService. No agent worker runs here: LiveKit keeps a dispatch of a name no worker
serves, so what roomsvc asked LiveKit for is asserted on LiveKit's own listing. The agent that joins and
leaves is tests/e2e/test_agents.py."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from roomsvc.agents import jobs as agents_jobs
from roomsvc.agents.models import AgentDispatch
from roomsvc.events.models import Event
from tests.support import eventually, problem, project_client


def _name() -> str:
    return f"it-agent-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
async def other(api_server: str, session_factory: Any, settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of another project, with every project scope."""
    project = f"agents-{uuid.uuid4().hex[:10]}"
    async with project_client(api_server, session_factory, settings, project) as client:
        yield client


async def _room(api: httpx.AsyncClient, name: str) -> None:
    created = await api.post("/v1/rooms", json={"name": name, "creator": "alice"})
    assert created.status_code == 201, created.text


async def _register(api: httpx.AsyncClient, name: str) -> dict[str, Any]:
    registered = await api.post("/v1/agents", json={"name": name, "description": "test agent"})
    assert registered.status_code == 201, registered.text
    return registered.json()  # type: ignore[no-any-return]


async def _ours(livekit: Any, room: str, agent_name: str) -> list[Any]:
    return [d for d in await livekit.list_dispatch_states(room) if d.agent_name == agent_name]


async def test_register_list_and_unregister(api: httpx.AsyncClient, other: httpx.AsyncClient) -> None:
    name = _name()
    agent = await _register(api, name)
    assert agent["name"] == name and agent["description"] == "test agent" and agent["created_by"]
    assert (await api.get(f"/v1/agents/{name}")).json() == agent
    assert name in [a["name"] for a in (await api.get("/v1/agents", params={"limit": 100})).json()["items"]]
    problem(await api.post("/v1/agents", json={"name": name}), 409, "agent-exists")
    # Names are global to the LiveKit server: another project cannot take it, nor read it.
    problem(await other.post("/v1/agents", json={"name": name}), 409, "agent-name-taken")
    problem(await other.get(f"/v1/agents/{name}"), 404, "agent-not-found")
    assert name not in [a["name"] for a in (await other.get("/v1/agents")).json()["items"]]
    problem(await other.delete(f"/v1/agents/{name}"), 404, "agent-not-found")
    assert (await api.delete(f"/v1/agents/{name}")).status_code == 204
    problem(await api.get(f"/v1/agents/{name}"), 404, "agent-not-found")
    # Once free, the name is anyone's.
    assert (await other.post("/v1/agents", json={"name": name})).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "has space"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"name": "ok-name", "description": "d" * 257}, "description"),
        ({"name": "ok-name", "surprise": 1}, "surprise"),
        ({}, "name"),
    ],
)
async def test_registration_refuses_bad_input_naming_the_field(
    api: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await api.post("/v1/agents", json=body)
    assert response.status_code == 400, response.text
    assert field in json.dumps(response.json())


async def test_roomsvcs_own_agent_names_are_reserved(api: httpx.AsyncClient, settings: Any) -> None:
    for name in (settings.detection.agent_name, settings.recording.agent_name):
        body = problem(await api.post("/v1/agents", json={"name": name}), 400, "agent-name-reserved")
        assert body["field"] == "name"


async def test_registry_writes_need_admin(caller_token: Any, api_server: str) -> None:
    token = caller_token(scopes=["agents"])
    async with httpx.AsyncClient(base_url=api_server, headers={"Authorization": f"Bearer {token}"}) as client:
        problem(await client.post("/v1/agents", json={"name": _name()}), 403, "missing-scope")
        assert (await client.get("/v1/agents")).status_code == 200


async def test_dispatch_records_the_row_and_one_tagged_livekit_dispatch(
    api: httpx.AsyncClient, livekit: Any, session_factory: Any, room_name: str
) -> None:
    name = _name()
    await _register(api, name)
    await _room(api, room_name)
    metadata = {"language": "fr", "n": 1}
    created = await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name, "metadata": metadata})
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["id"].startswith("adp_") and out["agent_name"] == name and out["state"] == "active"
    assert json.loads(out["metadata"]) == metadata and out["owner"] == "api" and out["dispatch_count"] == 1
    # LiveKit holds exactly one dispatch of it, whose metadata is roomsvc's envelope with our id.
    ours = await _ours(livekit, room_name, name)
    assert len(ours) == 1
    envelope = json.loads(ours[0].metadata)
    assert envelope == {
        "dispatch_id": out["id"],
        "room": room_name,
        "project": "default",
        "agent_name": name,
        "metadata": json.dumps(metadata, separators=(",", ":")),
    }
    listed = (await api.get(f"/v1/rooms/{room_name}/agents")).json()
    assert listed["livekit_available"] is True
    assert [d["id"] for d in listed["items"]] == [out["id"]]
    assert listed["items"][0]["livekit"]["dispatch_id"] == ours[0].id
    one = (await api.get(f"/v1/rooms/{room_name}/agents/{out['id']}")).json()
    assert one["livekit"]["dispatch_id"] == ours[0].id
    async with session_factory() as session:
        row = (
            await session.execute(select(AgentDispatch).where(AgentDispatch.public_id == out["id"]))
        ).scalar_one()
        assert row.livekit_dispatch_id == ours[0].id and row.redispatch_at is None
        events = (
            await session.execute(
                select(Event).where(Event.room_name == room_name, Event.type.like("agent.%"))
            )
        ).scalars()
        dispatched = [json.loads(e.data) for e in events]
    assert [(d["dispatch_id"], d["redispatch"]) for d in dispatched] == [(out["id"], False)]


async def test_a_second_dispatch_of_the_same_agent_is_409_naming_the_first(
    api: httpx.AsyncClient, livekit: Any, room_name: str
) -> None:
    name = _name()
    await _register(api, name)
    await _room(api, room_name)
    first = (await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name})).json()
    again = problem(
        await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name, "metadata": "x"}),
        409,
        "agent-already-dispatched",
    )
    assert again["dispatch_id"] == first["id"]
    assert len(await _ours(livekit, room_name, name)) == 1
    # Removed, it may be dispatched again: a new dispatch, a new id.
    removed = await api.delete(f"/v1/rooms/{room_name}/agents/{first['id']}")
    assert removed.status_code == 200 and removed.json()["state"] == "removed"
    assert removed.json()["remove_reason"] == "requested" and removed.json()["livekit"] is None
    assert await _ours(livekit, room_name, name) == []
    assert (await api.delete(f"/v1/rooms/{room_name}/agents/{first['id']}")).json()["state"] == "removed"
    second = await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name})
    assert second.status_code == 201 and second.json()["id"] != first["id"]
    states = {d["id"]: d["state"] for d in (await api.get(f"/v1/rooms/{room_name}/agents")).json()["items"]}
    assert states == {first["id"]: "removed", second.json()["id"]: "active"}
    active = (await api.get(f"/v1/rooms/{room_name}/agents", params={"state": "active"})).json()["items"]
    assert [d["id"] for d in active] == [second.json()["id"]]
    # A registered name that is dispatched cannot be unregistered.
    problem(await api.delete(f"/v1/agents/{name}"), 409, "agent-in-use")


async def test_unregistered_and_reserved_names_are_400_naming_the_field(
    api: httpx.AsyncClient, livekit: Any, settings: Any, room_name: str
) -> None:
    await _room(api, room_name)
    for name in (_name(), settings.detection.agent_name, settings.recording.agent_name):
        body = problem(
            await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name}),
            400,
            "agent-not-registered",
        )
        assert body["field"] == "agent_name"
    # (LiveKit lists its own implicit dispatch for unnamed agents, agent_name "")
    assert [d for d in await livekit.list_dispatch_states(room_name) if d.agent_name] == []


async def test_another_project_cannot_dispatch_nor_see(
    api: httpx.AsyncClient, other: httpx.AsyncClient, livekit: Any, room_name: str
) -> None:
    name = _name()
    await _register(api, name)
    await _room(api, room_name)
    dispatched = (await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name})).json()
    base = f"/v1/rooms/{room_name}/agents"
    problem(await other.get(base), 404, "room-not-found")
    problem(await other.get(f"{base}/{dispatched['id']}"), 404, "room-not-found")
    problem(await other.delete(f"{base}/{dispatched['id']}"), 404, "room-not-found")
    problem(await other.post(base, json={"agent_name": name}), 404, "room-not-found")
    # In its own room, our agent's name is not registered for it.
    own = f"other-{uuid.uuid4().hex[:8]}"
    await _room(other, own)
    body = problem(
        await other.post(f"/v1/rooms/{own}/agents", json={"agent_name": name}), 400, "agent-not-registered"
    )
    assert body["field"] == "agent_name"
    assert (await other.get(f"/v1/rooms/{own}/agents")).json()["items"] == []
    assert len(await _ours(livekit, room_name, name)) == 1
    assert (await api.get(f"{base}/{dispatched['id']}")).json()["state"] == "active"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"agent_name": "bad name"}, "agent_name"),
        ({"agent_name": "a" * 65}, "agent_name"),
        ({"agent_name": "ok", "metadata": "x" * (16 * 1024 + 1)}, "metadata"),
        ({"agent_name": "ok", "extra": True}, "extra"),
        ({"metadata": "x"}, "agent_name"),
    ],
)
async def test_dispatch_refuses_bad_input_naming_the_field(
    api: httpx.AsyncClient, room_name: str, body: dict[str, Any], field: str
) -> None:
    await _room(api, room_name)
    response = await api.post(f"/v1/rooms/{room_name}/agents", json=body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in json.dumps(response.json())


async def test_unknown_dispatch_and_ended_room(api: httpx.AsyncClient, room_name: str) -> None:
    name = _name()
    await _register(api, name)
    await _room(api, room_name)
    problem(await api.get(f"/v1/rooms/{room_name}/agents/adp_nope"), 404, "dispatch-not-found")
    problem(await api.delete(f"/v1/rooms/{room_name}/agents/adp_nope"), 404, "dispatch-not-found")
    problem(await api.get("/v1/rooms/no-such-room-xyz/agents"), 404, "room-not-found")
    assert (await api.post(f"/v1/rooms/{room_name}/end")).status_code == 200
    problem(await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name}), 409, "room-ended")


async def test_the_detector_is_listed_but_managed_by_detection(
    api: httpx.AsyncClient, livekit: Any, settings: Any, room_name: str
) -> None:
    await _room(api, room_name)
    assert (await api.post(f"/v1/rooms/{room_name}/detection", json={})).status_code == 200
    items = (await api.get(f"/v1/rooms/{room_name}/agents")).json()["items"]
    assert [(d["agent_name"], d["owner"], d["state"]) for d in items] == [
        (settings.detection.agent_name, "detection", "active")
    ]
    detector = await _ours(livekit, room_name, settings.detection.agent_name)
    assert items[0]["livekit"]["dispatch_id"] == detector[0].id
    problem(await api.delete(f"/v1/rooms/{room_name}/agents/{items[0]['id']}"), 409, "dispatch-managed")
    assert (await api.delete(f"/v1/rooms/{room_name}/detection")).status_code == 200
    items = (await api.get(f"/v1/rooms/{room_name}/agents")).json()["items"]
    assert [(d["state"], d["remove_reason"]) for d in items] == [("removed", "detection_stopped")]
    assert await _ours(livekit, room_name, settings.detection.agent_name) == []


async def test_jobs_dispatch_a_row_the_api_never_dispatched_once_only(
    api: httpx.AsyncClient, livekit: Any, session_factory: Any, room_name: str
) -> None:
    """A crash between the row's commit and CreateDispatch: the jobs find no tagged dispatch and create
    one; run again, they find it and create no second one."""
    name = _name()
    await _register(api, name)
    await _room(api, room_name)
    out = (await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name})).json()
    for dispatch in await _ours(livekit, room_name, name):
        await livekit.delete_dispatch(room_name, dispatch.id)  # as if CreateDispatch had never run
    async with session_factory() as session, session.begin():
        row = (
            await session.execute(select(AgentDispatch).where(AgentDispatch.public_id == out["id"]))
        ).scalar_one()
        row.livekit_dispatch_id = None
        row.redispatch_at = row.created_at
    for _ in range(2):
        # Other tests' rooms leave flagged rows that come first (oldest flag first, 20 a pass): run the
        # jobs until they have handled this row, as the periodic job eventually does.
        for _attempt in range(100):
            async with session_factory() as session, session.begin():
                await agents_jobs.redispatch_due(session, gateway=livekit)
            async with session_factory() as session, session.begin():
                row = (
                    await session.execute(select(AgentDispatch).where(AgentDispatch.public_id == out["id"]))
                ).scalar_one()
                if row.redispatch_at is None or row.redispatch_at > row.created_at:
                    row.redispatch_at = row.created_at  # flag it again: the next run must adopt, not create
                    break
        else:
            raise AssertionError("the jobs never handled the flagged dispatch")
    ours = await _ours(livekit, room_name, name)
    assert len(ours) == 1 and json.loads(ours[0].metadata)["dispatch_id"] == out["id"]
    async with session_factory() as session:
        row = (
            await session.execute(select(AgentDispatch).where(AgentDispatch.public_id == out["id"]))
        ).scalar_one()
    assert row.livekit_dispatch_id == ours[0].id


async def test_a_rooms_end_ends_its_dispatches(api: httpx.AsyncClient, room_name: str) -> None:
    name = _name()
    await _register(api, name)
    await _room(api, room_name)
    dispatched = (await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": name})).json()
    assert (await api.post(f"/v1/rooms/{room_name}/end")).status_code == 200

    async def removed() -> dict[str, Any] | None:
        one = (await api.get(f"/v1/rooms/{room_name}/agents/{dispatched['id']}")).json()
        return one if one["state"] == "removed" else None

    # LiveKit's room_finished for the deleted room is what records it.
    one = await eventually(removed, timeout=20)
    assert one["remove_reason"] == "room ended" and one["livekit"] is None
    # Nothing holds the name any more: it may be unregistered.
    assert (await api.delete(f"/v1/agents/{name}")).status_code in (200, 204)
