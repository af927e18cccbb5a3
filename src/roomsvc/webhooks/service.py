"""Webhook intake.

Intake (the HTTP request) only verifies, parses and ``INSERT IGNORE``s the raw event keyed by LiveKit's
event id, commits, and acks: an acknowledged event is always on disk, and a retry of the same id is a
no-op. Application runs right after, off the request: the API's ``webhook-applier`` job, woken by the
controller, and the ``webhook-sweeper`` of ``roomsvc jobs`` run :func:`roomsvc.webhooks.jobs.apply_pending`
(``roomsvc.scheduler`` holds the job table).
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.db import utcnow
from roomsvc.errors import BadRequest
from roomsvc.webhooks import handlers
from roomsvc.webhooks.models import WebhookEvent

log = structlog.get_logger("roomsvc.webhooks")
_decoder = msgspec.json.Decoder(dict[str, Any])


def parse_event(body: bytes) -> dict[str, Any]:
    try:
        event = _decoder.decode(body)
    except msgspec.DecodeError:
        raise BadRequest("Webhook body is not a JSON object.", code="webhook-malformed") from None
    if not isinstance(event.get("id"), str) or not isinstance(event.get("event"), str):
        raise BadRequest("Webhook body lacks `id` or `event`.", code="webhook-malformed")
    return event


async def store(session: AsyncSession, body: bytes) -> tuple[str, dict[str, Any]]:
    """Persist the raw event once; return ``("accepted" | "duplicate", event)``."""
    event = parse_event(body)
    room = event.get("room") or {}
    participant = event.get("participant") or {}
    statement = (
        mysql_insert(WebhookEvent)
        .prefix_with("IGNORE")
        .values(
            event_id=event["id"][:64],
            event_type=event["event"][:48],
            room_name=handlers.room_name_of(event),
            room_sid=(room.get("sid") or None),
            participant_identity=(participant.get("identity") or None),
            participant_sid=(participant.get("sid") or None),
            created_at_unix=int(event.get("createdAt") or 0),
            received_at=utcnow(),
            attempts=0,
            body=body.decode(),
        )
    )
    result = await session.execute(statement)
    outcome = "accepted" if result.rowcount else "duplicate"  # type: ignore[attr-defined]
    log.info("webhook." + outcome, event_id=event["id"], event_type=event["event"], room=room.get("name"))
    return outcome, event
