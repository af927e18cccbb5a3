"""Scale-out on one machine: a two-node LiveKit cluster, two APIs and two jobs processes on one MariaDB.

What the test starts (all on loopback; nothing of the shared stack is stopped), and cleans up whatever
happens:

- LiveKit nodes ``a`` and ``b``: the stack's binary, a yaml of their own under ``tmp_path``, one Redis
  (the stack's, in database ``CLUSTER_REDIS_DB``: neither the stack's LiveKit, which has no Redis, nor
  roomsvc's rate limits in database 0), their own HTTP, ICE/TCP and UDP ports, ``region`` a/b (node ids
  are random; the region names a node in the logs), ``room.auto_create: false``; node a posts its
  webhooks to API A, node b to API B;
- API A (``roomsvc serve``, ``LIVEKIT_URL``/``LIVEKIT_PUBLIC_URL`` on node a) and API B (node b);
- jobs 1 on node a and jobs 2 on node b, reconciling every 2 s (one pass at a time: ``GET_LOCK``);
- one isolated database for all four.

LiveKit places each room on a node at random (``node_selector`` ``any``/``random``, whichever node's API
is asked); the test reads where from LiveKit's ``room_node_map`` in Redis and creates rooms until both
nodes host some. Then, with real rtc clients:

1. rooms created through either API are joined by a client through node a's URL (token from API A)
   and one through node b's (API B); each hears the other, whichever node hosts the room;
2. reconciliation sees rooms on both nodes: a permission changed behind roomsvc's back (straight
   through the *other* node) is restored in each;
3. a kick through API A removes the client connected through node b, and its old token is evicted on
   re-entry;
4. webhooks from both nodes (each API received some) are applied exactly once: every participant sid
   has one session, one ``participant.joined`` (but a comeback evicted before it became active) and one
   ``participant.left`` event, none repaired;
5. ``kill -9`` of node b: reconciliation ends its room (LiveKit itself keeps listing it forever), while
   the room on node a stays open and its listener keeps receiving audio.

No timing is asserted: every wait polls for an outcome with a generous deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import redis.asyncio as aioredis
from livekit import rtc

from tests.e2e.clients import Tone, wait_disconnected
from tests.promtext import parse, value
from tests.stack import ARTIFACTS, JobsProcess
from tests.support import eventually

pytestmark = pytest.mark.faults

CLUSTER_REDIS_DB = 15  # xdist workers use 1…N for their rate limits
NODE_PORTS = {"a": 7930, "b": 7940}  # HTTP; ICE/TCP on +1, UDP (one muxed port) on +2
API_PORTS = {"a": 8131, "b": 8132}
CLUSTER_SETTINGS = {
    "ROOMSVC_WORKERS": "1",
    "ROOMSVC_RECONCILE_INTERVAL": "2",
    "ROOMSVC_RECONCILE_GRACE": "10",  # webhooks, not reconciliation, must record the sessions
    "ROOMSVC_LOG_JSON": "true",
}
MAX_ROOMS = 40  # placement is random: 40 rooms all on one node is a 2^-39 event
WAIT = 60.0


# --- the processes ----------------------------------------------------------------------------------


def _cluster_redis(redis_url: str) -> aioredis.Redis:
    """The cluster's Redis database (a ``db`` argument would lose to the URL's own ``/0``)."""
    return aioredis.Redis.from_url(urlsplit(redis_url)._replace(path=f"/{CLUSTER_REDIS_DB}").geturl())


def _node_yaml(name: str, port: int, redis_url: str, webhook_url: str, api_key: str) -> str:
    redis = urlsplit(redis_url)
    password = f"  password: {json.dumps(redis.password)}\n" if redis.password else ""
    return f"""# LiveKit cluster node {name} (tests/faults/test_scale_out.py)
port: {port}
bind_addresses: [127.0.0.1]
region: {name}
redis:
  address: {redis.hostname}:{redis.port or 6379}
  db: {CLUSTER_REDIS_DB}
{password}rtc:
  tcp_port: {port + 1}
  udp_port: {port + 2}
  use_external_ip: false
  node_ip: 127.0.0.1
  enable_loopback_candidate: true
  interfaces:
    includes: [lo]
room:
  auto_create: false
webhook:
  api_key: {api_key}
  urls: [{webhook_url}]
logging:
  level: info
