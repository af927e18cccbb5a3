"""Hostile and malformed input, beyond test_auth.py, test_rooms.py and test_webhook_intake.py.

- bodies over ROOMSVC_MAX_BODY_BYTES → 413 on every kind of endpoint (JSON, webhook, chunked upload);
- malformed or mistyped JSON → 400 problem, never 500;
- caller JWTs: algorithm confusion, stripped signatures, not yet valid, another credential's secret → 401;
- webhooks: alg=none, no sha256 claim, a token for another body → 401, nothing stored;
- SQL and script injection strings are data: stored and returned byte for byte (in JSON, never HTML),
  and the tables they name are still there;
- identities and room names outside the documented charset (docs/api.md: ``[A-Za-z0-9._-]`` for rooms,
  ``[A-Za-z0-9._@:+-]`` for identities) — RTL marks, zero-width joiners, emoji, NUL, combining
  characters, look-alike letters — are refused with 400 naming the field.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select, text

from roomsvc.webhooks.models import WebhookEvent
from roomsvc.webhooks.verify import sign_webhook
from tests.support import problem

INJECTIONS = [
    "'; DROP TABLE rooms; --",
    "Robert'); DROP TABLE participants;--",
    '" OR 1=1 -- ',
    "1; SELECT SLEEP(5)",
    "<script>alert(document.cookie)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    "{{7*7}} ${7*7} #{7*7}",
    "\\'; \\\\x00 %s %n",
]
ODD = {
    "rtl mark": "abc\u200fdef",
    "rtl override": "\u202eevil",
    "zero-width joiner": "a\u200db",
    "zero-width space": "a\u200bb",
    "emoji": "party\U0001f389",
    "family emoji (zwj sequence)": "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "nul": "a\u0000b",
    "combining acute": "e\u0301",
    "cyrillic look-alike": "\u0430dmin",
    "fullwidth": "\uff41\uff42",
    "newline": "a\nb",
    "bom": "\ufeffabc",
}


@pytest.fixture
async def room(api: Any, room_name: str) -> AsyncIterator[str]:
    response = await api.post("/v1/rooms", json={"name": room_name, "creator": "owner"})
    assert response.status_code == 201, response.text
    yield room_name


# --- size and syntax ---------------------------------------------------------------------------


async def test_body_limit_applies_to_join_patch_and_webhooks(api: Any, anon: Any, room: str) -> None:
    big = json.dumps({"identity": "alice", "metadata": "x" * 70_000}).encode()
    ct = {"content-type": "application/json"}
    problem(
        await api.post(f"/v1/rooms/{room}/participants", content=big, headers=ct), 413, "payload-too-large"
    )
    problem(await api.patch(f"/v1/rooms/{room}", content=big, headers=ct), 413, "payload-too-large")
    problem(
        await anon.post(
            "/webhooks/livekit", content=big, headers={"content-type": "application/webhook+json"}
        ),
        413,
        "payload-too-large",
    )


async def test_chunked_body_over_the_limit_is_413(api: Any, room: str) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit must hold while reading
        yield b'{"identity":"alice","metadata":"'
        for _ in range(20):
            yield b"y" * 8192
        yield b'"}'

    response = await api.post(
        f"/v1/rooms/{room}/participants", content=chunks(), headers={"content-type": "application/json"}
    )
    problem(response, 413, "payload-too-large")


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"identity": "a",}', b"\xff\xfe{}", b'{"identity": "a"} trailing', b"NaN", b""],
    ids=["truncated", "trailing comma", "not utf-8", "trailing data", "nan", "empty"],
)
async def test_malformed_json_is_400(api: Any, room: str, body: bytes) -> None:
    response = await api.post(
        f"/v1/rooms/{room}/participants", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] in ("malformed-body", "validation-failed", "bad-request")


@pytest.mark.parametrize(
    "body", [[], "alice", 42, None, {"identity": ["a"]}, {"identity": {"$ne": ""}}, {"identity": 1e309}]
)
async def test_wrongly_typed_json_is_400(api: Any, room: str, body: Any) -> None:
    response = await api.post(
        f"/v1/rooms/{room}/participants",
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")


# --- caller JWTs (test_auth.py has missing, malformed, wrong secret, expired, alg=none, aud, kid) -----


def _claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "cred_dev", "aud": "roomsvc", "iat": now, "exp": now + 60, "scope": "rooms:read"} | extra


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
async def test_other_hmac_algorithms_are_401(anon: Any, settings: Any, alg: str) -> None:
    token = jwt.encode(
        _claims(), settings.caller_auth.dev_credential_secret, algorithm=alg, headers={"kid": "cred_dev"}
    )
    problem(await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {token}"}), 401, "invalid-token")


async def test_alg_header_rewritten_or_signature_stripped_is_401(anon: Any, settings: Any) -> None:
    good = jwt.encode(
        _claims(), settings.caller_auth.dev_credential_secret, algorithm="HS256", headers={"kid": "cred_dev"}
    )
    header, payload, _signature = good.split(".")
    none_header = (
        base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT","kid":"cred_dev"}').rstrip(b"=").decode()
    )
    rs_header = (
        base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT","kid":"cred_dev"}').rstrip(b"=").decode()
    )
    for forged in (
        f"{header}.{payload}.",
        f"{none_header}.{payload}.",
        f"{rs_header}.{payload}.{_signature}",
    ):
        response = await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {forged}"})
        problem(response, 401, "invalid-token")


async def test_not_yet_valid_and_foreign_credential_tokens_are_401(anon: Any, settings: Any) -> None:
    secret = settings.caller_auth.dev_credential_secret
    future = jwt.encode(
        _claims(nbf=int(time.time()) + 3600), secret, algorithm="HS256", headers={"kid": "cred_dev"}
    )
    problem(await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {future}"}), 401, "invalid-token")
    # Right kid, signed with another credential's (unknown) secret.
    foreign = jwt.encode(_claims(), "s" * 40, algorithm="HS256", headers={"kid": "cred_dev"})
    problem(await anon.get("/v1/rooms", headers={"Authorization": f"Bearer {foreign}"}), 401, "invalid-token")


# --- webhooks (test_webhook_intake.py has unsigned, forged, tampered, expired, other issuer) ---------


def _webhook_body(event_id: str) -> bytes:
    return json.dumps(
        {
            "event": "room_started",
            "id": event_id,
            "createdAt": str(int(time.time())),
            "room": {"sid": "RM_x", "name": "x"},
        }
    ).encode()


async def _stored(session_factory: Any, event_id: str) -> int:
    async with session_factory() as session:
        query = select(func.count()).where(WebhookEvent.event_id == event_id)
        return int((await session.execute(query)).scalar_one())


async def test_webhook_forgeries_are_401_and_store_nothing(
    anon: Any, settings: Any, session_factory: Any
) -> None:
    key, secret = settings.livekit.api_key, settings.livekit.api_secret
    ct = {"content-type": "application/webhook+json"}
    cases = []
    event_id = f"EV_{uuid.uuid4().hex}"
    body = _webhook_body(event_id)
    now = int(time.time())
    cases.append(jwt.encode({"iss": key, "exp": now + 60, "sha256": "x"}, None, algorithm="none"))  # alg=none
    cases.append(jwt.encode({"iss": key, "exp": now + 60}, secret, algorithm="HS256"))  # no sha256 claim
    cases.append(sign_webhook(_webhook_body("EV_other"), api_key=key, api_secret=secret))  # another body
    cases.append(jwt.encode({"iss": key, "exp": now + 60, "sha256": "!!!"}, secret, algorithm="HS256"))
    cases.append(jwt.encode({"iss": key, "exp": now + 60, "sha256": "x"}, secret, algorithm="HS512"))
    for token in cases:
        response = await anon.post("/webhooks/livekit", content=body, headers=ct | {"Authorization": token})
        assert response.status_code == 401, (token, response.text)
        assert response.json()["code"].startswith("webhook-")
    assert await _stored(session_factory, event_id) == 0


# --- injection strings are data -----------------------------------------------------------------


@pytest.mark.parametrize("payload", INJECTIONS)
async def test_injection_strings_are_stored_and_returned_verbatim(
    api: Any, settings: Any, session_factory: Any, room_name: str, payload: str
) -> None:
    created = await api.post(
        "/v1/rooms",
        json={"name": room_name, "creator": "owner", "metadata": payload, "source_channel_id": payload[:128]},
    )
    assert created.status_code == 201, created.text
    assert created.headers["content-type"].startswith("application/json")
    assert created.json()["metadata"] == payload
    joined = await api.post(
        f"/v1/rooms/{room_name}/participants",
        json={
            "identity": "alice",
            "name": payload[:128],
            "metadata": payload,
            "attributes": {"note": payload},
        },
    )
    assert joined.status_code == 201, joined.text
    claims = jwt.decode(
        joined.json()["token"],
        settings.livekit.api_secret,
        algorithms=["HS256"],
        issuer=settings.livekit.api_key,
    )
    assert (claims["name"], claims["metadata"], claims["attributes"]) == (
        payload[:128],
        payload,
        {"note": payload},
    )
    room = (await api.get(f"/v1/rooms/{room_name}")).json()
    assert (room["metadata"], room["source_channel_id"]) == (payload, payload[:128])
    member = (await api.get(f"/v1/rooms/{room_name}/participants/alice")).json()
    assert (member["name"], member["metadata"], member["attributes"]) == (
        payload[:128],
        payload,
        {"note": payload},
    )
    listed = await api.get("/v1/rooms", params={"source_channel_id": payload[:128]})
    assert [r["name"] for r in listed.json()["items"]] == [room_name]  # a filter value is a value too
    async with session_factory() as session:  # and nothing was executed: the tables are all still there
        tables = {row[0] for row in await session.execute(text("SHOW TABLES"))}
    assert {"rooms", "participants"} <= tables


# --- the documented charsets -----------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(ODD))
async def test_odd_unicode_room_names_and_identities_are_400_naming_the_field(
    api: Any, room: str, case: str
) -> None:
    odd = ODD[case]
    for body, field in (
        ({"name": f"r{odd}", "creator": "owner"}, "name"),
        ({"name": f"r-{uuid.uuid4().hex[:8]}", "creator": f"o{odd}"}, "creator"),
    ):
        result = problem(await api.post("/v1/rooms", json=body), 400, "validation-failed")
        assert field in result["detail"] and field in result["fields"], result
    result = problem(
        await api.post(f"/v1/rooms/{room}/participants", json={"identity": f"u{odd}"}),
        400,
        "validation-failed",
    )
    assert "identity" in result["detail"] and "identity" in result["fields"], result
    invited = await api.post(f"/v1/rooms/{room}/invitations", json={"identities": [f"u{odd}"]})
    result = problem(invited, 400, "validation-failed")
    assert "identities" in result["detail"], result


@pytest.mark.parametrize("case", sorted(ODD))
async def test_odd_unicode_in_paths_is_a_clean_4xx(api: Any, room: str, case: str) -> None:
    """Names in URLs are looked up, never stored: unknown is 404 (or 400), never a 500."""
    from urllib.parse import quote

    odd = quote(ODD[case], safe="")
    for path in (f"/v1/rooms/r{odd}", f"/v1/rooms/{room}/participants/u{odd}"):
        response = await api.get(path)
        assert response.status_code in (400, 404), (path, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    created = await api.post(f"/v1/rooms/r{odd}/participants", json={"identity": "alice"})
    assert created.status_code in (400, 404), created.text
