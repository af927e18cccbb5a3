"""The physical limit of a join: the same essential work as roomsvc's, hand-written on the raw drivers.

Served exactly like the API and the bare endpoint (bench/serve.py, same uvicorn options and worker
count), on the same framework as the bare endpoint, so that ``roomsvc / limit`` says what roomsvc's own
code costs on top of the work a join cannot avoid, whatever the machine:

1. the caller JWT verified with pyjwt (HS256, ``aud``, ``exp`` required; the dev credential's secret);
2. one Redis token-bucket EVALSHA: roomsvc's own script (``roomsvc.ratelimit.TOKEN_BUCKET``);
3. ONE raw aiomysql SELECT: the room (the columns roomsvc's join must read: its state, schedule,
   room-wide controls and lobby flag), the identity's active ban, role, seat (and its locks), active
   mutes and latest join request;
4. one ``INSERT … ON DUPLICATE KEY UPDATE`` of the membership row, then COMMIT;
5. a LiveKit access token signed with pyjwt.

No ORM, no SQLAlchemy, no middleware, no DI beyond Litestar's own body parsing. The room is looked up in
the dev project (``default``), whose id is read once at start-up.

    python bench/serve.py bench.join_limit:create_app --port 8102 --workers 1
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomysql
import jwt
import msgspec
from litestar import Litestar, Request, Response, get, post
from redis.asyncio import Redis

from roomsvc import heap
from roomsvc.config import load_settings
from roomsvc.ratelimit import TOKEN_BUCKET

SELECT = """
SELECT r.id, r.name, r.livekit_name, r.status, r.owner, r.call_type, r.invite_on, r.lobby, r.client_admin,
       r.max_participants, r.seats, r.livekit_sid, r.opens_at, r.closes_at, r.ends_at, r.locked_at,
       r.audio_disabled, r.audio_disabled_until, r.video_disabled, r.video_disabled_until,
       r.screen_share_disabled, r.screen_share_disabled_until, r.data_disabled, r.data_disabled_until,
       b.id, b.expires_at, p.role, s.seat_index,
       (SELECT GROUP_CONCAT(m.source) FROM mutes m
         WHERE m.room_id = r.id AND m.identity = %(identity)s
           AND (m.expires_at IS NULL OR m.expires_at > %(now)s)),
       s.mic_locked, s.camera_locked, q.id, q.status
FROM rooms r
LEFT JOIN bans b ON b.room_id = r.id AND b.identity = %(identity)s AND b.lifted_at IS NULL
  AND (b.expires_at IS NULL OR b.expires_at > %(now)s)
LEFT JOIN participants p ON p.room_id = r.id AND p.identity = %(identity)s
LEFT JOIN seats s ON s.room_id = r.id AND s.identity = %(identity)s
LEFT JOIN join_requests q ON r.lobby = 1 AND q.room_id = r.id
  AND q.id = (SELECT MAX(e.id) FROM join_requests e WHERE e.room_id = r.id AND e.identity = %(identity)s)
WHERE r.project_id = %(project)s AND r.name = %(room)s
"""
UPSERT = """
INSERT INTO participants (room_id, identity, name, role, metadata, attributes, state, token_expires_at,
                          created_at, updated_at)
VALUES (%s, %s, %s, %s, %s, %s, 'invited', %s, %s, %s)
ON DUPLICATE KEY UPDATE name = VALUES(name), role = VALUES(role), metadata = VALUES(metadata),
  attributes = VALUES(attributes), token_expires_at = VALUES(token_expires_at),
  updated_at = VALUES(updated_at)
