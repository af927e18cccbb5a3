"""The join's CPU cost per request, in-process: roomsvc's app and the physical limit's, no HTTP server.

Both ASGI apps are started in this process (their lifespans run) and driven alternately with the same
join requests (a fresh identity each) for ``--rounds`` rounds of ``--joins`` joins; each round prints
the process's CPU time per join for each app and their ratio. No uvicorn, no load generator and no
sampler share the CPU, so a change of a few percent in what roomsvc adds shows here when one ``make
bench`` run on this VM cannot resolve it (bench/analysis.md). Wrap it in py-spy to see where the time
goes (``ONLY=roomsvc`` or ``ONLY=limit`` drives one app only):

    scripts/stack.sh up
    .venv/bin/python bench/inprocess_join.py --joins 2000 --rounds 3 >/dev/null  # rounds: stderr
    ONLY=roomsvc .venv/bin/py-spy record -r 200 -f raw -o roomsvc.raw -- .venv/bin/python bench/inprocess_join.py

The rate limiter is set never to refuse, as in ``make bench``; it still runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import UNLIMITED, dev_caller_token, load_env  # noqa: E402

Stop = Callable[[], Awaitable[None]]


async def start(app: Any) -> Stop:
    """Run the app's lifespan startup; returns what runs its shutdown."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})

    async def send(message: dict[str, Any]) -> None:
        await outbox.put(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(app(scope, inbox.get, send))
    started = await outbox.get()
    if started["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"the app did not start: {started}")

    async def stop() -> None:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task

    return stop


async def call(app: Any, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One HTTP POST through the app; its status and body."""
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect while the app runs
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--joins", type=int, default=2000, help="joins per app per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.environ.update(load_env() | {"ROOMSVC_RATE_LIMITS": UNLIMITED, "ROOMSVC_LOG_JSON": "true"})

    from bench import join_limit
    from roomsvc.app import create_app

    token = dev_caller_token(os.environ)
    headers = [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json")]
    roomsvc_app, limit_app = create_app(), join_limit.create_app()
    stops = [await start(roomsvc_app), await start(limit_app)]
    try:
        body = json.dumps({"name": f"inproc-{uuid.uuid4().hex[:8]}", "creator": "bench"}).encode()
        status, created = await call(roomsvc_app, "/v1/rooms", body, headers)
        if status != 201:
            raise RuntimeError(f"creating the room answered {status}: {created[:300]!r}")
        room = json.loads(created)["name"]
        apps = {
            "roomsvc": (roomsvc_app, f"/v1/rooms/{room}/participants"),
            "limit": (limit_app, f"/limit/rooms/{room}/participants"),
        }
        only = os.environ.get("ONLY")
        names = [only] if only else ["roomsvc", "limit"]
        counter = 0

        async def joins(name: str, count: int) -> float:
            nonlocal counter
            app, path = apps[name]
            started = time.process_time()
            for _ in range(count):
                counter += 1
                status, answer = await call(app, path, b'{"identity":"ip-%d"}' % counter, headers)
                if status != 201:
                    raise RuntimeError(f"{name} answered {status}: {answer[:300]!r}")
            return (time.process_time() - started) / count * 1e6

        for name in names:
            await joins(name, 100)  # warm: pools, caches, compiled statements
        for round_ in range(1, args.rounds + 1):
            cost = {name: await joins(name, args.joins) for name in names}
            line = "  ".join(f"{name} {us:,.0f} µs CPU/join" for name, us in cost.items())
            if len(cost) == 2:
                line += f"  roomsvc/limit {cost['limit'] / cost['roomsvc']:.2f}"
            print(f"round {round_}: {line}", file=sys.stderr, flush=True)
    finally:
        for stop in stops:
            await stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