"""


class Process:
    """A child in a session of its own, stopped (SIGTERM, then SIGKILL of its group) at cleanup."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"scale-{name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill9(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, grace: float = 10.0) -> None:
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.kill9()


@dataclass
class Node:
    name: str
    port: int
    process: Process
    node_id: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    nodes: dict[str, Node] = field(default_factory=dict)
    apis: dict[str, str] = field(default_factory=dict)  # name → base URL
    processes: list[Process] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def node_of(self, node_id: str) -> str:
        return next(name for name, node in self.nodes.items() if node.node_id == node_id)


def _wait_http(process: Process, url: str, deadline_s: float = WAIT) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if not process.running:
            raise RuntimeError(f"{process.name} exited during start-up; see {process.log_path}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{process.name} did not answer {url}; see {process.log_path}")


def _start_node(cluster: Cluster, name: str, tmp: Path, settings: Any, redis_url: str) -> None:
    binary = os.environ.get("ROOMSVC_LIVEKIT_BIN")
    if not binary:
        pytest.skip("ROOMSVC_LIVEKIT_BIN not set: run through `make faults`")
    port = NODE_PORTS[name]
    webhook = f"http://127.0.0.1:{API_PORTS[name]}{settings.webhook_path}"
    config = tmp / f"livekit-{name}.yaml"
    config.write_text(_node_yaml(name, port, redis_url, webhook, settings.livekit.api_key))
    # A clean environment, as scripts/stack.sh does: livekit-server maps LIVEKIT_*, NODE_IP, REDIS_*…
    # variables onto its config. The keys come from the environment, never the yaml.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/root"),
        "LIVEKIT_KEYS": f"{settings.livekit.api_key}: {settings.livekit.api_secret}",
    }
    process = Process(f"livekit-{name}", [binary, "--config", str(config)], env)
    cluster.processes.append(process)
    node = Node(name, port, process)
    cluster.nodes[name] = node
    _wait_http(process, node.url)
    found = re.search(r'"nodeID": "(ND_\w+)"', process.log())
    assert found, f"no node id in {process.log_path}"
    node.node_id = found.group(1)


def _start_api(cluster: Cluster, name: str) -> None:
    node = cluster.nodes[name]
    port = API_PORTS[name]
    env = cluster.env | {
        "ROOMSVC_PORT": str(port),
        "ROOMSVC_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LIVEKIT_URL": node.url,
        "LIVEKIT_PUBLIC_URL": node.ws_url,
    }
    process = Process(f"api-{name}", [sys.executable, "-m", "roomsvc", "serve"], env)
    cluster.processes.append(process)
    base = f"http://127.0.0.1:{port}"
    _wait_http(process, base + "/readyz")  # MySQL, Redis and its LiveKit node all answer
    cluster.apis[name] = base


@pytest.fixture
async def cluster(
    tmp_path: Path, settings: Any, stack_env: dict[str, str], isolated_db: str
) -> AsyncIterator[Cluster]:
    for port in [*NODE_PORTS.values(), *API_PORTS.values()]:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}", timeout=0.5)
            pytest.fail(f"port {port} is taken: a cluster from an earlier run is still up?")
    redis_url = stack_env["REDIS_URL"]
    state = _cluster_redis(redis_url)
    await state.flushdb()  # nodes a killed cluster left registered
    built = Cluster(env=stack_env | CLUSTER_SETTINGS | {"DATABASE_URL": isolated_db})
    jobs: list[JobsProcess] = []
    try:
        for name in NODE_PORTS:
            await asyncio.to_thread(_start_node, built, name, tmp_path, settings, redis_url)
        for name in API_PORTS:
            await asyncio.to_thread(_start_api, built, name)
        for number, name in enumerate(NODE_PORTS, start=1):
            worker = JobsProcess(
                built.env | {"LIVEKIT_URL": built.nodes[name].url}, f"scale-{number}-node-{name}"
            )
            jobs.append(worker)
            worker.start()
        yield built
    finally:
        for worker in jobs:
            worker.stop()
        for process in reversed(built.processes):
            process.stop(grace=3 if process.name.startswith("livekit") else 10)
        with contextlib.suppress(Exception):
            await state.flushdb()
        await state.aclose()


# --- clients and helpers ----------------------------------------------------------------------------


