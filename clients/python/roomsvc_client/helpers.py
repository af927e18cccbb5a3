"""Hand-written helpers next to the generated client (generate.sh keeps this file): sign a caller JWT,
verify a signed event delivery, and parse an event envelope into its typed payload.

They follow roomsvc's own code: ``roomsvc.credentials.tokens.mint_caller_token`` (caller JWTs),
``roomsvc.events.delivery.sign`` (``Roomsvc-Signature``) and the envelope in docs/events.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from . import models

DEFAULT_AUDIENCE = "roomsvc"
"""roomsvc's default ``ROOMSVC_CALLER_AUDIENCE``: the ``aud`` a caller JWT must carry."""

OPERATOR_PATTERN = re.compile(r"[A-Za-z0-9._@:+-]{1,128}")
"""What the server accepts as ``sub`` (the operator); anything else is ``401 invalid-token``."""

SIGNATURE_HEADER = "Roomsvc-Signature"
TIMESTAMP_HEADER = "Roomsvc-Timestamp"
DEFAULT_TOLERANCE = 300
"""Seconds a delivery's ``Roomsvc-Timestamp`` may be away from now (either way) to be accepted."""

_ENVELOPE_FIELDS = ("id", "type", "room", "occurred_at", "data")


def caller_token(
    credential_id: str,
    secret: str,
    *,
    audience: str = DEFAULT_AUDIENCE,
    scopes: Iterable[str] | None = None,
    ttl: int = 300,
    operator: str | None = None,
) -> str:
    """A caller JWT for ``Authorization: Bearer …``, signed HS256 with a caller credential's secret.

    The header's ``kid`` and the ``iss`` claim name the credential; ``aud`` must equal the server's
    ``ROOMSVC_CALLER_AUDIENCE`` (``"roomsvc"`` unless its operator changed it). ``scopes`` become the
    space-separated ``scope`` claim: the server grants those the credential also holds; without
    ``scopes`` (``None``) the claim is left out and the token gets all of the credential's scopes. The
    token expires ``ttl`` seconds from now; the server refuses lifetimes above ``ROOMSVC_CALLER_MAX_TTL``
    (3600 s by default), so mint a fresh one rather than a long-lived one. ``operator``, when given, is
    the ``sub`` claim: the person using the token, recorded as ``actor`` of the moderation it does.

    Raises :class:`ValueError` for an ``operator`` the server would refuse (1-128 characters from
    ``A-Z a-z 0-9 . _ @ : + -``).
    """
    now = int(time.time())
    claims: dict[str, Any] = {"iss": credential_id, "aud": audience, "iat": now, "exp": now + ttl}
    if scopes is not None:
        claims["scope"] = " ".join(scopes)
    if operator is not None:
        if not OPERATOR_PATTERN.fullmatch(operator):
            raise ValueError("operator: 1-128 characters from A-Z a-z 0-9 . _ @ : + -")
        claims["sub"] = operator
    return jwt.encode(claims, secret, algorithm="HS256", headers={"kid": credential_id})


def _header(headers: Mapping[str, str] | Iterable[tuple[str, str]], name: str) -> str:
    """A header's value whatever the case of its name, from a mapping or from (name, value) pairs."""
    pairs: Iterable[tuple[str, str]] = headers.items() if isinstance(headers, Mapping) else headers
    wanted = name.lower()
    for key, value in pairs:
        if key.lower() == wanted:
            return value
    return ""


