"""`roomsvc console-token` and `GET /v1/me`: the operator console's sign-in, against the real stack.

The CLI runs as a real subprocess; the tokens it prints are used on the real API process. An operator's
moderation is recorded with the operator as the actor (audit, ban row, event).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from typing import Any

import httpx
import jwt
import pytest

from roomsvc.credentials import service
from tests.support import problem

CONSOLE_CREDENTIAL = "cred_console_default"


def _roomsvc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roomsvc", *args], env=env, capture_output=True, text=True, timeout=60
    )


async def _console_token(env: dict[str, str], *args: str) -> str:
    result = await asyncio.to_thread(_roomsvc, env, "console-token", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _as(api_server: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=api_server, headers={"Authorization": f"Bearer {token}"}, timeout=20)


async def test_me_describes_a_console_token(stack_env: dict[str, str], api_server: str) -> None:
    token = await _console_token(stack_env, "--operator", "ops-alice", "--ttl", "600")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "ops-alice" and claims["iss"] == CONSOLE_CREDENTIAL
    async with _as(api_server, token) as console:
        me = await console.get("/v1/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["credential_id"] == CONSOLE_CREDENTIAL
    assert body["project"] == "default"
    assert body["operator"] == "ops-alice"
    assert "admin" in body["scopes"] and "platform" not in body["scopes"]
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert expires == dt.datetime.fromtimestamp(claims["exp"], tz=dt.UTC)
    assert claims["exp"] - claims["iat"] == 600


async def test_me_without_a_token_is_a_problem(anon: Any) -> None:
    response = await anon.get("/v1/me")
    problem(response, 401, "missing-token")


async def test_an_operators_kick_records_the_operator_as_actor(
    stack_env: dict[str, str], api_server: str, api: Any, room_name: str
) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "owner1"})).status_code == 201
    token = await _console_token(stack_env, "--operator", "ops-bob")
    async with _as(api_server, token) as console:
        kicked = await console.post(
            f"/v1/rooms/{room_name}/participants/mallory/kick", json={"reason": "spam"}
        )
        assert kicked.status_code == 200, kicked.text
        assert kicked.json()["actor"] == "ops-bob"
        audit = (await console.get(f"/v1/rooms/{room_name}/audit")).json()["items"]
    kick = next(entry for entry in audit if entry["action"] == "kick")
    assert kick["actor"] == "ops-bob" and kick["target"] == "mallory"
    bans = (await api.get(f"/v1/rooms/{room_name}/bans")).json()["items"]
    assert [(b["identity"], b["actor"]) for b in bans] == [("mallory", "ops-bob")]
    events = (await api.get("/v1/events", params={"room": room_name, "type": "participant.kicked"})).json()
    assert [e["data"]["actor"] for e in events["items"]] == ["ops-bob"]


async def test_an_explicit_actor_still_wins(
    stack_env: dict[str, str], api_server: str, api: Any, room_name: str
) -> None:
    """A console token acting for an in-room moderator is checked as that moderator, as for any caller."""
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "owner1"})).status_code == 201
    token = await _console_token(stack_env, "--operator", "ops-carol")
    async with _as(api_server, token) as console:
        refused = await console.post(
            f"/v1/rooms/{room_name}/participants/mallory/kick", json={"actor": "nobody"}
        )
        problem(refused, 403, "not-a-moderator")
        kicked = await console.post(
            f"/v1/rooms/{room_name}/participants/mallory/kick", json={"actor": "owner1"}
        )
    assert kicked.status_code == 200 and kicked.json()["actor"] == "owner1"


async def test_a_narrowed_console_token_cannot_moderate(
    stack_env: dict[str, str], api_server: str, api: Any, room_name: str
) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "owner1"})).status_code == 201
    token = await _console_token(stack_env, "--operator", "viewer", "--scope", "rooms:read")
    async with _as(api_server, token) as console:
        assert (await console.get("/v1/me")).json()["scopes"] == ["rooms:read"]
        assert (await console.get(f"/v1/rooms/{room_name}")).status_code == 200
        refused = await console.post(f"/v1/rooms/{room_name}/participants/mallory/kick", json={})
    assert refused.status_code == 403


async def test_console_token_refuses_bad_arguments(stack_env: dict[str, str]) -> None:
    bad_operator = await asyncio.to_thread(_roomsvc, stack_env, "console-token", "--operator", "no spaces")
    assert bad_operator.returncode == 2 and "--operator" in bad_operator.stderr and not bad_operator.stdout
    unknown = await asyncio.to_thread(
        _roomsvc, stack_env, "console-token", "--operator", "a", "--project", "no-such-project"
    )
    assert unknown.returncode == 2 and "no-such-project" in unknown.stderr and not unknown.stdout
    platform = await asyncio.to_thread(
        _roomsvc, stack_env, "console-token", "--operator", "a", "--scope", "platform"
    )
    assert platform.returncode == 2 and "platform" in platform.stderr and not platform.stdout


async def test_a_revoked_console_credential_needs_a_reset(
    stack_env: dict[str, str], api_server: str, session_factory: Any, settings: Any
) -> None:
    await asyncio.to_thread(_roomsvc, stack_env, "credentials", "create-project", "console-rev")
    first = await _console_token(stack_env, "--operator", "a", "--project", "console-rev")
    revoked = await asyncio.to_thread(
        _roomsvc, stack_env, "credentials", "revoke", "cred_console_console-rev"
    )
    assert revoked.returncode == 0, revoked.stderr
    refused = await asyncio.to_thread(
        _roomsvc, stack_env, "console-token", "--operator", "a", "--project", "console-rev"
    )
    assert refused.returncode == 2 and "--reset" in refused.stderr and not refused.stdout
    fresh = await _console_token(stack_env, "--operator", "a", "--project", "console-rev", "--reset")
    async with _as(api_server, fresh) as console:
        me = await console.get("/v1/me")
    assert me.status_code == 200 and me.json()["project"] == "console-rev"
    # A reset is a new secret: the token minted before it no longer verifies against the credential.
    assert jwt.get_unverified_header(first)["kid"] == jwt.get_unverified_header(fresh)["kid"]
    async with session_factory() as session:
        row = await service.get_by_public_id(session, "cred_console_console-rev")
        assert row is not None and row.revoked_at is None
        secret = service.open_secret(settings.secret_key, row.secret_ciphertext, row.public_id)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(first, secret, algorithms=["HS256"], audience=settings.caller_auth.audience)


async def test_a_token_with_a_malformed_operator_is_refused(api_server: str, settings: Any) -> None:
    from roomsvc.auth import mint_caller_token

    token = mint_caller_token(
        credential_id=settings.caller_auth.dev_credential_id,
        secret=settings.caller_auth.dev_credential_secret,
        audience=settings.caller_auth.audience,
        scopes=["rooms:read"],
        operator="not an identity!",
    )
    async with _as(api_server, token) as client:
        response = await client.get("/v1/me")
    assert "`sub`" in problem(response, 401, "invalid-token")["detail"]


async def test_an_operators_recording_names_the_operator(
    stack_env: dict[str, str], api_server: str, api: Any, room_name: str
) -> None:
    assert (await api.post("/v1/rooms", json={"name": room_name, "creator": "owner1"})).status_code == 201
    token = await _console_token(stack_env, "--operator", "ops-dan")
    async with _as(api_server, token) as console:
        started = await console.post(f"/v1/rooms/{room_name}/recordings", json={"kind": "room_audio"})
        assert started.status_code == 201, started.text
        assert started.json()["actor"] == "ops-dan"
        stopped = await console.post(f"/v1/recordings/{started.json()['id']}/stop")
    assert stopped.status_code == 200, stopped.text
