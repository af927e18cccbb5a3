"""When the real LiveKitGateway counts LiveKit as down (``available``), driven by its own ``monitor()``.

The gateway's ``livekit.api`` client is replaced by a stub that answers each ping with a scripted
outcome, the way the transport fails: a timeout (what a ping gets when our event loop or the host is
saturated, as under ``make fuzz``), a 5xx from LiveKit, a refused connection (nothing listens: LiveKit
is really stopped), or an answer. One missed ping must not refuse joins; two in a row, or one refused
connection, must; the first answer ends it. The join path with these rules is in
tests/integration/services/test_join_service.py (through the fake, which borrows the same rule).
"""

from __future__ import annotations

import asyncio
import errno
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from livekit import api as lkapi

from roomsvc.errors import LiveKitUnavailable
from roomsvc.livekit import MISSES_BEFORE_DOWN, LiveKitGateway
from tests.fakes import DEFAULT_SETTINGS


def _refused() -> aiohttp.ClientConnectorError:
    """What aiohttp raises when nothing listens on LiveKit's port (checked against a closed port)."""
    key = SimpleNamespace(host="127.0.0.1", port=7880, ssl=None)
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed")
    return aiohttp.ClientConnectorError(key, refused)  # type: ignore[arg-type]


FAILURES: dict[str, Any] = {
    "timeout": TimeoutError,
    "5xx": lambda: lkapi.TwirpError("unavailable", "overloaded", status=503),
    "refused": _refused,
}


class ScriptedRooms:
    """``client.room`` of the stub: each ``list_rooms`` (the ping) plays the next scripted outcome."""

    def __init__(self, gateway: LiveKitGateway, script: list[str]) -> None:
        self.gateway = gateway
        self.script = list(script)
        self.seen: list[bool] = []  # `available` as each ping began: the state the previous one left
        self.done = asyncio.Event()

    async def list_rooms(self, request: Any) -> Any:
        self.seen.append(self.gateway.available)
        if not self.script:
            self.done.set()
            await asyncio.Event().wait()  # hold the monitor here until the test cancels it
        outcome = self.script.pop(0)
        if outcome == "ok":
            return lkapi.ListRoomsResponse()
        raise FAILURES[outcome]()


async def _run_monitor(script: list[str]) -> list[bool]:
    gateway = LiveKitGateway(DEFAULT_SETTINGS)
    rooms = ScriptedRooms(gateway, script)
    gateway._api = SimpleNamespace(room=rooms)  # type: ignore[assignment]
    monitor = asyncio.create_task(gateway.monitor(interval=0))
    try:
        await asyncio.wait_for(rooms.done.wait(), timeout=10)
    finally:
        monitor.cancel()
        with pytest.raises(asyncio.CancelledError):
            await monitor
    return rooms.seen[1:]  # after each scripted ping


def test_two_misses_in_a_row_mark_down() -> None:
    assert MISSES_BEFORE_DOWN == 2  # the docs (architecture.md, reliability.md) say two


@pytest.mark.parametrize("miss", ["timeout", "5xx"])
async def test_one_missed_ping_is_not_an_outage_two_are(miss: str) -> None:
    after = await _run_monitor([miss, "ok", miss, miss, miss, "ok", miss])
    assert after == [True, True, True, False, False, True, True]


async def test_a_refused_connection_is_an_outage_at_once() -> None:
    after = await _run_monitor(["refused", "ok", "timeout", "refused", "timeout", "ok"])
    assert after == [False, True, True, False, False, True]


async def test_joins_are_refused_only_while_down() -> None:
    gateway = LiveKitGateway(DEFAULT_SETTINGS)
    rooms = ScriptedRooms(gateway, ["timeout", "timeout", "ok"])
    gateway._api = SimpleNamespace(room=rooms)  # type: ignore[assignment]
    with pytest.raises(LiveKitUnavailable):
        await gateway.ping()
    gateway.ensure_available()  # one miss: joins go on
    with pytest.raises(LiveKitUnavailable):
        await gateway.ping()
    with pytest.raises(LiveKitUnavailable):
        gateway.ensure_available()
    await gateway.ping()
    gateway.ensure_available()
