from __future__ import annotations

from typing import Any

from tests.support import problem


async def test_healthz_needs_no_auth(anon: Any) -> None:
    response = await anon.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_each_dependency_up(anon: Any) -> None:
    response = await anon.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"mysql": "up", "redis": "up", "livekit": "up"}


async def test_readyz_names_what_is_down(make_client: Any) -> None:
    # Point one app instance at ports where nothing listens: real connection failures, no mocks.
    async with make_client(LIVEKIT_URL="http://127.0.0.1:9", REDIS_URL="redis://127.0.0.1:9/0") as client:
        response = await client.get("/readyz")
    body = problem(response, 503, "not-ready")
    assert body["checks"] == {"mysql": "up", "redis": "down", "livekit": "down"}
    assert "redis" in body["detail"] and "livekit" in body["detail"]
    assert response.headers["retry-after"]


async def test_request_id_is_echoed_or_generated(anon: Any) -> None:
    echoed = await anon.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    generated = await anon.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert generated.headers["x-request-id"] != "bad id with spaces"
    assert len(generated.headers["x-request-id"]) == 32
