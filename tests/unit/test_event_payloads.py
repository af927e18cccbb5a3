"""Every event type's ``data`` has a struct (roomsvc.events.payloads), the OpenAPI document publishes each
under its conventional name with a ``webhooks`` entry, and emit refuses a payload that differs from it.

The full suite is the other half of the check: nearly every emit site runs there, and in tests a payload
that differs from its struct raises (``events.service.set_strict_payloads``).
"""

from __future__ import annotations

from typing import Any, cast

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import metrics
from roomsvc.events import payloads
from roomsvc.events import service as events
from roomsvc.events.delivery import HEADERS_DOCUMENTED
from roomsvc.events.types import EventType

KICKED: dict[str, Any] = {
    "actor": "erin",
    "target": "bob",
    "reason": "spam",
    "params": {
        "ban_expires_at": "2026-11-23T05:56:30.462240+00:00",
        "permanent": False,
        "was_connected": False,
        "seat": None,
    },
    "request_id": "d2795a49bfa84e6e94db050de49c43ff",
}

RECORDING: dict[str, Any] = {
    "recording_id": "rec_1",
    "kind": "tracks",
    "backend": "agent",
    "room_sid": "RM_1",
    "auto": False,
}

# One realistic payload per type (shapes from the emit sites), each of which must pass the check.
SAMPLES: dict[EventType, dict[str, Any]] = {
    EventType.ROOM_CREATED: {
        "room_sid": "RM_1",
        "creator": "alice",
        "call_type": "video",
        "max_participants": 0,
        "metadata": "",
    },
    EventType.ROOM_UPDATED: {
        "room_sid": "RM_1",
        "creator": "alice",
        "call_type": "audio",
        "max_participants": 5,
        "metadata": "{}",
    },
    EventType.ROOM_STARTED: {"room_sid": "RM_1", "started_at": "2026-11-23T04:49:22Z"},
    EventType.ROOM_ENDED: {"room_sid": "RM_1", "reason": "closed by LiveKit"},
    EventType.ROOM_OWNER_CHANGED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"previous_owner": "alice"},
    },
    EventType.ROOM_LOCKED: {"actor": "ops@example.com", "target": None, "reason": "", "params": {}},
    EventType.ROOM_UNLOCKED: {"actor": None, "target": None, "reason": "", "params": {}},
    EventType.ROOM_CONTROLS_CHANGED: {
        "actor": None,
        "target": None,
        "reason": "controls expired",
        "params": {
            "changed": ["audio"],
            "applied_live": 2,
            "controls": {
                "audio_disabled": False,
                "audio_disabled_until": None,
                "video_disabled": False,
                "video_disabled_until": None,
                "screen_share_disabled": True,
                "screen_share_disabled_until": "2026-12-03T10:10:00Z",
                "data_disabled": False,
                "data_disabled_until": None,
            },
        },
    },
    EventType.PARTICIPANT_JOINED: {
        "identity": "bob",
        "participant_sid": "PA_1",
        "room_sid": "RM_1",
        "kind": "standard",
        "repaired": False,
    },
    EventType.PARTICIPANT_LEFT: {"identity": "bob", "participant_sid": "PA_1", "reason": "client_initiated"},
    EventType.PARTICIPANT_KICKED: KICKED,
    EventType.PARTICIPANT_BAN_LIFTED: {"actor": None, "target": "bob", "reason": "", "params": {}},
    EventType.PARTICIPANT_MUTED: {
        "actor": None,
        "target": "bob",
        "reason": "",
        "params": {"sources": ["microphone"], "expires_at": None, "applied_live": True},
    },
    EventType.PARTICIPANT_UNMUTED: {
        "actor": None,
        "target": "bob",
        "reason": "mute expired",
        "params": {"sources": ["camera", "microphone"], "applied_live": False},
    },
    EventType.PARTICIPANT_ROLE_CHANGED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"from": None, "to": "admin", "invitation": "inv_1"},
    },
    EventType.TRACK_PUBLISHED: {
        "identity": "bob",
        "participant_sid": "PA_1",
        "track_sid": "TR_1",
        "kind": "audio",
        "source": "microphone",
    },
    EventType.TRACK_UNPUBLISHED: {
        "identity": "bob",
        "participant_sid": "PA_1",
        "track_sid": "TR_1",
        "kind": "video",
        "source": "unknown",
    },
    EventType.SEAT_TAKEN: {
        "actor": None,
        "target": "bob",
        "reason": "",
        "params": {"seat": 0, "applied_live": True},
    },
    EventType.SEAT_LEFT: {
        "actor": "bob",
        "target": "bob",
        "reason": "",
        "params": {"seat": 1, "applied_live": False},
    },
    EventType.SEAT_KICKED: {
        "actor": "alice",
        "target": "bob",
        "reason": "off topic",
        "params": {"seat": 1, "applied_live": True},
    },
    EventType.SEAT_LOCKED: {"actor": "alice", "target": None, "reason": "", "params": {"seat": 2}},
    EventType.SEAT_UNLOCKED: {"actor": None, "target": None, "reason": "", "params": {"seat": 2}},
    EventType.SEAT_VACATED: {
        "actor": None,
        "target": "bob",
        "reason": "left the room",
        "params": {"seat": 0},
    },
    EventType.SEAT_REQUEST_CREATED: {
        "actor": "bob",
        "target": "bob",
        "reason": "",
        "params": {"request_id": "sreq_1", "preferred_seat": None},
    },
    EventType.SEAT_REQUEST_APPROVED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"request_id": "sreq_1", "seat": 0, "applied_live": True},
    },
    EventType.SEAT_REQUEST_REJECTED: {
        "actor": "alice",
        "target": "bob",
        "reason": "full",
        "params": {"request_id": "sreq_1"},
    },
    EventType.SEAT_REQUEST_CANCELLED: {
        "actor": "bob",
        "target": "bob",
        "reason": "",
        "params": {"request_id": "sreq_1"},
    },
    EventType.JOIN_REQUEST_CREATED: {
        "actor": "bob",
        "target": "bob",
        "reason": "",
        "params": {"request_id": "jreq_1", "name": "Bob", "expires_at": "2026-12-03T09:05:00Z"},
    },
    EventType.JOIN_REQUEST_ADMITTED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"request_id": "jreq_1"},
    },
    EventType.JOIN_REQUEST_DENIED: {
        "actor": None,
        "target": "bob",
        "reason": "not booked",
        "params": {"request_id": "jreq_1"},
    },
    EventType.JOIN_REQUEST_EXPIRED: {
        "actor": None,
        "target": "bob",
        "reason": "expired",
        "params": {"request_id": "jreq_1"},
    },
    EventType.SEAT_MIC_LOCKED: {
        "actor": "alice",
        "target": "bob",
        "reason": "noise",
        "params": {"seat": 1, "applied_live": True},
    },
    EventType.SEAT_MIC_UNLOCKED: {
        "actor": None,
        "target": None,
        "reason": "",
        "params": {"seat": 1, "applied_live": False},
    },
    EventType.SEAT_CAMERA_LOCKED: {
        "actor": "alice",
        "target": None,
        "reason": "",
        "params": {"seat": 0, "applied_live": False},
    },
    EventType.SEAT_CAMERA_UNLOCKED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"seat": 0, "applied_live": True},
    },
    EventType.SEAT_MOVED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"from": 0, "to": 2, "applied_live": True},
    },
    EventType.SEAT_SWAPPED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"from": 0, "to": 1, "other": "carol", "applied_live": True, "other_applied_live": False},
    },
    EventType.SEAT_REQUEST_INVITED: {
        "actor": "alice",
        "target": "bob",
        "reason": "",
        "params": {"request_id": "sreq_2", "preferred_seat": 1, "expires_at": "2026-12-03T09:05:00Z"},
    },
    EventType.SEAT_REQUEST_ACCEPTED: {
        "actor": "bob",
        "target": "bob",
        "reason": "",
        "params": {"request_id": "sreq_2", "seat": 1, "applied_live": True},
    },
    EventType.SEAT_REQUEST_DECLINED: {
        "actor": "bob",
        "target": "bob",
        "reason": "busy",
        "params": {"request_id": "sreq_2"},
    },
    EventType.SEAT_REQUEST_EXPIRED: {
        "actor": None,
        "target": "bob",
        "reason": "invitation expired",
        "params": {"request_id": "sreq_2"},
    },
    EventType.EGRESS_UPDATED: {"egress_id": "EG_1", "status": "egress_active", "event": "egress_updated"},
    EventType.INGRESS_UPDATED: {
        "ingress_id": "IN_1",
        "status": "endpoint_publishing",
        "event": "ingress_started",
    },
    EventType.DETECTION_STARTED: {
        "room_sid": "RM_1",
        "job_id": "AJ_1",
        "agent_identity": "agent-AJ_1",
        "models": {"audio": {"id": 1, "name": "audio-baseline", "version": "1"}, "video": None},
        "model_status": {"audio": "", "video": "no video model"},
    },
    EventType.DETECTION_STATE_CHANGED: {
        "identity": "mallory",
        "participant_sid": "PA_1",
        "track_sid": "TR_1",
        "kind": "audio",
        "from": "clear",
        "to": "suspicious",
        "score": 0.7,
        "smoothed_score": 0.61,
        "model": {"id": 1, "name": "audio-baseline", "version": "1"},
    },
    EventType.DETECTION_ALERT: {
        "type": "detection.alert",
        "room": "interview-9",
        "room_sid": "RM_1",
        "identity": "mallory",
        "participant_sid": "PA_1",
        "track_sid": "TR_1",
        "kind": "audio",
        "score": 0.97,
        "smoothed_score": 0.95,
        "state": "alert",
        "window_start": "2026-11-23T04:49:20Z",
        "window_end": "2026-11-23T04:49:22Z",
        "model": {"id": 1, "name": "audio-baseline", "version": "1"},
        "policy": "mute",
        "action": "muted",
        "occurred_at": "2026-11-23T04:49:22.5Z",
        "notified": ["alice"],
    },
    EventType.RECORDING_STARTED: RECORDING | {"started_at": "2026-11-23T04:49:22Z"},
    EventType.RECORDING_STOPPED: RECORDING | {"reason": "requested", "stopped_at": "2026-11-23T05:00:00Z"},
    EventType.RECORDING_READY: RECORDING
    | {
        "duration_s": 12.5,
        "size": 2048,
        "sha256": None,
        "location": "rec_1/",
        "partial": False,
        "files": [
            {
                "id": "rf_1",
                "kind": "audio",
                "identity": "bob",
                "track_sid": "TR_1",
                "key": "rec_1/bob.ogg",
                "size": 2048,
                "sha256": "0" * 64,
                "duration_s": 12.5,
                "location": None,
                "partial": False,
            }
        ],
    },
    EventType.RECORDING_FAILED: RECORDING | {"reason": "recorder lost"},
    EventType.AGENT_DISPATCHED: {
        "dispatch_id": "adp_1",
        "agent_name": "acme-translator",
        "livekit_dispatch_id": "AD_1",
        "redispatch": False,
    },
    EventType.AGENT_REMOVED: {"dispatch_id": "adp_1", "agent_name": "acme-translator", "reason": "requested"},
}


