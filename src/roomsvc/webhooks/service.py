"""Webhook bodies: the one parser, shared by intake and the appliers.

Intake (the HTTP request, ``intake.py``) only verifies, parses and ``INSERT IGNORE``s the raw event keyed
by LiveKit's event id, commits (grouped with concurrent requests), and acks: an acknowledged event is
always on disk, and a retry of the same id is a no-op. ``roomsvc jobs``' appliers apply it
(``webhooks/jobs.py``; ``roomsvc.jobs`` holds the job table).
"""

from __future__ import annotations

from typing import Any

import msgspec

from roomsvc.errors import BadRequest

_decoder = msgspec.json.Decoder(dict[str, Any])


def parse_event(body: bytes) -> dict[str, Any]:
    try:
        event = _decoder.decode(body)
    except msgspec.DecodeError:
        raise BadRequest("Webhook body is not a JSON object.", code="webhook-malformed") from None
    if not isinstance(event.get("id"), str) or not isinstance(event.get("event"), str):
        raise BadRequest("Webhook body lacks `id` or `event`.", code="webhook-malformed")
    return event