def verify_signature(
    secret: str | Sequence[str],
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when a delivery's ``Roomsvc-Signature`` signs exactly this raw ``body`` with its
    ``Roomsvc-Timestamp``, and that timestamp is within ``tolerance`` seconds of ``now`` (default: the
    clock), which stops a captured delivery from being replayed later.

    ``headers`` may be any mapping (``dict(request.headers)``, httpx/Starlette headers) or (name, value)
    pairs; names are matched ignoring case. Pass the **raw** body bytes as received: a body parsed and
    serialised again differs. The signature is ``v1=`` + hex HMAC-SHA256(secret, ``"{timestamp}.{body}"``),
    compared in constant time.

    Secret rotation: ``POST /v1/event-subscriptions/{id}/rotate-secret`` switches roomsvc to the new
    secret at once, and each delivery carries one signature. Pass ``[new_secret, old_secret]`` while
    your receiver moves over: any of them verifies. A header with several comma- or space-separated
    ``v1=`` signatures is accepted when any of them matches.
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    timestamp = _header(headers, TIMESTAMP_HEADER).strip()
    if not secrets or not timestamp.isascii() or not timestamp.isdigit():
        return False
    clock = time.time() if now is None else now
    if abs(clock - int(timestamp)) > tolerance:
        return False
    received = [part.encode() for part in re.split(r"[\s,]+", _header(headers, SIGNATURE_HEADER)) if part]
    raw = body.encode() if isinstance(body, str) else body
    matched = False
    for candidate in secrets:
        mac = hmac.new(candidate.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
        expected = f"v1={mac}".encode()
        for signature in received:
            # No early exit: every comparison runs, so timing says nothing about which one matched.
            matched |= hmac.compare_digest(signature, expected)
    return matched


@dataclass(frozen=True)
class Event:
    """An event envelope (docs/events.md): a delivery body, an SSE ``data:`` line, an item of
    ``GET /v1/events``.

    ``data`` is the generated model ``roomsvc_client.models.<Type>Data`` for the event's type when the
    OpenAPI document describes that payload (``seat_request.created`` → ``SeatRequestCreatedData``), and
    the plain ``dict`` otherwise (for example a type newer than this client).
    """

    id: str
    type: str
    room: str | None
    occurred_at: dt.datetime
    data: Any


def payload_model_name(event_type: str) -> str:
    """The OpenAPI component (and generated class) that describes ``event_type``'s ``data``:
    the type split on ``.`` and ``_``, each part capitalised, then ``Data``
    (``room.owner_changed`` → ``RoomOwnerChangedData``)."""
    return "".join(part.capitalize() for part in re.split(r"[._]", event_type) if part) + "Data"


def payload_model(event_type: str) -> type[Any] | None:
    """The generated model class for ``event_type``'s payload, or ``None`` when there is none."""
    candidate = getattr(models, payload_model_name(event_type), None)
    if isinstance(candidate, type) and callable(getattr(candidate, "from_dict", None)):
        return candidate
    return None


def parse_event(body: bytes | str | Mapping[str, Any]) -> Event:
    """The event envelope in ``body`` (raw JSON bytes or text, or an already decoded object), with
    ``occurred_at`` as an aware :class:`datetime.datetime` and ``data`` typed (see :class:`Event`).

    Raises :class:`ValueError` when ``body`` is not an event envelope, or when its ``data`` does not
    fit the model its type names. Verify the signature (:func:`verify_signature`) on the raw bytes
    before parsing a delivery.
    """
    document: Any = json.loads(body) if isinstance(body, bytes | str) else body
    if not isinstance(document, Mapping):
        raise ValueError("an event envelope is a JSON object")
    missing = [name for name in _ENVELOPE_FIELDS if name not in document]
    if missing:
        raise ValueError(f"not an event envelope: missing {', '.join(missing)}")
    event_id, event_type, room = document["id"], document["type"], document["room"]
    if not isinstance(event_id, str) or not isinstance(event_type, str):
        raise ValueError("an event's `id` and `type` are strings")
    if room is not None and not isinstance(room, str):
        raise ValueError("an event's `room` is a string or null")
    occurred_at = _timestamp(document["occurred_at"])
    data = document["data"]
    model = payload_model(event_type)
    if model is not None and isinstance(data, Mapping):
        try:
            data = model.from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the data of {event_type!r} does not fit {model.__name__}: {exc!r}") from exc
    return Event(id=event_id, type=event_type, room=room, occurred_at=occurred_at, data=data)


def _timestamp(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("an event's `occurred_at` is an ISO 8601 string")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"an event's `occurred_at` is not ISO 8601: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
