"""Running a livekit-agents server as a process (`roomsvc worker`, `roomsvc recorder`): until SIGTERM or
SIGINT, then optionally drain, close and stop. Both entry points share this loop."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from livekit.agents import AgentServer

log = structlog.get_logger("roomsvc.agent")


async def serve(server: AgentServer, *, name: str, drain: bool, **started: Any) -> None:
    """Run ``server`` until a signal; ``drain`` lets running jobs finish first (``server.drain()``).

    If the server gives up by itself (e.g. LiveKit unreachable after its retries), its error is raised.
    Logs ``<name>.started`` (with ``started``), ``<name>.stopping`` and ``<name>.stopped``.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running = asyncio.create_task(server.run(devmode=False), name=f"{name}-server")
    waiter = asyncio.create_task(stop.wait())
    log.info(f"{name}.started", **started)
    done, _ = await asyncio.wait({running, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if running in done:
        waiter.cancel()
        await server.aclose()
        running.result()
        return
    log.info(f"{name}.stopping")
    if drain:
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await server.drain()
    await server.aclose()
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await running
    log.info(f"{name}.stopped")