def test_every_event_type_has_a_payload_struct() -> None:
    assert set(payloads.PAYLOADS) == set(EventType)
    assert set(SAMPLES) == set(EventType)


def test_component_names_follow_the_convention_the_clients_rely_on() -> None:
    assert payloads.component_name("seat_request.created") == "SeatRequestCreatedData"
    assert payloads.component_name("room.owner_changed") == "RoomOwnerChangedData"
    for event_type, struct in payloads.PAYLOADS.items():
        assert struct.__name__ == payloads.component_name(event_type)


@pytest.mark.parametrize("event_type", list(EventType))
def test_each_sample_payload_passes(event_type: EventType) -> None:
    payloads.check(event_type, msgspec.json.encode(SAMPLES[event_type]))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.pop("target"), id="missing field"),
        pytest.param(lambda d: d.update(reason=None), id="wrong type"),
        pytest.param(lambda d: d.update(extra=1), id="unknown field"),
        pytest.param(lambda d: d["params"].update(seat="0"), id="no coercion from string"),
        pytest.param(lambda d: d["params"].update(ban_expires_at="next week"), id="not a timestamp"),
        pytest.param(lambda d: d["params"].pop("was_connected"), id="missing nested field"),
    ],
)
def test_a_wrong_payload_is_refused(change: Any) -> None:
    data = msgspec.json.decode(msgspec.json.encode(KICKED))
    change(data)
    with pytest.raises(payloads.PayloadMismatch, match="ParticipantKickedData"):
        payloads.check(EventType.PARTICIPANT_KICKED, msgspec.json.encode(data))


