"""Bounded resources at the edge, on the real stack: SSE caps and lifetimes, one feed poller per replica,
/readyz cached and quiet, the pre-authentication limiter, the `kid` check and the LRU credential cache.

Each test serves its own app (uvicorn on a free loopback port, real MariaDB/Redis/LiveKit) with the
settings it needs, so it can look at that replica's counters (``app.state``).
"""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import uvicorn

from roomsvc.app import create_app
from roomsvc.auth import CredentialStore
from roomsvc.config import load_settings
from roomsvc.credentials import service as credential_service
from tests.conftest import _test_env
from tests.integration.test_event_feed import SSEReader
from tests.support import eventually, problem


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serve(migrated_db: str, **overrides: str) -> AsyncIterator[tuple[str, Any]]:
    """The API app on a free loopback port with ``overrides``: (base URL, the app)."""
    port = _free_port()
    env = _test_env() | {"ROOMSVC_PORT": str(port)} | overrides
    app = create_app(load_settings(env))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    await eventually(lambda: asyncio.sleep(0, server.started), what="the test server started")
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _new_credential(session_factory: Any, settings: Any) -> tuple[str, str]:
    public_id, secret = "cred_" + secrets.token_hex(8), "s" * 8 + secrets.token_hex(16)
    async with session_factory() as session, session.begin():
        await credential_service.create_credential(
            session,
            master_key=settings.secret_key,
            name="edge-test",
            scopes=["events"],
            public_id=public_id,
            secret=secret,
        )
    return public_id, secret


async def _revoke(session_factory: Any, public_id: str) -> None:
    async with session_factory() as session, session.begin():
        await credential_service.revoke_credential(session, public_id)


async def _open_stream(
    client: httpx.AsyncClient, stack: Any, headers: dict[str, str]
) -> tuple[Any, SSEReader]:
    response = await stack.enter_async_context(client.stream("GET", "/v1/events/stream", headers=headers))
    reader = SSEReader(response)
    if response.status_code == 200:
        asyncio.get_running_loop().create_task(reader.run())
    else:
        await response.aread()
    return response, reader


async def test_stream_caps_per_caller_and_per_replica(
    migrated_db: str, caller_token: Any, session_factory: Any, settings: Any
) -> None:
    from contextlib import AsyncExitStack

    other_id, other_secret = await _new_credential(session_factory, settings)
    other = caller_token(scopes=["events"], credential_id=other_id, secret=other_secret)
    mine = caller_token(ttl=600)
    limits = {"ROOMSVC_SSE_MAX_STREAMS_PER_CALLER": "2", "ROOMSVC_SSE_MAX_STREAMS": "3"}
    async with (
        serve(migrated_db, **limits) as (url, app),
        httpx.AsyncClient(base_url=url, timeout=20) as client,
    ):
        feed = app.state.event_feed
        async with AsyncExitStack() as stack:
            for _ in range(2):
                response, _reader = await _open_stream(client, stack, _bearer(mine))
                assert response.status_code == 200
            third, _ = await _open_stream(client, stack, _bearer(mine))
            body = problem(third, 429, "too-many-streams")
            assert body["limit"] == 2 and third.headers["retry-after"]
            # Another caller still gets a stream, up to the replica's cap of 3.
            response, _reader = await _open_stream(client, stack, _bearer(other))
            assert response.status_code == 200
            fourth, _ = await _open_stream(client, stack, _bearer(other))
            assert problem(fourth, 429, "too-many-streams")["limit"] == 3
            assert feed.open_streams == 3
        # Closing the streams gives their places back.
        await eventually(lambda: asyncio.sleep(0, feed.open_streams), check=lambda n: n == 0, what="released")
        async with AsyncExitStack() as stack:
            response, _reader = await _open_stream(client, stack, _bearer(mine))
            assert response.status_code == 200


async def test_one_poller_serves_every_stream(
    migrated_db: str, caller_token: Any, api: Any, room_name: str
) -> None:
    """Many streams, one feed read per tick: the replica's reads do not grow with its streams."""
    from contextlib import AsyncExitStack

    token = caller_token(ttl=600)
    async with serve(migrated_db, ROOMSVC_SSE_MAX_STREAMS_PER_CALLER="50") as (url, app):
        feed = app.state.event_feed
        async with httpx.AsyncClient(base_url=url, timeout=20) as client, AsyncExitStack() as stack:
            readers = []
            for _ in range(20):
                response = await stack.enter_async_context(
                    client.stream(
                        "GET", "/v1/events/stream", params={"room": room_name}, headers=_bearer(token)
                    )
                )
                assert response.status_code == 200
                reader = SSEReader(response)
                asyncio.get_running_loop().create_task(reader.run())
                readers.append(reader)
            assert feed.open_streams == 20
            assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
            await eventually(
                lambda: asyncio.sleep(0, [len(r.events) for r in readers]),
                check=lambda counts: all(n >= 1 for n in counts),
                what="every stream got room.created",
            )
        assert {r.events[0]["event"] for r in readers} == {"room.created"}
        assert len({r.events[0]["id"] for r in readers}) == 1
        # No stream read MySQL for its events: they all came from the replica's one poller.
        assert feed.catch_up_reads == 0
        assert feed.polls >= 1


