from __future__ import annotations

import base64
import hashlib
import time

import jwt
import pytest

from roomsvc.errors import Unauthenticated
from roomsvc.webhooks.verify import sign_webhook, verify_webhook

KEY, SECRET = "devkey", "s" * 40
BODY = b'{"event":"room_started","id":"EV_1"}'


def test_valid_signature_passes_with_or_without_bearer() -> None:
    token = sign_webhook(BODY, api_key=KEY, api_secret=SECRET)
    verify_webhook(BODY, token, api_key=KEY, api_secret=SECRET)
    verify_webhook(BODY, "Bearer " + token, api_key=KEY, api_secret=SECRET)


@pytest.mark.parametrize(
    ("body", "token_factory", "code"),
    [
        (BODY + b" ", lambda: sign_webhook(BODY, api_key=KEY, api_secret=SECRET), "webhook-body-mismatch"),
        (BODY, lambda: sign_webhook(BODY, api_key=KEY, api_secret="t" * 40), "webhook-invalid-signature"),
        (
            BODY,
            lambda: sign_webhook(BODY, api_key="otherkey", api_secret=SECRET),
            "webhook-invalid-signature",
        ),
        (BODY, lambda: None, "webhook-unsigned"),
        (
            BODY,
            lambda: jwt.encode(
                {
                    "iss": KEY,
                    "exp": int(time.time()) - 60,
                    "sha256": base64.b64encode(hashlib.sha256(BODY).digest()).decode(),
                },
                SECRET,
                algorithm="HS256",
            ),
            "webhook-expired",
        ),
        (
            BODY,
            lambda: jwt.encode({"iss": KEY, "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"),
            "webhook-invalid-signature",
        ),
        (
            BODY,
            lambda: jwt.encode(
                {"iss": KEY, "exp": int(time.time()) + 60, "sha256": "%%%"}, SECRET, algorithm="HS256"
            ),
            "webhook-invalid-signature",
        ),
        (
            BODY,
            lambda: jwt.encode(
                {
                    "iss": KEY,
                    "exp": int(time.time()) + 60,
                    "sha256": base64.b64encode(hashlib.sha256(BODY).digest()).decode(),
                },
                None,
                algorithm="none",
            ),
            "webhook-invalid-signature",
        ),
    ],
)
def test_forged_tampered_expired_or_unsigned_is_refused(
    body: bytes, token_factory: object, code: str
) -> None:
    with pytest.raises(Unauthenticated) as caught:
        verify_webhook(body, token_factory(), api_key=KEY, api_secret=SECRET)  # type: ignore[operator]
    assert caught.value.code == code
