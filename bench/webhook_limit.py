"""The physical limit of webhook intake: the essential work, hand-written on the raw drivers.

Served exactly like the API (bench/serve.py, same uvicorn options and worker count), on the same
framework, so that ``roomsvc / limit`` says what roomsvc's own intake costs on top of the work it cannot
avoid, whatever the machine:

1. LiveKit's JWT verified with pyjwt (HS256, issuer = the API key, ``exp`` required) and the body's
   sha256 compared with the claim in constant time;
2. the body parsed (msgspec);
3. one ``INSERT IGNORE`` of the row (the same columns as roomsvc's) on a raw aiomysql connection, then
   COMMIT: one transaction, one redo-log sync, per event, the server options unchanged.

    python bench/serve.py bench.webhook_limit:create_app --port 8103 --workers 1
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomysql
import jwt
import msgspec
from litestar import Litestar, Request, Response, get, post

from roomsvc import heap
from roomsvc.config import load_settings

INSERT = (
    "INSERT IGNORE INTO webhook_events (event_id, event_type, room_name, room_sid, participant_identity, "
    "participant_sid, created_at_unix, received_at, attempts, body) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,0,%s)"
)
_decoder = msgspec.json.Decoder(dict[str, Any])


class Limit:
    def __init__(self) -> None:
        settings = load_settings(dict(os.environ))
        self.api_key = settings.livekit.api_key
        self.api_secret = settings.livekit.api_secret
        self.database_url = settings.database.url
        # as many connections as roomsvc's own pool (ROOMSVC_DB_POOL_SIZE): same server, same database budget
        self.pool_size = settings.database.pool_size
        self.pool: aiomysql.Pool | None = None

    async def open(self) -> None:
        url = urlsplit(self.database_url)
        self.pool = await aiomysql.create_pool(
            host=url.hostname or "127.0.0.1",
            port=url.port or 3306,
            user=unquote(url.username or ""),
            password=unquote(url.password or ""),
            db=url.path.lstrip("/"),
            charset="utf8mb4",
            autocommit=False,
            minsize=1,
            maxsize=self.pool_size,
            init_command="SET SESSION time_zone = '+00:00', SESSION tx_isolation = 'READ-COMMITTED'",
        )

    async def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            await self.pool.wait_closed()


LIMIT: Limit | None = None


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    global LIMIT
    LIMIT = Limit()
    await LIMIT.open()
    heap.freeze_startup_heap()  # as roomsvc's API does: no full collection walks the startup heap
    try:
        yield
    finally:
        heap.thaw()
        await LIMIT.close()


def _problem(status: int, detail: str) -> Response[dict[str, Any]]:
    return Response(
        {"status": status, "detail": detail}, status_code=status, media_type="application/problem+json"
    )


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@post("/limit/webhooks", status_code=200)
async def receive(request: Request[Any, Any, Any]) -> Response[Any]:
    limit = LIMIT
    assert limit is not None and limit.pool is not None
    body = await request.body()
    try:
        claims = jwt.decode(
            request.headers.get("authorization", ""),
            limit.api_secret,
            algorithms=["HS256"],
            issuer=limit.api_key,
            leeway=10,
            options={"require": ["exp", "iss"]},
        )
        claimed = base64.b64decode(str(claims.get("sha256", "")), validate=True)
    except (jwt.PyJWTError, ValueError):
        return _problem(401, "invalid signature")
    if not hmac.compare_digest(claimed, hashlib.sha256(body).digest()):
        return _problem(401, "body mismatch")
    try:
        event = _decoder.decode(body)
    except msgspec.DecodeError:
        return _problem(400, "malformed")
    room = event.get("room") or {}
    participant = event.get("participant") or {}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    async with limit.pool.acquire() as connection:
        cursor = await connection.cursor()
        await cursor.execute(
            INSERT,
            (
                str(event["id"])[:64],
                str(event["event"])[:48],
                room.get("name"),
                room.get("sid"),
                participant.get("identity"),
                participant.get("sid"),
                int(event.get("createdAt") or 0),
                now,
                body.decode(),
            ),
        )
        inserted = cursor.rowcount
        await connection.commit()
        await cursor.close()
    return Response({"status": "accepted" if inserted else "duplicate"})


def create_app() -> Litestar:
    return Litestar(route_handlers=[healthz, receive], lifespan=[lifespan], openapi_config=None)