async def test_stream_closes_when_its_token_expires(migrated_db: str, caller_token: Any) -> None:
    async with serve(migrated_db) as (url, app), httpx.AsyncClient(base_url=url, timeout=30) as client:
        token = caller_token(ttl=2)
        async with client.stream("GET", "/v1/events/stream", headers=_bearer(token)) as response:
            assert response.status_code == 200
            reader = SSEReader(response)
            await asyncio.wait_for(reader.run(), 30)  # returns only when the server ends the stream
        assert reader.comments[-1] == "closed: token-expired"
        assert app.state.event_feed.open_streams == 0


async def test_stream_closes_when_its_credential_is_revoked(
    migrated_db: str, caller_token: Any, session_factory: Any, settings: Any
) -> None:
    public_id, secret = await _new_credential(session_factory, settings)
    token = caller_token(scopes=["events"], credential_id=public_id, secret=secret, ttl=600)
    async with serve(migrated_db) as (url, _app), httpx.AsyncClient(base_url=url, timeout=30) as client:
        async with client.stream("GET", "/v1/events/stream", headers=_bearer(token)) as response:
            assert response.status_code == 200
            reader = SSEReader(response)
            task = asyncio.create_task(reader.run())
            await _revoke(session_factory, public_id)
            await asyncio.wait_for(task, 30)  # bounded: the stream must end by itself
        assert reader.comments[-1] == "closed: credential-revoked"
        problem(await client.get("/v1/events", headers=_bearer(token)), 401, "invalid-token")


async def test_readyz_is_cached_and_names_no_internal_error(migrated_db: str) -> None:
    async with serve(migrated_db, REDIS_URL="redis://127.0.0.1:9/0") as (url, app):
        async with httpx.AsyncClient(base_url=url, timeout=20) as client:
            responses = await asyncio.gather(*(client.get("/readyz") for _ in range(20)))
        assert app.state.readiness.probes == 1  # concurrent callers share one probe
    for response in responses:
        body = problem(response, 503, "not-ready")
        assert body["checks"] == {"mysql": "up", "redis": "down", "livekit": "up"}
        assert "errors" not in body
        text = response.text.lower()
        assert "connect" not in text and "refused" not in text and "127.0.0.1" not in text, text


async def test_preauth_limiter_and_kid_check_spare_mysql(
    migrated_db: str, caller_token: Any, settings: Any
) -> None:
    valid = caller_token(ttl=600)
    async with serve(migrated_db, ROOMSVC_PREAUTH_RATE_LIMIT="0.01/5") as (url, app):
        store: CredentialStore = app.state.credential_store
        async with httpx.AsyncClient(base_url=url, timeout=20) as client:
            assert (await client.get("/v1/events", headers=_bearer(valid))).status_code == 200
            # A malformed kid is refused without a lookup.
            lookups = store.lookups
            bad_kid = jwt.encode(
                {"aud": settings.caller_auth.audience, "exp": 2_000_000_000},
                "x" * 40,
                algorithm="HS256",
                headers={"kid": "' OR 1=1 -- " + "x" * 80},
            )
            problem(await client.get("/v1/events", headers=_bearer(bad_kid)), 401, "invalid-token")
            assert store.lookups == lookups
            # Made-up kids: each costs a lookup until the address's bucket is empty, then 429 first.
            statuses = []
            for _ in range(30):
                forged = caller_token(credential_id="cred_" + secrets.token_hex(8), secret="y" * 40)
                statuses.append((await client.get("/v1/events", headers=_bearer(forged))).status_code)
            limited = await client.get(
                "/v1/events", headers=_bearer(caller_token(credential_id="cred_zz", secret="y" * 40))
            )
            body = problem(limited, 429, "rate-limited")
            assert body["bucket"] == "preauth"
            assert statuses.count(429) >= 25 and set(statuses) <= {401, 429}
            assert store.lookups - lookups <= 5  # the burst, never one per request
            # A caller whose credential is cached is never charged: still served.
            assert (await client.get("/v1/events", headers=_bearer(valid))).status_code == 200


async def test_credential_cache_is_lru_not_wiped(session_factory: Any, settings: Any) -> None:
    store = CredentialStore(session_factory, settings.secret_key, max_entries=3)
    dev = settings.caller_auth.dev_credential_id
    assert await store.get(dev) is not None
    assert await store.get("cred_unknown1") is None
    assert await store.get("cred_unknown2") is None
    assert await store.get(dev) is not None  # a hit: now the most recently used
    assert await store.get("cred_unknown3") is None  # evicts the least recently used, cred_unknown1
    lookups = store.lookups
    assert await store.get(dev) is not None
    assert store.lookups == lookups, "the hot credential was evicted"
    assert len(store) == 3
    assert await store.get("cred_unknown1") is None
    assert store.lookups == lookups + 1
