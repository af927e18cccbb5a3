"""Verification of LiveKit's webhook signature, done here rather than with livekit-api's WebhookReceiver.

LiveKit sends ``Authorization: <JWT>`` (no "Bearer") signed HS256 with the API secret, issuer = the API
key, and a ``sha256`` claim holding base64(sha256(raw body)). The SDK's receiver raises a bare
``Exception`` and compares the hashes with ``!=``; we need typed failures (→ 401) and a constant-time
comparison.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

import jwt

from roomsvc.errors import Unauthenticated

LEEWAY_SECONDS = 10


def verify_webhook(body: bytes, authorization: str | None, *, api_key: str, api_secret: str) -> None:
    if not authorization:
        raise Unauthenticated("Webhook carries no Authorization token.", code="webhook-unsigned")
    token = authorization[7:] if authorization[:7].lower() == "bearer " else authorization
    try:
        claims = jwt.decode(
            token,
            api_secret,
            algorithms=["HS256"],
            issuer=api_key,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("Webhook token has expired.", code="webhook-expired") from None
    except jwt.PyJWTError:
        raise Unauthenticated("Webhook token is invalid.", code="webhook-invalid-signature") from None
    claimed = claims.get("sha256")
    if not isinstance(claimed, str) or not claimed:
        raise Unauthenticated("Webhook token has no sha256 claim.", code="webhook-invalid-signature")
    try:
        claimed_digest = base64.b64decode(claimed, validate=True)
    except (binascii.Error, ValueError):
        raise Unauthenticated(
            "Webhook sha256 claim is not base64.", code="webhook-invalid-signature"
        ) from None
    if not hmac.compare_digest(claimed_digest, hashlib.sha256(body).digest()):
        raise Unauthenticated("Webhook body does not match its signature.", code="webhook-body-mismatch")


def sign_webhook(body: bytes, *, api_key: str, api_secret: str, ttl: int = 300) -> str:
    """The token LiveKit would send for ``body``; used by tests and the ingest benchmark."""
    import time

    now = int(time.time())
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return jwt.encode(
        {"iss": api_key, "nbf": now, "exp": now + ttl, "sha256": digest}, api_secret, algorithm="HS256"
    )
