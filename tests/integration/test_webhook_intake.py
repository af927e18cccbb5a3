"""POST /webhooks/livekit: LiveKit's signature or 401 with nothing stored; duplicates are no-ops."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select

from roomsvc.webhooks.models import WebhookEvent
from roomsvc.webhooks.verify import sign_webhook
from tests.support import problem

CT = {"content-type": "application/webhook+json"}


def _body(event_id: str) -> bytes:
    return (
        '{"event":"room_started","room":{"sid":"RM_x","name":"no-such-room"},'
        f'"id":"{event_id}","createdAt":"{int(time.time())}"}}'
    ).encode()


async def _stored(session_factory: Any, event_id: str) -> int:
    async with session_factory() as session:
        query = select(func.count()).where(WebhookEvent.event_id == event_id)
        return int((await session.execute(query)).scalar_one())


async def test_signed_event_is_stored_once(anon: Any, settings: Any, session_factory: Any) -> None:
    event_id = f"EV_{uuid.uuid4().hex}"
    body = _body(event_id)
    token = sign_webhook(body, api_key=settings.livekit.api_key, api_secret=settings.livekit.api_secret)
    first = await anon.post("/webhooks/livekit", content=body, headers=CT | {"Authorization": token})
    again = await anon.post("/webhooks/livekit", content=body, headers=CT | {"Authorization": token})
    assert (first.status_code, first.json()) == (200, {"status": "accepted"})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert await _stored(session_factory, event_id) == 1


def _forgeries(settings: Any, body: bytes) -> list[tuple[str, dict[str, str], bytes, str]]:
    key, secret = settings.livekit.api_key, settings.livekit.api_secret
    good = sign_webhook(body, api_key=key, api_secret=secret)
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    expired = jwt.encode(
        {"iss": key, "exp": int(time.time()) - 120, "sha256": digest}, secret, algorithm="HS256"
    )
    return [
        ("unsigned", {}, body, "webhook-unsigned"),
        (
            "forged",
            {"Authorization": sign_webhook(body, api_key=key, api_secret="f" * 40)},
            body,
            "webhook-invalid-signature",
        ),
        (
            "tampered",
            {"Authorization": good},
            body.replace(b"room_started", b"room_finished"),
            "webhook-body-mismatch",
        ),
        ("expired", {"Authorization": expired}, body, "webhook-expired"),
        (
            "other issuer",
            {"Authorization": sign_webhook(body, api_key="intruder", api_secret=secret)},
            body,
            "webhook-invalid-signature",
        ),
    ]


@pytest.mark.parametrize("case", range(5))
async def test_bad_signatures_are_401_and_store_nothing(
    anon: Any, settings: Any, session_factory: Any, case: int
) -> None:
    event_id = f"EV_{uuid.uuid4().hex}"
    name, headers, body, code = _forgeries(settings, _body(event_id))[case]
    response = await anon.post("/webhooks/livekit", content=body, headers=CT | headers)
    problem(response, 401, code)
    assert await _stored(session_factory, event_id) == 0, name


async def test_wrong_content_type_and_malformed_body(anon: Any, settings: Any) -> None:
    body = _body(f"EV_{uuid.uuid4().hex}")
    token = sign_webhook(body, api_key=settings.livekit.api_key, api_secret=settings.livekit.api_secret)
    problem(
        await anon.post(
            "/webhooks/livekit", content=body, headers={"content-type": "text/plain", "Authorization": token}
        ),
        415,
        "unsupported-media-type",
    )
    junk = b"[1, 2"
    junk_token = sign_webhook(junk, api_key=settings.livekit.api_key, api_secret=settings.livekit.api_secret)
    problem(
        await anon.post("/webhooks/livekit", content=junk, headers=CT | {"Authorization": junk_token}),
        400,
        "webhook-malformed",
    )
