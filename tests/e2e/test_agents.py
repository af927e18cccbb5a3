"""Your own agents end to end: a real livekit-agents worker (tests/agents/echo_agent.py, registered with
LiveKit as `roomsvc-test-echo`) dispatched with POST /v1/rooms/{room}/agents joins the room and publishes
its dispatch metadata, which a real rtc client receives; DELETE makes it leave; and when the agent is
gone, the next human's join has `roomsvc jobs` dispatch it again."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from livekit import rtc
from sqlalchemy import select, update

from roomsvc.agents.models import AgentDispatch
from roomsvc.events.models import Event
from tests.agents.echo_agent import AGENT_NAME, TOPIC
from tests.e2e.clients import connected
from tests.support import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def echo(api: Any, echo_agent: Any) -> str:
    """The echo agent, running and registered in project `default` (once per database)."""
    registered = await api.post("/v1/agents", json={"name": AGENT_NAME, "description": "tests' echo agent"})
    assert registered.status_code == 201 or registered.json()["code"] == "agent-exists", registered.text
    return AGENT_NAME


@pytest.fixture(autouse=True)
async def _end_room(api: Any, room_name: str) -> AsyncIterator[None]:
    yield
    await api.post(f"/v1/rooms/{room_name}/end")  # the agent leaves with the room


class Inbox:
    """The echo agent's messages as one rtc client receives them."""

    def __init__(self, room: rtc.Room) -> None:
        self.messages: list[dict[str, Any]] = []
        room.on("data_received", self._on_data)

    def _on_data(self, packet: rtc.DataPacket) -> None:
        if packet.topic == TOPIC:
            self.messages.append(json.loads(packet.data))

    async def first_from(self, *, not_identity: str | None = None, timeout: float = 60) -> dict[str, Any]:
        def fresh() -> list[dict[str, Any]]:
            return [m for m in self.messages if m["identity"] != not_identity]

        async def probe() -> list[dict[str, Any]]:
            return fresh()

        return (await eventually(probe, timeout=timeout, what="the echo agent's message"))[0]


async def _room(api: Any, name: str) -> None:
    created = await api.post("/v1/rooms", json={"name": name, "creator": "alice"})
    assert created.status_code == 201, created.text


async def _join(api: Any, room: str, identity: str) -> dict[str, Any]:
    response = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _agents_in(livekit: Any, room: str) -> list[str]:
    return [p.identity for p in await livekit.list_participants(room) if p.kind == "agent"]


async def test_a_dispatched_agent_joins_with_its_metadata_and_leaves_when_removed(
    api: Any, livekit: Any, echo: str, room_name: str
) -> None:
    await _room(api, room_name)
    alice = await _join(api, room_name, "alice")
    async with connected(alice["url"], alice["token"]) as room:
        inbox = Inbox(room)
        created = await api.post(
            f"/v1/rooms/{room_name}/agents", json={"agent_name": echo, "metadata": {"greeting": "bonjour"}}
        )
        assert created.status_code == 201, created.text
        dispatch = created.json()
        message = await inbox.first_from()
        envelope = json.loads(message["metadata"])
        assert envelope["dispatch_id"] == dispatch["id"] and envelope["room"] == room_name
        assert json.loads(envelope["metadata"]) == {"greeting": "bonjour"}

        async def sender() -> rtc.RemoteParticipant | None:
            return room.remote_participants.get(message["identity"])

        agent = await eventually(sender, what="the agent among alice's remote participants")
        assert agent.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT
        listed = await eventually(
            lambda: api.get(f"/v1/rooms/{room_name}/agents/{dispatch['id']}"),
            check=lambda r: any(
                j["status"] == "running" for j in (r.json()["livekit"] or {}).get("jobs", [])
            ),
            what="the job running in LiveKit's state",
        )
        jobs = listed.json()["livekit"]["jobs"]
        assert [j["participant_identity"] for j in jobs if j["status"] == "running"] == [message["identity"]]

        left = asyncio.Event()
        room.on(
            "participant_disconnected", lambda p: left.set() if p.identity == message["identity"] else None
        )
        removed = await api.delete(f"/v1/rooms/{room_name}/agents/{dispatch['id']}")
        assert removed.status_code == 200 and removed.json()["state"] == "removed"
        await asyncio.wait_for(left.wait(), 30)  # alice sees the agent leave
        assert message["identity"] not in await _agents_in(livekit, room_name)
        assert [d for d in await livekit.list_dispatch_states(room_name) if d.agent_name == echo] == []
        assert room.isconnected()  # only the agent left


async def test_the_agent_is_dispatched_again_when_a_human_joins_after_it_was_gone(
    api: Any, livekit: Any, echo: str, jobs_process: Any, session_factory: Any, room_name: str
) -> None:
    await _room(api, room_name)
    alice, bob = await _join(api, room_name, "alice"), await _join(api, room_name, "bob")
    async with connected(alice["url"], alice["token"]) as first:
        inbox = Inbox(first)
        dispatch = (await api.post(f"/v1/rooms/{room_name}/agents", json={"agent_name": echo})).json()
        gone = (await inbox.first_from())["identity"]
        # The agent is gone (its host died; LiveKit closed the room for it), its dispatch is not new.
        assert await livekit.remove_participant(room_name, gone)
        await eventually(lambda: _agents_in(livekit, room_name), check=lambda a: gone not in a, what="gone")
        async with session_factory() as session, session.begin():
            await session.execute(
                update(AgentDispatch)
                .where(AgentDispatch.public_id == dispatch["id"])
                .values(dispatched_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
            )
        async with connected(bob["url"], bob["token"]) as second:
            bobs = Inbox(second)
            back = await bobs.first_from(not_identity=gone)
            assert json.loads(back["metadata"])["dispatch_id"] == dispatch["id"]
            assert back["identity"] != gone
            assert (await inbox.first_from(not_identity=gone))["identity"] == back["identity"]
            assert await _agents_in(livekit, room_name) == [back["identity"]]
    ours = [d for d in await livekit.list_dispatch_states(room_name) if d.agent_name == echo]
    assert len(ours) == 1 and json.loads(ours[0].metadata)["dispatch_id"] == dispatch["id"]
    out = (await api.get(f"/v1/rooms/{room_name}/agents/{dispatch['id']}")).json()
    assert out["dispatch_count"] == 2 and out["livekit"]["dispatch_id"] == ours[0].id
    async with session_factory() as session:
        events = (
            await session.execute(
                select(Event.data).where(Event.room_name == room_name, Event.type == "agent.dispatched")
            )
        ).scalars()
        assert [json.loads(e)["redispatch"] for e in events] == [False, True]
