"""Caller authentication: 401 for missing/invalid/expired tokens, 403 for missing scopes."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.support import problem


async def test_missing_token_is_401(anon: Any) -> None:
    response = await anon.get("/v1/rooms", headers={"X-Request-ID": "req-401"})
    body = problem(response, 401, "missing-token")
    assert response.headers["x-request-id"] == "req-401" and body["request_id"] == "req-401"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer not-a-jwt"])
async def test_malformed_authorization_is_401(anon: Any, header: str) -> None:
    problem(await anon.get("/v1/rooms", headers={"Authorization": header}), 401, "invalid-token")


async def test_wrong_secret_is_401(anon: Any, caller_token: Any) -> None:
    token = caller_token(secret="x" * 40)
    problem(await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {token}"}), 401, "invalid-token")


async def test_expired_token_is_401(anon: Any, settings: Any) -> None:
    now = int(time.time())
    claims = {"iss": "cred_dev", "aud": "roomsvc", "iat": now - 600, "exp": now - 300, "scope": "rooms:read"}
    token = jwt.encode(
        claims, settings.caller_auth.dev_credential_secret, algorithm="HS256", headers={"kid": "cred_dev"}
    )
    problem(await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {token}"}), 401, "expired-token")


async def test_alg_none_is_401(anon: Any) -> None:
    token = jwt.encode(
        {"iss": "cred_dev", "aud": "roomsvc", "exp": int(time.time()) + 60},
        None,
        algorithm="none",
        headers={"kid": "cred_dev"},
    )
    problem(await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {token}"}), 401, "invalid-token")


async def test_wrong_audience_and_unknown_kid_are_401(anon: Any, caller_token: Any) -> None:
    wrong_aud = caller_token(audience="someone-else")
    problem(
        await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {wrong_aud}"}), 401, "invalid-token"
    )
    unknown = caller_token(credential_id="cred_nobody")
    problem(await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {unknown}"}), 401, "invalid-token")


async def test_missing_exp_and_too_long_lifetime_are_401(anon: Any, settings: Any) -> None:
    secret = settings.caller_auth.dev_credential_secret
    no_exp = jwt.encode(
        {"iss": "cred_dev", "aud": "roomsvc"}, secret, algorithm="HS256", headers={"kid": "cred_dev"}
    )
    body = problem(
        await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {no_exp}"}), 401, "invalid-token"
    )
    assert "exp" in body["detail"]
    now = int(time.time())
    too_long = jwt.encode(
        {"iss": "cred_dev", "aud": "roomsvc", "iat": now, "exp": now + 10 * 86400},
        secret,
        algorithm="HS256",
        headers={"kid": "cred_dev"},
    )
    problem(
        await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {too_long}"}), 401, "invalid-token"
    )


async def test_missing_scope_is_403_and_names_it(anon: Any, caller_token: Any) -> None:
    token = caller_token(scopes=["rooms:read"])
    response = await anon.post(
        "/v1/rooms", json={"name": "x", "creator": "a"}, headers={"Authorization": f"Bearer {token}"}
    )
    body = problem(response, 403, "missing-scope")
    assert body["missing_scopes"] == ["rooms:write"]
    allowed = await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {token}"})
    assert allowed.status_code == 200


async def test_rate_limit_is_429_with_retry_after(make_client: Any) -> None:
    async with make_client(ROOMSVC_RATE_LIMITS="default=0.5/3") as client:
        statuses = [(await client.get("/v1/rooms?limit=1")).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200]
        limited = await client.get("/v1/rooms?limit=1")
    body = problem(limited, 429, "rate-limited")
    assert body["bucket"] == "default"
    assert int(limited.headers["retry-after"]) >= 1
