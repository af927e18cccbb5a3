"""The baseline: a bare Litestar app with endpoints shaped like the measured ones, doing no work.

Same framework, same JSON library, same server and worker count (bench/serve.py) as roomsvc; no
middleware, no auth, no database, no Redis. What roomsvc's join or webhook intake costs on top of this
is what the ratios in docs/benchmarks.md measure.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request, get, post

TOKEN = "eyJhbGciOiJIUzI1NiJ9." + "x" * 300 + ".signature"  # a join token's size


class JoinBody(msgspec.Struct):
    identity: str
    name: str = ""


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@post("/bare/rooms/{room:str}/participants", status_code=201)
async def join(room: str, data: JoinBody) -> dict[str, Any]:
    return {
        "token": TOKEN,
        "url": "ws://127.0.0.1:7880",
        "identity": data.identity,
        "room": room,
        "role": "member",
        "grants": {"can_subscribe": True, "can_publish": True, "can_publish_data": True},
        "expires_at": "2030-01-01T00:00:00Z",
    }


@post("/bare/webhooks", status_code=200)
async def webhook(request: Request[Any, Any, Any]) -> dict[str, str]:
    await request.body()
    return {"status": "accepted"}


def create_app() -> Litestar:
    return Litestar(route_handlers=[healthz, join, webhook], debug=False)