"""
VIDEO_SOURCES = ["camera", "microphone", "screen_share", "screen_share_audio"]
AUDIO_SOURCES = ["microphone"]
CONTROLLED = (("microphone",), ("camera",), ("screen_share", "screen_share_audio"))


class JoinBody(msgspec.Struct):
    identity: str
    name: str = ""
    role: str | None = None
    ttl: int | None = None


class Limit:
    """What the lifespan opens: the pool, Redis, the script, the settings the handler reads."""

    def __init__(self) -> None:
        settings = load_settings(dict(os.environ))
        self.secret = settings.caller_auth.dev_credential_secret
        self.audience = settings.caller_auth.audience
        self.leeway = settings.caller_auth.leeway
        self.api_key = settings.livekit.api_key
        self.api_secret = settings.livekit.api_secret
        self.public_url = settings.livekit.public_url
        self.ttl = settings.tokens.default_ttl
        limit = settings.rate_limits["default"]
        self.rate, self.burst = limit.rate, limit.burst
        self.bucket = f"roomsvc:rl:limit:default:{limit.rate:g}/{limit.burst}"
        self.database_url = settings.database.url
        # as many connections as roomsvc's own pool (ROOMSVC_DB_POOL_SIZE): same server, same database budget
        self.pool_size = settings.database.pool_size
        self.redis = Redis.from_url(settings.redis.url)
        self.script = self.redis.register_script(TOKEN_BUCKET)
        self.pool: aiomysql.Pool | None = None
        self.project_id = 0

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
        async with self.pool.acquire() as connection, connection.cursor() as cursor:
            await cursor.execute("SELECT id FROM projects WHERE public_id = 'default'")
            row = await cursor.fetchone()
            await connection.commit()
        self.project_id = int(row[0]) if row else 1

    async def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            await self.pool.wait_closed()
        await self.redis.aclose()


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
    body = {"status": status, "detail": detail}
    return Response(body, status_code=status, media_type="application/problem+json")


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@post("/limit/rooms/{room:str}/participants", status_code=201)
async def join(request: Request[Any, Any, Any], room: str, data: JoinBody) -> Response[Any]:
    limit = LIMIT
    assert limit is not None and limit.pool is not None
    header = request.headers.get("authorization", "")
    try:
        claims = jwt.decode(
            header[7:],
            limit.secret,
            algorithms=["HS256"],
            audience=limit.audience,
            leeway=limit.leeway,
            options={"require": ["exp"]},
        )
    except jwt.PyJWTError:
        return _problem(401, "invalid caller token")
    if "rooms:write" not in str(claims.get("scope", "")).split():
        return _problem(403, "missing scope")
    allowed, _ = await limit.script(keys=[limit.bucket], args=[limit.rate, limit.burst])
    if int(allowed) != 1:
        return _problem(429, "rate limited")
    identity = data.identity
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    async with limit.pool.acquire() as connection:
        cursor = await connection.cursor()
        await cursor.execute(
            SELECT, {"identity": identity, "now": now, "project": limit.project_id, "room": room}
        )
        row = await cursor.fetchone()
        if row is None:
            await connection.rollback()
            return _problem(404, "no such room")
        (room_id, _name, livekit_name, status, owner, call_type, invite_on, lobby, _client_admin,
         max_participants, seats, _sid, opens_at, closes_at, ends_at, locked_at,
         *controls, ban_id, _ban_expires, existing_role, seat_index, muted_sources, mic_locked,
         camera_locked, _request_id, request_status) = row  # fmt: skip
        if status not in ("created", "active") or locked_at is not None:
            await connection.rollback()
            return _problem(409, "the room is not open for joins")
        if (opens_at is not None and now < opens_at) or any(
            e is not None and now >= e for e in (closes_at, ends_at)
        ):
            await connection.rollback()
            return _problem(409, "outside the room's schedule")
        if ban_id is not None:
            await connection.rollback()
            return _problem(403, "banned")
        if invite_on or max_participants or (lobby and request_status != "admitted"):
            await connection.rollback()  # invitations, capacity (a LiveKit call), the lobby: not benchmarked
            return _problem(409, "not an open room")
        role = "owner" if identity == owner else (data.role or existing_role or "member")
        muted = set(muted_sources.split(",")) if muted_sources else set()
        if mic_locked:
            muted.add("microphone")
        if camera_locked:
            muted.add("camera")
        # The room-wide controls (audio, video, screen share; each until its end, if any), then data.
        for sources_off, disabled, until in zip(CONTROLLED, controls[0:6:2], controls[1:6:2], strict=True):
            if disabled and (until is None or until > now):
                muted.update(sources_off)
        publish_data = not (controls[6] and (controls[7] is None or controls[7] > now))
        admin = role in ("owner", "admin")
        stage = seats > 0
        may_publish = admin or (role == "member" and (not stage or seat_index is not None))
        sources = AUDIO_SOURCES if call_type == "audio" else VIDEO_SOURCES
        allowed_sources = [s for s in sources if s not in muted] if may_publish else []
        ttl = data.ttl or limit.ttl
        issued = int(time.time())
        video: dict[str, Any] = {
            "roomJoin": True,
            "room": livekit_name,
            "canSubscribe": True,
            "canPublish": bool(allowed_sources),
            "canPublishData": publish_data,
        }
        if allowed_sources:
            video["canPublishSources"] = allowed_sources
        token = jwt.encode(
            {"iss": limit.api_key, "sub": identity, "nbf": issued, "exp": issued + ttl, "video": video},
            limit.api_secret,
            algorithm="HS256",
        )
        expires = dt.datetime.fromtimestamp(issued + ttl, dt.UTC)
        await cursor.execute(
            UPSERT,
            (room_id, identity, data.name, role, "", "{}", expires.replace(tzinfo=None), now, now),
        )
        await connection.commit()
        await cursor.close()
    return Response(
        {
            "token": token,
            "url": limit.public_url,
            "identity": identity,
            "room": room,
            "role": role,
            "grants": {
                "can_subscribe": True,
                "can_publish": bool(allowed_sources),
                "can_publish_data": publish_data,
                "can_publish_sources": allowed_sources,
                "room_admin": False,
            },
            "expires_at": expires,
        },
        status_code=201,
    )


def create_app() -> Litestar:
    return Litestar(route_handlers=[healthz, join], lifespan=[lifespan], debug=False)