class Listener:
    """Counts audio frames with sound from one remote identity, in a task, until closed."""

    def __init__(self, room: rtc.Room, identity: str) -> None:
        self.room, self.identity = room, identity
        self.frames = 0
        self._task = asyncio.create_task(self._run())

    async def _track(self) -> rtc.RemoteAudioTrack | None:
        participant = self.room.remote_participants.get(self.identity)
        for publication in participant.track_publications.values() if participant else ():
            if isinstance(publication.track, rtc.RemoteAudioTrack):
                return publication.track
        return None

    async def _run(self) -> None:
        track = await eventually(self._track, check=lambda t: t is not None, timeout=WAIT, what="audio")
        stream = rtc.AudioStream(track)
        try:
            async for event in stream:
                if any(event.frame.data):
                    self.frames += 1
        finally:
            await stream.aclose()

    async def heard(self, more_than: int = 0) -> int:
        async def count() -> int:
            if self._task.done():
                self._task.result()  # a failure surfaces here
            return self.frames

        return await eventually(
            count, check=lambda n: n > more_than, timeout=WAIT, what=f"audio from {self.identity}"
        )

    async def aclose(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, AssertionError):
            await self._task


@dataclass
class Client:
    identity: str
    room: rtc.Room
    token: dict[str, Any]
    tone: Tone | None = None


class Clients:
    """Every client a test connects, each with a publishing tone; all closed at the end."""

    def __init__(self) -> None:
        self.all: list[Client] = []
        self.listeners: list[Listener] = []
        self.sids: dict[str, set[str]] = {}  # LiveKit room name → every participant sid that connected

    async def connect(self, api: httpx.AsyncClient, room: str, identity: str, *, publish: bool) -> Client:
        joined = await api.post(f"/v1/rooms/{room}/participants", json={"identity": identity})
        assert joined.status_code == 201, joined.text
        token = joined.json()
        client = Client(identity, rtc.Room(), token)
        self.all.append(client)
        await client.room.connect(token["url"], token["token"], rtc.RoomOptions(auto_subscribe=True))
        self.sids.setdefault(room, set()).add(client.room.local_participant.sid)
        if publish:
            client.tone = Tone()
            await client.tone.publish(client.room)
        return client

    def listen(self, client: Client, to: str) -> Listener:
        listener = Listener(client.room, to)
        self.listeners.append(listener)
        return listener

    async def disconnect(self, client: Client) -> None:
        if client.tone is not None:
            await client.tone.stop()
            client.tone = None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.room.disconnect(), 10)

    async def aclose(self) -> None:
        for listener in self.listeners:
            await listener.aclose()
        for client in self.all:
            await self.disconnect(client)


@contextlib.asynccontextmanager
async def _clients() -> AsyncIterator[Clients]:
    clients = Clients()
    try:
        yield clients
    finally:
        await clients.aclose()


async def _node_of_room(state: aioredis.Redis, cluster: Cluster, room: str) -> str:
    node_id = await state.hget("room_node_map", room)
    assert node_id, f"LiveKit placed room {room} on no node"
    return cluster.node_of(node_id.decode())


async def _place_rooms(
    apis: dict[str, httpx.AsyncClient], state: aioredis.Redis, cluster: Cluster, prefix: str
) -> dict[str, dict[str, str]]:
    """Create rooms through A and B in turn until each node hosts one: {node: {"room", "api"}}."""
    hosted: dict[str, dict[str, str]] = {}
    for n in range(MAX_ROOMS):
        via = "ab"[n % 2]
        name = f"{prefix}-{n}"
        created = await apis[via].post("/v1/rooms", json={"name": name, "creator": "owner", "seats": 0})
        assert created.status_code == 201, created.text
        hosted.setdefault(await _node_of_room(state, cluster, name), {"room": name, "api": via})
        if len(hosted) == len(cluster.nodes):
            return hosted
    raise AssertionError(f"{MAX_ROOMS} rooms and LiveKit used only node(s) {sorted(hosted)}")


async def _livekit_permission(gateway: Any, room: str, identity: str) -> Any:
    participant = await gateway.get_participant(room, identity)
    return None if participant is None else participant.permission


async def _call(api: httpx.AsyncClient, room: str) -> dict[str, Any]:
    calls = (await api.get(f"/v1/rooms/{room}/calls")).json()["items"]
    if not calls:
        return {}
    detail = (await api.get(f"/v1/calls/{calls[0]['id']}")).json()
    return detail if isinstance(detail, dict) else {}


async def _events(api: httpx.AsyncClient, room: str, kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"room": room, "type": kind, "limit": "100"} | ({"cursor": cursor} if cursor else {})
        page = (await api.get("/v1/events", params=params)).json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


# --- the test ---------------------------------------------------------------------------------------


