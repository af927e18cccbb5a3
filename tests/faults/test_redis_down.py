"""Redis hung, then gone, then back: the documented degradation (docs/reliability.md) really happens.

Redis holds only the rate-limit buckets. While it is unreachable the limiter fails open — requests are
served without a limit instead of refused — ``/readyz`` names redis as down, and nothing waits longer
than ``ROOMSVC_REDIS_TIMEOUT`` for it. A private ``redis-server`` on its own port is frozen (SIGSTOP:
connections hang, the timeout path) and killed (connection refused), so the shared one is never touched.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ARTIFACTS
from tests.support import eventually, problem

pytestmark = pytest.mark.faults
PORT = 6391
LIMITED = "default=0.2/3,rooms:write=0.2/3"


class PrivateRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        with (ARTIFACTS / f"redis-{self.port}.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(5)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(PORT)
    server.start()
    yield server
    server.kill()


async def _burst(client: Any, count: int) -> list[int]:
    return [(await client.get("/v1/rooms", params={"limit": 1})).status_code for _ in range(count)]


async def _degraded(client: Any, room: str) -> None:
    """Redis unreachable: limits fail open, readyz names redis, writes work, every call returns."""
    assert await _burst(client, 8) == [200] * 8  # a limit of burst 3 would have refused five of these
    ready = await client.get("/readyz")
    body = problem(ready, 503, "not-ready")
    assert body["checks"] == {"mysql": "up", "redis": "down", "livekit": "up"}
    created = await client.post("/v1/rooms", json={"name": room, "creator": "owner"})
    assert created.status_code == 201, created.text
    joined = await client.post(f"/v1/rooms/{room}/participants", json={"identity": "bob"})
    assert joined.status_code == 201, joined.text


async def test_redis_down_fails_open_and_recovers(
    private_redis: PrivateRedis, make_client: Any, room_name: str
) -> None:
    async with make_client(
        REDIS_URL=private_redis.url, ROOMSVC_RATE_LIMITS=LIMITED, ROOMSVC_REDIS_TIMEOUT="0.5"
    ) as client:
        client.timeout = httpx.Timeout(10)  # anything waiting on Redis longer than this is a hang
        statuses = await _burst(client, 4)
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429, statuses  # limits apply

        private_redis.freeze()  # accepts connections, answers nothing: only timeouts get us out
        await _degraded(client, f"{room_name}-frozen")

        await asyncio.to_thread(private_redis.kill)  # gone: connection refused
        await _degraded(client, f"{room_name}-gone")

        await asyncio.to_thread(private_redis.start)  # back (empty): limits apply again
        # /readyz keeps its answer for a second (docs/api.md), so the "down" seen just before may last.
        ready = await eventually(
            lambda: client.get("/readyz"), check=lambda r: r.status_code == 200, what="/readyz recovered"
        )
        assert ready.status_code == 200, ready.text
        statuses = await _burst(client, 4)
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429, statuses
