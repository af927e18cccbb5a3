"""``auth.authenticate`` on its own: the header is read before the credential lookup, the whole token
once by the verifying decode. Which tokens reach a lookup, and which message each refusal carries.
(The same refusals through the API: tests/integration/test_auth.py and test_bad_input.py.)"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from roomsvc.auth import _CachedCredential, authenticate
from roomsvc.config import CallerAuthSettings
from roomsvc.errors import Unauthenticated

SECRET = "s" * 40
SETTINGS = CallerAuthSettings(
    audience="roomsvc", max_ttl=3600, leeway=5, dev_credential_id="cred_dev", dev_credential_secret=SECRET
)


class Store:
    """A credential store holding ``cred_a`` only; counts lookups."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def get(self, public_id: str, *, before_lookup: Callable[[], None] | None = None) -> Any:
        self.asked.append(public_id)
        if public_id != "cred_a":
            return None
        return _CachedCredential(
            secret=SECRET, scopes=frozenset({"rooms", "events"}), revoked=False, fetched_at=0
        )


def _claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"aud": "roomsvc", "iat": now, "exp": now + 600, "scope": "rooms"} | extra


def _segment(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def _refusal(token: str, store: Store | None = None) -> str:
    with pytest.raises(Unauthenticated) as caught:
        await authenticate(f"Bearer {token}", store or Store(), SETTINGS)  # type: ignore[arg-type]
    assert caught.value.code == "invalid-token"
    return str(caught.value.detail)


async def test_kid_or_iss_names_the_credential() -> None:
    store = Store()
    by_kid = jwt.encode(_claims(), SECRET, algorithm="HS256", headers={"kid": "cred_a"})
    caller = await authenticate(f"Bearer {by_kid}", store, SETTINGS)  # type: ignore[arg-type]
    assert (caller.credential_id, caller.scopes) == ("cred_a", frozenset({"rooms"}))
    by_iss = jwt.encode(_claims(iss="cred_a"), SECRET, algorithm="HS256")
    caller = await authenticate(f"Bearer {by_iss}", store, SETTINGS)  # type: ignore[arg-type]
    assert caller.credential_id == "cred_a"
    assert store.asked == ["cred_a", "cred_a"]


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b",
        "a.b.c.d",
        "not base64!.e30.sig",
        f"{_segment(b'not json')}.{_segment({})}.c2ln",
        f"{_segment([1, 2])}.{_segment({})}.c2ln",
        _segment(bytes([0xFF, 0xFE])) + "." + _segment({}) + ".c2ln",
    ],
)
async def test_malformed_tokens_are_refused_before_any_lookup(token: str) -> None:
    store = Store()
    assert "not a well-formed JWT" in await _refusal(token, store)
    assert store.asked == []


async def test_a_signed_payload_that_does_not_parse_is_malformed() -> None:
    header = _segment({"alg": "HS256", "typ": "JWT", "kid": "cred_a"})
    for payload in (_segment(b"not json"), _segment([1])):
        signing_input = f"{header}.{payload}".encode()
        signature = _segment(hmac.new(SECRET.encode(), signing_input, hashlib.sha256).digest())
        assert "not a well-formed JWT" in await _refusal(f"{header}.{payload}.{signature}")
        # Unsigned, it is refused for its signature, checked first (pyjwt's order).
        assert "signature or claims" in await _refusal(f"{header}.{payload}.c2ln")
    assert "not a well-formed JWT" in await _refusal(f"{header}.@@.c2ln")


async def test_signature_alg_and_kid_refusals() -> None:
    good = jwt.encode(_claims(), SECRET, algorithm="HS256", headers={"kid": "cred_a"})
    header, payload, _ = good.split(".")
    assert "signature or claims" in await _refusal(f"{header}.{payload}.{_segment(b'x' * 32)}")
    none = _segment({"alg": "none", "kid": "cred_a"})
    assert "HS256" in await _refusal(f"{none}.{payload}.")
    foreign = jwt.encode(_claims(), SECRET, algorithm="HS256", headers={"kid": "cred_b"})
    assert "Unknown or revoked credential 'cred_b'" in await _refusal(foreign)
    nameless = jwt.encode(_claims(), SECRET, algorithm="HS256")
    assert "names no credential" in await _refusal(nameless)
    store = Store()
    bad_kid = jwt.encode(_claims(), SECRET, algorithm="HS256", headers={"kid": "' OR 1=1 --"})
    assert "not a credential id" in await _refusal(bad_kid, store)
    assert store.asked == []
    expired = jwt.encode(
        _claims(exp=int(time.time()) - 60), SECRET, algorithm="HS256", headers={"kid": "cred_a"}
    )
    with pytest.raises(Unauthenticated) as caught:
        await authenticate(f"Bearer {expired}", Store(), SETTINGS)  # type: ignore[arg-type]
    assert caught.value.code == "expired-token"