async def test_scale_out_on_a_two_node_livekit_cluster(
    cluster: Cluster, caller_token: Any, stack_env: dict[str, str], room_name: str
) -> None:
    from roomsvc.config import load_settings
    from roomsvc.livekit import Grants, LiveKitGateway

    headers = {"Authorization": f"Bearer {caller_token(ttl=3600)}"}
    state = _cluster_redis(stack_env["REDIS_URL"])
    gateways = {
        name: LiveKitGateway(load_settings(cluster.env | {"LIVEKIT_URL": node.url}).livekit)
        for name, node in cluster.nodes.items()
    }
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(state.aclose)
        for gateway in gateways.values():
            stack.push_async_callback(gateway.aclose)
        apis = {
            name: await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, headers=headers, timeout=20)
            )
            for name, url in cluster.apis.items()
        }
        clients = await stack.enter_async_context(_clients())
        hosted = await _place_rooms(apis, state, cluster, room_name)
        rooms = {node: placed["room"] for node, placed in hosted.items()}
        # Both APIs created a room: a third one, through the API that made neither, if need be.
        if {placed["api"] for placed in hosted.values()} != {"a", "b"}:
            other = "b" if hosted["a"]["api"] == "a" else "a"
            extra = f"{room_name}-via-{other}"
            made = await apis[other].post("/v1/rooms", json={"name": extra, "creator": "owner", "seats": 0})
            assert made.status_code == 201, made.text
            rooms["extra"] = extra

        # 1. Each room joined through node a's URL (API A's token) and node b's (API B's); both hear.
        via: dict[tuple[str, str], Client] = {}
        for key, room in rooms.items():
            for name in ("a", "b"):
                client = await clients.connect(apis[name], room, f"via-{name}", publish=True)
                assert client.token["url"] == cluster.nodes[name].ws_url
                via[(key, name)] = client
            for name, other in (("a", "b"), ("b", "a")):
                await clients.listen(via[(key, name)], f"via-{other}").heard()
            for gateway in gateways.values():  # both nodes' APIs see both participants
                listed = {p.identity for p in await gateway.list_participants(room)}
                assert {"via-a", "via-b"} <= listed, (room, listed)

        # 2. Reconciliation sees rooms on both nodes: a permission changed behind roomsvc's back,
        # through the node that does not host the room, is pushed back by a reconciler.
        for key in ("a", "b"):
            room = rooms[key]
            other = gateways["b" if key == "a" else "a"]
            before = await _livekit_permission(other, room, "via-a")
            assert before is not None and before.can_publish_data, before
            grants = Grants(
                can_subscribe=before.can_subscribe,
                can_publish=before.can_publish,
                can_publish_data=False,
                can_publish_sources=tuple(sorted(before.can_publish_sources)),
                hidden=before.hidden,
                can_update_own_metadata=before.can_update_metadata,
            )
            assert await other.update_participant(room, "via-a", grants=grants)
            assert not (await _livekit_permission(gateways[key], room, "via-a")).can_publish_data
        for key in ("a", "b"):
            await eventually(
                lambda room=rooms[key]: _livekit_permission(gateways["a"], room, "via-a"),
                check=lambda p: p is not None and p.can_publish_data,
                timeout=WAIT,
                what=f"reconciliation restoring via-a's permission in the room on node {key}",
            )

        # 3. A kick through API A evicts the client connected through node b, in rooms on both nodes;
        # its old token gets it evicted again on re-entry (through node b).
        comebacks: set[str] = set()  # evicted on re-entry: LiveKit may never report their leaving
        for key in ("a", "b"):
            room, kicked = rooms[key], via[(key, "b")]
            waiter = asyncio.create_task(wait_disconnected(kicked.room, timeout=WAIT))
            await asyncio.sleep(0)
            response = await apis["a"].post(f"/v1/rooms/{room}/participants/via-b/kick", json={"reason": "x"})
            assert response.status_code == 200, response.text
            assert await waiter == str(rtc.DisconnectReason.PARTICIPANT_REMOVED)
            await clients.disconnect(kicked)
            comeback = rtc.Room()
            evicted: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            comeback.on("disconnected", lambda reason, f=evicted: f.done() or f.set_result(str(reason)))
            try:
                await comeback.connect(kicked.token["url"], kicked.token["token"])
                clients.sids[room].add(comeback.local_participant.sid)
                comebacks.add(comeback.local_participant.sid)
            except Exception:  # removed while still connecting: also an eviction
                if not evicted.done():
                    evicted.set_result("refused during connect")
            try:
                assert await asyncio.wait_for(evicted, WAIT)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(comeback.disconnect(), 10)
            await eventually(
                lambda room=room: gateways["b"].get_participant(room, "via-b"),
                check=lambda p: p is None,
                timeout=WAIT,
                what="via-b gone from LiveKit",
            )

        # 4. Webhooks from both nodes, each posted to its own API, applied exactly once.
        for client in list(clients.all):
            await clients.disconnect(client)
        for room in rooms.values():
            sids = clients.sids[room]
            call = await eventually(
                lambda room=room: _call(apis["b"], room),
                check=lambda c, sids=sids: (
                    {p["sid"] for p in c.get("participants", []) if p["left_at"]} >= sids
                ),
                timeout=WAIT,
                what=f"every session of {room} recorded and closed",
            )
            recorded = Counter(p["sid"] for p in call["participants"])
            assert set(recorded.values()) == {1}, recorded  # one session per sid
            # Besides the sids our clients saw: at most the evicted comeback's, if it never saw its own.
            unseen = {p["identity"] for p in call["participants"] if p["sid"] not in sids}
            assert unseen <= {"via-b"}, call["participants"]
            assert all(p["left_at"] for p in call["participants"]), call["participants"]
            # Closed by reconciliation: only an evicted comeback (LiveKit may not report a participant
            # removed while it joins); every other session was closed by its own webhook.
            repaired = [p for p in call["participants"] if p["repaired"]]
            assert all(p["sid"] in comebacks or p["sid"] not in sids for p in repaired), repaired
            # A comeback evicted before it became active is closed by LiveKit's
            # participant_connection_aborted: a session that never joined, so it has no participant.joined.
            never_active = {p["sid"] for p in call["participants"] if p["joined_at"] is None}
            assert {p["identity"] for p in call["participants"] if p["sid"] in never_active} <= {"via-b"}
            expected = {"participant.joined": set(recorded) - never_active, "participant.left": set(recorded)}
            for kind, sessions in expected.items():
                events = Counter(e["data"]["participant_sid"] for e in await _events(apis["a"], room, kind))
                assert events == Counter(sessions), (kind, events)
        for name, api in apis.items():
            samples = parse((await api.get("/metrics")).text)
            accepted = value(
                samples,
                "roomsvc_webhook_events_total",
                event_type="participant_joined",
                outcome="accepted",
            )
            assert accepted >= 1, f"API {name} stored no participant_joined from node {name}"

        # 5. kill -9 of node b. Its room has one client, connected through node b (a client through
        # node a would bring the room back to life on node a when it reconnects).
        room_a, room_b = rooms["a"], rooms["b"]
        speaker = await clients.connect(apis["a"], room_a, "speaker", publish=True)
        listener_client = await clients.connect(apis["a"], room_a, "listener", publish=False)
        await clients.connect(apis["b"], room_b, "stranded", publish=True)
        listener = clients.listen(listener_client, speaker.identity)
        await listener.heard()
        for room, count in ((room_a, 2), (room_b, 1)):
            await eventually(
                lambda room=room: _call(apis["a"], room),
                check=lambda c, count=count: (
                    sum(not p["left_at"] for p in c.get("participants", [])) == count
                ),
                timeout=WAIT,
                what=f"the open sessions of {room}",
            )
        cluster.nodes["b"].process.kill9()
        assert room_b in {r.name for r in await gateways["a"].list_rooms()}  # LiveKit keeps listing it

        ended = await eventually(
            lambda: apis["a"].get(f"/v1/rooms/{room_b}"),
            check=lambda r: r.json().get("status") == "ended",
            timeout=WAIT,
            what="reconciliation ending the dead node's room",
        )
        assert ended.json()["end_reason"], ended.json()
        call_b = await _call(apis["a"], room_b)
        assert call_b["ended_at"] is not None, call_b
        assert all(p["left_at"] for p in call_b["participants"]), call_b["participants"]
        assert room_b in {r.name for r in await gateways["a"].list_rooms()}  # still: only roomsvc knows

        # The room on node a goes on: open records, and the listener still hears the speaker.
        heard = listener.frames
        await listener.heard(more_than=heard)
        assert (await apis["a"].get(f"/v1/rooms/{room_a}")).json()["status"] == "active"
        call_a = await _call(apis["a"], room_a)
        assert call_a["ended_at"] is None, call_a
        open_a = {p["identity"] for p in call_a["participants"] if not p["left_at"]}
        assert open_a == {"speaker", "listener"}, call_a["participants"]
        assert {p.identity for p in await gateways["a"].list_participants(room_a)} == open_a
