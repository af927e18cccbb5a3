"""Egress/ingress and unknown webhook events: recorded (status never goes backwards) or stored and ignored."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from sqlalchemy import select

from roomsvc.calls.models import MediaJob
from roomsvc.webhooks.models import WebhookEvent
from roomsvc.webhooks.verify import sign_webhook
from tests.support import eventually


async def _post(anon: Any, settings: Any, event: dict[str, Any]) -> str:
    """Deliver ``event`` as LiveKit does; its webhook id."""
    event_id = f"EV_{uuid.uuid4().hex}"
    body = json.dumps(event | {"id": event_id, "createdAt": str(int(time.time()))}).encode()
    token = sign_webhook(body, api_key=settings.livekit.api_key, api_secret=settings.livekit.api_secret)
    response = await anon.post(
        "/webhooks/livekit",
        content=body,
        headers={"content-type": "application/webhook+json", "Authorization": token},
    )
    assert response.status_code == 200, response.text
    return event_id


async def test_egress_and_ingress_are_recorded_in_any_order(
    anon: Any, settings: Any, session_factory: Any
) -> None:
    egress_id, ingress_id = f"EG_{uuid.uuid4().hex[:10]}", f"IN_{uuid.uuid4().hex[:10]}"
    info = {"egressId": egress_id, "roomName": "rec-room"}
    # Out of order on purpose: the end arrives before the start and the update.
    posted = [
        await _post(
            anon, settings, {"event": "egress_ended", "egressInfo": info | {"status": "EGRESS_COMPLETE"}}
        ),
        await _post(
            anon, settings, {"event": "egress_started", "egressInfo": info | {"status": "EGRESS_STARTING"}}
        ),
        await _post(
            anon, settings, {"event": "egress_updated", "egressInfo": info | {"status": "EGRESS_ACTIVE"}}
        ),
        await _post(
            anon,
            settings,
            {
                "event": "ingress_started",
                "ingressInfo": {
                    "ingressId": ingress_id,
                    "roomName": "rec-room",
                    "state": {"status": "ENDPOINT_PUBLISHING"},
                },
            },
        ),
    ]

    async def unprocessed() -> int:
        async with session_factory() as session:
            query = select(WebhookEvent).where(
                WebhookEvent.event_id.in_(posted), WebhookEvent.processed_at.is_not(None)
            )
            return len(posted) - len(list((await session.execute(query)).scalars()))

    # Every one of them applied, by whichever applier took it: a room roomsvc does not hold has no room
    # lock to serialise its events, so the start can be applied before the end (CI, 2026-12-02).
    await eventually(unprocessed, check=lambda n: n == 0, what="the four webhooks applied")

    async def jobs() -> dict[str, MediaJob]:
        async with session_factory() as session:
            rows = (
                await session.execute(select(MediaJob).where(MediaJob.job_id.in_([egress_id, ingress_id])))
            ).scalars()
            return {row.job_id: row for row in rows}

    found = await jobs()
    assert found[egress_id].started_at is not None, found
    egress = found[egress_id]
    assert (
        egress.status == "egress_complete" and egress.ended_at is not None and egress.room_name == "rec-room"
    )
    assert found[ingress_id].status == "endpoint_publishing" and found[ingress_id].kind == "ingress"


async def test_unknown_events_are_stored_and_ignored(anon: Any, settings: Any, session_factory: Any) -> None:
    await _post(anon, settings, {"event": "room_teleported", "room": {"name": "nowhere", "sid": "RM_1"}})

    async def stored() -> list[WebhookEvent]:
        async with session_factory() as session:
            query = select(WebhookEvent).where(WebhookEvent.event_type == "room_teleported")
            return list((await session.execute(query)).scalars())

    rows = await eventually(
        stored,
        check=lambda r: bool(r) and r[-1].processed_at is not None,
        what="unknown event stored and processed",
    )
    assert rows[-1].outcome in ("ignored", "unknown-room")
