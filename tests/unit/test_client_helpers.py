"""The hand-written helpers of the Python client (clients/python/roomsvc_client/helpers.py) agree with
roomsvc's own code: caller JWTs as roomsvc.credentials.tokens mints them, delivery signatures as
roomsvc.events.delivery signs them, envelopes as docs/events.md shows them. tests/e2e/test_client_python.py
checks the same helpers against the running API and a real delivery.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import jwt
import pytest
import roomsvc_client
from roomsvc_client import helpers, models

from roomsvc.config import load_settings
from roomsvc.credentials.tokens import mint_caller_token
from roomsvc.events.delivery import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

SECRET = "whsec_unit-test-secret"
BODY = json.dumps(
    {
        "id": "evt_04734c5be3e73d899670f26c",
        "type": "room.created",
        "room": "standup-42",
        "occurred_at": "2026-11-23T04:49:22.823828Z",
        "data": {
            "room_sid": "RM_JL3Uacw474uj",
            "creator": "alice",
            "call_type": "video",
            "max_participants": 0,
            "metadata": "",
            "request_id": "87d158ada49d4ba4b945ff627967b3a7",
        },
    }
).encode()


def _signed(body: bytes = BODY, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


# --- caller_token ---------------------------------------------------------------------------------


def test_caller_token_carries_the_claims_roomsvc_mints() -> None:
    token = roomsvc_client.caller_token(
        "cred_app", "caller-secret-0123456789abcdef0123", scopes=["rooms:read"], ttl=120
    )
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["kid"]) == ("HS256", "cred_app")
    claims = jwt.decode(token, "caller-secret-0123456789abcdef0123", algorithms=["HS256"], audience="roomsvc")
    assert claims["iss"] == "cred_app"
    assert claims["scope"] == "rooms:read"
    assert claims["exp"] - claims["iat"] == 120
    assert abs(claims["iat"] - time.time()) < 60
    assert "sub" not in claims
    reference = jwt.decode(
        mint_caller_token(
            credential_id="cred_app",
            secret="caller-secret-0123456789abcdef0123",
            audience="roomsvc",
            scopes=["rooms:read"],
        ),
        "caller-secret-0123456789abcdef0123",
        algorithms=["HS256"],
        audience="roomsvc",
    )
    assert set(claims) == set(reference)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-0123456789abcdef0123", algorithms=["HS256"], audience="roomsvc")


def test_caller_token_defaults_follow_the_server() -> None:
    token = roomsvc_client.caller_token(
        "cred_app", "caller-secret-0123456789abcdef0123", operator="ops@example.com"
    )
    defaults = load_settings({})
    claims = jwt.decode(
        token,
        "caller-secret-0123456789abcdef0123",
        algorithms=["HS256"],
        audience=defaults.caller_auth.audience,
    )
    assert claims["aud"] == defaults.caller_auth.audience == helpers.DEFAULT_AUDIENCE
    assert "scope" not in claims  # no `scope`: every scope the credential holds (docs/api.md)
    assert claims["exp"] - claims["iat"] == 300
    assert claims["sub"] == "ops@example.com"


@pytest.mark.parametrize("operator", ["", "a b", "x" * 129, "ops/1"])
def test_caller_token_refuses_an_operator_the_server_would_refuse(operator: str) -> None:
    with pytest.raises(ValueError, match="operator"):
        roomsvc_client.caller_token("cred_app", "caller-secret-0123456789abcdef0123", operator=operator)


# --- verify_signature -----------------------------------------------------------------------------


def test_verify_signature_accepts_what_roomsvc_signs_whatever_the_header_case() -> None:
    headers = _signed()
    assert roomsvc_client.verify_signature(SECRET, headers, BODY)
    assert roomsvc_client.verify_signature(SECRET, {k.lower(): v for k, v in headers.items()}, BODY)
    assert roomsvc_client.verify_signature(SECRET, {k.upper(): v for k, v in headers.items()}, BODY)
    assert roomsvc_client.verify_signature(SECRET, list(headers.items()), BODY)
    assert roomsvc_client.verify_signature(SECRET, headers, BODY.decode())


def test_verify_signature_rejects_tampering_and_other_secrets() -> None:
    headers = _signed()
    assert not roomsvc_client.verify_signature(SECRET, headers, BODY.replace(b"alice", b"mallory"))
    assert not roomsvc_client.verify_signature(SECRET, headers, BODY + b" ")
    assert not roomsvc_client.verify_signature("whsec_other", headers, BODY)
    flipped = headers[SIGNATURE_HEADER][:-1] + ("0" if headers[SIGNATURE_HEADER][-1] != "0" else "1")
    assert not roomsvc_client.verify_signature(SECRET, headers | {SIGNATURE_HEADER: flipped}, BODY)
    # The timestamp is signed too: moving it (to dodge the tolerance) breaks the signature.
    moved = headers | {TIMESTAMP_HEADER: str(int(headers[TIMESTAMP_HEADER]) + 1)}
    assert not roomsvc_client.verify_signature(SECRET, moved, BODY)
    bare = headers[SIGNATURE_HEADER].removeprefix("v1=")
    assert not roomsvc_client.verify_signature(SECRET, headers | {SIGNATURE_HEADER: bare}, BODY)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SIGNATURE_HEADER: "v1=00"},
        {TIMESTAMP_HEADER: "1700000000"},
        {TIMESTAMP_HEADER: "soon", SIGNATURE_HEADER: "v1=00"},
        {TIMESTAMP_HEADER: "-5", SIGNATURE_HEADER: "v1=00"},
        {TIMESTAMP_HEADER: "\uff11\uff17\uff10\uff10", SIGNATURE_HEADER: "v1=00"},  # fullwidth digits
    ],
)
def test_verify_signature_refuses_missing_or_malformed_headers(headers: dict[str, str]) -> None:
    assert not roomsvc_client.verify_signature(SECRET, headers, BODY)


def test_verify_signature_refuses_timestamps_outside_the_tolerance() -> None:
    now = 1_800_000_000
    assert roomsvc_client.verify_signature(SECRET, _signed(at=now - 300), BODY, now=now)
    assert roomsvc_client.verify_signature(SECRET, _signed(at=now + 300), BODY, now=now)
    assert not roomsvc_client.verify_signature(SECRET, _signed(at=now - 301), BODY, now=now)
    assert not roomsvc_client.verify_signature(SECRET, _signed(at=now + 301), BODY, now=now)
    assert roomsvc_client.verify_signature(SECRET, _signed(at=now - 3600), BODY, now=now, tolerance=3600)
    stale = _signed(at=int(time.time()) - 301)
    assert not roomsvc_client.verify_signature(SECRET, stale, BODY)


def test_verify_signature_accepts_either_secret_during_a_rotation() -> None:
    old, new = "whsec_old", "whsec_new"
    assert roomsvc_client.verify_signature([new, old], _signed(secret=old), BODY)
    assert roomsvc_client.verify_signature([new, old], _signed(secret=new), BODY)
    assert not roomsvc_client.verify_signature([new], _signed(secret=old), BODY)
    assert not roomsvc_client.verify_signature([], _signed(secret=old), BODY)
    # A header carrying several signatures verifies when any one of them does.
    headers = _signed(secret=new)
    several = headers | {SIGNATURE_HEADER: f"v1={'ab' * 32}, {headers[SIGNATURE_HEADER]}"}
    assert roomsvc_client.verify_signature(new, several, BODY)
    assert not roomsvc_client.verify_signature(old, several, BODY)


# --- parse_event ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "name"),
    [
        ("room.created", "RoomCreatedData"),
        ("seat_request.created", "SeatRequestCreatedData"),
        ("room.owner_changed", "RoomOwnerChangedData"),
        ("detection.state_changed", "DetectionStateChangedData"),
    ],
)
def test_payload_model_names_follow_the_convention(event_type: str, name: str) -> None:
    assert helpers.payload_model_name(event_type) == name


def test_parse_event_reads_the_envelope_from_bytes_text_or_a_dict() -> None:
    for body in (BODY, BODY.decode(), json.loads(BODY)):
        event = roomsvc_client.parse_event(body)
        assert isinstance(event, roomsvc_client.Event)
        assert (event.id, event.type, event.room) == (
            "evt_04734c5be3e73d899670f26c",
            "room.created",
            "standup-42",
        )
        assert event.occurred_at == dt.datetime(2026, 11, 23, 4, 49, 22, 823828, tzinfo=dt.UTC)
        model = helpers.payload_model("room.created")
        assert isinstance(event.data, model if model is not None else dict)


def test_parse_event_keeps_a_dict_for_a_type_without_a_payload_model() -> None:
    document = json.loads(BODY) | {"type": "room.teleported", "data": {"to": "mars"}}
    assert helpers.payload_model("room.teleported") is None
    assert roomsvc_client.parse_event(document).data == {"to": "mars"}


class _RoomCreatedData:
    """Stands in for a generated payload model (same from_dict protocol)."""

    def __init__(self, room_sid: str, creator: str) -> None:
        self.room_sid, self.creator = room_sid, creator

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Self:
        return cls(src["room_sid"], src["creator"])


def test_parse_event_types_data_with_the_generated_model_of_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mechanism, with a stand-in: the e2e test parses real events with the real generated models.
    monkeypatch.setattr(models, "RoomCreatedData", _RoomCreatedData, raising=False)
    event = roomsvc_client.parse_event(BODY)
    assert isinstance(event.data, _RoomCreatedData)
    assert (event.data.room_sid, event.data.creator) == ("RM_JL3Uacw474uj", "alice")


def test_parse_event_refuses_what_is_not_an_envelope(monkeypatch: pytest.MonkeyPatch) -> None:
    envelope = json.loads(BODY)
    for bad in (
        b"[1, 2]",
        {k: v for k, v in envelope.items() if k != "occurred_at"},
        envelope | {"occurred_at": "yesterday"},
        envelope | {"id": 7},
        envelope | {"room": 7},
    ):
        with pytest.raises(ValueError):
            roomsvc_client.parse_event(bad)
    with pytest.raises(json.JSONDecodeError):
        roomsvc_client.parse_event(b"{not json")
    monkeypatch.setattr(models, "RoomCreatedData", _RoomCreatedData, raising=False)
    with pytest.raises(ValueError, match="does not fit"):
        roomsvc_client.parse_event(envelope | {"data": {"creator": "alice"}})


def test_every_event_type_of_the_document_has_a_generated_payload_model() -> None:
    document = json.loads((Path(__file__).resolve().parents[2] / "clients" / "openapi.json").read_text())
    types = document["components"]["schemas"]["EventType"]["enum"]
    assert types
    assert [t for t in types if helpers.payload_model(t) is None] == []


def test_parse_event_gives_the_generated_model_for_a_documented_event() -> None:
    event = roomsvc_client.parse_event(BODY)
    assert isinstance(event.data, models.RoomCreatedData)
    assert (event.data.room_sid, event.data.creator, event.data.max_participants) == (
        "RM_JL3Uacw474uj",
        "alice",
        0,
    )
    assert event.data.request_id == "87d158ada49d4ba4b945ff627967b3a7"
    with pytest.raises(ValueError, match="does not fit RoomCreatedData"):
        roomsvc_client.parse_event(json.loads(BODY) | {"data": {"creator": "alice"}})
