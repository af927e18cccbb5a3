"""Ingest of verified LiveKit webhooks: parse, persist once by event id, apply to our records."""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

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


async def ingest(session: AsyncSession, body: bytes) -> str:
    """Store the event and apply it in the same transaction; return ``accepted`` or ``duplicate``."""
    event = parse_event(body)
    room = event.get("room") or {}
    participant = event.get("participant") or {}
    statement = (
        mysql_insert(WebhookEvent)
        .prefix_with("IGNORE")
        .values(
            event_id=event["id"][:64],
            event_type=event["event"][:48],
            room_name=(room.get("name") or None),
            room_sid=(room.get("sid") or None),
            participant_identity=(participant.get("identity") or None),
            participant_sid=(participant.get("sid") or None),
            created_at_unix=int(event.get("createdAt") or 0),
            body=body.decode(),
        )
    )
    result = await session.execute(statement)
    if result.rowcount == 0:  # type: ignore[attr-defined]
        log.info("webhook.duplicate", event_id=event["id"], event_type=event["event"])
        return "duplicate"
    outcome = await handlers.apply(session, event)
    log.info(
        "webhook.accepted",
        event_id=event["id"],
        event_type=event["event"],
        outcome=outcome,
        room=room.get("name"),
        identity=participant.get("identity"),
    )
    return "accepted"