def test_a_payload_of_another_type_is_refused() -> None:
    with pytest.raises(payloads.PayloadMismatch):
        payloads.check(
            EventType.ROOM_CREATED, msgspec.json.encode(SAMPLES[EventType.ROOM_UPDATED] | {"x": 1})
        )
    with pytest.raises(payloads.PayloadMismatch):
        payloads.check(EventType.TRACK_PUBLISHED, msgspec.json.encode(SAMPLES[EventType.PARTICIPANT_LEFT]))


async def test_emit_raises_on_a_wrong_payload_before_writing_anything() -> None:
    """Strict (dev and tests): emit fails before it touches the session (a placeholder here)."""
    session = cast(AsyncSession, object())
    with pytest.raises(payloads.PayloadMismatch, match="RoomEndedData"):
        await events.emit(session, EventType.ROOM_ENDED, room="r", project_id=1, data={"room_sid": "RM_1"})


def _mismatches(event_type: str) -> float:
    value = metrics.REGISTRY.get_sample_value(
        "roomsvc_event_payload_mismatches_total", {"event_type": event_type}
    )
    return value or 0.0


class _Log:
    """Stands in for the module's structlog logger (configured loggers are cached on first use)."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, dict[str, Any]]] = []

    def error(self, event: str, **fields: Any) -> None:
        self.entries.append(("error", event, fields))


def test_production_logs_and_counts_a_mismatch_instead_of_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    log = _Log()
    monkeypatch.setattr(events, "log", log)
    before = _mismatches("room.ended")
    previous = events.set_strict_payloads(False)
    try:
        events.check_payload(EventType.ROOM_ENDED, msgspec.json.encode({"room_sid": "RM_1"}))
    finally:
        events.set_strict_payloads(previous)
    assert _mismatches("room.ended") == before + 1
    [(level, event, fields)] = log.entries
    assert (level, event, fields["event_type"]) == ("error", "event.payload_mismatch", "room.ended")
    assert "reason" in fields["error"]
    with pytest.raises(payloads.PayloadMismatch):  # strict again
        events.check_payload(EventType.ROOM_ENDED, msgspec.json.encode({"room_sid": "RM_1"}))


# --- the OpenAPI document -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from roomsvc.app import create_app
    from roomsvc.config import load_settings

    return cast(dict[str, Any], create_app(load_settings({})).openapi_schema.to_schema())


def test_each_payload_is_a_component_under_its_conventional_name(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for event_type, struct in payloads.PAYLOADS.items():
        name = payloads.component_name(event_type)
        assert name in schemas, f"{event_type}: no component {name}"
        component = schemas[name]
        fields = msgspec.structs.fields(struct)
        assert set(component["properties"]) == {f.encode_name for f in fields}, name
        required = {f.encode_name for f in fields if f.required}
        assert set(component.get("required", ())) == required, name
        assert "request_id" in component["properties"] and "request_id" not in required


def test_each_event_type_is_a_webhook_whose_body_is_its_envelope(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    webhooks = document["webhooks"]
    assert set(webhooks) == {str(t) for t in EventType}
    for event_type in EventType:
        operation = webhooks[str(event_type)]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["type"]["const"] == str(event_type)
        assert body["properties"]["type"]["enum"] == [str(event_type)]
        ref = f"#/components/schemas/{payloads.component_name(event_type)}"
        assert body["properties"]["data"] == {"$ref": ref}
        assert set(body["required"]) == {"id", "type", "room", "occurred_at", "data"}
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert {"Roomsvc-Signature", "Roomsvc-Timestamp", "Roomsvc-Event-Id"} <= headers
        assert headers == set(HEADERS_DOCUMENTED)


def test_documented_header_patterns_match_what_delivery_sends() -> None:
    import re

    from roomsvc import __version__
    from roomsvc.events.delivery import sign

    sent = {
        "Roomsvc-Signature": sign("s" * 32, 1700000000, b"{}"),
        "Roomsvc-Timestamp": "1700000000",
        "Roomsvc-Event-Id": "evt_04734c5be3e73d899670f26c",
        "User-Agent": f"roomsvc/{__version__}",
        "Accept-Encoding": "identity",
    }
    for name, (pattern, _) in HEADERS_DOCUMENTED.items():
        assert re.search(pattern, sent[name]), name
